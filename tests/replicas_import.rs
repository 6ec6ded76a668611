//! `assay evidence import --from kubectl|rds|mongo` end to end: outputs written as
//! kubectl 1.30 (`get sts,deploy,pods,nodes -A -o json`), aws-cli v2 (`rds
//! describe-db-instances`) and mongosh (`--json=relaxed --eval 'rs.status()'`) print them
//! (tests/fixtures/replicas/), imported as `db.replication` evidence and judged by the
//! resilience controls. What a source cannot tell (Kubernetes: the lag; RDS: a read
//! replica's lag; MongoDB: zones) is an error, never a pass. Bad input names the file and
//! the JSON path and imports nothing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{import, path_str, root, write_file};

const COPIES: &str = "resilience.min-replicas";
const ZONES: &str = "resilience.replicas-across-zones";
const LAG: &str = "resilience.replication-lag";

/// A copy of fixture `name` in `dir` (dated now: an import is as old as its file).
fn fixture(dir: &Path, name: &str) -> PathBuf {
    let text = std::fs::read_to_string(root().join("tests/fixtures/replicas").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    write_file(dir, name, &text)
}

/// `assay check` with the three resilience controls at their default parameters:
/// per control, per subject, the statuses of its findings (sorted).
fn verdicts(
    ev: &Path,
    dir: &Path,
    now: Option<&str>,
) -> BTreeMap<&'static str, BTreeMap<String, Vec<String>>> {
    let p = write_file(
        dir,
        "profile.yaml",
        &format!("name: replicas\nselect:\n  ids: [{COPIES}, {ZONES}, {LAG}]\n"),
    );
    let r = common::check::results(ev, Some(&p), now);
    let mut out = BTreeMap::new();
    for id in [COPIES, ZONES, LAG] {
        let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in common::check::control_of(&r, id)["findings"]
            .as_array()
            .unwrap()
        {
            by.entry(f["subject"].as_str().unwrap().to_string())
                .or_default()
                .push(f["status"].as_str().unwrap().to_string());
        }
        for v in by.values_mut() {
            v.sort();
        }
        out.insert(id, by);
    }
    out
}

/// Expected `subject → statuses`.
fn expect(v: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    v.iter()
        .map(|(s, st)| (s.to_string(), st.iter().map(|x| x.to_string()).collect()))
        .collect()
}

