//! AWS RDS (`aws rds describe-db-instances`) as `db.replication` evidence: the copies RDS
//! keeps of each database (the instance, its Multi-AZ standby, its read replicas), their
//! zones, and the storage and backup facts that come with them. Tool `aws-cli`; the output
//! names neither the CLI version nor when it ran (the file's modification time dates it).
//!
//! # Mapping
//! - one document per source instance (an instance that is not itself a read replica of
//!   an instance in the file), subject `rds:<DBInstanceIdentifier>`; read replicas are
//!   members of their source's document, never documents of their own. A read replica
//!   whose source is not in the file (another region's listing) gives no document: its
//!   cluster is judged from the file that holds the source;
//! - the instance: role `primary`, zone `AvailabilityZone`, state `running` only when
//!   `DBInstanceStatus` is `available`, else that status (`stopped`, `modifying`,
//!   `storage-full` …): RDS serves reliably only when it says so;
//! - `MultiAZ: true` adds the standby, `<id>-standby`, zone `SecondaryAvailabilityZone`
//!   (`null` when absent). RDS reports the standby only through these two fields, and
//!   replicates to it synchronously: a commit is acknowledged only once the standby has
//!   it. So its `lag_seconds` is 0 (`sync_state: "sync"`) and its state follows the
//!   instance's: `streaming` while the instance is `available`, else the instance's
//!   status (a stopped or failing instance says nothing good about its standby);
//! - each read replica (`ReadReplicaDBInstanceIdentifiers`, an identifier or, across
//!   regions, an ARN) joined with its own entry in the file: zone and status from there,
//!   state `streaming` when that entry is `available` and its `StatusInfos` "read
//!   replication" status is `replicating`, else the failing one of the two (`error`,
//!   `stopped`, `replication stop point reached` …), `unknown` when an available replica
//!   reports no replication status. Its lag is `null`: `describe-db-instances` has none
//!   (the `ReplicaLag` metric lives in CloudWatch), so `resilience.replication-lag` is an
//!   error for it, not a pass. A replica listed but not in the file is a member with state
//!   `not-in-input`: a copy nobody looked at does not count. A replica that is itself
//!   Multi-AZ adds its own standby; replicas of replicas are members too;
//! - instances of a DB cluster (`DBClusterIdentifier`: Aurora, Multi-AZ DB clusters)
//!   replicate through the cluster, not through the fields above, and
//!   `describe-db-instances` does not say which of them is the writer. They make one
//!   document per cluster, subject `rds-cluster:<DBClusterIdentifier>`, each instance a
//!   member with role `replica`, `role_known: false`, state `online` when `available`
//!   (else its status) and lag `null`. Aurora's storage volume keeps its own six copies
//!   over three zones; that is not in this output and not counted: the members are the
//!   instances that can serve the data;
//! - engine: `postgres` and `aurora-postgresql` → `postgresql`; `mysql`, `mariadb`,
//!   `aurora-mysql` and `aurora` → `mysql`; others (`oracle-ee`, `sqlserver-se` …) as
//!   they are. The RDS engine is kept as `rds_engine`.
//!
//! Body facts: `storage_encrypted` (`StorageEncrypted`), `multi_az`,
//! `backup_retention_days` (`BackupRetentionPeriod`), `pitr` (RDS keeps automated backups
//! with point-in-time restore exactly when the retention is above 0), `engine_version`,
//! `status`, `latest_restorable_time`; `null` when the output lacks them (for a cluster:
//! when its instances disagree or one lacks it).
//!
//! Each source instance also gives a `backup.snapshots` document for its automated
//! backups (see [`automated_backups`]).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::{body, member, parse_json, At, ImportError, Parsed, KIND};

const HINT: &str = "`aws rds describe-db-instances` output";

/// One `DBInstances[]` entry as far as the mapping needs it.
struct Instance<'a> {
    id: &'a str,
    arn: Option<&'a str>,
    engine: &'a str,
    engine_version: Option<&'a str>,
    status: &'a str,
    zone: Option<&'a str>,
    secondary_zone: Option<&'a str>,
    multi_az: bool,
    encrypted: Option<bool>,
    retention: Option<i64>,
    restorable: Option<&'a str>,
    source: Option<&'a str>,
    replicas: Vec<&'a str>,
    cluster: Option<&'a str>,
    /// The `StatusInfos` entry of type "read replication": its status.
    replication: Option<&'a str>,
}

