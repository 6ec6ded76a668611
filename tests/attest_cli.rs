//! `assay attest` end to end: an attestation written by the CLI makes a manual control
//! `attested` (not `pass`) until it expires, then `fail`; measured controls, past expiries
//! and unreadable proof files are refused with a message naming what was wrong.

mod common;

use common::check::{control, results};
use common::{path_str, run, write_file};

fn profile(dir: &std::path::Path) -> std::path::PathBuf {
    write_file(
        dir,
        "p.yaml",
        "name: t\nselect:\n  ids: [org.security-training, org.background-screening]\n",
    )
}

#[test]
fn an_attestation_makes_a_manual_control_attested_not_pass() {
    let t = tempfile::tempdir().unwrap();
    let proof = write_file(t.path(), "training-2026.pdf", "16 of 16 completed\n");
    let ev = t.path().join("ev");
    let o = run(&[
        "attest",
        "org.security-training",
        "--by",
        "Maria Krause, MD",
        "--statement",
        "All 16 staff completed the 2026 security training",
        "--file",
        path_str(&proof),
        "--expires",
        "2099-06-30",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("attested until 2099-07-01T00:00:00Z"),
        "{}",
        o.stdout
    );
    let docs = common::bodies(&ev, "attestation");
    assert_eq!(docs.len(), 1);
    let body = &docs[0].1;
    assert_eq!(body["proof"]["file"], "training-2026.pdf");
    assert_eq!(body["proof"]["bytes"], 19);
    assert_eq!(
        body["proof"]["sha256"].as_str().unwrap().len(),
        64,
        "{body}"
    );
    // The evidence folder verifies: the document is hashed and in the manifest.
    let v = run(&["evidence", "verify", path_str(&ev)]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);

    let p = profile(t.path());
    let r = results(&ev, Some(&p), None);
    let (status, findings) = control(&r, "org.security-training");
    assert_eq!(status, "attested", "{findings:?}");
    // Without an attestation a manual control stays manual, never pass.
    assert_eq!(control(&r, "org.background-screening").0, "manual");
    assert_eq!(r["summary"]["by_status"]["attested"], 1, "{}", r["summary"]);
    assert!(r["summary"]["by_status"].get("pass").is_none());

    // JUnit: a passing test case that says it was attested, not tested.
    let j = run(&[
        "check",
        "--evidence",
        path_str(&ev),
        "--profile",
        path_str(&p),
        "--format",
        "junit",
    ]);
    assert!(
        j.stdout
            .contains("<system-out>attested, not tested: attested by Maria Krause, MD"),
        "{}",
        j.stdout
    );
    assert!(!j.stdout.contains("<failure"), "{}", j.stdout);
}

#[test]
fn an_expired_attestation_fails() {
    let t = tempfile::tempdir().unwrap();
    let ev = t.path().join("ev");
    // Valid for 30 days from now (the control accepts evidence up to 400 days old).
    let until = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let o = run(&[
        "attest",
        "org.security-training",
        "--by",
        "HR lead",
        "--statement",
        "Everyone trained",
        "--expires",
        &until,
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let p = profile(t.path());
    let day_after = format!("{until}T00:00:01Z");
    let day_after =
        chrono::DateTime::parse_from_rfc3339(&day_after).unwrap() + chrono::Duration::days(1);
    let r = results(&ev, Some(&p), Some(&day_after.to_rfc3339()));
    let (status, findings) = control(&r, "org.security-training");
    assert_eq!(status, "fail", "{findings:?}");
    assert!(findings[0].1.contains("expired"), "{findings:?}");
}

#[test]
fn refuses_what_an_attestation_cannot_prove() {
    let t = tempfile::tempdir().unwrap();
    let ev = t.path().join("ev");
    let ev_s = path_str(&ev).to_string();
    let attest = |control: &str, expires: &str, extra: &[&str]| {
        let mut args = vec![
            "attest",
            control,
            "--by",
            "CISO",
            "--statement",
            "done",
            "--expires",
            expires,
            "--into",
            &ev_s,
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let cases: [(&str, &str, &[&str], &str); 5] = [
        (
            "tls.min-grade",
            "2099-01-01",
            &[],
            "is not a manual control",
        ),
        (
            "org.nope",
            "2099-01-01",
            &[],
            "there is no control 'org.nope'",
        ),
        (
            "org.security-training",
            "2020-01-01",
            &[],
            "is not after now",
        ),
        (
            "org.security-training",
            "31.12.2099",
            &[],
            "--expires '31.12.2099'",
        ),
        (
            "org.security-training",
            "2099-01-01",
            &["--file", "/nonexistent/proof.pdf"],
            "/nonexistent/proof.pdf: cannot read the proof file",
        ),
    ];
    for (control, expires, extra, expected) in cases {
        let o = attest(control, expires, extra);
        assert_eq!(o.code, 2, "{control} {expires}: {}", o.stderr);
        assert!(o.stderr.contains(expected), "{control}: {}", o.stderr);
    }
    assert!(!ev.exists(), "nothing is written when refused");
}
