//! `assay pack verify`: is this pack exactly what was signed, and does it hold together?
//!
//! A pack folder or tarball is first reduced to a [`View`] (every regular file's hash,
//! the small files that are read, and the problems met while reading), then one check
//! decides, so a folder and a tarball are judged by the same code:
//!
//! 1. `MANIFEST` parses; `MANIFEST.sig` is a minisign signature of it by the key given
//!    (a signature by another key is named as such, as is a bad one).
//! 2. Every file `MANIFEST` lists is present with that hash (else *missing* or *edited*),
//!    and every file present is listed (else *extra*); links and devices are refused.
//! 3. The contents agree with each other: `pack.json`, `results.json`, the evidence
//!    folder's own `manifest.json` (every document listed, with its file hash), the
//!    documents the results cite, and the catalog's digest. With a valid signature these
//!    cannot disagree unless the packer was faulty; without one (`--no-signature`) they
//!    still catch a careless edit.
//!
//! Every problem is reported with the file it concerns; the pack passes only with none,
//! and only with its signature verified, unless the caller explicitly skipped it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::create::read_results;
use super::manifest::{hash_file, sha256_hex, walk, Manifest, MANIFEST, SIGNATURE};
use super::sign::{check_shape, VerifyingKey};
use super::{
    PackError, PackMeta, CATALOG_DIR, EVIDENCE_DIR, PACK_JSON, PACK_SCHEMA, PROFILE_YAML,
    RESULTS_JSON, WAIVERS_YAML,
};
use crate::bundle::Bundle;
use crate::check::result::RunResult;
use crate::evidence::store::{Manifest as EvidenceManifest, MANIFEST as EVIDENCE_MANIFEST};

/// The largest file verification reads into memory (results.json of a huge run, MANIFEST
/// of millions of files).
pub const KEEP_MAX: u64 = 256 * 1024 * 1024;

/// Whether verification reads the file at `rel` (not only hashes it).
pub fn keep(rel: &str) -> bool {
    matches!(
        rel,
        MANIFEST | SIGNATURE | PACK_JSON | RESULTS_JSON | PROFILE_YAML | WAIVERS_YAML
    ) || rel == format!("{EVIDENCE_DIR}/{EVIDENCE_MANIFEST}")
        || rel
            .strip_prefix(CATALOG_DIR)
            .is_some_and(|r| r.starts_with('/'))
}

/// A pack as read from disk or from a tarball.
#[derive(Debug, Default)]
pub struct View {
    /// The folder or tarball name, for messages.
    pub label: String,
    /// Every regular file: relative path → SHA-256.
    pub files: BTreeMap<String, String>,
    /// Total bytes of those files.
    pub bytes: u64,
    /// The contents of the files [`keep`] selects.
    pub kept: BTreeMap<String, Vec<u8>>,
    /// Problems met while reading.
    pub problems: Vec<Problem>,
}

impl View {
    /// Records a problem with `path`.
    pub fn problem(&mut self, path: &str, message: String) {
        self.problems.push(Problem {
            path: path.to_string(),
            message,
        });
    }
}

/// One thing wrong with a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file, relative to the pack (or the tarball's name for archive-level damage).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// How to treat the signature.
#[derive(Debug, Clone)]
pub enum SignatureCheck {
    /// Verify it with this public key.
    Key(VerifyingKey),
    /// No key was given: the signature cannot be verified, which is a problem.
    NoKey,
    /// The caller explicitly checks hashes only (`--no-signature`).
    Skip,
}

/// What became of the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignatureStatus {
    /// Verified with the key given.
    Verified {
        /// Its key ID.
        key_id: String,
        /// The signed trusted comment.
        trusted_comment: String,
    },
    /// Not checked (no key, or `--no-signature`).
    NotVerified,
    /// Missing, malformed, bad or by another key (the problem says which).
    Failed,
}