fn instance<'a>(at: At<'a>) -> Result<Instance<'a>, ImportError> {
    let mut replication = None;
    for s in at.opt_arr("StatusInfos")? {
        if s.opt_str("StatusType")? == Some("read replication") {
            replication = s.opt_str("Status")?;
        }
    }
    let mut replicas = Vec::new();
    for r in at.opt_arr("ReadReplicaDBInstanceIdentifiers")? {
        replicas.push(r.str()?);
    }
    Ok(Instance {
        id: at.get("DBInstanceIdentifier")?.str()?,
        arn: at.opt_str("DBInstanceArn")?,
        engine: at.get("Engine")?.str()?,
        engine_version: at.opt_str("EngineVersion")?,
        status: at.get("DBInstanceStatus")?.str()?,
        zone: at.opt_str("AvailabilityZone")?,
        secondary_zone: at.opt_str("SecondaryAvailabilityZone")?,
        multi_az: at.get("MultiAZ")?.bool()?,
        encrypted: at.opt_bool("StorageEncrypted")?,
        retention: match at.opt("BackupRetentionPeriod")? {
            Some(r) => {
                let n = r.int()?;
                if n < 0 {
                    return Err(r.err(format!("{n} days: expected 0 or more")));
                }
                Some(n)
            }
            None => None,
        },
        restorable: at.opt_str("LatestRestorableTime")?,
        source: at.opt_str("ReadReplicaSourceDBInstanceIdentifier")?,
        replicas,
        cluster: at.opt_str("DBClusterIdentifier")?,
        replication,
    })
}

impl Instance<'_> {
    /// `id` names this instance (by identifier or ARN).
    fn is(&self, id: &str) -> bool {
        self.id == id || self.arn == Some(id)
    }

    fn available(&self) -> bool {
        self.status == "available"
    }
}

/// Parses `aws rds describe-db-instances` output.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root = parse_json(text, HINT)?;
    let top = At::root(&root);
    let list: Vec<Instance<'_>> = top
        .get("DBInstances")?
        .arr()?
        .into_iter()
        .map(instance)
        .collect::<Result<_, _>>()?;
    let mut docs = Vec::new();
    let mut clusters: Vec<&str> = Vec::new();
    for i in &list {
        if let Some(c) = i.cluster {
            if !clusters.contains(&c) {
                clusters.push(c);
                docs.push(cluster(c, &list));
            }
            continue;
        }
        if i.source.is_some() {
            // A member of its source's document; or, when the source is not in the file
            // (a cross-region replica), judged from the file that holds the source.
            continue;
        }
        docs.push(source(i, &list));
        docs.push(automated_backups(i));
    }
    Ok(docs)
}

/// The instance's automated backups as `backup.snapshots` evidence, subject `rds:<id>`.
///
/// Why a second kind from the same listing: RDS keeps the backups itself, and their facts
/// are right here — `BackupRetentionPeriod` (0 turns them off), `LatestRestorableTime`
/// (how fresh the newest restorable point is, which is what `backup.recent` asks) and
/// `StorageEncrypted` (automated backups share the instance's encryption). The backup
/// controls then judge RDS like any other repository instead of trusting it blindly. No
/// restore test is known from this output: one must be recorded separately. Location:
/// the instance's region, placed by the region table.
fn automated_backups(i: &Instance<'_>) -> Parsed {
    let subject = format!("rds:{}", i.id);
    let body = match i.encrypted {
        None => {
            json!({"error": format!("DBInstances[{}]: StorageEncrypted is missing, so the encryption of its automated backups is unknown", i.id)})
        }
        Some(encrypted) => {
            let on = i.retention.is_some_and(|r| r > 0);
            let snapshots: Vec<Value> = match (on, i.restorable) {
                (true, Some(t)) => vec![json!({
                    "id": "latest-restorable-time",
                    "time": t,
                    "source": i.id,
                })],
                _ => Vec::new(),
            };
            let location = i
                .zone
                .and_then(|z| {
                    crate::collect::residency::regions::Regions::builtin().locate("aws", z)
                })
                .and_then(|p| p.country.map(|c| json!({"country": c, "region": p.region})));
            json!({
                "repository": format!("{subject} automated backups"),
                "tool": "rds",
                "encrypted": encrypted,
                "encryption": format!("describe-db-instances: StorageEncrypted {encrypted} (automated backups use the instance's storage encryption)"),
                "location": location,
                "count": snapshots.len(),
                "snapshots": snapshots,
                "retention": {"keep_within_days": i.retention},
                "restore_tests": [],
                "pitr": i.retention.map(|r| r > 0),
            })
        }
    };
    Parsed {
        kind: "backup.snapshots",
        subject,
        body,
        tool: "aws-cli",
        version: None,
        collected_at: None,
    }
}

