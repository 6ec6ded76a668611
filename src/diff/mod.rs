//! Comparing two runs: what failed since the baseline, what was fixed, what still fails,
//! and where the evidence behind an unchanged verdict moved. This is `assay diff OLD NEW`
//! and the gate of `assay check --baseline OLD` (the `assay.diff/v1` format, documented in
//! `docs/ci.md`).
//!
//! # The unit: a finding, keyed by (control id, subject)
//!
//! A control's combined status hides which subject changed (one host fixed while another
//! broke leaves the control `fail`), so two runs are compared per control *and* subject.
//! The whole-control subject `*` (e.g. "not assessed") is a subject like any other: when
//! a control loses its evidence, its hosts are `removed` and `*` becomes a new failure;
//! when evidence arrives, `*` is `removed` and each host is judged on its own.
//!
//! Several findings with the same key in one run are normal (a policy reports each
//! violation of one endpoint separately) and are folded into one: the heaviest status
//! (the order of [`Status::combine`], so a `fail` is never hidden behind a `pass`), every
//! message, every evidence document. A control listed twice in a malformed file is folded
//! the same way, taking the higher severity. A control without findings stands as `*`
//! with its own status. Nothing here indexes or unwraps: any parseable results document
//! gives a diff.
//!
//! # Categories ([`Change`]), first match wins
//!
//! "Failing" means `fail` or `error`, the statuses that fail the gate.
//!
//! 1. `new_failure`: failing now, and before it was not failing (`pass`, `waived`,
//!    `manual`, `attested`, `not_applicable`) or absent. Absent counts, or a new host
//!    that fails could never fail a baseline gate.
//! 2. `fixed`: failing before and `pass` now. Only `pass` is a fix: a failure that became
//!    `waived` is accepted, not fixed, and one that became `not_applicable` left the scope.
//! 3. `still_failing`: the same failing status in both runs.
//! 4. `status_changed`: any other change, with both statuses (`error` → `fail`: the
//!    control can now judge what it could not; `fail` → `waived`; `pass` →
//!    `not_applicable`). `error` ↔ `fail` is not a new failure: the baseline already
//!    failed there.
//! 5. `evidence_changed`: the same non-failing status, but the SHA-256 of the evidence
//!    bodies differs. An auditor wants to know that the facts behind an unchanged `pass`
//!    moved. The hash is of the body only, so re-collecting the same facts is no change.
//!    Entries of the other categories carry `evidence_changed` as a flag instead.
//! 6. `added` / `removed`: a key in only one run that is not a new failure. A failing
//!    finding that disappears is `removed`, never `fixed`: a narrower selection or a
//!    missing document must not read as a fix.
//! 7. `unchanged`: counted, not listed.
//!
//! # Waivers
//!
//! The baseline is taken as it was judged: its waivers are re-decided at its own
//! `evaluated_at`. The new run's waivers are re-decided at `now` (`--now`, default the
//! current time), as `assay report` does. So a failure waived in the baseline is not a new
//! failure while its waiver holds, and becomes one the moment the waiver expires — also
//! when both runs were made before the expiry and the diff is run after it.
//!
//! # The gate
//!
//! [`Diff::gate`] fails on new failures at or above `--fail-on` only; `still_failing`
//! and the others never fail it. The new run's run-level rules stay in force whatever the
//! baseline says: no control evaluated, every control `not_applicable`, or evidence that
//! failed verification fail the gate (a baseline accepts known verdicts, not an empty or
//! untrustworthy run). `--allow-not-assessed` skips new failures that are `error` only
//! because a control has no evidence at all, as it does without a baseline.
//!
//! Runs judged with different catalogs or profiles, or given in the wrong order, are
//! compared anyway, with a warning in [`Diff::warnings`]: the difference may come from the
//! catalog rather than the infrastructure.

pub mod render;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::check::result::{
    AppliedWaiver, CatalogInfo, Finding, Gate, RunResult, Status, ToolInfo, NOT_ASSESSED,
    WHOLE_CONTROL,
};
use crate::severity::{FailOn, Severity};
use crate::timefmt::format_instant;

/// The diff format version.
pub const DIFF_SCHEMA: &str = "assay.diff/v1";

/// What happened to one (control, subject) between two runs. The order is the order of
/// the reports: what needs action first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Failing now, not failing (or absent) before.
    NewFailure,
    /// Failing before, `pass` now.
    Fixed,
    /// The same failing status in both runs.
    StillFailing,
    /// Any other change of status.
    StatusChanged,
    /// The same non-failing status, different evidence.
    EvidenceChanged,
    /// Only in the new run, not failing.
    Added,
    /// Only in the old run.
    Removed,
    /// The same status and evidence.
    Unchanged,
}

