//! `assay pack`: checks the inputs, copies them into a new pack, writes `MANIFEST` and
//! signs it.
//!
//! Nothing is packed that does not hold together: every evidence file must match the
//! folder's `manifest.json` (file hash), the results must have been judged on exactly that
//! manifest (`evidence.manifest_sha256`) and cite only documents it lists with the same
//! body hash, and the catalog written out must have the digest the results record. Every
//! problem is reported, each naming its file, and nothing is written.
//!
//! The file hash is enough to vouch for a document: `assay evidence import` checked its
//! envelope, schema and body hash when it recorded that hash, and the same bytes cannot
//! have changed since. Re-parsing 100,000 documents would cost more than copying them.
//!
//! The pack is built in a hidden sibling folder and renamed into place at the end, so an
//! interrupted run leaves no half-made pack under the name an auditor expects.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::manifest::{
    check_rel_path, copy_and_hash, sha256_hex, walk, Manifest, MANIFEST, SIGNATURE,
};
use super::sign::load_secret;
use super::tarball::Source;
use super::{
    CatalogRef, EvidenceRef, FileRef, PackError, PackMeta, ProfileRef, ResultsRef, RunPeriod,
    CATALOG_DIR, EVIDENCE_DIR, PACK_JSON, PACK_SCHEMA, PROFILE_YAML, RESULTS_JSON, STATEMENT_DIR,
    WAIVERS_YAML,
};
use crate::bundle::Bundle;
use crate::check::result::{EvidenceUse, RunResult, ToolInfo, RESULTS_SCHEMA};
use crate::evidence::store::{EvidenceDir, MANIFEST as EVIDENCE_MANIFEST};
use crate::timefmt::{format_instant, parse_instant};

/// What to pack.
#[derive(Debug, Clone)]
pub struct CreateOptions {
    /// The evidence folder the results were judged on.
    pub evidence: PathBuf,
    /// The results (`assay check --format json`).
    pub results: PathBuf,
    /// The pack folder to create (must not exist).
    pub out: PathBuf,
    /// The secret key to sign with.
    pub key: PathBuf,
    /// The secret key's password, if it has one.
    pub password: Option<String>,
    /// The catalog folder the run used (`--catalog`), when it was not the built-in one.
    pub catalog: Option<PathBuf>,
    /// The profile file the run used, when it is not one of the catalog's.
    pub profile: Option<PathBuf>,
    /// The waivers file the run used.
    pub waivers: Option<PathBuf>,
    /// A folder, a tarball, or both.
    pub form: PackForm,
}

/// What `assay pack` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackForm {
    /// The pack folder.
    Folder,
    /// The pack folder and `OUT.tar.gz` made from it (`--tar`).
    FolderAndTar,
    /// Only `OUT.tar.gz`, streamed from the evidence folder (`--tar-only`): no 100,000
    /// small files to create, so on most disks the fastest way to pack.
    Tar,
}

/// What [`create`] made.
#[derive(Debug, Clone)]
pub struct Created {
    /// The pack: its folder, or the tarball with `--tar-only`.
    pub out: PathBuf,
    /// The tarball beside the folder, with `--tar`.
    pub tarball: Option<PathBuf>,
    /// Evidence documents packed.
    pub documents: usize,
    /// Their bytes.
    pub evidence_bytes: u64,
    /// Files in MANIFEST.
    pub files: usize,
    /// The signing key's ID.
    pub key_id: String,
    /// Where the public half probably is (`NAME.pub` beside `NAME.key`).
    pub public_key: PathBuf,
    /// The catalog's origin and number of files.
    pub catalog: (String, usize),
    /// The profile packed, if any.
    pub profile: Option<String>,
    /// Things the user should know that did not stop the pack.
    pub warnings: Vec<String>,
}

