//! NIST OSCAL 1.1.3 assessment results (JSON), for GRC tools that read OSCAL.
//!
//! The document is valid against NIST's own `oscal_assessment-results_schema.json`
//! (shipped in `schemas/oscal/`, checked by `tests/report_oscal.rs`). The mapping, in
//! short (docs/oscal.md has the full table):
//!
//! - one `results[]` entry for the run, `start` = the evaluation instant;
//! - one **observation** per evidence document the result references, with the
//!   document's subject, its collection time and a `relevant-evidence` link to its path
//!   in the evidence folder with its SHA-256;
//! - one **finding** per control × subject, targeting the control (`objective-id`),
//!   linked to the observations it was judged from. `satisfied` is written for `pass`
//!   and for `attested` (a manual control vouched for by a valid attestation, with a
//!   remark saying so) and for nothing else: OSCAL's state has only `satisfied` and
//!   `not-satisfied`, so
//!   `error`, `waived`, `manual` and `not_applicable` are `not-satisfied` with reason
//!   `other`, the assay status in a prop and the reason in the remarks. A waived finding
//!   also links an OSCAL risk with status `deviation-approved` and the waiver's expiry as
//!   deadline: an accepted risk is still a risk, not a satisfied objective;
//! - assay's controls are not in an OSCAL catalog this document could import, so each
//!   is defined as a local objective (title, description, severity, remediation and
//!   framework criteria such as SOC 2 CC6.1 as props), and `import-ap` points at a
//!   back-matter resource that names the catalog and profile that were the plan.
//!
//! Every UUID is an RFC 4122 version-5 (name-based, SHA-1) UUID in assay's own
//! namespace, computed from stable inputs, so rendering the same result twice gives
//! the same bytes: an observation's from its document's path and SHA-256, a finding's
//! from the run, the control and the subject, the document's from its own content.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use serde_json::{json, Map, Value};
use sha1::{Digest, Sha1};

use super::RenderError;
use crate::check::result::{
    AppliedWaiver, ControlResult, EvidenceRef, EvidenceUse, Finding, RunResult, Status,
    WHOLE_CONTROL,
};
use crate::evidence::bytes_hash;
use crate::timefmt::{format_instant, parse_instant};

/// The OSCAL version the document declares (and whose schema it is tested against).
pub const OSCAL_VERSION: &str = "1.1.3";

/// The namespace of every assay-defined prop and part name.
pub const NS: &str = "https://assay.dev/ns/oscal";

/// assay's UUID namespace: the version-5 UUID of [`NS`] in the URL namespace
/// (`bf1a9465-65a3-50f3-9168-d5d06b2d67c1`).
const ASSAY_NAMESPACE: [u8; 16] = [
    0xbf, 0x1a, 0x94, 0x65, 0x65, 0xa3, 0x50, 0xf3, 0x91, 0x68, 0xd5, 0xd0, 0x6b, 0x2d, 0x67, 0xc1,
];