impl Change {
    /// Every category, in report order.
    pub const ALL: [Change; 8] = [
        Change::NewFailure,
        Change::Fixed,
        Change::StillFailing,
        Change::StatusChanged,
        Change::EvidenceChanged,
        Change::Added,
        Change::Removed,
        Change::Unchanged,
    ];

    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::NewFailure => "new_failure",
            Change::Fixed => "fixed",
            Change::StillFailing => "still_failing",
            Change::StatusChanged => "status_changed",
            Change::EvidenceChanged => "evidence_changed",
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Unchanged => "unchanged",
        }
    }

    /// The words used for people ("new failure").
    pub fn label(self) -> &'static str {
        match self {
            Change::NewFailure => "new failure",
            Change::Fixed => "fixed",
            Change::StillFailing => "still failing",
            Change::StatusChanged => "status changed",
            Change::EvidenceChanged => "evidence changed",
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Unchanged => "unchanged",
        }
    }
}

/// An evidence document behind a finding, with the hash the comparison uses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EvidenceHash {
    /// Path in the evidence folder.
    pub path: String,
    /// SHA-256 of its canonical body; `null` when the control's evidence list does not
    /// name the path (then it takes no part in the comparison).
    pub sha256: Option<String>,
}

/// One (control, subject) as one run saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    /// The status after waivers (the heaviest, when the run had several findings).
    pub status: Status,
    /// Every message, in the run's order, without repeats.
    pub messages: Vec<String>,
    /// The evidence documents, sorted by path.
    pub evidence: Vec<EvidenceHash>,
    /// The waiver that covered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<AppliedWaiver>,
    /// A waiver that matched but had expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_waiver: Option<AppliedWaiver>,
    /// `error` only because the control had no evidence at all (`--allow-not-assessed`).
    pub not_assessed: bool,
}

/// One (control, subject) that differs between the runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// What happened.
    pub change: Change,
    /// Control id.
    pub control: String,
    /// Subject (`*` = the control as a whole).
    pub subject: String,
    /// The control's severity (the new run's, else the old run's).
    pub severity: Severity,
    /// The control's title (likewise).
    pub title: String,
    /// As the old run saw it; `null` when absent.
    pub old: Option<Side>,
    /// As the new run sees it; `null` when absent.
    pub new: Option<Side>,
    /// Both runs have it and the evidence hashes differ.
    pub evidence_changed: bool,
}

/// What a run was and how it was judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The results file as given (`this run` for `check --baseline`).
    pub file: String,
    /// When it was evaluated.
    pub evaluated_at: String,
    /// When it was written.
    pub generated_at: String,
    /// The catalog it was judged with.
    pub catalog: CatalogInfo,
    /// The profile's name, if any.
    pub profile: Option<String>,
    /// SHA-256 of its evidence manifest.
    pub evidence_manifest_sha256: String,
    /// Number of controls evaluated.
    pub controls: usize,
}

/// The comparison of two runs (`assay.diff/v1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Always [`DIFF_SCHEMA`].
    pub schema: String,
    /// Who made it.
    pub tool: ToolInfo,
    /// The baseline.
    pub old: RunInfo,
    /// The run compared with it.
    pub new: RunInfo,
    /// The instant the new run's waivers were re-decided at.
    pub waivers_decided_at: String,
    /// Entries per category, every category present (`unchanged` included).
    pub counts: BTreeMap<Change, usize>,
    /// Why the comparison may mislead (different catalogs, profiles, order).
    pub warnings: Vec<String>,
    /// Why the new run fails the gate whatever the baseline says: no control evaluated,
    /// every control `not_applicable`, evidence that failed verification. Empty when none.
    pub run_failures: Vec<String>,
    /// Every (control, subject) that is not `unchanged`: by category, then severity
    /// (critical first), control id and subject.
    pub entries: Vec<Entry>,
}

/// A run to compare and the name it is shown under.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The file, or `this run`.
    pub file: &'a str,
    /// The result.
    pub result: &'a RunResult,
}

/// Compares `new` with the baseline `old` (see the module docs for the rules). `old`'s
/// waivers are re-decided at its own `evaluated_at`, `new`'s at `now`; the inputs are
/// not changed.
pub fn compare(old: Run<'_>, new: Run<'_>, now: DateTime<Utc>) -> Diff {
    let mut before = old.result.clone();
    if let Some(t) = before.evaluated_instant() {
        before.reapply_waivers(t);
    }
    let mut after = new.result.clone();
    after.reapply_waivers(now);
    let mut was = keyed(&before);
    let is = keyed(&after);

    let mut entries = Vec::new();
    let mut counts: BTreeMap<Change, usize> = Change::ALL.iter().map(|c| (*c, 0)).collect();
    for (key, now_seen) in is {
        let then = was.remove(&key);
        push(&mut entries, &mut counts, key, then, Some(now_seen));
    }
    for (key, then) in was {
        push(&mut entries, &mut counts, key, Some(then), None);
    }
    entries.sort_by(|a, b| {
        (
            a.change,
            std::cmp::Reverse(a.severity),
            &a.control,
            &a.subject,
        )
            .cmp(&(
                b.change,
                std::cmp::Reverse(b.severity),
                &b.control,
                &b.subject,
            ))
    });

    Diff {
        schema: DIFF_SCHEMA.to_string(),
        tool: ToolInfo {
            name: "assay".into(),
            version: crate::VERSION.into(),
        },
        warnings: warnings(old, new),
        // With FailOn::Never a run's own gate keeps exactly its run-level rules.
        run_failures: after.gate(FailOn::Never, false).reasons,
        old: info(old),
        new: info(new),
        waivers_decided_at: format_instant(&now),
        counts,
        entries,
    }
}

