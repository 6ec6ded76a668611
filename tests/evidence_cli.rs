//! End-to-end tests of the evidence folder through the real binary: `assay evidence
//! import`, `list` and `verify`.
//!
//! Import is all-or-nothing: every invalid input must exit 2 with a message that names
//! the file and what is wrong, and leave the target folder byte-for-byte as it was (or
//! not create it). Verify must notice every change made behind assay's back.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{assert_contains_all, path_str, run, tls_doc, write_file, Run};
use serde_json::{json, Value};
use tempfile::TempDir;

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
        write_file(self.dir.path(), rel, text)
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
    args.extend(files.iter().map(|p| path_str(p.as_ref())));
    args.extend(["--into", path_str(into)]);
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

/// Imports `files` into a fresh folder and into a folder that already holds documents;
/// both must be refused with exit 2, name every `expected` fragment, say nothing was
/// imported, and leave the disk untouched. `case` names the input in failure messages.
fn assert_rejected<P: AsRef<Path>>(
    case: &str,
    sc: &Scratch,
    files: &[P],
    expected: &[String],
) -> String {
    let fresh = sc.path("fresh-ev");
    let r = import(files, &fresh);
    assert_eq!(
        r.code, 2,
        "{case}: fresh folder: expected exit 2\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    assert!(
        !fresh.exists(),
        "{case}: a refused import created {}",
        fresh.display()
    );

    let ev = sc.populated("ev");
    let before = snapshot(&ev);
    let r2 = import(files, &ev);
    assert_eq!(
        r2.code, 2,
        "{case}: existing folder: expected exit 2\nstdout:\n{}\nstderr:\n{}",
        r2.stdout, r2.stderr
    );
    assert_eq!(
        snapshot(&ev),
        before,
        "{case}: a refused import changed the folder"
    );
    std::fs::remove_dir_all(&ev).unwrap();

    for r in [&r, &r2] {
        assert_contains_all(case, "stderr", &r.stderr, expected);
        assert!(
            r.stderr.contains("nothing was imported"),
            "{case}: {}",
            r.stderr
        );
        assert!(!r.stdout.contains("added"), "{case}: {}", r.stdout);
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
    let r = run(&["evidence", "list", path_str(&ev)]);
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

    let r = run(&[
        "evidence",
        "list",
        path_str(&ev),
        "--kind",
        "backup.snapshots",
    ]);
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
    let r = run(&["evidence", "verify", path_str(&ev)]);
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

/// An input file `evidence import` must refuse, and what it must say.
struct Refused {
    name: &'static str,
    input: Input,
    /// Fragments stderr must hold. `{file}` stands for the input file's path and `{line}`
    /// for the 1-based line of `line_of` in it.
    expected: &'static [&'static str],
    line_of: Option<&'static str>,
}

enum Input {
    /// These bytes, as they are.
    Text(&'static str),
    /// A valid document changed by `edit`, written as pretty JSON.
    Doc {
        valid: fn() -> Value,
        edit: fn(&mut Value),
    },
}

impl Input {
    fn text(&self) -> String {
        match self {
            Input::Text(t) => t.to_string(),
            Input::Doc { valid, edit } => {
                let mut doc = valid();
                edit(&mut doc);
                serde_json::to_string_pretty(&doc).unwrap() + "\n"
            }
        }
    }
}

fn app_tls() -> Value {
    tls_doc("app.example.com")
}

/// Each input is imported on its own; adding a case is adding a row.
const REFUSED: &[Refused] = &[
    Refused {
        name: "a JSON syntax error",
        // Line 3 starts a new key without a comma after line 2.
        input: Input::Text(
            "{\n  \"schema\": \"assay.evidence/v1\"\n  \"kind\": \"tls.endpoint\",\n  \"subject\": \"x:443\"\n}\n",
        ),
        expected: &["{file}:3:3: ", "expected `,` or `}`"],
        line_of: None,
    },
    Refused {
        name: "a body without a required property",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| {
                d["body"]["protocols"]
                    .as_object_mut()
                    .unwrap()
                    .remove("ssl3");
            },
        },
        expected: &[
            "{file} (tls.endpoint app.example.com:443): /body/protocols: ",
            "\"ssl3\" is a required property",
        ],
        line_of: None,
    },
    Refused {
        name: "a body value of the wrong type",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["body"]["protocols"]["tls1_3"] = json!("yes"),
        },
        expected: &["/body/protocols/tls1_3: \"yes\" is not of type \"boolean\""],
        line_of: None,
    },
    Refused {
        name: "a backup body without a required property",
        input: Input::Doc {
            valid: backup_doc,
            edit: |d| {
                d["body"].as_object_mut().unwrap().remove("encrypted");
            },
        },
        expected: &["/body: \"encrypted\" is a required property"],
        line_of: None,
    },
    Refused {
        name: "an unknown kind",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["kind"] = json!("tls.endpoints"),
        },
        expected: &[
            "{file}",
            "unknown evidence kind 'tls.endpoints' (known: ",
            "backup.snapshots",
        ],
        line_of: None,
    },
    Refused {
        name: "an unknown envelope field",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["collected"] = json!("2026-11-25T03:00:00Z"),
        },
        expected: &[
            "{file}:{line}:",
            "unknown field `collected`, expected one of",
        ],
        line_of: Some("\"collected\":"),
    },
    Refused {
        name: "a source that is no source",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["source"] = json!("scanner"),
        },
        expected: &["{file}: source: 'scanner' is not one of probe, manual or import:<tool>"],
        line_of: None,
    },
    Refused {
        name: "an import source without a tool",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["source"] = json!("import:"),
        },
        expected: &["{file}: source: 'import:' is not one of probe, manual or import:<tool>"],
        line_of: None,
    },
    Refused {
        name: "an import source in capitals",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["source"] = json!("Import:testssl"),
        },
        expected: &[
            "{file}: source: 'Import:testssl' is not one of probe, manual or import:<tool>",
        ],
        line_of: None,
    },
    Refused {
        name: "a bare date",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["collected_at"] = json!("2026-11-25"),
        },
        expected: &[
            "{file}:{line}:",
            "'2026-11-25' is not an RFC 3339 instant with offset",
        ],
        line_of: Some("\"collected_at\":"),
    },
    Refused {
        name: "a wrong sha256",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["sha256"] = json!("0".repeat(64)),
        },
        expected: &[
            "{file}: sha256: the body does not match its hash",
            "given 0000000000000000000000000000000000000000000000000000000000000000",
        ],
        line_of: None,
    },
    Refused {
        name: "a malformed sha256",
        input: Input::Doc {
            valid: app_tls,
            edit: |d| d["sha256"] = json!("ABC"),
        },
        expected: &["sha256: must be 64 lowercase hex digits"],
        line_of: None,
    },
];

