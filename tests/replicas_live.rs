//! `assay collect replicas` against REAL servers on loopback, judged by `assay check`:
//! a PostgreSQL primary (TLS on) with a streaming standby made by `pg_basebackup -R`, and
//! a Redis primary with a replica (once more with `requirepass`), and a MariaDB primary
//! with a replica following it by GTID.
//!
//! Needs Debian's `postgresql` (server binaries under /usr/lib/postgresql/*/bin, psql and
//! the `postgres` user the servers run as when the tests run as root), `redis-server`,
//! `mariadb-server` and `openssl`. A missing one fails the test with the package to install.

#[allow(dead_code)] // uses part of the shared helpers
mod common;
#[path = "common/mariadb.rs"]
mod mariadb;
#[path = "common/pg.rs"]
mod pg;

use std::path::Path;

use common::{path_str, run_env, write_file, Run};
use pg::{Pg, Redis, PASSWORD};
use serde_json::Value;

const CONTROLS: &str = "select:\n  ids: [resilience.min-replicas, resilience.replication-lag]\n";

fn profile(dir: &Path, min_copies: u32) -> std::path::PathBuf {
    write_file(
        dir,
        &format!("profile-{min_copies}.yaml"),
        &format!(
            "name: replicas\n{CONTROLS}params:\n  resilience.min-replicas: {{ min_copies: {min_copies} }}\n"
        ),
    )
}

/// `assay collect replicas ARGS… --into EV` with `env`.
fn collect(ev: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec!["collect", "replicas"];
    all.extend_from_slice(args);
    all.extend(["--into", path_str(ev)]);
    run_env(&all, env)
}

/// The newest db.replication document about `subject` in `ev`.
fn doc(ev: &Path, subject: &str) -> Value {
    walk(ev)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| serde_json::from_str::<Value>(&std::fs::read_to_string(&p).ok()?).ok())
        .filter(|d| d["kind"] == "db.replication" && d["subject"] == subject)
        .max_by(|a, b| {
            a["collected_at"]
                .as_str()
                .unwrap_or("")
                .cmp(b["collected_at"].as_str().unwrap_or(""))
        })
        .unwrap_or_else(|| {
            panic!(
                "no db.replication document about {subject} in {}",
                ev.display()
            )
        })
}

/// Every file under `ev` as one string, for "the password is nowhere" checks.
fn everything(ev: &Path) -> String {
    let mut s = String::new();
    for e in walk(ev) {
        s.push_str(&String::from_utf8_lossy(&std::fs::read(e).unwrap()));
    }
    s
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[track_caller]
fn no_secret(what: &str, text: &str, secret: &str) {
    assert!(
        !text.contains(secret),
        "the password leaked into {what}:\n{text}"
    );
}

/// `assay check` with min_copies: control `id`'s status and its findings' messages.
fn status(ev: &Path, min_copies: u32, id: &str) -> (String, Vec<String>) {
    let prof = profile(ev.parent().unwrap(), min_copies);
    let o = common::run(&[
        "check",
        "--evidence",
        path_str(ev),
        "--profile",
        path_str(&prof),
        "--format",
        "json",
    ]);
    assert!(o.code == 0 || o.code == 1, "check failed: {}", o.stderr);
    let r: Value = serde_json::from_str(&o.stdout).expect("results JSON");
    let c = r["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"));
    let findings = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}: {}", f["status"], f["message"]))
        .collect();
    (c["status"].as_str().unwrap().to_string(), findings)
}

