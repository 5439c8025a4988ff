//! The repository's documentation pages (`docs/*.md`, `README.md`) reach docs.rs and their Rust
//! examples are compiled: every page with a Rust block is included as a doc comment
//! (`#[doc = include_str!(…)]`) by a library crate, through the crate's `docs` (or README)
//! symlink to the very same file, so `cargo test --workspace` compiles each block as a
//! doc-test and `cargo package` ships the page. A block opts out only with a stated reason.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Rustdoc attributes of a fence's info string: a block whose words are all among these (or
/// which has none) is compiled as Rust.
const RUSTDOC_WORDS: &[&str] = &[
    "rust",
    "ignore",
    "no_run",
    "should_panic",
    "compile_fail",
    "test_harness",
    "standalone_crate",
    "edition2015",
    "edition2018",
    "edition2021",
    "edition2024",
];

/// What a page must say on the line before a block that is not compiled.
const NOT_COMPILED_MARK: &str = "<!-- not compiled:";

fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("tests/ sits in the repository root")
        .to_path_buf()
}

fn canonical(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|e| panic!("cannot resolve {}: {e}", path.display()))
}

/// The documentation pages: `README.md` and every `docs/*.md`.
fn pages() -> Vec<PathBuf> {
    let root = repo_root();
    let mut pages: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.expect("readable docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages.push(root.join("README.md"));
    pages
}

/// A fenced code block of a page.
#[derive(Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    /// The fence's info string.
    info: String,
    /// The line before the fence.
    before: String,
}

impl Block {
    fn words(&self) -> Vec<&str> {
        self.info
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect()
    }

    /// Whether rustdoc compiles this block as Rust when the page is a doc comment.
    fn is_rust(&self) -> bool {
        self.words().iter().all(|w| RUSTDOC_WORDS.contains(w))
    }

    fn is_ignored(&self) -> bool {
        self.words().contains(&"ignore")
    }
}

fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut open: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        match open {
            None => {
                for fence in ["```", "~~~"] {
                    if let Some(info) = trimmed.strip_prefix(fence) {
                        out.push(Block {
                            line: i + 1,
                            info: info.trim_start_matches(&fence[..1]).trim().to_owned(),
                            before: if i == 0 {
                                String::new()
                            } else {
                                lines[i - 1].trim().to_owned()
                            },
                        });
                        open = Some(fence);
                        break;
                    }
                }
            }
            Some(fence) => {
                if trimmed.starts_with(fence) {
                    open = None;
                }
            }
        }
    }
    out
}

/// One `#[doc = include_str!("…")]` of a library crate.
#[derive(Debug)]
struct Include {
    /// The source file and 1-based line holding it.
    at: String,
    /// The page it resolves to, canonical.
    page: PathBuf,
    /// The doc attributes right before it (link definitions for docs.rs).
    preceding: Vec<String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every page a library crate includes as a doc comment, by canonical path.
fn includes() -> BTreeMap<PathBuf, Vec<Include>> {
    let root = repo_root();
    let mut files = Vec::new();
    for entry in fs::read_dir(root.join("crates")).expect("crates/ exists") {
        let src = entry.expect("readable crates/ entry").path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    let mut found: BTreeMap<PathBuf, Vec<Include>> = BTreeMap::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("readable source");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.trim().strip_prefix("#[doc = include_str!(\"") else {
                continue;
            };
            let relative = rest.split('"').next().expect("a quoted path");
            let dir = file.parent().expect("a source file has a directory");
            let page = canonical(&dir.join(relative));
            let preceding = lines[..i]
                .iter()
                .rev()
                .take_while(|l| l.trim_start().starts_with("#["))
                .map(|l| (*l).to_owned())
                .collect();
            let at = format!("{}:{}", file.strip_prefix(&root).unwrap_or(&file).display(), i + 1);
            found.entry(page).or_default().push(Include {
                at,
                page: dir.join(relative),
                preceding,
            });
        }
    }
    found
}

fn name(page: &Path) -> String {
    page.strip_prefix(repo_root()).unwrap_or(page).display().to_string()
}

