//! Waivers: an accepted, owned, expiring exception for a control on some subjects.
//!
//! A waiver is read as RFC 3339 in UTC and never guessed (a bare date is an error), and
//! whether it applies is decided against the evaluation instant every time a result is
//! produced or re-rendered, so an expired waiver stops waiving on its own and says so.

use std::path::Path;

use chrono::{DateTime, Utc};
use globset::{Glob, GlobMatcher};
use serde::{Deserialize, Serialize};

use crate::catalog::{find_id_line_for, parse_yaml, Diagnostic, Diagnostics};

/// One waiver as written in a waivers file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The control it waives.
    pub control: String,
    /// A glob over finding subjects (`*` = every subject, including "not assessed").
    #[serde(default = "all_subjects")]
    pub subjects: String,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who owns the exception.
    pub owner: String,
    /// When it stops applying (RFC 3339 with offset).
    #[serde(with = "crate::timefmt::rfc3339")]
    pub expires: DateTime<Utc>,
    /// A ticket or link, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

fn all_subjects() -> String {
    "*".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    waivers: Vec<Waiver>,
}

/// A waiver ready to match findings.
#[derive(Debug, Clone)]
pub struct CompiledWaiver {
    /// The waiver.
    pub waiver: Waiver,
    matcher: GlobMatcher,
}

impl CompiledWaiver {
    /// Whether this waiver covers a finding of `control` about `subject`.
    pub fn matches(&self, control: &str, subject: &str) -> bool {
        self.waiver.control == control && self.matcher.is_match(subject)
    }

    /// Whether it still applies at `now` (it applies up to, not including, `expires`).
    pub fn active_at(&self, now: DateTime<Utc>) -> bool {
        now < self.waiver.expires
    }
}

/// Reads and checks a waivers file: every waiver needs a reason, an owner, an RFC 3339
/// expiry and a valid subject glob. `known_control` rejects waivers for controls that
/// do not exist, so a typo cannot leave a failure unwaived while looking handled — or
/// waive nothing while looking like it does.
pub fn load(
    path: &Path,
    known_control: impl Fn(&str) -> bool,
) -> Result<Vec<CompiledWaiver>, Diagnostics> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostics(vec![Diagnostic {
            file: shown.clone(),
            line: None,
            field: None,
            message: format!("cannot read: {e}"),
        }])
    })?;
    let file: WaiverFile = parse_yaml(&shown, &text).map_err(|d| Diagnostics(vec![d]))?;
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (i, w) in file.waivers.into_iter().enumerate() {
        let line = find_id_line_for(&text, "control", &w.control, i);
        let mut bad = |field: &str, message: String| {
            diags.push(Diagnostic {
                file: shown.clone(),
                line,
                field: Some(format!("waivers[{i}].{field}")),
                message,
            })
        };
        if !known_control(&w.control) {
            bad(
                "control",
                format!("no control '{}' in the catalog", w.control),
            );
        }
        if w.reason.trim().is_empty() {
            bad("reason", "a waiver needs a reason".into());
        }
        if w.owner.trim().is_empty() {
            bad("owner", "a waiver needs an owner".into());
        }
        match Glob::new(&w.subjects) {
            Ok(g) => out.push(CompiledWaiver {
                matcher: g.compile_matcher(),
                waiver: w,
            }),
            Err(e) => bad("subjects", format!("not a valid glob: {e}")),
        }
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    Ok(out)
}