/// The messages of control `id`'s findings about `subject`.
fn messages(ev: &Path, dir: &Path, now: Option<&str>, id: &str, subject: &str) -> String {
    let p = write_file(
        dir,
        "one.yaml",
        &format!("name: one\nselect:\n  ids: [{id}]\n"),
    );
    let r = common::check::results(ev, Some(&p), now);
    common::check::findings_about(&r, id, subject)
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The imported db.replication bodies by subject.
fn bodies(ev: &Path) -> BTreeMap<String, Value> {
    common::bodies(ev, "db.replication").into_iter().collect()
}

#[test]
fn kubectl_pods_and_their_nodes_decide_copies_and_zones() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let f = fixture(d, "kubectl-get-sts-deploy-pods-nodes.json");
    let ev = d.join("ev");
    let o = import("kubectl", &[path_str(&f), "--into", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("3 added"), "{}", o.stdout);

    let b = bodies(&ev);
    assert_eq!(b["k8s:db/pg"]["engine"], "postgresql");
    assert_eq!(b["k8s:db/mariadb"]["engine"], "mysql");
    assert_eq!(b["k8s:kube-system/coredns"]["engine"], "kubernetes");
    assert_eq!(b["k8s:db/pg"]["members"][2]["zone"], "eu-central-1c");

    let v = verdicts(&ev, d, None);
    // pg: three ready pods on nodes in three zones. mariadb: three replicas, one pod not
    // ready, the two ready ones on the same node. coredns: two ready pods in two zones.
    assert_eq!(
        v[COPIES],
        expect(&[
            ("k8s:db/mariadb", &["fail"]),
            ("k8s:db/pg", &["pass"]),
            ("k8s:kube-system/coredns", &["fail"]),
        ])
    );
    assert_eq!(
        v[ZONES],
        expect(&[
            ("k8s:db/mariadb", &["fail"]),
            ("k8s:db/pg", &["pass"]),
            ("k8s:kube-system/coredns", &["pass"]),
        ])
    );
    // Kubernetes does not know the lag: every pod's lag is unknown, never a pass.
    assert_eq!(
        v[LAG],
        expect(&[
            ("k8s:db/mariadb", &["error", "error", "error"]),
            ("k8s:db/pg", &["error", "error", "error"]),
            ("k8s:kube-system/coredns", &["error", "error"]),
        ])
    );
    let m = messages(&ev, d, None, COPIES, "k8s:db/mariadb");
    assert!(
        m.contains("only 2 healthy copies")
            && m.contains("mariadb-5d7c9b8f46-r4c8n is \"not-ready\""),
        "{m}"
    );
}

#[test]
fn kubectl_without_pods_counts_ready_replicas_but_cannot_place_them() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let mut list: Value = serde_json::from_str(
        &std::fs::read_to_string(
            root().join("tests/fixtures/replicas/kubectl-get-sts-deploy-pods-nodes.json"),
        )
        .unwrap(),
    )
    .unwrap();
    // `kubectl get sts -A -o json`: the StatefulSet alone.
    list["items"]
        .as_array_mut()
        .unwrap()
        .retain(|i| i["kind"] == "StatefulSet");
    let f = write_file(d, "sts.json", &list.to_string());
    let ev = d.join("ev");
    let o = import("kubectl", &[path_str(&f), "--into", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(bodies(&ev)["k8s:db/pg"]["members_from"], "status");
    let v = verdicts(&ev, d, None);
    assert_eq!(v[COPIES], expect(&[("k8s:db/pg", &["pass"])]));
    // three ready copies in unknown zones: the spread is not assessed
    assert_eq!(
        v[ZONES],
        expect(&[("k8s:db/pg", &["error", "error", "error"])])
    );
}

#[test]
fn rds_multi_az_with_a_read_replica_passes_and_a_single_az_instance_fails() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let f = fixture(d, "rds-describe-db-instances.json");
    let ev = d.join("ev");
    let o = import("rds", &[path_str(&f), "--into", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // pg-main (with its standby and read replica), legacy-mysql, and the Aurora cluster;
    // the read replica is a member, not a document. Each source instance's automated
    // backups are a backup.snapshots document as well.
    assert!(o.stdout.contains("5 added"), "{}", o.stdout);
    let backups = common::bodies(&ev, "backup.snapshots");
    let subjects: Vec<&str> = backups.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(subjects, ["rds:legacy-mysql", "rds:pg-main"]);
    let p = write_file(
        d,
        "backups.yaml",
        "name: b\nselect:\n  ids: [backup.recent, backup.encrypted, backup.point-in-time-recovery, residency.backups-in-allowed-countries]\nparams:\n  residency.backups-in-allowed-countries: { allowed_countries: [DE] }\n",
    );
    let r = common::check::results(&ev, Some(&p), None);
    let status = |id: &str, subject: &str| -> String {
        let f = common::check::findings_about(&r, id, subject);
        assert_eq!(f.len(), 1, "{id} {subject}: {f:?}");
        f[0]["status"].as_str().unwrap().to_string()
    };
    // The newest restorable point (2026-11-24T08:55Z) is older than 26 hours by now;
    // legacy-mysql keeps no automated backups at all.
    assert_eq!(status("backup.recent", "rds:pg-main"), "fail");
    assert_eq!(status("backup.recent", "rds:legacy-mysql"), "fail");
    assert_eq!(status("backup.encrypted", "rds:pg-main"), "pass");
    assert_eq!(status("backup.encrypted", "rds:legacy-mysql"), "fail");
    assert_eq!(
        status("backup.point-in-time-recovery", "rds:pg-main"),
        "pass"
    );
    assert_eq!(
        status("backup.point-in-time-recovery", "rds:legacy-mysql"),
        "fail"
    );
    assert_eq!(
        status("residency.backups-in-allowed-countries", "rds:pg-main"),
        "pass"
    );

    let b = bodies(&ev);
    let pg = &b["rds:pg-main"];
    assert_eq!(pg["storage_encrypted"], true);
    assert_eq!(pg["pitr"], true);
    assert_eq!(pg["backup_retention_days"], 7);
    assert_eq!(pg["members"][1]["name"], "pg-main-standby");
    assert_eq!(b["rds:legacy-mysql"]["storage_encrypted"], false);
    assert_eq!(b["rds:legacy-mysql"]["pitr"], false);

    let v = verdicts(&ev, d, None);
    assert_eq!(
        v[COPIES],
        expect(&[
            ("rds-cluster:orders", &["fail"]),
            ("rds:legacy-mysql", &["fail"]),
            ("rds:pg-main", &["pass"]),
        ])
    );
    assert_eq!(
        v[ZONES],
        expect(&[
            ("rds-cluster:orders", &["pass"]),
            ("rds:legacy-mysql", &["fail"]),
            ("rds:pg-main", &["pass"]),
        ])
    );
    // The synchronous standby has no lag; the read replica's lag is not in
    // describe-db-instances (CloudWatch ReplicaLag), so pg-main's lag is not assessed.
    assert_eq!(
        v[LAG],
        expect(&[
            ("rds-cluster:orders", &["error", "error"]),
            ("rds:legacy-mysql", &["not_applicable"]),
            ("rds:pg-main", &["error"]),
        ])
    );
    let m = messages(&ev, d, None, LAG, "rds:pg-main");
    assert!(m.contains("pg-main-read1") && m.contains("unknown"), "{m}");
}

#[test]
fn mongo_rs_status_with_a_secondary_two_minutes_behind_fails_the_lag() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let f = fixture(d, "mongosh-rs-status.json");
    let ev = d.join("ev");
    let o = import("mongo", &[path_str(&f), "--into", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);

    let doc: Value = {
        let p = std::fs::read_dir(ev.join("db.replication"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    assert_eq!(doc["subject"], "mongo:rs0");
    assert_eq!(doc["source"], "import:mongosh");
    assert_eq!(
        doc["collected_at"], "2026-11-24T09:00:05Z",
        "dated by rs.status()'s own date, not the file"
    );
    let members: Vec<&str> = doc["body"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(members.len(), 3, "the arbiter holds no data: {members:?}");

    let now = Some("2026-11-24T10:00:00Z");
    let v = verdicts(&ev, d, now);
    assert_eq!(v[COPIES], expect(&[("mongo:rs0", &["pass"])]));
    // rs.status() has no zones: healthy members in unknown zones
    assert_eq!(
        v[ZONES],
        expect(&[("mongo:rs0", &["error", "error", "error"])])
    );
    assert_eq!(v[LAG], expect(&[("mongo:rs0", &["fail"])]));
    let m = messages(&ev, d, now, LAG, "mongo:rs0");
    assert!(
        m.contains("mongo-2.mongo.db.svc.cluster.local:27017") && m.contains("120s behind"),
        "{m}"
    );
}

#[test]
fn bad_input_names_the_file_and_the_path_and_imports_nothing() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let good_k = fixture(d, "kubectl-get-sts-deploy-pods-nodes.json");
    let good_r = fixture(d, "rds-describe-db-instances.json");
    let good_m = fixture(d, "mongosh-rs-status.json");

    let mut rds: Value = serde_json::from_str(&std::fs::read_to_string(&good_r).unwrap()).unwrap();
    rds["DBInstances"][1]["MultiAZ"] = Value::from("false");
    let bad_r = write_file(d, "bad-rds.json", &rds.to_string());
    let mut mongo: Value =
        serde_json::from_str(&std::fs::read_to_string(&good_m).unwrap()).unwrap();
    mongo["members"][2]["optimeDate"] = Value::from("yesterday");
    let bad_m = write_file(d, "bad-mongo.json", &mongo.to_string());
    // the shell's display of rs.status(), not JSON
    let shell = write_file(
        d,
        "shell.txt",
        "{\n  set: 'rs0',\n  date: ISODate('2026-11-24T09:00:05.214Z'),\n}\n",
    );
    let cut = write_file(
        d,
        "cut.json",
        &std::fs::read_to_string(&good_k).unwrap()[..2000],
    );

    for (tool, good, bad, at) in [
        (
            "rds",
            &good_r,
            &bad_r,
            "DBInstances[1].MultiAZ: expected a boolean",
        ),
        ("mongo", &good_m, &bad_m, "members[2].optimeDate"),
        ("mongo", &good_m, &shell, "line 2"),
        ("kubectl", &good_k, &cut, "not valid JSON"),
    ] {
        let ev = d.join(format!("ev-{tool}"));
        let o = import(
            tool,
            &[path_str(good), path_str(bad), "--into", path_str(&ev)],
        );
        assert_eq!(o.code, 2, "{tool} {}: {}", bad.display(), o.stdout);
        assert!(
            o.stderr.contains(path_str(bad)) && o.stderr.contains(at),
            "{tool}: {at}: {}",
            o.stderr
        );
        assert!(
            !ev.exists(),
            "{tool}: nothing is written when one file is bad"
        );
    }

    // A file of another tool: the wrong shape is named, not imported as nothing.
    let ev = d.join("ev-wrong");
    let o = import("rds", &[path_str(&good_m), "--into", path_str(&ev)]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(o.stderr.contains("DBInstances: missing"), "{}", o.stderr);
    let o = import("kubectl", &[path_str(&good_r), "--into", path_str(&ev)]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(o.stderr.contains("kind: missing"), "{}", o.stderr);
    assert!(!ev.exists());
}
