use std::fmt::Write as _;
use std::path::PathBuf;

use super::{CATALOGUE, ErrorClass, lookup};

#[test]
fn catalogue_is_sorted_without_duplicates() {
    for pair in CATALOGUE.windows(2) {
        assert!(
            pair[0].code < pair[1].code,
            "{} must come before {} (sorted, unique)",
            pair[0].code,
            pair[1].code
        );
    }
}

#[test]
fn every_entry_is_found_and_filled_in() {
    for info in CATALOGUE {
        assert_eq!(lookup(info.code), Some(info));
        assert!(!info.name.is_empty() && !info.meaning.is_empty(), "{}", info.code);
    }
    assert_eq!(lookup(0), None);
    assert_eq!(lookup(12345), None);
    assert_eq!(lookup(i64::MIN), None);
}

#[test]
fn spec_classes() {
    let class = |code| lookup(code).map(|i| i.class);
    for code in [40001, 40014, 42001] {
        assert_eq!(class(code), Some(ErrorClass::RefreshToken), "{code}");
    }
    for code in [72056, 72018] {
        assert_eq!(class(code), Some(ErrorClass::AlreadyDone), "{code}");
    }
    assert_eq!(
        class(72042),
        Some(ErrorClass::Duplicate),
        "keyed on the invoice, not the order"
    );
    for code in [45009, 72057] {
        assert_eq!(class(code), Some(ErrorClass::Quota), "{code}");
    }
    for code in [61005, 61006] {
        assert_eq!(
            class(code),
            Some(ErrorClass::SetupMissing),
            "a retry cannot fix a stale ticket: {code}"
        );
    }
    for code in [72048, 72049, 72050, 72053, 72038, 72015] {
        assert_eq!(class(code), Some(ErrorClass::NotAuthorized), "{code}");
    }
    for code in [-1, 72036, 72054] {
        assert_eq!(class(code), Some(ErrorClass::Retry), "{code}");
        assert!(ErrorClass::Retry.is_transient());
    }
    let transient: Vec<i64> = CATALOGUE
        .iter()
        .filter(|i| i.class.is_transient())
        .map(|i| i.code)
        .collect();
    assert_eq!(
        transient,
        [-1, 72036, 72054, 73000, 73100, 73104, 73105, 73107],
        "exactly the busy codes are retried (unified invoicing: a repeat with the same fpqqlsh is what WeChat asks for)"
    );
    for code in [
        73001, 73004, 73016, 73101, 73106, 73109, 76001, 76002, 76021, 40097, 41002,
    ] {
        assert_eq!(class(code), Some(ErrorClass::FixRequest), "{code}");
    }
    for code in [73005, 76003, 76022, 48002] {
        assert_eq!(class(code), Some(ErrorClass::NotAuthorized), "{code}");
    }
    assert_eq!(class(73108), Some(ErrorClass::AlreadyDone));
    for code in [72028, 72029, 72063] {
        assert_eq!(class(code), Some(ErrorClass::SetupMissing), "{code}");
    }
    assert_eq!(class(72035), Some(ErrorClass::State));
    assert_eq!(class(72031), Some(ErrorClass::FixRequest));
}

#[test]
fn every_class_is_used_and_explained() {
    for class in ErrorClass::ALL {
        assert!(CATALOGUE.iter().any(|i| i.class == class), "{class} unused");
        assert!(class.what_to_do().ends_with('.'), "{class}");
        assert_eq!(class.to_string(), class.as_str());
    }
}

const BEGIN: &str = "<!-- BEGIN GENERATED from wx_invoice_types::error_code; regenerate with `UPDATE_DOCS=1 cargo test -p wx-invoice-types` -->\n";
const END: &str = "<!-- END GENERATED -->\n";

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn render_tables() -> String {
    let mut out = String::from("### Classes\n\n| Class | The SDK | What to do |\n|---|---|---|\n");
    for class in ErrorClass::ALL {
        let _ = writeln!(
            out,
            "| `{class}` | {} | {} |",
            class.sdk_reaction(),
            cell(class.what_to_do())
        );
    }
    out.push_str("\n### Codes\n\n| Code | errmsg (prefix) | Meaning | Class | The SDK |\n|---:|---|---|---|---|\n");
    for info in CATALOGUE {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | `{}` | {} |",
            info.code,
            cell(info.name),
            cell(info.meaning),
            info.class,
            info.class.sdk_reaction()
        );
    }
    out
}

#[test]
fn docs_errors_md_matches_catalogue() {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "docs", "errors.md"]
        .iter()
        .collect();
    let current = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let (head, rest) = current
        .split_once(BEGIN)
        .expect("docs/errors.md lost its BEGIN GENERATED marker");
    let (_, tail) = rest
        .split_once(END)
        .expect("docs/errors.md lost its END GENERATED marker");
    let expected = format!("{head}{BEGIN}{}{END}{tail}", render_tables());
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &expected).expect("write docs/errors.md");
    } else {
        assert!(
            current == expected,
            "docs/errors.md is out of date with the error catalogue; run \
             `UPDATE_DOCS=1 cargo test -p wx-invoice-types` and commit the result"
        );
    }
}
