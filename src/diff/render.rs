//! Rendering a [`Diff`]: a table for the terminal, the `assay.diff/v1` JSON for
//! machines, and Markdown short enough for a pull-request comment.
//!
//! The Markdown puts the headline counts first, then the new failures and the fixes as
//! tables, and folds everything else into `<details>`, so a reviewer sees what the change
//! broke without scrolling. Long sections are cut at a fixed number of rows with a line
//! that says how many were left out (a GitHub comment holds at most 65,536 characters);
//! the JSON always lists every entry.

use std::fmt::Write as _;

use tabled::builder::Builder;
use tabled::settings::{object::Columns, Style, Width};

use super::{count_of, Change, Diff, Entry, Side};
use crate::report::markdown::{badge, cell};
use crate::report::RenderError;

/// Rows shown per Markdown section before the rest is counted instead of listed.
pub const MARKDOWN_ROWS: usize = 100;

/// The output formats (shared with the other small documents).
pub use crate::report::DocFormat as Format;

/// Renders `d` in `format`.
pub fn render(d: &Diff, format: Format) -> Result<String, RenderError> {
    match format {
        Format::Table => Ok(table(d)),
        Format::Json => serde_json::to_string_pretty(d)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| RenderError::Serialize(e.to_string())),
        Format::Markdown => Ok(markdown(d)),
    }
}

/// "pass → fail", "absent → fail", "fail → absent".
fn transition(e: &Entry) -> String {
    let s = |side: &Option<Side>| {
        side.as_ref()
            .map_or("absent".to_string(), |s| s.status.to_string())
    };
    format!("{} → {}", s(&e.old), s(&e.new))
}

/// What to read about an entry: the current messages, or the old ones when it is gone
/// or fixed, and what happened to its evidence or waiver.
fn detail(e: &Entry) -> String {
    let side = match e.change {
        Change::Fixed | Change::Removed => e.old.as_ref(),
        _ => e.new.as_ref().or(e.old.as_ref()),
    };
    let mut parts: Vec<String> = side.map(|s| s.messages.clone()).unwrap_or_default();
    if let Some(w) = e.new.as_ref().and_then(|s| s.expired_waiver.as_ref()) {
        if e.old.as_ref().is_some_and(|o| o.waiver.is_some()) {
            parts.push(format!("waiver by {} expired {}", w.owner, w.expires));
        }
    }
    if e.evidence_changed {
        parts.push(format!(
            "evidence {} → {}",
            hashes(e.old.as_ref()),
            hashes(e.new.as_ref())
        ));
    }
    parts.join("; ")
}

