//! The TLS collector end to end against `openssl s_server` on loopback, one configuration
//! per case from issue 4: each must be told apart and graded right. Certificates come
//! from a private CA the test makes; the trust store is that CA.

#[allow(dead_code)] // the TLS tests use only common::tls
mod common;

use std::path::Path;
use std::time::Duration;

use assay::collect::tls::body::{Protocol, TlsEndpoint};
use assay::collect::tls::cert::TrustStore;
use assay::collect::tls::endpoint::{measure, Options};
use chrono::Utc;
use common::tls::{gnutls_serv, leaf, make_pki, openssl, rt, s_server_with, self_signed};

/// Which server plays the configuration.
#[derive(Clone, Copy, PartialEq)]
enum Software {
    OpenSsl,
    GnuTls,
}

struct Case {
    name: &'static str,
    software: Software,
    /// Leaf: (file name, key spec, host name in the certificate).
    leaf: (&'static str, &'static str, &'static str),
    /// Extra s_server arguments.
    args: &'static [&'static str],
    /// Days ahead of now to judge at (to see an expired certificate).
    judge_days_ahead: i64,
    protocols: &'static [Protocol],
    grade: &'static str,
    caps: &'static [&'static str],
    check: fn(&TlsEndpoint),
}

const MODERN: &[&str] = &[
    "-min_protocol",
    "TLSv1.2",
    "-cipher",
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
];

