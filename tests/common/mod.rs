//! Helpers shared by the end-to-end tests (`tests/*_cli.rs`): running the real binary,
//! paths and scratch files, a private copy of the catalog, and a valid evidence document.
//!
//! Each test file is a crate of its own and uses only some of these; an item that not
//! every one of them uses carries `#[allow(dead_code)]` and says who does.

pub mod check;
pub mod replay;
pub mod tls;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// The repository root. Commands run here, so relative paths such as `examples/…` resolve.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What a finished command printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `assay ARGS` from the repository root with `NO_COLOR=1`. Fails the test when the
/// binary is killed by a signal or panics.
pub fn run(args: &[&str]) -> Run {
    run_env(args, &[])
}

/// [`run`] with extra environment variables.
#[allow(dead_code)] // check_cli
pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
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

/// `assay evidence import --from FROM ARGS…`.
#[allow(dead_code)] // identity_aws, identity_sshd
pub fn import(from: &str, args: &[&str]) -> Run {
    let mut all = vec!["evidence", "import", "--from", from];
    all.extend_from_slice(args);
    run(&all)
}

/// Fails unless `text` (a run's `what`, such as "stderr") holds every fragment of
/// `expected`; the message names `case` and shows the whole text.
#[allow(dead_code)] // catalog_cli, check_cli, evidence_cli, identity_http, tls_import
#[track_caller]
pub fn assert_contains_all<S: AsRef<str>>(case: &str, what: &str, text: &str, expected: &[S]) {
    for e in expected {
        let e = e.as_ref();
        assert!(text.contains(e), "{case}: {what} lacks {e:?}:\n{text}");
    }
}

/// A path as a command-line argument.
pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Writes `text` to `dir/name` and returns that path.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    p
}

/// `(subject, body)` of every evidence document of `kind` in the folder `ev`, by subject.
#[allow(dead_code)] // backups_import, backups_pgbackrest
pub fn bodies(ev: &Path, kind: &str) -> Vec<(String, Value)> {
    let dir = ev.join(kind);
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            let d: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (
                d["subject"].as_str().unwrap().to_string(),
                d["body"].clone(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A copy of the fixture `fixtures/name` (a folder below the repository root) in `dir`,
/// so that its modification time, the evidence time of an imported file, is now.
#[allow(dead_code)] // identity_aws, identity_sshd
pub fn fresh_copy(fixtures: &str, dir: &Path, name: &str) -> PathBuf {
    let from = root().join(fixtures).join(name);
    let text = std::fs::read_to_string(&from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    write_file(dir, name, &text)
}

/// Copies the repository's catalog (controls/, policies/ and profiles/) into `to`.
#[allow(dead_code)] // catalog_cli, check_cli
pub fn copy_catalog(to: &Path) {
    for sub in ["controls", "policies", "profiles"] {
        let src = root().join(sub);
        if src.is_dir() {
            copy_tree(&src, &to.join(sub));
        }
    }
}

#[allow(dead_code)] // catalog_cli, check_cli
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A valid `tls.endpoint` document for `host:443` that passes the TLS controls, collected
/// at 2026-11-25T03:00:00Z (see schemas/evidence/tls.endpoint.schema.json).
#[allow(dead_code)] // check_cli, evidence_cli
pub fn tls_doc(host: &str) -> Value {
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