/// Whether a status fails the gate.
fn failing(s: Status) -> bool {
    matches!(s, Status::Fail | Status::Error)
}

/// The category of one key, from its status in each run (`None` = absent) and whether
/// its evidence moved.
pub fn classify(old: Option<Status>, new: Option<Status>, evidence_moved: bool) -> Change {
    match (old, new) {
        (None, None) => Change::Unchanged,
        (None, Some(n)) if failing(n) => Change::NewFailure,
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        (Some(o), Some(n)) if failing(n) && !failing(o) => Change::NewFailure,
        (Some(o), Some(Status::Pass)) if failing(o) => Change::Fixed,
        (Some(o), Some(n)) if o == n && failing(o) => Change::StillFailing,
        (Some(o), Some(n)) if o != n => Change::StatusChanged,
        _ if evidence_moved => Change::EvidenceChanged,
        _ => Change::Unchanged,
    }
}

fn push(
    entries: &mut Vec<Entry>,
    counts: &mut BTreeMap<Change, usize>,
    (control, subject): (String, String),
    old: Option<Keyed>,
    new: Option<Keyed>,
) {
    let moved = match (&old, &new) {
        (Some(o), Some(n)) => hashes(&o.side) != hashes(&n.side),
        _ => false,
    };
    let change = classify(
        old.as_ref().map(|k| k.side.status),
        new.as_ref().map(|k| k.side.status),
        moved,
    );
    *counts.entry(change).or_default() += 1;
    if change == Change::Unchanged {
        return;
    }
    let (severity, title) = match (&new, &old) {
        (Some(k), _) | (None, Some(k)) => (k.severity, k.title.clone()),
        (None, None) => return,
    };
    entries.push(Entry {
        change,
        control,
        subject,
        severity,
        title,
        old: old.map(|k| k.side),
        new: new.map(|k| k.side),
        evidence_changed: moved,
    });
}

/// The known evidence hashes of a side.
fn hashes(s: &Side) -> BTreeSet<&str> {
    s.evidence
        .iter()
        .filter_map(|e| e.sha256.as_deref())
        .collect()
}

/// A (control, subject) of one run, its findings folded into one side.
struct Keyed {
    severity: Severity,
    title: String,
    side: Side,
    /// Every `error` finding so far is a whole-control "not assessed".
    errors_not_assessed: bool,
}

/// Every (control, subject) of a run, duplicates folded (module docs).
fn keyed(r: &RunResult) -> BTreeMap<(String, String), Keyed> {
    let mut out: BTreeMap<(String, String), Keyed> = BTreeMap::new();
    for c in &r.controls {
        let hash_of: BTreeMap<&str, &str> = c
            .evidence
            .iter()
            .map(|e| (e.path.as_str(), e.sha256.as_str()))
            .collect();
        let whole;
        let findings: &[Finding] = if c.findings.is_empty() {
            whole = [Finding {
                subject: WHOLE_CONTROL.into(),
                status: c.status,
                message: "the control has no findings".into(),
                evidence: None,
                waiver: None,
                expired_waiver: None,
            }];
            &whole
        } else {
            &c.findings
        };
        for f in findings {
            let k = out
                .entry((c.id.clone(), f.subject.clone()))
                .or_insert_with(|| Keyed {
                    severity: c.severity,
                    title: c.title.clone(),
                    side: Side {
                        status: f.status,
                        messages: Vec::new(),
                        evidence: Vec::new(),
                        waiver: None,
                        expired_waiver: None,
                        not_assessed: false,
                    },
                    errors_not_assessed: true,
                });
            k.severity = k.severity.max(c.severity);
            let s = &mut k.side;
            s.status = Status::combine([s.status, f.status]).unwrap_or(f.status);
            if !s.messages.contains(&f.message) {
                s.messages.push(f.message.clone());
            }
            if let Some(path) = &f.evidence {
                if !s.evidence.iter().any(|e| &e.path == path) {
                    s.evidence.push(EvidenceHash {
                        path: path.clone(),
                        sha256: hash_of.get(path.as_str()).map(|h| h.to_string()),
                    });
                }
            }
            if s.waiver.is_none() {
                s.waiver = f.waiver.clone();
            }
            if s.expired_waiver.is_none() {
                s.expired_waiver = f.expired_waiver.clone();
            }
            if f.status == Status::Error
                && !(f.subject == WHOLE_CONTROL && f.message.starts_with(NOT_ASSESSED))
            {
                k.errors_not_assessed = false;
            }
        }
    }
    for k in out.values_mut() {
        k.side.evidence.sort();
        k.side.not_assessed = k.side.status == Status::Error && k.errors_not_assessed;
    }
    out
}