const CASES: &[Case] =
    &[
        Case {
            software: Software::OpenSsl,
            name: "TLS 1.3 only",
            leaf: ("good", "rsa:2048", "localhost"),
            args: &["-tls1_3"],
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls13],
            grade: "A",
            caps: &["hsts_missing"],
            check: |b| {
                assert_eq!(b.cipher_suites.len(), 3, "OpenSSL's default TLS 1.3 suites");
                assert!(b.cipher_suites.iter().all(|s| s.aead && s.forward_secrecy));
                assert!(
                    b.certificate.as_ref().unwrap().trusted,
                    "the chain is read from a full TLS 1.3 handshake"
                );
            },
        },
        Case {
            software: Software::OpenSsl,
            name: "TLS 1.2 + 1.3, ECDHE + AEAD only",
            leaf: ("good", "rsa:2048", "localhost"),
            args: MODERN,
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls12, Protocol::Tls13],
            grade: "A",
            caps: &["hsts_missing"],
            check: |b| {
                let tls12: Vec<&str> = b
                    .cipher_suites
                    .iter()
                    .filter(|s| s.protocol == Protocol::Tls12)
                    .map(|s| s.name.as_str())
                    .collect();
                assert_eq!(tls12.len(), 2, "{tls12:?}");
                assert!(tls12.contains(&"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
                assert_eq!(b.secure_renegotiation, Some(true));
                for g in ["x25519", "secp256r1", "secp384r1"] {
                    assert!(
                        b.groups.iter().any(|x| x == g),
                        "{g} missing from {:?}",
                        b.groups
                    );
                }
                let c = b.certificate.as_ref().unwrap();
                assert!(c.trusted && c.hostname_match && c.chain_complete && !c.self_signed);
                assert_eq!((c.key_type.as_str(), c.key_bits), ("RSA", 2048));
            },
        },
        Case {
            software: Software::OpenSsl,
            name: "one EC group only",
            leaf: ("good", "rsa:2048", "localhost"),
            args: &[
                "-tls1_2",
                "-groups",
                "secp384r1",
                "-cipher",
                "ECDHE-RSA-AES128-GCM-SHA256",
            ],
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls12],
            grade: "A-",
            caps: &["no_tls1_3"],
            check: |b| {
                assert_eq!(b.groups, ["secp384r1"]);
                assert_eq!(b.ecdh_bits, Some(384));
            },
        },
        Case {
            software: Software::OpenSsl,
            name: "TLS 1.0-1.2 enabled",
            leaf: ("good", "rsa:2048", "localhost"),
            args: &[
                "-min_protocol",
                "TLSv1",
                "-max_protocol",
                "TLSv1.2",
                "-cipher",
                "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:@SECLEVEL=0",
            ],
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls10, Protocol::Tls11, Protocol::Tls12],
            grade: "B",
            caps: &["tls1_0_or_1_1"],
            check: |b| {
                assert!(b.cipher_suites.iter().any(|s| s.protocol == Protocol::Tls10
                    && s.name == "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
            },
        },
        Case {
            software: Software::OpenSsl,
            name: "RSA key exchange only",
            leaf: ("good", "rsa:2048", "localhost"),
            args: &["-tls1_2", "-cipher", "AES128-GCM-SHA256:AES256-GCM-SHA384"],
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls12],
            grade: "B",
            caps: &["no_forward_secrecy"],
            check: |b| {
                assert!(b
                    .cipher_suites
                    .iter()
                    .all(|s| !s.forward_secrecy && s.kx == "RSA"))
            },
        },
        Case {
            software: Software::GnuTls,
            name: "3DES enabled",
            leaf: ("good", "rsa:2048", "localhost"),
            args: &["--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2:+3DES-CBC"],
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls12],
            grade: "C",
            caps: &["block_64bit"],
            check: |b| {
                assert!(b
                    .cipher_suites
                    .iter()
                    .any(|s| s.name == "TLS_RSA_WITH_3DES_EDE_CBC_SHA" && s.bits == 112))
            },
        },
        Case {
            software: Software::OpenSsl,
            name: "1024-bit DH",
            leaf: ("good", "rsa:2048", "localhost"),
            args: &[
                "-tls1_2",
                "-cipher",
                "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
                "-dhparam",
                "dh1024.pem",
            ],
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls12],
            grade: "B",
            caps: &["weak_dh"],
            check: |b| assert_eq!(b.dh_bits, Some(1024)),
        },
        Case {
            software: Software::OpenSsl,
            name: "expired certificate",
            leaf: ("short", "rsa:2048", "localhost"),
            args: MODERN,
            judge_days_ahead: 3,
            protocols: &[Protocol::Tls12, Protocol::Tls13],
            grade: "T",
            caps: &["cert_expired"],
            check: |b| {
                assert!(
                    b.certificate.as_ref().unwrap().trusted,
                    "the chain is fine; only the date is not"
                )
            },
        },
        Case {
            software: Software::OpenSsl,
            name: "self-signed certificate",
            leaf: ("self", "", "localhost"),
            args: MODERN,
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls12, Protocol::Tls13],
            grade: "T",
            caps: &["cert_self_signed"],
            check: |b| assert!(b.certificate.as_ref().unwrap().self_signed),
        },
        Case {
            software: Software::OpenSsl,
            name: "wrong host name",
            leaf: ("other", "rsa:2048", "www.example.org"),
            args: MODERN,
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls12, Protocol::Tls13],
            grade: "M",
            caps: &["hostname_mismatch"],
            check: |b| assert!(!b.certificate.as_ref().unwrap().hostname_match),
        },
        Case {
            software: Software::OpenSsl,
            name: "RSA-1024 certificate",
            leaf: ("weak", "rsa:1024", "localhost"),
            args: &[
                "-min_protocol",
                "TLSv1.2",
                "-cipher",
                "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
            ],
            judge_days_ahead: 0,
            protocols: &[Protocol::Tls12, Protocol::Tls13],
            grade: "B",
            caps: &["key_too_small"],
            check: |b| assert_eq!(b.certificate.as_ref().unwrap().key_bits, 1024),
        },
    ];

