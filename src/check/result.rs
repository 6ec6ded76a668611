//! The result of a run: per control a status and per-subject findings, plus what it was
//! judged with. This is the `results.json` format (`assay.results/v1`, documented in
//! `docs/results.schema.json`); every report is rendered from it, and `assay report`
//! re-renders a saved one without re-running anything.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Framework;
use crate::evidence::store::Problem;
use crate::severity::{FailOn, Severity};
use crate::timefmt::{format_instant, parse_instant};

/// The results format version.
pub const RESULTS_SCHEMA: &str = "assay.results/v1";

/// The subject of a finding about the control as a whole (e.g. "not assessed").
pub const WHOLE_CONTROL: &str = "*";

/// A verdict, for a finding or a whole control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Meets the control.
    Pass,
    /// Violates the control.
    Fail,
    /// Could not be judged: evidence missing, stale, failed or malformed, or a policy error.
    Error,
    /// A failure or error covered by an active waiver.
    Waived,
    /// Needs a person's attestation.
    Manual,
    /// A manual control vouched for by a valid attestation: a person's word, not a test,
    /// so reports keep it apart from `pass`.
    Attested,
    /// The policy decided nothing is in scope.
    NotApplicable,
}

impl Status {
    /// Every status, in summary order.
    pub const ALL: [Status; 7] = [
        Status::Pass,
        Status::Fail,
        Status::Error,
        Status::Waived,
        Status::Manual,
        Status::Attested,
        Status::NotApplicable,
    ];

    /// The name used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Waived => "waived",
            Status::Manual => "manual",
            Status::Attested => "attested",
            Status::NotApplicable => "not_applicable",
        }
    }

    /// How much a status weighs when findings are combined: the control shows the
    /// heaviest. A known violation outranks "could not judge", which outranks anything
    /// that looks good, so nothing bad is ever hidden under a pass; a person's word
    /// (attested) weighs more than a test that passed, so it is never shown as tested.
    fn weight(self) -> u8 {
        match self {
            Status::Fail => 7,
            Status::Error => 6,
            Status::Manual => 5,
            Status::Waived => 4,
            Status::Attested => 3,
            Status::Pass => 2,
            Status::NotApplicable => 1,
        }
    }

    /// The combined status of several findings; `None` for no findings.
    ///
    /// ```
    /// use assay::check::result::Status;
    /// assert_eq!(Status::combine([Status::Pass, Status::Error, Status::Waived]), Some(Status::Error));
    /// assert_eq!(Status::combine([Status::Pass, Status::NotApplicable]), Some(Status::Pass));
    /// ```
    pub fn combine(statuses: impl IntoIterator<Item = Status>) -> Option<Status> {
        statuses.into_iter().max_by_key(|s| s.weight())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A waiver as applied to one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedWaiver {
    /// Who owns the exception.
    pub owner: String,
    /// Why it was accepted.
    pub reason: String,
    /// When it stops applying (RFC 3339, UTC).
    pub expires: String,
    /// Ticket or link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The status the finding had before the waiver.
    pub original_status: Status,
}

/// One verdict about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What it is about (`*` = the control as a whole).
    pub subject: String,
    /// The verdict after waivers.
    pub status: Status,
    /// What a person should know or do.
    pub message: String,
    /// The evidence document (path in the folder) this finding was judged from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The waiver that covers it, if any is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<AppliedWaiver>,
    /// A waiver that matched but had expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_waiver: Option<AppliedWaiver>,
}

/// An evidence document a control was judged with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRef {
    /// Path in the evidence folder.
    pub path: String,
    /// Kind.
    pub kind: String,
    /// Subject.
    pub subject: String,
    /// When it was collected.
    pub collected_at: String,
    /// SHA-256 of its canonical body.
    pub sha256: String,
    /// How it was obtained: `probe`, `manual` or `import:<tool>` (absent in results of
    /// older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// How it was used: `evaluated`, `stale`, `future`, `collection_failed`.
    #[serde(rename = "use")]
    pub use_: EvidenceUse,
}

/// Why an evidence document was or was not given to the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceUse {
    /// Given to the policy.
    Evaluated,
    /// Older than the control's max age.
    Stale,
    /// Dated after the evaluation instant.
    Future,
    /// The collector recorded a failure instead of facts.
    CollectionFailed,
}

/// Where a control is defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Path relative to the catalog root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// The verdict on one control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlResult {
    /// Control id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What is required and why.
    pub description: String,
    /// Severity.
    pub severity: Severity,
    /// Combined status of the findings.
    pub status: Status,
    /// Tags.
    pub tags: Vec<String>,
    /// Framework mappings.
    pub frameworks: BTreeMap<Framework, Vec<String>>,
    /// Remediation text.
    pub remediation: String,
    /// The Rego rule.
    pub rule: String,
    /// The params the rule was given.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Required evidence kinds.
    pub evidence_kinds: Vec<String>,
    /// Max evidence age, e.g. `7d`.
    pub max_age: String,
    /// Whether this is an attestation-based control.
    pub manual: bool,
    /// Where the control is defined.
    pub source: SourceRef,
    /// The evidence documents considered.
    pub evidence: Vec<EvidenceRef>,
    /// Per-subject findings, sorted by subject.
    pub findings: Vec<Finding>,
}

