//! `assay collect backups pgbackrest` against a real pgBackRest repository: a PostgreSQL
//! primary started by the test archives its WAL with `pgbackrest archive-push` into an
//! encrypted repository in a temporary folder, takes a full backup, and assay reads the
//! stanza with `pgbackrest info`. The backup facts (age, encryption, retention, WAL
//! archive for point-in-time recovery) are judged by `assay check`; a stanza that does not
//! exist and a wrong repository key are errors that never leak the key.
//!
//! Needs `pgbackrest` and PostgreSQL (Debian: pgbackrest, postgresql); missing tools fail
//! the test with what to install, never skip it.

mod common;

#[path = "common/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::check::{control, results};
use common::{path_str, run_env};
use pg::{as_server_user, Pg, PASSWORD};

const CIPHER: &str = "pgbr-Repo-K3y-correct-staple-42";
const WRONG: &str = "pgbr-wrong-K3y-battery-horse-17";

fn pgbackrest() -> PathBuf {
    let p = PathBuf::from("/usr/bin/pgbackrest");
    if !p.is_file() {
        let _ = Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "pgbackrest"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output();
    }
    assert!(
        p.is_file(),
        "pgbackrest is needed for tests/backups_pgbackrest.rs: apt-get install pgbackrest (scripts/test installs it)"
    );
    p
}

/// A pgBackRest repository and configuration for one stanza, `main`, in a folder the
/// server user owns; `pg` archives into it.
struct Repo {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        Repo {
            dir: pg::server_dir(),
            bin: pgbackrest(),
        }
    }

    fn conf(&self) -> PathBuf {
        self.dir.path().join("pgbackrest.conf")
    }

    /// Writes the configuration for `pg` with repository key `key`.
    fn configure(&self, pg: &Pg, key: &str) {
        let d = self.dir.path();
        let text = format!(
            "[global]\nrepo1-path={repo}\nrepo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass={key}\nrepo1-retention-full=2\nlog-path={d}\nlock-path={d}/lock\nlog-level-console=warn\nlog-level-file=off\nstart-fast=y\n\n[main]\npg1-path={data}\npg1-port={port}\npg1-socket-path={sock}\npg1-user=assay\n",
            repo = d.join("repo").display(),
            d = d.display(),
            data = pg.data.display(),
            port = pg.port,
            sock = pg.data.parent().unwrap().display(),
        );
        std::fs::write(self.conf(), text).unwrap();
    }

    /// Runs pgbackrest as the server user; panics with its output on failure.
    fn run(&self, args: &[&str]) {
        let conf = format!("--config={}", self.conf().display());
        let mut all = vec![conf.as_str(), "--stanza=main"];
        all.extend_from_slice(args);
        let o = as_server_user(&self.bin, &all, &[("PGPASSWORD", PASSWORD)]);
        assert!(
            o.status.success(),
            "pgbackrest {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// `assay collect backups pgbackrest STANZA --into EV` with the repository's configuration.
fn collect(repo: &Repo, stanza: &str, ev: &Path) -> common::Run {
    let conf = repo.conf();
    run_env(
        &[
            "collect",
            "backups",
            "pgbackrest",
            stanza,
            "--into",
            path_str(ev),
        ],
        &[("PGBACKREST_CONFIG", path_str(&conf))],
    )
}

fn profile(dir: &Path) -> PathBuf {
    common::write_file(
        dir,
        "profile.yaml",
        "name: t\nselect:\n  ids: [backup.recent, backup.encrypted, backup.point-in-time-recovery]\n",
    )
}

#[test]
fn pgbackrest_full_backup_with_wal_archive_is_measured_and_judged() {
    let repo = Repo::new();
    let archive = format!(
        "archive_mode = on\narchive_command = '{} --config={} --stanza=main archive-push %p'",
        repo.bin.display(),
        repo.conf().display()
    );
    let pg = Pg::primary_with(false, &archive);
    repo.configure(&pg, CIPHER);
    repo.run(&["stanza-create"]);
    repo.run(&["--type=full", "backup"]);
    pg.sql("CREATE TABLE t AS SELECT generate_series(1, 1000) AS n; SELECT pg_switch_wal();");

    let scratch = tempfile::tempdir().unwrap();
    let ev = scratch.path().join("ev");
    let o = collect(&repo, "main", &ev);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);

    // The document holds what pgbackrest measured.
    let docs = common::bodies(&ev, "backup.snapshots");
    assert_eq!(docs.len(), 1, "{docs:?}");
    let (subject, body) = &docs[0];
    assert_eq!(subject, "pgbackrest:main");
    assert_eq!(body["encrypted"], true, "{body}");
    assert_eq!(body["pitr"], true, "the WAL archive was read: {body}");
    let snaps = body["snapshots"].as_array().expect("snapshots");
    assert_eq!(snaps.len(), 1, "one full backup: {body}");

    let r = results(&ev, Some(&profile(scratch.path())), None);
    for id in [
        "backup.recent",
        "backup.encrypted",
        "backup.point-in-time-recovery",
    ] {
        let (status, findings) = control(&r, id);
        assert_eq!(status, "pass", "{id}: {findings:?}");
    }

    // A stanza the repository does not have is an error, never a pass.
    let ev2 = scratch.path().join("ev2");
    let o = collect(&repo, "nope", &ev2);
    let text = format!("{}{}", o.stdout, o.stderr);
    assert!(
        text.contains("pgbackrest:nope") && text.contains("missing stanza path"),
        "names the stanza and the cause: {text}"
    );
    let r = results(&ev2, Some(&profile(scratch.path())), None);
    let (status, findings) = control(&r, "backup.recent");
    assert_eq!(status, "error", "{findings:?}");

    // The wrong repository key: an error naming the stanza, and the key is never printed.
    repo.configure(&pg, WRONG);
    let ev3 = scratch.path().join("ev3");
    let o = collect(&repo, "main", &ev3);
    let text = format!("{}{}", o.stdout, o.stderr);
    assert!(!text.contains(WRONG) && !text.contains(CIPHER), "{text}");
    assert!(
        text.contains("pgbackrest:main") && text.contains("wrong repo1-cipher-pass"),
        "names the stanza and the likely cause: {text}"
    );
    let r = results(&ev3, Some(&profile(scratch.path())), None);
    for id in [
        "backup.recent",
        "backup.encrypted",
        "backup.point-in-time-recovery",
    ] {
        let (status, findings) = control(&r, id);
        assert_eq!(
            status, "error",
            "{id}: a wrong key must not pass: {findings:?}"
        );
    }
    for (_, body) in common::bodies(&ev3, "backup.snapshots") {
        assert!(
            !body.to_string().contains(WRONG),
            "the key is in the evidence"
        );
    }
}
