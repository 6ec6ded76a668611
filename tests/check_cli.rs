//! End-to-end tests of `assay check` and `assay report`: every output format, the
//! honest-verdict rules, the CI gate, waivers, determinism, and bad input.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

const NOW: &str = "2026-11-25T06:00:00Z";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn assay(args: &[&str]) -> Out {
    assay_env(args, &[])
}

fn assay_env(args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assay"));
    cmd.args(args).current_dir(root()).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("run assay");
    let out = Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(
        !out.stderr.contains("panicked"),
        "assay panicked: {}",
        out.stderr
    );
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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
    let o = assay(&example_args(&["--format", "json"]));
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

fn tls_body(host: &str, tls1_0: bool) -> Value {
    json!({
        "host": host, "port": 443,
        "protocols": {"ssl3": false, "tls1_0": tls1_0, "tls1_1": false, "tls1_2": true, "tls1_3": true},
        "cipher_suites": [{"name": "TLS_AES_128_GCM_SHA256", "protocol": "tls1_3", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": 128}],
        "certificate": {"subject": format!("CN={host}"), "sans": [host], "issuer": "CN=R3", "not_before": "2026-10-01T00:00:00Z",
            "not_after": "2027-01-01T00:00:00Z", "key_type": "EC", "key_bits": 256, "signature_algorithm": "ecdsa-with-SHA256",
            "trusted": true, "hostname_match": true, "chain_complete": true, "self_signed": false},
        "hsts": {"max_age": 31536000, "include_subdomains": true, "preload": false},
    })
}

/// Imports `docs` into a fresh evidence folder under `dir`.
fn evidence(dir: &Path, docs: &[Value]) -> PathBuf {
    let raw = dir.join("raw.json");
    std::fs::write(&raw, serde_json::to_string(&docs).unwrap()).unwrap();
    let ev = dir.join("evidence");
    let o = assay(&[
        "evidence",
        "import",
        raw.to_str().unwrap(),
        "--into",
        ev.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    ev
}

fn profile(dir: &Path, yaml: &str) -> PathBuf {
    let p = dir.join("profile.yaml");
    std::fs::write(&p, yaml).unwrap();
    p
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
    let ctl = |id: &str| {
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap()
    };
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
    let t = assay(&example_args(&[]));
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
    let a = assay(&example_args(&["--format", "json"]));
    let b = assay_env(
        &example_args(&["--format", "json"]),
        &[("RAYON_NUM_THREADS", "1")],
    );
    assert_eq!(
        without_generated_at(&a.stdout),
        without_generated_at(&b.stdout)
    );
    let c = assay(&example_args(&["--format", "sarif"]));
    let d = assay(&example_args(&["--format", "sarif"]));
    assert_eq!(c.stdout, d.stdout);
}

#[test]
fn results_json_matches_its_documented_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/results.schema.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).expect("schema compiles");
    let r = example_json();
    let errors: Vec<String> = v
        .iter_errors(&r)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
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
    let o = assay(&example_args(&[
        "--format", "json", "--output", &j, "--write", &w[0], "--write", &w[1], "--write", &w[2],
    ]));
    assert_eq!(o.code, 1);
    assert!(o.stdout.is_empty(), "stdout must be empty with --output");
    assert!(o.stderr.contains("36 controls:"), "{}", o.stderr);
    for f in [&j, &x, &s, &m] {
        assert!(Path::new(f).is_file(), "{f} missing");
    }
    // `report` re-renders the saved result to the same bytes as the run wrote.
    let again = assay(&["report", &j, "--format", "junit", "--now", NOW]);
    assert_eq!(again.stdout, std::fs::read_to_string(&x).unwrap());
    let md = std::fs::read_to_string(&m).unwrap();
    assert!(
        md.starts_with("# assay compliance report")
            && md.contains("## Waivers")
            && md.contains("tls.min-protocol-1-2")
    );
}

#[test]
fn junit_has_the_surefire_shape() {
    use quick_xml::events::Event;
    let r = example_json();
    let o = assay(&example_args(&["--format", "junit"]));
    let mut reader = quick_xml::Reader::from_str(&o.stdout);
    let (mut suites, mut cases, mut failures, mut errors, mut skipped) = (0, 0, 0, 0, 0);
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
                match name.as_str() {
                    "testsuites" => root_attrs = attrs,
                    "testsuite" => {
                        suites += 1;
                        assert!(attrs.contains_key("name") && attrs.contains_key("tests"));
                    }
                    "testcase" => {
                        cases += 1;
                        assert!(attrs.contains_key("classname") && attrs.contains_key("name"));
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
    assert_eq!(root_attrs["skipped"], skipped.to_string());
    assert!(failures > 0 && errors > 0 && skipped > 0);
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).expect("SARIF schema compiles");
    let o = assay(&example_args(&["--format", "sarif"]));
    let log: Value = serde_json::from_str(&o.stdout).unwrap();
    let errors: Vec<String> = v
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
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
    assay(&example_args(&["--format", "json", "--output", &j]));
    let same = assay(&["report", &j, "--format", "json", "--now", NOW]);
    let r: Value = serde_json::from_str(&same.stdout).unwrap();
    assert!(r["summary"]["by_status"]["waived"].as_u64().unwrap() > 0);
    // After the bastion waivers expire (2027-03-31), the same saved result shows failures.
    let later = assay(&[
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
    let t = assay(&[
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
    let m = assay(&[
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
    let bad = assay(&["report", &j, "--format", "sarif", "--framework", "soc2"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn gate_passes_only_when_gated_controls_pass() {
    let dir = tempfile::tempdir().unwrap();
    let ev = evidence(
        dir.path(),
        &[doc(
            "tls.endpoint",
            "good.example:443",
            tls_body("good.example", false),
        )],
    );
    let ev = ev.to_str().unwrap();
    let only = |ids: &str| profile(dir.path(), &format!("name: t\nselect:\n  ids: [{ids}]\n"));
    let p = only("tls.min-protocol-1-2");
    let o = assay(&[
        "check",
        "--evidence",
        ev,
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // A control with no evidence: not assessed fails the gate unless allowed.
    let p = only("tls.min-protocol-1-2, backup.recent");
    let o = assay(&[
        "check",
        "--evidence",
        ev,
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("backup.recent error (high)"),
        "{}",
        o.stderr
    );
    let o = assay(&[
        "check",
        "--evidence",
        ev,
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
        "--allow-not-assessed",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = assay(&[
        "check",
        "--evidence",
        ev,
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
        "--fail-on",
        "critical",
    ]);
    assert_eq!(
        o.code, 0,
        "a high control does not gate at --fail-on critical"
    );
    // Zero controls selected fails the gate.
    let p = profile(
        dir.path(),
        "name: t\nselect:\n  ids: [tls.hsts]\nexclude: [tls.hsts]\n",
    );
    let o = assay(&[
        "check",
        "--evidence",
        ev,
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("no control was evaluated"),
        "{}",
        o.stderr
    );
}

#[test]
fn all_not_applicable_fails_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let body = json!({"url": "https://good.example/", "status": 200, "headers": {"content-type": "text/html"}});
    let ev = evidence(
        dir.path(),
        &[doc("http.headers", "https://good.example/", body)],
    );
    let p = profile(
        dir.path(),
        "name: t\nselect:\n  ids: [http.redirect-to-https]\n",
    );
    let o = assay(&[
        "check",
        "--evidence",
        ev.to_str().unwrap(),
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stderr.contains("not_applicable"), "{}", o.stderr);
}

/// A catalog copy with extra controls whose rules misbehave at evaluation time.
fn broken_policy_catalog(dir: &Path) -> PathBuf {
    let cat = dir.join("catalog");
    for sub in ["controls", "policies"] {
        std::fs::create_dir_all(cat.join(sub)).unwrap();
        for e in std::fs::read_dir(root().join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), cat.join(sub).join(e.file_name())).unwrap();
        }
    }
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
    let ev = evidence(
        dir.path(),
        &[doc(
            "tls.endpoint",
            "good.example:443",
            tls_body("good.example", false),
        )],
    );
    let p = profile(dir.path(), "name: t\nselect:\n  ids: [broken.conflict, broken.bad-status, broken.silent, tls.min-protocol-1-2]\n");
    let o = assay(&[
        "check",
        "--catalog",
        cat.to_str().unwrap(),
        "--evidence",
        ev.to_str().unwrap(),
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    let ctl = |id: &str| {
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap()
    };
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
    let ev = evidence(
        dir.path(),
        &[
            doc(
                "tls.endpoint",
                "a.example:443",
                tls_body("a.example", false),
            ),
            doc(
                "tls.endpoint",
                "b.example:443",
                tls_body("b.example", false),
            ),
        ],
    );
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
    let o = assay(&[
        "check",
        "--evidence",
        ev.to_str().unwrap(),
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
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
    let o = assay(&[
        "check",
        "--evidence",
        ev.to_str().unwrap(),
        "--profile",
        p.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(r["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["path"] == "tls.endpoint/extra.json"));
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let ev = evidence(
        dir.path(),
        &[doc(
            "tls.endpoint",
            "a.example:443",
            tls_body("a.example", false),
        )],
    );
    let ev = ev.to_str().unwrap().to_string();
    std::fs::write(d("dateonly.yaml"), "waivers:\n  - control: tls.hsts\n    subjects: \"*\"\n    reason: r\n    owner: o\n    expires: 2027-01-01\n").unwrap();
    std::fs::write(d("unknownctl.yaml"), "waivers:\n  - control: tls.hst\n    reason: r\n    owner: o\n    expires: 2027-01-01T00:00:00Z\n").unwrap();
    std::fs::write(d("badyaml.yaml"), "waivers: [\n").unwrap();
    std::fs::write(
        d("p-unknown.yaml"),
        "name: x\nselect:\n  ids: [tls.min-protocol-12]\n",
    )
    .unwrap();
    std::fs::write(
        d("p-type.yaml"),
        "name: x\nparams:\n  tls.min-grade: { min_grade: 5 }\n",
    )
    .unwrap();
    std::fs::write(
        d("p-param.yaml"),
        "name: x\nparams:\n  tls.min-grade: { min_grad: A }\n",
    )
    .unwrap();
    std::fs::write(d("p-field.yaml"), "name: x\nselcet: {}\n").unwrap();
    std::fs::write(d("notresults.json"), "{\"a\": 1}").unwrap();
    std::fs::write(d("garbage.json"), "{ nope").unwrap();
    let s = |p: PathBuf| p.display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["check".into(), "--evidence".into(), s(d("missing"))],
            "not found",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                s(dir.path().to_path_buf()),
            ],
            "no manifest.json",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--profile".into(),
                "nosuchprofile".into(),
            ],
            "built-in: all",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--profile".into(),
                s(d("p-unknown.yaml")),
            ],
            "did you mean 'tls.min-protocol-1-2'",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--profile".into(),
                s(d("p-type.yaml")),
            ],
            "expected a string",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--profile".into(),
                s(d("p-param.yaml")),
            ],
            "has no param 'min_grad'",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--profile".into(),
                s(d("p-field.yaml")),
            ],
            "unknown field `selcet`",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--waivers".into(),
                s(d("dateonly.yaml")),
            ],
            "RFC 3339",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--waivers".into(),
                s(d("unknownctl.yaml")),
            ],
            "no control 'tls.hst'",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--waivers".into(),
                s(d("badyaml.yaml")),
            ],
            "badyaml.yaml",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--write".into(),
                "junit".into(),
            ],
            "FORMAT=PATH",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--write".into(),
                "pdf=x.pdf".into(),
            ],
            "unknown format 'pdf'",
        ),
        (
            vec![
                "check".into(),
                "--evidence".into(),
                ev.clone(),
                "--now".into(),
                "yesterday".into(),
            ],
            "--now",
        ),
        (
            vec!["report".into(), s(d("notresults.json"))],
            "not an assay results document",
        ),
        (
            vec!["report".into(), s(d("garbage.json"))],
            "garbage.json:1:",
        ),
        (vec!["report".into(), s(d("missing.json"))], "missing.json"),
    ];
    for (args, want) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = assay(&a);
        assert_eq!(o.code, 2, "{args:?}: exit {} {}", o.code, o.stderr);
        assert!(
            o.stderr.contains(want),
            "{args:?}: expected {want:?} in {}",
            o.stderr
        );
    }
    // The waiver error points at the line of the bad value.
    let o = assay(&[
        "check",
        "--evidence",
        &ev,
        "--waivers",
        &s(d("dateonly.yaml")),
    ]);
    assert!(o.stderr.contains("dateonly.yaml:6"), "{}", o.stderr);
    // A failed write leaves nothing behind and exits 2.
    let target = d("no/such/dir/r.json");
    let o = assay(&[
        "check",
        "--evidence",
        &ev,
        "--format",
        "json",
        "--output",
        &s(target.clone()),
    ]);
    assert_eq!(o.code, 2);
    assert!(!target.exists());
}
