//! End-to-end tests of `assay check` and `assay report`: every output format, the
//! honest-verdict rules, the CI gate, waivers, determinism, and bad input.

mod common;

use std::path::{Path, PathBuf};

use common::{
    assert_contains_all, copy_catalog, path_str, root, run, run_env, tls_doc, write_file, Run,
};
use serde_json::{json, Value};

const NOW: &str = "2026-11-25T06:00:00Z";

fn example_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
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
    v.extend_from_slice(extra);
    v
}

fn example_json() -> Value {
    let o = run(&example_args(&["--format", "json"]));
    assert_eq!(o.code, 1, "the example has failures: {}", o.stderr);
    serde_json::from_str(&o.stdout).expect("results JSON")
}

/// A document of the given kind and subject, collected an hour before NOW.
fn doc(kind: &str, subject: &str, body: Value) -> Value {
    json!({
        "schema": "assay.evidence/v1", "kind": kind, "subject": subject,
        "collected_at": "2026-11-25T05:00:00Z",
        "collector": {"name": "test", "version": "1"}, "source": "probe", "body": body,
    })
}

/// Imports `docs` into a fresh evidence folder under `dir`.
fn evidence(dir: &Path, docs: &[Value]) -> PathBuf {
    let raw = write_file(dir, "raw.json", &serde_json::to_string(&docs).unwrap());
    let ev = dir.join("evidence");
    let o = run(&[
        "evidence",
        "import",
        path_str(&raw),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    ev
}

fn profile(dir: &Path, yaml: &str) -> PathBuf {
    write_file(dir, "profile.yaml", yaml)
}

/// `assay check --evidence EV --profile PROFILE --now NOW FLAGS…`
fn check(ev: &Path, profile: &Path, flags: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--evidence",
        path_str(ev),
        "--profile",
        path_str(profile),
        "--now",
        NOW,
    ];
    args.extend_from_slice(flags);
    run(&args)
}

/// Control `id` of a results document.
fn control(results: &Value, id: &str) -> Value {
    results["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id} in the results"))
        .clone()
}

