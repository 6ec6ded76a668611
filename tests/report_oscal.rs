//! `--format oscal`: the bundled example rendered as NIST OSCAL assessment results and
//! validated against NIST's own JSON schema (schemas/oscal/, the release file as
//! published), plus what the schema cannot check: one observation per evidence
//! document, one finding per control × subject, no satisfied finding that assay did
//! not pass, references that resolve, and the same bytes every time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use sha2::{Digest, Sha256};

const NOW: &str = "2026-11-25T06:00:00Z";
const SCHEMA: &str = "schemas/oscal/oscal_assessment-results_schema.json";
/// SHA-256 of NIST's OSCAL v1.1.3 release asset `oscal_assessment-results_schema.json`.
const SCHEMA_SHA256: &str = "d9e34757f0c12aff61f52b821f0b8f83ba0ba75b3a149a202b08ba82f82bc4c3";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("assay runs");
    let r = Run {
        code: out.status.code().expect("exited with a code, not a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "assay {args:?} panicked:\n{}",
        r.stderr
    );
    r
}

fn example(extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--evidence",
        "examples/coloom/evidence",
        "--profile",
        "examples/coloom/profile.yaml",
        "--waivers",
        "examples/coloom/waivers.yaml",
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.code, 1, "the example has failures: {}", o.stderr);
    o
}

fn example_oscal() -> (String, Value) {
    let o = example(&["--format", "oscal"]);
    let v = serde_json::from_str(&o.stdout).expect("OSCAL JSON");
    (o.stdout, v)
}

fn example_results() -> Value {
    serde_json::from_str(&example(&["--format", "json"]).stdout).expect("results JSON")
}

/// The official schema, compiled once, with `format` asserted (date-time, uri,
/// uri-reference, email) and the crate's default regex engine, fancy-regex, which
/// understands the `\p{L}` / `\p{N}` classes of OSCAL's token pattern as they are.
fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let text = std::fs::read_to_string(root().join(SCHEMA)).expect("the OSCAL schema ships");
        let schema: Value = serde_json::from_str(&text).expect("schema JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{SCHEMA} compiles: {e}"))
    })
}

fn schema_errors(doc: &Value) -> Vec<String> {
    validator()
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn array<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what} is not an array: {v}"))
}

/// The value of the assay prop `name` of an OSCAL object.
fn prop<'a>(o: &'a Value, name: &str) -> Option<&'a str> {
    o["props"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["value"].as_str())
}

#[test]
fn the_shipped_schema_is_nists_release_file_unchanged() {
    let bytes = std::fs::read(root().join(SCHEMA)).unwrap();
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        sha, SCHEMA_SHA256,
        "{SCHEMA} was edited; restore it (see schemas/oscal/README.md)"
    );
    let schema: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        schema["$id"],
        "http://csrc.nist.gov/ns/oscal/1.1.3/oscal-ar-schema.json"
    );
}

#[test]
fn the_example_is_valid_oscal_with_one_observation_per_document_and_one_finding_per_subject() {
    let (_, doc) = example_oscal();
    let errors = schema_errors(&doc);
    assert!(errors.is_empty(), "{errors:#?}");

    let results = example_results();
    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["oscal-version"], "1.1.3");
    assert_eq!(array(&ar["results"], "results").len(), 1);
    let res = &ar["results"][0];
    assert_eq!(res["start"], NOW);

    // One observation per evidence document the result references.
    let documents: BTreeMap<(String, String), &Value> = array(&results["controls"], "controls")
        .iter()
        .flat_map(|c| array(&c["evidence"], "evidence"))
        .map(|e| {
            let key = (
                e["path"].as_str().unwrap().to_string(),
                e["sha256"].as_str().unwrap().to_string(),
            );
            (key, e)
        })
        .collect();
    let observations = array(&res["observations"], "observations");
    assert_eq!(observations.len(), documents.len());
    let mut by_path = BTreeMap::new();
    for o in observations {
        let path = prop(o, "evidence-path").expect("evidence-path prop");
        let ev = &o["relevant-evidence"][0];
        let sha = prop(ev, "sha256").expect("sha256 prop");
        let e = documents
            .get(&(path.to_string(), sha.to_string()))
            .unwrap_or_else(|| panic!("observation of unknown document {path}"));
        assert_eq!(o["collected"], e["collected_at"], "{path}");
        assert_eq!(o["subjects"][0]["title"], e["subject"], "{path}");
        assert_eq!(ev["href"], e["path"], "{path}");
        let method = if e["kind"] == "attestation" {
            "EXAMINE"
        } else {
            "TEST"
        };
        assert_eq!(o["methods"], serde_json::json!([method]), "{path}");
        by_path.insert(path.to_string(), o["uuid"].as_str().unwrap().to_string());
    }

    // One finding per control × subject, carrying assay's own status.
    let mut expected = Vec::new();
    for c in array(&results["controls"], "controls") {
        for f in array(&c["findings"], "findings") {
            expected.push((
                c["id"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            ));
        }
    }
    let findings = array(&res["findings"], "findings");
    let mut got: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["target"]["target-id"].as_str().unwrap().to_string(),
                prop(f, "subject").unwrap().to_string(),
                prop(f, "assay-status").unwrap().to_string(),
            )
        })
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    let statuses: BTreeSet<&str> = expected.iter().map(|(_, _, s)| s.as_str()).collect();
    for s in ["pass", "fail", "error", "waived", "not_applicable"] {
        assert!(
            statuses.contains(s),
            "the example has no {s} finding any more: {statuses:?}"
        );
    }

    // Nothing passes that should not: satisfied only where assay said pass or attested,
    // and every other status says why in the remarks.
    for f in findings {
        let assay = prop(f, "assay-status").unwrap();
        let status = &f["target"]["status"];
        let satisfied = status["state"] == "satisfied";
        assert_eq!(satisfied, matches!(assay, "pass" | "attested"), "{f:#}");
        if matches!(assay, "error" | "manual" | "not_applicable" | "waived") {
            assert_eq!(status["state"], "not-satisfied");
            let remarks = status["remarks"].as_str().unwrap_or("");
            assert!(
                remarks.contains(&format!("status {assay}")) || assay == "waived",
                "{f:#}"
            );
            if assay == "error" {
                let message = f["description"].as_str().unwrap();
                assert!(
                    remarks.contains(message),
                    "the error message is in the remarks: {f:#}"
                );
            }
        }
    }

    // A finding judged from one document links that document's observation.
    for c in array(&results["controls"], "controls") {
        for f in array(&c["findings"], "findings") {
            let Some(path) = f["evidence"].as_str() else {
                continue;
            };
            let o = findings
                .iter()
                .find(|o| {
                    o["target"]["target-id"] == c["id"]
                        && prop(o, "subject") == f["subject"].as_str()
                })
                .unwrap();
            assert_eq!(
                o["related-observations"][0]["observation-uuid"].as_str(),
                by_path.get(path).map(String::as_str)
            );
        }
    }
}