/// The short hashes of a side's evidence, e.g. `3f2a9c01d4e5`.
fn hashes(s: Option<&Side>) -> String {
    let list: Vec<&str> = s
        .map(|s| {
            s.evidence
                .iter()
                .filter_map(|e| e.sha256.as_deref())
                .map(|h| h.get(..12).unwrap_or(h))
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        "none".into()
    } else {
        list.join(",")
    }
}

/// Cuts text to `max` characters on a character boundary, marking the cut.
fn truncate(s: &str, max: usize) -> String {
    let one_line = s.replace('\n', " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut t: String = one_line.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The terminal report: where the runs come from, one row per entry, the counts and the
/// warnings.
pub fn table(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (evaluated {}) → {} (evaluated {})",
        d.old.file, d.old.evaluated_at, d.new.file, d.new.evaluated_at
    );
    if d.entries.is_empty() {
        let _ = writeln!(out, "no differences");
    } else {
        let mut b = Builder::default();
        b.push_record([
            "change", "severity", "control", "subject", "status", "detail",
        ]);
        for e in &d.entries {
            b.push_record([
                e.change.label().to_string(),
                e.severity.to_string(),
                e.control.clone(),
                e.subject.clone(),
                transition(e),
                truncate(&detail(e), 70),
            ]);
        }
        let mut t = b.build();
        t.with(Style::sharp())
            .modify(Columns::new(3..4), Width::wrap(40).keep_words(true))
            .modify(Columns::new(5..6), Width::wrap(72));
        let _ = writeln!(out, "{t}");
    }
    let _ = writeln!(out, "{}", d.summary());
    for r in &d.run_failures {
        let _ = writeln!(
            out,
            "{} fails the gate whatever the baseline: {r}",
            d.new.file
        );
    }
    for w in &d.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

/// The pull-request comment.
pub fn markdown(d: &Diff) -> String {
    let mut out = String::new();
    let new_failures = d.count(Change::NewFailure);
    let icon = if new_failures == 0 && d.run_failures.is_empty() {
        "✅"
    } else {
        "❌"
    };
    let headline: Vec<String> = Change::ALL
        .iter()
        .filter(|c| {
            matches!(c, Change::NewFailure | Change::Fixed)
                || (**c != Change::Unchanged && d.count(**c) > 0)
        })
        .map(|c| {
            let text = count_of(d.count(*c), *c);
            if *c == Change::NewFailure && new_failures > 0 {
                format!("**{text}**")
            } else {
                text
            }
        })
        .collect();
    let _ = writeln!(out, "### {icon} assay: {}\n", headline.join(" · "));
    let _ = writeln!(
        out,
        "`{}` (evaluated {}) → `{}` (evaluated {}); {} unchanged.\n",
        cell(&d.old.file),
        d.old.evaluated_at,
        cell(&d.new.file),
        d.new.evaluated_at,
        d.count(Change::Unchanged)
    );
    for r in &d.run_failures {
        let _ = writeln!(
            out,
            "> **`{}` fails the gate whatever the baseline:** {}\n",
            cell(&d.new.file),
            cell(r)
        );
    }
    for w in &d.warnings {
        let _ = writeln!(out, "> **Warning:** {}\n", cell(w));
    }
    for (c, title) in [
        (Change::NewFailure, "New failures"),
        (Change::Fixed, "Fixed"),
    ] {
        if d.count(c) > 0 {
            let _ = writeln!(out, "#### {title} ({})\n", d.count(c));
            rows(&mut out, d, &[c]);
        }
    }
    let still = d.count(Change::StillFailing);
    if still > 0 {
        let _ = writeln!(out, "<details><summary>Still failing ({still})</summary>\n");
        rows(&mut out, d, &[Change::StillFailing]);
        let _ = writeln!(out, "</details>\n");
    }
    let rest = [
        Change::StatusChanged,
        Change::EvidenceChanged,
        Change::Added,
        Change::Removed,
    ];
    let n: usize = rest.iter().map(|c| d.count(*c)).sum();
    if n > 0 {
        let parts: Vec<String> = rest
            .iter()
            .filter(|c| d.count(**c) > 0)
            .map(|c| count_of(d.count(*c), *c))
            .collect();
        let _ = writeln!(
            out,
            "<details><summary>Other changes ({n}): {}</summary>\n",
            parts.join(", ")
        );
        rows(&mut out, d, &rest);
        let _ = writeln!(out, "</details>\n");
    }
    out
}

/// A table of the entries of `changes`, at most [`MARKDOWN_ROWS`] of them.
fn rows(out: &mut String, d: &Diff, changes: &[Change]) {
    let with_change = changes.len() > 1;
    let _ = writeln!(
        out,
        "| {}severity | control | subject | status | detail |\n|{}---|---|---|---|---|",
        if with_change { "change | " } else { "" },
        if with_change { "---|" } else { "" }
    );
    let all: Vec<&Entry> = d
        .entries
        .iter()
        .filter(|e| changes.contains(&e.change))
        .collect();
    for e in all.iter().take(MARKDOWN_ROWS) {
        let status = match (&e.old, &e.new) {
            (Some(o), Some(n)) => format!("{} → {}", badge(o.status), badge(n.status)),
            (None, Some(n)) => format!("absent → {}", badge(n.status)),
            (Some(o), None) => format!("{} → absent", badge(o.status)),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "| {}{} | `{}` | `{}` | {status} | {} |",
            if with_change {
                format!("{} | ", e.change.label())
            } else {
                String::new()
            },
            e.severity,
            e.control,
            cell(&e.subject).replace('`', "'"),
            cell(&truncate(&detail(e), 200))
        );
    }
    if all.len() > MARKDOWN_ROWS {
        let _ = writeln!(
            out,
            "\n… and {} more; `assay diff --format json` lists every entry.",
            all.len() - MARKDOWN_ROWS
        );
    }
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::check::result::{CatalogInfo, Status, ToolInfo};
    use crate::diff::{RunInfo, DIFF_SCHEMA};
    use crate::severity::Severity;

    fn info(file: &str) -> RunInfo {
        RunInfo {
            file: file.into(),
            evaluated_at: "2026-11-25T06:00:00Z".into(),
            generated_at: "2026-11-25T06:00:01Z".into(),
            catalog: CatalogInfo {
                origin: "built-in".into(),
                sha256: "c".repeat(64),
            },
            profile: None,
            evidence_manifest_sha256: "m".into(),
            controls: 1,
        }
    }

    fn side(status: Status, message: &str) -> Option<Side> {
        Some(Side {
            status,
            messages: vec![message.into()],
            evidence: Vec::new(),
            waiver: None,
            expired_waiver: None,
            not_assessed: false,
        })
    }

    /// A diff of `n` still-failing subjects, whose messages hold a table pipe.
    fn still_failing(n: usize) -> Diff {
        let entries: Vec<Entry> = (0..n)
            .map(|i| Entry {
                change: Change::StillFailing,
                control: "tls.hsts".into(),
                subject: format!("h{i:03}:443"),
                severity: Severity::Medium,
                title: "HSTS".into(),
                old: side(Status::Fail, "no HSTS | header"),
                new: side(Status::Fail, "no HSTS | header"),
                evidence_changed: false,
            })
            .collect();
        let mut counts: BTreeMap<Change, usize> = Change::ALL.iter().map(|c| (*c, 0)).collect();
        counts.insert(Change::StillFailing, n);
        Diff {
            schema: DIFF_SCHEMA.into(),
            tool: ToolInfo {
                name: "assay".into(),
                version: "0".into(),
            },
            old: info("a.json"),
            new: info("b.json"),
            waivers_decided_at: "2026-11-25T06:00:00Z".into(),
            counts,
            warnings: Vec::new(),
            run_failures: Vec::new(),
            entries,
        }
    }

    #[test]
    fn markdown_cuts_long_sections_and_says_so() {
        let md = markdown(&still_failing(MARKDOWN_ROWS + 50));
        assert!(md.starts_with("### ✅ assay: 0 new failures · 0 fixed · 150 still failing\n"));
        assert!(md.contains("<details><summary>Still failing (150)</summary>"));
        assert_eq!(md.matches("| medium | `tls.hsts` |").count(), MARKDOWN_ROWS);
        assert!(md.contains("… and 50 more; `assay diff --format json` lists every entry."));
        assert!(md.contains("no HSTS \\| header"), "pipes are escaped");
        assert!(
            !md.contains("####"),
            "no new failures, no fixes: no open tables"
        );
    }

    #[test]
    fn run_failures_turn_the_headline_red_in_every_format() {
        let mut d = still_failing(0);
        d.run_failures = vec!["no control was evaluated: check the profile's selection".into()];
        let md = markdown(&d);
        assert!(
            md.starts_with("### ❌ assay: 0 new failures · 0 fixed\n"),
            "{md}"
        );
        assert!(md.contains("> **`b.json` fails the gate whatever the baseline:** no control"));
        let t = table(&d);
        assert!(t.contains("no differences"), "{t}");
        assert!(t.contains("b.json fails the gate whatever the baseline: no control"));
        let j: serde_json::Value =
            serde_json::from_str(&render(&d, Format::Json).unwrap()).unwrap();
        assert_eq!(j["run_failures"][0], d.run_failures[0]);
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        assert!("junit".parse::<Format>().is_err());
    }
}
