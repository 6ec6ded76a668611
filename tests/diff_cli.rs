//! End-to-end tests of `assay diff` and `assay check|report --baseline`: two real runs of
//! the Coloom example, the second on evidence where a TLS endpoint regressed, a port was
//! closed, an unreachable endpoint answered and a new endpoint appeared; each category,
//! the exit codes, the JSON counts, the Markdown shape, waiver expiry, the run-level
//! rules under a baseline, and bad input.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_contains_all, path_str, root, run, write_file, Run};
use serde_json::Value;

const NOW: &str = "2026-11-25T06:00:00Z";
/// After the bastion waivers of examples/coloom/waivers.yaml expire (2027-03-31).
const AFTER_WAIVERS: &str = "2027-04-01T00:00:00Z";
/// When the edited documents were "collected": after the example's, before NOW.
const RECOLLECTED: &str = "2026-11-25T05:30:00Z";

/// `assay check` of the example: evidence folder, profile, Coloom's waivers, NOW.
fn check(ev: &Path, profile: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--evidence",
        path_str(ev),
        "--profile",
        path_str(profile),
        "--waivers",
        "examples/coloom/waivers.yaml",
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A raw example document (an envelope without sha256), edited and re-dated.
fn raw(name: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let p = root().join("examples/coloom/raw").join(name);
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    doc["collected_at"] = RECOLLECTED.into();
    edit(&mut doc);
    doc
}

/// The two runs every test compares.
struct Runs {
    /// The example as it is.
    old: PathBuf,
    /// The edited evidence, judged with the edited profile.
    new: PathBuf,
    new_evidence: PathBuf,
    new_profile: PathBuf,
}

/// Runs check on the example (old.json) and on a changed copy of it (new.json):
/// - api's TLS endpoint enables TLS 1.0 (tls.min-protocol-1-2: pass → fail);
/// - legacy-api closes PostgreSQL 5432 (the port controls: fail → pass);
/// - status.coloom.example, unreachable before (error), now answers with legacy-api's
///   weak configuration (error → fail, and error → pass where it is good enough);
/// - a new endpoint new.coloom.example:443 with api's good configuration (added);
/// - the profile also excludes http.security-headers (removed).
fn runs(dir: &Path) -> Runs {
    let old = dir.join("old.json");
    let o = check(
        Path::new("examples/coloom/evidence"),
        Path::new("examples/coloom/profile.yaml"),
        &["--format", "json", "--output", path_str(&old)],
    );
    assert_eq!(o.code, 1, "the example has failures: {}", o.stderr);

    let ev = dir.join("evidence");
    copy_dir(&root().join("examples/coloom/evidence"), &ev);
    let api = raw("tls.endpoint--api.json", |d| {
        d["body"]["protocols"]["tls1_0"] = true.into();
    });
    let legacy_ports = raw("net.ports--legacy-api.json", |d| {
        for p in d["body"]["ports"].as_array_mut().unwrap() {
            if p["port"] == 5432 {
                p["state"] = "closed".into();
            }
        }
    });
    let legacy_tls = raw("tls.endpoint--legacy-api.json", |_| {});
    let mut status = legacy_tls.clone();
    status["subject"] = "status.coloom.example:443".into();
    status["body"]["host"] = "status.coloom.example".into();
    let mut added = api.clone();
    added["subject"] = "new.coloom.example:443".into();
    added["body"]["host"] = "new.coloom.example".into();
    added["body"]["protocols"]["tls1_0"] = false.into();
    if let Some(c) = added["body"]["certificate"].as_object_mut() {
        c.insert("sans".into(), serde_json::json!(["new.coloom.example"]));
        c.insert("subject".into(), "CN=new.coloom.example".into());
    }
    let docs = write_file(
        dir,
        "changed.json",
        &serde_json::to_string_pretty(&[api, legacy_ports, status, added]).unwrap(),
    );
    let o = run(&[
        "evidence",
        "import",
        path_str(&docs),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "import: {}", o.stderr);

    let profile_text =
        std::fs::read_to_string(root().join("examples/coloom/profile.yaml")).unwrap();
    let profile_text = profile_text.replace(
        "exclude:\n",
        "exclude:\n  - http.security-headers   # removed between the runs\n",
    );
    assert!(profile_text.contains("http.security-headers"));
    let profile = write_file(dir, "profile.yaml", &profile_text);
    let new = dir.join("new.json");
    let o = check(
        &ev,
        &profile,
        &["--format", "json", "--output", path_str(&new)],
    );
    assert_eq!(o.code, 1, "the changed example still fails: {}", o.stderr);
    Runs {
        old,
        new,
        new_evidence: ev,
        new_profile: profile,
    }
}

fn diff(args: &[&str]) -> Run {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    run(&all)
}

fn json(o: &Run) -> Value {
    serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("diff JSON: {e}\n{}\n{}", o.stdout, o.stderr))
}

/// The `change` of the entry (control, subject), or `None` when it is not listed.
fn change_of(d: &Value, control: &str, subject: &str) -> Option<String> {
    d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["control"] == control && e["subject"] == subject)
        .map(|e| e["change"].as_str().unwrap().to_string())
}