impl ControlResult {
    /// Recomputes the status from the findings.
    pub fn recompute(&mut self) {
        self.status =
            Status::combine(self.findings.iter().map(|f| f.status)).unwrap_or(Status::Error);
    }

    /// Number of findings per status.
    pub fn counts(&self) -> BTreeMap<Status, usize> {
        let mut m = BTreeMap::new();
        for f in &self.findings {
            *m.entry(f.status).or_default() += 1;
        }
        m
    }

    /// The first message of the heaviest findings: the line a table shows.
    pub fn headline(&self) -> String {
        let n = self
            .findings
            .iter()
            .filter(|f| f.status == self.status)
            .count();
        match self.findings.iter().find(|f| f.status == self.status) {
            Some(f) if n > 1 => format!("{} (+{} more)", f.message, n - 1),
            Some(f) => f.message.clone(),
            None => String::new(),
        }
    }
}

/// How a waiver fared in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRecord {
    /// Control id.
    pub control: String,
    /// Subject glob.
    pub subjects: String,
    /// Owner.
    pub owner: String,
    /// Reason.
    pub reason: String,
    /// Expiry (RFC 3339, UTC).
    pub expires: String,
    /// Ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// `active`, `expired` or `unused` (active but matched nothing).
    pub state: WaiverState,
    /// How many findings it matched.
    pub matched: usize,
}

/// A waiver's state at the evaluation instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverState {
    /// Applies and matched at least one finding.
    Active,
    /// Past its expiry: it no longer applies.
    Expired,
    /// Applies but matched nothing (the failure was fixed, or the glob is wrong).
    Unused,
}

/// Counts of controls and findings per status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of controls evaluated.
    pub controls: usize,
    /// Controls per status.
    pub by_status: BTreeMap<Status, usize>,
    /// Findings per status.
    pub findings: BTreeMap<Status, usize>,
}

/// The tool that produced a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `assay`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The catalog a result was judged with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogInfo {
    /// `built-in` or the folder.
    pub origin: String,
    /// SHA-256 over the catalog's files.
    pub sha256: String,
}

/// The evidence a result was judged on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInfo {
    /// The folder as given on the command line.
    pub dir: String,
    /// SHA-256 of its manifest.
    pub manifest_sha256: String,
    /// Number of documents read.
    pub documents: usize,
}

/// A file a run read: the path it was given and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    /// As given on the command line (or the catalog's name for a built-in profile).
    pub path: String,
    /// SHA-256 of the bytes read, lower-case hex.
    pub sha256: String,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Always [`RESULTS_SCHEMA`].
    pub schema: String,
    /// Who made it.
    pub tool: ToolInfo,
    /// Wall-clock time the result was written: the one field that differs between two
    /// runs on the same input.
    pub generated_at: String,
    /// The instant the evidence was judged at (`--now`), which decides freshness and waivers.
    pub evaluated_at: String,
    /// The catalog.
    pub catalog: CatalogInfo,
    /// The profile, if one was used.
    pub profile: Option<String>,
    /// The profile file that was read, by path and hash, so a pack (or an auditor) can tell
    /// it from another file of the same name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_file: Option<FileDigest>,
    /// The waivers file that was read, by path and hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waivers_file: Option<FileDigest>,
    /// The evidence.
    pub evidence: EvidenceInfo,
    /// Counts.
    pub summary: Summary,
    /// Per control, sorted by id.
    pub controls: Vec<ControlResult>,
    /// Waivers and how they fared.
    pub waivers: Vec<WaiverRecord>,
    /// Evidence documents that failed verification and whose kind no selected control
    /// needs, or whose kind is unknown. They fail the gate: the folder is not trustworthy.
    pub problems: Vec<Problem>,
}

impl RunResult {
    /// Recomputes every control's status and the summary from the findings.
    pub fn recompute(&mut self) {
        let mut s = Summary {
            controls: self.controls.len(),
            ..Summary::default()
        };
        for c in &mut self.controls {
            c.recompute();
            *s.by_status.entry(c.status).or_default() += 1;
            for f in &c.findings {
                *s.findings.entry(f.status).or_default() += 1;
            }
        }
        self.summary = s;
    }

    /// Re-decides every waiver against `now`: a waived finding whose waiver has expired
    /// gets its original status back, and the waiver list says so. Run by every report,
    /// so a result saved last month cannot keep a waiver alive past its date.
    pub fn reapply_waivers(&mut self, now: DateTime<Utc>) {
        for c in &mut self.controls {
            for f in &mut c.findings {
                let expired = f
                    .waiver
                    .as_ref()
                    .is_some_and(|w| parse_instant(&w.expires).map(|e| now >= e).unwrap_or(true));
                if expired {
                    if let Some(w) = f.waiver.take() {
                        f.status = w.original_status;
                        f.expired_waiver = Some(w);
                    }
                }
            }
        }
        for w in &mut self.waivers {
            if parse_instant(&w.expires).map(|e| now >= e).unwrap_or(true) {
                w.state = WaiverState::Expired;
            }
        }
        self.recompute();
    }

