//! `assay check` on an evidence folder, and reading its JSON results: a control's status,
//! its findings, the accounts its failures name, the findings about one subject.

#![allow(dead_code)] // each test crate uses part of it

use std::path::Path;

use serde_json::Value;

use super::{path_str, run};

/// `assay check --evidence EV [--profile PROFILE] --format json [--now NOW]`: the results
/// JSON. Fails the test unless check ran (exit 0: all pass, or 1: something failed).
pub fn results(ev: &Path, profile: Option<&Path>, now: Option<&str>) -> Value {
    let mut args = vec!["check", "--evidence", path_str(ev), "--format", "json"];
    if let Some(p) = profile {
        args.extend(["--profile", path_str(p)]);
    }
    if let Some(n) = now {
        args.extend(["--now", n]);
    }
    let o = run(&args);
    assert!(o.code == 0 || o.code == 1, "check failed: {}", o.stderr);
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("results JSON: {e}: {}", o.stderr))
}

/// The result of control `id`.
#[track_caller]
pub fn control_of<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"))
}

/// `(status, [(finding status, message)])` of control `id`, findings in report order.
#[track_caller]
pub fn control(results: &Value, id: &str) -> (String, Vec<(String, String)>) {
    let c = control_of(results, id);
    let findings = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["status"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (c["status"].as_str().unwrap().to_string(), findings)
}

/// Every control as `(id, status, ["status: message", …])`, by id, its findings sorted.
pub fn verdicts(results: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<_> = results["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap();
            let (status, findings) = control(results, id);
            let mut fs: Vec<String> = findings.iter().map(|(s, m)| format!("{s}: {m}")).collect();
            fs.sort();
            (id.to_string(), status, fs)
        })
        .collect();
    out.sort();
    out
}

/// The accounts named by the failing findings of control `id` (`… {what} NAME has no …`),
/// sorted.
#[track_caller]
pub fn failing_accounts(results: &Value, id: &str, what: &str) -> Vec<String> {
    let (_, findings) = control(results, id);
    let mut names: Vec<String> = findings
        .iter()
        .filter(|(s, _)| s == "fail")
        .map(|(_, m)| {
            let rest = m
                .split_once(&format!("{what} "))
                .unwrap_or_else(|| panic!("unexpected message: {m}"))
                .1;
            rest.split(' ').next().unwrap().to_string()
        })
        .collect();
    names.sort();
    names
}

/// The findings of control `id` about `subject`.
#[track_caller]
pub fn findings_about<'a>(results: &'a Value, id: &str, subject: &str) -> Vec<&'a Value> {
    control_of(results, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["subject"] == subject)
        .collect()
}

/// Finding status per subject of control `id`.
#[track_caller]
pub fn statuses_by_subject(
    results: &Value,
    id: &str,
) -> std::collections::BTreeMap<String, String> {
    control_of(results, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (text("subject"), text("status"))
        })
        .collect()
}
