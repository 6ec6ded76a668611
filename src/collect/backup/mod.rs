//! Backup repositories (`backup.snapshots`): restic, BorgBackup and pgBackRest run live
//! (their own `--json` outputs), and the same outputs plus AWS Backup recovery points
//! imported from files.
//!
//! Every tool's output becomes the same [`Facts`]: the snapshots (id, time, source), the
//! encryption and how we know it, and any restore test assay ran ([`restore`]). [`body`]
//! turns them into the evidence body, with the newest backup per source, the count and
//! span of what is retained. Passwords reach the tools only through their own environment
//! variables (`RESTIC_PASSWORD`, `RESTIC_PASSWORD_FILE`, `BORG_PASSPHRASE` …), never
//! through arguments, and every text a tool prints is scrubbed of them before it is kept.

pub mod aws_backup;
pub mod borg;
pub mod inventory;
pub mod pgbackrest;
pub mod restic;
pub mod restore;
mod run;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// The collector name written into evidence.
pub const COLLECTOR: &str = "assay-backup";

/// Why a repository or an output could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    /// The tool could not be run, or it failed (wrong password, missing repository).
    #[error("{repo}: {message}")]
    Tool {
        /// The repository (or stanza, file) the tool was asked about.
        repo: String,
        /// What happened, with the tool's own message (secrets removed).
        message: String,
    },
    /// An output did not have the documented shape.
    #[error("{origin}: {at}: {message}")]
    Parse {
        /// The repository or file the output came from.
        origin: String,
        /// The JSON path of the field (`[3].time`, `archives[0].start`).
        at: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// A request assay cannot do (e.g. a restore test of an imported file).
    #[error("{0}")]
    Usage(String),
}

impl BackupError {
    pub(crate) fn parse(
        origin: &str,
        at: impl Into<String>,
        message: impl Into<String>,
    ) -> BackupError {
        BackupError::Parse {
            origin: origin.to_string(),
            at: at.into(),
            message: message.into(),
        }
    }
}

/// One backup: a restic snapshot, a borg archive, a pgBackRest backup set, an AWS Backup
/// recovery point.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The id as the tool prints it.
    pub id: String,
    /// When it was taken (UTC).
    pub time: DateTime<Utc>,
    /// What was backed up, as one label: `host:/path,/path` (restic), the archive name
    /// without its date (borg), the stanza (pgBackRest), the resource ARN (AWS).
    pub source: String,
    /// Backed-up paths, when the tool says.
    pub paths: Option<Vec<String>>,
    /// Size in bytes, when the tool says.
    pub size_bytes: Option<u64>,
    /// Tool-specific extra facts (type of a pgBackRest backup, tags …).
    pub extra: serde_json::Map<String, Value>,
}

/// Everything one repository told us.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The repository (URL, path, stanza or vault).
    pub repository: String,
    /// `restic`, `borg`, `pgbackrest` or `aws-backup`.
    pub tool: &'static str,
    /// Whether the content is encrypted; `None` when the output does not say.
    pub encrypted: Option<bool>,
    /// How we know (`borg info: encryption.mode repokey-blake2`).
    pub encryption: String,
    /// Every backup, in the tool's order.
    pub snapshots: Vec<Snapshot>,
    /// Retention the output shows (AWS lifecycles); `None` when unknown.
    pub retention: Option<Value>,
    /// Restore tests assay ran now (see [`restore`]).
    pub restore_tests: Vec<Value>,
    /// Tool-specific facts (repository size, stanza status, WAL archive range …).
    pub extra: serde_json::Map<String, Value>,
    /// Set when part of the data could not be read.
    pub incomplete: Option<String>,
}

impl Facts {
    /// Facts with nothing measured yet.
    pub fn new(repository: &str, tool: &'static str) -> Facts {
        Facts {
            repository: repository.to_string(),
            tool,
            encrypted: None,
            encryption: String::new(),
            snapshots: Vec::new(),
            retention: None,
            restore_tests: Vec::new(),
            extra: serde_json::Map::new(),
            incomplete: None,
        }
    }
}