fn without_generated_at(s: &str) -> String {
    s.lines()
        .filter(|l| !l.trim_start().starts_with("\"generated_at\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn example_shows_every_status_and_fails_the_gate() {
    let r = example_json();
    let by = &r["summary"]["by_status"];
    for s in [
        "pass",
        "fail",
        "error",
        "waived",
        "manual",
        "not_applicable",
    ] {
        assert!(by[s].as_u64().unwrap_or(0) > 0, "no control is {s}: {by}");
    }
    let ctl = |id: &str| control(&r, id);
    assert_eq!(ctl("identity.ssh-second-factor")["status"], "error");
    assert!(ctl("identity.ssh-second-factor")["findings"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("not assessed"));
    assert_eq!(ctl("org.background-screening")["status"], "manual");
    let stale = ctl("encryption.db-tls-required");
    assert!(stale["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["status"] == "error" && f["message"].as_str().unwrap().contains("stale")));
    let waivers = r["waivers"].as_array().unwrap();
    assert!(waivers.iter().any(|w| w["state"] == "expired"));
    assert!(waivers.iter().any(|w| w["state"] == "active"));
    let residency = ctl("residency.resources-in-allowed-countries");
    assert!(residency["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["status"] == "fail" && f.get("expired_waiver").is_some()));
    // The table names the same things for a person.
    let t = run(&example_args(&[]));
    assert_eq!(t.code, 1);
    assert!(
        t.stdout.contains("EXPIRED") && t.stdout.contains("not assessed"),
        "{}",
        t.stdout
    );
    assert!(t.stderr.contains("gate failed"));
}

#[test]
fn results_are_deterministic_across_runs_and_thread_counts() {
    let a = run(&example_args(&["--format", "json"]));
    let b = run_env(
        &example_args(&["--format", "json"]),
        &[("RAYON_NUM_THREADS", "1")],
    );
    assert_eq!(
        without_generated_at(&a.stdout),
        without_generated_at(&b.stdout)
    );
    let c = run(&example_args(&["--format", "sarif"]));
    let d = run(&example_args(&["--format", "sarif"]));
    assert_eq!(c.stdout, d.stdout);
}

/// Where `instance` breaks the JSON Schema at `schema` (relative to the repository).
fn schema_errors(schema: &str, instance: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(schema)).unwrap();
    let schema_json: Value = serde_json::from_str(&text).unwrap();
    let v = jsonschema::validator_for(&schema_json)
        .unwrap_or_else(|e| panic!("{schema} compiles: {e}"));
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn results_json_matches_its_documented_schema() {
    let errors = schema_errors("docs/results.schema.json", &example_json());
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn one_run_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let (j, x, s, m) = (p("r.json"), p("junit.xml"), p("r.sarif"), p("r.md"));
    let w = [
        format!("junit={x}"),
        format!("sarif={s}"),
        format!("markdown={m}"),
    ];
    let o = run(&example_args(&[
        "--format", "json", "--output", &j, "--write", &w[0], "--write", &w[1], "--write", &w[2],
    ]));
    assert_eq!(o.code, 1);
    assert!(o.stdout.is_empty(), "stdout must be empty with --output");
    let n = example_json()["controls"].as_array().unwrap().len();
    assert!(o.stderr.contains(&format!("{n} controls:")), "{}", o.stderr);
    for f in [&j, &x, &s, &m] {
        assert!(Path::new(f).is_file(), "{f} missing");
    }
    // `report` re-renders the saved result to the same bytes as the run wrote.
    let again = run(&["report", &j, "--format", "junit", "--now", NOW]);
    assert_eq!(again.stdout, std::fs::read_to_string(&x).unwrap());
    let md = std::fs::read_to_string(&m).unwrap();
    assert!(
        md.starts_with("# assay compliance report")
            && md.contains("## Waivers")
            && md.contains("tls.min-protocol-1-2")
    );
}

/// The attributes the Jenkins xUnit schema (junit-10.xsd) allows on each element, and
/// the ones it requires. An attribute outside this list makes strict consumers reject
/// the file (InSpec #3006).
const JUNIT_ATTRS: &[(&str, &[&str], &[&str])] = &[
    (
        "testsuites",
        &[],
        &["name", "time", "tests", "failures", "errors"],
    ),
    (
        "testsuite",
        &["name", "tests", "failures", "errors"],
        &[
            "name",
            "tests",
            "failures",
            "errors",
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
        ],
    ),
    ("properties", &[], &[]),
    ("property", &["name", "value"], &["name", "value"]),
    (
        "testcase",
        &["name"],
        &["name", "time", "classname", "group"],
    ),
    ("failure", &[], &["type", "message"]),
    ("error", &[], &["type", "message"]),
    ("skipped", &[], &["type", "message"]),
    // Text only (Jenkins junit-10.xsd: testcase may hold system-out): says "attested".
    ("system-out", &[], &[]),
];

#[test]
fn junit_has_the_surefire_shape() {
    use quick_xml::events::Event;
    let r = example_json();
    let o = run(&example_args(&["--format", "junit"]));
    let mut reader = quick_xml::Reader::from_str(&o.stdout);
    let (mut suites, mut cases, mut failures, mut errors, mut skipped) = (0, 0, 0, 0, 0);
    let mut suite_skipped = 0;
    let mut root_attrs = std::collections::BTreeMap::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attrs: std::collections::BTreeMap<String, String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                            a.unescape_value().unwrap().into_owned(),
                        )
                    })
                    .collect();
                let (_, required, allowed) = JUNIT_ATTRS
                    .iter()
                    .find(|(n, _, _)| *n == name)
                    .unwrap_or_else(|| panic!("element <{name}> is not in the JUnit schema"));
                for a in attrs.keys() {
                    assert!(allowed.contains(&a.as_str()), "<{name}> may not carry {a}");
                }
                for a in *required {
                    assert!(attrs.contains_key(*a), "<{name}> lacks required {a}");
                }
                if let Some(t) = attrs.get("time") {
                    assert!(t.parse::<f64>().is_ok(), "time {t} is not a number");
                }
                match name.as_str() {
                    "testsuites" => root_attrs = attrs,
                    "testsuite" => {
                        suites += 1;
                        suite_skipped += attrs["skipped"].parse::<usize>().unwrap();
                    }
                    "testcase" => {
                        cases += 1;
                        assert!(attrs.contains_key("classname"));
                    }
                    "failure" => failures += 1,
                    "error" => errors += 1,
                    "skipped" => skipped += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let controls = r["controls"].as_array().unwrap();
    assert_eq!(suites, controls.len());
    let subjects: usize = controls
        .iter()
        .map(|c| {
            c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["subject"].as_str().unwrap())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        })
        .sum();
    assert_eq!(cases, subjects, "one testcase per control × subject");
    assert_eq!(root_attrs["tests"], cases.to_string());
    assert_eq!(root_attrs["failures"], failures.to_string());
    assert_eq!(root_attrs["errors"], errors.to_string());
    assert_eq!(suite_skipped, skipped);
    assert!(failures > 0 && errors > 0 && skipped > 0);
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let o = run(&example_args(&["--format", "sarif"]));
    let log: Value = serde_json::from_str(&o.stdout).unwrap();
    // The official OASIS schema is not committed; scripts/test fetches it from PyPI.
    let schema = std::env::var("ASSAY_SARIF_SCHEMA")
        .unwrap_or_else(|_| "target/test-deps/sarif-schema-2.1.0.json".to_string());
    assert!(
        root().join(&schema).is_file(),
        "{schema} is missing: run the suite with scripts/test, which fetches the official SARIF schema"
    );
    let errors = schema_errors(&schema, &log);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("controls/")
        );
    }
    assert!(
        results
            .iter()
            .any(|r| r["suppressions"][0]["status"] == "accepted"),
        "waived results carry a suppression"
    );
}

#[test]
fn report_recomputes_waiver_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("r.json").display().to_string();
    run(&example_args(&["--format", "json", "--output", &j]));
    let same = run(&["report", &j, "--format", "json", "--now", NOW]);
    let r: Value = serde_json::from_str(&same.stdout).unwrap();
    assert!(r["summary"]["by_status"]["waived"].as_u64().unwrap() > 0);
    // After the bastion waivers expire (2027-03-31), the same saved result shows failures.
    let later = run(&[
        "report",
        &j,
        "--format",
        "json",
        "--now",
        "2027-04-01T00:00:00Z",
    ]);
    let r: Value = serde_json::from_str(&later.stdout).unwrap();
    assert!(
        r["summary"]["by_status"]
            .get("waived")
            .is_none_or(|v| v == 0),
        "{}",
        r["summary"]
    );
    assert!(r["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["state"] == "expired"));
    let fw = r["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "net.firewall-only-allowed-ports")
        .unwrap();
    assert_eq!(fw["status"], "fail");
    assert_eq!(later.code, 1);
    let t = run(&[
        "report",
        &j,
        "--format",
        "table",
        "--framework",
        "soc2",
        "--now",
        NOW,
    ]);
    assert!(
        t.stdout.contains("CC6.7") && t.stdout.contains("criteria:"),
        "{}",
        t.stdout
    );
    let m = run(&[
        "report",
        &j,
        "--format",
        "markdown",
        "--framework",
        "iso27001",
        "--now",
        NOW,
    ]);
    assert!(m.stdout.contains("A.8.24"));
    let bad = run(&["report", &j, "--format", "sarif", "--framework", "soc2"]);
    assert_eq!(bad.code, 2);
}

/// One run of the CI gate: the evidence, the profile, the flags, and the verdict.
struct Gate {
    name: &'static str,
    /// The one document in the evidence folder.
    evidence: fn() -> Value,
    /// The profile, as YAML.
    profile: &'static str,
    flags: &'static [&'static str],
    code: i32,
    /// Fragments stderr must hold.
    stderr: &'static [&'static str],
}

fn good_tls() -> Value {
    tls_doc("good.example")
}

fn http_without_redirect() -> Value {
    doc(
        "http.headers",
        "https://good.example/",
        json!({"url": "https://good.example/", "status": 200, "headers": {"content-type": "text/html"}}),
    )
}

/// Each run gets a fresh folder; adding a case is adding a row.
const GATES: &[Gate] = &[
    Gate {
        name: "the gated control passes",
        evidence: good_tls,
        profile: "name: t\nselect:\n  ids: [tls.min-protocol-1-2]\n",
        flags: &[],
        code: 0,
        stderr: &[],
    },
    Gate {
        name: "a control with no evidence is not assessed, which fails the gate",
        evidence: good_tls,
        profile: "name: t\nselect:\n  ids: [tls.min-protocol-1-2, backup.recent]\n",
        flags: &[],
        code: 1,
        stderr: &["backup.recent error (high)"],
    },
    Gate {
        name: "--allow-not-assessed lets a control with no evidence pass the gate",
        evidence: good_tls,
        profile: "name: t\nselect:\n  ids: [tls.min-protocol-1-2, backup.recent]\n",
        flags: &["--allow-not-assessed"],
        code: 0,
        stderr: &[],
    },
    Gate {
        name: "a high control does not gate at --fail-on critical",
        evidence: good_tls,
        profile: "name: t\nselect:\n  ids: [tls.min-protocol-1-2, backup.recent]\n",
        flags: &["--fail-on", "critical"],
        code: 0,
        stderr: &[],
    },
    Gate {
        name: "zero controls selected fails the gate",
        evidence: good_tls,
        profile: "name: t\nselect:\n  ids: [tls.hsts]\nexclude: [tls.hsts]\n",
        flags: &["--fail-on", "none"],
        code: 1,
        stderr: &["no control was evaluated"],
    },
    Gate {
        name: "all controls not applicable fails the gate",
        evidence: http_without_redirect,
        profile: "name: t\nselect:\n  ids: [http.redirect-to-https]\n",
        flags: &[],
        code: 1,
        stderr: &["not_applicable"],
    },
];

#[test]
fn gate_passes_only_when_gated_controls_pass() {
    for g in GATES {
        let dir = tempfile::tempdir().unwrap();
        let ev = evidence(dir.path(), &[(g.evidence)()]);
        let p = profile(dir.path(), g.profile);
        let o = check(&ev, &p, g.flags);
        assert_eq!(
            o.code, g.code,
            "{}: exit {}\nstdout:\n{}\nstderr:\n{}",
            g.name, o.code, o.stdout, o.stderr
        );
        assert_contains_all(g.name, "stderr", &o.stderr, g.stderr);
    }
}

/// A catalog copy with extra controls whose rules misbehave at evaluation time.
fn broken_policy_catalog(dir: &Path) -> PathBuf {
    let cat = dir.join("catalog");
    copy_catalog(&cat);
    std::fs::write(
        cat.join("policies/broken.rego"),
        r#"package assay.broken

import rego.v1

value := 1 if count(input.evidence) > 0

value := 2 if count(input.evidence) > 0

conflict contains {"subject": d.subject, "status": "pass", "message": "never"} if {
	some d in input.evidence
	value == 1
}

bad_status contains {"subject": d.subject, "status": "passed", "message": "typo"} if {
	some d in input.evidence
}

silent contains {"subject": d.subject, "status": "pass", "message": "x"} if {
	some d in input.evidence
	d.kind == "nothing"
}
"#,
    )
    .unwrap();
    let control = |id: &str, rule: &str| {
        format!(
            "  - id: {id}\n    title: t\n    description: d\n    severity: high\n    evidence: [tls.endpoint]\n    rule: data.assay.broken.{rule}\n    max_age: 7d\n    frameworks: {{ soc2: [CC6.7] }}\n    remediation: r\n"
        )
    };
    std::fs::write(
        cat.join("controls/broken.yaml"),
        format!(
            "controls:\n{}{}{}",
            control("broken.conflict", "conflict"),
            control("broken.bad-status", "bad_status"),
            control("broken.silent", "silent")
        ),
    )
    .unwrap();
    cat
}

#[test]
fn policy_errors_are_error_results_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let cat = broken_policy_catalog(dir.path());
    let ev = evidence(dir.path(), &[tls_doc("good.example")]);
    let p = profile(dir.path(), "name: t\nselect:\n  ids: [broken.conflict, broken.bad-status, broken.silent, tls.min-protocol-1-2]\n");
    let o = check(&ev, &p, &["--catalog", path_str(&cat), "--format", "json"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    let ctl = |id: &str| control(&r, id);
    let msg = |id: &str| {
        ctl(id)["findings"][0]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(ctl("broken.conflict")["status"], "error");
    assert!(
        msg("broken.conflict").contains("policy error in data.assay.broken.conflict"),
        "{}",
        msg("broken.conflict")
    );
    assert!(
        msg("broken.conflict").contains("broken.rego"),
        "the Rego location is named: {}",
        msg("broken.conflict")
    );
    assert_eq!(ctl("broken.bad-status")["status"], "error");
    assert!(msg("broken.bad-status").contains("unknown status 'passed'"));
    assert_eq!(ctl("broken.silent")["status"], "error");
    assert!(msg("broken.silent").contains("returned no finding"));
    assert_eq!(
        ctl("tls.min-protocol-1-2")["status"],
        "pass",
        "other controls are still judged"
    );
}

#[test]
fn tampered_evidence_errors_the_controls_that_need_it() {
    let dir = tempfile::tempdir().unwrap();
    let ev = evidence(dir.path(), &[tls_doc("a.example"), tls_doc("b.example")]);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(ev.join("manifest.json")).unwrap()).unwrap();
    let path = ev.join(manifest["documents"][0]["path"].as_str().unwrap());
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"tls1_0\": false", "\"tls1_0\": true");
    std::fs::write(&path, text).unwrap();
    let p = profile(
        dir.path(),
        "name: t\nselect:\n  ids: [tls.min-protocol-1-2]\n",
    );
    let o = check(&ev, &p, &["--format", "json"]);
    assert_eq!(o.code, 1);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    let f = &r["controls"][0]["findings"];
    assert_eq!(r["controls"][0]["status"], "error");
    assert!(
        f.as_array()
            .unwrap()
            .iter()
            .any(|f| f["subject"] == "a.example:443"
                && f["message"].as_str().unwrap().contains("edited")),
        "{f}"
    );
    assert!(f
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["subject"] == "b.example:443" && f["status"] == "pass"));
    // An extra document nobody imported is a problem that fails the gate.
    std::fs::write(ev.join("tls.endpoint/extra.json"), "{}").unwrap();
    let o = check(&ev, &p, &["--format", "json"]);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(r["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["path"] == "tls.endpoint/extra.json"));
}

/// A command line `check` or `report` must refuse with exit 2 and a clear message.
struct BadInput {
    /// Split at spaces. `{ev}` stands for an evidence folder holding one document, `{dir}`
    /// for a scratch folder (which has no manifest.json), `{file}` for the path of `file`.
    args: &'static str,
    /// A file written into the scratch folder first: its name and text.
    file: Option<(&'static str, &'static str)>,
    /// Fragments stderr must hold.
    expected: &'static [&'static str],
}

/// Adding a case is adding a row.
const BAD_INPUT: &[BadInput] = &[
    BadInput {
        args: "check --evidence {dir}/missing",
        file: None,
        expected: &["not found"],
    },
    BadInput {
        args: "check --evidence {dir}",
        file: None,
        expected: &["no manifest.json"],
    },
    BadInput {
        args: "check --evidence {ev} --profile nosuchprofile",
        file: None,
        expected: &["built-in: all"],
    },
    BadInput {
        args: "check --evidence {ev} --profile {file}",
        file: Some((
            "p-unknown.yaml",
            "name: x\nselect:\n  ids: [tls.min-protocol-12]\n",
        )),
        expected: &["did you mean 'tls.min-protocol-1-2'"],
    },
    BadInput {
        args: "check --evidence {ev} --profile {file}",
        file: Some((
            "p-type.yaml",
            "name: x\nparams:\n  tls.min-grade: { min_grade: 5 }\n",
        )),
        expected: &["expected a string"],
    },
    BadInput {
        args: "check --evidence {ev} --profile {file}",
        file: Some((
            "p-param.yaml",
            "name: x\nparams:\n  tls.min-grade: { min_grad: A }\n",
        )),
        expected: &["has no param 'min_grad'"],
    },
    BadInput {
        args: "check --evidence {ev} --profile {file}",
        file: Some(("p-field.yaml", "name: x\nselcet: {}\n")),
        expected: &["unknown field `selcet`"],
    },
    BadInput {
        args: "check --evidence {ev} --waivers {file}",
        file: Some((
            "dateonly.yaml",
            "waivers:\n  - control: tls.hsts\n    subjects: \"*\"\n    reason: r\n    owner: o\n    expires: 2027-01-01\n",
        )),
        // The waiver error points at the line of the bad value.
        expected: &["RFC 3339", "dateonly.yaml:6"],
    },
    BadInput {
        args: "check --evidence {ev} --waivers {file}",
        file: Some((
            "unknownctl.yaml",
            "waivers:\n  - control: tls.hst\n    reason: r\n    owner: o\n    expires: 2027-01-01T00:00:00Z\n",
        )),
        expected: &["no control 'tls.hst'"],
    },
    BadInput {
        args: "check --evidence {ev} --waivers {file}",
        file: Some(("badyaml.yaml", "waivers: [\n")),
        expected: &["badyaml.yaml"],
    },
    BadInput {
        args: "check --evidence {ev} --write junit",
        file: None,
        expected: &["FORMAT=PATH"],
    },
    BadInput {
        args: "check --evidence {ev} --write pdf=x.pdf",
        file: None,
        expected: &["unknown format 'pdf'"],
    },
    BadInput {
        args: "check --evidence {ev} --now yesterday",
        file: None,
        expected: &["--now"],
    },
    BadInput {
        args: "report {file}",
        file: Some(("notresults.json", "{\"a\": 1}")),
        expected: &["not an assay results document"],
    },
    BadInput {
        args: "report {file}",
        file: Some(("garbage.json", "{ nope")),
        expected: &["garbage.json:1:"],
    },
    BadInput {
        args: "report {dir}/missing.json",
        file: None,
        expected: &["missing.json"],
    },
];

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let ev = evidence(dir.path(), &[tls_doc("a.example")]);
    for case in BAD_INPUT {
        let file = case
            .file
            .map(|(name, text)| write_file(dir.path(), name, text));
        let args: Vec<String> = case
            .args
            .split(' ')
            .map(|a| {
                let a = a
                    .replace("{ev}", path_str(&ev))
                    .replace("{dir}", path_str(dir.path()));
                match &file {
                    Some(f) => a.replace("{file}", path_str(f)),
                    None => a,
                }
            })
            .collect();
        assert!(
            args.iter().all(|a| !a.contains('{')),
            "{args:?}: a placeholder is left"
        );
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&a);
        assert_eq!(o.code, 2, "{args:?}: exit {} {}", o.code, o.stderr);
        assert_contains_all(&format!("{args:?}"), "stderr", &o.stderr, case.expected);
    }
}