impl Created {
    /// The summary printed after packing.
    pub fn render(&self) -> String {
        let mut s = format!(
            "packed {} evidence document(s) ({:.1} MB), results.json, catalog ({}, {} files){} → {}\n",
            self.documents,
            self.evidence_bytes as f64 / 1e6,
            self.catalog.0,
            self.catalog.1,
            self.profile
                .as_ref()
                .map(|p| format!(", profile {p}"))
                .unwrap_or_default(),
            self.out.display()
        );
        s.push_str(&format!(
            "MANIFEST: {} files; MANIFEST.sig: signed with key ID {}\n",
            self.files, self.key_id
        ));
        if let Some(t) = &self.tarball {
            s.push_str(&format!("tarball: {}\n", t.display()));
        }
        s.push_str(&format!(
            "verify with: assay pack verify {} --key {}\n",
            self.tarball.as_ref().unwrap_or(&self.out).display(),
            self.public_key.display()
        ));
        s
    }
}

/// Removes the half-made pack unless the pack was finished.
struct Partial {
    dir: PathBuf,
    done: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Reads `path` whole, naming it on failure.
fn read(path: &Path) -> Result<Vec<u8>, PackError> {
    std::fs::read(path).map_err(PackError::io(path))
}

/// The results file, parsed and checked.
pub fn read_results(path: &Path, bytes: &[u8]) -> Result<RunResult, String> {
    let r: RunResult = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "{}:{}:{}: not an assay results document: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if r.schema != RESULTS_SCHEMA {
        return Err(format!(
            "{}: schema '{}' is not supported (expected '{RESULTS_SCHEMA}')",
            path.display(),
            r.schema
        ));
    }
    Ok(r)
}

/// The catalog the results were judged with: the built-in one, the `--catalog` folder,
/// or the folder the results name. Its digest must be the one the results record.
fn resolve_catalog(results: &RunResult, given: Option<&Path>) -> Result<Bundle, PackError> {
    let want = &results.catalog.sha256;
    let (bundle, what) = match given {
        Some(dir) => (
            Bundle::from_dir(dir).map_err(|e| PackError::Usage(e.to_string()))?,
            format!("the catalog in {}", dir.display()),
        ),
        None if results.catalog.origin == "built-in" => (
            Bundle::builtin(),
            format!("the built-in catalog of assay {}", crate::VERSION),
        ),
        None => {
            let dir = Path::new(&results.catalog.origin);
            if !dir.is_dir() {
                return Err(PackError::Usage(format!(
                    "the results were judged with the catalog in {}, which is not here: give --catalog DIR",
                    results.catalog.origin
                )));
            }
            (
                Bundle::from_dir(dir).map_err(|e| PackError::Usage(e.to_string()))?,
                format!("the catalog in {}", dir.display()),
            )
        }
    };
    let have = bundle.digest();
    if &have != want {
        return Err(PackError::Usage(format!(
            "the results were judged with catalog sha256 {want} (origin {}), but {what} has sha256 {have}: \
             give --catalog DIR with the catalog the run used",
            results.catalog.origin
        )));
    }
    Ok(bundle)
}

/// The catalog's files by path, as they go under `catalog/`: every file the digest
/// covers, so verification can recompute it from the pack alone.
fn catalog_files(bundle: &Bundle) -> Result<BTreeMap<String, String>, PackError> {
    let mut files = BTreeMap::new();
    for (rel, text) in bundle.all_files() {
        check_rel_path(rel).map_err(|e| PackError::Usage(format!("catalog file {rel}: {e}")))?;
        files.insert(rel.to_string(), text.to_string());
    }
    Ok(files)
}

/// A profile to pack and where it goes.
struct PackedProfile {
    name: String,
    /// Path in the pack.
    path: String,
    /// The file to write, when it is not one of the catalog's.
    bytes: Option<Vec<u8>>,
}

/// The evidence folder, checked: its manifest's bytes and the documents to copy.
struct CheckedEvidence {
    manifest: Vec<u8>,
    /// `(path, file_sha256)` of each document.
    docs: Vec<(String, String)>,
}

/// One copied document: its path, and its hash and size or what went wrong.
type Copied = (String, Result<(String, u64), String>);

