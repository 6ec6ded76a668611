//! `assay evidence import --from restic|borg|pgbackrest|aws-backup`: real outputs captured
//! from restic 0.14 and borg 1.2 (tests/fixtures/backups/restic-*.json, borg-*.json) and
//! pgBackRest / AWS Backup JSON written from their documented formats, judged by `assay
//! check --now`. Bad input names the file and the field and imports nothing.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::check::{findings_about, results};
use common::{import, path_str, root};

/// A copy of fixture `name` in `dir`, dated `mtime` (an import is as old as its file).
fn fixture(dir: &Path, name: &str, mtime: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(root().join("tests/fixtures/backups").join(name), &to).unwrap();
    let ok = std::process::Command::new("touch")
        .args(["-d", mtime, path_str(&to)])
        .status()
        .unwrap()
        .success();
    assert!(ok, "touch -d {mtime}");
    to
}

fn profile(dir: &Path) -> PathBuf {
    let p = dir.join("profile.yaml");
    std::fs::write(
        &p,
        "name: backups\nselect:\n  ids: [backup.recent, backup.encrypted, backup.restore-tested, backup.retention, backup.point-in-time-recovery]\n",
    )
    .unwrap();
    p
}

fn status_of(r: &Value, id: &str, subject: &str) -> String {
    let f = findings_about(r, id, subject);
    assert_eq!(f.len(), 1, "{id} {subject}: {f:?}");
    f[0]["status"].as_str().unwrap().to_string()
}

fn bodies(ev: &Path) -> Vec<(String, Value)> {
    common::bodies(ev, "backup.snapshots")
}