fn ts(t: &DateTime<Utc>) -> String {
    crate::timefmt::format_instant(t)
}

fn hours(from: &DateTime<Utc>, to: &DateTime<Utc>) -> f64 {
    let h = (*to - *from).num_seconds() as f64 / 3600.0;
    (h * 10.0).round() / 10.0
}

/// The `backup.snapshots` body for `facts`, with ages measured at `now` (the collection
/// time): per source the newest backup and its age, and the count and span of all.
pub fn body(facts: &Facts, now: DateTime<Utc>) -> Value {
    let mut snaps: Vec<&Snapshot> = facts.snapshots.iter().collect();
    snaps.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
    let snapshots: Vec<Value> = snaps
        .iter()
        .map(|s| {
            let mut o = serde_json::Map::new();
            o.insert("id".into(), json!(s.id));
            o.insert("time".into(), json!(ts(&s.time)));
            o.insert("source".into(), json!(s.source));
            o.insert("paths".into(), json!(s.paths));
            o.insert("size_bytes".into(), json!(s.size_bytes));
            for (k, v) in &s.extra {
                o.insert(k.clone(), v.clone());
            }
            Value::Object(o)
        })
        .collect();
    // Per source: count, oldest, newest (the snapshots are sorted by time).
    let mut by_source: BTreeMap<&str, (usize, &Snapshot, &Snapshot)> = BTreeMap::new();
    for s in &snaps {
        by_source
            .entry(s.source.as_str())
            .and_modify(|e| {
                e.0 += 1;
                e.2 = s;
            })
            .or_insert((1, s, s));
    }
    let sources: Vec<Value> = by_source
        .iter()
        .map(|(src, (n, oldest, newest))| {
            json!({
                "source": src,
                "count": n,
                "oldest": ts(&oldest.time),
                "newest": ts(&newest.time),
                "newest_id": newest.id,
                "newest_age_hours": hours(&newest.time, &now),
            })
        })
        .collect();
    let span = match (snaps.first(), snaps.last()) {
        (Some(o), Some(n)) => json!({
            "oldest": ts(&o.time),
            "newest": ts(&n.time),
            "days": ((n.time - o.time).num_seconds() as f64 / 86400.0 * 10.0).round() / 10.0,
            "newest_age_hours": hours(&n.time, &now),
        }),
        _ => Value::Null,
    };
    let mut body = serde_json::Map::new();
    body.insert("repository".into(), json!(facts.repository));
    body.insert("tool".into(), json!(facts.tool));
    body.insert("encrypted".into(), json!(facts.encrypted));
    body.insert("encryption".into(), json!(facts.encryption));
    body.insert("count".into(), json!(snaps.len()));
    body.insert("span".into(), span);
    body.insert("sources".into(), Value::Array(sources));
    body.insert("snapshots".into(), Value::Array(snapshots));
    body.insert(
        "retention".into(),
        facts.retention.clone().unwrap_or(Value::Null),
    );
    body.insert("restore_tests".into(), json!(facts.restore_tests));
    for (k, v) in &facts.extra {
        body.entry(k.clone()).or_insert_with(|| v.clone());
    }
    if let Some(i) = &facts.incomplete {
        body.insert("incomplete".into(), json!(i));
    }
    Value::Object(body)
}

/// A tool `assay collect backups` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// restic (`RESTIC_PASSWORD` / `RESTIC_PASSWORD_FILE`).
    Restic,
    /// BorgBackup (`BORG_PASSPHRASE` / `BORG_PASSCOMMAND`).
    Borg,
    /// pgBackRest (the repository argument is the stanza).
    Pgbackrest,
}

impl Tool {
    /// The tool's name in evidence.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Restic => "restic",
            Tool::Borg => "borg",
            Tool::Pgbackrest => "pgbackrest",
        }
    }
}

/// One collected repository: its subject and body (a measurement, or `error`).
#[derive(Debug, Clone)]
pub struct Collected {
    /// The subject (the repository, or `pgbackrest:<stanza>`).
    pub subject: String,
    /// The `backup.snapshots` body.
    pub body: Value,
}