    /// Decides the CI gate. `allow_not_assessed` lets controls that are `error` only
    /// because they have no evidence at all pass the gate (still reported).
    pub fn gate(&self, fail_on: FailOn, allow_not_assessed: bool) -> Gate {
        let mut reasons = Vec::new();
        if self.controls.is_empty() {
            reasons.push("no control was evaluated: check the profile's selection".to_string());
        } else if self
            .controls
            .iter()
            .all(|c| c.status == Status::NotApplicable)
        {
            reasons
                .push("every control is not_applicable: nothing was actually checked".to_string());
        }
        for c in &self.controls {
            let gated = match c.status {
                Status::Fail => true,
                Status::Error => !(allow_not_assessed && c.is_not_assessed()),
                _ => false,
            };
            if gated && fail_on.gates(c.severity) {
                reasons.push(format!("{} {} ({})", c.id, c.status, c.severity));
            }
        }
        if !self.problems.is_empty() {
            reasons.push(format!(
                "{} evidence document(s) failed verification",
                self.problems.len()
            ));
        }
        Gate {
            passed: reasons.is_empty(),
            reasons,
        }
    }

    /// When the result was evaluated, as an instant.
    pub fn evaluated_instant(&self) -> Option<DateTime<Utc>> {
        parse_instant(&self.evaluated_at).ok()
    }
}

impl ControlResult {
    /// Whether the control errored only because a required evidence kind was absent.
    pub fn is_not_assessed(&self) -> bool {
        self.status == Status::Error
            && self
                .findings
                .iter()
                .filter(|f| f.status == Status::Error)
                .all(|f| f.subject == WHOLE_CONTROL && f.message.starts_with(NOT_ASSESSED))
    }
}

/// The prefix of the finding for a control without evidence.
pub const NOT_ASSESSED: &str = "not assessed";

/// The outcome of the CI gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// Whether the gate passes.
    pub passed: bool,
    /// Why it failed: one line per reason.
    pub reasons: Vec<String>,
}

/// Formats the current wall-clock time for `generated_at`.
pub fn now_string() -> String {
    format_instant(&Utc::now())
}

/// Why a saved results file could not be used. Every message starts with the file, and
/// says the line and column or the field where that helps.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not JSON, or JSON that is not a results document.
    #[error("{path}:{line}:{column}: not an assay results document: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// JSON without the results schema marker.
    #[error("{path}: not an assay results document: {message} (expected \"schema\": \"{RESULTS_SCHEMA}\")")]
    NotResults {
        /// The file.
        path: String,
        /// What was found instead.
        message: String,
    },
    /// Another version or another kind of document.
    #[error("{path}: schema '{found}' is not supported (expected '{RESULTS_SCHEMA}')")]
    Schema {
        /// The file.
        path: String,
        /// The schema it declares.
        found: String,
    },
    /// A field that parsed but cannot be used.
    #[error("{path}: {field}: {message}")]
    Field {
        /// The file.
        path: String,
        /// The field, e.g. `evaluated_at`.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl RunResult {
    /// Reads and checks a saved `results.json`: the one reader behind `assay report`,
    /// `assay diff` and `check --baseline`. The schema marker is checked before the
    /// fields, so a diff, an evidence document or a future version is named as such
    /// instead of as a missing field; `evaluated_at` must be an instant, since waivers
    /// are re-decided against it. Waivers are not re-decided here.
    pub fn read(path: &std::path::Path) -> Result<RunResult, ReadError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
            path: shown.clone(),
            source,
        })?;
        let parse_error = |e: serde_json::Error| ReadError::Parse {
            path: shown.clone(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let probe: serde_json::Value = serde_json::from_str(&text).map_err(parse_error)?;
        match probe.get("schema") {
            Some(serde_json::Value::String(s)) if s == RESULTS_SCHEMA => {}
            Some(serde_json::Value::String(s)) => {
                return Err(ReadError::Schema {
                    path: shown,
                    found: s.clone(),
                })
            }
            Some(other) => {
                return Err(ReadError::NotResults {
                    path: shown,
                    message: format!("\"schema\" is {}", crate::evidence::json_type_name(other)),
                })
            }
            None if probe.is_object() => {
                return Err(ReadError::NotResults {
                    path: shown,
                    message: "no \"schema\" field".into(),
                })
            }
            None => {
                return Err(ReadError::NotResults {
                    path: shown,
                    message: format!(
                        "the document is {}, not an object",
                        crate::evidence::json_type_name(&probe)
                    ),
                })
            }
        }
        drop(probe);
        let result: RunResult = serde_json::from_str(&text).map_err(parse_error)?;
        if let Err(message) = parse_instant(&result.evaluated_at) {
            return Err(ReadError::Field {
                path: shown,
                field: "evaluated_at",
                message,
            });
        }
        Ok(result)
    }
}