fn info(r: Run<'_>) -> RunInfo {
    RunInfo {
        file: r.file.to_string(),
        evaluated_at: r.result.evaluated_at.clone(),
        generated_at: r.result.generated_at.clone(),
        catalog: r.result.catalog.clone(),
        profile: r.result.profile.clone(),
        evidence_manifest_sha256: r.result.evidence.manifest_sha256.clone(),
        controls: r.result.controls.len(),
    }
}

/// Why comparing these two runs may mislead.
fn warnings(old: Run<'_>, new: Run<'_>) -> Vec<String> {
    let (o, n) = (old.result, new.result);
    let mut out = Vec::new();
    if o.catalog.sha256 != n.catalog.sha256 {
        out.push(format!(
            "{} and {} were judged with different catalogs ({} sha256 {}, {} sha256 {}): a difference may come from changed controls or policies, not from the infrastructure",
            old.file,
            new.file,
            o.catalog.origin,
            short(&o.catalog.sha256),
            n.catalog.origin,
            short(&n.catalog.sha256)
        ));
    }
    if o.profile != n.profile {
        let name = |p: &Option<String>| match p {
            Some(p) => format!("profile '{p}'"),
            None => "no profile".to_string(),
        };
        out.push(format!(
            "{} used {} and {} used {}: controls selected by only one of them show as added or removed",
            old.file,
            name(&o.profile),
            new.file,
            name(&n.profile)
        ));
    }
    if let (Some(a), Some(b)) = (o.evaluated_instant(), n.evaluated_instant()) {
        if b < a {
            out.push(format!(
                "{} was evaluated at {}, before {} ({}): are the runs given in the wrong order?",
                new.file, n.evaluated_at, old.file, o.evaluated_at
            ));
        }
    }
    out
}

/// The first 12 hex digits of a hash.
fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// "1 new failure", "2 new failures".
pub(crate) fn count_of(n: usize, c: Change) -> String {
    let label = c.label();
    let plural = n != 1 && matches!(c, Change::NewFailure);
    format!("{n} {label}{}", if plural { "s" } else { "" })
}

impl Diff {
    /// How many entries fell into `c`.
    pub fn count(&self, c: Change) -> usize {
        self.counts.get(&c).copied().unwrap_or(0)
    }

