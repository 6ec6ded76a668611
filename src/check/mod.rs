//! `assay check`: judge the selected controls against an evidence folder.
//!
//! This is where the honest-verdict rules live:
//! - a required kind with no evidence at all → `error: not assessed` (or `manual` for an
//!   attestation control);
//! - evidence older than the control's `max_age`, dated in the future, or recording a
//!   collection failure → `error` for that subject, and the policy never sees it;
//! - a document that failed verification → `error` for the controls that need its kind;
//! - a policy error, a malformed finding, or no finding for non-empty evidence → `error`;
//! - a `pass` on evidence marked incomplete → `error`;
//! - only an active waiver turns a fail or error into `waived`.
//!
//! Controls are evaluated in parallel (one regorus engine per worker); the output is
//! sorted, so the same input gives byte-identical results whatever the scheduling.

pub mod result;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rayon::prelude::*;
use regorus::Value;

use crate::catalog::profile::Selected;
use crate::catalog::validate::ATTESTATION;
use crate::evidence::store::{Problem, Stored};
use crate::evidence::Document;
use crate::policy::{PolicySet, RawStatus};
use crate::timefmt::format_instant;
use crate::waiver::CompiledWaiver;
use result::*;

/// How far in the future a document may be dated before it is distrusted (clock skew).
pub const FUTURE_SKEW: Duration = Duration::minutes(5);

/// One evidence document prepared for evaluation.
#[derive(Debug, Clone)]
pub struct EvidenceItem {
    /// The document.
    pub doc: Arc<Document>,
    /// Its path in the folder.
    pub path: String,
    /// Its body hash.
    pub sha256: String,
    /// The document as Rego input, converted once and shared by every control.
    pub value: Value,
}

/// The evidence of a folder, indexed for evaluation: the newest document per kind and
/// subject, and the problems per kind.
#[derive(Debug, Default)]
pub struct EvidenceSet {
    by_kind: BTreeMap<String, Vec<EvidenceItem>>,
    problems_by_kind: BTreeMap<String, Vec<Problem>>,
    /// Problems no kind claims (unknown files); they fail the gate on their own.
    pub orphan_problems: Vec<Problem>,
    /// Number of documents read.
    pub documents: usize,
}

impl EvidenceSet {
    /// Indexes loaded documents and problems, keeping the newest document per kind and
    /// subject (older ones are history, not the current state).
    pub fn new(docs: Vec<Stored>, problems: Vec<Problem>) -> EvidenceSet {
        let documents = docs.len();
        let mut newest: BTreeMap<(String, String), Stored> = BTreeMap::new();
        for s in docs {
            let key = (s.doc.kind.clone(), s.doc.subject.clone());
            match newest.get(&key) {
                Some(prev)
                    if (prev.doc.collected_at, &prev.path) >= (s.doc.collected_at, &s.path) => {}
                _ => {
                    newest.insert(key, s);
                }
            }
        }
        let mut by_kind: BTreeMap<String, Vec<EvidenceItem>> = BTreeMap::new();
        for ((kind, _), s) in newest {
            let value = Value::from(serde_json::json!({
                "kind": s.doc.kind,
                "subject": s.doc.subject,
                "collected_at": format_instant(&s.doc.collected_at),
                "source": s.doc.source,
                "collector": s.doc.collector,
                "body": s.doc.body,
            }));
            by_kind.entry(kind).or_default().push(EvidenceItem {
                doc: Arc::new(s.doc),
                path: s.path,
                sha256: s.sha256,
                value,
            });
        }
        let mut problems_by_kind: BTreeMap<String, Vec<Problem>> = BTreeMap::new();
        let mut orphan_problems = Vec::new();
        for p in problems {
            match &p.kind {
                Some(k) => problems_by_kind.entry(k.clone()).or_default().push(p),
                None => orphan_problems.push(p),
            }
        }
        EvidenceSet {
            by_kind,
            problems_by_kind,
            orphan_problems,
            documents,
        }
    }

    /// Problems of kinds that none of `used_kinds` needs: still reported, still gating.
    pub fn unclaimed_problems<'a>(
        &'a self,
        used_kinds: &'a [&str],
    ) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems_by_kind
            .iter()
            .filter(move |(k, _)| !used_kinds.contains(&k.as_str()))
            .flat_map(|(_, v)| v.iter())
            .chain(self.orphan_problems.iter())
    }
}