#[test]
fn import_refuses_each_invalid_input() {
    for case in REFUSED {
        let sc = Scratch::new();
        let text = case.input.text();
        let bad = sc.write("bad.json", &text);
        let line = case.line_of.map(|key| {
            text.lines()
                .position(|l| l.contains(key))
                .unwrap_or_else(|| panic!("{}: no {key} in the input", case.name))
                + 1
        });
        let expected: Vec<String> = case
            .expected
            .iter()
            .map(|e| {
                let e = e.replace("{file}", &bad.display().to_string());
                match line {
                    Some(n) => e.replace("{line}", &n.to_string()),
                    None => e,
                }
            })
            .collect();
        assert!(
            line.is_some() || expected.iter().all(|e| !e.contains("{line}")),
            "{}: {{line}} without line_of",
            case.name
        );
        assert_rejected(case.name, &sc, &[&bad], &expected);
    }
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
        "one bad file among good ones",
        &sc,
        &files,
        &[format!(
            "{} (tls.endpoint api.example.com:443): /body/port: ",
            bad.display()
        )],
    );
    for good in sc.good_inputs() {
        assert!(
            !stderr.contains(path_str(&good)),
            "a valid file is blamed:\n{stderr}"
        );
    }

    // The same inside one array file: the message says which document.
    let arr = sc.doc("array.json", &json!([tls_doc("app.example.com"), doc]));
    assert_rejected(
        "one bad document in an array file",
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
    run(&["evidence", "verify", path_str(ev)])
}

