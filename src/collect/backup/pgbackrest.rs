//! pgBackRest: `pgbackrest info --output=json`, an array of stanzas, each with `name`,
//! `status` (`code`, `message`), `cipher` (`none` or `aes-256-cbc`), `repo[]` (`key`,
//! `cipher`, `status`), `archive[]` (`min`, `max` WAL) and `backup[]` (`label`, `type`
//! full/diff/incr, `timestamp.start/stop` in Unix seconds, `info.repository.size`,
//! `database.repo-key`, `error`).
//!
//! One document per stanza, subject `pgbackrest:<stanza>`. Status code 2 ("no valid
//! backups") is an empty repository; any other non-zero code but 6 (backup running) is a
//! repository assay could not read, and the document records it as `error`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::run::run_ok;
use super::{parse_json, str_field, BackupError, Facts, Snapshot};

/// The subject of a stanza.
pub fn subject(stanza: &str) -> String {
    format!("pgbackrest:{stanza}")
}

/// One stanza: its facts, or the status message that says why it cannot be read.
pub type Stanza = (String, Result<Facts, String>);

/// Every stanza in `pgbackrest info --output=json` output.
pub fn parse(origin: &str, text: &str) -> Result<Vec<Stanza>, BackupError> {
    let v = parse_json(origin, text)?;
    let list = v.as_array().ok_or_else(|| {
        BackupError::parse(
            origin,
            "(top level)",
            "expected the array of stanzas `pgbackrest info --output=json` prints",
        )
    })?;
    let mut out = Vec::new();
    for (i, st) in list.iter().enumerate() {
        let at = format!("[{i}]");
        let name = str_field(origin, &at, st, "name")?.to_string();
        let code = st
            .get("status")
            .and_then(|s| s.get("code"))
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                BackupError::parse(
                    origin,
                    format!("{at}.status.code"),
                    "missing or not an integer",
                )
            })?;
        let message = st
            .get("status")
            .and_then(|s| s.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !matches!(code, 0 | 2 | 6) {
            // The stanza's own message is terse ("other"); the cause (a wrong key, a
            // missing file) is in the repositories' statuses.
            let causes: Vec<String> = st
                .get("repo")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| {
                    let s = r.get("status")?;
                    (s.get("code")?.as_i64()? != 0)
                        .then(|| s.get("message")?.as_str().map(first_line))?
                })
                .collect();
            let hint = if causes.iter().any(|c| c.contains("[FormatError]")) {
                "; an info file that does not parse usually means a wrong repo1-cipher-pass"
            } else {
                ""
            };
            let cause = if causes.is_empty() {
                String::new()
            } else {
                format!(" ({}{hint})", causes.join("; "))
            };
            out.push((
                name,
                Err(format!("pgBackRest stanza status {code}: {message}{cause}")),
            ));
            continue;
        }
        let mut f = Facts::new(&subject(&name), "pgbackrest");
        let cipher = str_field(origin, &at, st, "cipher")?;
        f.encrypted = match cipher {
            "none" => Some(false),
            "mixed" => Some(false),
            c if c.starts_with("aes") => Some(true),
            _ => None,
        };
        f.encryption = format!("pgbackrest info: cipher {cipher}");
        let backups = match st.get("backup") {
            Some(Value::Array(a)) => a.as_slice(),
            None | Some(Value::Null) => &[],
            Some(_) => {
                return Err(BackupError::parse(
                    origin,
                    format!("{at}.backup"),
                    "expected an array",
                ))
            }
        };
        for (j, b) in backups.iter().enumerate() {
            let bat = format!("{at}.backup[{j}]");
            let label = str_field(origin, &bat, b, "label")?.to_string();
            let stop = b
                .get("timestamp")
                .and_then(|t| t.get("stop"))
                .and_then(Value::as_i64)
                .ok_or_else(|| {
                    BackupError::parse(
                        origin,
                        format!("{bat}.timestamp.stop"),
                        "missing or not Unix seconds",
                    )
                })?;
            let time: DateTime<Utc> = DateTime::from_timestamp(stop, 0).ok_or_else(|| {
                BackupError::parse(
                    origin,
                    format!("{bat}.timestamp.stop"),
                    format!("{stop} is out of range"),
                )
            })?;
            let mut extra = serde_json::Map::new();
            extra.insert("type".into(), b.get("type").cloned().unwrap_or(Value::Null));
            if let Some(k) = b.get("database").and_then(|d| d.get("repo-key")) {
                extra.insert("repo_key".into(), k.clone());
            }
            if b.get("error") == Some(&Value::Bool(true)) {
                extra.insert("error".into(), json!(true));
            }
            f.snapshots.push(Snapshot {
                id: label,
                time,
                source: name.clone(),
                paths: None,
                size_bytes: b
                    .get("info")
                    .and_then(|x| x.get("repository"))
                    .and_then(|r| r.get("size"))
                    .and_then(Value::as_u64),
                extra,
            });
        }
        // WAL archive: what point-in-time recovery can reach.
        let archive: Vec<Value> = st
            .get("archive")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| json!({"id": x.get("id"), "min": x.get("min"), "max": x.get("max")}))
                    .collect()
            })
            .unwrap_or_default();
        f.extra.insert("pitr".into(), json!(!archive.is_empty()));
        f.extra.insert("wal_archive".into(), Value::Array(archive));
        f.extra.insert("stanza".into(), json!(name));
        f.extra
            .insert("status".into(), json!({"code": code, "message": message}));
        out.push((name, Ok(f)));
    }
    Ok(out)
}

/// The first line of a pgBackRest message, without the bytes it quotes from a file it
/// could not read (undecryptable with a wrong key: noise, and possibly secret).
fn first_line(m: &str) -> String {
    let line = m.lines().next().unwrap_or("");
    let line = line.split(":\nFormatError").next().unwrap_or(line);
    line.chars().filter(|c| !c.is_control()).collect()
}

/// pgBackRest quotes undecryptable bytes raw inside its JSON strings (version 2.45 with a
/// wrong repository key), which is not JSON; they are replaced so the status is readable.
fn scrub_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// Runs `pgbackrest info --output=json --stanza STANZA` on this machine.
pub fn collect(stanza: &str) -> Result<Vec<Stanza>, BackupError> {
    let args = vec![
        "info".to_string(),
        "--output=json".into(),
        format!("--stanza={stanza}"),
    ];
    let out = run_ok(
        &subject(stanza),
        "pgbackrest",
        &args,
        &[],
        Duration::from_secs(600),
    )?;
    parse(
        &format!("{} (pgbackrest info)", subject(stanza)),
        &scrub_controls(&out),
    )
}