/// Reads one repository live and, when `restore` is given, runs a restore test. A
/// repository the tool cannot read becomes a document with `error` (so its controls
/// error); only a request assay cannot do at all is an `Err`.
pub fn collect(
    tool: Tool,
    repo: &str,
    restore: Option<&restore::Options>,
) -> Result<Vec<Collected>, BackupError> {
    if tool == Tool::Pgbackrest && restore.is_some() {
        return Err(restore::unsupported("pgbackrest"));
    }
    let now = Utc::now();
    let facts = match tool {
        Tool::Restic => restic::collect(repo).map(|f| vec![(f.repository.clone(), Ok(f))]),
        Tool::Borg => borg::collect(repo).map(|f| vec![(f.repository.clone(), Ok(f))]),
        Tool::Pgbackrest => pgbackrest::collect(repo).map(|list| {
            list.into_iter()
                .map(|(name, r)| (pgbackrest::subject(&name), r))
                .collect()
        }),
    };
    let list = match facts {
        Ok(l) => l,
        Err(e) => {
            let subject = match tool {
                Tool::Pgbackrest => pgbackrest::subject(repo),
                _ => repo.to_string(),
            };
            let msg = run::redact(&e.to_string());
            return Ok(vec![Collected {
                body: error_body(repo, tool.name(), &msg),
                subject,
            }]);
        }
    };
    Ok(list
        .into_iter()
        .map(|(subject, r)| match r {
            Ok(mut f) => {
                if let Some(opts) = restore {
                    let outcome = match tool {
                        Tool::Restic => restore::restic(repo, &f, opts),
                        _ => restore::borg(repo, &f, opts),
                    };
                    f.restore_tests.push(outcome.to_json());
                }
                Collected {
                    body: body(&f, now),
                    subject,
                }
            }
            Err(msg) => Collected {
                body: error_body(&subject, tool.name(), &msg),
                subject,
            },
        })
        .collect())
}

/// How many restore tests a document keeps (the newest).
pub const KEEP_RESTORE_TESTS: usize = 20;

/// Puts the restore tests an earlier document of the same repository recorded before the
/// ones in `body`, so a daily collection without `--restore-test` still shows last
/// month's test. Duplicates (same time and snapshot) are dropped; the newest
/// [`KEEP_RESTORE_TESTS`] are kept. A body with `error` is left alone.
pub fn carry_restore_tests(body: &mut Value, earlier: &[Value]) {
    if body.get("error").is_some() {
        return;
    }
    let Some(now) = body.get_mut("restore_tests").and_then(Value::as_array_mut) else {
        return;
    };
    let key = |t: &Value| (t.get("time").cloned(), t.get("snapshot").cloned());
    let mut all: Vec<Value> = Vec::new();
    for t in earlier.iter().chain(now.iter()) {
        if t.is_object() && !all.iter().any(|x| key(x) == key(t)) {
            all.push(t.clone());
        }
    }
    let drop = all.len().saturating_sub(KEEP_RESTORE_TESTS);
    *now = all.split_off(drop);
}

/// The body of a repository that could not be read at all: the control errors, never
/// passes.
pub fn error_body(repository: &str, tool: &str, error: &str) -> Value {
    json!({ "repository": repository, "tool": tool, "error": error })
}

/// Reads an RFC 3339 time (restic, AWS CLI v2, borg 2) or a naive ISO time, which borg
/// 1.x prints in the local time zone of the machine that ran it; assay runs borg with
/// `TZ=UTC`, and imported naive times are read as UTC (docs/evidence.md says so).
pub(crate) fn parse_time(origin: &str, at: &str, v: &Value) -> Result<DateTime<Utc>, BackupError> {
    let s = v.as_str().ok_or_else(|| {
        BackupError::parse(
            origin,
            at,
            format!(
                "expected a time string, found {}",
                crate::evidence::json_type_name(v)
            ),
        )
    })?;
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|n| n.and_utc())
        .map_err(|_| {
            BackupError::parse(
                origin,
                at,
                format!("'{s}' is not a time (expected RFC 3339, e.g. 2026-11-20T03:00:00Z)"),
            )
        })
}

