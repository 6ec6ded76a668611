//! The terminal report: one row per control, then the findings that need attention, the
//! waivers and the summary.

use std::fmt::Write as _;

use tabled::builder::Builder;
use tabled::settings::{object::Columns, Style, Width};

use super::text::{paint, summary_line, truncate};
use crate::check::result::{RunResult, Status, WaiverState};

/// Renders the table report.
pub fn render(result: &RunResult, color: bool) -> String {
    let mut b = Builder::default();
    b.push_record(["status", "severity", "control", "subjects", "detail"]);
    for c in &result.controls {
        let counts = c.counts();
        let subjects: Vec<String> = Status::ALL
            .iter()
            .filter_map(|s| counts.get(s).map(|n| format!("{n} {s}")))
            .collect();
        b.push_record([
            paint(c.status.as_str(), c.status, color),
            c.severity.to_string(),
            c.id.clone(),
            subjects.join(", "),
            truncate(&c.headline(), 70),
        ]);
    }
    let mut table = b.build();
    table
        .with(Style::sharp())
        .modify(Columns::new(4..5), Width::wrap(72));
    let mut out = String::new();
    let _ = writeln!(out, "{table}");

    let attention: Vec<_> = result
        .controls
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                Status::Fail | Status::Error | Status::Waived | Status::Manual
            )
        })
        .collect();
    if !attention.is_empty() {
        let _ = writeln!(out, "\nFindings that need attention:");
        for c in attention {
            let _ = writeln!(
                out,
                "\n  {} {} ({}) — {}",
                paint(c.status.as_str(), c.status, color),
                c.id,
                c.severity,
                c.title
            );
            for f in c
                .findings
                .iter()
                .filter(|f| !matches!(f.status, Status::Pass | Status::NotApplicable))
            {
                let _ = writeln!(
                    out,
                    "    {:<7} {}: {}",
                    paint(f.status.as_str(), f.status, color),
                    f.subject,
                    f.message
                );
                if let Some(w) = &f.waiver {
                    let _ = writeln!(
                        out,
                        "            waived until {} by {}: {}",
                        w.expires, w.owner, w.reason
                    );
                }
                if let Some(w) = &f.expired_waiver {
                    let _ = writeln!(
                        out,
                        "            waiver by {} EXPIRED on {}: it no longer applies",
                        w.owner, w.expires
                    );
                }
                if let Some(e) = &f.evidence {
                    let _ = writeln!(out, "            evidence: {e}");
                }
            }
            if matches!(c.status, Status::Fail) {
                let lines: Vec<&str> = c
                    .remediation
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .collect();
                for (i, l) in lines.iter().take(4).enumerate() {
                    let _ = writeln!(
                        out,
                        "    {} {}",
                        if i == 0 { "fix:" } else { "    " },
                        truncate(l, 110)
                    );
                }
                if lines.len() > 4 {
                    let _ = writeln!(out, "         (more: assay explain {})", c.id);
                }
            }
        }
    }
    if !result.waivers.is_empty() {
        let _ = writeln!(out, "\nWaivers:");
        for w in &result.waivers {
            let state = match w.state {
                WaiverState::Active => paint("active", Status::Waived, color),
                WaiverState::Expired => paint("EXPIRED", Status::Fail, color),
                WaiverState::Unused => paint("unused", Status::NotApplicable, color),
            };
            let _ = writeln!(
                out,
                "  {state:<7} {} [{}] until {} — {} ({} finding(s))",
                w.control, w.subjects, w.expires, w.owner, w.matched
            );
        }
    }
    if !result.problems.is_empty() {
        let _ = writeln!(out, "\nEvidence problems:");
        for p in &result.problems {
            let _ = writeln!(out, "  {}: {}", p.path, p.message);
        }
    }
    let _ = writeln!(
        out,
        "\n{}\nevaluated at {} · catalog {} · evidence {} ({} documents){}",
        summary_line(result),
        result.evaluated_at,
        result.catalog.origin,
        result.evidence.dir,
        result.evidence.documents,
        result
            .profile
            .as_ref()
            .map(|p| format!(" · profile {p}"))
            .unwrap_or_default()
    );
    out
}
