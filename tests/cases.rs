//! Data-driven verdict tests: each `tests/cases/*.yaml` file is one case — a control,
//! evidence in, the verdict expected out — run through the real evaluator with the
//! built-in catalog and policies. Adding a case is adding a file.

use std::collections::BTreeMap;
use std::path::Path;

use assay::bundle::Bundle;
use assay::catalog::profile::{Profile, Selector};
use assay::catalog::{Catalog, Params};
use assay::check::result::Status;
use assay::check::{evaluate, EvidenceSet};
use assay::evidence::store::Stored;
use assay::evidence::{Collector, Document};
use assay::policy::PolicySet;
use assay::timefmt::parse_instant;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[allow(dead_code)]
    about: String,
    control: String,
    now: String,
    #[serde(default)]
    params: Params,
    #[serde(default)]
    evidence: Vec<CaseDoc>,
    #[serde(default)]
    waivers: Option<serde_json::Value>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseDoc {
    kind: String,
    subject: String,
    collected_at: String,
    body: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    status: Status,
    findings: Vec<ExpectFinding>,
    #[serde(default)]
    waivers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFinding {
    subject: String,
    status: Status,
    #[serde(default)]
    message_contains: Option<String>,
    #[serde(default)]
    expired_waiver: bool,
}

fn run_case(path: &Path, catalog: &Catalog, policies: &PolicySet) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case: Case = serde_yaml_ng::from_str(&text).map_err(|e| format!("bad case file: {e}"))?;
    let now = parse_instant(&case.now)?;
    let mut params = BTreeMap::new();
    if !case.params.is_empty() {
        params.insert(case.control.clone(), case.params.clone());
    }
    let profile = Profile {
        name: "case".into(),
        select: Selector {
            ids: Some(vec![case.control.clone()]),
            ..Selector::default()
        },
        params,
        ..Profile::default()
    };
    let selected = profile.select(catalog).map_err(|d| d.to_string())?;
    let docs = case
        .evidence
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let doc = Document {
                schema: assay::evidence::SCHEMA.into(),
                kind: d.kind,
                subject: d.subject,
                collected_at: parse_instant(&d.collected_at)?,
                collector: Collector {
                    name: "case".into(),
                    version: "1".into(),
                },
                source: "probe".into(),
                sha256: None,
                body: d.body,
            };
            Ok(Stored {
                sha256: doc.body_hash(),
                path: format!("doc{i}.json"),
                doc,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let set = EvidenceSet::new(docs, Vec::new());
    let waivers = match case.waivers {
        Some(w) => {
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let file = dir.path().join("waivers.yaml");
            std::fs::write(
                &file,
                serde_yaml_ng::to_string(&serde_json::json!({ "waivers": w }))
                    .map_err(|e| e.to_string())?,
            )
            .map_err(|e| e.to_string())?;
            assay::waiver::load(&file, |id| catalog.get(id).is_some()).map_err(|d| d.to_string())?
        }
        None => Vec::new(),
    };
    let (results, records) = evaluate(&selected, policies, &set, now, &waivers);
    let r = results.first().ok_or("no result")?;
    let show = || serde_json::to_string_pretty(&r.findings).unwrap_or_default();
    if r.status != case.expect.status {
        return Err(format!(
            "control status {} (expected {})\n{}",
            r.status,
            case.expect.status,
            show()
        ));
    }
    if r.findings.len() != case.expect.findings.len() {
        return Err(format!(
            "{} findings (expected {})\n{}",
            r.findings.len(),
            case.expect.findings.len(),
            show()
        ));
    }
    for want in &case.expect.findings {
        let found = r.findings.iter().any(|f| {
            f.subject == want.subject
                && f.status == want.status
                && want
                    .message_contains
                    .as_ref()
                    .is_none_or(|m| f.message.contains(m.as_str()))
                && (!want.expired_waiver || f.expired_waiver.is_some())
        });
        if !found {
            return Err(format!(
                "no finding {} {} containing {:?}\n{}",
                want.subject,
                want.status,
                want.message_contains,
                show()
            ));
        }
    }
    let states: Vec<String> = records
        .iter()
        .map(|w| format!("{:?}", w.state).to_lowercase())
        .collect();
    if states != case.expect.waivers {
        return Err(format!(
            "waiver states {states:?} (expected {:?})",
            case.expect.waivers
        ));
    }
    Ok(())
}

#[test]
fn verdict_cases() {
    let bundle = Bundle::builtin();
    let policies = PolicySet::compile(&bundle).expect("built-in policies compile");
    let catalog = Catalog::load(bundle).expect("built-in catalog loads");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "expected the verdict cases, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = run_case(f, &catalog, &policies) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    println!("{} cases, {} failed", files.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