#[test]
fn a_failed_write_leaves_nothing_behind_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let ev = evidence(dir.path(), &[tls_doc("a.example")]);
    let target = dir.path().join("no/such/dir/r.json");
    let o = run(&[
        "check",
        "--evidence",
        path_str(&ev),
        "--format",
        "json",
        "--output",
        path_str(&target),
    ]);
    assert_eq!(o.code, 2);
    assert!(!target.exists());
}

#[test]
fn a_minimal_custom_catalog_uses_the_built_in_helpers_and_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("catalog");
    write_file(
        &cat.join("policies"),
        "ours.rego",
        r#"package acme.tls

import rego.v1

import data.assay.lib

no_tls10 contains lib.fail(d.subject, "TLS 1.0 is offered") if {
	some d in lib.docs("tls.endpoint")
	d.body.protocols.tls1_0 == true
}

no_tls10 contains lib.pass(d.subject, "TLS 1.0 is off") if {
	some d in lib.docs("tls.endpoint")
	d.body.protocols.tls1_0 == false
}
"#,
    );
    write_file(
        &cat.join("controls"),
        "ours.yaml",
        "controls:\n  - id: acme.no-tls-1-0\n    title: No TLS 1.0\n    description: d\n    severity: high\n    evidence: [tls.endpoint]\n    rule: data.acme.tls.no_tls10\n    max_age: 7d\n    frameworks: { soc2: [CC6.7] }\n    remediation: r\n",
    );
    let o = run(&["catalog", "validate", "--catalog", path_str(&cat)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("1 controls valid"), "{}", o.stdout);
    let ev = evidence(dir.path(), &[tls_doc("a.example")]);
    let o = run(&[
        "check",
        "--catalog",
        path_str(&cat),
        "--evidence",
        path_str(&ev),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(control(&r, "acme.no-tls-1-0")["status"], "pass");
}
