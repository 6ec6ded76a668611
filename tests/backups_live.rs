//! `assay collect backups` against real restic and BorgBackup repositories that the tests
//! create in temporary folders, with backups of chosen ages (the tools' own `--time` /
//! `--timestamp`), judged by `assay check --now`. A repository with corrupted pack files
//! must fail the restore test; a wrong password must be an error and never appear in
//! anything assay writes or prints.
//!
//! Needs `restic` and `borg` (Debian: restic, borgbackup). When they are missing the tests
//! try `apt-get install`, and fail with a clear message, never skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;

use chrono::{Duration, SecondsFormat, Utc};
use serde_json::Value;

use common::check::{control, findings_about, results};
use common::{path_str, run_env};

const PW: &str = "correct-horse-battery-Staple-7";
const WRONG: &str = "Tr0ub4dor-wrong-passphrase-9";

fn tools() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let have = |p: &str, arg: &str| {
            Command::new(p).arg(arg).output().is_ok_and(|o| o.status.success())
        };
        let both = || have("restic", "version") && have("borg", "--version");
        if !both() {
            let _ = Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "restic", "borgbackup"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output();
        }
        assert!(
            both(),
            "restic and borg are needed for tests/backups_live.rs: apt-get install restic borgbackup (scripts/test should install them)"
        );
    });
}