/// Evaluates every selected control at `now`. The returned results are sorted by
/// control id with waivers applied.
pub fn evaluate(
    selected: &[Selected<'_>],
    policies: &PolicySet,
    evidence: &EvidenceSet,
    now: DateTime<Utc>,
    waivers: &[CompiledWaiver],
) -> (Vec<ControlResult>, Vec<WaiverRecord>) {
    let mut results: Vec<ControlResult> = selected
        .par_iter()
        .map_init(
            || policies.engine(),
            |engine, sel| evaluate_one(engine, sel, evidence, now),
        )
        .collect();
    results.sort_by(|a, b| a.id.cmp(&b.id));
    let records = apply_waivers(&mut results, waivers, now);
    (results, records)
}

fn evaluate_one(
    engine: &mut regorus::Engine,
    sel: &Selected<'_>,
    evidence: &EvidenceSet,
    now: DateTime<Utc>,
) -> ControlResult {
    let c = sel.control;
    let mut findings = Vec::new();
    let mut refs = Vec::new();
    let mut inputs: Vec<&EvidenceItem> = Vec::new();
    let mut missing = Vec::new();
    let max_age = c.max_age.duration();
    for kind in &c.evidence {
        let problems = evidence
            .problems_by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for p in problems {
            findings.push(error_finding(
                p.subject.clone().unwrap_or_else(|| p.path.clone()),
                format!("evidence {} failed verification: {}", p.path, p.message),
                Some(p.path.clone()),
            ));
        }
        let docs: Vec<&EvidenceItem> = evidence
            .by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .filter(|d| kind != ATTESTATION || d.doc.subject == c.id)
            .collect();
        if docs.is_empty() && problems.is_empty() {
            missing.push(kind.as_str());
        }
        for d in docs {
            let at = d.doc.collected_at;
            let (use_, problem) = if at > now + FUTURE_SKEW {
                (
                    EvidenceUse::Future,
                    Some(format!(
                        "evidence is dated {} which is after the evaluation time {}: check the collector's clock or --now",
                        format_instant(&at),
                        format_instant(&now)
                    )),
                )
            } else if now - at > max_age {
                (
                    EvidenceUse::Stale,
                    Some(format!(
                        "stale evidence: collected {} ({} ago), older than the control's max_age {}; collect it again",
                        format_instant(&at),
                        human_age(now - at),
                        c.max_age
                    )),
                )
            } else if let Some(e) = d.doc.collection_error() {
                (
                    EvidenceUse::CollectionFailed,
                    Some(format!("collection failed: {e}")),
                )
            } else {
                (EvidenceUse::Evaluated, None)
            };
            refs.push(EvidenceRef {
                path: d.path.clone(),
                kind: d.doc.kind.clone(),
                subject: d.doc.subject.clone(),
                collected_at: format_instant(&at),
                sha256: d.sha256.clone(),
                source: Some(d.doc.source.clone()),
                use_,
            });
            match problem {
                Some(msg) => findings.push(error_finding(
                    d.doc.subject.clone(),
                    msg,
                    Some(d.path.clone()),
                )),
                None => inputs.push(d),
            }
        }
    }
    if !missing.is_empty() {
        let (status, message) = if c.manual {
            (
                Status::Manual,
                format!("needs an attestation: no `attestation` evidence for {}; have the owner attest it (assay evidence import)", c.id),
            )
        } else {
            (
                Status::Error,
                format!(
                    "{NOT_ASSESSED}: no evidence of kind {} (collect or import it into the evidence folder)",
                    missing.join(", ")
                ),
            )
        };
        findings.push(Finding {
            subject: WHOLE_CONTROL.into(),
            status,
            message,
            evidence: None,
            waiver: None,
            expired_waiver: None,
        });
    } else if !inputs.is_empty() {
        findings.extend(run_policy(engine, sel, &inputs, now));
    }
    findings.sort_by(|a, b| {
        (&a.subject, a.status, &a.message).cmp(&(&b.subject, b.status, &b.message))
    });
    // A profile variant carries its own id and title; the rest is its control's.
    let description = if sel.is_variant() {
        format!(
            "Profile variant of {} with its own params. {}",
            c.id,
            c.description.trim()
        )
    } else {
        c.description.trim().to_string()
    };
    let mut r = ControlResult {
        id: sel.id.clone(),
        title: sel.title.clone(),
        description,
        severity: c.severity,
        status: Status::Error,
        tags: c.tags.clone(),
        frameworks: c.frameworks.clone(),
        remediation: c.remediation.trim().to_string(),
        rule: c.rule.clone(),
        params: sel.params.clone(),
        evidence_kinds: c.evidence.clone(),
        max_age: c.max_age.to_string(),
        manual: c.manual,
        source: SourceRef {
            file: c.location.file.clone(),
            line: c.location.line,
        },
        evidence: refs,
        findings,
    };
    r.evidence.sort_by(|a, b| a.path.cmp(&b.path));
    r.recompute();
    r
}

fn run_policy(
    engine: &mut regorus::Engine,
    sel: &Selected<'_>,
    inputs: &[&EvidenceItem],
    now: DateTime<Utc>,
) -> Vec<Finding> {
    let c = sel.control;
    let mut input = Value::new_object();
    if let Ok(map) = input.as_object_mut() {
        map.insert(
            Value::from("control"),
            Value::from(serde_json::json!({ "id": c.id })),
        );
        map.insert(
            Value::from("params"),
            Value::from(serde_json::Value::Object(sel.params.clone())),
        );
        map.insert(Value::from("now"), Value::from(format_instant(&now)));
        map.insert(
            Value::from("evidence"),
            Value::from(inputs.iter().map(|d| d.value.clone()).collect::<Vec<_>>()),
        );
    }
    let raws = match PolicySet::eval_findings(engine, &c.rule, input) {
        Ok(r) => r,
        Err(e) => return vec![error_finding(WHOLE_CONTROL.into(), e, None)],
    };
    if raws.is_empty() {
        return vec![error_finding(
            WHOLE_CONTROL.into(),
            format!(
                "the policy {} returned no finding for {} evidence document(s); a rule must judge every subject (pass, fail, error or not_applicable)",
                c.rule,
                inputs.len()
            ),
            None,
        )];
    }
    let by_subject: BTreeMap<&str, &EvidenceItem> = inputs
        .iter()
        .map(|d| (d.doc.subject.as_str(), *d))
        .collect();
    raws.into_iter()
        .map(|r| {
            let doc = by_subject.get(r.subject.as_str());
            let mut status = match r.status {
                RawStatus::Pass => Status::Pass,
                RawStatus::Fail => Status::Fail,
                RawStatus::Error => Status::Error,
                RawStatus::NotApplicable => Status::NotApplicable,
            };
            let mut message = r.message;
            // A pass on partial data would claim more than was seen.
            let incomplete = match doc {
                Some(d) => d.doc.incomplete().map(str::to_string),
                None => inputs.iter().find_map(|d| d.doc.incomplete().map(str::to_string)),
            };
            if status == Status::Pass {
                if let Some(why) = incomplete {
                    status = Status::Error;
                    message = format!("evidence incomplete: {why} (the policy saw no violation in the part collected: {message})");
                } else if c.manual {
                    // A manual control's pass rests on an attestation, not a measurement.
                    status = Status::Attested;
                }
            }
            Finding {
                subject: r.subject,
                status,
                message,
                evidence: doc.map(|d| d.path.clone()),
                waiver: None,
                expired_waiver: None,
            }
        })
        .collect()
}

fn error_finding(subject: String, message: String, evidence: Option<String>) -> Finding {
    Finding {
        subject,
        status: Status::Error,
        message,
        evidence,
        waiver: None,
        expired_waiver: None,
    }
}

fn human_age(d: Duration) -> String {
    let h = d.num_hours();
    if h >= 48 {
        format!("{} days", h / 24)
    } else {
        format!("{h} hours")
    }
}

/// Applies waivers to fail and error findings and records how each waiver fared.
fn apply_waivers(
    results: &mut [ControlResult],
    waivers: &[CompiledWaiver],
    now: DateTime<Utc>,
) -> Vec<WaiverRecord> {
    let mut records: Vec<WaiverRecord> = waivers
        .iter()
        .map(|w| WaiverRecord {
            control: w.waiver.control.clone(),
            subjects: w.waiver.subjects.clone(),
            owner: w.waiver.owner.clone(),
            reason: w.waiver.reason.clone(),
            expires: format_instant(&w.waiver.expires),
            ticket: w.waiver.ticket.clone(),
            state: if w.active_at(now) {
                WaiverState::Unused
            } else {
                WaiverState::Expired
            },
            matched: 0,
        })
        .collect();
    for r in results.iter_mut() {
        for f in &mut r.findings {
            if !matches!(f.status, Status::Fail | Status::Error) {
                continue;
            }
            for (i, w) in waivers.iter().enumerate() {
                if !w.matches(&r.id, &f.subject) {
                    continue;
                }
                records[i].matched += 1;
                let applied = AppliedWaiver {
                    owner: w.waiver.owner.clone(),
                    reason: w.waiver.reason.clone(),
                    expires: format_instant(&w.waiver.expires),
                    ticket: w.waiver.ticket.clone(),
                    original_status: f.status,
                };
                if w.active_at(now) {
                    records[i].state = WaiverState::Active;
                    f.status = Status::Waived;
                    f.waiver = Some(applied);
                    f.expired_waiver = None;
                    break;
                } else if f.expired_waiver.is_none() {
                    f.expired_waiver = Some(applied);
                }
            }
        }
        r.recompute();
    }
    records
}

/// Errors that stop a check before any control is judged.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The profile is invalid.
    #[error("{0}")]
    Profile(#[from] crate::catalog::Diagnostics),
    /// The evidence folder cannot be read.
    #[error("{0}")]
    Evidence(#[from] crate::evidence::store::StoreError),
}

/// Everything a check needs besides the catalog.
#[derive(Debug, Clone)]
pub struct CheckRequest<'a> {
    /// The evidence folder.
    pub evidence_dir: &'a std::path::Path,
    /// The profile, if any (none = every control with default params).
    pub profile: Option<&'a crate::catalog::profile::Profile>,
    /// Waivers to apply.
    pub waivers: &'a [CompiledWaiver],
    /// The waivers file they came from, recorded in the results.
    pub waivers_file: Option<FileDigest>,
    /// The evaluation instant.
    pub now: DateTime<Utc>,
}

/// Runs a whole check: select, load evidence, evaluate, apply waivers, summarise.
pub fn run(
    catalog: &crate::catalog::Catalog,
    policies: &PolicySet,
    kinds: &crate::evidence::schema::KindRegistry,
    req: &CheckRequest<'_>,
) -> Result<RunResult, CheckError> {
    let selected = match req.profile {
        Some(p) => p.select(catalog)?,
        None => crate::catalog::profile::Profile::default().select(catalog)?,
    };
    let dir = crate::evidence::store::EvidenceDir::open(req.evidence_dir)?;
    let (docs, problems) = dir.load(kinds)?;
    let manifest_sha256 = dir.manifest_hash()?;
    let set = EvidenceSet::new(docs, problems);
    let (controls, waivers) = evaluate(&selected, policies, &set, req.now, req.waivers);
    let used: Vec<&str> = selected
        .iter()
        .flat_map(|s| s.control.evidence.iter().map(String::as_str))
        .collect();
    let problems: Vec<Problem> = set.unclaimed_problems(&used).cloned().collect();
    let mut result = RunResult {
        schema: RESULTS_SCHEMA.to_string(),
        tool: ToolInfo {
            name: "assay".into(),
            version: crate::VERSION.into(),
        },
        generated_at: now_string(),
        evaluated_at: format_instant(&req.now),
        catalog: CatalogInfo {
            origin: catalog.bundle.origin_label(),
            sha256: catalog.bundle.digest(),
        },
        profile: req.profile.map(|p| p.name.clone()),
        profile_file: req.profile.map(|p| FileDigest {
            path: p.file.clone(),
            sha256: crate::evidence::bytes_hash(p.text.as_bytes()),
        }),
        waivers_file: req.waivers_file.clone(),
        evidence: EvidenceInfo {
            dir: req.evidence_dir.display().to_string(),
            manifest_sha256,
            documents: set.documents,
        },
        summary: Summary::default(),
        controls,
        waivers,
        problems,
    };
    result.recompute();
    Ok(result)
}