/// The outcome of verifying one pack.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The pack folder or tarball.
    pub pack: PathBuf,
    /// Files listed in MANIFEST.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// The signature.
    pub signature: SignatureStatus,
    /// Every problem, each naming its file.
    pub problems: Vec<Problem>,
    /// `pack.json`, when it parses.
    #[serde(skip)]
    pub meta: Option<PackMeta>,
    /// `results.json`, when it parses.
    #[serde(skip)]
    pub results: Option<RunResult>,
    /// SHA-256 of MANIFEST: the same pack as a folder and as a tarball has the same one.
    pub manifest_sha256: Option<String>,
}

impl Report {
    /// Whether the pack is sound: no problem at all.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The report for people: one `FAIL path: message` line per problem, then a verdict.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for p in &self.problems {
            s.push_str(&format!("FAIL {}: {}\n", p.path, p.message));
        }
        let sig = match &self.signature {
            SignatureStatus::Verified { key_id, .. } => {
                format!("signature verified (key ID {key_id})")
            }
            SignatureStatus::NotVerified => "signature NOT verified".to_string(),
            SignatureStatus::Failed => "signature FAILED".to_string(),
        };
        let verdict = if self.ok() {
            "OK".to_string()
        } else {
            format!("{} problem(s): do not trust this pack", self.problems.len())
        };
        s.push_str(&format!(
            "{}: {} file(s), {:.1} MB checked against MANIFEST; {sig}; {verdict}\n",
            self.pack.display(),
            self.files,
            self.bytes as f64 / 1e6
        ));
        s
    }
}

/// Verifies the pack folder or `.tar.gz` at `path`. An unreadable path is an error; a
/// damaged pack is a report with problems.
pub fn verify(path: &Path, check: &SignatureCheck) -> Result<Report, PackError> {
    let meta = std::fs::metadata(path).map_err(PackError::io(path))?;
    let view = if meta.is_dir() {
        dir_view(path)?
    } else {
        super::tarball::read_view(path)?
    };
    Ok(judge(path, view, check))
}

/// Reads a pack folder: every file hashed on all cores, the small ones kept.
fn dir_view(root: &Path) -> Result<View, PackError> {
    let w = walk(root).map_err(PackError::io(root))?;
    let mut view = View {
        label: root.display().to_string(),
        ..View::default()
    };
    for (rel, what) in &w.others {
        view.problem(rel, format!("is {what}: a pack holds only regular files"));
    }
    type Read = Result<(String, u64, Option<Vec<u8>>), String>;
    let read: Vec<(String, Read)> = w
        .files
        .par_iter()
        .map(|rel| {
            let full = root.join(rel);
            let r = if keep(rel) {
                match std::fs::metadata(&full) {
                    Ok(m) if m.len() > KEEP_MAX => Err(format!(
                        "{} bytes: larger than the {KEEP_MAX} bytes allowed",
                        m.len()
                    )),
                    _ => std::fs::read(&full)
                        .map(|b| (sha256_hex(&b), b.len() as u64, Some(b)))
                        .map_err(|e| format!("cannot read: {e}")),
                }
            } else {
                hash_file(&full)
                    .map(|(h, n)| (h, n, None))
                    .map_err(|e| format!("cannot read: {e}"))
            };
            (rel.clone(), r)
        })
        .collect();
    for (rel, r) in read {
        match r {
            Ok((h, n, kept)) => {
                view.bytes += n;
                view.files.insert(rel.clone(), h);
                if let Some(k) = kept {
                    view.kept.insert(rel, k);
                }
            }
            Err(m) => view.problem(&rel, m),
        }
    }
    Ok(view)
}

