//! [`FieldPath`]: the JSON path of a field, kept as static names and list indices on the
//! stack and written out as text only when a finding needs it.
//!
//! A check of a valid request therefore allocates nothing: `info[3].price` exists as three
//! linked values (`info` with index 3, then `price`) until a problem is recorded against it.

use std::fmt;

/// One step of a path.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// An object key (it may itself hold dots, e.g. a constant prefix `card_ext.user_card`).
    Name(&'static str),
    /// An entry of a list under a key: `name[index]`.
    Item(&'static str, usize),
}

/// The JSON path of a field, e.g. `card_ext.user_card.invoice_user_data.info[3].price`.
///
/// Built with [`root`](Self::root), [`field`](Self::field) and [`item`](Self::item); each step
/// borrows its parent, so a path costs a few words on the stack. `Display` writes the dotted
/// form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    step: Step,
}

impl<'a> FieldPath<'a> {
    /// A top-level key.
    pub(crate) const fn root(name: &'static str) -> FieldPath<'static> {
        FieldPath {
            parent: None,
            step: Step::Name(name),
        }
    }

    /// `name` under `parent`, or at the top level when there is no parent.
    pub(crate) const fn under(parent: Option<&'a FieldPath<'a>>, name: &'static str) -> FieldPath<'a> {
        FieldPath {
            parent,
            step: Step::Name(name),
        }
    }

    /// The key `name` inside this object.
    pub(crate) const fn field(&'a self, name: &'static str) -> FieldPath<'a> {
        Self::under(Some(self), name)
    }

    /// Entry `index` of the list under key `name` inside this object.
    pub(crate) const fn item(&'a self, name: &'static str, index: usize) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            step: Step::Item(name, index),
        }
    }

    /// Entry `index` of the top-level list `name`.
    pub(crate) const fn root_item(name: &'static str, index: usize) -> FieldPath<'static> {
        FieldPath {
            parent: None,
            step: Step::Item(name, index),
        }
    }
}

impl From<&'static str> for FieldPath<'_> {
    fn from(name: &'static str) -> Self {
        FieldPath::root(name)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}.")?;
        }
        match self.step {
            Step::Name(name) => f.write_str(name),
            Step::Item(name, index) => write!(f, "{name}[{index}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FieldPath;

    #[test]
    fn renders_dotted_paths_with_indices() {
        let data = FieldPath::root("card_ext.user_card.invoice_user_data");
        let item = data.item("info", 3);
        assert_eq!(
            item.field("price").to_string(),
            "card_ext.user_card.invoice_user_data.info[3].price"
        );
        assert_eq!(FieldPath::from("order_id").to_string(), "order_id");
        assert_eq!(FieldPath::under(None, "card_id").to_string(), "card_id");
        let list = FieldPath::root_item("item_list", 0);
        assert_eq!(
            FieldPath::under(Some(&list), "card_id").to_string(),
            "item_list[0].card_id"
        );
        let auth = FieldPath::root("auth_field");
        let side = auth.field("biz_field");
        assert_eq!(
            side.item("custom_field", 12).field("key").to_string(),
            "auth_field.biz_field.custom_field[12].key"
        );
    }
}
