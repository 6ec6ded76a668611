//! Evidence packs: what an auditor takes away from a run, sealed so that any later change
//! shows.
//!
//! A pack is one folder (and, with `--tar`, the same folder as a `.tar.gz`):
//!
//! ```text
//! PACK/
//!   MANIFEST          sha256sum lines for every other file, sorted    (manifest.rs)
//!   MANIFEST.sig      minisign (Ed25519) signature of MANIFEST         (sign.rs)
//!   pack.json         assay version, created_at, the run's instants, the results'
//!                     summary, catalog / profile / evidence digests, the key ID
//!   results.json      the run's results (assay.results/v1), byte for byte
//!   evidence/         the evidence folder as it was: manifest.json + <kind>/<doc>.json
//!   catalog/          controls/, policies/, profiles/, schemas/ the results were judged with
//!   profile.yaml      the profile file, when it is not one of the catalog's (--profile)
//!   statement/FILE    the security statement the profile's claims quote, if it has one
//!   waivers.yaml      the waivers file, when given (--waivers)
//! ```
//!
//! Why this shape:
//!
//! - **One signature over one manifest.** Signing `MANIFEST` alone keeps signing and
//!   verifying cheap however large the pack, and the manifest lists *every* other file, so
//!   an edited, missing or extra file is each named precisely. The manifest is plain
//!   `sha256sum` output, so `sha256sum -c MANIFEST` and `minisign -V` check a pack with no
//!   assay at all (see `docs/pack.md`).
//! - **The pack is self-describing.** The catalog written out is the one whose digest the
//!   results record (the built-in catalog's embedded files, or the `--catalog` folder's):
//!   packing refuses when they differ, and verifying recomputes the digest. The evidence is
//!   copied byte for byte with its own `manifest.json`, and packing refuses evidence whose
//!   files no longer match that manifest, results that were judged on another state of the
//!   folder, or results that cite a document the folder does not hold.
//! - **Verification is honest.** `verify` reports every problem it finds (edited,
//!   missing, extra, non-regular file; malformed manifest; signature missing, bad or by
//!   another key; a truncated or unsafe tarball) naming the file, and passes only when
//!   there is none. Without a public key it does not pretend: the signature is reported
//!   as not verified and the pack fails, unless `--no-signature` asks for hashes only.
//! - **Hashing is the cost, so it runs on every core.** Packing hashes each evidence file
//!   while copying it (one read, and the hash is of exactly the bytes written), in
//!   parallel with rayon; verifying hashes in parallel too. Files are streamed through a
//!   fixed buffer per thread, never loaded whole. A tarball is read as a stream: its
//!   entries are hashed as they pass and nothing is written to disk, so a hostile archive
//!   (absolute paths, `..`, links, devices, duplicates, a cut-short stream) is reported,
//!   never unpacked.
//! - **Retention.** [`period`] collects the packs of an audit period into one index with
//!   each control's history; a pack that fails verification is listed and left out, never
//!   counted.

pub mod cli;
pub mod create;
pub mod manifest;
pub mod period;
pub mod sign;
pub mod tarball;
pub mod verify;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::check::result::{Summary, ToolInfo};

/// The `pack.json` format version.
pub const PACK_SCHEMA: &str = "assay.pack/v1";
/// The metadata file.
pub const PACK_JSON: &str = "pack.json";
/// The results file.
pub const RESULTS_JSON: &str = "results.json";
/// The evidence folder inside a pack.
pub const EVIDENCE_DIR: &str = "evidence";
/// The catalog folder inside a pack.
pub const CATALOG_DIR: &str = "catalog";
/// A profile file that is not part of the catalog.
pub const PROFILE_YAML: &str = "profile.yaml";
/// The waivers file.
pub const WAIVERS_YAML: &str = "waivers.yaml";
/// The folder holding the security statement the profile quotes.
pub const STATEMENT_DIR: &str = "statement";

/// Errors that stop a pack command.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// Bad input or usage: the command cannot run (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing failed (exit 2).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The inputs failed their checks (tampered evidence, results that do not match it):
    /// nothing was packed (exit 1). One line per problem, each naming its file.
    #[error("{}", .0.join("\n"))]
    Refused(Vec<String>),
}

impl PackError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> PackError {
        let path = path.into();
        move |source| PackError::Io { path, source }
    }
}

/// `pack.json`: what a pack holds, for people and for [`period`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackMeta {
    /// Always [`PACK_SCHEMA`].
    pub schema: String,
    /// The assay that made the pack.
    pub tool: ToolInfo,
    /// When the pack was made (RFC 3339, UTC).
    pub created_at: String,
    /// The run the pack holds.
    pub run: RunPeriod,
    /// `results.json`.
    pub results: ResultsRef,
    /// The catalog in `catalog/`.
    pub catalog: CatalogRef,
    /// The profile the run used, if any.
    pub profile: Option<ProfileRef>,
    /// The waivers file, if one was packed.
    pub waivers: Option<FileRef>,
    /// The security statement the profile quotes, if it has one (`statement/<file>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<FileRef>,
    /// The evidence in `evidence/`.
    pub evidence: EvidenceRef,
    /// The key ID that signed `MANIFEST` (as minisign prints it).
    pub signing_key_id: String,
}

/// The instants a run covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPeriod {
    /// The instant the evidence was judged at (`--now` of the run): the run time that
    /// audit periods select on.
    pub evaluated_at: String,
    /// When the results were written.
    pub generated_at: String,
    /// The oldest evidence the results evaluated (RFC 3339), if any.
    pub evidence_from: Option<String>,
    /// The newest evidence the results evaluated, if any.
    pub evidence_to: Option<String>,
}

/// `results.json` and its summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsRef {
    /// Path in the pack.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The results' counts per status.
    pub summary: Summary,
    /// The profile name the results record.
    pub profile: Option<String>,
}

/// The catalog in the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRef {
    /// Folder in the pack.
    pub path: String,
    /// `built-in` or the folder the run read, as the results record it.
    pub origin: String,
    /// The catalog digest (as `assay check` records it in results).
    pub sha256: String,
    /// Number of files.
    pub files: usize,
}

/// The profile in the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRef {
    /// The profile's name.
    pub name: String,
    /// Its file in the pack.
    pub path: String,
    /// SHA-256 of that file.
    pub sha256: String,
}

/// A file in the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// Path in the pack.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
}

/// The evidence folder in the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRef {
    /// Folder in the pack.
    pub path: String,
    /// Number of documents.
    pub documents: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// SHA-256 of its `manifest.json` (what results record as `evidence.manifest_sha256`).
    pub manifest_sha256: String,
}
