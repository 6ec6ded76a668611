//! The port scanner against real listening sockets on loopback: open, closed and
//! identified services, then the evidence it writes judged by the network controls.

#[allow(dead_code)] // this test uses run/path_str and common::tls
mod common;

use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener};
use std::time::Duration;

use assay::collect::net::scan::{scan, PortState, ScanOptions};
use common::tls::s_server;

/// A listener that answers every connection with `reply(first bytes read)`.
fn listener(banner: Option<&'static [u8]>, reply: Option<&'static [u8]>) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            std::thread::spawn(move || {
                if let Some(b) = banner {
                    let _ = s.write_all(b);
                }
                let mut buf = [0u8; 256];
                if let (Ok(n), Some(r)) = (s.read(&mut buf), reply) {
                    if n > 0 {
                        let _ = s.write_all(r);
                    }
                }
                std::thread::sleep(Duration::from_millis(200));
            });
        }
    });
    port
}

#[test]
fn states_and_services_on_loopback() {
    let ssh = listener(Some(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"), None);
    let http = listener(None, Some(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    let redis = listener(None, Some(b"-ERR unknown command 'HEAD'\r\n"));
    let silent = listener(None, None);
    let dir = tempfile::tempdir().unwrap();
    let (_tls, tls_addr) = s_server(dir.path(), &["-www"]);
    let closed = common::tls::free_port();
    let ports = [ssh, http, redis, silent, tls_addr.port(), closed];
    let opts = ScanOptions {
        timeout: Duration::from_millis(800),
        ..ScanOptions::default()
    };
    let ip: IpAddr = "127.0.0.1".parse().unwrap();
    let results = scan(&[ip], &ports, &opts, || {}).unwrap();
    assert_eq!(results.len(), 1);
    let found = |p: u16| results[0].1.iter().find(|r| r.port == p).cloned().unwrap();
    for (port, service) in [
        (ssh, Some("ssh")),
        (http, Some("http")),
        (redis, Some("redis")),
        (tls_addr.port(), Some("tls")),
        (silent, None),
    ] {
        let r = found(port);
        assert_eq!(r.state, PortState::Open, "{port}");
        assert_eq!(r.service.as_deref(), service, "{port}");
    }
    assert_eq!(found(closed).state, PortState::Closed);
    assert_eq!(
        results[0].1.len(),
        ports.len(),
        "every scanned port is reported"
    );
}

#[test]
fn collect_ports_cli_writes_evidence_the_network_controls_judge() {
    use common::{path_str, run};
    let ssh = listener(Some(b"SSH-2.0-OpenSSH_9.2p1\r\n"), None);
    let http = listener(None, Some(b"HTTP/1.1 200 OK\r\n\r\n"));
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    let spec = format!("{ssh},{http}");
    let o = run(&[
        "collect",
        "ports",
        "127.0.0.1",
        "--ports",
        &spec,
        "--vantage",
        "internet",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains(&format!("{ssh}/ssh")) && o.stdout.contains(&format!("{http}/http")),
        "{}",
        o.stdout
    );
    // The catalog's sensitive-port list is about well-known ports; judge with a profile
    // that names the test's ports instead.
    let p = dir.path().join("p.yaml");
    std::fs::write(
        &p,
        format!(
            "name: t\nselect:\n  ids: [net.only-allowed-ports-public]\nparams:\n  net.only-allowed-ports-public: {{ allowed_ports: [{http}] }}\n"
        ),
    )
    .unwrap();
    let o = run(&[
        "check",
        "--evidence",
        path_str(&ev),
        "--profile",
        path_str(&p),
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let r: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let msg = r["controls"][0]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains(&format!("{ssh}/ssh")), "{msg}");
    // Refuses a target list that expands too far.
    let o = run(&[
        "collect",
        "ports",
        "10.0.0.0/16",
        "--vantage",
        "internal",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("more than 256 addresses"), "{}", o.stderr);
    let o = run(&[
        "collect",
        "ports",
        "127.0.0.1",
        "--ports",
        "0-5",
        "--vantage",
        "internal",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--ports"), "{}", o.stderr);
}

#[test]
fn collect_ports_from_the_inventory_scans_its_targets_and_ports_for_the_vantage() {
    use common::{path_str, run};
    let http = listener(None, Some(b"HTTP/1.1 200 OK\r\n\r\n"));
    let closed = common::tls::free_port();
    let dir = tempfile::tempdir().unwrap();
    let inv = common::write_file(
        dir.path(),
        "inventory.yaml",
        &format!(
            "ports:\n  vantage_internet:\n    targets: [127.0.0.1]\n    ports: [{http}, {closed}]\n  vantage_internal:\n    targets: [127.0.0.2]\n"
        ),
    );
    let ev = dir.path().join("ev");
    // `assay collect ports --inventory INV --vantage VANTAGE EXTRA… --into EV`.
    let collect = |vantage: &str, extra: &[&str]| {
        let mut args = vec![
            "collect",
            "ports",
            "--inventory",
            path_str(&inv),
            "--vantage",
            vantage,
        ];
        args.extend_from_slice(extra);
        args.extend(["--into", path_str(&ev)]);
        run(&args)
    };
    let o = collect("internet", &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains(&format!("{http}/http")), "{}", o.stdout);
    assert!(!o.stdout.contains("127.0.0.2"), "{}", o.stdout);
    let o = run(&["evidence", "list", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("127.0.0.1") && !o.stdout.contains("127.0.0.2"),
        "{}",
        o.stdout
    );
    // Explicit targets and --ports go with the inventory's; a missing section is named.
    let o = collect(
        "internal",
        &["--ports", &closed.to_string(), "--timeout-ms", "300"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("127.0.0.2"), "{}", o.stdout);
    std::fs::write(&inv, "ports: {}\n").unwrap();
    let o = collect("internet", &[]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("ports.vantage_internet.targets: missing"),
        "{}",
        o.stderr
    );
}