fn setup(dir: &Path) {
    make_pki(dir);
    leaf(dir, "good", "rsa:2048", "localhost", 90);
    leaf(dir, "short", "rsa:2048", "localhost", 1);
    leaf(dir, "other", "rsa:2048", "www.example.org", 90);
    leaf(dir, "weak", "rsa:1024", "localhost", 90);
    self_signed(dir, "self");
    // Real (not DSA-style) parameters: OpenSSL 3 ignores -dsaparam ones and falls back
    // to its own 2048-bit group.
    openssl(dir, &["dhparam", "-out", "dh1024.pem", "1024"]);
    let chain = [
        std::fs::read(dir.join("good.pem")).unwrap(),
        std::fs::read(dir.join("int.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("good-chain.pem"), chain).unwrap();
}

#[test]
fn each_configuration_is_told_apart_and_graded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    setup(d);
    let store = TrustStore::from_pem_file(&d.join("ca.pem")).unwrap();
    let mut failures = Vec::new();
    for case in CASES {
        let (name, _, _) = case.leaf;
        let (cert, key, chain) = (
            format!("{name}.pem"),
            format!("{name}.key"),
            format!("{name}-chain.pem"),
        );
        let (_server, addr) = match case.software {
            Software::OpenSsl => {
                let mut args = vec!["-cert", cert.as_str(), "-key", key.as_str(), "-www"];
                if name != "self" {
                    args.extend(["-cert_chain", "int.pem"]);
                }
                args.extend_from_slice(case.args);
                s_server_with(d, &args)
            }
            Software::GnuTls => {
                let mut args = vec![
                    "--x509certfile",
                    chain.as_str(),
                    "--x509keyfile",
                    key.as_str(),
                ];
                args.extend_from_slice(case.args);
                gnutls_serv(d, &args)
            }
        };
        let opts = Options {
            timeout: Duration::from_secs(5),
            store: store.clone(),
            now: Utc::now() + chrono::Duration::days(case.judge_days_ahead),
        };
        let body = match rt().block_on(measure("localhost", addr.port(), addr, &opts)) {
            Ok(b) => b,
            Err(e) => {
                failures.push(format!("{}: measure failed: {e}", case.name));
                continue;
            }
        };
        let offered: Vec<Protocol> = Protocol::ALL
            .into_iter()
            .filter(|p| body.protocols.offers(*p))
            .collect();
        let grade = body.grade.clone().unwrap();
        let caps: Vec<&str> = grade.caps.iter().map(|c| c.id.as_str()).collect();
        let problem = if offered != case.protocols {
            Some(format!(
                "protocols {offered:?}, expected {:?}",
                case.protocols
            ))
        } else if grade.grade != case.grade {
            Some(format!(
                "grade {} (caps {caps:?}), expected {}",
                grade.grade, case.grade
            ))
        } else {
            case.caps
                .iter()
                .find(|c| !caps.contains(c))
                .map(|missing| format!("cap {missing} missing from {caps:?}"))
        };
        match problem {
            Some(p) => failures.push(format!("{}: {p}", case.name)),
            None => {
                if let Err(e) = std::panic::catch_unwind(|| (case.check)(&body)) {
                    failures.push(format!("{}: check failed: {e:?}", case.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn collect_cli_writes_evidence_that_check_judges_over_ipv4_and_ipv6() {
    use common::{path_str, run};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (cert, key) = common::tls::make_cert(d);
    let port = common::tls::free_port();
    let mut cmd = std::process::Command::new("openssl");
    cmd.args([
        "s_server", "-quiet", "-www", "-cert", &cert, "-key", &key, "-tls1_2", "-accept",
    ])
    .arg(format!("[::1]:{port}"));
    let _v6 = common::tls::spawn_and_wait_at(cmd, d, &format!("[::1]:{port}"));
    let (_v4, v4) = s_server_with(d, &["-cert", &cert, "-key", &key, "-tls1_3", "-www"]);
    let closed = common::tls::free_port();
    let ev = d.join("evidence");
    let targets = [
        format!("[::1]:{port}"),
        format!("127.0.0.1:{}", v4.port()),
        format!("127.0.0.1:{closed}"),
    ];
    let o = run(&[
        "collect",
        "tls",
        &targets[0],
        &targets[1],
        &targets[2],
        "--into",
        path_str(&ev),
        "--timeout",
        "3",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("3 document(s) added"), "{}", o.stdout);
    assert!(
        o.stdout.contains("Connection refused"),
        "an unreachable endpoint is recorded, not dropped: {}",
        o.stdout
    );
    assert_eq!(run(&["evidence", "verify", path_str(&ev)]).code, 0);
    // The self-signed servers fail the trust control; the closed port is an error; nothing passes by omission.
    let p = d.join("p.yaml");
    std::fs::write(
        &p,
        "name: t\nselect:\n  ids: [tls.cert-trusted, tls.min-protocol-1-2]\n",
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
    assert_eq!(o.code, 1);
    let r: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let trusted = r["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "tls.cert-trusted")
        .unwrap();
    let statuses: Vec<(&str, &str)> = trusted["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&(targets[0].as_str(), "fail")),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&(targets[2].as_str(), "error")),
        "{statuses:?}"
    );
    let proto = r["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "tls.min-protocol-1-2")
        .unwrap();
    assert!(proto["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["subject"] == targets[1].as_str() && f["status"] == "pass"));
}
