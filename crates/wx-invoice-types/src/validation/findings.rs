//! [`Findings`]: the problems and warnings collected while one request is checked.
//!
//! Every rule takes the field as a [`FieldPath`] and writes the path and the message out only
//! when the value breaks the rule, so checking a valid request allocates nothing.

use super::path::FieldPath;
use super::{FieldProblem, ValidationErrors, ValidationWarning};
use crate::status::ReimburseStatus;

/// Collects problems and warnings while a request is checked (crate-internal).
#[derive(Debug, Default)]
pub(crate) struct Findings {
    problems: Vec<FieldProblem>,
    warnings: Vec<ValidationWarning>,
}

impl Findings {
    /// Records a problem with `field`.
    pub(crate) fn problem<'p>(&mut self, field: impl Into<FieldPath<'p>>, message: impl Into<String>) {
        self.problems.push(FieldProblem::new(field.into().to_string(), message));
    }

    /// Records a warning about `field`.
    pub(crate) fn warn<'p>(&mut self, field: impl Into<FieldPath<'p>>, message: impl Into<String>) {
        self.warnings
            .push(ValidationWarning::new(field.into().to_string(), message));
    }

    /// A required text field must not be empty or only whitespace.
    pub(crate) fn require<'p>(&mut self, field: impl Into<FieldPath<'p>>, value: &str) {
        if value.trim().is_empty() {
            self.problem(field, "must not be empty");
        }
    }

    /// An amount must be zero or more.
    pub(crate) fn non_negative<'p>(&mut self, field: impl Into<FieldPath<'p>>, value: i64) {
        if value < 0 {
            self.problem(field, format!("must be 0 or more fen, got {value}"));
        }
    }

    /// At most `max` characters (not bytes: `"发票"` is two).
    pub(crate) fn max_chars<'p>(&mut self, field: impl Into<FieldPath<'p>>, value: &str, max: usize) {
        // Counting stops one past the limit: a long value costs no more than a short one.
        if value.chars().nth(max).is_some() {
            let count = value.chars().count();
            self.problem(field, format!("must be at most {max} characters, got {count}"));
        }
    }

    /// Like [`max_chars`](Self::max_chars) for an optional field.
    pub(crate) fn max_chars_opt<'p>(&mut self, field: impl Into<FieldPath<'p>>, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.max_chars(field, value, max);
        }
    }

    /// A list sent in a batch call must hold at least one entry.
    pub(crate) fn non_empty_list<'p, T>(&mut self, field: impl Into<FieldPath<'p>>, list: &[T]) {
        if list.is_empty() {
            self.problem(field, "must hold at least one entry");
        }
    }

    /// A 10-digit Unix time in seconds (1e9 <= t < 1e10).
    pub(crate) fn epoch_seconds<'p>(&mut self, field: impl Into<FieldPath<'p>>, value: i64) {
        if !(1_000_000_000..10_000_000_000).contains(&value) {
            self.problem(field, format!("must be a 10-digit Unix time in seconds, got {value}"));
        }
    }

    /// A taxpayer id: 15 to 20 ASCII letters or digits.
    pub(crate) fn tax_no<'p>(&mut self, field: impl Into<FieldPath<'p>>, value: &str) {
        let len = value.chars().count();
        if !(15..=20).contains(&len) || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
            self.problem(
                field,
                format!("must be 15 to 20 ASCII letters or digits, got {value:?}"),
            );
        }
    }

    /// A phone number: ASCII digits and `-` only, at least one digit.
    pub(crate) fn phone<'p>(&mut self, field: impl Into<FieldPath<'p>>, value: &str) {
        if !value.chars().any(|c| c.is_ascii_digit()) || !value.chars().all(|c| c.is_ascii_digit() || c == '-') {
            self.problem(field, format!("must hold only digits and '-', got {value:?}"));
        }
    }

    /// The wire value of a status WeChat accepts in a request.
    pub(crate) fn known_status<'p>(&mut self, field: impl Into<FieldPath<'p>>, status: &ReimburseStatus) {
        if let ReimburseStatus::Other(value) = status {
            self.problem(
                field,
                format!("must be one of INVOICE_REIMBURSE_INIT, _LOCK, _CLOSURE, _CANCEL, got {value:?}"),
            );
        }
    }

    /// Problems become an error; warnings are returned on success.
    pub(crate) fn finish(self) -> Result<Vec<ValidationWarning>, ValidationErrors> {
        ValidationErrors::check(self.problems).map(|()| self.warnings)
    }

    /// For requests that have no warnings.
    pub(crate) fn into_result(self) -> Result<(), ValidationErrors> {
        ValidationErrors::check(self.problems)
    }
}

#[cfg(test)]
mod tests {
    use super::Findings;
    use crate::validation::path::FieldPath;

    #[test]
    fn findings_collect_problems_in_order() {
        let mut f = Findings::default();
        f.require("blank", "  ");
        f.require("set", "x");
        f.non_negative("neg", -1);
        f.non_negative("zero", 0);
        f.max_chars("ok", "一二三四五六七八九", 9);
        f.max_chars("long", "一二三四五六七八九十", 9);
        f.max_chars_opt("none", None, 0);
        f.non_empty_list::<u8>("list", &[]);
        f.non_empty_list("full", &[1]);
        f.epoch_seconds("ms", 1_700_000_000_000);
        f.epoch_seconds("s", 1_700_000_000);
        let err = f.into_result().unwrap_err();
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["blank", "neg", "long", "list", "ms"]);
        assert_eq!(err.problems()[2].message, "must be at most 9 characters, got 10");
    }

    #[test]
    fn paths_are_written_out_for_findings() {
        let mut f = Findings::default();
        let data = FieldPath::root("card_ext.user_card.invoice_user_data");
        let item = data.item("info", 7);
        f.require(item.field("name"), "");
        f.require(item.field("unit"), "个");
        let err = f.into_result().unwrap_err();
        assert_eq!(err.problems().len(), 1);
        assert_eq!(
            err.problems()[0].field,
            "card_ext.user_card.invoice_user_data.info[7].name"
        );
    }

    #[test]
    fn tax_no_and_phone_rules() {
        let mut f = Findings::default();
        f.tax_no("ok15", "91440300MA5EXAM");
        f.tax_no("ok20", "91440300MA5EXAMPLE12");
        f.tax_no("short", "91440300MA5EXA");
        f.tax_no("long", "91440300MA5EXAMPLE123");
        f.tax_no("symbol", "91440300MA5EXAM-");
        f.tax_no("wide", "９１４４０３００ＭＡ５ＥＸＡＭ");
        f.phone("ok", "0755-12345678");
        f.phone("letters", "0755-CALL");
        f.phone("dashes", "--");
        f.phone("empty", "");
        let err = f.into_result().unwrap_err();
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["short", "long", "symbol", "wide", "letters", "dashes", "empty"]
        );
    }

    #[test]
    fn warnings_alone_do_not_fail() {
        let mut f = Findings::default();
        f.warn("fee", "odd");
        let warnings = f.finish().unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].to_string(), "fee: odd");
    }
}