/// A change made behind assay's back, and what `evidence verify` must then print.
struct Tamper {
    name: &'static str,
    /// Changes the evidence folder holding the two valid documents; returns the path,
    /// relative to the folder, of the file it touched.
    tamper: fn(&Path) -> String,
    /// Fragments stdout must hold; `{rel}` stands for the path `tamper` returned.
    expected: &'static [&'static str],
}

/// Each change is made to a fresh folder; adding a case is adding a row.
const TAMPERS: &[Tamper] = &[
    Tamper {
        name: "an edited document",
        tamper: edit_a_document,
        expected: &[
            "FAIL {rel}: document was edited",
            "1 document(s) verified, 1 problem(s)",
        ],
    },
    Tamper {
        name: "an edit with the file hash updated",
        tamper: edit_a_document_and_its_file_hash,
        expected: &["FAIL {rel}: document body does not match its sha256"],
    },
    Tamper {
        name: "a deleted document",
        tamper: delete_a_document,
        expected: &[
            "FAIL {rel}: document is missing",
            "1 document(s) verified, 1 problem(s)",
        ],
    },
    Tamper {
        name: "an extra file",
        tamper: add_a_file,
        expected: &[
            "FAIL {rel}: document is not in the manifest",
            "2 document(s) verified, 1 problem(s)",
        ],
    },
];

/// Replaces the one occurrence of `from` in the stored document at `rel` with `to`.
fn replace_once(ev: &Path, rel: &str, from: &str, to: &str) -> String {
    let file = ev.join(rel);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from} in {rel}");
    let edited = text.replace(from, to);
    std::fs::write(&file, &edited).unwrap();
    edited
}

fn edit_a_document(ev: &Path) -> String {
    let rel = manifest_path(ev, "tls.endpoint");
    replace_once(ev, &rel, "\"port\": 443", "\"port\": 444");
    rel
}

fn edit_a_document_and_its_file_hash(ev: &Path) -> String {
    let rel = manifest_path(ev, "backup.snapshots");
    let edited = replace_once(ev, &rel, "\"encrypted\": true", "\"encrypted\": false");
    // Also patch the manifest's file hash, as a careless "fix" would.
    let mut m = manifest(ev);
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
    rel
}

fn delete_a_document(ev: &Path) -> String {
    let rel = manifest_path(ev, "backup.snapshots");
    std::fs::remove_file(ev.join(&rel)).unwrap();
    rel
}

/// A valid document copied in by hand, not imported.
fn add_a_file(ev: &Path) -> String {
    let rel = "tls.endpoint/extra.json";
    std::fs::write(
        ev.join(rel),
        serde_json::to_string_pretty(&tls_doc("x.example.com")).unwrap(),
    )
    .unwrap();
    rel.to_string()
}

#[test]
fn verify_detects_each_change() {
    for case in TAMPERS {
        let sc = Scratch::new();
        let ev = sc.populated("ev");
        let rel = (case.tamper)(&ev);
        let r = verify(&ev);
        assert_eq!(
            r.code, 1,
            "{}: expected exit 1\nstdout:\n{}\nstderr:\n{}",
            case.name, r.stdout, r.stderr
        );
        let expected: Vec<String> = case
            .expected
            .iter()
            .map(|e| e.replace("{rel}", &rel))
            .collect();
        assert_contains_all(case.name, "stdout", &r.stdout, &expected);
    }
}

#[test]
fn verify_a_missing_folder() {
    let sc = Scratch::new();
    let missing = sc.path("nope");
    let r = verify(&missing);
    assert_eq!(r.code, 2);
    let expected = format!(
        "evidence folder {}: not found or not a folder",
        missing.display()
    );
    assert_contains_all("a missing folder", "stderr", &r.stderr, &[expected]);
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
        vec!["evidence", "verify", path_str(&dir)],
        vec!["evidence", "list", path_str(&dir)],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}");
        let hint = format!("assay evidence import FILE… --into {}", dir.display());
        assert_contains_all(
            &format!("{args:?} without manifest, with a hint to import"),
            "stderr",
            &r.stderr,
            &["no manifest.json", &hint],
        );
    }
}
