//! Real PostgreSQL and Redis servers for the replica tests, started from Debian's packages
//! on loopback ports in temporary folders, and stopped when dropped.
//!
//! PostgreSQL refuses to run as root: as root the servers run as the `postgres` user
//! (created by Debian's `postgresql` package) through `runuser`, with their folders owned
//! by it. Missing binaries fail the test with the package to install, never skip it.

#![allow(dead_code)] // each test crate uses part of it

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The password of the `assay` superuser every test server gets.
pub const PASSWORD: &str = "Pg-t3st-S3cret";

/// A free loopback port (bound then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The newest `/usr/lib/postgresql/<version>/bin` holding the server binaries.
pub fn pg_bin() -> PathBuf {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, b)| b).unwrap_or_else(|| {
        panic!(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: these tests run a real primary and standby; install them with `apt-get install -y postgresql`"
        )
    })
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `(uid, gid)` of the `postgres` user.
pub fn postgres_ids() -> (u32, u32) {
    let id = |flag: &str| {
        let o = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("id runs");
        assert!(
            o.status.success(),
            "there is no `postgres` user to run PostgreSQL as (root may not): install Debian's `postgresql` package, which creates it"
        );
        String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse::<u32>()
            .unwrap()
    };
    (id("-u"), id("-g"))
}

/// A temporary folder the server user may own.
pub fn server_dir() -> tempfile::TempDir {
    let d = tempfile::Builder::new()
        .prefix("assay-db-")
        .tempdir()
        .expect("temp dir");
    if is_root() {
        let (u, g) = postgres_ids();
        std::os::unix::fs::chown(d.path(), Some(u), Some(g)).expect("chown the temp dir");
    }
    d
}

