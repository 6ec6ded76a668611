//! The TLS probe against real servers on loopback: `openssl s_server` in several
//! configurations, and hand-written hostile peers. Certificates are made by the test.

#[allow(dead_code)] // the TLS tests use only common::tls
mod common;

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use common::tls::{rt, s_server};

use assay::collect::tls::body::Protocol;
use assay::collect::tls::probe::{accepted_suites, pick, ProbeError, Target};

fn target(addr: SocketAddr) -> Target {
    Target::new(addr, Some("localhost".into()), Duration::from_secs(5))
}

/// A candidate list covering the suites the configurations below use, and some they don't.
const CANDIDATES: [u16; 12] = [
    0xc02f, 0xc030, 0xcca8, 0x009e, 0xc013, 0xc014, 0x002f, 0x0035, 0x009c, 0x000a, 0x0005, 0x0033,
];
const TLS13: [u16; 3] = [0x1301, 0x1302, 0x1303];

async fn offered(t: &Target) -> Vec<Protocol> {
    let mut out = Vec::new();
    for p in [Protocol::Tls10, Protocol::Tls11, Protocol::Tls12] {
        if pick(t, p, &CANDIDATES).await.unwrap().is_some() {
            out.push(p);
        }
    }
    if pick(t, Protocol::Tls13, &TLS13).await.unwrap().is_some() {
        out.push(Protocol::Tls13);
    }
    out
}

#[test]
fn tls12_ecdhe_and_rsa_suites() {
    let dir = tempfile::tempdir().unwrap();
    let (_s, addr) = s_server(
        dir.path(),
        &[
            "-tls1_2",
            "-cipher",
            "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA",
        ],
    );
    let t = target(addr);
    rt().block_on(async {
        assert_eq!(offered(&t).await, [Protocol::Tls12]);
        let (suites, replies) = accepted_suites(&t, Protocol::Tls12, &CANDIDATES)
            .await
            .unwrap();
        let mut sorted = suites.clone();
        sorted.sort();
        assert_eq!(sorted, [0x002f, 0xc02f]);
        // TLS 1.2 flights carry the certificate in the clear.
        assert!(replies.iter().all(|r| !r.certificates.is_empty()));
    });
}

#[test]
fn tls13_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_s, addr) = s_server(dir.path(), &["-tls1_3"]);
    let t = target(addr);
    rt().block_on(async {
        assert_eq!(offered(&t).await, [Protocol::Tls13]);
        let (mut suites, _) = accepted_suites(&t, Protocol::Tls13, &TLS13).await.unwrap();
        suites.sort();
        assert_eq!(suites, TLS13);
    });
}

#[test]
fn legacy_protocols_enabled() {
    let dir = tempfile::tempdir().unwrap();
    let (_s, addr) = s_server(
        dir.path(),
        &[
            "-min_protocol",
            "TLSv1",
            "-max_protocol",
            "TLSv1.2",
            "-cipher",
            "ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0",
        ],
    );
    let t = target(addr);
    rt().block_on(async {
        assert_eq!(
            offered(&t).await,
            [Protocol::Tls10, Protocol::Tls11, Protocol::Tls12]
        );
        let (mut suites, _) = accepted_suites(&t, Protocol::Tls10, &CANDIDATES)
            .await
            .unwrap();
        suites.sort();
        assert_eq!(suites, [0x002f, 0xc013]);
    });
}

/// What a hostile peer does with one connection.
type Behaviour = fn(std::net::TcpStream);

/// A peer that does something hostile with every connection.
fn hostile(behaviour: Behaviour) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming().take(4).flatten() {
            std::thread::spawn(move || behaviour(s));
        }
    });
    addr
}

