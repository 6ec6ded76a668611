//! Restore tests: assay restores a bounded sample of the newest snapshot into a private
//! temporary folder with the tool itself, verifies what came back, records the result
//! and removes the folder.
//!
//! - restic: `restic ls --json ID` lists the snapshot; the first files (by path) within
//!   the limits are restored with `restic restore ID --target TMP --verify --include …`
//!   (restic re-reads every restored file and checks it against the blob hashes), each
//!   restored file must exist with the size the listing gives, and `restic check
//!   --read-data-subset` reads a share of the packs.
//! - borg: `borg list --json-lines REPO::ARCHIVE` lists the archive; the sample is
//!   extracted with `borg extract` (which checks every chunk's MAC / hash), its exit
//!   status must be 0 and every file must have the listed size.
//!
//! A test that cannot restore or verify is recorded as failed with the reason, never
//! left out. A test that could not even start (no snapshot) is recorded as failed too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::run::run;
use super::{BackupError, Facts};

/// Limits of one restore test.
#[derive(Debug, Clone)]
pub struct Options {
    /// Most files restored.
    pub max_files: usize,
    /// Most bytes restored.
    pub max_bytes: u64,
    /// restic: `check --read-data-subset` value (`5%`, `1/20`, `500M`).
    pub read_data_subset: String,
    /// How long each tool command may take.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_files: 100,
            max_bytes: 64 * 1024 * 1024,
            read_data_subset: "5%".into(),
            timeout: Duration::from_secs(1800),
        }
    }
}

/// One file of the snapshot listing.
#[derive(Debug, Clone)]
struct Entry {
    path: String,
    size: u64,
}

/// The outcome of one restore test, as recorded in `restore_tests`.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// When the test started.
    pub at: DateTime<Utc>,
    /// The snapshot restored.
    pub snapshot: Option<String>,
    /// Files restored and verified.
    pub files: u64,
    /// Bytes restored and verified.
    pub bytes: u64,
    /// Whether everything was restored and verified.
    pub ok: bool,
    /// What went wrong.
    pub error: Option<String>,
    /// How it was verified.
    pub method: String,
}

impl Outcome {
    /// The `restore_tests` entry (`time`, `success` as the policy reads them).
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "time": crate::timefmt::format_instant(&self.at),
            "success": self.ok,
            "snapshot": self.snapshot,
            "files": self.files,
            "bytes": self.bytes,
            "method": self.method,
            "by": "assay",
        });
        if let Some(e) = &self.error {
            v["error"] = json!(e);
        }
        v
    }
}

/// A private folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        let base = std::env::temp_dir();
        for n in 0..100u32 {
            let nanos = Utc::now().timestamp_subsec_nanos();
            let p = base.join(format!("assay-restore-{}-{nanos}-{n}", std::process::id()));
            let mut b = std::fs::DirBuilder::new();
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            match b.create(&p) {
                Ok(()) => return Ok(TempDir(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!(
                        "cannot create a temporary folder in {}: {e}",
                        base.display()
                    ))
                }
            }
        }
        Err("cannot create a temporary folder".into())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The sample: files in path order while both limits hold; names with glob characters
/// are left out because the tools read include arguments as patterns.
fn sample(mut entries: Vec<Entry>, opts: &Options) -> (Vec<Entry>, bool) {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let total = entries.len();
    let (mut out, mut bytes) = (Vec::new(), 0u64);
    for e in entries {
        if out.len() >= opts.max_files {
            break;
        }
        if e.path.contains(['*', '?', '[', ']', '\\', '\n']) {
            continue;
        }
        if bytes.saturating_add(e.size) > opts.max_bytes {
            continue;
        }
        bytes += e.size;
        out.push(e);
    }
    let whole = out.len() == total;
    (out, whole)
}

/// Checks that each sampled file exists under `root` with its listed size.
fn verify(root: &Path, files: &[Entry]) -> Result<(u64, u64), String> {
    let (mut n, mut bytes) = (0u64, 0u64);
    for f in files {
        let p = root.join(f.path.trim_start_matches('/'));
        let meta = std::fs::symlink_metadata(&p)
            .map_err(|e| format!("{} was not restored ({e})", f.path))?;
        if !meta.is_file() {
            return Err(format!(
                "{} was restored, but not as a regular file",
                f.path
            ));
        }
        if meta.len() != f.size {
            return Err(format!(
                "{} was restored with {} bytes, the snapshot lists {}",
                f.path,
                meta.len(),
                f.size
            ));
        }
        n += 1;
        bytes += meta.len();
    }
    Ok((n, bytes))
}

fn newest(facts: &Facts) -> Option<String> {
    facts
        .snapshots
        .iter()
        .max_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)))
        .map(|s| s.id.clone())
}

fn failed(at: DateTime<Utc>, snapshot: Option<String>, method: &str, error: String) -> Outcome {
    Outcome {
        at,
        snapshot,
        files: 0,
        bytes: 0,
        ok: false,
        error: Some(super::run::redact(&error)),
        method: method.into(),
    }
}

/// Runs a restore test of the newest restic snapshot of `repo`.
pub fn restic(repo: &str, facts: &Facts, opts: &Options) -> Outcome {
    let at = Utc::now();
    let method = format!(
        "restic restore --verify of a sample (at most {} files, {} bytes), sizes compared with restic ls --json, restic check --read-data-subset={}",
        opts.max_files, opts.max_bytes, opts.read_data_subset
    );
    let Some(id) = newest(facts) else {
        return failed(
            at,
            None,
            &method,
            "the repository has no snapshot to restore".into(),
        );
    };
    match restic_inner(repo, &id, opts) {
        Ok((files, bytes)) => Outcome {
            at,
            snapshot: Some(id),
            files,
            bytes,
            ok: true,
            error: None,
            method,
        },
        Err(e) => failed(at, Some(id), &method, e),
    }
}