/// `body.engine` for an RDS `Engine`.
fn engine(e: &str) -> &str {
    match e {
        "postgres" | "aurora-postgresql" => "postgresql",
        "mysql" | "mariadb" | "aurora-mysql" | "aurora" => "mysql",
        other => other,
    }
}

fn facts(i: &Instance<'_>) -> Map<String, Value> {
    let mut f = Map::new();
    f.insert("status".into(), json!(i.status));
    f.insert("arn".into(), json!(i.arn));
    f
}

fn source<'a>(p: &Instance<'a>, list: &'a [Instance<'a>]) -> Parsed {
    let mut members = Vec::new();
    let state = if p.available() { "running" } else { p.status };
    members.push(member(p.id, "primary", p.zone, state, Some(0.0), facts(p)));
    standby(p, None, &mut members);
    let mut seen = BTreeSet::from([p.id]);
    replicas_of(p, list, &mut seen, &mut members);

    let mut extra = Map::new();
    extra.insert("rds_engine".into(), json!(p.engine));
    extra.insert("engine_version".into(), json!(p.engine_version));
    extra.insert("status".into(), json!(p.status));
    extra.insert("multi_az".into(), json!(p.multi_az));
    extra.insert("storage_encrypted".into(), json!(p.encrypted));
    extra.insert("backup_retention_days".into(), json!(p.retention));
    extra.insert("pitr".into(), json!(p.retention.map(|r| r > 0)));
    extra.insert("latest_restorable_time".into(), json!(p.restorable));
    Parsed {
        kind: KIND,
        subject: format!("rds:{}", p.id),
        body: body(p.id, engine(p.engine), members, extra),
        tool: "aws-cli",
        version: None,
        collected_at: None,
    }
}

/// The Multi-AZ standby of `i`, when it has one. `lag` is the lag of `i` itself (the
/// standby of a read replica is as far behind as that replica).
fn standby(i: &Instance<'_>, lag: Option<Option<f64>>, members: &mut Vec<Value>) {
    if !i.multi_az {
        return;
    }
    let state = if i.available() { "streaming" } else { i.status };
    let mut f = Map::new();
    f.insert("sync_state".into(), json!("sync"));
    f.insert("standby_of".into(), json!(i.id));
    f.insert("reported_by".into(), json!("MultiAZ"));
    members.push(member(
        &format!("{}-standby", i.id),
        "replica",
        i.secondary_zone,
        state,
        lag.unwrap_or(Some(0.0)),
        f,
    ));
}

/// The read replicas of `i` (and theirs), appended to `members`: those it lists, and those
/// in the file that name it as their source (a listing taken while a replica was being
/// created may show only one side).
fn replicas_of<'a>(
    i: &Instance<'a>,
    list: &'a [Instance<'a>],
    seen: &mut BTreeSet<&'a str>,
    members: &mut Vec<Value>,
) {
    let mut ids: Vec<&str> = i.replicas.clone();
    for r in list {
        if r.source.is_some_and(|s| i.is(s)) && !ids.iter().any(|id| r.is(id)) {
            ids.push(r.id);
        }
    }
    for id in ids {
        let Some(r) = list.iter().find(|r| r.is(id)) else {
            let mut f = Map::new();
            f.insert("replica_of".into(), json!(i.id));
            members.push(member(id, "replica", None, "not-in-input", None, f));
            continue;
        };
        if !seen.insert(r.id) {
            continue;
        }
        let state = if !r.available() {
            r.status
        } else {
            match r.replication {
                Some("replicating") => "streaming",
                Some(other) => other,
                None => "unknown",
            }
        };
        let mut f = facts(r);
        f.insert("replica_of".into(), json!(i.id));
        f.insert("replication_status".into(), json!(r.replication));
        members.push(member(r.id, "replica", r.zone, state, None, f));
        standby(r, Some(None), members);
        replicas_of(r, list, seen, members);
    }
}