#[test]
fn hostile_peers_give_errors_within_the_timeout() {
    use std::io::{Read, Write};
    fn read_hello(s: &mut std::net::TcpStream) {
        let mut b = [0u8; 4096];
        let _ = s.read(&mut b);
    }
    let cases: [(&str, Behaviour); 5] = [
        ("garbage", |mut s| {
            read_hello(&mut s);
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2\r\n");
        }),
        ("absurd length", |mut s| {
            read_hello(&mut s);
            let _ = s.write_all(&[22, 3, 3, 0xff, 0xff]);
            std::thread::sleep(Duration::from_secs(3));
        }),
        ("truncated then closed", |mut s| {
            read_hello(&mut s);
            let _ = s.write_all(&[22, 3, 3, 0, 60, 2, 0, 0, 56, 3, 3]);
        }),
        ("endless trickle", |mut s| {
            read_hello(&mut s);
            let _ = s.write_all(&[22, 3, 3, 0x40, 0x00, 2, 0, 0x3f, 0xfc]);
            for _ in 0..200 {
                if s.write_all(&[0]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }),
        ("silent close", |mut s| read_hello(&mut s)),
    ];
    rt().block_on(async {
        for (name, behaviour) in cases {
            let t = Target::new(hostile(behaviour), None, Duration::from_secs(2));
            let started = std::time::Instant::now();
            let r = pick(&t, Protocol::Tls12, &CANDIDATES).await;
            assert!(
                started.elapsed() < Duration::from_secs(4),
                "{name}: took {:?}",
                started.elapsed()
            );
            match (name, r) {
                (
                    "garbage" | "absurd length" | "truncated then closed",
                    Err(ProbeError::Malformed { .. }),
                ) => {}
                ("endless trickle", Err(ProbeError::Timeout(..))) => {}
                ("silent close", Ok(None)) => {}
                (name, other) => panic!("{name}: unexpected {other:?}"),
            }
        }
    });
}

#[test]
fn full_handshake_reads_the_tls13_chain_and_the_http_head() {
    let dir = tempfile::tempdir().unwrap();
    let (_s, addr) = s_server(dir.path(), &["-tls1_3", "-www"]);
    let t = target(addr);
    let f = rt()
        .block_on(assay::collect::tls::https::fetch(&t, "localhost", "/"))
        .unwrap();
    assert_eq!(
        f.certificates.len(),
        1,
        "s_server sends its one self-signed certificate"
    );
    assert_eq!(f.status, Some(200));
    assert_eq!(
        f.hsts,
        Some(None),
        "s_server -www sends no Strict-Transport-Security"
    );
}

#[test]
fn hsts_header_is_read_from_a_real_https_server() {
    let dir = tempfile::tempdir().unwrap();
    // `s_server -HTTP` serves files from its working folder verbatim, headers included.
    std::fs::write(
        dir.path().join("index.html"),
        "HTTP/1.0 200 ok\r\nStrict-Transport-Security: max-age=31536000; includeSubDomains\r\nContent-Type: text/plain\r\n\r\nhello\r\n",
    )
    .unwrap();
    let (_s, addr) = s_server(dir.path(), &["-HTTP", "-tls1_2"]);
    let f = rt()
        .block_on(assay::collect::tls::https::fetch(
            &target(addr),
            "localhost",
            "/index.html",
        ))
        .unwrap();
    assert_eq!(f.status, Some(200));
    let h = f.hsts.unwrap().unwrap();
    assert_eq!(
        (h.max_age, h.include_subdomains, h.preload),
        (31536000, true, false)
    );
    assert_eq!(f.certificates.len(), 1);
}

#[test]
fn a_hostile_peer_becomes_an_error_for_the_whole_endpoint() {
    use std::io::{Read, Write};
    let addr = hostile(|mut s| {
        let mut b = [0u8; 4096];
        let _ = s.read(&mut b);
        let _ = s.write_all(&[22, 3, 3, 0xff, 0xff, 1, 2, 3]);
    });
    let opts = assay::collect::tls::endpoint::Options {
        timeout: Duration::from_secs(2),
        store: assay::collect::tls::cert::TrustStore::mozilla(),
        now: chrono::Utc::now(),
    };
    let started = std::time::Instant::now();
    let r = rt().block_on(assay::collect::tls::endpoint::measure(
        "localhost",
        addr.port(),
        addr,
        &opts,
    ));
    let err = r.expect_err("a peer that answers garbage is not measured");
    assert!(
        err.contains("invalid reply") && err.contains("record length"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}