    /// The entries of one category, in report order.
    pub fn of(&self, c: Change) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.change == c)
    }

    /// "1 new failure, 2 fixed, 24 still failing, 3 evidence changed, 180 unchanged":
    /// new failures and fixes always, the rest when they occur.
    pub fn summary(&self) -> String {
        Change::ALL
            .iter()
            .filter(|c| matches!(c, Change::NewFailure | Change::Fixed) || self.count(**c) > 0)
            .map(|c| count_of(self.count(*c), *c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The gate relative to the baseline: new failures at or above `fail_on`, and the run
    /// level rules of the new run ([`Diff::run_failures`]; see the module docs).
    pub fn gate(&self, fail_on: FailOn, allow_not_assessed: bool) -> Gate {
        let mut reasons = self.run_failures.clone();
        for e in self.of(Change::NewFailure) {
            let Some(now) = &e.new else { continue };
            if (allow_not_assessed && now.not_assessed) || !fail_on.gates(e.severity) {
                continue;
            }
            let was = e
                .old
                .as_ref()
                .map_or("absent".to_string(), |o| o.status.to_string());
            reasons.push(format!(
                "new failure: {} {} ({}, {was} → {}): {}",
                e.control,
                e.subject,
                e.severity,
                now.status,
                now.messages.first().map(String::as_str).unwrap_or_default()
            ));
        }
        Gate {
            passed: reasons.is_empty(),
            reasons,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::result::{
        ControlResult, EvidenceInfo, EvidenceRef, EvidenceUse, SourceRef, Summary,
    };

    const T0: &str = "2026-11-01T00:00:00Z";
    const T1: &str = "2026-11-20T00:00:00Z";

    fn at(s: &str) -> DateTime<Utc> {
        crate::timefmt::parse_instant(s).unwrap()
    }

    fn finding(subject: &str, status: Status, message: &str, evidence: Option<&str>) -> Finding {
        Finding {
            subject: subject.into(),
            status,
            message: message.into(),
            evidence: evidence.map(str::to_string),
            waiver: None,
            expired_waiver: None,
        }
    }

    fn waived(subject: &str, original: Status, expires: &str) -> Finding {
        Finding {
            waiver: Some(AppliedWaiver {
                owner: "ops".into(),
                reason: "accepted".into(),
                expires: expires.into(),
                ticket: None,
                original_status: original,
            }),
            ..finding(subject, Status::Waived, "port 22 is open", Some("p/a.json"))
        }
    }

    /// A control whose evidence list hashes each `(path, sha256)`.
    fn control(
        id: &str,
        severity: Severity,
        findings: Vec<Finding>,
        evidence: &[(&str, &str)],
    ) -> ControlResult {
        let mut c = ControlResult {
            id: id.into(),
            title: format!("title of {id}"),
            description: String::new(),
            severity,
            status: Status::Pass,
            tags: Vec::new(),
            frameworks: BTreeMap::new(),
            remediation: String::new(),
            rule: String::new(),
            params: serde_json::Map::new(),
            evidence_kinds: Vec::new(),
            max_age: "7d".into(),
            manual: false,
            source: SourceRef {
                file: "controls/x.yaml".into(),
                line: 1,
            },
            evidence: evidence
                .iter()
                .map(|(p, h)| EvidenceRef {
                    path: p.to_string(),
                    kind: "k".into(),
                    subject: "s".into(),
                    collected_at: T0.into(),
                    sha256: h.to_string(),
                    source: None,
                    use_: EvidenceUse::Evaluated,
                })
                .collect(),
            findings,
        };
        c.recompute();
        c
    }

    fn run(evaluated_at: &str, controls: Vec<ControlResult>) -> RunResult {
        let mut r = RunResult {
            schema: crate::check::result::RESULTS_SCHEMA.into(),
            tool: ToolInfo {
                name: "assay".into(),
                version: "0".into(),
            },
            generated_at: evaluated_at.into(),
            evaluated_at: evaluated_at.into(),
            catalog: CatalogInfo {
                origin: "built-in".into(),
                sha256: "c".repeat(64),
            },
            profile: Some("p".into()),
            profile_file: None,
            waivers_file: None,
            evidence: EvidenceInfo {
                dir: "ev".into(),
                manifest_sha256: "m".into(),
                documents: 1,
            },
            summary: Summary::default(),
            controls,
            waivers: Vec::new(),
            problems: Vec::new(),
        };
        r.recompute();
        r
    }

    fn diff(old: &RunResult, new: &RunResult, now: &str) -> Diff {
        compare(
            Run {
                file: "old.json",
                result: old,
            },
            Run {
                file: "new.json",
                result: new,
            },
            at(now),
        )
    }

    /// `(change, control, subject)` of every entry.
    fn changes(d: &Diff) -> Vec<(Change, String, String)> {
        d.entries
            .iter()
            .map(|e| (e.change, e.control.clone(), e.subject.clone()))
            .collect()
    }

    fn one(c: Change, control: &str, subject: &str) -> (Change, String, String) {
        (c, control.into(), subject.into())
    }

    #[test]
    fn classify_covers_every_transition() {
        use Status::*;
        let cases = [
            (Some(Pass), Some(Fail), false, Change::NewFailure),
            (Some(Waived), Some(Error), false, Change::NewFailure),
            (Some(NotApplicable), Some(Fail), false, Change::NewFailure),
            (Some(Manual), Some(Fail), false, Change::NewFailure),
            (None, Some(Error), false, Change::NewFailure),
            (Some(Fail), Some(Pass), true, Change::Fixed),
            (Some(Error), Some(Pass), false, Change::Fixed),
            (Some(Fail), Some(Fail), true, Change::StillFailing),
            (Some(Error), Some(Error), false, Change::StillFailing),
            (Some(Error), Some(Fail), false, Change::StatusChanged),
            (Some(Fail), Some(Error), false, Change::StatusChanged),
            (Some(Fail), Some(Waived), false, Change::StatusChanged),
            (
                Some(Fail),
                Some(NotApplicable),
                false,
                Change::StatusChanged,
            ),
            (
                Some(Pass),
                Some(NotApplicable),
                false,
                Change::StatusChanged,
            ),
            (Some(Manual), Some(Attested), false, Change::StatusChanged),
            (Some(Pass), Some(Pass), true, Change::EvidenceChanged),
            (Some(Waived), Some(Waived), true, Change::EvidenceChanged),
            (Some(Pass), Some(Pass), false, Change::Unchanged),
            (None, Some(Pass), false, Change::Added),
            (None, Some(Waived), false, Change::Added),
            (Some(Fail), None, false, Change::Removed),
            (Some(Pass), None, false, Change::Removed),
        ];
        for (old, new, moved, want) in cases {
            assert_eq!(
                classify(old, new, moved),
                want,
                "{old:?} → {new:?}, moved {moved}"
            );
        }
    }

    #[test]
    fn per_subject_categories_counts_and_order() {
        let old = run(
            T0,
            vec![
                control(
                    "tls.a",
                    Severity::High,
                    vec![
                        finding("x:443", Status::Pass, "ok", Some("t/x1.json")),
                        finding("y:443", Status::Fail, "TLS 1.0", Some("t/y1.json")),
                        finding("z:443", Status::Pass, "ok", Some("t/z1.json")),
                        finding("gone:443", Status::Fail, "TLS 1.0", None),
                    ],
                    &[
                        ("t/x1.json", "h1"),
                        ("t/y1.json", "h2"),
                        ("t/z1.json", "h3"),
                    ],
                ),
                control(
                    "net.b",
                    Severity::Critical,
                    vec![finding("h", Status::Fail, "5432 open", Some("n/h1.json"))],
                    &[("n/h1.json", "n1")],
                ),
            ],
        );
        let new = run(
            T1,
            vec![
                control(
                    "tls.a",
                    Severity::High,
                    vec![
                        finding("x:443", Status::Fail, "TLS 1.0", Some("t/x2.json")),
                        finding("y:443", Status::Pass, "ok", Some("t/y2.json")),
                        // Same facts, collected again: a new path, the same body hash.
                        finding("z:443", Status::Pass, "ok", Some("t/z2.json")),
                        finding("new:443", Status::Pass, "ok", None),
                    ],
                    &[
                        ("t/x2.json", "h9"),
                        ("t/y2.json", "h8"),
                        ("t/z2.json", "h3"),
                    ],
                ),
                control(
                    "net.b",
                    Severity::Critical,
                    vec![finding("h", Status::Fail, "5432 open", Some("n/h2.json"))],
                    &[("n/h2.json", "n2")],
                ),
            ],
        );
        let d = diff(&old, &new, T1);
        assert_eq!(
            changes(&d),
            vec![
                one(Change::NewFailure, "tls.a", "x:443"),
                one(Change::Fixed, "tls.a", "y:443"),
                one(Change::StillFailing, "net.b", "h"),
                one(Change::Added, "tls.a", "new:443"),
                one(Change::Removed, "tls.a", "gone:443"),
            ]
        );
        assert_eq!(d.count(Change::Unchanged), 1, "z:443 only moved path");
        assert!(d.entries[2].evidence_changed, "still failing, new facts");
        assert_eq!(d.schema, DIFF_SCHEMA);
        assert_eq!(d.counts.len(), Change::ALL.len());
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(
            d.summary(),
            "1 new failure, 1 fixed, 1 still failing, 1 added, 1 removed, 1 unchanged"
        );
    }

    #[test]
    fn evidence_changed_under_an_unchanged_pass() {
        let c = |h: &str| {
            control(
                "db.c",
                Severity::Medium,
                vec![finding("pg", Status::Pass, "3 replicas", Some("d/pg.json"))],
                &[("d/pg.json", h)],
            )
        };
        let d = diff(&run(T0, vec![c("a")]), &run(T1, vec![c("b")]), T1);
        assert_eq!(
            changes(&d),
            vec![one(Change::EvidenceChanged, "db.c", "pg")]
        );
        let e = &d.entries[0];
        assert_eq!(
            e.old.as_ref().unwrap().evidence[0].sha256.as_deref(),
            Some("a")
        );
        assert_eq!(
            e.new.as_ref().unwrap().evidence[0].sha256.as_deref(),
            Some("b")
        );
        let same = diff(&run(T0, vec![c("a")]), &run(T1, vec![c("a")]), T1);
        assert!(same.entries.is_empty());
    }

    #[test]
    fn an_expired_waiver_makes_a_new_failure_an_active_one_does_not() {
        let old = run(
            T0,
            vec![control(
                "net.p",
                Severity::High,
                vec![waived("bastion", Status::Fail, "2026-12-01T00:00:00Z")],
                &[("p/a.json", "h")],
            )],
        );
        let new = old.clone();
        // Both runs were made while the waiver held; the diff is taken before and after.
        assert!(diff(&old, &new, "2026-11-30T00:00:00Z").entries.is_empty());
        let d = diff(&old, &new, "2026-12-01T00:00:00Z");
        assert_eq!(
            changes(&d),
            vec![one(Change::NewFailure, "net.p", "bastion")]
        );
        let e = &d.entries[0];
        assert_eq!(e.old.as_ref().unwrap().status, Status::Waived);
        let now = e.new.as_ref().unwrap();
        assert_eq!(now.status, Status::Fail);
        assert!(now.waiver.is_none() && now.expired_waiver.is_some());
        assert!(!d.gate(FailOn::AtLeast(Severity::High), false).passed);
        assert!(d.gate(FailOn::AtLeast(Severity::Critical), false).passed);
        assert!(d.gate(FailOn::Never, false).passed);
    }

    #[test]
    fn the_baseline_is_judged_at_its_own_instant() {
        // A baseline saved as waived although its waiver had expired when it was
        // evaluated (an edited file): it was failing then, so nothing is new now.
        let waiver_gone = run(
            T1,
            vec![control(
                "net.p",
                Severity::High,
                vec![waived("bastion", Status::Fail, T0)],
                &[("p/a.json", "h")],
            )],
        );
        let new = run(
            T1,
            vec![control(
                "net.p",
                Severity::High,
                vec![finding(
                    "bastion",
                    Status::Fail,
                    "port 22 is open",
                    Some("p/a.json"),
                )],
                &[("p/a.json", "h")],
            )],
        );
        let d = diff(&waiver_gone, &new, T1);
        assert_eq!(
            changes(&d),
            vec![one(Change::StillFailing, "net.p", "bastion")]
        );
        assert!(d.gate(FailOn::AtLeast(Severity::Info), false).passed);
    }

    #[test]
    fn duplicate_keys_fold_to_the_worst_status_in_any_order() {
        let findings = vec![
            finding("e:443", Status::Pass, "TLS 1.2", Some("t/e.json")),
            finding("e:443", Status::Fail, "TLS 1.0 enabled", Some("t/e.json")),
            finding("e:443", Status::Fail, "TLS 1.1 enabled", Some("t/e.json")),
            finding("e:443", Status::Fail, "TLS 1.0 enabled", Some("t/e.json")),
        ];
        let mut reversed = findings.clone();
        reversed.reverse();
        let old = run(
            T0,
            vec![control(
                "tls.p",
                Severity::High,
                vec![finding("e:443", Status::Pass, "ok", Some("t/e.json"))],
                &[("t/e.json", "h")],
            )],
        );
        let a = diff(
            &old,
            &run(
                T1,
                vec![control(
                    "tls.p",
                    Severity::High,
                    findings,
                    &[("t/e.json", "h")],
                )],
            ),
            T1,
        );
        let b = diff(
            &old,
            &run(
                T1,
                vec![control(
                    "tls.p",
                    Severity::High,
                    reversed,
                    &[("t/e.json", "h")],
                )],
            ),
            T1,
        );
        assert_eq!(changes(&a), vec![one(Change::NewFailure, "tls.p", "e:443")]);
        assert_eq!(changes(&a), changes(&b));
        let side = a.entries[0].new.as_ref().unwrap();
        assert_eq!(side.status, Status::Fail);
        assert_eq!(side.messages.len(), 3, "{:?}", side.messages);
        assert_eq!(side.evidence.len(), 1);

        // The same control twice in one file: folded, the higher severity kept.
        let twice = run(
            T1,
            vec![
                control(
                    "tls.p",
                    Severity::Low,
                    vec![finding("e:443", Status::Pass, "ok", Some("t/e.json"))],
                    &[("t/e.json", "h")],
                ),
                control(
                    "tls.p",
                    Severity::Critical,
                    vec![finding("e:443", Status::Error, "policy error", None)],
                    &[],
                ),
            ],
        );
        let d = diff(&old, &twice, T1);
        assert_eq!(changes(&d), vec![one(Change::NewFailure, "tls.p", "e:443")]);
        assert_eq!(d.entries[0].severity, Severity::Critical);
        assert_eq!(d.entries[0].new.as_ref().unwrap().status, Status::Error);
    }

    #[test]
    fn whole_control_subject_is_a_subject_like_any_other() {
        let assessed = run(
            T0,
            vec![control(
                "backup.recent",
                Severity::High,
                vec![
                    finding("repo-a", Status::Pass, "1h old", Some("b/a.json")),
                    finding("repo-b", Status::Fail, "3d old", Some("b/b.json")),
                ],
                &[("b/a.json", "a"), ("b/b.json", "b")],
            )],
        );
        let not_assessed = run(
            T1,
            vec![control(
                "backup.recent",
                Severity::High,
                vec![finding(
                    WHOLE_CONTROL,
                    Status::Error,
                    "not assessed: no evidence of kind backup.snapshots",
                    None,
                )],
                &[],
            )],
        );
        // Evidence lost: the subjects go, and `*` is a new failure that gates…
        let d = diff(&assessed, &not_assessed, T1);
        assert_eq!(
            changes(&d),
            vec![
                one(Change::NewFailure, "backup.recent", "*"),
                one(Change::Removed, "backup.recent", "repo-a"),
                one(Change::Removed, "backup.recent", "repo-b"),
            ]
        );
        assert!(d.entries[0].new.as_ref().unwrap().not_assessed);
        let gate = d.gate(FailOn::AtLeast(Severity::Info), false);
        assert!(!gate.passed);
        assert!(
            gate.reasons[0].contains("backup.recent * (high, absent → error)"),
            "{gate:?}"
        );
        // …unless the user allows controls without evidence.
        assert!(d.gate(FailOn::AtLeast(Severity::Info), true).passed);

        // Evidence arrives: `*` goes, a failing subject is new, a passing one added.
        let back = diff(&not_assessed, &assessed, T1);
        assert_eq!(
            changes(&back),
            vec![
                one(Change::NewFailure, "backup.recent", "repo-b"),
                one(Change::Added, "backup.recent", "repo-a"),
                one(Change::Removed, "backup.recent", "*"),
            ]
        );
        assert!(!back.entries[0].new.as_ref().unwrap().not_assessed);
        assert!(!back.gate(FailOn::AtLeast(Severity::Info), true).passed);
    }

    #[test]
    fn removed_controls_and_controls_without_findings() {
        let old = run(
            T0,
            vec![
                control(
                    "a.kept",
                    Severity::Low,
                    vec![finding("s", Status::Pass, "ok", None)],
                    &[],
                ),
                control(
                    "b.dropped",
                    Severity::Critical,
                    vec![finding("s", Status::Fail, "bad", None)],
                    &[],
                ),
            ],
        );
        let mut empty = control("c.empty", Severity::Medium, Vec::new(), &[]);
        empty.status = Status::Error;
        let new = run(
            T1,
            vec![
                control(
                    "a.kept",
                    Severity::Low,
                    vec![finding("s", Status::Pass, "ok", None)],
                    &[],
                ),
                empty,
            ],
        );
        let d = diff(&old, &new, T1);
        assert_eq!(
            changes(&d),
            vec![
                one(Change::NewFailure, "c.empty", "*"),
                one(Change::Removed, "b.dropped", "s"),
            ]
        );
        assert_eq!(d.count(Change::Fixed), 0, "a vanished failure is not a fix");
        assert_eq!(d.entries[1].old.as_ref().unwrap().status, Status::Fail);
    }

    #[test]
    fn run_level_rules_hold_whatever_the_baseline() {
        let old = run(
            T0,
            vec![control(
                "a",
                Severity::Low,
                vec![finding("s", Status::Fail, "bad", None)],
                &[],
            )],
        );
        let nothing = run(T1, Vec::new());
        let d = diff(&old, &nothing, T1);
        assert_eq!(changes(&d), vec![one(Change::Removed, "a", "s")]);
        assert_eq!(d.run_failures.len(), 1, "{:?}", d.run_failures);
        let g = d.gate(FailOn::Never, true);
        assert!(!g.passed);
        assert!(g.reasons[0].contains("no control was evaluated"), "{g:?}");

        // An unchanged failing run passes: only what is new gates.
        let d = diff(&old, &old, T1);
        assert_eq!(changes(&d), vec![one(Change::StillFailing, "a", "s")]);
        assert!(d.gate(FailOn::AtLeast(Severity::Info), false).passed);
    }

    #[test]
    fn different_catalog_profile_or_order_is_warned_about() {
        let old = run(T1, Vec::new());
        let mut new = run(T0, Vec::new());
        new.catalog.sha256 = "d".repeat(64);
        new.catalog.origin = "my-catalog".into();
        new.profile = None;
        let d = diff(&old, &new, T1);
        assert_eq!(d.warnings.len(), 3, "{:#?}", d.warnings);
        assert!(d.warnings[0].contains("different catalogs"));
        assert!(d.warnings[0].contains("my-catalog sha256 dddddddddddd"));
        assert!(d.warnings[1].contains("old.json used profile 'p' and new.json used no profile"));
        assert!(d.warnings[2].contains("wrong order"));
    }

    #[test]
    fn the_json_shape_round_trips() {
        let old = run(
            T0,
            vec![control(
                "a",
                Severity::Low,
                vec![finding("s", Status::Pass, "ok", None)],
                &[],
            )],
        );
        let new = run(
            T1,
            vec![control(
                "a",
                Severity::Low,
                vec![finding("s", Status::Fail, "bad", None)],
                &[],
            )],
        );
        let d = diff(&old, &new, T1);
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["schema"], "assay.diff/v1");
        assert_eq!(v["counts"]["new_failure"], 1);
        assert_eq!(v["counts"]["unchanged"], 0);
        assert_eq!(v["entries"][0]["change"], "new_failure");
        assert_eq!(v["entries"][0]["old"]["status"], "pass");
        assert_eq!(v["waivers_decided_at"], T1);
        assert_eq!(v["run_failures"], serde_json::json!([]));
        let back: Diff = serde_json::from_value(v).unwrap();
        assert_eq!(back, d);
    }
}