/// All values equal: that value; else (or when one is missing) `null`.
fn agreed<T: PartialEq + Copy + Into<Value>>(values: &[Option<T>]) -> Value {
    match values.first() {
        Some(Some(first)) if values.iter().all(|v| *v == Some(*first)) => (*first).into(),
        _ => Value::Null,
    }
}

fn cluster(id: &str, list: &[Instance<'_>]) -> Parsed {
    let own: Vec<&Instance<'_>> = list.iter().filter(|i| i.cluster == Some(id)).collect();
    let mut members = Vec::new();
    for i in &own {
        let state = if i.available() { "online" } else { i.status };
        let mut f = facts(i);
        f.insert("role_known".into(), json!(false));
        members.push(member(i.id, "replica", i.zone, state, None, f));
        standby(i, Some(None), &mut members);
    }
    let engines: Vec<Option<&str>> = own.iter().map(|i| Some(i.engine)).collect();
    let retention: Vec<Option<i64>> = own.iter().map(|i| i.retention).collect();
    let mut extra = Map::new();
    extra.insert("rds_engine".into(), agreed(&engines));
    extra.insert(
        "engine_version".into(),
        agreed(&own.iter().map(|i| i.engine_version).collect::<Vec<_>>()),
    );
    extra.insert(
        "storage_encrypted".into(),
        agreed(&own.iter().map(|i| i.encrypted).collect::<Vec<_>>()),
    );
    extra.insert("backup_retention_days".into(), agreed(&retention));
    extra.insert(
        "pitr".into(),
        agreed(
            &retention
                .iter()
                .map(|r| r.map(|r| r > 0))
                .collect::<Vec<_>>(),
        ),
    );
    extra.insert(
        "notes".into(),
        json!([
            "describe-db-instances does not say which instance of a DB cluster is the writer, nor how far the others lag: every instance is a replica with role_known false and lag_seconds null"
        ]),
    );
    let engine_name = own.first().map_or("unknown", |i| engine(i.engine));
    Parsed {
        kind: KIND,
        subject: format!("rds-cluster:{id}"),
        body: body(id, engine_name, members, extra),
        tool: "aws-cli",
        version: None,
        collected_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(id: &str, az: &str, multi_az: bool) -> Value {
        json!({
            "DBInstanceIdentifier": id,
            "DBInstanceClass": "db.m6g.large",
            "Engine": "postgres",
            "DBInstanceStatus": "available",
            "AvailabilityZone": az,
            "MultiAZ": multi_az,
            "EngineVersion": "16.3",
            "ReadReplicaDBInstanceIdentifiers": [],
            "StorageEncrypted": true,
            "BackupRetentionPeriod": 7,
            "DBInstanceArn": format!("arn:aws:rds:eu-central-1:123456789012:db:{id}")
        })
    }

    /// The `db.replication` documents of a listing (each source also gives a backup one).
    fn replication(text: &str) -> Result<Vec<Parsed>, ImportError> {
        parse(text).map(|d| d.into_iter().filter(|p| p.kind == KIND).collect())
    }

    #[test]
    fn automated_backups_are_a_backup_repository() {
        let mut p = inst("pg-main", "eu-central-1a", true);
        p["BackupRetentionPeriod"] = json!(7);
        p["StorageEncrypted"] = json!(true);
        p["LatestRestorableTime"] = json!("2026-11-25T05:55:00+00:00");
        let mut off = inst("scratch", "us-east-1b", false);
        off["BackupRetentionPeriod"] = json!(0);
        off["StorageEncrypted"] = json!(false);
        let docs = parse(&doc(vec![p, off])).unwrap();
        let backups: Vec<&Parsed> = docs
            .iter()
            .filter(|d| d.kind == "backup.snapshots")
            .collect();
        assert_eq!(backups.len(), 2);
        let b = &backups[0].body;
        assert_eq!(backups[0].subject, "rds:pg-main");
        assert_eq!(b["encrypted"], true);
        assert_eq!(b["pitr"], true);
        assert_eq!(b["retention"]["keep_within_days"], 7);
        assert_eq!(b["snapshots"][0]["time"], "2026-11-25T05:55:00+00:00");
        assert_eq!(
            b["location"],
            json!({"country": "DE", "region": "eu-central-1"})
        );
        let b = &backups[1].body;
        assert_eq!(b["pitr"], false);
        assert_eq!(b["encrypted"], false);
        assert_eq!(
            b["snapshots"],
            json!([]),
            "retention 0: no automated backups"
        );
        assert_eq!(b["location"]["country"], "US");
    }

    fn doc(instances: Vec<Value>) -> String {
        json!({ "DBInstances": instances }).to_string()
    }

    fn members(p: &Parsed) -> Vec<(String, String, String, Value, Value)> {
        super::super::member_rows(&p.body)
    }

    #[test]
    fn multi_az_instance_with_a_read_replica_is_three_members() {
        let mut p = inst("pg-main", "eu-central-1a", true);
        p["SecondaryAvailabilityZone"] = json!("eu-central-1b");
        p["ReadReplicaDBInstanceIdentifiers"] = json!(["pg-read"]);
        let mut r = inst("pg-read", "eu-central-1c", false);
        r["ReadReplicaSourceDBInstanceIdentifier"] = json!("pg-main");
        r["StatusInfos"] =
            json!([{"StatusType": "read replication", "Normal": true, "Status": "replicating"}]);
        let docs = replication(&doc(vec![p, r])).unwrap();
        assert_eq!(docs.len(), 1, "the replica is a member, not a document");
        assert_eq!(docs[0].subject, "rds:pg-main");
        assert_eq!(docs[0].body["engine"], "postgresql");
        assert_eq!(
            members(&docs[0]),
            vec![
                (
                    "pg-main".into(),
                    "primary".into(),
                    "running".into(),
                    json!("eu-central-1a"),
                    json!(0.0)
                ),
                (
                    "pg-main-standby".into(),
                    "replica".into(),
                    "streaming".into(),
                    json!("eu-central-1b"),
                    json!(0.0)
                ),
                (
                    "pg-read".into(),
                    "replica".into(),
                    "streaming".into(),
                    json!("eu-central-1c"),
                    Value::Null
                ),
            ]
        );
        assert_eq!(docs[0].body["storage_encrypted"], true);
        assert_eq!(docs[0].body["pitr"], true);
        assert_eq!(docs[0].body["backup_retention_days"], 7);
    }

    #[test]
    fn replica_states_say_what_is_wrong() {
        let mut p = inst("db", "eu-west-1a", false);
        p["ReadReplicaDBInstanceIdentifiers"] = json!([
            "db-r1",
            "db-r2",
            "db-r3",
            "arn:aws:rds:us-east-1:123456789012:db:db-dr"
        ]);
        p["BackupRetentionPeriod"] = json!(0);
        let mut r1 = inst("db-r1", "eu-west-1b", false);
        r1["ReadReplicaSourceDBInstanceIdentifier"] = json!("db");
        r1["StatusInfos"] = json!([{"StatusType": "read replication", "Normal": false, "Status": "error", "Message": "replication stopped"}]);
        let mut r2 = inst("db-r2", "eu-west-1c", false);
        r2["ReadReplicaSourceDBInstanceIdentifier"] = json!("db");
        r2["DBInstanceStatus"] = json!("storage-full");
        let mut r3 = inst("db-r3", "eu-west-1c", false);
        r3["ReadReplicaSourceDBInstanceIdentifier"] = json!("db");
        let docs = replication(&doc(vec![p, r1, r2, r3])).unwrap();
        let states: Vec<String> = members(&docs[0]).into_iter().map(|m| m.2).collect();
        assert_eq!(
            states,
            vec![
                "running",
                "error",
                "storage-full",
                "unknown",
                "not-in-input"
            ]
        );
        assert_eq!(docs[0].body["pitr"], false);
    }

    #[test]
    fn a_stopped_instance_and_its_standby_are_not_healthy() {
        let mut p = inst("db", "eu-west-1a", true);
        p["DBInstanceStatus"] = json!("stopped");
        let docs = replication(&doc(vec![p])).unwrap();
        assert_eq!(
            members(&docs[0]),
            vec![
                (
                    "db".into(),
                    "primary".into(),
                    "stopped".into(),
                    json!("eu-west-1a"),
                    json!(0.0)
                ),
                // SecondaryAvailabilityZone absent: the standby's zone is unknown
                (
                    "db-standby".into(),
                    "replica".into(),
                    "stopped".into(),
                    Value::Null,
                    json!(0.0)
                ),
            ]
        );
    }

    #[test]
    fn a_replica_naming_its_source_is_a_member_even_when_the_source_does_not_list_it() {
        let p = inst("db", "eu-west-1a", false);
        let mut r = inst("db-r", "eu-west-1b", false);
        r["ReadReplicaSourceDBInstanceIdentifier"] =
            json!("arn:aws:rds:eu-central-1:123456789012:db:db");
        r["StatusInfos"] =
            json!([{"StatusType": "read replication", "Normal": true, "Status": "replicating"}]);
        let docs = replication(&doc(vec![r, p])).unwrap();
        assert_eq!(docs.len(), 1);
        let names: Vec<String> = members(&docs[0]).into_iter().map(|m| m.0).collect();
        assert_eq!(names, vec!["db", "db-r"]);
    }

    #[test]
    fn a_replica_whose_source_is_elsewhere_gives_no_document() {
        let mut r = inst("dr", "us-east-1a", false);
        r["ReadReplicaSourceDBInstanceIdentifier"] =
            json!("arn:aws:rds:eu-central-1:123456789012:db:pg-main");
        assert!(replication(&doc(vec![r])).unwrap().is_empty());
    }

    #[test]
    fn cluster_instances_are_one_document_without_a_known_writer() {
        let mut a = inst("aur-1", "eu-central-1a", false);
        a["Engine"] = json!("aurora-postgresql");
        a["DBClusterIdentifier"] = json!("aur");
        let mut b = inst("aur-2", "eu-central-1b", false);
        b["Engine"] = json!("aurora-postgresql");
        b["DBClusterIdentifier"] = json!("aur");
        b["StorageEncrypted"] = json!(false);
        let docs = replication(&doc(vec![a, b])).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].subject, "rds-cluster:aur");
        assert_eq!(docs[0].body["engine"], "postgresql");
        assert_eq!(
            docs[0].body["storage_encrypted"],
            Value::Null,
            "the instances disagree"
        );
        let m = members(&docs[0]);
        assert_eq!(m.len(), 2);
        assert!(m
            .iter()
            .all(|m| m.1 == "replica" && m.2 == "online" && m.4.is_null()));
        assert_eq!(docs[0].body["members"][0]["role_known"], false);
    }

    #[test]
    fn wrong_types_name_the_path() {
        let mut p = inst("a", "z", false);
        let mut q = inst("b", "z", false);
        let mut r = inst("c", "z", false);
        r["MultiAZ"] = json!("true");
        let e = replication(&doc(vec![p.clone(), q.clone(), r])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "DBInstances[2].MultiAZ: expected a boolean, found a string"
        );
        q.as_object_mut().unwrap().remove("MultiAZ");
        let e = replication(&doc(vec![p.clone(), q])).unwrap_err();
        assert_eq!(e.at, "DBInstances[1].MultiAZ");
        p["ReadReplicaDBInstanceIdentifiers"] = json!([7]);
        let e = replication(&doc(vec![p])).unwrap_err();
        assert_eq!(e.at, "DBInstances[0].ReadReplicaDBInstanceIdentifiers[0]");
        let e = parse(r#"{"DBClusters": []}"#).unwrap_err();
        assert_eq!(e.at, "DBInstances");
    }
}