/// A scratch folder with a small generated tree to back up.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        tools();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("sub")).unwrap();
        for i in 0..5u32 {
            let bytes: Vec<u8> = (0..3000u32)
                .map(|j| (j.wrapping_mul(31).wrapping_add(i * 7)) as u8)
                .collect();
            std::fs::write(data.join(format!("file{i}.bin")), bytes).unwrap();
        }
        std::fs::write(data.join("sub/notes.txt"), "restore me\n").unwrap();
        std::fs::create_dir(dir.path().join("tmp")).unwrap();
        Scratch { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "RESTIC_CACHE_DIR".into(),
                path_str(&self.path("cache")).into(),
            ),
            (
                "BORG_BASE_DIR".into(),
                path_str(&self.path("borgbase")).into(),
            ),
            ("TZ".into(), "UTC".into()),
            ("TMPDIR".into(), path_str(&self.path("tmp")).into()),
        ]
    }

    /// Runs a tool in the scratch folder with `secret` as its password.
    fn tool(&self, program: &str, secret_var: &str, secret: &str, args: &[&str]) {
        let o = Command::new(program)
            .args(args)
            .current_dir(self.dir.path())
            .envs(self.env())
            .env(secret_var, secret)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    fn restic(&self, repo: &str, args: &[&str]) {
        let mut a = vec!["-r", repo, "-q"];
        a.extend_from_slice(args);
        self.tool("restic", "RESTIC_PASSWORD", PW, &a);
    }

    fn borg(&self, args: &[&str]) {
        self.tool("borg", "BORG_PASSPHRASE", PW, args);
    }

    /// `assay collect backups ARGS --into ev` with `secret` in `var`.
    fn collect(&self, var: &str, secret: &str, args: &[&str]) -> common::Run {
        let ev = self.path("ev");
        let mut a = vec!["collect", "backups"];
        a.extend_from_slice(args);
        a.extend(["--into", path_str(&ev)]);
        let env = self.env();
        let mut e: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        e.push((var, secret));
        let r = run_env(&a, &e);
        assert_eq!(r.code, 0, "collect {args:?}: {}{}", r.stdout, r.stderr);
        r
    }

    fn profile(&self) -> PathBuf {
        let p = self.path("profile.yaml");
        std::fs::write(
            &p,
            "name: backups\nselect:\n  ids: [backup.recent, backup.encrypted, backup.restore-tested, backup.retention]\n",
        )
        .unwrap();
        p
    }

    fn check(&self) -> Value {
        let now = (Utc::now() + Duration::minutes(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
        results(&self.path("ev"), Some(&self.profile()), Some(&now))
    }

    /// The body of the newest document about `subject`.
    fn body(&self, subject: &str) -> Value {
        let mut docs: Vec<Value> = std::fs::read_dir(self.path("ev/backup.snapshots"))
            .unwrap()
            .map(|e| {
                serde_json::from_str::<Value>(&std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .unwrap()
            })
            .filter(|d| d["subject"] == subject)
            .collect();
        docs.sort_by_key(|d| d["collected_at"].as_str().unwrap().to_string());
        docs.pop()
            .unwrap_or_else(|| panic!("no document about {subject}"))["body"]
            .clone()
    }
}

/// `now - hours` in the format restic's `--time` reads (UTC, the tools run with TZ=UTC).
fn ago(hours: i64, fmt: &str) -> String {
    (Utc::now() - Duration::hours(hours))
        .format(fmt)
        .to_string()
}

fn status_of(r: &Value, id: &str, subject: &str) -> String {
    let f = findings_about(r, id, subject);
    assert_eq!(f.len(), 1, "{id} {subject}: {f:?}");
    f[0]["status"].as_str().unwrap().to_string()
}

/// Flips bytes in every pack file under `repo/data` (restic) or every segment (borg).
fn corrupt(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            corrupt(&p);
        } else {
            corrupt_file(&p);
        }
    }
}

fn corrupt_file(p: &Path) {
    let mut b = std::fs::read(p).unwrap();
    let n = b.len();
    if n > 64 {
        for i in (40..n - 20).step_by(97) {
            b[i] ^= 0x5a;
        }
        std::fs::write(p, b).unwrap();
    }
}

const RESTIC_T: &str = "%Y-%m-%d %H:%M:%S";

#[test]
fn restic_ages_sources_encryption_and_restore_test() {
    let s = Scratch::new();
    let (good, old) = (
        path_str(&s.path("good")).to_string(),
        path_str(&s.path("old")).to_string(),
    );
    for r in [&good, &old] {
        s.restic(r, &["init"]);
    }
    s.restic(
        &good,
        &[
            "backup",
            "--host",
            "web1",
            "--time",
            &ago(40 * 24, RESTIC_T),
            "data",
        ],
    );
    s.restic(
        &good,
        &[
            "backup",
            "--host",
            "db1",
            "--time",
            &ago(30, RESTIC_T),
            "data/sub",
        ],
    );
    s.restic(
        &good,
        &[
            "backup",
            "--host",
            "web1",
            "--time",
            &ago(3, RESTIC_T),
            "data",
        ],
    );
    s.restic(
        &old,
        &[
            "backup",
            "--host",
            "web1",
            "--time",
            &ago(72, RESTIC_T),
            "data",
        ],
    );
    let out = s.collect(
        "RESTIC_PASSWORD",
        PW,
        &["restic", &good, &old, "--restore-test"],
    );
    assert!(out.stdout.contains("restore test ok"), "{}", out.stdout);

    let b = s.body(&good);
    assert_eq!(b["tool"], "restic");
    assert_eq!(b["count"], 3);
    assert_eq!(b["encrypted"], true);
    assert!(b["encryption"]
        .as_str()
        .unwrap()
        .contains("opened only with its key"));
    let sources: Vec<(String, f64)> = b["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["source"].as_str().unwrap().to_string(),
                x["newest_age_hours"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(
        sources[0].0.starts_with("db1:") && (29.9..30.2).contains(&sources[0].1),
        "{sources:?}"
    );
    assert!(
        sources[1].0.starts_with("web1:") && (2.9..3.2).contains(&sources[1].1),
        "{sources:?}"
    );
    assert!(
        (39.8..40.1).contains(&b["span"]["days"].as_f64().unwrap()),
        "{}",
        b["span"]
    );
    let t = &b["restore_tests"][0];
    assert_eq!(t["success"], true, "{t}");
    assert_eq!(t["files"], 6);
    assert_eq!(t["bytes"], 5 * 3000 + 11);
    assert_eq!(t["snapshot"], b["sources"][1]["newest_id"]);

    let r = s.check();
    assert_eq!(status_of(&r, "backup.recent", &good), "pass");
    assert_eq!(status_of(&r, "backup.recent", &old), "fail");
    assert_eq!(status_of(&r, "backup.encrypted", &old), "pass");
    assert_eq!(status_of(&r, "backup.restore-tested", &good), "pass");
    assert_eq!(status_of(&r, "backup.retention", &good), "pass");
    // Three days of history and no retention policy in restic's output: unknown.
    assert_eq!(status_of(&r, "backup.retention", &old), "error");
    assert_eq!(control(&r, "backup.recent").0, "fail");
    // A later collection without --restore-test keeps the recorded test.
    s.collect("RESTIC_PASSWORD", PW, &["restic", &good]);
    let again = s.body(&good);
    assert_eq!(again["restore_tests"], b["restore_tests"]);
    // The restore folders (under this test's TMPDIR) were removed.
    let left = walk(&s.path("tmp"));
    assert!(left.is_empty(), "restore folders left: {left:?}");
}

#[test]
fn restic_corrupted_repository_fails_the_restore_test() {
    let s = Scratch::new();
    let repo = path_str(&s.path("repo")).to_string();
    s.restic(&repo, &["init"]);
    s.restic(
        &repo,
        &[
            "backup",
            "--host",
            "web1",
            "--time",
            &ago(2, RESTIC_T),
            "data",
        ],
    );
    corrupt(&s.path("repo/data"));
    s.collect("RESTIC_PASSWORD", PW, &["restic", &repo, "--restore-test"]);
    let b = s.body(&repo);
    let t = &b["restore_tests"][0];
    assert_eq!(t["success"], false, "{t}");
    assert!(t["error"].as_str().unwrap().contains("restic"), "{t}");
    let r = s.check();
    assert_eq!(status_of(&r, "backup.restore-tested", &repo), "fail");
    // The snapshot list is intact, so the age is still judged.
    assert_eq!(status_of(&r, "backup.recent", &repo), "pass");
}

#[test]
fn restic_wrong_password_or_missing_repository_is_an_error_and_never_leaks() {
    let s = Scratch::new();
    let repo = path_str(&s.path("repo")).to_string();
    let missing = path_str(&s.path("nothing-here")).to_string();
    s.restic(&repo, &["init"]);
    s.restic(&repo, &["backup", "--time", &ago(1, RESTIC_T), "data"]);
    let out = s.collect(
        "RESTIC_PASSWORD",
        WRONG,
        &["restic", &repo, &missing, "--restore-test"],
    );
    assert!(out.stderr.contains("wrong password"), "{}", out.stderr);
    let b = s.body(&repo);
    assert!(
        b["error"]
            .as_str()
            .unwrap()
            .contains("does not open this repository"),
        "{b}"
    );
    assert!(s.body(&missing)["error"]
        .as_str()
        .unwrap()
        .contains("no restic repository"));
    let r = s.check();
    for id in [
        "backup.recent",
        "backup.encrypted",
        "backup.restore-tested",
        "backup.retention",
    ] {
        assert_eq!(status_of(&r, id, &repo), "error", "{id}");
        assert_eq!(status_of(&r, id, &missing), "error", "{id}");
    }
    // Neither password appears in the evidence, the results or the output.
    let mut all = format!("{}{}{r}", out.stdout, out.stderr);
    for e in walk(&s.path("ev")) {
        all.push_str(&std::fs::read_to_string(e).unwrap());
    }
    assert!(
        !all.contains(WRONG) && !all.contains(PW),
        "a password leaked"
    );

    // A missing tool: an error naming the repository and the package, never a pass.
    let ev2 = s.path("ev2");
    let r = run_env(
        &[
            "collect",
            "backups",
            "restic",
            &repo,
            "--into",
            path_str(&ev2),
        ],
        &[
            ("ASSAY_RESTIC", "/nonexistent/restic"),
            ("RESTIC_PASSWORD", PW),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{repo}: `/nonexistent/restic` is not installed")),
        "{}",
        r.stderr
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

const BORG_T: &str = "%Y-%m-%dT%H:%M:%S";

#[test]
fn borg_ages_encryption_restore_and_corruption() {
    let s = Scratch::new();
    let (enc, plain, bad) = (
        path_str(&s.path("enc")).to_string(),
        path_str(&s.path("plain")).to_string(),
        path_str(&s.path("bad")).to_string(),
    );
    s.borg(&["init", "--encryption=repokey-blake2", &enc]);
    s.borg(&["init", "--encryption=none", &plain]);
    s.borg(&["init", "--encryption=repokey", &bad]);
    for (h, name) in [(45 * 24, "web1"), (20, "db1"), (2, "web1")] {
        let t = ago(h, BORG_T);
        s.borg(&[
            "create",
            "--timestamp",
            &t,
            &format!("{enc}::{name}-{t}"),
            "data",
        ]);
    }
    s.borg(&[
        "create",
        "--timestamp",
        &ago(50, BORG_T),
        &format!("{plain}::web1-old"),
        "data",
    ]);
    s.borg(&[
        "create",
        "--timestamp",
        &ago(1, BORG_T),
        &format!("{bad}::web1-new"),
        "data",
    ]);
    // The largest segment holds the file chunks; the manifest stays readable, so the
    // archive is listed and only the restore shows the damage.
    let largest = walk(&s.path("bad/data"))
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    corrupt_file(&largest);
    s.collect(
        "BORG_PASSPHRASE",
        PW,
        &["borg", &enc, &plain, &bad, "--restore-test"],
    );

    let b = s.body(&enc);
    assert_eq!(b["encrypted"], true);
    assert_eq!(b["encryption_mode"], "repokey-blake2");
    assert_eq!(b["count"], 3);
    let names: Vec<&str> = b["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["source"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["db1", "web1"]);
    let t = &b["restore_tests"][0];
    assert_eq!(t["success"], true, "{t}");
    assert_eq!(t["files"], 6);
    assert_eq!(s.body(&plain)["encrypted"], false);
    let bb = s.body(&bad);
    let tb = &bb["restore_tests"][0];
    assert_eq!(tb["success"], false, "{bb}");

    let r = s.check();
    assert_eq!(status_of(&r, "backup.recent", &enc), "pass");
    assert_eq!(status_of(&r, "backup.recent", &plain), "fail");
    assert_eq!(status_of(&r, "backup.encrypted", &enc), "pass");
    assert_eq!(status_of(&r, "backup.encrypted", &plain), "fail");
    assert_eq!(status_of(&r, "backup.restore-tested", &enc), "pass");
    assert_eq!(status_of(&r, "backup.restore-tested", &plain), "pass");
    assert_eq!(status_of(&r, "backup.restore-tested", &bad), "fail");
    assert_eq!(status_of(&r, "backup.retention", &enc), "pass");

    // A wrong passphrase: an error, and the passphrase is nowhere.
    let out = s.collect("BORG_PASSPHRASE", WRONG, &["borg", &enc]);
    assert!(out.stderr.contains("passphrase"), "{}", out.stderr);
    let b = s.body(&enc);
    assert!(b["error"].as_str().is_some(), "{b}");
    let mut all = format!("{}{}", out.stdout, out.stderr);
    for e in walk(&s.path("ev")) {
        all.push_str(&std::fs::read_to_string(e).unwrap());
    }
    assert!(
        !all.contains(WRONG) && !all.contains(PW),
        "a passphrase leaked"
    );
}

#[test]
fn inventory_entries_with_location_and_their_own_password_variables() {
    let s = Scratch::new();
    let repo = path_str(&s.path("repo")).to_string();
    let other = path_str(&s.path("other")).to_string();
    s.restic(&repo, &["init"]);
    s.restic(&repo, &["backup", "--time", &ago(5, RESTIC_T), "data"]);
    for args in [
        vec!["init"],
        vec!["backup", "--time", &ago(7, RESTIC_T), "data"],
    ] {
        let mut a = vec!["-r", other.as_str(), "-q"];
        a.extend(args.iter().copied());
        s.tool("restic", "RESTIC_PASSWORD", WRONG, &a);
    }
    let inv = s.path("inventory.yaml");
    std::fs::write(
        &inv,
        format!(
            "backups:\n  - repository: {repo}\n    tool: restic\n    password_env: PROD_RESTIC_PW\n    location: {{ country: DE, region: fsn1 }}\n  - repository: {other}\n    tool: restic\n    password_env: OTHER_RESTIC_PW\n"
        ),
    )
    .unwrap();
    let ev = s.path("ev");
    let env = s.env();
    let mut e: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    e.extend([("PROD_RESTIC_PW", PW), ("OTHER_RESTIC_PW", WRONG)]);
    let r = run_env(
        &[
            "collect",
            "backups",
            "--inventory",
            path_str(&inv),
            "--into",
            path_str(&ev),
        ],
        &e,
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let b = s.body(&repo);
    assert_eq!(b["location"]["country"], "DE");
    assert_eq!(b["count"], 1);
    assert_eq!(
        s.body(&other)["count"],
        1,
        "each entry gets its own password"
    );
    // A typo in the inventory names the file and the field.
    std::fs::write(&inv, "backups:\n  - repository: /x\n    tool: resticc\n").unwrap();
    let r = run_env(
        &[
            "collect",
            "backups",
            "--inventory",
            path_str(&inv),
            "--into",
            path_str(&ev),
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("inventory.yaml: backups[0].tool: unknown tool 'resticc'"),
        "{}",
        r.stderr
    );
}
