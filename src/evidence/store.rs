//! The evidence folder: documents stored by kind, and a manifest that lists each one with
//! its hashes.
//!
//! Layout: `<dir>/manifest.json` and `<dir>/<kind>/<subject>--<time>.json`. Old documents
//! stay beside new ones, so a folder is also the history an auditor asks for; `check`
//! uses the newest per kind and subject. The manifest is what makes the folder
//! tamper-evident: `verify` reports any document that was edited, removed or added
//! behind assay's back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::schema::KindRegistry;
use super::{body_hash, bytes_hash, Document};
use crate::fsutil::write_atomic;
use crate::timefmt::format_instant;

/// The manifest's file name inside an evidence folder.
pub const MANIFEST: &str = "manifest.json";
/// The manifest format version.
pub const MANIFEST_SCHEMA: &str = "assay.manifest/v1";

/// The list of documents in a folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// Every document, sorted by path.
    pub documents: Vec<Entry>,
}

/// One document in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Path relative to the folder, with `/` separators.
    pub path: String,
    /// The document's kind.
    pub kind: String,
    /// The document's subject.
    pub subject: String,
    /// When it was collected (RFC 3339, UTC).
    pub collected_at: String,
    /// SHA-256 of the canonical body.
    pub sha256: String,
    /// SHA-256 of the file's bytes.
    pub file_sha256: String,
}

/// Errors that stop an evidence command.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder is missing.
    #[error("evidence folder {0}: not found or not a folder")]
    NoFolder(PathBuf),
    /// The folder has no manifest.
    #[error("evidence folder {0}: no {MANIFEST} (create one with `assay evidence import FILE… --into {0}`)")]
    NoManifest(PathBuf),
    /// The manifest does not parse.
    #[error("{path}: {message}")]
    BadManifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// One or more input documents are invalid; nothing was written.
    #[error("{}\nnothing was imported", .0.join("\n"))]
    Invalid(Vec<String>),
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A document read from a folder, verified against the manifest.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The document.
    pub doc: Document,
    /// Its path relative to the folder.
    pub path: String,
    /// Its body hash.
    pub sha256: String,
}

/// Something wrong with one document of a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The document's path relative to the folder.
    pub path: String,
    /// Its kind, if the manifest or the document says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its subject, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// What `import` did.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    /// Paths written.
    pub added: Vec<String>,
    /// Paths that were already present with the same body.
    pub unchanged: Vec<String>,
}

/// A folder of evidence.
#[derive(Debug, Clone)]
pub struct EvidenceDir {
    root: PathBuf,
}

impl EvidenceDir {
    /// An existing folder.
    pub fn open(root: &Path) -> Result<EvidenceDir, StoreError> {
        if !root.is_dir() {
            return Err(StoreError::NoFolder(root.to_path_buf()));
        }
        Ok(EvidenceDir {
            root: root.to_path_buf(),
        })
    }

    /// The folder's path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads the manifest. A folder without one is an error: evidence that no manifest
    /// vouches for is not evidence.
    pub fn manifest(&self) -> Result<Manifest, StoreError> {
        let path = self.root.join(MANIFEST);
        if !path.is_file() {
            return Err(StoreError::NoManifest(self.root.clone()));
        }
        let text = std::fs::read_to_string(&path).map_err(|source| StoreError::Io {
            path: path.clone(),
            source,
        })?;
        let m: Manifest = serde_json::from_str(&text).map_err(|e| StoreError::BadManifest {
            path: path.clone(),
            message: format!("line {} column {}: {e}", e.line(), e.column()),
        })?;
        if m.schema != MANIFEST_SCHEMA {
            return Err(StoreError::BadManifest {
                path,
                message: format!(
                    "schema: '{}' is not supported (expected '{MANIFEST_SCHEMA}')",
                    m.schema
                ),
            });
        }
        Ok(m)
    }

    /// SHA-256 of the manifest file, recorded in results so a verdict names its evidence.
    pub fn manifest_hash(&self) -> Result<String, StoreError> {
        let path = self.root.join(MANIFEST);
        std::fs::read(&path)
            .map(|b| bytes_hash(&b))
            .map_err(|source| StoreError::Io { path, source })
    }

