//! The files a catalog is made of: controls, policies, profiles and evidence schemas.
//!
//! The built-in catalog is embedded in the binary so that an installed `assay` works from
//! any directory; `--catalog DIR` reads the same layout from disk instead. Everything
//! downstream sees a [`Bundle`] and never cares which one it got, except for the paths it
//! prints in messages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use sha2::{Digest, Sha256};

static CONTROLS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/controls");
static POLICIES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/policies");
static PROFILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/profiles");
// Evidence schemas only: schemas/ also holds report schemas (OSCAL) the catalog never uses.
static SCHEMAS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/schemas/evidence");

/// The top-level folders of a catalog and the file extension each holds.
const LAYOUT: [(&str, &str); 4] = [
    ("controls", "yaml"),
    ("policies", "rego"),
    ("profiles", "yaml"),
    ("schemas/evidence", "json"),
];

/// The shared Rego helpers every policy may import as `data.assay.lib`.
const LIB_REGO: &str = "policies/lib.rego";

/// Where a bundle's files came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary at build time.
    BuiltIn,
    /// Read from this folder (evidence schemas and `policies/lib.rego` missing there fall
    /// back to the built-in ones).
    Dir(PathBuf),
}

/// Errors reading a catalog from disk.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The folder does not exist or is not a folder.
    #[error("catalog folder {0}: not found or not a folder")]
    NotFound(PathBuf),
    /// The folder exists but has no `controls/` folder.
    #[error("catalog folder {0}: has no controls/ folder (expected controls/*.yaml and policies/*.rego)")]
    NoControls(PathBuf),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The text files of one catalog, keyed by their path relative to the catalog root,
/// always with `/` separators (`controls/tls.yaml`).
#[derive(Debug, Clone)]
pub struct Bundle {
    origin: Origin,
    files: BTreeMap<String, String>,
}

impl Bundle {
    /// The catalog compiled into this binary.
    pub fn builtin() -> Bundle {
        let mut files = BTreeMap::new();
        for (dir, root) in [
            (&CONTROLS, "controls"),
            (&POLICIES, "policies"),
            (&PROFILES, "profiles"),
            (&SCHEMAS, "schemas/evidence"),
        ] {
            collect_embedded(dir, root, &mut files);
        }
        Bundle {
            origin: Origin::BuiltIn,
            files,
        }
    }

    /// A catalog read from `dir`, which holds `controls/`, `policies/` and optionally
    /// `profiles/` and `schemas/`. Evidence schemas and the Rego helpers it lacks come
    /// from the built-in catalog, so a custom catalog can judge the standard evidence
    /// kinds with a single policy file.
    pub fn from_dir(dir: &Path) -> Result<Bundle, BundleError> {
        if !dir.is_dir() {
            return Err(BundleError::NotFound(dir.to_path_buf()));
        }
        if !dir.join("controls").is_dir() {
            return Err(BundleError::NoControls(dir.to_path_buf()));
        }
        let mut files = BTreeMap::new();
        for (sub, ext) in LAYOUT {
            read_tree(dir, &dir.join(sub), ext, &mut files)?;
        }
        // A custom catalog may lean on the built-in evidence schemas and Rego helpers
        // (`data.assay.lib`) instead of copying them; its own files win.
        for (path, text) in Bundle::builtin().files {
            if path.starts_with("schemas/") || path == LIB_REGO {
                files.entry(path).or_insert(text);
            }
        }
        Ok(Bundle {
            origin: Origin::Dir(dir.to_path_buf()),
            files,
        })
    }

    /// A bundle made from in-memory files (tests and benchmarks).
    pub fn from_files(files: BTreeMap<String, String>) -> Bundle {
        Bundle {
            origin: Origin::BuiltIn,
            files,
        }
    }

    /// Where this bundle came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Where a bundle file lies on disk, for a bundle read from a folder.
    pub fn disk_path(&self, rel: &str) -> Option<PathBuf> {
        match &self.origin {
            Origin::Dir(d) => Some(d.join(rel)),
            Origin::BuiltIn => None,
        }
    }

    /// A human-readable description of the origin, for reports.
    pub fn origin_label(&self) -> String {
        match &self.origin {
            Origin::BuiltIn => "built-in".to_string(),
            Origin::Dir(d) => d.display().to_string(),
        }
    }

    /// The path to show a person for a bundle file: the real path on disk, or the
    /// relative path marked as built-in.
    pub fn display_path(&self, rel: &str) -> String {
        match &self.origin {
            Origin::Dir(d) if d.join(rel).exists() => d.join(rel).display().to_string(),
            _ => format!("{rel} (built-in)"),
        }
    }

    /// Files whose relative path starts with `prefix` and ends with `.ext`, in path order.
    pub fn files<'a>(
        &'a self,
        prefix: &'a str,
        ext: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.files
            .iter()
            .filter(move |(p, _)| {
                p.starts_with(prefix) && Path::new(p).extension().is_some_and(|e| e == ext)
            })
            .map(|(p, t)| (p.as_str(), t.as_str()))
    }

    /// One file's text.
    pub fn get(&self, rel: &str) -> Option<&str> {
        self.files.get(rel).map(String::as_str)
    }

    /// Every file, relative path and text, in path order: exactly what [`Bundle::digest`]
    /// covers (evidence packs write the catalog out from this).
    pub fn all_files(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.files.iter().map(|(p, t)| (p.as_str(), t.as_str()))
    }

    /// SHA-256 over every file's path and contents, so a result records exactly which
    /// catalog judged it.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for (p, t) in &self.files {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
            h.update((t.len() as u64).to_le_bytes());
            h.update(t.as_bytes());
        }
        crate::evidence::hex(&h.finalize())
    }
}

fn collect_embedded(dir: &Dir<'_>, root: &str, out: &mut BTreeMap<String, String>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            let rel = file.path().to_string_lossy().replace('\\', "/");
            out.insert(format!("{root}/{rel}"), text.to_string());
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, root, out);
    }
}

fn read_tree(
    root: &Path,
    dir: &Path,
    ext: &str,
    out: &mut BTreeMap<String, String>,
) -> Result<(), BundleError> {
    if !dir.is_dir() {
        return Ok(());
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BundleError::Io { path, source }
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<Result<_, _>>()
        .map_err(io(dir))?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_tree(root, &path, ext, out)?;
        } else if path.extension().is_some_and(|e| e == ext) {
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, text);
        }
    }
    Ok(())
}
