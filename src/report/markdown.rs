//! The Markdown report for auditors: summary, every control with its mappings, every
//! non-passing finding with its evidence, waivers and evidence problems.

use std::fmt::Write as _;

use super::text::summary_line;
use crate::check::result::{RunResult, Status, WaiverState};

/// Renders the Markdown report.
pub fn render(result: &RunResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# assay compliance report\n");
    header(result, &mut out);
    let _ = writeln!(out, "## Summary\n\n{}\n", summary_line(result));
    let _ = writeln!(out, "| status | controls |\n|---|---|");
    for s in Status::ALL {
        let _ = writeln!(
            out,
            "| {} | {} |",
            badge(s),
            result.summary.by_status.get(&s).copied().unwrap_or(0)
        );
    }
    let _ = writeln!(out, "\n## Controls\n\n| status | severity | control | title | frameworks |\n|---|---|---|---|---|");
    for c in &result.controls {
        let fws: Vec<String> = c
            .frameworks
            .iter()
            .map(|(f, ids)| format!("{}: {}", f.key(), ids.join(", ")))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | {} | {} |",
            badge(c.status),
            c.severity,
            c.id,
            cell(&c.title),
            cell(&fws.join("; "))
        );
    }
    let _ = writeln!(out, "\n## Findings\n");
    for c in &result.controls {
        let _ = writeln!(
            out,
            "### `{}` — {} ({})\n",
            c.id,
            cell(&c.title),
            badge(c.status)
        );
        let _ = writeln!(out, "{}\n", c.description);
        let _ = writeln!(
            out,
            "Severity **{}** · rule `{}` · evidence kinds {} · max age {}\n",
            c.severity,
            c.rule,
            c.evidence_kinds.join(", "),
            c.max_age
        );
        let _ = writeln!(
            out,
            "| subject | status | message | evidence |\n|---|---|---|---|"
        );
        for f in &c.findings {
            let mut msg = cell(&f.message);
            if let Some(w) = &f.waiver {
                msg.push_str(&format!(
                    " — *waived until {} by {}: {}*",
                    w.expires,
                    cell(&w.owner),
                    cell(&w.reason)
                ));
            }
            if let Some(w) = &f.expired_waiver {
                msg.push_str(&format!(
                    " — *waiver by {} expired {}*",
                    cell(&w.owner),
                    w.expires
                ));
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&f.subject),
                badge(f.status),
                msg,
                f.evidence
                    .as_deref()
                    .map(|e| format!("`{e}`"))
                    .unwrap_or_default()
            );
        }
        if matches!(c.status, Status::Fail | Status::Error) {
            let _ = writeln!(out, "\n**Remediation**\n\n{}\n", c.remediation);
        } else {
            let _ = writeln!(out);
        }
    }
    if !result.waivers.is_empty() {
        let _ = writeln!(out, "## Waivers\n\n| control | subjects | state | expires | owner | reason | findings |\n|---|---|---|---|---|---|---|");
        for w in &result.waivers {
            let state = match w.state {
                WaiverState::Active => "active",
                WaiverState::Expired => "**expired**",
                WaiverState::Unused => "unused",
            };
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {state} | {} | {} | {} | {} |",
                w.control,
                cell(&w.subjects),
                w.expires,
                cell(&w.owner),
                cell(&w.reason),
                w.matched
            );
        }
        let _ = writeln!(out);
    }
    if !result.problems.is_empty() {
        let _ = writeln!(out, "## Evidence problems\n");
        for p in &result.problems {
            let _ = writeln!(out, "- `{}`: {}", p.path, cell(&p.message));
        }
    }
    out
}

/// The provenance lines shared with the framework view.
pub(crate) fn header(result: &RunResult, out: &mut String) {
    let _ = writeln!(out, "- evaluated at: {}", result.evaluated_at);
    let _ = writeln!(out, "- generated at: {}", result.generated_at);
    let _ = writeln!(out, "- assay {}", result.tool.version);
    let _ = writeln!(
        out,
        "- catalog: {} (sha256 `{}`)",
        result.catalog.origin, result.catalog.sha256
    );
    if let Some(p) = &result.profile {
        let _ = writeln!(out, "- profile: {p}");
    }
    let _ = writeln!(
        out,
        "- evidence: `{}`, {} documents, manifest sha256 `{}`\n",
        result.evidence.dir, result.evidence.documents, result.evidence.manifest_sha256
    );
}

/// A status with a symbol, for readers who skim.
pub(crate) fn badge(s: Status) -> String {
    let sym = match s {
        Status::Pass => "✅",
        Status::Fail => "❌",
        Status::Error => "⛔",
        Status::Waived => "⏸️",
        Status::Manual => "✍️",
        Status::Attested => "🖋️",
        Status::NotApplicable => "➖",
    };
    format!("{sym} {s}")
}

/// Text made safe for a Markdown table cell.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