/// The string at `v[key]`, or an error naming `at.key`.
pub(crate) fn str_field<'a>(
    origin: &str,
    at: &str,
    v: &'a Value,
    key: &str,
) -> Result<&'a str, BackupError> {
    match v.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(BackupError::parse(
            origin,
            format!("{at}.{key}"),
            format!(
                "expected a string, found {}",
                crate::evidence::json_type_name(other)
            ),
        )),
        None => Err(BackupError::parse(origin, format!("{at}.{key}"), "missing")),
    }
}

/// Parses JSON text, or an error naming the origin, line and column.
pub(crate) fn parse_json(origin: &str, text: &str) -> Result<Value, BackupError> {
    serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        BackupError::parse(
            origin,
            format!("line {} column {}", e.line(), e.column()),
            format!("not valid JSON: {msg}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(id: &str, t: &str, src: &str) -> Snapshot {
        Snapshot {
            id: id.into(),
            time: crate::timefmt::parse_instant(t).unwrap(),
            source: src.into(),
            paths: None,
            size_bytes: None,
            extra: Default::default(),
        }
    }

    #[test]
    fn body_has_newest_per_source_and_span() {
        let mut f = Facts::new("/r", "restic");
        f.encrypted = Some(true);
        f.snapshots = vec![
            snap("b", "2026-11-24T03:00:00Z", "web1:/srv"),
            snap("a", "2026-11-20T03:00:00Z", "web1:/srv"),
            snap("c", "2026-11-23T03:00:00Z", "db1:/var"),
        ];
        let now = crate::timefmt::parse_instant("2026-11-25T03:00:00Z").unwrap();
        let b = body(&f, now);
        assert_eq!(b["count"], 3);
        assert_eq!(b["span"]["oldest"], "2026-11-20T03:00:00Z");
        assert_eq!(b["span"]["days"], 4.0);
        assert_eq!(b["sources"][0]["source"], "db1:/var");
        assert_eq!(b["sources"][0]["newest_age_hours"], 48.0);
        assert_eq!(b["sources"][1]["newest_id"], "b");
        assert_eq!(b["sources"][1]["count"], 2);
        assert_eq!(b["snapshots"][0]["id"], "a");
    }

    #[test]
    fn restore_tests_carry_over_without_duplicates() {
        let t = |time: &str, ok: bool| json!({"time": time, "success": ok, "snapshot": "s"});
        let mut b = json!({"restore_tests": [t("2026-11-25T00:00:00Z", false)]});
        let earlier = vec![
            t("2026-11-01T00:00:00Z", true),
            t("2026-11-25T00:00:00Z", false),
        ];
        carry_restore_tests(&mut b, &earlier);
        assert_eq!(b["restore_tests"].as_array().unwrap().len(), 2);
        assert_eq!(b["restore_tests"][0]["success"], true);
        let many: Vec<Value> = (0..30)
            .map(|i| t(&format!("2026-10-{:02}T00:00:00Z", i % 28 + 1), i % 2 == 0))
            .collect();
        let mut b = json!({"restore_tests": []});
        carry_restore_tests(&mut b, &many);
        assert_eq!(b["restore_tests"].as_array().unwrap().len(), 20);
        let mut e = json!({"error": "x"});
        carry_restore_tests(&mut e, &earlier);
        assert!(e.get("restore_tests").is_none());
    }

    #[test]
    fn naive_times_are_utc_and_garbage_names_the_field() {
        let t = parse_time("f", "x", &json!("2026-11-20T03:00:00.000000")).unwrap();
        assert_eq!(ts(&t), "2026-11-20T03:00:00Z");
        let e = parse_time("f", "[0].time", &json!("yesterday")).unwrap_err();
        assert!(e.to_string().starts_with("f: [0].time: 'yesterday'"), "{e}");
    }
}
