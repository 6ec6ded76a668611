//! End-to-end tests of the evidence folder through the real binary: `assay evidence
//! import`, `list` and `verify`.
//!
//! Import is all-or-nothing: every invalid input must exit 2 with a message that names
//! the file and what is wrong, and leave the target folder byte-for-byte as it was (or
//! not create it). Verify must notice every change made behind assay's back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{json, Value};
use tempfile::TempDir;

fn assay() -> Command {
    let mut cmd = Command::cargo_bin("assay").expect("the assay binary is built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// What a finished command printed.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = assay().args(args).output().expect("assay runs");
    let r = Run {
        code: out.status.code().expect("exited with a code, not a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "assay panicked:\n{}",
        r.stderr
    );
    r
}

fn s(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// A valid `tls.endpoint` document (see schemas/evidence/tls.endpoint.schema.json).
fn tls_doc(host: &str) -> Value {
    json!({
        "schema": "assay.evidence/v1",
        "kind": "tls.endpoint",
        "subject": format!("{host}:443"),
        "collected_at": "2026-11-25T03:00:00Z",
        "collector": { "name": "assay-tls", "version": "0.1.0" },
        "source": "probe",
        "body": {
            "host": host,
            "port": 443,
            "address": "192.0.2.10",
            "protocols": { "ssl3": false, "tls1_0": false, "tls1_1": false, "tls1_2": true, "tls1_3": true },
            "cipher_suites": [
                { "name": "TLS_AES_128_GCM_SHA256", "protocol": "tls1_3", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": 128 },
                { "name": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "protocol": "tls1_2", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": 256 }
            ],
            "dh_bits": null,
            "certificate": {
                "subject": format!("CN={host}"),
                "sans": [host],
                "issuer": "CN=R11, O=Let's Encrypt, C=US",
                "not_before": "2026-10-01T00:00:00Z",
                "not_after": "2026-12-30T00:00:00Z",
                "key_type": "EC",
                "key_bits": 256,
                "signature_algorithm": "sha256WithRSAEncryption",
                "trusted": true,
                "hostname_match": true,
                "chain_complete": true,
                "self_signed": false
            },
            "grade": { "grade": "A", "score": 92, "caps": [] },
            "hsts": { "max_age": 31536000, "include_subdomains": true, "preload": false }
        }
    })
}

/// A valid `backup.snapshots` document, collected at a non-UTC offset.
fn backup_doc() -> Value {
    json!({
        "schema": "assay.evidence/v1",
        "kind": "backup.snapshots",
        "subject": "s3:backups.example.com/pg-main",
        "collected_at": "2026-11-25T04:30:00+01:00",
        "collector": { "name": "restic", "version": "0.17.3" },
        "source": "import:restic",
        "body": {
            "repository": "s3:backups.example.com/pg-main",
            "tool": "restic",
            "encrypted": true,
            "location": { "country": "DE", "region": "fsn1" },
            "snapshots": [
                { "id": "4f2a9c1e", "time": "2026-11-24T02:00:00Z", "paths": ["/var/lib/postgresql"], "size_bytes": 1048576 },
                { "id": "9b3e7d20", "time": "2026-11-25T02:00:00Z", "paths": ["/var/lib/postgresql"], "size_bytes": 1050000 }
            ],
            "retention": { "keep_daily": 7, "keep_weekly": 4, "keep_monthly": 12, "keep_within_days": null },
            "restore_tests": [ { "time": "2026-11-20T10:00:00Z", "success": true, "snapshot": "4f2a9c1e" } ]
        }
    })
}

/// A scratch folder with input files and a place for evidence folders.
struct Scratch {
    dir: TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `text` to `rel` and returns its path.
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Writes a document as pretty JSON.
    fn doc(&self, rel: &str, doc: &Value) -> PathBuf {
        self.write(rel, &(serde_json::to_string_pretty(doc).unwrap() + "\n"))
    }

    /// The two valid input documents.
    fn good_inputs(&self) -> Vec<PathBuf> {
        vec![
            self.doc("tls.json", &tls_doc("app.example.com")),
            self.doc("backup.json", &backup_doc()),
        ]
    }

    /// An evidence folder holding the two valid documents.
    fn populated(&self, rel: &str) -> PathBuf {
        let ev = self.path(rel);
        let r = import(&self.good_inputs(), &ev);
        assert_eq!(r.code, 0, "setup import failed:\n{}", r.stderr);
        ev
    }
}

fn import<P: AsRef<Path>>(files: &[P], into: &Path) -> Run {
    let mut args = vec!["evidence", "import"];
    args.extend(files.iter().map(|p| s(p.as_ref())));
    args.extend(["--into", s(into)]);
    run(&args)
}

/// Every file below `dir` with its bytes (empty when `dir` does not exist).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.insert(p.clone(), Vec::new());
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn manifest(ev: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(ev.join("manifest.json")).unwrap()).unwrap()
}

/// Paths of the manifest's documents, by kind.
fn manifest_path(ev: &Path, kind: &str) -> String {
    manifest(ev)["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in the manifest"))["path"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Imports `bad` (with any `good` files before it) into a fresh folder and into a folder
/// that already holds documents; both must be refused with exit 2, name every `expected`
/// fragment, say nothing was imported, and leave the disk untouched.
fn assert_rejected<P: AsRef<Path>>(sc: &Scratch, files: &[P], expected: &[String]) -> String {
    let fresh = sc.path("fresh-ev");
    let r = import(files, &fresh);
    assert_eq!(
        r.code, 2,
        "fresh folder: expected exit 2\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    assert!(
        !fresh.exists(),
        "a refused import created {}",
        fresh.display()
    );

    let ev = sc.populated("ev");
    let before = snapshot(&ev);
    let r2 = import(files, &ev);
    assert_eq!(
        r2.code, 2,
        "existing folder: expected exit 2\nstdout:\n{}\nstderr:\n{}",
        r2.stdout, r2.stderr
    );
    assert_eq!(snapshot(&ev), before, "a refused import changed the folder");
    std::fs::remove_dir_all(&ev).unwrap();

    for r in [&r, &r2] {
        for e in expected {
            assert!(
                r.stderr.contains(e.as_str()),
                "stderr lacks {e:?}:\n{}",
                r.stderr
            );
        }
        assert!(r.stderr.contains("nothing was imported"), "{}", r.stderr);
        assert!(!r.stdout.contains("added"), "{}", r.stdout);
    }
    r.stderr
}

// ---------------------------------------------------------------------------------------
// import, list, verify: the happy path
// ---------------------------------------------------------------------------------------

#[test]
fn import_valid_documents_writes_folder_and_manifest() {
    let sc = Scratch::new();
    let ev = sc.path("ev");
    let r = import(&sc.good_inputs(), &ev);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("2 added, 0 unchanged, into {}", ev.display())),
        "{}",
        r.stdout
    );

    let m = manifest(&ev);
    assert_eq!(m["schema"], "assay.manifest/v1");
    let docs = m["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    let paths: Vec<&str> = docs.iter().map(|d| d["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "the manifest is sorted by path");

    let backup = docs
        .iter()
        .find(|d| d["kind"] == "backup.snapshots")
        .unwrap();
    assert_eq!(backup["subject"], "s3:backups.example.com/pg-main");
    assert_eq!(
        backup["collected_at"], "2026-11-25T03:30:00Z",
        "collected_at is kept in UTC"
    );
    for d in docs {
        let path = d["path"].as_str().unwrap();
        assert!(
            path.starts_with(&format!("{}/", d["kind"].as_str().unwrap())),
            "{path}"
        );
        assert!(
            r.stdout.contains(&format!("added     {path}")),
            "{}",
            r.stdout
        );
        for key in ["sha256", "file_sha256"] {
            let h = d[key].as_str().unwrap();
            assert!(
                h.len() == 64
                    && h.bytes()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{key}: {h}"
            );
        }
        // The stored document carries the body hash the manifest lists.
        let stored: Value =
            serde_json::from_str(&std::fs::read_to_string(ev.join(path)).unwrap()).unwrap();
        assert_eq!(stored["sha256"], d["sha256"]);
        assert_eq!(stored["subject"], d["subject"]);
    }
}

#[test]
fn importing_the_same_documents_again_changes_nothing() {
    let sc = Scratch::new();
    let ev = sc.populated("ev");
    let before = snapshot(&ev);
    let r = import(&sc.good_inputs(), &ev);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(r.stdout.contains("0 added, 2 unchanged"), "{}", r.stdout);
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.starts_with("unchanged "))
            .count(),
        2,
        "{}",
        r.stdout
    );
    assert_eq!(snapshot(&ev), before, "a re-import rewrote the folder");
}

#[test]
fn importing_with_a_hash_given_and_as_an_array() {
    let sc = Scratch::new();
    let ev = sc.populated("ev");
    // The same documents again, now as one array file and with their hash given.
    let mut tls = tls_doc("app.example.com");
    let m = manifest(&ev);
    let sha = m["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "tls.endpoint")
        .unwrap()["sha256"]
        .clone();
    tls["sha256"] = sha;
    let both = sc.doc("both.json", &json!([tls, backup_doc()]));
    let r = import(&[both], &ev);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(r.stdout.contains("0 added, 2 unchanged"), "{}", r.stdout);

    // A new subject is added beside them.
    let api = sc.doc("api.json", &tls_doc("api.example.com"));
    let r = import(&[api], &ev);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(r.stdout.contains("1 added, 0 unchanged"), "{}", r.stdout);
    assert_eq!(manifest(&ev)["documents"].as_array().unwrap().len(), 3);
}

#[test]
fn list_shows_the_documents() {
    let sc = Scratch::new();
    let ev = sc.populated("ev");
    let r = run(&["evidence", "list", s(&ev)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for expected in [
        "tls.endpoint",
        "app.example.com:443",
        "backup.snapshots",
        "s3:backups.example.com/pg-main",
        "2026-11-25T03:30:00Z",
        "2 document(s)",
    ] {
        assert!(
            r.stdout.contains(expected),
            "list lacks {expected:?}:\n{}",
            r.stdout
        );
    }
    let tls_path = manifest_path(&ev, "tls.endpoint");
    assert!(r.stdout.contains(&tls_path), "{}", r.stdout);

    let r = run(&["evidence", "list", s(&ev), "--kind", "backup.snapshots"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("1 document(s)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("backup.snapshots") && !r.stdout.contains("app.example.com"),
        "{}",
        r.stdout
    );
}

#[test]
fn verify_a_clean_folder() {
    let sc = Scratch::new();
    let ev = sc.populated("ev");
    let r = run(&["evidence", "verify", s(&ev)]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("2 document(s) verified, 0 problem(s)"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("FAIL"), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------
// import: invalid input is refused and nothing is written
// ---------------------------------------------------------------------------------------

#[test]
fn import_refuses_a_json_syntax_error() {
    let sc = Scratch::new();
    // Line 3 starts a new key without a comma after line 2.
    let bad = sc.write(
        "bad.json",
        "{\n  \"schema\": \"assay.evidence/v1\"\n  \"kind\": \"tls.endpoint\",\n  \"subject\": \"x:443\"\n}\n",
    );
    assert_rejected(
        &sc,
        &[&bad],
        &[
            format!("{}:3:3: ", bad.display()),
            "expected `,` or `}`".into(),
        ],
    );
}

#[test]
fn import_refuses_a_body_that_violates_the_schema() {
    let sc = Scratch::new();
    let mut doc = tls_doc("app.example.com");
    doc["body"]["protocols"]
        .as_object_mut()
        .unwrap()
        .remove("ssl3");
    let bad = sc.doc("bad.json", &doc);
    assert_rejected(
        &sc,
        &[&bad],
        &[
            format!(
                "{} (tls.endpoint app.example.com:443): /body/protocols: ",
                bad.display()
            ),
            "\"ssl3\" is a required property".into(),
        ],
    );

    let mut doc = tls_doc("app.example.com");
    doc["body"]["protocols"]["tls1_3"] = json!("yes");
    let bad = sc.doc("bad2.json", &doc);
    assert_rejected(
        &sc,
        &[bad],
        &["/body/protocols/tls1_3: \"yes\" is not of type \"boolean\"".into()],
    );

    let mut doc = backup_doc();
    doc["body"].as_object_mut().unwrap().remove("encrypted");
    let bad = sc.doc("bad3.json", &doc);
    assert_rejected(
        &sc,
        &[bad],
        &["/body: \"encrypted\" is a required property".into()],
    );
}

#[test]
fn import_refuses_an_unknown_kind() {
    let sc = Scratch::new();
    let mut doc = tls_doc("app.example.com");
    doc["kind"] = json!("tls.endpoints");
    let bad = sc.doc("bad.json", &doc);
    assert_rejected(
        &sc,
        &[&bad],
        &[
            bad.display().to_string(),
            "unknown evidence kind 'tls.endpoints' (known: ".into(),
            "backup.snapshots".into(),
        ],
    );
}

#[test]
fn import_refuses_an_unknown_envelope_field() {
    let sc = Scratch::new();
    let mut doc = tls_doc("app.example.com");
    doc["collected"] = json!("2026-11-25T03:00:00Z");
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("\"collected\":"))
        .unwrap()
        + 1;
    let bad = sc.write("bad.json", &text);
    assert_rejected(
        &sc,
        &[&bad],
        &[
            format!("{}:{line}:", bad.display()),
            "unknown field `collected`, expected one of".into(),
        ],
    );
}

#[test]
fn import_refuses_a_bad_source() {
    let sc = Scratch::new();
    for source in ["scanner", "import:", "Import:testssl"] {
        let mut doc = tls_doc("app.example.com");
        doc["source"] = json!(source);
        let bad = sc.doc("bad.json", &doc);
        assert_rejected(
            &sc,
            &[&bad],
            &[format!(
                "{}: source: '{source}' is not one of probe, manual or import:<tool>",
                bad.display()
            )],
        );
    }
}

#[test]
fn import_refuses_a_bare_date() {
    let sc = Scratch::new();
    let mut doc = tls_doc("app.example.com");
    doc["collected_at"] = json!("2026-11-25");
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("\"collected_at\":"))
        .unwrap()
        + 1;
    let bad = sc.write("bad.json", &text);
    assert_rejected(
        &sc,
        &[&bad],
        &[
            format!("{}:{line}:", bad.display()),
            "'2026-11-25' is not an RFC 3339 instant with offset".into(),
        ],
    );
}

#[test]
fn import_refuses_a_wrong_sha256() {
    let sc = Scratch::new();
    let mut doc = tls_doc("app.example.com");
    doc["sha256"] = json!("0".repeat(64));
    let bad = sc.doc("bad.json", &doc);
    assert_rejected(
        &sc,
        &[&bad],
        &[
            format!(
                "{}: sha256: the body does not match its hash",
                bad.display()
            ),
            format!("given {}", "0".repeat(64)),
        ],
    );

    let mut doc = tls_doc("app.example.com");
    doc["sha256"] = json!("ABC");
    let bad = sc.doc("bad2.json", &doc);
    assert_rejected(
        &sc,
        &[bad],
        &["sha256: must be 64 lowercase hex digits".into()],
    );
}

#[test]
fn one_bad_document_among_good_ones_imports_nothing() {
    let sc = Scratch::new();
    let mut doc = tls_doc("api.example.com");
    doc["body"]["port"] = json!("443");
    let bad = sc.doc("bad.json", &doc);
    let mut files = sc.good_inputs();
    files.insert(1, bad.clone());
    let stderr = assert_rejected(
        &sc,
        &files,
        &[format!(
            "{} (tls.endpoint api.example.com:443): /body/port: ",
            bad.display()
        )],
    );
    for good in sc.good_inputs() {
        assert!(
            !stderr.contains(s(&good)),
            "a valid file is blamed:\n{stderr}"
        );
    }

    // The same inside one array file: the message says which document.
    let arr = sc.doc("array.json", &json!([tls_doc("app.example.com"), doc]));
    assert_rejected(
        &sc,
        &[&arr],
        &[format!(
            "{}: document 2 (tls.endpoint api.example.com:443): /body/port",
            arr.display()
        )],
    );
}

#[test]
fn import_refuses_a_different_document_for_a_stored_one() {
    let sc = Scratch::new();
    // Same kind, subject and collected_at as a stored document, different body.
    let mut doc = tls_doc("app.example.com");
    doc["body"]["grade"]["grade"] = json!("A+");
    let bad = sc.doc("bad.json", &doc);
    let ev = sc.populated("ev");
    let before = snapshot(&ev);
    let r = import(&[bad], &ev);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "the folder already holds a different document for tls.endpoint app.example.com:443"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&ev), before);
}

// ---------------------------------------------------------------------------------------
// verify: changes behind assay's back
// ---------------------------------------------------------------------------------------

fn verify(ev: &Path) -> Run {
    run(&["evidence", "verify", s(ev)])
}

#[test]
fn verify_detects_an_edited_document() {
    let sc = Scratch::new();
    let ev = sc.populated("ev");
    let rel = manifest_path(&ev, "tls.endpoint");
    let file = ev.join(&rel);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("\"port\": 443").count(), 1);
    std::fs::write(&file, text.replace("\"port\": 443", "\"port\": 444")).unwrap();
    let r = verify(&ev);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains(&format!("FAIL {rel}: document was edited")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 document(s) verified, 1 problem(s)"),
        "{}",
        r.stdout
    );
}

#[test]
fn verify_detects_an_edit_even_when_the_file_hash_is_updated() {
    let sc = Scratch::new();
    let ev = sc.populated("ev");
    let rel = manifest_path(&ev, "backup.snapshots");
    let file = ev.join(&rel);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("\"encrypted\": true").count(), 1);
    let edited = text.replace("\"encrypted\": true", "\"encrypted\": false");
    std::fs::write(&file, &edited).unwrap();
    // Also patch the manifest's file hash, as a careless "fix" would.
    let mut m = manifest(&ev);
    let new_hash: String = {
        use sha2::Digest as _;
        sha2::Sha256::digest(edited.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    for d in m["documents"].as_array_mut().unwrap() {
        if d["path"] == rel.as_str() {
            d["file_sha256"] = json!(new_hash);
        }
    }
    std::fs::write(
        ev.join("manifest.json"),
        serde_json::to_string_pretty(&m).unwrap(),
    )
    .unwrap();
    let r = verify(&ev);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "FAIL {rel}: document body does not match its sha256"
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn verify_detects_a_deleted_document() {
    let sc = Scratch::new();
    let ev = sc.populated("ev");
    let rel = manifest_path(&ev, "backup.snapshots");
    std::fs::remove_file(ev.join(&rel)).unwrap();
    let r = verify(&ev);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains(&format!("FAIL {rel}: document is missing")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 document(s) verified, 1 problem(s)"),
        "{}",
        r.stdout
    );
}

#[test]
fn verify_detects_an_extra_file() {
    let sc = Scratch::new();
    let ev = sc.populated("ev");
    // A valid document copied in by hand, not imported.
    std::fs::write(
        ev.join("tls.endpoint/extra.json"),
        serde_json::to_string_pretty(&tls_doc("x.example.com")).unwrap(),
    )
    .unwrap();
    let r = verify(&ev);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("FAIL tls.endpoint/extra.json: document is not in the manifest"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("2 document(s) verified, 1 problem(s)"),
        "{}",
        r.stdout
    );
}

#[test]
fn verify_a_missing_folder() {
    let sc = Scratch::new();
    let missing = sc.path("nope");
    let r = verify(&missing);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "evidence folder {}: not found or not a folder",
            missing.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn verify_a_folder_without_manifest() {
    let sc = Scratch::new();
    let dir = sc.path("ev");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("doc.json"),
        serde_json::to_string(&tls_doc("app.example.com")).unwrap(),
    )
    .unwrap();
    for args in [
        vec!["evidence", "verify", s(&dir)],
        vec!["evidence", "list", s(&dir)],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains("no manifest.json"), "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "assay evidence import FILE… --into {}",
                dir.display()
            )),
            "hint to import:\n{}",
            r.stderr
        );
    }
}