#[test]
fn every_reference_in_the_document_resolves() {
    let (_, doc) = example_oscal();
    let ar = &doc["assessment-results"];
    let res = &ar["results"][0];
    let uuids = |v: &Value, what: &str| -> BTreeSet<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|o| {
                        o["uuid"]
                            .as_str()
                            .unwrap_or_else(|| panic!("{what} without uuid"))
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let observations = uuids(&res["observations"], "observation");
    let risks = uuids(&res["risks"], "risk");
    let items = uuids(
        &res["local-definitions"]["inventory-items"],
        "inventory item",
    );
    let components = uuids(
        &res["local-definitions"]["assessment-assets"]["components"],
        "component",
    );
    let resources = uuids(&ar["back-matter"]["resources"], "resource");
    assert!(!risks.is_empty(), "the example's waivers are risks");

    let href = ar["import-ap"]["href"].as_str().unwrap();
    assert!(
        resources.contains(href.trim_start_matches('#')),
        "import-ap {href}"
    );

    let objectives: BTreeSet<&str> = array(
        &ar["local-definitions"]["objectives-and-methods"],
        "objectives",
    )
    .iter()
    .map(|o| o["parts"][0]["id"].as_str().unwrap())
    .collect();
    let selected: BTreeSet<&str> = array(
        &res["reviewed-controls"]["control-selections"][0]["include-controls"],
        "include-controls",
    )
    .iter()
    .map(|c| c["control-id"].as_str().unwrap())
    .collect();
    assert_eq!(objectives, selected);

    for o in array(&res["observations"], "observations") {
        for s in array(&o["subjects"], "subjects") {
            assert!(items.contains(s["subject-uuid"].as_str().unwrap()), "{o:#}");
        }
        assert!(components.contains(o["origins"][0]["actors"][0]["actor-uuid"].as_str().unwrap()));
    }
    for f in array(&res["findings"], "findings") {
        assert!(
            objectives.contains(f["target"]["target-id"].as_str().unwrap()),
            "{f:#}"
        );
        assert!(components.contains(f["origins"][0]["actors"][0]["actor-uuid"].as_str().unwrap()));
        for r in f["related-observations"].as_array().into_iter().flatten() {
            assert!(
                observations.contains(r["observation-uuid"].as_str().unwrap()),
                "{f:#}"
            );
        }
        for r in f["related-risks"].as_array().into_iter().flatten() {
            assert!(risks.contains(r["risk-uuid"].as_str().unwrap()), "{f:#}");
            assert_eq!(prop(f, "assay-status"), Some("waived"));
        }
    }

    // Every UUID in the document is defined once.
    let mut all = Vec::new();
    collect_defined_uuids(&doc, &mut all);
    let distinct: BTreeSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "duplicate uuids");
}

fn collect_defined_uuids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(u)) = m.get("uuid") {
                out.push(u.clone());
            }
            m.values().for_each(|x| collect_defined_uuids(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_defined_uuids(x, out)),
        _ => {}
    }
}

