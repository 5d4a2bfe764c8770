//! Checks of the source tree that keep the floor plan in `docs/ARCHITECTURE.md` true: SQL
//! only in store files, rows read into types, short files and functions, and features that
//! import only downwards. They read `app/src` as text, so they fail the moment a change
//! breaks a rule, whoever makes it.

use std::path::{Path, PathBuf};

/// Longest source file, not counting its `#[cfg(test)]` module.
const MAX_FILE_LINES: usize = 600;
/// Longest function (or component), counted from `fn` to its closing brace.
const MAX_FN_LINES: usize = 120;

/// Each feature's layer: a feature may import features of its own layer or lower ones,
/// never higher. The layers under these (`platform`, `components`, `util`, `error`) are for
/// everyone; `platform::state` and the site header are the composition root that wires
/// features together, and are not features.
const LAYERS: &[(&str, u8)] = &[
    ("networks", 1),
    ("email", 1),
    ("notifications", 1),
    ("push", 1),
    ("audit", 2),
    ("auth", 2),
    ("ledger", 2),
    ("listings", 2),
    ("exchanges", 3),
    ("directory", 3),
    ("community", 4),
    ("referrals", 4),
    ("professionals", 4),
    ("profiles", 4),
    ("insight", 4),
    ("home", 4),
    ("security", 4),
    ("joining", 4),
    ("jobs", 5),
    ("demo", 5),
];

struct Source {
    /// Path below `app/src`, with `/` separators.
    rel: String,
    /// The lines before the file's `#[cfg(test)]` module, if it has one.
    lines: Vec<String>,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let rel = path.strip_prefix(&root).expect("below src").to_string_lossy().replace('\\', "/");
            let lines: Vec<String> = text.lines().take_while(|l| !l.starts_with("#[cfg(test)]")).map(str::to_string).collect();
            Source { rel, lines }
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("//")
}

fn is_store(rel: &str) -> bool {
    rel.ends_with("/store.rs") || rel.contains("/store/") || rel.starts_with("platform/")
}

fn feature_of(rel: &str) -> Option<&str> {
    let top = rel.split('/').next()?;
    let top = top.strip_suffix(".rs").unwrap_or(top);
    LAYERS.iter().find(|(name, _)| *name == top).map(|(name, _)| *name)
}

fn layer(feature: &str) -> Option<u8> {
    LAYERS.iter().find(|(name, _)| *name == feature).map(|(_, l)| *l)
}

/// Removes string literals and char literals, so braces in them are not counted.
fn code_only(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '\'') => {
                // A char literal such as '{' or '\n'; a lifetime has no closing quote nearby.
                let rest: String = chars.clone().take(3).collect();
                if let Some(escaped) = rest.strip_prefix('\\') {
                    if let Some(end) = escaped.find('\'') {
                        for _ in 0..end + 2 {
                            chars.next();
                        }
                    }
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
            }
            (false, '/') if chars.peek() == Some(&'/') => break,
            (false, _) => out.push(c),
        }
    }
    out
}

/// `(name, first line, length)` of every function in the lines.
fn functions(lines: &[String]) -> Vec<(String, usize, usize)> {
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = code_only(line);
        let Some(at) = code.find("fn ") else { continue };
        let before = code[..at].trim();
        let is_decl = before.is_empty()
            || before.split_whitespace().all(|w| matches!(w, "pub" | "pub(crate)" | "pub(super)" | "async" | "const" | "unsafe"));
        if !is_decl {
            continue;
        }
        let name: String = code[at + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let (mut depth, mut opened) = (0i64, false);
        for (j, l) in lines.iter().enumerate().skip(i) {
            let code = code_only(l);
            if !opened && code.trim_end().ends_with(';') && !code.contains('{') {
                break; // a declaration without a body
            }
            for c in code.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                found.push((name.clone(), i + 1, j - i + 1));
                break;
            }
        }
    }
    found
}

