//! restic: `restic snapshots --json` (an array of snapshots: `id`, `short_id`, `time`,
//! `hostname`, `paths`, `tags`, and since restic 0.17 `summary`), `restic stats --json
//! --mode raw-data` (`total_size`, `total_blob_count`, `snapshots_count`) and `restic cat
//! config` (`version`, `id`).
//!
//! restic has no unencrypted repository format: the config, the index, every snapshot
//! and every pack are encrypted with the repository's master key (AES-256-CTR with
//! Poly1305-AES). A live collection proves it by opening the repository with the key;
//! an import of `snapshots --json` relies on the format alone and says so.

use std::time::Duration;

use serde_json::{json, Value};

use super::run::run_ok;
use super::{parse_json, parse_time, str_field, BackupError, Facts, Snapshot};

/// How long one restic command may take.
pub const TIMEOUT: Duration = Duration::from_secs(600);

/// The snapshots in `restic snapshots --json` output; `origin` names the repository or
/// file in errors.
pub fn parse_snapshots(origin: &str, text: &str) -> Result<Vec<Snapshot>, BackupError> {
    let v = parse_json(origin, text)?;
    let list = v.as_array().ok_or_else(|| {
        BackupError::parse(
            origin,
            "(top level)",
            format!(
                "expected the array `restic snapshots --json` prints, found {}",
                crate::evidence::json_type_name(&v)
            ),
        )
    })?;
    let mut out = Vec::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        let at = format!("[{i}]");
        if !s.is_object() {
            return Err(BackupError::parse(origin, at, "expected a snapshot object"));
        }
        let id = str_field(origin, &at, s, "id")?.to_string();
        let time = parse_time(
            origin,
            &format!("{at}.time"),
            s.get("time").unwrap_or(&Value::Null),
        )?;
        let host = str_field(origin, &at, s, "hostname")?;
        let paths = match s.get("paths") {
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(j, p)| {
                    p.as_str().map(str::to_string).ok_or_else(|| {
                        BackupError::parse(origin, format!("{at}.paths[{j}]"), "expected a string")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => {
                return Err(BackupError::parse(
                    origin,
                    format!("{at}.paths"),
                    "missing or not an array of paths",
                ))
            }
        };
        let mut sorted = paths.clone();
        sorted.sort();
        let mut extra = serde_json::Map::new();
        extra.insert("host".into(), json!(host));
        if let Some(tags) = s.get("tags").filter(|t| t.is_array()) {
            extra.insert("tags".into(), tags.clone());
        }
        let size_bytes = s
            .get("summary")
            .and_then(|x| x.get("total_bytes_processed"))
            .and_then(Value::as_u64);
        out.push(Snapshot {
            id,
            time,
            source: format!("{host}:{}", sorted.join(",")),
            paths: Some(paths),
            size_bytes,
            extra,
        });
    }
    Ok(out)
}

/// The repository facts in `restic stats --json` output (any mode).
pub fn parse_stats(
    origin: &str,
    text: &str,
) -> Result<serde_json::Map<String, Value>, BackupError> {
    let v = parse_json(origin, text)?;
    let mut m = serde_json::Map::new();
    let size = v.get("total_size").and_then(Value::as_u64).ok_or_else(|| {
        BackupError::parse(
            origin,
            "total_size",
            "missing or not a non-negative integer",
        )
    })?;
    m.insert("size_bytes".into(), json!(size));
    for k in ["total_blob_count", "total_file_count", "snapshots_count"] {
        if let Some(n) = v.get(k).and_then(Value::as_u64) {
            m.insert(k.into(), json!(n));
        }
    }
    Ok(m)
}

/// The encryption statement for a repository read through `snapshots --json` only.
pub const ENCRYPTION_BY_FORMAT: &str = "restic has no unencrypted repository format: every file in a restic repository but the key files is encrypted with the master key (AES-256-CTR, Poly1305-AES)";

/// Facts from imported `restic snapshots --json` output.
pub fn import(repository: &str, file: &str, text: &str) -> Result<Facts, BackupError> {
    let mut f = Facts::new(repository, "restic");
    f.snapshots = parse_snapshots(file, text)?;
    f.encrypted = Some(true);
    f.encryption =
        format!("{ENCRYPTION_BY_FORMAT} (imported snapshots --json; repository not opened)");
    Ok(f)
}

/// The restic binary: `ASSAY_RESTIC` or `restic` on PATH.
pub fn program() -> String {
    std::env::var("ASSAY_RESTIC").unwrap_or_else(|_| "restic".into())
}

/// `restic -r REPO [--no-lock] ARGS…` as an argument list.
pub(crate) fn args(repo: &str, rest: &[&str]) -> Vec<String> {
    let mut a = vec!["-r".to_string(), repo.to_string(), "--no-lock".to_string()];
    a.extend(rest.iter().map(|s| s.to_string()));
    a
}

fn password_present() -> bool {
    [
        "RESTIC_PASSWORD",
        "RESTIC_PASSWORD_FILE",
        "RESTIC_PASSWORD_COMMAND",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some())
}

/// Reads a live repository: `cat config` (proves the key opens it), `snapshots --json`
/// and `stats --json --mode raw-data`.
pub fn collect(repo: &str) -> Result<Facts, BackupError> {
    if !password_present() {
        return Err(BackupError::Tool {
            repo: repo.into(),
            message: "no password: set RESTIC_PASSWORD or RESTIC_PASSWORD_FILE (assay passes it to restic through the environment only)".into(),
        });
    }
    let restic = program();
    let config = run_ok(repo, &restic, &args(repo, &["cat", "config"]), &[], TIMEOUT)
        .map_err(|e| explain(repo, e))?;
    let origin = format!("{repo} (restic cat config)");
    let config = parse_json(&origin, &config)?;
    let version = config.get("version").and_then(Value::as_u64);
    let snaps = run_ok(
        repo,
        &restic,
        &args(repo, &["snapshots", "--json"]),
        &[],
        TIMEOUT,
    )?;
    let mut f = Facts::new(repo, "restic");
    f.snapshots = parse_snapshots(&format!("{repo} (restic snapshots --json)"), &snaps)?;
    f.encrypted = Some(true);
    f.encryption = format!(
        "{ENCRYPTION_BY_FORMAT}; the repository (format version {}) opened only with its key",
        version.map(|v| v.to_string()).unwrap_or_else(|| "?".into())
    );
    f.extra.insert("repository_version".into(), json!(version));
    match run_ok(
        repo,
        &restic,
        &args(repo, &["stats", "--json", "--mode", "raw-data"]),
        &[],
        TIMEOUT,
    )
    .and_then(|t| parse_stats(&format!("{repo} (restic stats --json)"), &t))
    {
        Ok(m) => {
            f.extra.insert("stats".into(), Value::Object(m));
        }
        Err(e) => f.incomplete = Some(format!("restic stats: {e}")),
    }
    Ok(f)
}

/// Adds the usual cause to restic's first failure.
fn explain(repo: &str, e: BackupError) -> BackupError {
    match e {
        BackupError::Tool { message, .. } if message.contains("wrong password") => {
            BackupError::Tool {
                repo: repo.into(),
                message: format!("{message} (the password in RESTIC_PASSWORD / RESTIC_PASSWORD_FILE does not open this repository)"),
            }
        }
        BackupError::Tool { message, .. } if message.contains("unable to open config file") => {
            BackupError::Tool {
                repo: repo.into(),
                message: format!("{message} (no restic repository at this location)"),
            }
        }
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_parse_and_errors_name_the_field() {
        let t = r#"[{"time":"2026-11-20T04:00:00.5+01:00","paths":["/srv","/etc"],"hostname":"web1","id":"ab12","short_id":"ab"}]"#;
        let s = parse_snapshots("repo", t).unwrap();
        assert_eq!(s[0].source, "web1:/etc,/srv");
        assert_eq!(
            crate::timefmt::format_instant(&s[0].time),
            "2026-11-20T03:00:00Z"
        );
        let e = parse_snapshots(
            "repo",
            r#"[{"id":"x","time":"2026-11-20T03:00:00Z","hostname":"h"}]"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "repo: [0].paths: missing or not an array of paths"
        );
        let e = parse_snapshots("f.json", r#"{"id":1}"#).unwrap_err();
        assert!(e.to_string().contains("expected the array"), "{e}");
        let e = parse_snapshots("f.json", "[{").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f.json: line 1 column 2: not valid JSON"),
            "{e}"
        );
    }
}