#[test]
fn every_page_with_a_rust_block_is_compiled_as_a_doc_test() {
    let includes = includes();
    let mut problems = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).expect("readable page");
        let rust: Vec<Block> = blocks(&text).into_iter().filter(Block::is_rust).collect();
        for block in &rust {
            if block.info.is_empty() {
                problems.push(format!(
                    "{}:{}: a fence without a language is compiled as Rust by rustdoc; label it (`text`, `sh`, `rust`…)",
                    name(&page),
                    block.line
                ));
            }
            if block.is_ignored() && !block.before.starts_with(NOT_COMPILED_MARK) {
                problems.push(format!(
                    "{}:{}: an `ignore` block needs the reason on the line before it (`{NOT_COMPILED_MARK} why -->`), \
                     or better hidden `# ` lines that make it compile",
                    name(&page),
                    block.line
                ));
            }
        }
        if !rust.is_empty() && !includes.contains_key(&canonical(&page)) {
            problems.push(format!(
                "{} has {} Rust block(s) that no crate compiles: include it in a crate's `guide` module with \
                 `#[doc = include_str!(\"../docs/…\")]` (through the crate's `docs` symlink)",
                name(&page),
                rust.len()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn included_pages_are_the_repository_files_not_copies() {
    let pages: Vec<PathBuf> = pages().iter().map(|p| canonical(p)).collect();
    let mut problems = Vec::new();
    for (page, sites) in includes() {
        if !pages.contains(&page) {
            for site in sites {
                problems.push(format!(
                    "{} includes {}, which resolves to {}, not to README.md or a docs/*.md page of the \
                     repository: a copy drifts, make the crate's `docs` (or README.md) a symlink to the \
                     repository's (`ln -s ../../docs crates/<crate>/docs`)",
                    site.at,
                    site.page.display(),
                    page.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn links_between_pages_resolve_on_docs_rs_too() {
    let mut problems = Vec::new();
    for (page, sites) in includes() {
        // A `#[cfg(doctest)]` include (the README) is compiled but never rendered by rustdoc.
        let sites: Vec<Include> = sites
            .into_iter()
            .filter(|site| !site.preceding.iter().any(|attr| attr.contains("cfg(doctest)")))
            .collect();
        if sites.is_empty() {
            continue;
        }
        let text = fs::read_to_string(&page).expect("readable page");
        for (i, line) in text.lines().enumerate() {
            if line.contains(".md)") && line.contains("](") && !line.contains("](http") {
                problems.push(format!(
                    "{}:{}: an inline link to a page breaks on docs.rs; write `[page.md]`, define `[page.md]: page.md` \
                     at the end of the page and, before the page's include, `#[doc = \"[page.md]: crate::guide::…\"]`",
                    name(&page),
                    i + 1
                ));
            }
        }
        let labels: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix('['))
            .filter_map(|l| l.split_once("]: "))
            .filter(|(_, target)| Path::new(target).extension().is_some_and(|e| e == "md"))
            .map(|(label, _)| label)
            .collect();
        for site in sites {
            for label in &labels {
                let defined = site
                    .preceding
                    .iter()
                    .any(|attr| attr.contains(&format!("\"[{label}]: ")));
                if !defined {
                    problems.push(format!(
                        "{}: the page links to [{label}]; define it for docs.rs before the include: \
                         `#[doc = \"[{label}]: crate::guide::…\"]`",
                        site.at
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_block_parser_sees_what_rustdoc_compiles() {
    let page = "text\n```rust\nlet a = 1;\n```\n```text\nnot rust\n```\n<!-- not compiled: shows a shape -->\n```rust,ignore\nx\n```\n```\nbare\n```\n~~~no_run\ny\n~~~\n";
    let found = blocks(page);
    let rust: Vec<usize> = found.iter().filter(|b| b.is_rust()).map(|b| b.line).collect();
    assert_eq!(rust, vec![2, 9, 12, 15]);
    assert!(found[2].is_ignored() && found[2].before.starts_with(NOT_COMPILED_MARK));
    assert!(found[3].info.is_empty());
}
