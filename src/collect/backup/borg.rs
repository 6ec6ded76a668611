//! BorgBackup: `borg list --json` (`archives[]` with `name`, `id`, `start`, `time`;
//! `encryption.mode`; `repository.location`) and `borg info --json` (`cache.stats` with
//! `total_size`, `unique_csize` …, `encryption.mode`).
//!
//! Encryption is borg's own `encryption.mode`: `repokey`, `keyfile` and their `-blake2`
//! variants encrypt; `none` and `authenticated[-blake2]` do not (authenticated only signs).
//! borg 1.x prints times without an offset in the local time zone; assay runs it with
//! `TZ=UTC`, and reads naive times in imported files as UTC.

use std::time::Duration;

use serde_json::{json, Value};

use super::run::run_ok;
use super::{parse_json, parse_time, str_field, BackupError, Facts, Snapshot};

/// How long one borg command may take.
pub const TIMEOUT: Duration = Duration::from_secs(600);

/// The environment assay runs borg in: UTC times, no prompts. An unknown unencrypted
/// repository is read (assay only lists it, and reports it as not encrypted); a
/// relocated repository is refused, as borg does by default.
pub(crate) const ENV: &[(&str, &str)] = &[
    ("TZ", "UTC"),
    ("BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "yes"),
    ("BORG_RELOCATED_REPO_ACCESS_IS_OK", "no"),
    ("BORG_DISPLAY_PASSPHRASE", "no"),
];

/// The borg binary: `ASSAY_BORG` or `borg` on PATH.
pub fn program() -> String {
    std::env::var("ASSAY_BORG").unwrap_or_else(|_| "borg".into())
}

/// The source of an archive: its name without the date part borg users put at the end
/// (`web1-2026-11-20T03:00` → `web1`, `{hostname}-{now}` style names).
pub fn name_prefix(name: &str) -> String {
    let b = name.as_bytes();
    // The first position where a date (4 digits, optional separator, 2 digits) starts
    // after a separator, or at the start.
    for i in 0..b.len() {
        let at_boundary = i == 0 || matches!(b[i - 1], b'-' | b'_' | b'.' | b':' | b' ');
        if at_boundary && b.len() >= i + 6 && b[i..i + 4].iter().all(u8::is_ascii_digit) {
            let rest = &b[i + 4..];
            let sep = usize::from(matches!(rest[0], b'-' | b'_' | b'.'));
            if rest.len() >= sep + 2 && rest[sep..sep + 2].iter().all(u8::is_ascii_digit) {
                let p = name[..i].trim_end_matches(['-', '_', '.', ':', ' ']);
                return if p.is_empty() {
                    "(dated names)".into()
                } else {
                    p.to_string()
                };
            }
        }
    }
    name.to_string()
}

/// Encryption from `encryption.mode`.
pub fn encrypted(mode: &str) -> Option<bool> {
    match mode {
        "none" | "authenticated" | "authenticated-blake2" => Some(false),
        m if m.starts_with("repokey") || m.starts_with("keyfile") => Some(true),
        _ => None,
    }
}

/// Facts from `borg list --json` output (and `borg info --json`, when given).
pub fn parse(origin: &str, list: &str, info: Option<&str>) -> Result<Facts, BackupError> {
    let v = parse_json(origin, list)?;
    if !v.is_object() {
        return Err(BackupError::parse(
            origin,
            "(top level)",
            "expected the object `borg list --json` prints",
        ));
    }
    let location = match v.get("repository") {
        Some(r) => str_field(origin, "repository", r, "location")?.to_string(),
        None => return Err(BackupError::parse(origin, "repository", "missing")),
    };
    let archives = v.get("archives").and_then(Value::as_array).ok_or_else(|| {
        BackupError::parse(
            origin,
            "archives",
            "missing or not an array (is this `borg list --json REPO`, not `REPO::ARCHIVE`?)",
        )
    })?;
    let mut f = Facts::new(&location, "borg");
    for (i, a) in archives.iter().enumerate() {
        let at = format!("archives[{i}]");
        let name = str_field(origin, &at, a, "name")?.to_string();
        // `start` is when the backup ran (or --timestamp); `time` is the same in borg 1.x.
        let t = a
            .get("start")
            .or_else(|| a.get("time"))
            .unwrap_or(&Value::Null);
        let time = parse_time(origin, &format!("{at}.start"), t)?;
        let mut extra = serde_json::Map::new();
        if let Some(id) = a.get("id").and_then(Value::as_str) {
            extra.insert("archive_id".into(), json!(id));
        }
        if let Some(h) = a.get("hostname").and_then(Value::as_str) {
            extra.insert("host".into(), json!(h));
        }
        f.snapshots.push(Snapshot {
            source: name_prefix(&name),
            id: name,
            time,
            paths: None,
            size_bytes: None,
            extra,
        });
    }
    let mode_of = |doc: &Value, origin: &str| -> Result<String, BackupError> {
        match doc.get("encryption") {
            Some(e) => Ok(str_field(origin, "encryption", e, "mode")?.to_string()),
            None => Err(BackupError::parse(origin, "encryption", "missing")),
        }
    };
    let mut mode = mode_of(&v, origin)?;
    let mut how = "borg list --json";
    if let Some(info) = info {
        let iorigin = format!("{origin} (borg info --json)");
        let iv = parse_json(&iorigin, info)?;
        mode = mode_of(&iv, &iorigin)?;
        how = "borg info --json";
        if let Some(stats) = iv.get("cache").and_then(|c| c.get("stats")) {
            let mut m = serde_json::Map::new();
            for (k, name) in [
                ("unique_csize", "size_bytes"),
                ("total_size", "total_original_bytes"),
                ("total_unique_chunks", "unique_chunks"),
            ] {
                if let Some(n) = stats.get(k).and_then(Value::as_u64) {
                    m.insert(name.into(), json!(n));
                }
            }
            f.extra.insert("stats".into(), Value::Object(m));
        }
    }
    f.encrypted = encrypted(&mode);
    f.encryption = match f.encrypted {
        Some(true) => format!("{how}: encryption.mode {mode}"),
        Some(false) => format!("{how}: encryption.mode {mode} (not encrypted)"),
        None => format!("{how}: encryption.mode {mode} is not a mode assay knows"),
    };
    f.extra.insert("encryption_mode".into(), json!(mode));
    Ok(f)
}

fn passphrase_present() -> bool {
    ["BORG_PASSPHRASE", "BORG_PASSCOMMAND", "BORG_PASSPHRASE_FD"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
}

/// Reads a live repository with `borg list --json` and `borg info --json`.
pub fn collect(repo: &str) -> Result<Facts, BackupError> {
    let borg = program();
    let list_args: Vec<String> = ["list", "--json", repo]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let list = run_ok(repo, &borg, &list_args, ENV, TIMEOUT).map_err(|e| explain(repo, e))?;
    let info_args: Vec<String> = ["info", "--json", repo]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // `borg info` adds sizes; the snapshots and the encryption mode are in the list, so a
    // failing info (a damaged repository) leaves the document incomplete, not empty.
    let origin = format!("{repo} (borg list --json)");
    let mut f = match run_ok(repo, &borg, &info_args, ENV, TIMEOUT) {
        Ok(info) => parse(&origin, &list, Some(&info))?,
        Err(e) => {
            let mut f = parse(&origin, &list, None)?;
            f.incomplete = Some(format!("borg info: {e}"));
            f
        }
    };
    // Keep the name the user gave as the subject (borg reports an absolute location).
    f.extra.insert("borg_location".into(), json!(f.repository));
    f.repository = repo.to_string();
    Ok(f)
}

fn explain(repo: &str, e: BackupError) -> BackupError {
    match e {
        BackupError::Tool { message, .. } if message.contains("is incorrect") => {
            BackupError::Tool {
                repo: repo.into(),
                message: format!("{message} (the passphrase does not open this repository)"),
            }
        }
        BackupError::Tool { message, .. }
            if message.contains("passphrase") && !passphrase_present() =>
        {
            BackupError::Tool {
                repo: repo.into(),
                message: format!("{message} (set BORG_PASSPHRASE or BORG_PASSCOMMAND)"),
            }
        }
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(name_prefix("web1-2026-11-20T03:00"), "web1");
        assert_eq!(name_prefix("db_main.20261120"), "db_main");
        assert_eq!(name_prefix("2026-11-20"), "(dated names)");
        assert_eq!(name_prefix("weekly"), "weekly");
        assert_eq!(name_prefix("host-2026"), "host-2026");
    }

    #[test]
    fn modes() {
        assert_eq!(encrypted("repokey-blake2"), Some(true));
        assert_eq!(encrypted("keyfile"), Some(true));
        assert_eq!(encrypted("authenticated"), Some(false));
        assert_eq!(encrypted("none"), Some(false));
        assert_eq!(encrypted("??"), None);
    }
}