fn restic_inner(repo: &str, id: &str, opts: &Options) -> Result<(u64, u64), String> {
    let restic = super::restic::program();
    let tool = |args: Vec<String>, what: &str| -> Result<Vec<u8>, String> {
        let o = run(repo, &restic, &args, &[], None, opts.timeout).map_err(|e| e.to_string())?;
        if o.ok() {
            Ok(o.stdout)
        } else {
            Err(format!("`restic {what}` failed: {}", o.tail()))
        }
    };
    let listing = tool(super::restic::args(repo, &["ls", "--json", id]), "ls")?;
    let mut entries = Vec::new();
    for (i, line) in String::from_utf8_lossy(&listing).lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("restic ls --json line {}: not valid JSON: {e}", i + 1))?;
        if v["struct_type"] == "node" && v["type"] == "file" {
            let path = v["path"]
                .as_str()
                .ok_or_else(|| format!("restic ls --json line {}: path: missing", i + 1))?;
            let size = v["size"].as_u64().unwrap_or(0);
            entries.push(Entry {
                path: path.to_string(),
                size,
            });
        }
    }
    let (files, whole) = sample(entries, opts);
    if files.is_empty() {
        return Err(format!(
            "snapshot {id} has no regular file within the limits ({} files, {} bytes) to restore",
            opts.max_files, opts.max_bytes
        ));
    }
    let tmp = TempDir::new()?;
    let target = tmp.0.display().to_string();
    let mut a = super::restic::args(repo, &["restore", id, "--target", &target, "--verify"]);
    if !whole {
        for f in &files {
            a.push("--include".into());
            a.push(f.path.clone());
        }
    }
    tool(a, "restore")?;
    let counted = verify(&tmp.0, &files)?;
    drop(tmp);
    let subset = format!("--read-data-subset={}", opts.read_data_subset);
    // check must take the lock, so no --no-lock here.
    let check = vec!["-r".to_string(), repo.to_string(), "check".into(), subset];
    tool(check, "check")?;
    Ok(counted)
}

/// Runs a restore test of the newest archive of the borg repository `repo`.
pub fn borg(repo: &str, facts: &Facts, opts: &Options) -> Outcome {
    let at = Utc::now();
    let method = format!(
        "borg extract of a sample (at most {} files, {} bytes): exit status and sizes compared with borg list --json-lines",
        opts.max_files, opts.max_bytes
    );
    let Some(name) = newest(facts) else {
        return failed(
            at,
            None,
            &method,
            "the repository has no archive to restore".into(),
        );
    };
    match borg_inner(repo, &name, opts) {
        Ok((files, bytes)) => Outcome {
            at,
            snapshot: Some(name),
            files,
            bytes,
            ok: true,
            error: None,
            method,
        },
        Err(e) => failed(at, Some(name), &method, e),
    }
}

fn borg_inner(repo: &str, archive: &str, opts: &Options) -> Result<(u64, u64), String> {
    let borg = super::borg::program();
    let target = format!("{repo}::{archive}");
    let env = super::borg::ENV;
    let listing = {
        let args = vec!["list".to_string(), "--json-lines".into(), target.clone()];
        let o = run(repo, &borg, &args, env, None, opts.timeout).map_err(|e| e.to_string())?;
        if !o.ok() {
            return Err(format!("`borg list` failed: {}", o.tail()));
        }
        o.stdout
    };
    let mut entries = Vec::new();
    for (i, line) in String::from_utf8_lossy(&listing).lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("borg list --json-lines line {}: not valid JSON: {e}", i + 1))?;
        if v["type"] == "-" {
            let path = v["path"]
                .as_str()
                .ok_or_else(|| format!("borg list --json-lines line {}: path: missing", i + 1))?;
            entries.push(Entry {
                path: path.to_string(),
                size: v["size"].as_u64().unwrap_or(0),
            });
        }
    }
    let (files, whole) = sample(entries, opts);
    if files.is_empty() {
        return Err(format!(
            "archive {archive} has no regular file within the limits ({} files, {} bytes) to restore",
            opts.max_files, opts.max_bytes
        ));
    }
    let tmp = TempDir::new()?;
    let mut args = vec!["extract".to_string(), target];
    if !whole {
        args.extend(files.iter().map(|f| format!("pp:{}", f.path)));
    }
    let o = run(repo, &borg, &args, env, Some(&tmp.0), opts.timeout).map_err(|e| e.to_string())?;
    if !o.ok() {
        return Err(format!("`borg extract` failed: {}", o.tail()));
    }
    verify(&tmp.0, &files)
}

/// A restore test is asked of a tool assay cannot restore from.
pub fn unsupported(tool: &str) -> BackupError {
    BackupError::Usage(format!(
        "--restore-test is supported for restic and borg; {tool} restores need a database server (run `pgbackrest restore` on a test host and record it)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_respects_limits_and_skips_patterns() {
        let e = |p: &str, s: u64| Entry {
            path: p.into(),
            size: s,
        };
        let opts = Options {
            max_files: 2,
            max_bytes: 100,
            ..Options::default()
        };
        let (s, whole) = sample(
            vec![e("/c", 10), e("/a[1]", 1), e("/b", 200), e("/a", 50)],
            &opts,
        );
        assert_eq!(
            s.iter().map(|x| x.path.as_str()).collect::<Vec<_>>(),
            ["/a", "/c"]
        );
        assert!(!whole);
    }
}
