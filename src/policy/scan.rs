//! A static look at Rego sources: which packages and top-level rules a file defines, and
//! which `input.params.*` a rule reads.
//!
//! The catalog validator needs these answers before anything is evaluated: a control that
//! names a rule that does not exist, or gives a param its rule never reads (or omits one
//! it does read, which Rego would treat as undefined and so, silently, as "no violation"),
//! must be rejected up front. The scan relies on the layout `opa fmt` produces and our
//! policies follow: every rule or function head starts in column 0.

use std::collections::{BTreeMap, BTreeSet};

/// The top-level blocks of one Rego file.
#[derive(Debug, Clone, Default)]
pub struct RegoFile {
    /// The package, without the `data.` prefix (`assay.tls`).
    pub package: String,
    /// Top-level rule and function blocks by name; a name defined by several blocks (a
    /// partial set built by several rules) has all of them, in order.
    pub blocks: BTreeMap<String, Vec<Block>>,
}

/// One top-level block: a rule or function definition.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based line of the block's head.
    pub line: usize,
    /// The block's text.
    pub text: String,
}

impl RegoFile {
    /// Splits a Rego source into its package and top-level blocks.
    pub fn scan(source: &str) -> RegoFile {
        let mut file = RegoFile::default();
        let mut current: Option<(String, Block)> = None;
        for (i, line) in source.lines().enumerate() {
            let starts_block = line
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            if starts_block {
                if let Some((name, block)) = current.take() {
                    file.blocks.entry(name).or_default().push(block);
                }
                let head = line.trim();
                if let Some(pkg) = head.strip_prefix("package ") {
                    file.package = pkg.trim().to_string();
                    continue;
                }
                if head.starts_with("import ") {
                    continue;
                }
                let head = head.strip_prefix("default ").unwrap_or(head);
                let name: String = head
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    current = Some((
                        name,
                        Block {
                            line: i + 1,
                            text: String::new(),
                        },
                    ));
                }
            }
            if let Some((_, block)) = current.as_mut() {
                block.text.push_str(strip_comment(line));
                block.text.push('\n');
            }
        }
        if let Some((name, block)) = current.take() {
            file.blocks.entry(name).or_default().push(block);
        }
        file
    }

    /// The params (`input.params.<name>`) read by `rule` and by every same-file rule or
    /// function it refers to, transitively. `None` if the file does not define `rule`.
    pub fn params_read_by(&self, rule: &str) -> Option<BTreeSet<String>> {
        self.blocks.get(rule)?;
        let mut seen = BTreeSet::new();
        let mut todo = vec![rule.to_string()];
        let mut params = BTreeSet::new();
        while let Some(name) = todo.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            for block in self.blocks.get(&name).into_iter().flatten() {
                params.extend(params_in(&block.text));
                for ident in identifiers(&block.text) {
                    if self.blocks.contains_key(ident) && !seen.contains(ident) {
                        todo.push(ident.to_string());
                    }
                }
            }
        }
        Some(params)
    }

    /// Names of top-level rules starting with `test_` (the unit tests of a `_test.rego`).
    pub fn tests(&self) -> impl Iterator<Item = (&str, usize)> {
        self.blocks
            .iter()
            .filter(|(n, _)| n.starts_with("test_"))
            .map(|(n, b)| (n.as_str(), b.first().map(|b| b.line).unwrap_or(0)))
    }
}

/// A line without its `#` comment (a `#` inside a string literal is kept).
fn strip_comment(line: &str) -> &str {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' if in_str => escaped = !escaped,
            '"' if !escaped => in_str = !in_str,
            '#' if !in_str => return &line[..i],
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    line
}

fn params_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("input.params.") {
        rest = &rest[i + "input.params.".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

/// The identifiers of `text` outside string literals (`"…"` and raw `` `…` ``): a word in
/// a message ("retention") is not a reference to the rule of that name.
fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    let mut in_str = false;
    let mut in_raw = false;
    let mut escaped = false;
    let mut start = None;
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        let word = c.is_ascii_alphanumeric() || c == '_';
        if in_raw {
            in_raw = c != '`';
            continue;
        }
        if in_str {
            match c {
                '\\' => escaped = !escaped,
                '"' if !escaped => in_str = false,
                _ => escaped = false,
            }
            continue;
        }
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
        in_str = c == '"';
        in_raw = c == '`';
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_skip_string_literals() {
        let got: Vec<&str> =
            identifiers(r#"f := sprintf("retention \"x\" %v", [y]); g(`raw z`, w)"#).collect();
        assert_eq!(got, ["f", "sprintf", "y", "g", "w"]);
    }

    const SRC: &str = r#"# A comment
package assay.demo

import rego.v1

limit := input.params.max # the limit

big contains f if {
	some d in input.evidence
	d.n > limit
	f := msg(d)
}

big contains f if {
	input.params.strict
	f := "strict"
}

msg(d) := sprintf("%v over %v # not a comment", [d.n, input.params.unit])

other := input.params.unused
"#;

    #[test]
    fn finds_package_blocks_and_params() {
        let f = RegoFile::scan(SRC);
        assert_eq!(f.package, "assay.demo");
        assert_eq!(f.blocks["big"].len(), 2);
        let p = f.params_read_by("big").unwrap();
        assert_eq!(p.into_iter().collect::<Vec<_>>(), ["max", "strict", "unit"]);
        assert!(f.params_read_by("missing").is_none());
    }

    #[test]
    fn lists_tests() {
        let f = RegoFile::scan(
            "package x_test\n\ntest_a if {\n\ttrue\n}\n\nhelper := 1\n\ntest_b if true\n",
        );
        let t: Vec<_> = f.tests().collect();
        assert_eq!(t, [("test_a", 3), ("test_b", 9)]);
    }
}