    /// Imports documents from `files` into the folder at `root` (created if needed).
    /// Every document is parsed and validated first; if any is invalid nothing is written.
    pub fn import(
        root: &Path,
        files: &[PathBuf],
        kinds: &KindRegistry,
    ) -> Result<ImportSummary, StoreError> {
        let mut errors = Vec::new();
        let mut docs = Vec::new();
        for file in files {
            match read_documents(file) {
                Ok(d) => {
                    let many = d.len() > 1;
                    for (i, doc) in d.into_iter().enumerate() {
                        let at = if many {
                            format!("{}: document {}", file.display(), i + 1)
                        } else {
                            file.display().to_string()
                        };
                        docs.push((at, doc));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if files.is_empty() {
            errors.push("no files to import".to_string());
        }
        EvidenceDir::add(root, docs, errors, kinds)
    }

    /// Adds documents (each with a label for messages: its file, or its collector) to the
    /// folder at `root`, created if needed. Collectors call this directly; `errors` are
    /// problems found before (unreadable files) that must also stop the write.
    pub fn add(
        root: &Path,
        docs: Vec<(String, Document)>,
        mut errors: Vec<String>,
        kinds: &KindRegistry,
    ) -> Result<ImportSummary, StoreError> {
        let mut incoming: BTreeMap<String, Document> = BTreeMap::new();
        for (at, mut doc) in docs {
            if let Err((field, msg)) = doc.check_envelope() {
                errors.push(format!("{at}: {field}: {msg}"));
                continue;
            }
            if let Err(problems) = kinds.validate(&doc.kind, &doc.body) {
                for (ptr, msg) in problems {
                    errors.push(format!("{at} ({} {}): {ptr}: {msg}", doc.kind, doc.subject));
                }
                continue;
            }
            let hash = doc.body_hash();
            match &doc.sha256 {
                Some(given) if *given != hash => {
                    errors.push(format!(
                            "{at}: sha256: the body does not match its hash (given {given}, body hashes to {hash}); the document was changed after it was hashed"
                        ));
                    continue;
                }
                _ => doc.sha256 = Some(hash),
            }
            let path = document_path(&doc);
            if let Some(prev) = incoming.get(&path) {
                if prev.sha256 != doc.sha256 {
                    errors.push(format!(
                        "{at}: two different documents for {} {} at {}",
                        doc.kind,
                        doc.subject,
                        format_instant(&doc.collected_at)
                    ));
                }
                continue;
            }
            incoming.insert(path, doc);
        }
        if root.exists() && !root.is_dir() {
            errors.push(format!("{}: exists and is not a folder", root.display()));
        }
        let dir = EvidenceDir {
            root: root.to_path_buf(),
        };
        let mut manifest = if root.join(MANIFEST).is_file() {
            dir.manifest()?
        } else {
            Manifest {
                schema: MANIFEST_SCHEMA.to_string(),
                documents: Vec::new(),
            }
        };
        let existing: BTreeMap<String, Entry> = manifest
            .documents
            .iter()
            .map(|e| (e.path.clone(), e.clone()))
            .collect();
        let mut summary = ImportSummary::default();
        let mut to_write = Vec::new();
        for (path, doc) in incoming {
            let sha = doc.sha256.clone().unwrap_or_default();
            match existing.get(&path) {
                Some(e) if e.sha256 == sha => summary.unchanged.push(path),
                Some(_) => errors.push(format!(
                    "{path}: the folder already holds a different document for {} {} collected at {}",
                    doc.kind,
                    doc.subject,
                    format_instant(&doc.collected_at)
                )),
                None => to_write.push((path, doc)),
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        for (path, doc) in to_write {
            let full = root.join(&path);
            let io = |source| StoreError::Io {
                path: full.clone(),
                source,
            };
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            let mut bytes =
                serde_json::to_vec_pretty(&doc).map_err(|e| io(std::io::Error::other(e)))?;
            bytes.push(b'\n');
            write_atomic(&full, &bytes).map_err(io)?;
            manifest.documents.push(Entry {
                path: path.clone(),
                kind: doc.kind.clone(),
                subject: doc.subject.clone(),
                collected_at: format_instant(&doc.collected_at),
                sha256: doc.sha256.clone().unwrap_or_default(),
                file_sha256: bytes_hash(&bytes),
            });
            summary.added.push(path);
        }
        manifest.documents.sort_by(|a, b| a.path.cmp(&b.path));
        let mpath = root.join(MANIFEST);
        let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| StoreError::Io {
            path: mpath.clone(),
            source: std::io::Error::other(e),
        })?;
        bytes.push(b'\n');
        write_atomic(&mpath, &bytes).map_err(|source| StoreError::Io {
            path: mpath,
            source,
        })?;
        Ok(summary)
    }

    /// Reads every document the manifest lists, checking each against its hashes, its
    /// envelope and its kind's schema. Good documents and problems are both returned, so
    /// one bad file costs only the controls that needed it. Files the manifest does not
    /// list are problems too.
    pub fn load(&self, kinds: &KindRegistry) -> Result<(Vec<Stored>, Vec<Problem>), StoreError> {
        let manifest = self.manifest()?;
        let mut docs = Vec::new();
        let mut problems = Vec::new();
        let mut listed = BTreeSet::new();
        for e in &manifest.documents {
            listed.insert(e.path.clone());
            match self.read_entry(e, kinds) {
                Ok(s) => docs.push(s),
                Err(message) => problems.push(Problem {
                    path: e.path.clone(),
                    kind: Some(e.kind.clone()),
                    subject: Some(e.subject.clone()),
                    message,
                }),
            }
        }
        for path in self.json_files()? {
            if !listed.contains(&path) {
                problems.push(Problem {
                    path,
                    kind: None,
                    subject: None,
                    message: "document is not in the manifest (added or renamed outside `assay evidence import`)".into(),
                });
            }
        }
        Ok((docs, problems))
    }

    /// Checks every document against the manifest: edited, missing or extra files.
    pub fn verify(&self, kinds: &KindRegistry) -> Result<(usize, Vec<Problem>), StoreError> {
        let (docs, problems) = self.load(kinds)?;
        Ok((docs.len(), problems))
    }

    fn read_entry(&self, e: &Entry, kinds: &KindRegistry) -> Result<Stored, String> {
        if e.path.contains("..") || e.path.starts_with('/') {
            return Err("manifest path leaves the evidence folder".into());
        }
        let full = self.root.join(&e.path);
        let bytes = std::fs::read(&full).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => {
                "document is missing (listed in the manifest, not on disk)".to_string()
            }
            _ => format!("cannot read: {err}"),
        })?;
        if bytes_hash(&bytes) != e.file_sha256 {
            return Err("document was edited: its file hash no longer matches the manifest".into());
        }
        let doc: Document = serde_json::from_slice(&bytes)
            .map_err(|err| format!("line {} column {}: {err}", err.line(), err.column()))?;
        doc.check_envelope().map_err(|(f, m)| format!("{f}: {m}"))?;
        let hash = body_hash(&doc.body);
        if doc.sha256.as_deref() != Some(hash.as_str()) || hash != e.sha256 {
            return Err("document body does not match its sha256".into());
        }
        if doc.kind != e.kind || doc.subject != e.subject {
            return Err(format!(
                "document says {} {}, the manifest says {} {}",
                doc.kind, doc.subject, e.kind, e.subject
            ));
        }
        kinds.validate(&doc.kind, &doc.body).map_err(|p| {
            p.into_iter()
                .map(|(ptr, m)| format!("{ptr}: {m}"))
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        Ok(Stored {
            doc,
            path: e.path.clone(),
            sha256: hash,
        })
    }

    /// Every `.json` file below the folder except the manifest and temporary files.
    fn json_files(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.clone()];
        while let Some(d) = stack.pop() {
            let io = |source| StoreError::Io {
                path: d.clone(),
                source,
            };
            for entry in std::fs::read_dir(&d).map_err(io)? {
                let path = entry.map_err(io)?.path();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if path.is_dir() {
                    stack.push(path);
                } else if name.ends_with(".json") && !name.starts_with('.') {
                    let rel = path
                        .strip_prefix(&self.root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    if rel != MANIFEST {
                        out.push(rel);
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Reads one document, or a JSON array of documents, from a file. Errors carry the file,
/// line and column.
pub fn read_documents(file: &Path) -> Result<Vec<Document>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let at = |e: serde_json::Error| {
        // serde_json appends "at line L column C"; say it once, as file:line:column.
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        format!("{}:{}:{}: {msg}", file.display(), e.line(), e.column())
    };
    if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<Document>>(&text).map_err(at)
    } else {
        serde_json::from_str::<Document>(&text)
            .map(|d| vec![d])
            .map_err(at)
    }
}

/// Where a document lives in a folder: `<kind>/<subject>--<time>.json`, with the subject
/// reduced to safe characters and a short hash of the real subject to keep distinct
/// subjects apart.
pub fn document_path(doc: &Document) -> String {
    let slug: String = safe_chars(&doc.subject).take(80).collect();
    let kind: String = safe_chars(&doc.kind).collect();
    let tag = &bytes_hash(doc.subject.as_bytes())[..8];
    format!(
        "{kind}/{slug}-{tag}--{}.json",
        doc.collected_at.format("%Y%m%dT%H%M%SZ")
    )
}

/// The characters of `s` with anything but ASCII letters, digits, `.` and `-` made `_`,
/// so no subject can name a path outside its folder.
fn safe_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
            c
        } else {
            '_'
        }
    })
}
