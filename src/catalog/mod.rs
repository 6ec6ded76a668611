//! The control catalog: controls, profiles and their validation.
//!
//! Loading is strict (unknown fields, bad severities and malformed ages are rejected
//! with file, line and column) and validation is cross-cutting (ids unique, evidence kinds
//! known, rules present in the policies, params matching what the policy reads, mapping
//! ids well formed). `assay check` refuses to run on a catalog that does not validate.

mod control;
pub mod coverage;
pub mod frameworks;
pub mod profile;
pub mod validate;

pub use control::{Control, Location, Params};
pub use frameworks::Framework;

use std::fmt;

use crate::bundle::Bundle;

/// One problem in a catalog, profile or policy file, pointing at where to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as a person should open it.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The field or control the problem is about, when known (`tls.hsts: params`).
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// A list of diagnostics that stopped loading or validation.
#[derive(Debug, Clone, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Parses YAML into `T`, turning serde's error into a diagnostic with line and column.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, Diagnostic> {
    serde_yaml_ng::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line());
        // serde_yaml_ng appends "at line L column C" itself; keep the message, drop the duplicate.
        let msg = e.to_string();
        let msg = match msg.find(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        // For values rejected by our own parsers (an instant, an age) the YAML parser
        // points at the start of the enclosing item; point at the bad value instead.
        let refined = line.and_then(|start| {
            let quoted = msg.split('\'').nth(1).filter(|q| !q.is_empty())?;
            text.lines()
                .enumerate()
                .skip(start.saturating_sub(1))
                .find(|(_, l)| l.contains(quoted))
                .map(|(i, _)| i + 1)
        });
        let col = match (refined, e.location()) {
            (None, Some(l)) => format!(" (column {})", l.column()),
            _ => String::new(),
        };
        Diagnostic {
            file: file.to_string(),
            line: refined.or(line),
            field: None,
            message: format!("{msg}{col}"),
        }
    })
}

/// The loaded controls of a bundle, sorted by id.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The files the catalog came from.
    pub bundle: Bundle,
    /// Every control, sorted by id.
    pub controls: Vec<Control>,
}

impl Catalog {
    /// Parses every `controls/*.yaml` file of the bundle. All files are read before
    /// failing, so one run reports every syntax problem.
    pub fn load(bundle: Bundle) -> Result<Catalog, Diagnostics> {
        let mut controls = Vec::new();
        let mut diags = Vec::new();
        for (rel, text) in bundle.files("controls/", "yaml") {
            let shown = bundle.display_path(rel);
            match parse_yaml::<control::ControlFile>(&shown, text) {
                Ok(file) => {
                    // The n-th control of the file is the n-th `- id:` line, so two
                    // controls with the same id each point at their own definition.
                    let id_lines = id_lines(text);
                    for (i, mut c) in file.controls.into_iter().enumerate() {
                        let line = id_lines
                            .get(i)
                            .copied()
                            .or_else(|| find_id_line(text, &c.id))
                            .unwrap_or(1);
                        c.location = Location {
                            file: rel.to_string(),
                            line,
                        };
                        controls.push(c);
                    }
                }
                Err(d) => diags.push(d),
            }
        }
        if controls.is_empty() && diags.is_empty() {
            diags.push(Diagnostic {
                file: bundle.display_path("controls"),
                line: None,
                field: None,
                message: "no controls found (expected controls/*.yaml with a `controls:` list)"
                    .into(),
            });
        }
        if !diags.is_empty() {
            return Err(Diagnostics(diags));
        }
        controls.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Catalog { bundle, controls })
    }

    /// A control by id.
    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.controls.get(i))
    }

    /// The line of `field:` within a control's block, for diagnostics about values.
    pub fn field_line(&self, control: &Control, field: &str) -> usize {
        let Some(text) = self.bundle.get(&control.location.file) else {
            return control.location.line;
        };
        field_line_after(text, control.location.line, field).unwrap_or(control.location.line)
    }
}

/// The 1-based lines of every list item that starts with `- id:`, in order.
fn id_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.trim_start()
                .strip_prefix("- ")
                .is_some_and(|r| r.trim_start().starts_with("id:"))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The line of `- id: <id>` (or `id: <id>`) in a YAML text.
pub fn find_id_line(text: &str, id: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches('-').trim_start();
            t.strip_prefix("id:")
                .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\'') == id)
                .unwrap_or(false)
        })
        .map(|i| i + 1)
}

/// The line of the `n`-th (0-based) list item whose `key:` is `value`, e.g. the third
/// waiver for a control.
pub fn find_id_line_for(text: &str, key: &str, value: &str, n: usize) -> Option<usize> {
    let mut items = 0usize;
    let mut item_line = None;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        if t.starts_with("- ") {
            if items == n + 1 {
                break;
            }
            items += 1;
            item_line = Some(i + 1);
        }
        if items == n + 1 {
            let t = t.trim_start_matches("- ");
            if let Some(v) = t.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
                if v.trim().trim_matches(|c| c == '"' || c == '\'') == value {
                    return Some(i + 1);
                }
            }
        }
    }
    item_line
}

/// The first line after `start` (1-based) that sets `field:`, stopping at the next list item
/// at the same or a lower indentation than the block's first line.
pub(crate) fn field_line_after(text: &str, start: usize, field: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.get(start.checked_sub(1)?)?;
    let indent = first.len() - first.trim_start().len();
    for (i, l) in lines.iter().enumerate().skip(start - 1) {
        let ind = l.len() - l.trim_start().len();
        let t = l.trim_start();
        if i + 1 > start && t.starts_with("- ") && ind <= indent {
            return None;
        }
        let t = t.trim_start_matches("- ");
        if t.strip_prefix(field).is_some_and(|r| r.starts_with(':')) {
            return Some(i + 1);
        }
    }
    None
}
