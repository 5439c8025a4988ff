//! Client-side validation results: every problem of a request, reported together.
//!
//! `validate()` methods on request types return [`ValidationErrors`] listing *all* the
//! fields that WeChat would reject, each named by its JSON path
//! (`card_ext.user_card.invoice_user_data.info[0].price`), so a caller can fix a request
//! in one go. Suspicious but accepted values are [`ValidationWarning`]s.

use std::fmt;

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
/// `Display` lists them all on one line, so the message alone tells the caller what to fix.
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "request not sent: {} invalid field(s), fix them and try again: ",
            self.problems.len()
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

/// Collects problems and warnings while a request is checked (crate-internal).
#[derive(Debug, Default)]
pub(crate) struct Findings {
    problems: Vec<FieldProblem>,
    warnings: Vec<ValidationWarning>,
}

impl Findings {
    pub(crate) fn problem(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(FieldProblem::new(field, message));
    }

    pub(crate) fn warn(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(ValidationWarning::new(field, message));
    }

    /// A required text field must not be empty or only whitespace.
    pub(crate) fn require(&mut self, field: impl Into<String>, value: &str) {
        if value.trim().is_empty() {
            self.problem(field, "must not be empty");
        }
    }

    /// An amount must be zero or more.
    pub(crate) fn non_negative(&mut self, field: impl Into<String>, value: i64) {
        if value < 0 {
            self.problem(field, format!("must be 0 or more fen, got {value}"));
        }
    }

    /// Problems become an error; warnings are returned on success.
    pub(crate) fn finish(self) -> Result<Vec<ValidationWarning>, ValidationErrors> {
        ValidationErrors::check(self.problems).map(|()| self.warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::{FieldProblem, Findings, ValidationErrors};

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
            "request not sent: 2 invalid field(s), fix them and try again: \
             a: must not be empty; b.c[0]: must be 0 or more fen, got -1"
        );
        assert!(err.mentions("b.c[0]"));
        assert!(!err.mentions("b"));
        assert_eq!(err.problems().len(), 2);
    }

    #[test]
    fn findings_collect_problems_in_order() {
        let mut f = Findings::default();
        f.require("blank", "  ");
        f.require("set", "x");
        f.non_negative("neg", -1);
        f.non_negative("zero", 0);
        let err = f.finish().unwrap_err();
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["blank", "neg"]);
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