/// An RFC 4122 version-5 UUID: SHA-1 over the namespace and the name, with the version
/// and variant bits set.
///
/// ```
/// // RFC 4122's DNS namespace and the name every UUID library checks against.
/// let dns = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];
/// assert_eq!(assay::report::oscal::uuid_v5(&dns, "www.example.com"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
/// ```
pub fn uuid_v5(namespace: &[u8; 16], name: &str) -> String {
    let mut h = Sha1::new();
    h.update(namespace);
    h.update(name.as_bytes());
    let digest = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = crate::evidence::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The UUID of an object of `kind` named by `parts` in assay's namespace.
fn uuid_of(kind: &str, parts: &[&str]) -> String {
    let mut name = String::from(kind);
    for p in parts {
        name.push('\0');
        name.push_str(p);
    }
    uuid_v5(&ASSAY_NAMESPACE, &name)
}

/// Whether `s` is an OSCAL token (`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`), judged
/// conservatively: ASCII only, so anything this accepts the schema accepts.
fn is_token(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The OSCAL token for a control id. assay's ids (`tls.min-grade`) are tokens and are
/// used as they are; an id that is not (one starting with a digit, say) becomes `_`,
/// the id with every other character replaced by `_`, and a hash of the original, so
/// two ids never map to one token. The original stays in the `assay-control-id` prop.
pub fn control_token(id: &str) -> String {
    if is_token(id) {
        return id.to_string();
    }
    let cleaned: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("_{cleaned}-{}", &bytes_hash(id.as_bytes())[..8])
}

/// OSCAL's string values (`^\S(.*\S)?$`) are one line without outer blanks.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An assay prop (`ns` = [`NS`]); `None` when the value is blank.
fn prop(name: &str, value: &str) -> Option<Value> {
    let v = one_line(value);
    (!v.is_empty()).then(|| json!({ "name": name, "ns": NS, "value": v }))
}

/// An assay prop with a class.
fn prop_class(name: &str, value: &str, class: &str) -> Option<Value> {
    prop(name, value).map(|mut p| {
        p["class"] = json!(class);
        p
    })
}

/// Sets `key` to the array when it has items (OSCAL arrays have `minItems: 1`).
fn put_list(obj: &mut Value, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        obj[key] = Value::Array(items);
    }
}

/// An RFC 3339 instant as OSCAL's date-time with time zone (UTC, seconds), or an error
/// that names the field. OSCAL's pattern only knows the years 1900 to 2999.
fn instant(value: &str, field: &str) -> Result<String, RenderError> {
    let t = parse_instant(value).map_err(|e| RenderError::Oscal(format!("{field}: {e}")))?;
    if !(1900..=2999).contains(&t.year()) {
        return Err(RenderError::Oscal(format!(
            "{field}: '{value}' is outside the years 1900 to 2999 that OSCAL date-times allow"
        )));
    }
    Ok(format_instant(&t))
}

/// A path in the evidence folder as a relative URI reference: every byte outside the
/// unreserved set and `/` is percent-encoded (so `:` and spaces cannot make it a scheme
/// or an invalid reference), and a leading `//` cannot turn into an authority.
fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.starts_with("//") {
        out.replace_range(0..1, "%2F");
    }
    out
}