/// Judges a view: manifest, signature, files, then contents.
pub fn judge(path: &Path, view: View, check: &SignatureCheck) -> Report {
    let View {
        files,
        bytes,
        kept,
        mut problems,
        ..
    } = view;
    // A file that could not be read at all was reported while reading: not "missing" too.
    let unread: BTreeSet<String> = problems.iter().map(|x| x.path.clone()).collect();
    let mut p = |path: &str, message: String| {
        problems.push(Problem {
            path: path.to_string(),
            message,
        })
    };
    let manifest_bytes = kept.get(MANIFEST);
    let (manifest, manifest_sha256) = match manifest_bytes {
        None => {
            if !files.contains_key(MANIFEST) && !unread.contains(MANIFEST) {
                p(
                    MANIFEST,
                    "missing: without it nothing in the pack can be checked".into(),
                );
            }
            (None, None)
        }
        Some(b) => match std::str::from_utf8(b) {
            Err(_) => {
                p(MANIFEST, "not UTF-8 text".into());
                (None, Some(sha256_hex(b)))
            }
            Ok(text) => {
                let (m, errors) = Manifest::parse(text);
                for e in errors {
                    p(MANIFEST, e);
                }
                (Some(m), Some(sha256_hex(b)))
            }
        },
    };

    // The signature.
    let mut signature = SignatureStatus::Failed;
    match (kept.get(SIGNATURE), manifest_bytes) {
        (None, _) => {
            if !files.contains_key(SIGNATURE) && !unread.contains(SIGNATURE) {
                p(SIGNATURE, "missing: the pack is not signed".into());
            }
        }
        (Some(_), None) => {}
        (Some(sig), Some(data)) => match std::str::from_utf8(sig) {
            Err(_) => p(SIGNATURE, "not a minisign signature: not UTF-8 text".into()),
            Ok(sig) => match check {
                SignatureCheck::Key(k) => match k.verify(data, sig) {
                    Ok(comment) => {
                        signature = SignatureStatus::Verified {
                            key_id: k.id().to_string(),
                            trusted_comment: comment,
                        }
                    }
                    Err(e) => p(SIGNATURE, e.to_string()),
                },
                SignatureCheck::NoKey | SignatureCheck::Skip => match check_shape(sig) {
                    Err(e) => p(SIGNATURE, e.to_string()),
                    Ok(id) => {
                        signature = SignatureStatus::NotVerified;
                        if matches!(check, SignatureCheck::NoKey) {
                            p(
                                SIGNATURE,
                                format!(
                                    "signature NOT verified: no --key given (it names key ID {id}); \
                                     give --key PUBLIC.pub, or --no-signature to check hashes only"
                                ),
                            );
                        }
                    }
                },
            },
        },
    }

    // The files against MANIFEST.
    let mut bad: BTreeSet<String> = problems.iter().map(|x| x.path.clone()).collect();
    let mut file_problems = Vec::new();
    if let Some(m) = &manifest {
        for (path, want) in &m.entries {
            match files.get(path) {
                None if bad.contains(path) => {}
                None => file_problems.push(Problem {
                    path: path.clone(),
                    message: "missing: listed in MANIFEST, not in the pack".into(),
                }),
                Some(have) if have != want => file_problems.push(Problem {
                    path: path.clone(),
                    message: format!("edited: its sha256 is {have}, MANIFEST says {want}"),
                }),
                Some(_) => {}
            }
        }
        for path in files.keys() {
            if path != MANIFEST && path != SIGNATURE && !m.entries.contains_key(path) {
                file_problems.push(Problem {
                    path: path.clone(),
                    message: "extra file: not in MANIFEST (added after the pack was signed)".into(),
                });
            }
        }
    }
    bad.extend(file_problems.iter().map(|x| x.path.clone()));
    problems.extend(file_problems);

    // The contents.
    let (content, meta, results) = check_contents(&files, &kept, &bad);
    problems.extend(content);
    Report {
        pack: path.to_path_buf(),
        files: manifest.map_or(0, |m| m.entries.len()),
        bytes,
        signature,
        problems,
        meta,
        results,
        manifest_sha256,
    }
}

