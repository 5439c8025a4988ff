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

    /// At most `max` characters (not bytes: `"发票"` is two).
    pub(crate) fn max_chars(&mut self, field: impl Into<String>, value: &str, max: usize) {
        let count = value.chars().count();
        if count > max {
            self.problem(field, format!("must be at most {max} characters, got {count}"));
        }
    }

    /// Like [`max_chars`](Self::max_chars) for an optional field.
    pub(crate) fn max_chars_opt(&mut self, field: impl Into<String>, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.max_chars(field, value, max);
        }
    }

    /// A list sent in a batch call must hold at least one entry.
    pub(crate) fn non_empty_list<T>(&mut self, field: impl Into<String>, list: &[T]) {
        if list.is_empty() {
            self.problem(field, "must hold at least one entry");
        }
    }

    /// A 10-digit Unix time in seconds (1e9 <= t < 1e10).
    pub(crate) fn epoch_seconds(&mut self, field: impl Into<String>, value: i64) {
        if !(1_000_000_000..10_000_000_000).contains(&value) {
            self.problem(field, format!("must be a 10-digit Unix time in seconds, got {value}"));
        }
    }

    /// A taxpayer id: 15 to 20 ASCII letters or digits.
    pub(crate) fn tax_no(&mut self, field: impl Into<String>, value: &str) {
        let len = value.chars().count();
        if !(15..=20).contains(&len) || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
            self.problem(
                field,
                format!("must be 15 to 20 ASCII letters or digits, got {value:?}"),
            );
        }
    }

    /// A phone number: ASCII digits and `-` only, at least one digit.
    pub(crate) fn phone(&mut self, field: impl Into<String>, value: &str) {
        if !value.chars().any(|c| c.is_ascii_digit()) || !value.chars().all(|c| c.is_ascii_digit() || c == '-') {
            self.problem(field, format!("must hold only digits and '-', got {value:?}"));
        }
    }

    /// The wire value of a status WeChat accepts in a request.
    pub(crate) fn known_status(&mut self, field: impl Into<String>, status: &crate::status::ReimburseStatus) {
        if let crate::status::ReimburseStatus::Other(value) = status {
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