/// Renders the OSCAL assessment-results document.
pub fn render(result: &RunResult) -> Result<String, RenderError> {
    let evaluated = instant(&result.evaluated_at, "evaluated_at")?;
    let profile = result.profile.as_deref().unwrap_or("");
    let result_uuid = uuid_of(
        "result",
        &[
            &evaluated,
            &result.catalog.sha256,
            &result.evidence.manifest_sha256,
            profile,
        ],
    );
    let tool_uuid = uuid_of("component", &["assay"]);
    let platform_uuid = uuid_of("assessment-platform", &["assay"]);
    let plan_uuid = uuid_of(
        "assessment-plan",
        &[&result.catalog.origin, &result.catalog.sha256, profile],
    );
    let origins = json!([{ "actors": [{ "type": "tool", "actor-uuid": tool_uuid }] }]);

    // One observation per evidence document (path and body hash), in path order.
    let mut documents: BTreeMap<(&str, &str), &EvidenceRef> = BTreeMap::new();
    for c in &result.controls {
        for e in &c.evidence {
            documents.entry((&e.path, &e.sha256)).or_insert(e);
        }
    }
    let subjects: BTreeSet<&str> = documents.values().map(|e| e.subject.as_str()).collect();
    let inventory: Vec<Value> = subjects
        .iter()
        .map(|s| {
            let mut item = json!({
                "uuid": subject_uuid(s),
                "description": format!("{s}, a subject of the evidence assay judged."),
            });
            // `asset-id` is OSCAL's own prop name for an inventory item, so no `ns`.
            let id = one_line(s);
            if !id.is_empty() {
                item["props"] = json!([{ "name": "asset-id", "value": id }]);
            }
            item
        })
        .collect();
    let mut observations = Vec::new();
    for e in documents.values() {
        observations.push(observation(e, &origins)?);
    }

    // One local objective per control, one finding per control × subject.
    let mut objectives = Vec::new();
    let mut selected = Vec::new();
    let mut findings = Vec::new();
    let mut risks = Vec::new();
    for c in &result.controls {
        let token = control_token(&c.id);
        selected.push(json!({ "control-id": token }));
        objectives.push(objective(c, &token));
        let synthetic;
        let list: &[Finding] = if c.findings.is_empty() {
            // No finding at all is no verdict: say so instead of leaving the control out.
            synthetic = [Finding {
                subject: WHOLE_CONTROL.to_string(),
                status: Status::Error,
                message: "no finding was recorded for this control: it was not judged".to_string(),
                evidence: None,
                waiver: None,
                expired_waiver: None,
            }];
            &synthetic
        } else {
            &c.findings
        };
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for f in list {
            // A second finding about the same subject (rare) gets its own UUID.
            let n = seen.entry(&f.subject).or_default();
            let nth = (*n > 0).then(|| n.to_string());
            *n += 1;
            let mut key = vec![result_uuid.as_str(), c.id.as_str(), f.subject.as_str()];
            key.extend(nth.as_deref());
            let finding_uuid = uuid_of("finding", &key);
            let risk = match &f.waiver {
                Some(w) if f.status == Status::Waived => {
                    let r = waiver_risk(c, f, w, &finding_uuid, &origins)?;
                    let id = r["uuid"].clone();
                    risks.push(r);
                    Some(id)
                }
                _ => None,
            };
            findings.push(finding(c, f, &token, &finding_uuid, risk, &origins));
        }
    }

    let mut res = json!({
        "uuid": result_uuid,
        "title": match &result.profile {
            Some(p) => format!("assay check with profile {p}"),
            None => "assay check".to_string(),
        },
        "description": format!(
            "{}. Judged at {} on the evidence in {} ({} documents, manifest SHA-256 {}) with the {} catalog (SHA-256 {}).",
            super::summary(result),
            evaluated,
            result.evidence.dir,
            result.evidence.documents,
            result.evidence.manifest_sha256,
            result.catalog.origin,
            result.catalog.sha256,
        ),
        "start": evaluated,
        "local-definitions": {
            "assessment-assets": {
                "components": [tool_component(result, &tool_uuid)],
                "assessment-platforms": [{
                    "uuid": platform_uuid,
                    "title": "assay",
                    "uses-components": [{ "component-uuid": tool_uuid }],
                }],
            },
        },
        "reviewed-controls": {
            "control-selections": [{
                "description": format!(
                    "The {} control(s) evaluated: the {} catalog{}. They are not in an OSCAL catalog; each is defined as a local objective of this document.",
                    result.controls.len(),
                    result.catalog.origin,
                    match &result.profile {
                        Some(p) => format!(" as selected by profile {p}"),
                        None => String::new(),
                    },
                ),
            }],
        },
    });
    put_list(&mut res["local-definitions"], "inventory-items", inventory);
    put_list(
        &mut res["reviewed-controls"]["control-selections"][0],
        "include-controls",
        selected,
    );
    put_list(&mut res, "observations", observations);
    put_list(&mut res, "risks", risks);
    put_list(&mut res, "findings", findings);
    let mut remarks = Vec::new();
    if result.controls.is_empty() {
        remarks.push(
            "No control was evaluated. This is not evidence of compliance: check the profile's selection."
                .to_string(),
        );
    }
    if !result.problems.is_empty() {
        remarks.push(format!(
            "{} evidence document(s) failed verification, so the evidence folder is not trustworthy: {}",
            result.problems.len(),
            result
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if !remarks.is_empty() {
        res["remarks"] = json!(remarks.join("\n\n"));
    }

    let metadata_props: Vec<Value> = [
        prop(
            "tool",
            &format!("{} {}", result.tool.name, result.tool.version),
        ),
        prop("results-schema", &result.schema),
        prop("catalog-origin", &result.catalog.origin),
        prop("catalog-sha256", &result.catalog.sha256),
        result.profile.as_deref().and_then(|p| prop("profile", p)),
        prop("evidence-dir", &result.evidence.dir),
        prop("evidence-manifest-sha256", &result.evidence.manifest_sha256),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut doc = json!({
        "metadata": {
            "title": match &result.profile {
                Some(p) => format!("assay assessment results: profile {p}"),
                None => "assay assessment results".to_string(),
            },
            "last-modified": evaluated,
            "version": evaluated,
            "oscal-version": OSCAL_VERSION,
            "remarks": "Rendered by assay from its results document. last-modified and version are the evaluation instant, so the same result always renders to the same bytes.",
        },
        "import-ap": {
            "href": format!("#{plan_uuid}"),
            "remarks": "assay does not read an OSCAL assessment plan. The plan of this assessment is the assay catalog and profile that were run; the back-matter resource this points to names them.",
        },
        "local-definitions": {},
        "results": [res],
        "back-matter": {
            "resources": [{
                "uuid": plan_uuid,
                "title": "assay assessment plan: catalog and profile",
                "description": format!(
                    "The controls of the {} catalog (SHA-256 {}){}, judged by their Rego policies against the evidence folder {}. There is no OSCAL assessment plan document; this resource stands in for it.",
                    result.catalog.origin,
                    result.catalog.sha256,
                    match &result.profile {
                        Some(p) => format!(" selected by profile {p}"),
                        None => String::new(),
                    },
                    result.evidence.dir,
                ),
            }],
        },
    });
    put_list(&mut doc["metadata"], "props", metadata_props);
    put_list(
        &mut doc["local-definitions"],
        "objectives-and-methods",
        objectives,
    );
    if doc["local-definitions"]
        .as_object()
        .is_some_and(Map::is_empty)
    {
        if let Some(o) = doc.as_object_mut() {
            o.remove("local-definitions");
        }
    }
    // The document's UUID names its content: any change to what it says changes it.
    let content = serde_json::to_vec(&doc).map_err(|e| RenderError::Serialize(e.to_string()))?;
    doc["uuid"] = json!(uuid_of(
        "assessment-results",
        &[&result_uuid, &bytes_hash(&content)]
    ));
    let out = json!({ "assessment-results": doc });
    serde_json::to_string_pretty(&out)
        .map(|s| s + "\n")
        .map_err(|e| RenderError::Serialize(e.to_string()))
}

/// assay itself, the tool every observation and finding originates from.
fn tool_component(result: &RunResult, uuid: &str) -> Value {
    let mut c = json!({
        "uuid": uuid,
        "type": "software",
        "title": result.tool.name,
        "description": format!(
            "{} {}: judges security controls (YAML, Rego) against collected evidence.",
            result.tool.name, result.tool.version
        ),
        "status": { "state": "operational" },
    });
    put_list(
        &mut c,
        "props",
        prop("version", &result.tool.version).into_iter().collect(),
    );
    c
}

/// The inventory item for a subject.
fn subject_uuid(subject: &str) -> String {
    uuid_of("subject", &[subject])
}

/// The observation of an evidence document.
fn observation_uuid(e: &EvidenceRef) -> String {
    uuid_of("observation", &[&e.path, &e.sha256])
}

fn observation(e: &EvidenceRef, origins: &Value) -> Result<Value, RenderError> {
    let collected = instant(
        &e.collected_at,
        &format!("evidence {}: collected_at", e.path),
    )?;
    // A person's attestation is examined; everything else was measured by a collector
    // or by the tool an importer read (testssl.sh, nmap, …), which is testing. Which of
    // the two is kept as a property, so an assessor can tell them apart.
    let method = if e.kind == "attestation" || e.source.as_deref() == Some("manual") {
        "EXAMINE"
    } else {
        "TEST"
    };
    let obs_props: Vec<Value> = [
        prop("evidence-kind", &e.kind),
        prop("evidence-path", &e.path),
        e.source.as_deref().and_then(|s| prop("evidence-source", s)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let evidence_props: Vec<Value> = [prop_class("sha256", &e.sha256, "canonical-body")]
        .into_iter()
        .flatten()
        .collect();
    let mut relevant = json!({
        "href": href(&e.path),
        "description": format!(
            "{} in the evidence folder (kind {}, about {}); SHA-256 of its canonical body {}.",
            e.path, e.kind, e.subject, e.sha256
        ),
    });
    put_list(&mut relevant, "props", evidence_props);
    let mut o = json!({
        "uuid": observation_uuid(e),
        "title": format!("{} evidence about {}", e.kind, e.subject),
        "description": format!(
            "Evidence document {} of kind {} about {}, collected at {}.",
            e.path, e.kind, e.subject, collected
        ),
        "methods": [method],
        "origins": origins,
        "subjects": [{
            "subject-uuid": subject_uuid(&e.subject),
            "type": "inventory-item",
            "title": e.subject,
        }],
        "relevant-evidence": [relevant],
        "collected": collected,
    });
    put_list(&mut o, "props", obs_props);
    Ok(o)
}

/// A control as a local objective: what it requires, how bad a failure is, how to fix
/// it, and the framework criteria it maps to.
fn objective(c: &ControlResult, token: &str) -> Value {
    let mut props: Vec<Value> = [
        (token != c.id)
            .then(|| prop("assay-control-id", &c.id))
            .flatten(),
        prop("severity", c.severity.as_str()),
        prop("assay-status", c.status.as_str()),
        prop("rule", &c.rule),
        prop("source", &format!("{}:{}", c.source.file, c.source.line)),
    ]
    .into_iter()
    .flatten()
    .collect();
    for kind in &c.evidence_kinds {
        props.extend(prop("evidence-kind", kind));
    }
    for (fw, ids) in &c.frameworks {
        for id in ids {
            props.extend(prop_class(fw.key(), id, "framework-criterion"));
        }
    }
    let mut part = json!({
        "id": token,
        "name": "objective",
        "title": c.title,
        "prose": c.description,
    });
    if !c.remediation.trim().is_empty() {
        part["parts"] = json!([{ "name": "remediation", "ns": NS, "prose": c.remediation }]);
    }
    let mut o = json!({
        "control-id": token,
        "description": c.title,
        "parts": [part],
    });
    put_list(&mut o, "props", props);
    o
}

/// The objective status of a finding: `satisfied` only for `pass` and `attested`.
fn status(f: &Finding) -> Value {
    let original = f
        .waiver
        .as_ref()
        .map(|w| w.original_status)
        .unwrap_or(f.status);
    let (state, reason, remarks) = match f.status {
        Status::Pass => ("satisfied", "pass", None),
        // A manual control vouched for by a valid attestation: met, on a person's word,
        // the way an assessor accepts examined documentation. Kept apart from a test.
        Status::Attested => (
            "satisfied",
            "pass",
            Some(format!(
                "Satisfied on a person's attestation (status attested), not on a test: {}",
                f.message
            )),
        ),
        Status::Fail => ("not-satisfied", "fail", None),
        Status::Error => (
            "not-satisfied",
            "other",
            Some(format!(
                "Could not be judged (assay status error): {}. OSCAL has no state for an objective that could not be judged, so it is reported not-satisfied.",
                f.message
            )),
        ),
        Status::Waived => (
            "not-satisfied",
            if original == Status::Fail { "fail" } else { "other" },
            Some(match &f.waiver {
                Some(w) => format!(
                    "Waived (status was {original}): an accepted risk until {}, owned by {}: {}. A waiver does not make the objective satisfied; see the related risk.",
                    w.expires, w.owner, w.reason
                ),
                None => "Waived: an accepted risk. A waiver does not make the objective satisfied.".to_string(),
            }),
        ),
        Status::Manual => (
            "not-satisfied",
            "other",
            Some(format!(
                "Needs a person's attestation (status manual): {}. Not satisfied until attested.",
                f.message
            )),
        ),
        Status::NotApplicable => (
            "not-satisfied",
            "other",
            Some(format!(
                "Not applicable (status not_applicable): the policy found nothing in scope: {}. OSCAL has no not-applicable state, and satisfied would claim the objective was met.",
                f.message
            )),
        ),
    };
    let mut s = json!({ "state": state, "reason": reason });
    if let Some(r) = remarks {
        s["remarks"] = json!(r);
    }
    s
}

fn finding(
    c: &ControlResult,
    f: &Finding,
    token: &str,
    uuid: &str,
    risk: Option<Value>,
    origins: &Value,
) -> Value {
    let whole = f.subject == WHOLE_CONTROL;
    // The evidence it was judged from, as precisely as the result records it: the
    // finding's own document, else the control's documents about the same subject,
    // else all of the control's documents.
    let by_path: Vec<&EvidenceRef> = match &f.evidence {
        Some(p) => c.evidence.iter().filter(|e| &e.path == p).collect(),
        None => Vec::new(),
    };
    let linked: Vec<&EvidenceRef> = if !by_path.is_empty() {
        by_path
    } else {
        let same: Vec<&EvidenceRef> = c
            .evidence
            .iter()
            .filter(|e| !whole && e.subject == f.subject)
            .collect();
        if same.is_empty() {
            c.evidence.iter().collect()
        } else {
            same
        }
    };
    let mut related: Vec<String> = linked.iter().map(|e| observation_uuid(e)).collect();
    related.sort();
    related.dedup();

    let mut props: Vec<Value> = [
        prop("assay-status", f.status.as_str()),
        prop("subject", &f.subject),
        prop("severity", c.severity.as_str()),
        f.evidence.as_deref().and_then(|p| prop("evidence-path", p)),
    ]
    .into_iter()
    .flatten()
    .collect();
    for e in &linked {
        if e.use_ != EvidenceUse::Evaluated {
            if let Some(mut p) = prop("evidence-not-evaluated", evidence_use(e.use_)) {
                p["remarks"] = json!(format!("{} was not given to the policy", e.path));
                props.push(p);
            }
        }
    }
    if let Some(w) = &f.waiver {
        props.extend(waiver_props(w, "waiver"));
    }
    if let Some(w) = &f.expired_waiver {
        props.extend(waiver_props(w, "expired-waiver"));
    }
    let mut o = json!({
        "uuid": uuid,
        "title": if whole {
            format!("{} ({})", c.title, c.id)
        } else {
            format!("{} ({}): {}", c.title, c.id, f.subject)
        },
        "description": if f.message.trim().is_empty() {
            format!("assay status {} without a message", f.status)
        } else {
            f.message.clone()
        },
        "origins": origins,
        "target": {
            "type": "objective-id",
            "target-id": token,
            "title": c.title,
            "status": status(f),
        },
    });
    put_list(&mut o, "props", props);
    put_list(
        &mut o,
        "related-observations",
        related
            .into_iter()
            .map(|u| json!({ "observation-uuid": u }))
            .collect(),
    );
    if let Some(r) = risk {
        o["related-risks"] = json!([{ "risk-uuid": r }]);
    }
    if let Some(w) = &f.expired_waiver {
        o["remarks"] = json!(format!(
            "A waiver matched but expired at {} (owner {}): it no longer applies.",
            w.expires, w.owner
        ));
    }
    o
}

fn evidence_use(u: EvidenceUse) -> &'static str {
    match u {
        EvidenceUse::Evaluated => "evaluated",
        EvidenceUse::Stale => "stale",
        EvidenceUse::Future => "future",
        EvidenceUse::CollectionFailed => "collection_failed",
    }
}

fn waiver_props(w: &AppliedWaiver, prefix: &str) -> Vec<Value> {
    [
        prop(&format!("{prefix}-owner"), &w.owner),
        prop(&format!("{prefix}-expires"), &w.expires),
        w.ticket
            .as_deref()
            .and_then(|t| prop(&format!("{prefix}-ticket"), t)),
        prop(
            &format!("{prefix}-original-status"),
            w.original_status.as_str(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// An active waiver as an OSCAL risk whose deviation was approved until the expiry.
fn waiver_risk(
    c: &ControlResult,
    f: &Finding,
    w: &AppliedWaiver,
    finding_uuid: &str,
    origins: &Value,
) -> Result<Value, RenderError> {
    let deadline = instant(
        &w.expires,
        &format!("control {} subject {}: waiver expires", c.id, f.subject),
    )?;
    let mut r = json!({
        "uuid": uuid_of("risk", &[finding_uuid]),
        "title": format!("Accepted risk: {} ({}) on {}", c.title, c.id, f.subject),
        "description": w.reason,
        "statement": format!(
            "{} (status {} before the waiver). Accepted by {} until {}{}.",
            f.message,
            w.original_status,
            w.owner,
            w.expires,
            w.ticket.as_ref().map(|t| format!(", {t}")).unwrap_or_default()
        ),
        "status": "deviation-approved",
        "origins": origins,
        "deadline": deadline,
    });
    put_list(&mut r, "props", waiver_props(w, "waiver"));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4122's namespace for URLs (`6ba7b811-9dad-11d1-80b4-00c04fd430c8`).
    const NAMESPACE_URL: [u8; 16] = [
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30,
        0xc8,
    ];

    fn result() -> RunResult {
        let mut r: RunResult = serde_json::from_value(json!({
            "schema": "assay.results/v1",
            "tool": { "name": "assay", "version": "0.1.0" },
            "generated_at": "2026-11-25T07:00:00Z",
            "evaluated_at": "2026-11-25T06:00:00Z",
            "catalog": { "origin": "built-in", "sha256": "c0" },
            "profile": "p",
            "evidence": { "dir": "ev", "manifest_sha256": "m0", "documents": 1 },
            "summary": { "controls": 0, "by_status": {}, "findings": {} },
            "controls": [{
                "id": "tls.min-grade", "title": "TLS grade", "description": "d",
                "severity": "high", "status": "error", "tags": [],
                "frameworks": { "soc2": ["CC6.1"] }, "remediation": "fix it",
                "rule": "data.assay.tls.min_grade", "params": {},
                "evidence_kinds": ["tls.endpoint"], "max_age": "7d", "manual": false,
                "source": { "file": "controls/tls.yaml", "line": 3 },
                "evidence": [{
                    "path": "tls.endpoint/a.json", "kind": "tls.endpoint", "subject": "a:443",
                    "collected_at": "2026-11-25T05:00:00Z", "sha256": "ab", "use": "evaluated"
                }],
                "findings": [
                    { "subject": "a:443", "status": "pass", "message": "grade A", "evidence": "tls.endpoint/a.json" },
                    { "subject": "b:443", "status": "error", "message": "not assessed: no evidence" },
                    { "subject": "c:443", "status": "waived", "message": "grade C",
                      "waiver": { "owner": "ops", "reason": "legacy", "expires": "2026-12-31T00:00:00Z", "original_status": "fail" } },
                    { "subject": "d:443", "status": "manual", "message": "attest it" },
                    { "subject": "e:443", "status": "not_applicable", "message": "nothing in scope" },
                    { "subject": "f:443", "status": "fail", "message": "grade F" },
                    { "subject": "g:443", "status": "attested", "message": "HR attests screening" }
                ]
            }],
            "waivers": [],
            "problems": []
        }))
        .unwrap();
        r.recompute();
        r
    }

    /// The rendered document, checked against NIST's schema (tests/report_oscal.rs
    /// checks the real example the same way).
    fn doc(r: &RunResult) -> Value {
        static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
        let v = SCHEMA.get_or_init(|| {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/schemas/oscal/oscal_assessment-results_schema.json"
            );
            let schema: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap()
        });
        let d: Value = serde_json::from_str(&render(r).unwrap()).unwrap();
        let errors: Vec<String> = v
            .iter_errors(&d)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        d
    }

    #[test]
    fn namespace_is_the_v5_uuid_of_the_ns_url() {
        let ns = uuid_v5(&NAMESPACE_URL, NS);
        assert_eq!(ns, "bf1a9465-65a3-50f3-9168-d5d06b2d67c1");
        let hex: String = ns.chars().filter(|c| *c != '-').collect();
        assert_eq!(crate::evidence::hex(&ASSAY_NAMESPACE), hex);
    }

    #[test]
    fn only_pass_and_attested_are_satisfied() {
        let d = doc(&result());
        let findings = d["assessment-results"]["results"][0]["findings"]
            .as_array()
            .unwrap();
        // assay status → OSCAL state, reason, whether the status has remarks.
        let expected = [
            ("pass", "satisfied", "pass", false),
            ("attested", "satisfied", "pass", true),
            ("fail", "not-satisfied", "fail", false),
            ("waived", "not-satisfied", "fail", true), // a fail before its waiver
            ("error", "not-satisfied", "other", true),
            ("manual", "not-satisfied", "other", true),
            ("not_applicable", "not-satisfied", "other", true),
        ];
        assert_eq!(findings.len(), expected.len());
        for (assay, state, reason, remarks) in expected {
            let f = findings
                .iter()
                .find(|f| {
                    f["props"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["name"] == "assay-status" && p["value"] == assay)
                })
                .unwrap_or_else(|| panic!("no {assay} finding"));
            let s = &f["target"]["status"];
            assert_eq!(
                (s["state"].as_str(), s["reason"].as_str()),
                (Some(state), Some(reason)),
                "{assay}"
            );
            assert_eq!(
                s["remarks"].as_str().is_some_and(|r| !r.is_empty()),
                remarks,
                "{assay}"
            );
        }
    }

    #[test]
    fn a_waiver_is_a_risk_with_its_expiry_as_deadline() {
        let d = doc(&result());
        let res = &d["assessment-results"]["results"][0];
        let risks = res["risks"].as_array().unwrap();
        assert_eq!(risks.len(), 1);
        assert_eq!(risks[0]["status"], "deviation-approved");
        assert_eq!(risks[0]["deadline"], "2026-12-31T00:00:00Z");
        let waived = res["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["related-risks"].is_array())
            .unwrap();
        assert_eq!(waived["related-risks"][0]["risk-uuid"], risks[0]["uuid"]);
        assert_eq!(waived["target"]["status"]["state"], "not-satisfied");
    }

    #[test]
    fn a_finding_without_its_own_evidence_links_the_controls_documents() {
        let d = doc(&result());
        let res = &d["assessment-results"]["results"][0];
        let obs = res["observations"][0]["uuid"].clone();
        for f in res["findings"].as_array().unwrap() {
            assert_eq!(f["related-observations"][0]["observation-uuid"], obs);
        }
    }

    #[test]
    fn rendering_is_deterministic_and_content_addressed() {
        let r = result();
        assert_eq!(render(&r).unwrap(), render(&r).unwrap());
        let mut changed = r.clone();
        changed.controls[0].findings[0].message = "grade A+".into();
        let (a, b) = (doc(&r), doc(&changed));
        assert_ne!(
            a["assessment-results"]["uuid"],
            b["assessment-results"]["uuid"]
        );
        assert_eq!(
            a["assessment-results"]["results"][0]["uuid"],
            b["assessment-results"]["results"][0]["uuid"]
        );
        // generated_at is the one field that differs between two runs: it is not used.
        let mut later = r.clone();
        later.generated_at = "2030-01-01T00:00:00Z".into();
        assert_eq!(render(&r).unwrap(), render(&later).unwrap());
    }

    #[test]
    fn a_control_without_findings_is_an_error_finding() {
        let mut r = result();
        r.controls[0].findings.clear();
        r.recompute();
        let d = doc(&r);
        let f = &d["assessment-results"]["results"][0]["findings"];
        assert_eq!(f.as_array().unwrap().len(), 1);
        assert_eq!(f[0]["target"]["status"]["state"], "not-satisfied");
    }

    #[test]
    fn ids_that_are_not_tokens_are_mapped_injectively() {
        assert_eq!(control_token("tls.min-grade"), "tls.min-grade");
        let a = control_token("2fa.enforced");
        assert!(is_token(&a) && a.starts_with("_2fa.enforced-"), "{a}");
        assert_ne!(control_token("a b"), control_token("a:b"));
        assert!(is_token(&control_token("é")));
        let mut r = result();
        r.controls[0].id = "2fa.enforced".into();
        let d = doc(&r);
        let o = &d["assessment-results"]["local-definitions"]["objectives-and-methods"][0];
        assert_eq!(o["control-id"], json!(a));
        assert!(o["props"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "assay-control-id" && p["value"] == "2fa.enforced"));
    }

    #[test]
    fn an_empty_run_and_untrustworthy_evidence_are_stated() {
        let mut r = result();
        r.controls.clear();
        r.problems.push(
            serde_json::from_value(json!({ "path": "x/y.json", "message": "hash mismatch" }))
                .unwrap(),
        );
        r.recompute();
        let d = doc(&r);
        let res = &d["assessment-results"]["results"][0];
        assert!(res.get("findings").is_none() && res.get("observations").is_none());
        let remarks = res["remarks"].as_str().unwrap();
        assert!(remarks.contains("No control was evaluated"), "{remarks}");
        assert!(remarks.contains("x/y.json: hash mismatch"), "{remarks}");
        assert!(res["reviewed-controls"]["control-selections"][0]
            .get("include-controls")
            .is_none());
    }

    #[test]
    fn hrefs_are_relative_references() {
        assert_eq!(href("tls.endpoint/a_443.json"), "tls.endpoint/a_443.json");
        assert_eq!(href("x/a b:c.json"), "x/a%20b%3Ac.json");
        assert_eq!(href("//host/x"), "%2F/host/x");
    }

    #[test]
    fn bad_dates_are_named() {
        let mut r = result();
        r.controls[0].evidence[0].collected_at = "yesterday".into();
        let e = render(&r).unwrap_err().to_string();
        assert!(
            e.contains("evidence tls.endpoint/a.json: collected_at"),
            "{e}"
        );
        let mut r = result();
        r.evaluated_at = "3026-11-25T06:00:00Z".into();
        let e = render(&r).unwrap_err().to_string();
        assert!(
            e.contains("evaluated_at") && e.contains("1900 to 2999"),
            "{e}"
        );
    }

    #[test]
    fn prop_values_are_single_trimmed_lines() {
        assert_eq!(one_line("  a\n b\t c "), "a b c");
        assert!(prop("x", " \n ").is_none());
    }
}
