//! AWS Backup: `aws backup list-recovery-points-by-backup-vault --backup-vault-name V`
//! JSON: `RecoveryPoints[]` with `RecoveryPointArn`, `BackupVaultName`, `BackupVaultArn`,
//! `ResourceArn`, `ResourceType`, `Status` (COMPLETED, PARTIAL, DELETING, EXPIRED),
//! `CreationDate` (ISO 8601 from AWS CLI v2, Unix seconds from v1), `BackupSizeInBytes`,
//! `IsEncrypted`, `EncryptionKeyArn`, `Lifecycle.DeleteAfterDays`.
//!
//! One document per vault, subject `aws-backup:<vault ARN or name>`; the source of a
//! recovery point is its resource. Only COMPLETED points count as backups; the others are
//! counted in `not_completed`. The vault is encrypted when every point says
//! `IsEncrypted: true`. Retention: the shortest `DeleteAfterDays` of the completed points
//! (every point younger than that is kept).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{parse_json, parse_time, str_field, BackupError, Facts, Snapshot};

fn creation(origin: &str, at: &str, v: &Value) -> Result<DateTime<Utc>, BackupError> {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(|s| DateTime::from_timestamp(s.floor() as i64, 0))
            .ok_or_else(|| BackupError::parse(origin, at, "not a Unix time")),
        other => parse_time(origin, at, other),
    }
}

/// One [`Facts`] per vault in the output.
pub fn parse(origin: &str, text: &str) -> Result<Vec<Facts>, BackupError> {
    let v = parse_json(origin, text)?;
    let points = v.get("RecoveryPoints").and_then(Value::as_array).ok_or_else(|| {
        BackupError::parse(origin, "RecoveryPoints", "missing or not an array (expected `aws backup list-recovery-points-by-backup-vault` output)")
    })?;
    // Per vault: the facts, each point's IsEncrypted, each completed point's
    // DeleteAfterDays, and how many points are not COMPLETED.
    type Vault = (Facts, Vec<Option<bool>>, Vec<Option<u64>>, u64);
    let mut vaults: Vec<Vault> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let at = format!("RecoveryPoints[{i}]");
        let vault = match p.get("BackupVaultArn").and_then(Value::as_str) {
            Some(a) => a.to_string(),
            None => str_field(origin, &at, p, "BackupVaultName")?.to_string(),
        };
        let subject = format!("aws-backup:{vault}");
        let idx = match vaults.iter().position(|(f, ..)| f.repository == subject) {
            Some(i) => i,
            None => {
                vaults.push((
                    Facts::new(&subject, "aws-backup"),
                    Vec::new(),
                    Vec::new(),
                    0,
                ));
                vaults.len() - 1
            }
        };
        let entry = &mut vaults[idx];
        let status = str_field(origin, &at, p, "Status")?;
        entry.1.push(p.get("IsEncrypted").and_then(Value::as_bool));
        if status != "COMPLETED" {
            entry.3 += 1;
            continue;
        }
        let id = str_field(origin, &at, p, "RecoveryPointArn")?.to_string();
        let resource = str_field(origin, &at, p, "ResourceArn")?.to_string();
        let time = creation(
            origin,
            &format!("{at}.CreationDate"),
            p.get("CreationDate").unwrap_or(&Value::Null),
        )?;
        entry.2.push(
            p.get("Lifecycle")
                .and_then(|l| l.get("DeleteAfterDays"))
                .and_then(Value::as_u64),
        );
        let mut extra = serde_json::Map::new();
        extra.insert(
            "resource_type".into(),
            p.get("ResourceType").cloned().unwrap_or(Value::Null),
        );
        extra.insert(
            "encryption_key".into(),
            p.get("EncryptionKeyArn").cloned().unwrap_or(Value::Null),
        );
        entry.0.snapshots.push(Snapshot {
            id,
            time,
            source: resource,
            paths: None,
            size_bytes: p.get("BackupSizeInBytes").and_then(Value::as_u64),
            extra,
        });
    }
    Ok(vaults
        .into_iter()
        .map(|(mut f, enc, lifes, not_completed)| {
            f.encrypted = if enc.contains(&Some(false)) {
                Some(false)
            } else if enc.contains(&None) || enc.is_empty() {
                None
            } else {
                Some(true)
            };
            let unenc = enc.iter().filter(|e| **e == Some(false)).count();
            f.encryption = match f.encrypted {
                Some(true) => format!("every recovery point ({}) has IsEncrypted true", enc.len()),
                Some(false) => format!("{unenc} of {} recovery points have IsEncrypted false", enc.len()),
                None => "IsEncrypted is missing on some recovery points".into(),
            };
            let keep = if lifes.iter().all(Option::is_some) {
                lifes.iter().flatten().min().copied()
            } else {
                None
            };
            f.retention = Some(json!({
                "keep_within_days": keep,
                "source": "Lifecycle.DeleteAfterDays (shortest of the completed recovery points; points without a lifecycle are kept until deleted)",
            }));
            f.extra.insert("not_completed".into(), json!(not_completed));
            // Continuous backups (the point-in-time kind AWS Backup offers for RDS, Aurora
            // and S3) are the recovery points whose ARN says `recovery-point:continuous:`;
            // a vault with only snapshot recovery points restores only to those.
            let continuous = f
                .snapshots
                .iter()
                .any(|s| s.id.contains(":recovery-point:continuous:"));
            f.extra.insert("pitr".into(), json!(continuous));
            f
        })
        .collect())
}