#[track_caller]
fn assert_change(d: &Value, control: &str, subject: &str, want: &str) {
    assert_eq!(
        change_of(d, control, subject).as_deref(),
        Some(want),
        "{control} {subject}"
    );
}

#[test]
fn diff_reports_every_category_and_gates_on_new_failures() {
    let dir = tempfile::tempdir().unwrap();
    let r = runs(dir.path());
    let (old, new) = (path_str(&r.old), path_str(&r.new));

    let o = diff(&[old, new, "--format", "json", "--now", NOW]);
    assert_eq!(o.code, 1, "a new failure fails: {}", o.stderr);
    let d = json(&o);
    assert_eq!(d["schema"], "assay.diff/v1");
    assert_eq!(d["old"]["file"], old);
    assert_eq!(d["new"]["file"], new);
    assert_eq!(d["waivers_decided_at"], NOW);
    assert_eq!(
        d["warnings"],
        serde_json::json!([]),
        "same catalog and profile name"
    );

    let api = "api.coloom.example:443";
    let legacy = "legacy-api.coloom.example";
    let status = "status.coloom.example:443";
    let added = "new.coloom.example:443";
    assert_change(&d, "tls.min-protocol-1-2", api, "new_failure");
    assert_change(&d, "net.no-public-admin-database-port", legacy, "fixed");
    assert_change(&d, "net.only-allowed-ports-public", legacy, "fixed");
    assert_change(
        &d,
        "tls.min-protocol-1-2",
        "legacy-api.coloom.example:443",
        "still_failing",
    );
    assert_change(&d, "tls.min-protocol-1-2", status, "status_changed");
    assert_change(&d, "tls.cert-trusted", api, "evidence_changed");
    assert_change(&d, "tls.min-protocol-1-2", added, "added");
    assert_change(
        &d,
        "http.security-headers",
        "https://app.coloom.example/",
        "removed",
    );
    // Re-collected with the same facts: no change.
    assert_eq!(
        change_of(&d, "tls.min-protocol-1-2", "app.coloom.example:443"),
        None
    );

    let e = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["control"] == "tls.min-protocol-1-2" && e["subject"] == api)
        .unwrap();
    assert_eq!(e["old"]["status"], "pass");
    assert_eq!(e["new"]["status"], "fail");
    assert_eq!(e["severity"], "high");
    assert_eq!(e["evidence_changed"], true);
    let (was, now) = (&e["old"]["evidence"][0], &e["new"]["evidence"][0]);
    assert_eq!(was["sha256"].as_str().unwrap().len(), 64);
    assert_ne!(was["sha256"], now["sha256"]);
    let status_e = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["control"] == "tls.min-protocol-1-2" && e["subject"] == status)
        .unwrap();
    assert_eq!(
        (&status_e["old"]["status"], &status_e["new"]["status"]),
        (&"error".into(), &"fail".into())
    );

    // The counts are the entries per category, every category present.
    let counts = d["counts"].as_object().unwrap();
    for c in [
        "new_failure",
        "fixed",
        "still_failing",
        "status_changed",
        "evidence_changed",
        "added",
        "removed",
        "unchanged",
    ] {
        let listed = d["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["change"] == c)
            .count() as u64;
        let n = counts[c].as_u64().unwrap_or_else(|| panic!("no count {c}"));
        if c == "unchanged" {
            assert!(n > 0 && listed == 0, "unchanged is counted, not listed");
        } else {
            assert!(n > 0, "no {c} entry: {counts:?}");
            assert_eq!(n, listed, "{c}");
        }
    }
    // New failures first, the worst first.
    assert_eq!(d["entries"][0]["change"], "new_failure");

    // Only the new TLS failure is new, and it is high: a critical threshold passes it.
    let crit = diff(&[old, new, "--now", NOW, "--fail-on", "critical"]);
    assert_eq!(crit.code, 0, "{}{}", crit.stdout, crit.stderr);
    let none = diff(&[old, new, "--now", NOW, "--fail-on", "none"]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    let high = diff(&[old, new, "--now", NOW, "--fail-on", "high"]);
    assert_eq!(high.code, 1);
    assert_contains_all(
        "gate",
        "stderr",
        &high.stderr,
        &[
            "gate failed",
            "new failure: tls.min-protocol-1-2 api.coloom.example:443 (high, pass → fail)",
        ],
    );

    // The terminal table.
    assert_contains_all(
        "table",
        "stdout",
        &high.stdout,
        &[
            "new failure",
            "tls.min-protocol-1-2",
            "pass → fail",
            "still failing",
            "evidence changed",
            "removed",
            "unchanged",
        ],
    );

    // Unchanged: the same run against itself.
    let same = diff(&[old, old, "--format", "json", "--now", NOW]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    let s = json(&same);
    assert!(
        s["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["change"] == "still_failing"),
        "against itself only the failures are listed, as still failing"
    );
    assert_eq!(s["counts"]["new_failure"], 0);
}

#[test]
fn markdown_is_a_compact_pull_request_comment() {
    let dir = tempfile::tempdir().unwrap();
    let r = runs(dir.path());
    let md = dir.path().join("comment.md");
    let o = diff(&[
        path_str(&r.old),
        path_str(&r.new),
        "--format",
        "md",
        "--now",
        NOW,
        "--output",
        path_str(&md),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.is_empty(), "--output leaves stdout empty");
    assert!(o.stderr.contains("1 new failure"), "{}", o.stderr);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.starts_with("### ❌ assay: **1 new failure** · "),
        "{text}"
    );
    let pos = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("no {s:?} in:\n{text}"))
    };
    let order = [
        pos("#### New failures (1)"),
        pos("| high | `tls.min-protocol-1-2` | `api.coloom.example:443` | ✅ pass → ❌ fail |"),
        pos("#### Fixed ("),
        pos("`net.no-public-admin-database-port` | `legacy-api.coloom.example`"),
        pos("<details><summary>Still failing ("),
        pos("</details>"),
        pos("<details><summary>Other changes ("),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{text}");
    assert!(text.contains("| status changed | "), "{text}");
    assert!(text.contains("| evidence changed | "), "{text}");
    assert!(text.trim_end().ends_with("</details>"), "{text}");

    // Nothing new: a green headline and no failure table.
    let o = diff(&[
        path_str(&r.old),
        path_str(&r.old),
        "--format",
        "markdown",
        "--now",
        NOW,
    ]);
    assert_eq!(o.code, 0);
    assert!(
        o.stdout
            .starts_with("### ✅ assay: 0 new failures · 0 fixed"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("####"), "{}", o.stdout);
}

#[test]
fn a_waiver_that_expired_since_the_baseline_is_a_new_failure() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let o = check(
        Path::new("examples/coloom/evidence"),
        Path::new("examples/coloom/profile.yaml"),
        &["--format", "json", "--output", path_str(&old)],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    // The same saved run, its waivers re-decided after they expired.
    let o = diff(&[
        path_str(&old),
        path_str(&old),
        "--format",
        "json",
        "--now",
        AFTER_WAIVERS,
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let d = json(&o);
    let e = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["control"] == "net.firewall-only-allowed-ports"
                && e["subject"] == "bastion.coloom.example"
        })
        .unwrap_or_else(|| panic!("no bastion entry: {d:#}"));
    assert_eq!(e["change"], "new_failure");
    assert_eq!(e["old"]["status"], "waived");
    assert_eq!(e["new"]["status"], "fail");
    assert_eq!(e["new"]["expired_waiver"]["owner"], "ops@coloom.example");
    assert!(o
        .stderr
        .contains("net.firewall-only-allowed-ports bastion.coloom.example"));
    // While the waivers hold, nothing is new.
    let o = diff(&[path_str(&old), path_str(&old), "--now", NOW]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("0 new failures, 0 fixed, "),
        "{}",
        o.stdout
    );
}

#[test]
fn check_with_a_baseline_gates_only_on_new_failures() {
    let dir = tempfile::tempdir().unwrap();
    let r = runs(dir.path());
    let baseline = path_str(&r.old);

    // The example again: it fails, but nothing is new.
    let o = check(
        Path::new("examples/coloom/evidence"),
        Path::new("examples/coloom/profile.yaml"),
        &["--baseline", baseline],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("tls.min-protocol-1-2"),
        "the report is unchanged"
    );
    assert_contains_all(
        "unchanged",
        "stderr",
        &o.stderr,
        &["compared with the baseline", "0 new failures, 0 fixed"],
    );

    // The changed evidence: one new failure, named.
    let o = check(&r.new_evidence, &r.new_profile, &["--baseline", baseline]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_contains_all(
        "new failure",
        "stderr",
        &o.stderr,
        &[
            "1 new failure",
            "gate failed",
            "new failure: tls.min-protocol-1-2 api.coloom.example:443 (high, pass → fail)",
        ],
    );
    assert!(
        !o.stderr.contains("legacy-api"),
        "still failing is not gated: {}",
        o.stderr
    );
    let o = check(
        &r.new_evidence,
        &r.new_profile,
        &["--baseline", baseline, "--fail-on", "critical"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);

    // `report` gates a saved run the same way.
    let o = run(&[
        "report",
        path_str(&r.new),
        "--baseline",
        baseline,
        "--now",
        NOW,
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("new failure: tls.min-protocol-1-2"));
    let o = run(&["report", baseline, "--baseline", baseline, "--now", NOW]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(&[
        "report",
        baseline,
        "--baseline",
        baseline,
        "--now",
        AFTER_WAIVERS,
    ]);
    assert_eq!(o.code, 1, "expired waivers are new failures: {}", o.stderr);
}

#[test]
fn a_baseline_never_excuses_an_empty_run() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let o = check(
        Path::new("examples/coloom/evidence"),
        Path::new("examples/coloom/profile.yaml"),
        &["--format", "json", "--output", path_str(&old)],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let baseline = path_str(&old);

    // An evidence folder with no documents: every control is "not assessed", new errors.
    let empty = dir.path().join("empty");
    write_file(
        &empty,
        "manifest.json",
        r#"{"schema": "assay.manifest/v1", "documents": []}"#,
    );
    let o = check(
        &empty,
        Path::new("examples/coloom/profile.yaml"),
        &["--baseline", baseline],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_contains_all(
        "empty folder",
        "stderr",
        &o.stderr,
        &["new failure: ", "(high, absent → error)"],
    );

    // No control selected: the gate fails whatever the baseline and --fail-on say, and
    // the different profile is warned about.
    let nothing = write_file(
        dir.path(),
        "nothing.yaml",
        "name: nothing\nselect:\n  ids: [tls.hsts]\nexclude: [tls.hsts]\n",
    );
    let o = check(
        &empty,
        &nothing,
        &["--baseline", baseline, "--fail-on", "none"],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_contains_all(
        "zero controls",
        "stderr",
        &o.stderr,
        &[
            "no control was evaluated",
            "warning:",
            "used profile 'coloom' and this run used profile 'nothing'",
        ],
    );

    // `assay diff` holds the new run to the same rules, and says why.
    let zero = dir.path().join("zero.json");
    let o = check(
        &empty,
        &nothing,
        &["--format", "json", "--output", path_str(&zero)],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let o = diff(&[
        baseline,
        path_str(&zero),
        "--format",
        "json",
        "--fail-on",
        "none",
        "--now",
        NOW,
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let d = json(&o);
    assert_eq!(d["counts"]["new_failure"], 0);
    assert!(d["counts"]["removed"].as_u64().unwrap() > 0);
    assert_eq!(
        d["counts"]["fixed"], 0,
        "nothing evaluated is nothing fixed"
    );
    assert!(
        d["run_failures"][0]
            .as_str()
            .unwrap()
            .starts_with("no control was evaluated"),
        "{d:#}"
    );
    assert!(
        o.stderr.contains("no control was evaluated"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("warning: "), "{}", o.stderr);
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = d.join("good.json");
    let o = check(
        Path::new("examples/coloom/evidence"),
        Path::new("examples/coloom/profile.yaml"),
        &["--format", "json", "--output", path_str(&good)],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let good_text = std::fs::read_to_string(&good).unwrap();
    let bad_status = good_text.replacen("\"status\": \"fail\"", "\"status\": \"broken\"", 1);
    let bad_status_line = bad_status
        .lines()
        .position(|l| l.contains("broken"))
        .unwrap()
        + 1;
    let diff_doc = diff(&[path_str(&good), path_str(&good), "--format", "json"]).stdout;
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "garbage.json",
            "{ nope".into(),
            vec!["garbage.json:1:".into()],
        ),
        ("empty.json", String::new(), vec!["empty.json:1:0:".into()]),
        (
            "array.json",
            "[1, 2]".into(),
            vec!["array.json: not an assay results document: the document is an array".into()],
        ),
        (
            "noschema.json",
            r#"{"controls": []}"#.into(),
            vec!["noschema.json: not an assay results document: no \"schema\" field".into()],
        ),
        (
            "diff.json",
            diff_doc,
            vec![
                "diff.json: schema 'assay.diff/v1' is not supported (expected 'assay.results/v1')"
                    .into(),
            ],
        ),
        (
            "evidence.json",
            std::fs::read_to_string(root().join("examples/coloom/raw/tls.endpoint--api.json"))
                .unwrap(),
            vec!["evidence.json: schema 'assay.evidence/v1' is not supported".into()],
        ),
        (
            "badstatus.json",
            bad_status,
            vec![
                format!("badstatus.json:{bad_status_line}:"),
                "unknown variant `broken`".into(),
            ],
        ),
        (
            "missingfield.json",
            r#"{"schema": "assay.results/v1", "tool": {"name": "assay", "version": "0"}}"#.into(),
            vec!["missingfield.json:1:".into(), "missing field".into()],
        ),
        (
            "badtime.json",
            good_text.replacen(
                &format!("\"evaluated_at\": \"{NOW}\""),
                "\"evaluated_at\": \"yesterday\"",
                1,
            ),
            vec!["badtime.json: evaluated_at: 'yesterday' is not an RFC 3339 instant".into()],
        ),
    ];
    for (name, text, expected) in &cases {
        let f = write_file(d, name, text);
        for args in [
            vec!["diff", path_str(&f), path_str(&good)],
            vec![
                "diff",
                path_str(&good),
                path_str(&f),
                "--format",
                "markdown",
            ],
            vec![
                "check",
                "--evidence",
                "examples/coloom/evidence",
                "--baseline",
                path_str(&f),
            ],
            vec!["report", path_str(&f)],
        ] {
            let o = run(&args);
            assert_eq!(o.code, 2, "{args:?}: exit {}\n{}", o.code, o.stderr);
            assert!(
                o.stdout.is_empty(),
                "{args:?}: nothing is reported:\n{}",
                o.stdout
            );
            assert_contains_all(&format!("{args:?}"), "stderr", &o.stderr, expected);
        }
    }
    let missing = d.join("missing.json");
    for args in [
        vec!["diff", path_str(&missing), path_str(&good)],
        vec!["diff", path_str(&good), path_str(&missing)],
        vec![
            "check",
            "--evidence",
            "examples/coloom/evidence",
            "--baseline",
            path_str(&missing),
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert_contains_all(
            &format!("{args:?}"),
            "stderr",
            &o.stderr,
            &[&format!("{}: cannot read", missing.display())],
        );
    }
    for (args, expected) in [
        (
            vec![
                "diff",
                path_str(&good),
                path_str(&good),
                "--format",
                "junit",
            ],
            "unknown format 'junit' (expected table, json or markdown)",
        ),
        (
            vec![
                "diff",
                path_str(&good),
                path_str(&good),
                "--now",
                "tomorrow",
            ],
            "--now",
        ),
        (
            vec![
                "diff",
                path_str(&good),
                path_str(&good),
                "--fail-on",
                "severe",
            ],
            "unknown severity 'severe'",
        ),
        (vec!["diff", path_str(&good)], "NEW"),
    ] {
        let o = run(&args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(expected), "{args:?}: {}", o.stderr);
    }
}
