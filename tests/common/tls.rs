//! Real TLS servers for the TLS tests: `openssl s_server` on loopback with certificates
//! and DH parameters the tests make with the `openssl` command (installed by
//! scripts/test). Each server is killed when its handle drops, pass or fail.
#![allow(dead_code)] // tls_probe, tls_cert and tls_collect each use a part

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A server process, killed on drop.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `openssl ARGS` in `dir`, failing the test if it fails.
pub fn openssl(dir: &Path, args: &[&str]) {
    let ok = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (scripts/test installs it)");
    assert!(ok.success(), "openssl {args:?}");
}

/// A self-signed RSA-2048 certificate for `localhost` in `dir`: (cert.pem, key.pem).
pub fn make_cert(dir: &Path) -> (String, String) {
    self_signed(dir, "cert")
}

/// A self-signed RSA-2048 certificate for `localhost`: `<name>.pem` and `<name>.key`.
pub fn self_signed(dir: &Path, name: &str) -> (String, String) {
    let (pem, key) = (format!("{name}.pem"), format!("{name}.key"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            &key,
            "-out",
            &pem,
        ],
    );
    (
        dir.join(pem).display().to_string(),
        dir.join(key).display().to_string(),
    )
}

/// A private PKI in `dir`: ca.pem → int.pem → leaves. `leaf(dir, name, key, host)` makes
/// `<name>.pem`/`<name>.key` for `host` signed by the intermediate.
pub fn make_pki(dir: &Path) {
    std::fs::write(
        dir.join("ext.cnf"),
        "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-subj",
            "/CN=Assay Test Root",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "int.key",
            "-out",
            "int.csr",
            "-subj",
            "/CN=Assay Test Intermediate",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "int.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "int.pem",
            "-days",
            "3650",
            "-extfile",
            "ext.cnf",
            "-extensions",
            "ca",
        ],
    );
}

/// A leaf for `host` (and 127.0.0.1) with key `newkey` (e.g. `rsa:2048`), valid `days`,
/// signed by the intermediate of [`make_pki`]: writes `<name>.pem` and `<name>.key`.
pub fn leaf(dir: &Path, name: &str, newkey: &str, host: &str, days: u32) {
    let ext = format!("{name}.cnf");
    std::fs::write(
        dir.join(&ext),
        format!(
            "[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth\nsubjectAltName=DNS:{host},IP:127.0.0.1\n"
        ),
    )
    .unwrap();
    let (key, csr, pem, days) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
        days.to_string(),
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            newkey,
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            &format!("/CN={host}"),
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "int.pem",
            "-CAkey",
            "int.key",
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            &days,
            "-extfile",
            &ext,
            "-extensions",
            "leaf",
        ],
    );
}

/// Starts `openssl s_server` in `dir` (where `-HTTP` finds its files) with `args` after
/// the listening address, and waits until it accepts connections.
pub fn s_server_with(dir: &Path, args: &[&str]) -> (Server, SocketAddr) {
    let port = free_port();
    let mut cmd = Command::new("openssl");
    cmd.args(["s_server", "-quiet", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .args(args);
    spawn_and_wait(cmd, dir, port)
}

/// Starts GnuTLS's `gnutls-serv --http` with `args`: Debian's OpenSSL 3 has no 3DES
/// suites at all, GnuTLS still does (`+3DES-CBC`). It has no option to bind to one
/// address; the tests only ever connect to it over 127.0.0.1.
pub fn gnutls_serv(dir: &Path, args: &[&str]) -> (Server, SocketAddr) {
    let port = free_port();
    let mut cmd = Command::new("gnutls-serv");
    cmd.args(["--http", "--disable-client-cert", "--port"])
        .arg(port.to_string())
        .args(args);
    spawn_and_wait(cmd, dir, port)
}

fn spawn_and_wait(cmd: Command, dir: &Path, port: u16) -> (Server, SocketAddr) {
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    (spawn_and_wait_at(cmd, dir, &addr.to_string()), addr)
}

/// Starts `cmd` in `dir` and waits until `addr` (e.g. `[::1]:8443`) accepts connections.
pub fn spawn_and_wait_at(mut cmd: Command, dir: &Path, addr: &str) -> Server {
    let child = cmd
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the TLS server (scripts/test installs openssl and gnutls-bin)");
    let server = Server(child);
    let sock: SocketAddr = addr.parse().expect("a socket address");
    for _ in 0..100 {
        if std::net::TcpStream::connect(sock).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the TLS server did not start on {addr}");
}

/// [`s_server_with`] using a fresh self-signed certificate for `localhost`.
pub fn s_server(dir: &Path, args: &[&str]) -> (Server, SocketAddr) {
    let (cert, key) = make_cert(dir);
    let mut all = vec!["-cert", cert.as_str(), "-key", key.as_str()];
    all.extend_from_slice(args);
    s_server_with(dir, &all)
}

/// A single-threaded tokio runtime for a test.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