/// The profile to pack: `(name, path in pack, bytes to write if not in the catalog)`.
fn resolve_profile(
    results: &RunResult,
    bundle: &Bundle,
    given: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Result<Option<PackedProfile>, PackError> {
    let Some(name) = &results.profile else {
        if let Some(p) = given {
            return Err(PackError::Usage(format!(
                "--profile {}: the results record no profile (the run used every control with default params)",
                p.display()
            )));
        }
        return Ok(None);
    };
    let recorded = results.profile_file.as_ref();
    if let Some(p) = given {
        let bytes = read(p)?;
        if let Some(r) = recorded {
            let have = sha256_hex(&bytes);
            if have != r.sha256 {
                return Err(PackError::Usage(format!(
                    "{}: not the profile file the run read: it has sha256 {have}, the results record {} with sha256 {}",
                    p.display(),
                    r.path,
                    r.sha256
                )));
            }
        }
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_slice(&bytes)
            .map_err(|e| PackError::Usage(format!("{}: not YAML: {e}", p.display())))?;
        let file_name = v.get("name").and_then(|n| n.as_str()).unwrap_or("");
        if file_name != name {
            return Err(PackError::Usage(format!(
                "{}: this is profile '{file_name}', but the results were judged with profile '{name}'",
                p.display()
            )));
        }
        return Ok(Some(PackedProfile {
            name: name.clone(),
            path: PROFILE_YAML.to_string(),
            bytes: Some(bytes),
        }));
    }
    let rel = format!("profiles/{name}.yaml");
    if let Some(text) = bundle.get(&rel) {
        match recorded {
            Some(r) if sha256_hex(text.as_bytes()) == r.sha256 => {
                return Ok(Some(PackedProfile {
                    name: name.clone(),
                    path: format!("{CATALOG_DIR}/{rel}"),
                    bytes: None,
                }))
            }
            Some(r) => {
                return Err(PackError::Usage(format!(
                    "the run read the profile file {} (sha256 {}), not the catalog's {rel}: give --profile {}",
                    r.path, r.sha256, r.path
                )))
            }
            None => {}
        }
        warnings.push(format!(
            "the results record only the profile's name, '{name}': packed the catalog's {rel}; \
             if the run used a profile file of that name, pack again with --profile FILE"
        ));
        return Ok(Some(PackedProfile {
            name: name.clone(),
            path: format!("{CATALOG_DIR}/{rel}"),
            bytes: None,
        }));
    }
    Err(PackError::Usage(format!(
        "the results were judged with profile '{name}', which is not one of the catalog's: \
         give --profile {}, the profile file the run used",
        recorded.map_or("FILE", |r| r.path.as_str())
    )))
}

/// The security statement the packed profile quotes, as `(path in the pack, text)`, so
/// the auditor holds the claims' source beside the verdicts. A statement that cannot be
/// found is a warning: the results do not depend on it.
fn statement_of(
    packed: &PackedProfile,
    bundle: &Bundle,
    given: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Option<(String, String)> {
    let (shown, text, path) = match (&packed.bytes, given) {
        (Some(bytes), Some(file)) => (
            file.display().to_string(),
            String::from_utf8_lossy(bytes).into_owned(),
            Some(file.to_path_buf()),
        ),
        _ => {
            let rel = packed.path.strip_prefix(&format!("{CATALOG_DIR}/"))?;
            (
                bundle.display_path(rel),
                bundle.get(rel)?.to_string(),
                bundle.disk_path(rel),
            )
        }
    };
    let mut profile = match crate::catalog::profile::Profile::parse(&shown, &text) {
        Ok(p) => p,
        Err(e) => {
            warnings.push(format!("{shown}: its statement is not packed: {e}"));
            return None;
        }
    };
    profile.path = path;
    match profile.statement_text()? {
        Ok(st) => {
            let file = profile.statement.as_ref()?.file.clone();
            let name = Path::new(&file).file_name()?.to_str()?.to_string();
            Some((format!("{STATEMENT_DIR}/{name}"), st.text))
        }
        Err(e) => {
            warnings.push(format!("{shown}: its statement is not packed: {e}"));
            None
        }
    }
}

/// Checks the evidence folder against its manifest and the results against both.
/// Returns the manifest bytes and the documents to copy: `(path, file_sha256)`.
fn check_evidence(
    dir: &Path,
    results: &RunResult,
    results_path: &Path,
    warnings: &mut Vec<String>,
) -> Result<CheckedEvidence, PackError> {
    let ev = EvidenceDir::open(dir).map_err(|e| PackError::Usage(e.to_string()))?;
    let manifest = ev.manifest().map_err(|e| PackError::Usage(e.to_string()))?;
    let mpath = dir.join(EVIDENCE_MANIFEST);
    let mbytes = read(&mpath)?;
    let mut problems = Vec::new();
    let mhash = sha256_hex(&mbytes);
    if mhash != results.evidence.manifest_sha256 {
        problems.push(format!(
            "{}: the evidence folder changed since the run (its manifest hashes to {mhash}, the results were judged on {}): \
             re-run assay check on it, or pack the folder the results were judged on",
            mpath.display(),
            results.evidence.manifest_sha256
        ));
    }
    let mut listed: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for e in &manifest.documents {
        if let Err(m) = check_rel_path(&e.path) {
            problems.push(format!("{}: entry {:?}: {m}", mpath.display(), e.path));
            continue;
        }
        if e.path == EVIDENCE_MANIFEST {
            problems.push(format!("{}: lists itself", mpath.display()));
            continue;
        }
        listed.insert(e.path.as_str(), (e.sha256.as_str(), e.file_sha256.as_str()));
    }
    // Every document the results cite must be in the folder, with the body they judged.
    let mut cited = BTreeSet::new();
    for c in &results.controls {
        for r in &c.evidence {
            if !cited.insert(r.path.as_str()) {
                continue;
            }
            match listed.get(r.path.as_str()) {
                None => problems.push(format!(
                    "{}: control {} cites evidence {}, which {} does not list",
                    results_path.display(),
                    c.id,
                    r.path,
                    mpath.display()
                )),
                Some((body, _)) if *body != r.sha256 => problems.push(format!(
                    "{}: control {} judged {} with body sha256 {}, but the folder's document has {body}",
                    results_path.display(),
                    c.id,
                    r.path,
                    r.sha256
                )),
                Some(_) => {}
            }
        }
        for f in &c.findings {
            if let Some(p) = &f.evidence {
                if !listed.contains_key(p.as_str()) && cited.insert(p.as_str()) {
                    problems.push(format!(
                        "{}: control {} finding for {} cites evidence {p}, which {} does not list",
                        results_path.display(),
                        c.id,
                        f.subject,
                        mpath.display()
                    ));
                }
            }
        }
    }
    let w = walk(dir).map_err(PackError::io(dir))?;
    for (rel, what) in &w.others {
        problems.push(format!(
            "{}: is {what}; evidence must be regular files",
            dir.join(rel).display()
        ));
    }
    let present: BTreeSet<&str> = w.files.iter().map(String::as_str).collect();
    for rel in &w.files {
        if rel == EVIDENCE_MANIFEST || listed.contains_key(rel.as_str()) {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if name.starts_with('.') {
            warnings.push(format!(
                "{}: hidden file, not evidence: not packed",
                dir.join(rel).display()
            ));
        } else {
            problems.push(format!(
                "{}: not in {} (added or renamed outside `assay evidence import`)",
                dir.join(rel).display(),
                EVIDENCE_MANIFEST
            ));
        }
    }
    for rel in listed.keys() {
        if !present.contains(rel) {
            problems.push(format!(
                "{}: missing (listed in {EVIDENCE_MANIFEST}, not on disk)",
                dir.join(rel).display()
            ));
        }
    }
    if !problems.is_empty() {
        return Err(PackError::Refused(problems));
    }
    let docs = listed
        .into_iter()
        .map(|(p, (_, file))| (p.to_string(), file.to_string()))
        .collect();
    Ok(CheckedEvidence {
        manifest: mbytes,
        docs,
    })
}

/// The oldest and newest evidence the results evaluated.
fn evidence_span(results: &RunResult) -> (Option<String>, Option<String>) {
    let times: BTreeSet<_> = results
        .controls
        .iter()
        .flat_map(|c| &c.evidence)
        .filter(|r| r.use_ == EvidenceUse::Evaluated)
        .filter_map(|r| parse_instant(&r.collected_at).ok())
        .collect();
    (
        times.first().map(format_instant),
        times.last().map(format_instant),
    )
}

/// Makes a pack. See the module docs for what is checked first.
pub fn create(opts: &CreateOptions) -> Result<Created, PackError> {
    // `--tar-only --out packs/2026-11.tar.gz` names the tarball; the folder inside is
    // `2026-11` either way.
    let stripped = match opts.out.to_str().and_then(|o| o.strip_suffix(".tar.gz")) {
        Some(base) if opts.form == PackForm::Tar => PathBuf::from(base),
        _ => opts.out.clone(),
    };
    let out = &stripped;
    if opts.form != PackForm::Tar && out.symlink_metadata().is_ok() {
        return Err(PackError::Usage(format!(
            "{}: already exists; a pack is never overwritten (choose another --out)",
            out.display()
        )));
    }
    let out_name = out
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .ok_or_else(|| PackError::Usage(format!("--out {}: not a folder name", out.display())))?
        .to_string();
    let tarball = (opts.form != PackForm::Folder).then(|| tarball_path(out));
    if let Some(t) = &tarball {
        if t.symlink_metadata().is_ok() {
            return Err(PackError::Usage(format!(
                "{}: already exists; a pack is never overwritten",
                t.display()
            )));
        }
    }
    let mut warnings = Vec::new();
    let (key, key_warning) = load_secret(&opts.key, opts.password.clone())?;
    warnings.extend(key_warning);

    let results_bytes = read(&opts.results)?;
    let results = read_results(&opts.results, &results_bytes).map_err(PackError::Usage)?;
    let bundle = resolve_catalog(&results, opts.catalog.as_deref())?;
    let catalog = catalog_files(&bundle)?;
    let profile = resolve_profile(&results, &bundle, opts.profile.as_deref(), &mut warnings)?;
    let waivers = opts.waivers.as_deref().map(read).transpose()?;
    match (&waivers, &results.waivers_file, &opts.waivers) {
        (Some(bytes), Some(r), Some(path)) if sha256_hex(bytes) != r.sha256 => {
            return Err(PackError::Usage(format!(
                "{}: not the waivers file the run read: it has sha256 {}, the results record {} with sha256 {}",
                path.display(),
                sha256_hex(bytes),
                r.path,
                r.sha256
            )))
        }
        (None, Some(r), _) => warnings.push(format!(
            "the run read the waivers file {}: it is not packed, so the auditor sees the waivers' \
             outcomes but not the file (pack again with --waivers {})",
            r.path, r.path
        )),
        _ => {}
    }
    let CheckedEvidence {
        manifest: ev_manifest,
        docs,
    } = check_evidence(&opts.evidence, &results, &opts.results, &mut warnings)?;

    // Everything but the evidence documents, as it goes into the pack.
    let mut small: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    small.insert(format!("{EVIDENCE_DIR}/{EVIDENCE_MANIFEST}"), ev_manifest);
    small.insert(RESULTS_JSON.into(), results_bytes);
    for (rel, text) in catalog.iter() {
        small.insert(format!("{CATALOG_DIR}/{rel}"), text.as_bytes().to_vec());
    }
    if let Some(PackedProfile {
        path,
        bytes: Some(bytes),
        ..
    }) = &profile
    {
        small.insert(path.clone(), bytes.clone());
    }
    if let Some(bytes) = waivers {
        small.insert(WAIVERS_YAML.into(), bytes);
    }
    let statement = profile
        .as_ref()
        .and_then(|p| statement_of(p, &bundle, opts.profile.as_deref(), &mut warnings));
    if let Some((rel, text)) = &statement {
        small.insert(rel.clone(), text.as_bytes().to_vec());
    }

    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(PackError::io(&parent))?;

    let mut manifest = Manifest::default();
    let (evidence_bytes, partial) = match opts.form {
        PackForm::Folder | PackForm::FolderAndTar => {
            let tmp = parent.join(format!(".{out_name}.partial-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            std::fs::create_dir(&tmp).map_err(PackError::io(&tmp))?;
            let partial = Partial {
                dir: tmp,
                done: false,
            };
            let n = copy_evidence(&opts.evidence, &partial.dir, &docs, &mut manifest)?;
            (n, Some(partial))
        }
        // The tarball is streamed from the evidence folder: each document is hashed as it
        // is read and must still have the hash MANIFEST gives it, or the tarball is dropped.
        PackForm::Tar => {
            let sizes: Vec<Result<u64, String>> = docs
                .par_iter()
                .map(|(rel, _)| {
                    let src = opts.evidence.join(rel);
                    std::fs::metadata(&src)
                        .map(|m| m.len())
                        .map_err(|e| format!("{}: {e}", src.display()))
                })
                .collect();
            let mut problems = Vec::new();
            let mut n = 0;
            for ((rel, hash), size) in docs.iter().zip(sizes) {
                match size {
                    Ok(size) => n += size,
                    Err(m) => problems.push(m),
                }
                manifest
                    .entries
                    .insert(format!("{EVIDENCE_DIR}/{rel}"), hash.clone());
            }
            if !problems.is_empty() {
                return Err(PackError::Refused(problems));
            }
            (n, None)
        }
    };
    for (rel, bytes) in &small {
        manifest.entries.insert(rel.clone(), sha256_hex(bytes));
    }
    let hash_of = |rel: &str| manifest.entries.get(rel).cloned().unwrap_or_default();

    let created_at = format_instant(&chrono::Utc::now());
    let (evidence_from, evidence_to) = evidence_span(&results);
    let meta = PackMeta {
        schema: PACK_SCHEMA.into(),
        tool: ToolInfo {
            name: "assay".into(),
            version: crate::VERSION.into(),
        },
        created_at: created_at.clone(),
        run: RunPeriod {
            evaluated_at: results.evaluated_at.clone(),
            generated_at: results.generated_at.clone(),
            evidence_from,
            evidence_to,
        },
        results: ResultsRef {
            path: RESULTS_JSON.into(),
            sha256: hash_of(RESULTS_JSON),
            summary: results.summary.clone(),
            profile: results.profile.clone(),
        },
        catalog: CatalogRef {
            path: CATALOG_DIR.into(),
            origin: results.catalog.origin.clone(),
            sha256: results.catalog.sha256.clone(),
            files: catalog.len(),
        },
        profile: profile.as_ref().map(|p| ProfileRef {
            name: p.name.clone(),
            path: p.path.clone(),
            sha256: hash_of(&p.path),
        }),
        waivers: small.contains_key(WAIVERS_YAML).then(|| FileRef {
            path: WAIVERS_YAML.into(),
            sha256: hash_of(WAIVERS_YAML),
        }),
        statement: statement.as_ref().map(|(rel, _)| FileRef {
            path: rel.clone(),
            sha256: hash_of(rel),
        }),
        evidence: EvidenceRef {
            path: EVIDENCE_DIR.into(),
            documents: docs.len(),
            bytes: evidence_bytes,
            manifest_sha256: hash_of(&format!("{EVIDENCE_DIR}/{EVIDENCE_MANIFEST}")),
        },
        signing_key_id: key.id().to_string(),
    };
    let mut meta_bytes = serde_json::to_vec_pretty(&meta)
        .map_err(|e| PackError::Usage(format!("pack.json: {e}")))?;
    meta_bytes.push(b'\n');
    manifest
        .entries
        .insert(PACK_JSON.into(), sha256_hex(&meta_bytes));
    small.insert(PACK_JSON.into(), meta_bytes);

    let text = manifest.render();
    let files = manifest.entries.len();
    let trusted = format!(
        "assay evidence pack; created_at={created_at}; evaluated_at={}; files={files}; key={}",
        results.evaluated_at,
        key.id()
    );
    let sig = key.sign(text.as_bytes(), &trusted)?;

    if let Some(mut partial) = partial {
        let tmp = partial.dir.clone();
        for (rel, bytes) in small
            .iter()
            .map(|(r, b)| (r.as_str(), b.as_slice()))
            .chain([(MANIFEST, text.as_bytes()), (SIGNATURE, sig.as_bytes())])
        {
            let full = tmp.join(rel);
            if let Some(p) = full.parent() {
                std::fs::create_dir_all(p).map_err(PackError::io(p))?;
            }
            std::fs::write(&full, bytes).map_err(PackError::io(&full))?;
        }
        std::fs::rename(&tmp, out).map_err(PackError::io(out))?;
        partial.done = true;
    }
    if let Some(t) = &tarball {
        // MANIFEST and its signature first, so `tar tzf | head` shows what the pack is.
        let mut entries = vec![
            (MANIFEST.to_string(), Source::Bytes(text.into_bytes())),
            (SIGNATURE.to_string(), Source::Bytes(sig.into_bytes())),
        ];
        for (rel, hash) in &manifest.entries {
            let source = match (opts.form, small.remove(rel)) {
                (PackForm::Tar, Some(bytes)) => Source::Bytes(bytes),
                (PackForm::Tar, None) => Source::File {
                    path: opts.evidence.join(&rel[EVIDENCE_DIR.len() + 1..]),
                    sha256: Some(hash.clone()),
                },
                _ => Source::File {
                    path: out.join(rel),
                    sha256: Some(hash.clone()),
                },
            };
            entries.push((rel.clone(), source));
        }
        super::tarball::write(t, &out_name, entries)?;
    }
    Ok(Created {
        out: match opts.form {
            PackForm::Tar => tarball.clone().unwrap_or_else(|| out.clone()),
            _ => out.clone(),
        },
        tarball: tarball.filter(|_| opts.form != PackForm::Tar),
        documents: docs.len(),
        evidence_bytes,
        files,
        key_id: key.id().to_string(),
        public_key: public_key_path(&opts.key),
        catalog: (results.catalog.origin.clone(), catalog.len()),
        profile: profile.map(|p| format!("{} ({})", p.name, p.path)),
        warnings,
    })
}

/// Copies and hashes every evidence document into `pack/evidence/` on all cores, each
/// checked against its recorded file hash; returns the bytes copied.
fn copy_evidence(
    from: &Path,
    pack: &Path,
    docs: &[(String, String)],
    manifest: &mut Manifest,
) -> Result<u64, PackError> {
    let ev_root = pack.join(EVIDENCE_DIR);
    let dirs: BTreeSet<PathBuf> = docs
        .iter()
        .filter_map(|(p, _)| ev_root.join(p).parent().map(Path::to_path_buf))
        .chain([ev_root.clone()])
        .collect();
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(PackError::io(d))?;
    }
    let copied: Vec<Copied> = docs
        .par_iter()
        .map(|(rel, want)| {
            let src = from.join(rel);
            let r = match copy_and_hash(&src, &ev_root.join(rel)) {
                Ok((h, n)) if &h == want => Ok((h, n)),
                Ok(_) => Err(format!(
                    "{}: edited after it was imported: its file hash no longer matches {EVIDENCE_MANIFEST}",
                    src.display()
                )),
                Err(e) => Err(format!("{}: {e}", src.display())),
            };
            (rel.clone(), r)
        })
        .collect();
    let mut problems = Vec::new();
    let mut bytes = 0u64;
    for (rel, r) in copied {
        match r {
            Ok((h, n)) => {
                bytes += n;
                manifest.entries.insert(format!("{EVIDENCE_DIR}/{rel}"), h);
            }
            Err(m) => problems.push(m),
        }
    }
    if !problems.is_empty() {
        return Err(PackError::Refused(problems));
    }
    Ok(bytes)
}

/// `NAME.pub` for the secret key `NAME.key` (what `assay key generate` writes).
fn public_key_path(secret: &Path) -> PathBuf {
    if secret.extension().is_some_and(|e| e == "key") {
        secret.with_extension("pub")
    } else {
        PathBuf::from("PUBLIC.pub")
    }
}

/// `OUT.tar.gz` beside the pack folder `OUT`.
pub fn tarball_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_os_string();
    s.push(".tar.gz");
    PathBuf::from(s)
}