#[test]
fn restic_snapshots_json_from_restic_0_14() {
    let t = tempfile::tempdir().unwrap();
    let f = fixture(t.path(), "restic-snapshots.json", "2026-11-25T05:00:00Z");
    let ev = t.path().join("ev");
    let r = import(
        "restic",
        &[
            "--asset",
            "sftp:restic@fsn1:/srv/restic/prod",
            path_str(&f),
            "--into",
            path_str(&ev),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = &bodies(&ev)[0];
    assert_eq!(b.0, "sftp:restic@fsn1:/srv/restic/prod");
    let b = &b.1;
    assert_eq!(b["count"], 4);
    assert_eq!(b["encrypted"], true);
    assert!(b["encryption"]
        .as_str()
        .unwrap()
        .contains("repository not opened"));
    assert_eq!(b["span"]["oldest"], "2026-10-01T02:00:00Z");
    assert_eq!(b["span"]["newest"], "2026-11-25T02:00:00Z");
    let srcs: Vec<(&str, &str, u64)> = b["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap(),
                s["newest"].as_str().unwrap(),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        srcs,
        [
            (
                "db1:/tmp/fx/srv/app,/tmp/fx/var/db",
                "2026-11-23T02:30:00Z",
                1
            ),
            ("web1:/tmp/fx/srv", "2026-11-25T02:00:00Z", 3)
        ]
    );
    assert_eq!(b["sources"][1]["newest_age_hours"], 3.0);
    assert_eq!(b["snapshots"][0]["tags"][0], "nightly");

    let res = results(&ev, Some(&profile(t.path())), Some("2026-11-25T06:00:00Z"));
    let s = "sftp:restic@fsn1:/srv/restic/prod";
    assert_eq!(status_of(&res, "backup.recent", s), "pass");
    assert_eq!(status_of(&res, "backup.encrypted", s), "pass");
    assert_eq!(status_of(&res, "backup.retention", s), "pass");
    // Imported snapshots carry no restore test.
    assert_eq!(status_of(&res, "backup.restore-tested", s), "fail");
    // Two days later the newest snapshot is too old.
    let later = results(&ev, Some(&profile(t.path())), Some("2026-11-26T04:01:00Z"));
    assert_eq!(status_of(&later, "backup.recent", s), "fail");
}

#[test]
fn restic_import_needs_the_repository_and_names_bad_fields() {
    let t = tempfile::tempdir().unwrap();
    let ev = t.path().join("ev");
    let f = fixture(t.path(), "restic-snapshots.json", "2026-11-25T05:00:00Z");
    let r = import("restic", &[path_str(&f), "--into", path_str(&ev)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--from restic needs --asset REPO"),
        "{}",
        r.stderr
    );

    let text = std::fs::read_to_string(&f).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v[1]["time"] = Value::from("last tuesday");
    let bad = t.path().join("bad.json");
    std::fs::write(&bad, v.to_string()).unwrap();
    let r = import(
        "restic",
        &["--asset", "r", path_str(&bad), "--into", path_str(&ev)],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("bad.json: [1].time: 'last tuesday' is not a time"),
        "{}",
        r.stderr
    );
    let trunc = t.path().join("trunc.json");
    std::fs::write(&trunc, &text[..text.len() / 2]).unwrap();
    let r = import(
        "restic",
        &["--asset", "r", path_str(&trunc), "--into", path_str(&ev)],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("trunc.json: line 1 column"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not valid JSON"), "{}", r.stderr);
    assert!(!ev.join("backup.snapshots").exists(), "nothing is imported");
}

#[test]
fn borg_list_json_from_borg_1_2() {
    let t = tempfile::tempdir().unwrap();
    let ev = t.path().join("ev");
    let enc = fixture(t.path(), "borg-list.json", "2026-11-25T03:00:00Z");
    let plain = fixture(
        t.path(),
        "borg-list-unencrypted.json",
        "2026-11-25T03:00:00Z",
    );
    let r = import(
        "borg",
        &[path_str(&enc), path_str(&plain), "--into", path_str(&ev)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = bodies(&ev);
    assert_eq!(b[0].0, "/tmp/fx/borgrepo");
    assert_eq!(b[0].1["encrypted"], true);
    assert_eq!(b[0].1["encryption_mode"], "repokey-blake2");
    assert_eq!(b[0].1["count"], 3);
    let names: Vec<&str> = b[0].1["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["db1", "web1"]);
    assert_eq!(b[1].0, "/tmp/fx/plainrepo");
    assert_eq!(b[1].1["encrypted"], false);

    // The newest archive (2026-11-24T02:30, borg's naive time read as UTC) is 25.5 h old.
    let res = results(&ev, Some(&profile(t.path())), Some("2026-11-25T04:00:00Z"));
    assert_eq!(status_of(&res, "backup.recent", "/tmp/fx/borgrepo"), "pass");
    assert_eq!(
        status_of(&res, "backup.retention", "/tmp/fx/borgrepo"),
        "pass"
    );
    assert_eq!(
        status_of(&res, "backup.encrypted", "/tmp/fx/plainrepo"),
        "fail"
    );

    // `borg info --json` is not a listing: the error names the field.
    let info = fixture(t.path(), "borg-info.json", "2026-11-25T05:00:00Z");
    let r = import(
        "borg",
        &[path_str(&info), "--into", path_str(&t.path().join("ev2"))],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("borg-info.json: archives: missing"),
        "{}",
        r.stderr
    );
}

#[test]
fn pgbackrest_info_json_one_document_per_stanza() {
    let t = tempfile::tempdir().unwrap();
    let ev = t.path().join("ev");
    let f = fixture(t.path(), "pgbackrest-info.json", "2026-11-25T01:00:00Z");
    let r = import("pgbackrest", &[path_str(&f), "--into", path_str(&ev)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = bodies(&ev);
    let subjects: Vec<&str> = b.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "pgbackrest:legacy",
            "pgbackrest:pg-main",
            "pgbackrest:reporting"
        ]
    );
    assert!(b[0].1["error"]
        .as_str()
        .unwrap()
        .contains("stanza status 1: missing stanza path"));
    let main = &b[1].1;
    assert_eq!(main["encrypted"], true);
    assert_eq!(main["encryption"], "pgbackrest info: cipher aes-256-cbc");
    assert_eq!(main["count"], 2);
    assert_eq!(main["snapshots"][1]["type"], "diff");
    assert_eq!(main["snapshots"][1]["time"], "2026-11-24T02:00:11Z");
    assert_eq!(main["snapshots"][1]["size_bytes"], 4120911);
    assert_eq!(main["pitr"], true);
    assert_eq!(b[2].1["count"], 0);
    assert_eq!(b[2].1["encrypted"], false);

    let res = results(&ev, Some(&profile(t.path())), Some("2026-11-25T02:00:00Z"));
    assert_eq!(
        status_of(&res, "backup.recent", "pgbackrest:pg-main"),
        "pass"
    );
    assert_eq!(
        status_of(&res, "backup.retention", "pgbackrest:pg-main"),
        "pass"
    );
    assert_eq!(
        status_of(&res, "backup.recent", "pgbackrest:reporting"),
        "fail"
    );
    assert_eq!(
        status_of(&res, "backup.encrypted", "pgbackrest:reporting"),
        "fail"
    );
    for id in [
        "backup.recent",
        "backup.encrypted",
        "backup.restore-tested",
        "backup.retention",
    ] {
        assert_eq!(status_of(&res, id, "pgbackrest:legacy"), "error", "{id}");
    }
}

#[test]
fn aws_backup_recovery_points_one_document_per_vault() {
    let t = tempfile::tempdir().unwrap();
    let ev = t.path().join("ev");
    let f = fixture(
        t.path(),
        "aws-backup-recovery-points.json",
        "2026-11-25T03:30:00Z",
    );
    let r = import("aws-backup", &[path_str(&f), "--into", path_str(&ev)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let b = bodies(&ev);
    let vault = "aws-backup:arn:aws:backup:eu-central-1:123456789012:backup-vault:coloom-prod";
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].0, vault);
    let v = &b[0].1;
    assert_eq!(v["count"], 3, "PARTIAL is not a backup");
    assert_eq!(v["not_completed"], 1);
    assert_eq!(v["encrypted"], true);
    assert_eq!(v["retention"]["keep_within_days"], 35);
    assert_eq!(v["sources"].as_array().unwrap().len(), 2);
    // CLI v1 prints Unix seconds, v2 ISO 8601: both are read.
    assert_eq!(v["sources"][1]["newest"], "2026-11-22T05:00:00Z");
    assert_eq!(v["sources"][0]["newest"], "2026-11-24T03:00:00Z");

    let res = results(&ev, Some(&profile(t.path())), Some("2026-11-25T04:00:00Z"));
    assert_eq!(status_of(&res, "backup.recent", vault), "pass");
    assert_eq!(status_of(&res, "backup.encrypted", vault), "pass");
    assert_eq!(status_of(&res, "backup.retention", vault), "pass");
    // Snapshot recovery points only: no point-in-time recovery.
    assert_eq!(v["pitr"], false);
    assert_eq!(
        status_of(&res, "backup.point-in-time-recovery", vault),
        "fail"
    );

    // A continuous recovery point (RDS point-in-time backups) gives the vault PITR.
    let mut j: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    j["RecoveryPoints"][0]["RecoveryPointArn"] = Value::from(
        "arn:aws:backup:eu-central-1:123456789012:recovery-point:continuous:db-ABCDEFGHIJKLMNOP-2c1e6d3a",
    );
    let c = t.path().join("continuous.json");
    std::fs::write(&c, j.to_string()).unwrap();
    let evc = t.path().join("evc");
    assert_eq!(
        import("aws-backup", &[path_str(&c), "--into", path_str(&evc)]).code,
        0
    );
    let res = results(&evc, Some(&profile(t.path())), None);
    assert_eq!(
        status_of(&res, "backup.point-in-time-recovery", vault),
        "pass"
    );

    // An unencrypted point makes the vault fail; a wrong file names the field.
    let mut j: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    j["RecoveryPoints"][2]["IsEncrypted"] = Value::Bool(false);
    let g = t.path().join("unenc.json");
    std::fs::write(&g, j.to_string()).unwrap();
    let ev2 = t.path().join("ev2");
    assert_eq!(
        import("aws-backup", &[path_str(&g), "--into", path_str(&ev2)]).code,
        0
    );
    assert_eq!(bodies(&ev2)[0].1["encrypted"], false);
    std::fs::write(&g, r#"{"BackupVaults": []}"#).unwrap();
    let r = import(
        "aws-backup",
        &[path_str(&g), "--into", path_str(&t.path().join("ev3"))],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("unenc.json: RecoveryPoints: missing or not an array"),
        "{}",
        r.stderr
    );
}
