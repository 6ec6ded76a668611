//! Real MariaDB servers for the replica tests (Debian's `mariadb-server`): a primary with
//! a binary log and a replica following it by GTID, on loopback ports in temporary
//! folders, killed when dropped. Missing binaries fail the test with the package to install.

#![allow(dead_code)] // each test crate uses part of it

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The password of the `assay` account (created on the primary, replicated).
pub const PASSWORD: &str = "Maria-t3st-Secr3t";

fn need(p: &str) -> PathBuf {
    let path = PathBuf::from(p);
    assert!(
        path.is_file(),
        "{p} is missing: these tests run a real MariaDB primary and replica; install them with `apt-get install -y mariadb-server`"
    );
    path
}

/// One running mariadbd.
pub struct Maria {
    pub port: u16,
    socket: PathBuf,
    child: Child,
}

impl Maria {
    fn start(datadir: &Path, server_id: u32) -> Maria {
        let port = super::pg::free_port();
        let dir = datadir.parent().unwrap();
        let name = datadir.file_name().unwrap().to_string_lossy().into_owned();
        let socket = dir.join(format!("{name}.sock"));
        let child = Command::new(need("/usr/sbin/mariadbd"))
            .arg("--no-defaults")
            .arg(format!("--datadir={}", datadir.display()))
            .args(["--user=root", "--bind-address=127.0.0.1"])
            .arg(format!("--port={port}"))
            .arg(format!("--socket={}", socket.display()))
            .arg(format!(
                "--pid-file={}",
                dir.join(format!("{name}.pid")).display()
            ))
            .arg(format!("--server-id={server_id}"))
            .arg(format!(
                "--log-bin={}",
                dir.join(format!("{name}-bin")).display()
            ))
            .arg(format!(
                "--log-error={}",
                dir.join(format!("{name}.err")).display()
            ))
            .args(["--skip-name-resolve", "--innodb-buffer-pool-size=16M"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("mariadbd starts");
        let m = Maria {
            port,
            socket,
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !(m.socket.exists() && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()) {
            assert!(
                Instant::now() < deadline,
                "mariadbd did not start; its log:\n{}",
                std::fs::read_to_string(dir.join(format!("{name}.err"))).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        m
    }

    /// Runs `sql` as root over the socket; the tab-separated output without column names.
    pub fn sql(&self, sql: &str) -> String {
        self.run_sql(sql, false)
    }

    fn run_sql(&self, sql: &str, names: bool) -> String {
        let o = Command::new(need("/usr/bin/mariadb"))
            .arg(format!("--socket={}", self.socket.display()))
            .args(["-uroot", "-B", "-e", sql])
            .args((!names).then_some("-N"))
            .output()
            .expect("mariadb runs");
        assert!(
            o.status.success(),
            "mariadb -e {sql:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// `mysql://assay:PASSWORD@127.0.0.1:PORT/mysql`.
    pub fn url(&self) -> String {
        format!("mysql://assay:{PASSWORD}@127.0.0.1:{}/mysql", self.port)
    }

    /// Kills the server.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Maria {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A primary and a replica replicating from it (both threads running), in `dir`.
pub fn pair(dir: &Path) -> (Maria, Maria) {
    let data = dir.join("primary");
    let o = Command::new(need("/usr/bin/mariadb-install-db"))
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .args([
            "--user=root",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ])
        .output()
        .expect("mariadb-install-db runs");
    assert!(
        o.status.success(),
        "mariadb-install-db: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rdata = dir.join("replica");
    let o = Command::new("cp")
        .arg("-a")
        .arg(&data)
        .arg(&rdata)
        .output()
        .unwrap();
    assert!(o.status.success());
    let primary = Maria::start(&data, 1);
    let replica = Maria::start(&rdata, 2);
    primary.sql(&format!(
        "CREATE USER 'assay'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'; GRANT ALL ON *.* TO 'assay'@'127.0.0.1';"
    ));
    replica.sql(&format!(
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={}, MASTER_USER='assay', MASTER_PASSWORD='{PASSWORD}', MASTER_USE_GTID=slave_pos; START SLAVE;",
        primary.port
    ));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // The account reaches the replica by replication: then both threads run.
        let users = replica.sql("SELECT COUNT(*) FROM mysql.user WHERE User = 'assay'");
        let status = replica.run_sql("SHOW SLAVE STATUS\\G", true);
        if users.trim() == "1"
            && status.contains("Slave_IO_Running: Yes")
            && status.contains("Slave_SQL_Running: Yes")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the replica did not start replicating:\n{status}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (primary, replica)
}