/// Checks that the pack's files agree with each other. Files already found wrong
/// (`bad`) are not read again, so one edit is reported once, where it happened.
fn check_contents(
    files: &BTreeMap<String, String>,
    kept: &BTreeMap<String, Vec<u8>>,
    bad: &BTreeSet<String>,
) -> (Vec<Problem>, Option<PackMeta>, Option<RunResult>) {
    let mut out = Vec::new();
    let mut p = |path: &str, message: String| {
        out.push(Problem {
            path: path.to_string(),
            message,
        })
    };
    let good = |rel: &str| kept.get(rel).filter(|_| !bad.contains(rel));

    let meta = good(PACK_JSON).and_then(|b| match serde_json::from_slice::<PackMeta>(b) {
        Ok(m) if m.schema == PACK_SCHEMA => Some(m),
        Ok(m) => {
            p(
                PACK_JSON,
                format!(
                    "schema '{}' is not supported (expected '{PACK_SCHEMA}')",
                    m.schema
                ),
            );
            None
        }
        Err(e) => {
            p(
                PACK_JSON,
                format!("line {} column {}: {e}", e.line(), e.column()),
            );
            None
        }
    });
    if !files.contains_key(PACK_JSON) && !bad.contains(PACK_JSON) {
        p(PACK_JSON, "missing: every pack has one".into());
    }
    let results = good(RESULTS_JSON).and_then(|b| match read_results(Path::new(RESULTS_JSON), b) {
        Ok(r) => Some(r),
        Err(e) => {
            p(RESULTS_JSON, e);
            None
        }
    });
    if !files.contains_key(RESULTS_JSON) && !bad.contains(RESULTS_JSON) {
        p(RESULTS_JSON, "missing: every pack has one".into());
    }

    // pack.json against the files it describes.
    if let Some(m) = &meta {
        let mut refs = vec![(m.results.path.as_str(), m.results.sha256.as_str())];
        if let Some(pr) = &m.profile {
            refs.push((pr.path.as_str(), pr.sha256.as_str()));
        }
        if let Some(w) = &m.waivers {
            refs.push((w.path.as_str(), w.sha256.as_str()));
        }
        if let Some(s) = &m.statement {
            refs.push((s.path.as_str(), s.sha256.as_str()));
        }
        let ev_manifest = format!("{EVIDENCE_DIR}/{EVIDENCE_MANIFEST}");
        refs.push((ev_manifest.as_str(), m.evidence.manifest_sha256.as_str()));
        for (path, want) in refs {
            if bad.contains(path) {
                continue;
            }
            match files.get(path) {
                None => p(path, format!("missing: {PACK_JSON} names it")),
                Some(h) if h != want => p(
                    path,
                    format!("its sha256 {h} is not the {want} that {PACK_JSON} records"),
                ),
                Some(_) => {}
            }
        }
        if let Some(r) = &results {
            if m.catalog.sha256 != r.catalog.sha256 || m.run.evaluated_at != r.evaluated_at {
                p(
                    PACK_JSON,
                    "its catalog digest or evaluation time differs from results.json".into(),
                );
            }
            // The profile and waivers packed must be the files the run read, when the
            // results record them.
            let pairs = [
                (
                    m.profile.as_ref().map(|x| (&x.path, &x.sha256)),
                    &r.profile_file,
                    "profile",
                ),
                (
                    m.waivers.as_ref().map(|x| (&x.path, &x.sha256)),
                    &r.waivers_file,
                    "waivers",
                ),
            ];
            for (packed, read, what) in pairs {
                if let (Some((path, have)), Some(read)) = (packed, read) {
                    if *have != read.sha256 {
                        p(
                            path,
                            format!(
                                "not the {what} file the run read ({}, sha256 {})",
                                read.path, read.sha256
                            ),
                        );
                    }
                }
            }
        }
    }

    // The evidence folder's own manifest.
    let ev_manifest_rel = format!("{EVIDENCE_DIR}/{EVIDENCE_MANIFEST}");
    let ev_prefix = format!("{EVIDENCE_DIR}/");
    let ev_manifest =
        good(&ev_manifest_rel).and_then(|b| match serde_json::from_slice::<EvidenceManifest>(b) {
            Ok(m) => Some(m),
            Err(e) => {
                p(
                    &ev_manifest_rel,
                    format!("line {} column {}: {e}", e.line(), e.column()),
                );
                None
            }
        });
    if !files.contains_key(&ev_manifest_rel) && !bad.contains(&ev_manifest_rel) {
        p(&ev_manifest_rel, "missing: every pack has one".into());
    }
    if let Some(em) = &ev_manifest {
        let listed: BTreeMap<&str, (&str, &str)> = em
            .documents
            .iter()
            .map(|e| (e.path.as_str(), (e.sha256.as_str(), e.file_sha256.as_str())))
            .collect();
        for (path, hash) in files.range(ev_prefix.clone()..) {
            let Some(rel) = path.strip_prefix(&ev_prefix) else {
                break;
            };
            if rel == EVIDENCE_MANIFEST || bad.contains(path) {
                continue;
            }
            match listed.get(rel) {
                None => p(path, format!("not in {ev_manifest_rel}")),
                Some((_, file)) if file != hash => p(
                    path,
                    format!("does not match its file_sha256 in {ev_manifest_rel}"),
                ),
                Some(_) => {}
            }
        }
        for rel in listed.keys() {
            let path = format!("{ev_prefix}{rel}");
            if !files.contains_key(&path) && !bad.contains(&path) {
                p(
                    &path,
                    format!("missing: listed in {ev_manifest_rel}, not in the pack"),
                );
            }
        }
        if let Some(r) = &results {
            if let Some(h) = files.get(&ev_manifest_rel) {
                if *h != r.evidence.manifest_sha256 {
                    p(
                        RESULTS_JSON,
                        format!(
                            "judged on evidence manifest {}, but the pack's {ev_manifest_rel} is {h}",
                            r.evidence.manifest_sha256
                        ),
                    );
                }
            }
            let mut seen = BTreeSet::new();
            for c in &r.controls {
                for e in &c.evidence {
                    if !seen.insert(e.path.as_str()) {
                        continue;
                    }
                    match listed.get(e.path.as_str()) {
                        None => p(
                            RESULTS_JSON,
                            format!(
                                "control {} cites evidence {}, which the pack does not hold",
                                c.id, e.path
                            ),
                        ),
                        Some((body, _)) if *body != e.sha256 => p(
                            RESULTS_JSON,
                            format!(
                                "control {} judged {} with body sha256 {}, the pack's document has {body}",
                                c.id, e.path, e.sha256
                            ),
                        ),
                        Some(_) => {}
                    }
                }
            }
        }
    }

    // The catalog: its digest must be the one the results were judged with.
    if let Some(r) = &results {
        let prefix = format!("{CATALOG_DIR}/");
        let mut cat = BTreeMap::new();
        let mut readable = true;
        for (path, bytes) in kept.range(prefix.clone()..) {
            let Some(rel) = path.strip_prefix(&prefix) else {
                break;
            };
            match std::str::from_utf8(bytes) {
                Ok(t) if !bad.contains(path) => {
                    cat.insert(rel.to_string(), t.to_string());
                }
                Ok(_) => readable = false,
                Err(_) => {
                    p(path, "not UTF-8 text".into());
                    readable = false;
                }
            }
        }
        if bad.iter().any(|b| b.starts_with(&prefix)) {
            readable = false;
        }
        if readable {
            let digest = Bundle::from_files(cat).digest();
            if digest != r.catalog.sha256 {
                p(
                    CATALOG_DIR,
                    format!(
                        "the catalog's digest {digest} is not the {} the results were judged with",
                        r.catalog.sha256
                    ),
                );
            }
        }
    }
    (out, meta, results)
}