#[test]
fn sql_lives_only_in_store_files() {
    let offenders: Vec<String> = sources()
        .iter()
        .filter(|s| !is_store(&s.rel) && s.rel != "floor_plan.rs")
        .flat_map(|s| {
            s.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| !is_comment(l) && l.contains("sqlx::query"))
                .map(move |(i, _)| format!("{}:{}", s.rel, i + 1))
        })
        .collect();
    assert!(offenders.is_empty(), "SQL belongs in a store.rs (or platform/): {offenders:#?}");
}

#[test]
fn rows_are_read_into_types() {
    let offenders: Vec<String> = sources()
        .iter()
        .filter(|s| !s.rel.starts_with("platform/") && s.rel != "floor_plan.rs")
        .flat_map(|s| {
            s.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| !is_comment(l) && (l.contains("sqlx::Row") || l.contains("AnyRow")))
                .map(move |(i, _)| format!("{}:{}", s.rel, i + 1))
        })
        .collect();
    assert!(offenders.is_empty(), "read rows with query_as/FromRow, not row.get(\"name\"): {offenders:#?}");
}

#[test]
fn files_and_functions_stay_short() {
    let mut offenders = Vec::new();
    for s in sources() {
        if s.lines.len() > MAX_FILE_LINES {
            offenders.push(format!("{}: {} lines (at most {MAX_FILE_LINES})", s.rel, s.lines.len()));
        }
        for (name, line, len) in functions(&s.lines) {
            if len > MAX_FN_LINES {
                offenders.push(format!("{}:{line} fn {name}: {len} lines (at most {MAX_FN_LINES})", s.rel));
            }
        }
    }
    assert!(offenders.is_empty(), "break these at their natural steps: {offenders:#?}");
}

#[test]
fn features_import_only_downwards() {
    let mut offenders = Vec::new();
    for s in sources() {
        let Some(feature) = feature_of(&s.rel) else { continue };
        let own = layer(feature).expect("a known feature");
        for (i, line) in s.lines.iter().enumerate().filter(|(_, l)| !is_comment(l)) {
            for (at, _) in line.match_indices("crate::") {
                let used: String = line[at + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if let Some(theirs) = layer(&used) {
                    if theirs > own {
                        offenders.push(format!("{}:{} ({feature}, layer {own}) imports {used} (layer {theirs})", s.rel, i + 1));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "a feature may only use its own layer or lower ones: {offenders:#?}");
}

#[test]
fn every_feature_is_in_a_layer() {
    let missing: Vec<String> = sources()
        .iter()
        .filter_map(|s| s.rel.split_once('/').map(|(top, _)| top.to_string()))
        .filter(|top| !matches!(top.as_str(), "platform" | "components") && layer(top).is_none())
        .collect();
    assert!(missing.is_empty(), "add new feature folders to LAYERS: {missing:?}");
}

#[test]
fn the_function_counter_counts() {
    let lines: Vec<String> =
        ["pub async fn a(x: &str) -> String {", "    let s = \"}{\";", "    format!(\"{s}\")", "}", "fn b();"].map(str::to_string).into();
    assert_eq!(functions(&lines), vec![("a".to_string(), 1, 4)]);
}

/// A page that shows its own `<h1>` before its data loads passes `titled=true` to
/// `Loaded`, so a refusal or an error under it is a second-level heading, not a second `<h1>`.
#[test]
fn a_page_has_one_main_heading_even_when_refused() {
    let mut offenders = vec![];
    for s in sources().iter().filter(|s| !matches!(s.rel.as_str(), "components/layout.rs" | "floor_plan.rs")) {
        for (name, start, len) in functions(&s.lines) {
            let body = s.lines[start - 1..start - 1 + len].join("\n");
            let (Some(h1), Some(loaded)) = (body.find("<h1"), body.find("<Loaded")) else { continue };
            let tag_end = body[loaded..].find("children").map(|e| loaded + e).unwrap_or(body.len());
            if h1 < loaded && !body[loaded..tag_end].contains("titled=true") {
                offenders.push(format!("{}:{start} fn {name}", s.rel));
            }
        }
    }
    assert!(offenders.is_empty(), "pages with an <h1> before <Loaded> but no titled=true:\n{}", offenders.join("\n"));
}
