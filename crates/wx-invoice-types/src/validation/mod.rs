//! Client-side validation results: every problem of a request, reported together.
//!
//! `validate()` methods on request types return [`ValidationErrors`] listing *all* the
//! fields that WeChat would reject, each named by its JSON path
//! (`card_ext.user_card.invoice_user_data.info[0].price`), so a caller can fix a request
//! in one go. Suspicious but accepted values are [`ValidationWarning`]s.
//!
//! Checking a valid request allocates nothing: a field's path is written out only when a
//! problem or warning is recorded against it.

mod findings;
mod path;

use std::fmt;

pub(crate) use findings::Findings;
pub(crate) use path::FieldPath;

/// One field that breaks a rule WeChat enforces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FieldProblem {
    /// JSON path of the field, e.g. `card_ext.user_card.invoice_user_data.info[0].price`.
    pub field: String,
    /// What is wrong and what a valid value looks like.
    pub message: String,
}

impl FieldProblem {
    /// A problem with `field` (a JSON path), explained by `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A value WeChat accepts but that is probably a mistake (e.g. `fee` not equal to
/// `fee_without_tax + tax`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ValidationWarning {
    /// JSON path of the field.
    pub field: String,
    /// Why the value looks wrong.
    pub message: String,
}

impl ValidationWarning {
    /// A warning about `field` (a JSON path), explained by `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem found in one request; never empty.
///
/// `Display` is the complete message — that the request was not sent, how many fields to fix
/// and each one with its problem, on one line — so the message alone tells the caller what to
/// do, and an error wrapping it shows it unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors {
    problems: Vec<FieldProblem>,
}

impl ValidationErrors {
    /// `Ok(())` when `problems` is empty, otherwise an error holding all of them.
    ///
    /// Lets other crates report their own checks with the same type.
    pub fn check(problems: Vec<FieldProblem>) -> Result<(), ValidationErrors> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors { problems })
        }
    }

    /// The problems, in the order the fields appear in the request.
    pub fn problems(&self) -> &[FieldProblem] {
        &self.problems
    }

    /// Takes the problems out.
    pub fn into_problems(self) -> Vec<FieldProblem> {
        self.problems
    }

    /// Whether `field` (an exact JSON path) is among the problems.
    pub fn mentions(&self, field: &str) -> bool {
        self.problems.iter().any(|p| p.field == field)
    }
}

impl fmt::Display for ValidationErrors {
    /// `request not sent, fix 2 invalid fields and send it again: a: must not be empty; b: …`
    /// — the whole message, so wrapping errors show it as it is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        let plural = if count == 1 { "" } else { "s" };
        write!(
            f,
            "request not sent, fix {count} invalid field{plural} and send it again: "
        )?;
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::{FieldProblem, ValidationErrors};

    #[test]
    fn empty_problem_list_is_ok() {
        assert_eq!(ValidationErrors::check(Vec::new()), Ok(()));
    }

    #[test]
    fn display_lists_every_problem() {
        let err = ValidationErrors::check(vec![
            FieldProblem::new("a", "must not be empty"),
            FieldProblem::new("b.c[0]", "must be 0 or more fen, got -1"),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "request not sent, fix 2 invalid fields and send it again: \
             a: must not be empty; b.c[0]: must be 0 or more fen, got -1"
        );
        let one = ValidationErrors::check(vec![FieldProblem::new("order_id", "must not be empty")]).unwrap_err();
        assert_eq!(
            one.to_string(),
            "request not sent, fix 1 invalid field and send it again: order_id: must not be empty"
        );
        assert!(err.mentions("b.c[0]"));
        assert!(!err.mentions("b"));
        assert_eq!(err.problems().len(), 2);
    }
}