/// Runs `program args` as the server user (as `postgres` when root), with `env`.
pub fn as_server_user(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    c.args(args).envs(env.iter().copied());
    c.output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

#[track_caller]
fn ok(what: &str, o: Output) -> String {
    assert!(
        o.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// One running PostgreSQL server.
pub struct Pg {
    pub port: u16,
    pub data: PathBuf,
    log: PathBuf,
    bin: PathBuf,
    stopped: bool,
    _dir: tempfile::TempDir,
}

impl Pg {
    /// A new primary (`wal_level=replica`, user `assay` with [`PASSWORD`], scram), with
    /// TLS on (a self-signed certificate made by openssl) when `tls`.
    pub fn primary(tls: bool) -> Pg {
        Pg::primary_with(tls, "")
    }

    /// [`Pg::primary`] with more settings (`postgresql.conf` lines) in `conf`.
    pub fn primary_with(tls: bool, conf: &str) -> Pg {
        let bin = pg_bin();
        let dir = server_dir();
        let data = dir.path().join("data");
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        if is_root() {
            let (u, g) = postgres_ids();
            std::os::unix::fs::chown(&pwfile, Some(u), Some(g)).unwrap();
        }
        ok(
            "initdb",
            as_server_user(
                &bin.join("initdb"),
                &[
                    "-D",
                    data.to_str().unwrap(),
                    "-U",
                    "assay",
                    "--auth=scram-sha-256",
                    "--pwfile",
                    pwfile.to_str().unwrap(),
                    "--no-sync",
                    "-E",
                    "UTF8",
                ],
                &[],
            ),
        );
        let mut extra = String::new();
        if tls {
            let (crt, key) = self_signed(dir.path(), "server.crt", "server.key");
            if is_root() {
                let (u, g) = postgres_ids();
                for f in [&crt, &key] {
                    std::os::unix::fs::chown(f, Some(u), Some(g)).unwrap();
                }
            }
            std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .unwrap();
            extra = format!(
                "ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n",
                crt.display(),
                key.display()
            );
        }
        let conf = format!(
            "wal_level = replica\nmax_wal_senders = 5\nmax_replication_slots = 5\nfsync = off\n{extra}{conf}\n"
        );
        let auto = data.join("postgresql.auto.conf");
        let mut text = std::fs::read_to_string(&auto).unwrap_or_default();
        text.push_str(&conf);
        std::fs::write(&auto, text).unwrap();
        let port = free_port();
        let mut pg = Pg {
            port,
            log: dir.path().join("log"),
            data,
            bin,
            stopped: true,
            _dir: dir,
        };
        pg.start();
        pg
    }

    /// A streaming standby of `primary`: `pg_basebackup -R` with replication slot
    /// `slot`, started with `cluster_name` = `name`; waits until the primary sees it
    /// streaming.
    pub fn standby(primary: &Pg, slot: &str, name: &str) -> Pg {
        let bin = pg_bin();
        let dir = server_dir();
        let data = dir.path().join("data");
        let port = primary.port.to_string();
        ok(
            "pg_basebackup",
            as_server_user(
                &bin.join("pg_basebackup"),
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "assay",
                    "-D",
                    data.to_str().unwrap(),
                    "-R",
                    "-C",
                    "-S",
                    slot,
                    "-X",
                    "stream",
                    "--no-sync",
                ],
                &[("PGPASSWORD", PASSWORD)],
            ),
        );
        let auto = data.join("postgresql.auto.conf");
        let mut text = std::fs::read_to_string(&auto).unwrap_or_default();
        text.push_str(&format!("cluster_name = '{name}'\n"));
        std::fs::write(&auto, text).unwrap();
        let mut pg = Pg {
            port: free_port(),
            log: dir.path().join("log"),
            data,
            bin,
            stopped: true,
            _dir: dir,
        };
        pg.start();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let states = primary.sql("SELECT state FROM pg_stat_replication");
            if states.lines().any(|l| l == "streaming") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the standby did not start streaming within 20 s; its log:\n{}",
                std::fs::read_to_string(&pg.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        pg
    }

    /// Starts the server (pg_ctl -w) on its port, listening on 127.0.0.1 only.
    pub fn start(&mut self) {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.data.parent().unwrap().display()
        );
        ok(
            "pg_ctl start",
            as_server_user(
                &self.bin.join("pg_ctl"),
                &[
                    "-D",
                    self.data.to_str().unwrap(),
                    "-l",
                    self.log.to_str().unwrap(),
                    "-o",
                    &opts,
                    "-w",
                    "-t",
                    "30",
                    "start",
                ],
                &[],
            ),
        );
        self.stopped = false;
    }

    /// Stops the server at once.
    pub fn stop(&mut self) {
        if !self.stopped {
            let _ = as_server_user(
                &self.bin.join("pg_ctl"),
                &[
                    "-D",
                    self.data.to_str().unwrap(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                &[],
            );
            self.stopped = true;
        }
    }

    /// Runs `sql` with psql as `assay`; the unaligned, tuples-only output.
    pub fn sql(&self, sql: &str) -> String {
        let port = self.port.to_string();
        let o = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "assay",
                "-d",
                "postgres",
            ])
            .args(["-Atc", sql])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .expect("psql runs");
        ok("psql", o)
    }

    /// `postgres://assay:PASSWORD@127.0.0.1:PORT/postgres?sslmode=MODE`.
    pub fn url(&self, sslmode: &str) -> String {
        format!(
            "postgres://assay:{PASSWORD}@127.0.0.1:{}/postgres?sslmode={sslmode}",
            self.port
        )
    }

    /// The same without the password (taken from PGPASSWORD).
    pub fn url_without_password(&self, sslmode: &str) -> String {
        format!(
            "postgres://assay@127.0.0.1:{}/postgres?sslmode={sslmode}",
            self.port
        )
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A self-signed certificate for `localhost` (openssl), valid one day: `dir/crt`, `dir/key`.
fn self_signed(dir: &Path, crt: &str, key: &str) -> (PathBuf, PathBuf) {
    let (crt, key) = (dir.join(crt), dir.join(key));
    ok(
        "openssl req",
        Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=localhost", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&crt)
            .output()
            .expect("openssl runs (Debian: apt-get install -y openssl)"),
    );
    (crt, key)
}

/// Waits until a server listens on loopback `port` (at most 10 s).
fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The redis-server binary, or a failure that says what to install.
pub fn redis_server() -> PathBuf {
    ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "redis-server is not installed: these tests run a real Redis primary and replica; install it with `apt-get install -y redis-server`"
            )
        })
}

/// One running redis-server (no persistence), killed when dropped.
pub struct Redis {
    pub port: u16,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Redis {
    /// `redis-server --port P [--replicaof 127.0.0.1 M] [--requirepass …]`; waits until
    /// it accepts connections.
    pub fn start(replica_of: Option<u16>, password: Option<&str>) -> Redis {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut c = Command::new(redis_server());
        c.args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(dir.path());
        if let Some(m) = replica_of {
            c.args(["--replicaof", "127.0.0.1", &m.to_string()]);
        }
        if let Some(p) = password {
            c.args(["--requirepass", p, "--masterauth", p]);
        }
        c.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let child = c.spawn().expect("redis-server starts");
        wait_listening(port);
        Redis {
            port,
            child,
            _dir: dir,
        }
    }

    /// A standalone server speaking only TLS (a self-signed certificate made by openssl).
    pub fn start_tls() -> Redis {
        let dir = tempfile::tempdir().unwrap();
        let (crt, key) = self_signed(dir.path(), "c.pem", "k.pem");
        let port = free_port();
        let child = Command::new(redis_server())
            .args([
                "--port",
                "0",
                "--tls-port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--tls-auth-clients",
                "no",
            ])
            .arg("--tls-cert-file")
            .arg(&crt)
            .arg("--tls-key-file")
            .arg(&key)
            .arg("--dir")
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("redis-server starts");
        wait_listening(port);
        Redis {
            port,
            child,
            _dir: dir,
        }
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}