#[test]
fn reruns_and_report_give_the_same_bytes() {
    let (first, _) = example_oscal();
    let (second, _) = example_oscal();
    assert_eq!(first, second, "two runs on the same input differ");

    // check writes results.json and OSCAL in one run; report re-renders the same bytes.
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json").display().to_string();
    let oscal = dir.path().join("results.oscal.json").display().to_string();
    let write = format!("oscal={oscal}");
    example(&["--format", "json", "--output", &json, "--write", &write]);
    let written = std::fs::read_to_string(&oscal).unwrap();
    assert_eq!(written, first);
    let o = run(&["report", &json, "--format", "oscal", "--now", NOW]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(o.stdout, first);
    assert!(schema_errors(&serde_json::from_str(&o.stdout).unwrap()).is_empty());
}

#[test]
fn expired_waivers_are_no_longer_risks() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("results.json").display().to_string();
    example(&["--format", "json", "--output", &json]);
    let o = run(&[
        "report",
        &json,
        "--format",
        "oscal",
        "--now",
        "2031-01-01T00:00:00Z",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let doc: Value = serde_json::from_str(&o.stdout).unwrap();
    let errors = schema_errors(&doc);
    assert!(errors.is_empty(), "{errors:#?}");
    let res = &doc["assessment-results"]["results"][0];
    assert!(res.get("risks").is_none(), "no waiver is active in 2031");
    let findings = array(&res["findings"], "findings");
    assert!(findings
        .iter()
        .all(|f| prop(f, "assay-status") != Some("waived")));
    let expired: Vec<&Value> = findings
        .iter()
        .filter(|f| prop(f, "expired-waiver-owner").is_some())
        .collect();
    assert!(!expired.is_empty());
    for f in expired {
        assert_eq!(f["target"]["status"]["state"], "not-satisfied", "{f:#}");
        assert!(f["remarks"].as_str().unwrap().contains("expired"), "{f:#}");
    }
}

#[test]
fn the_validator_is_live() {
    let (_, doc) = example_oscal();
    assert!(schema_errors(&doc).is_empty());

    // A state OSCAL does not have.
    let mut bad = doc.clone();
    bad["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        "passed".into();
    let errors = schema_errors(&bad);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/assessment-results/results/0/findings/0/target/status/state")),
        "{errors:#?}"
    );

    // A UUID that is not RFC 4122 version 4 or 5, a control id that is not a token, a
    // date-time without a time zone, and a missing required import-ap.
    let mut bad = doc.clone();
    bad["assessment-results"]["results"][0]["observations"][0]["uuid"] =
        "6ba7b811-9dad-11d1-80b4-00c04fd430c8".into();
    assert!(!schema_errors(&bad).is_empty(), "a version-1 uuid passed");
    let mut bad = doc.clone();
    bad["assessment-results"]["results"][0]["findings"][0]["target"]["target-id"] =
        "1 bad id".into();
    assert!(
        !schema_errors(&bad).is_empty(),
        "a non-token target-id passed"
    );
    let mut bad = doc.clone();
    bad["assessment-results"]["results"][0]["start"] = "2026-11-25T06:00:00".into();
    assert!(
        !schema_errors(&bad).is_empty(),
        "a date-time without zone passed"
    );
    // `format` is asserted too: a reference with a space is not a URI reference.
    let mut bad = doc.clone();
    bad["assessment-results"]["results"][0]["observations"][0]["relevant-evidence"][0]["href"] =
        "tls.endpoint/a b.json".into();
    assert!(
        !schema_errors(&bad).is_empty(),
        "an invalid uri-reference passed"
    );
    let mut bad = doc;
    bad["assessment-results"]
        .as_object_mut()
        .unwrap()
        .remove("import-ap");
    assert!(
        !schema_errors(&bad).is_empty(),
        "a document without import-ap passed"
    );
}

#[test]
fn bad_input_and_unsupported_options_get_a_clear_message() {
    // --framework views are not defined for OSCAL.
    let o = run(&[
        "check",
        "--evidence",
        "examples/coloom/evidence",
        "--profile",
        "examples/coloom/profile.yaml",
        "--now",
        NOW,
        "--format",
        "oscal",
        "--framework",
        "soc2",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("--framework works with") && o.stderr.contains("not oscal"),
        "{}",
        o.stderr
    );

    // A saved result whose evidence date OSCAL cannot express names the document and field.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    let mut results = example_results();
    results["controls"][0]["evidence"][0]["collected_at"] = "last tuesday".into();
    let doc_path = results["controls"][0]["evidence"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(&path, serde_json::to_string(&results).unwrap()).unwrap();
    let o = run(&[
        "report",
        path.to_str().unwrap(),
        "--format",
        "oscal",
        "--now",
        NOW,
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    assert!(
        o.stderr.contains("cannot write OSCAL")
            && o.stderr
                .contains(&format!("evidence {doc_path}: collected_at"))
            && o.stderr.contains("last tuesday"),
        "{}",
        o.stderr
    );

    // The format is listed where formats are named.
    let o = run(&["report", path.to_str().unwrap(), "--format", "nope"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("oscal"), "{}", o.stderr);
}