#[test]
fn postgres_primary_and_standby() {
    let mut primary = Pg::primary(true);
    let mut standby = Pg::standby(&primary, "standby_slot", "standby1");
    let work = tempfile::tempdir().unwrap();

    // Both nodes, the primary over TLS, the standby in plaintext with PGPASSWORD.
    let ev = work.path().join("ev");
    let primary_url = primary.url("require");
    let standby_url = standby.url_without_password("disable");
    let zone_p = format!("127.0.0.1:{}=zone-a", primary.port);
    let o = collect(
        &ev,
        &[
            "postgres",
            &primary_url,
            &standby_url,
            "--cluster",
            "t",
            "--zone",
            &zone_p,
        ],
        &[("PGPASSWORD", PASSWORD)],
    );
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    no_secret("stdout", &o.stdout, PASSWORD);
    no_secret("stderr", &o.stderr, PASSWORD);
    no_secret("the evidence", &everything(&ev), PASSWORD);
    let d = doc(&ev, "t");
    let b = &d["body"];
    assert_eq!(b["engine"], "postgresql", "{b}");
    let m = b["members"].as_array().unwrap();
    assert_eq!(m.len(), 2, "{b}");
    assert_eq!(m[0]["name"], format!("127.0.0.1:{}", primary.port));
    assert_eq!(m[0]["role"], "primary");
    assert_eq!(m[0]["state"], "primary");
    assert_eq!(m[0]["zone"], "zone-a");
    assert_eq!(m[0]["tls"], true, "the TLS connection is recorded: {b}");
    assert!(
        m[0]["tls_version"].as_str().unwrap().starts_with("TLSv1."),
        "{b}"
    );
    assert_eq!(m[1]["name"], format!("127.0.0.1:{}", standby.port));
    assert_eq!(m[1]["role"], "replica");
    assert_eq!(m[1]["state"], "streaming", "{b}");
    assert_eq!(
        m[1]["tls"], false,
        "sslmode=disable is recorded as plaintext: {b}"
    );
    assert_eq!(m[1]["seen_by_primary"], true, "{b}");
    assert_eq!(m[1]["slot"], "standby_slot", "{b}");
    assert_eq!(m[1]["sync_state"], "async", "{b}");
    assert!(m[1]["lag_seconds"].is_number(), "{b}");
    assert!(m[1]["lag_bytes"].is_u64(), "{b}");
    assert_eq!(m[1]["zone"], Value::Null);
    let slots = b["slots"].as_array().unwrap();
    assert!(
        slots
            .iter()
            .any(|s| s["name"] == "standby_slot" && s["active"] == true),
        "{b}"
    );

    assert_eq!(status(&ev, 2, "resilience.min-replicas").0, "pass");
    assert_eq!(status(&ev, 2, "resilience.replication-lag").0, "pass");
    let (st, f) = status(&ev, 3, "resilience.min-replicas");
    assert_eq!(st, "fail", "{f:?}");

    // The primary alone still shows its replica (from pg_stat_replication), TLS preferred.
    let ev_p = work.path().join("ev-primary");
    let o = collect(&ev_p, &["postgres", &primary.url("prefer")], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = doc(&ev_p, &format!("127.0.0.1:{}", primary.port))["body"].clone();
    assert_eq!(b["members"].as_array().unwrap().len(), 2, "{b}");
    assert_eq!(b["members"][1]["name"], "standby1@127.0.0.1", "{b}");
    assert_eq!(b["members"][0]["tls"], true, "{b}");

    // verify-full: the self-signed certificate is not trusted, so the node is not asked.
    let ev_v = work.path().join("ev-verify");
    let o = collect(
        &ev_v,
        &["postgres", &primary.url("verify-full"), "--cluster", "v"],
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let err = doc(&ev_v, "v")["body"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    no_secret("evidence", &everything(&ev_v), PASSWORD);

    // The inventory: databases.clusters with member URLs and zones, PGPASSWORD from the env.
    let inv = write_file(
        work.path(),
        "inventory.yaml",
        &format!(
            "databases:\n  clusters:\n    - name: inv-pg\n      engine: postgresql\n      members:\n        - url: {}\n          zone: eu-central-1a\n        - url: {}\n          zone: eu-central-1b\n    - name: elsewhere\n      engine: redis\n      endpoint: 127.0.0.1:{}\n",
            primary.url_without_password("disable"),
            standby_url,
            pg::free_port()
        ),
    );
    let ev_i = work.path().join("ev-inventory");
    let o = collect(
        &ev_i,
        &["postgres", "--inventory", path_str(&inv)],
        &[("PGPASSWORD", PASSWORD)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = doc(&ev_i, "inv-pg")["body"].clone();
    assert_eq!(b["members"][0]["zone"], "eu-central-1a", "{b}");
    assert_eq!(b["members"][1]["zone"], "eu-central-1b", "{b}");
    assert_eq!(b["members"][1]["state"], "streaming", "{b}");
    assert!(
        !everything(&ev_i).contains("elsewhere"),
        "`collect replicas postgres` leaves the inventory's redis cluster alone"
    );

    // A wrong password: the node is unreachable, named, and the password is nowhere.
    let ev_w = work.path().join("ev-wrong");
    let wrong = "Wr0ng-Passw0rd-xyz";
    let url = format!(
        "postgres://assay:{wrong}@127.0.0.1:{}/postgres?sslmode=disable",
        primary.port
    );
    let o = collect(&ev_w, &["postgres", &url, "--cluster", "w"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let err = doc(&ev_w, "w")["body"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        err.contains(&format!("127.0.0.1:{}", primary.port))
            && err.contains("password authentication failed"),
        "{err}"
    );
    assert!(
        o.stderr.contains("password authentication failed"),
        "{}",
        o.stderr
    );
    for (what, text) in [
        ("stdout", &o.stdout),
        ("stderr", &o.stderr),
        ("evidence", &everything(&ev_w)),
    ] {
        no_secret(what, text, wrong);
    }
    let (st, f) = status(&ev_w, 1, "resilience.min-replicas");
    assert_eq!(st, "error", "{f:?}");

    // An unreachable port next to the live primary: recorded, never dropped, never healthy.
    let dead = pg::free_port();
    let ev_d = work.path().join("ev-dead");
    let dead_url = format!("postgres://assay@127.0.0.1:{dead}/postgres?sslmode=disable");
    let o = collect(
        &ev_d,
        &[
            "postgres",
            &primary_url,
            &dead_url,
            "--cluster",
            "t",
            "--timeout",
            "5",
        ],
        &[("PGPASSWORD", PASSWORD)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = doc(&ev_d, "t")["body"].clone();
    let m = b["members"].as_array().unwrap();
    assert_eq!(
        m.len(),
        3,
        "the named dead node and the primary's streaming replica: {b}"
    );
    assert_eq!(m[1]["state"], "unreachable", "{b}");
    assert!(
        m[1]["error"].as_str().unwrap().contains(&dead.to_string()),
        "{b}"
    );
    assert_eq!(status(&ev_d, 3, "resilience.min-replicas").0, "fail");
    assert_eq!(status(&ev_d, 2, "resilience.replication-lag").0, "error");

    // The standby stops: the same collection now fails the count it passed.
    standby.stop();
    let ev2 = work.path().join("ev-stopped");
    let o = collect(
        &ev2,
        &["postgres", &primary_url, &standby_url, "--cluster", "t"],
        &[("PGPASSWORD", PASSWORD)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = doc(&ev2, "t")["body"].clone();
    assert_eq!(b["members"][1]["state"], "unreachable", "{b}");
    let (st, f) = status(&ev2, 2, "resilience.min-replicas");
    assert_eq!(st, "fail", "{f:?}");
    assert!(
        b["slots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "standby_slot" && s["active"] == false),
        "{b}"
    );

    // No node answers at all: body.error, the control errors.
    primary.stop();
    let ev3 = work.path().join("ev-down");
    let o = collect(&ev3, &["postgres", &primary_url, "--cluster", "t"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = doc(&ev3, "t")["body"].clone();
    assert!(
        b["error"]
            .as_str()
            .unwrap()
            .contains("no node of postgresql cluster t answered"),
        "{b}"
    );
    no_secret("evidence", &everything(&ev3), PASSWORD);
    assert_eq!(status(&ev3, 1, "resilience.min-replicas").0, "error");
}

#[test]
fn redis_primary_and_replica() {
    let primary = Redis::start(None, None);
    let replica = Redis::start(Some(primary.port), None);
    let work = tempfile::tempdir().unwrap();
    let p = format!("redis://127.0.0.1:{}", primary.port);
    let r = format!("redis://127.0.0.1:{}", replica.port);
    let ev = work.path().join("ev");
    let b = wait_for_redis(&ev, &[&p, &r], &[], "sessions");
    let m = b["members"].as_array().unwrap();
    assert_eq!(m.len(), 2, "{b}");
    assert_eq!(m[0]["role"], "primary");
    assert_eq!(m[0]["connected_replicas"], 1, "{b}");
    assert_eq!(m[1]["role"], "replica");
    assert_eq!(m[1]["state"], "online", "{b}");
    assert_eq!(m[1]["master_link_status"], "up", "{b}");
    assert_eq!(m[1]["seen_by_primary"], true, "{b}");
    assert!(m[1]["lag_seconds"].is_number(), "{b}");
    assert_eq!(m[0]["tls"], false, "{b}");
    assert_eq!(status(&ev, 2, "resilience.min-replicas").0, "pass");
    assert_eq!(status(&ev, 3, "resilience.min-replicas").0, "fail");

    // rediss://: TLS is recorded; an untrusted certificate stops the collection unless
    // #insecure says not to check it.
    let tls = Redis::start_tls();
    let ev_t = work.path().join("ev-tls");
    let url = format!("rediss://127.0.0.1:{}#insecure", tls.port);
    let o = collect(&ev_t, &["redis", &url, "--cluster", "tls"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = doc(&ev_t, "tls")["body"].clone();
    assert_eq!(b["members"][0]["role"], "primary", "{b}");
    assert_eq!(b["members"][0]["tls"], true, "{b}");
    let url = format!("rediss://127.0.0.1:{}", tls.port);
    let o = collect(&ev_t, &["redis", &url, "--cluster", "tls-verified"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let err = doc(&ev_t, "tls-verified")["body"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(err.contains("TLS handshake failed"), "{err}");
}

#[test]
fn redis_requirepass_from_the_environment() {
    let secret = "R3dis-Req-Pass-0987";
    let primary = Redis::start(None, Some(secret));
    let mut replica = Redis::start(Some(primary.port), Some(secret));
    let work = tempfile::tempdir().unwrap();
    let p = format!("redis://127.0.0.1:{}", primary.port);
    let r = format!("redis://127.0.0.1:{}", replica.port);
    let ev = work.path().join("ev");
    let b = wait_for_redis(&ev, &[&p, &r], &[("REDIS_PASSWORD", secret)], "auth");
    assert_eq!(b["members"][1]["state"], "online", "{b}");
    no_secret("evidence", &everything(&ev), secret);

    // Without the password: NOAUTH, named, recorded as an error.
    let ev_n = work.path().join("ev-noauth");
    let o = collect(
        &ev_n,
        &["redis", &p, "--cluster", "n"],
        &[("REDIS_PASSWORD", "")],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let err = doc(&ev_n, "n")["body"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        err.contains("NOAUTH") || err.contains("Authentication"),
        "{err}"
    );
    assert_eq!(status(&ev_n, 1, "resilience.min-replicas").0, "error");

    // A wrong password in the URL: AUTH fails, the password is nowhere.
    let wrong = "not-the-pass-4321";
    let ev_w = work.path().join("ev-wrong");
    let url = format!("redis://:{wrong}@127.0.0.1:{}", primary.port);
    let o = collect(&ev_w, &["redis", &url, "--cluster", "w"], &[]);
    let err = doc(&ev_w, "w")["body"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(err.contains("AUTH failed"), "{err}");
    for (what, text) in [
        ("stdout", &o.stdout),
        ("stderr", &o.stderr),
        ("evidence", &everything(&ev_w)),
    ] {
        no_secret(what, text, wrong);
    }

    // The replica goes away: its member is unreachable and the count fails.
    replica.stop();
    let ev2 = work.path().join("ev-stopped");
    let o = collect(
        &ev2,
        &["redis", &p, &r, "--cluster", "auth"],
        &[("REDIS_PASSWORD", secret)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = doc(&ev2, "auth")["body"].clone();
    assert_eq!(b["members"][1]["state"], "unreachable", "{b}");
    assert_eq!(status(&ev2, 2, "resilience.min-replicas").0, "fail");
}

/// Collects until the replica is `online` on its primary (a fresh replica syncs first).
fn wait_for_redis(ev: &Path, urls: &[&str], env: &[(&str, &str)], cluster: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let mut args = vec!["redis"];
        args.extend_from_slice(urls);
        args.extend(["--cluster", cluster]);
        let _ = std::fs::remove_dir_all(ev);
        let o = collect(ev, &args, env);
        assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
        let b = doc(ev, cluster)["body"].clone();
        if b["members"][1]["state"] == "online" || std::time::Instant::now() > deadline {
            return b;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn mariadb_primary_and_replica() {
    let work = tempfile::tempdir().unwrap();
    let (primary, mut replica) = mariadb::pair(work.path());
    let ev = work.path().join("ev");
    let o = collect(
        &ev,
        &["mysql", &primary.url(), &replica.url(), "--cluster", "shop"],
        &[],
    );
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    for (what, text) in [
        ("stdout", &o.stdout),
        ("stderr", &o.stderr),
        ("evidence", &everything(&ev)),
    ] {
        no_secret(what, text, mariadb::PASSWORD);
    }
    let b = doc(&ev, "shop")["body"].clone();
    assert_eq!(b["engine"], "mysql", "{b}");
    let m = b["members"].as_array().unwrap();
    assert_eq!(m.len(), 2, "{b}");
    assert_eq!(m[0]["role"], "primary", "{b}");
    assert_eq!(m[1]["role"], "replica", "{b}");
    assert_eq!(m[1]["state"], "streaming", "{b}");
    assert_eq!(m[1]["io_running"], "Yes", "{b}");
    assert!(m[1]["lag_seconds"].is_number(), "{b}");
    assert_eq!(
        m[1]["upstream"],
        format!("127.0.0.1:{}", primary.port),
        "{b}"
    );
    assert_eq!(m[0]["tls"], false, "{b}");
    assert_eq!(status(&ev, 2, "resilience.min-replicas").0, "pass");
    assert_eq!(status(&ev, 2, "resilience.replication-lag").0, "pass");
    assert_eq!(status(&ev, 3, "resilience.min-replicas").0, "fail");

    // The replica's SQL thread stops: still reachable, no longer a healthy copy.
    replica.sql("STOP SLAVE SQL_THREAD");
    let ev2 = work.path().join("ev-stopped");
    let o = collect(
        &ev2,
        &["mysql", &primary.url(), &replica.url(), "--cluster", "shop"],
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = doc(&ev2, "shop")["body"].clone();
    assert_eq!(b["members"][1]["state"], "stopped", "{b}");
    assert_eq!(status(&ev2, 2, "resilience.min-replicas").0, "fail");

    // A wrong password: named, recorded as an error, the password nowhere.
    let wrong = "Wr0ng-maria-pw";
    let url = format!("mysql://assay:{wrong}@127.0.0.1:{}/mysql", primary.port);
    let ev_w = work.path().join("ev-wrong");
    let o = collect(&ev_w, &["mysql", &url, "--cluster", "w"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let err = doc(&ev_w, "w")["body"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(err.contains("Access denied"), "{err}");
    for (what, text) in [
        ("stdout", &o.stdout),
        ("stderr", &o.stderr),
        ("evidence", &everything(&ev_w)),
    ] {
        no_secret(what, text, wrong);
    }
    assert_eq!(status(&ev_w, 1, "resilience.min-replicas").0, "error");
    replica.stop();
}
