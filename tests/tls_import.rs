//! `assay evidence import --from testssl|sslyze`: real scanner output turned into
//! `tls.endpoint` evidence.
//!
//! The fixtures in `tests/fixtures/tls-import/` are real, lightly trimmed outputs of
//! testssl.sh 3.0.8 and sslyze 6.3.1 run against `openssl s_server` and a Python HTTPS
//! server on 127.0.0.1 (see the README there). Each case says what the importer must
//! read from its fixture: protocols, suites, key exchange, certificate facts, HSTS, the
//! grade and the facts the tool did not report. Then the CLI end to end, and inputs that
//! must be refused (exit 2, a message naming the file and the field, nothing written).

mod common;

use std::path::{Path, PathBuf};

use assay::collect::tls::body::Protocol;
use assay::collect::tls::import::TimeSource;
use assay::collect::tls::import::{sslyze, testssl, ImportError, Imported, Input, Measured};
use chrono::{DateTime, Utc};
use common::{assert_contains_all, path_str, root, run, write_file};
use serde_json::Value;

const DIR: &str = "tests/fixtures/tls-import";

/// The modification time the flat testssl.sh cases pretend their file has.
const FLAT_MTIME: &str = "2026-11-25T17:23:46Z";

#[derive(Clone, Copy, PartialEq)]
enum Tool {
    Testssl,
    Sslyze,
}

fn at(s: &str) -> DateTime<Utc> {
    assay::timefmt::parse_instant(s).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join(DIR).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn import(
    tool: Tool,
    file: &str,
    text: &str,
    mtime: Option<&str>,
) -> Result<Vec<Imported>, ImportError> {
    let input = Input {
        file,
        text,
        mtime: mtime.map(at),
    };
    match tool {
        Tool::Testssl => testssl::from_testssl(input),
        Tool::Sslyze => sslyze::from_sslyze(input),
    }
}

/// What one fixture must import to.
struct Case {
    file: &'static str,
    tool: Tool,
    subject: &'static str,
    version: &'static str,
    collected_at: &'static str,
    from_file: bool,
    /// Offered protocols, oldest first: ssl3, tls1_0, tls1_1, tls1_2, tls1_3.
    protocols: [bool; 5],
    /// (protocol key, IANA name, kx), sorted.
    suites: &'static [(&'static str, &'static str, &'static str)],
    dh_bits: Option<u32>,
    ecdh_bits: Option<u32>,
    groups: &'static [&'static str],
    secure_renegotiation: Option<bool>,
    /// `None` not measured; `Some(None)` no header; `Some(Some((max_age, subdomains, preload)))`.
    hsts: Option<Option<(u64, bool, bool)>>,
    /// key type, key bits, signature algorithm, SANs.
    key: (&'static str, u32, &'static str, &'static [&'static str]),
    /// trusted, hostname_match, chain_complete, self_signed.
    verdicts: [bool; 4],
    grade: &'static str,
    score: u32,
    caps: &'static [&'static str],
    missing: &'static [&'static str],
}

const LEGACY_SUITES: &[(&str, &str, &str)] = &[
    ("tls1_0", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE"),
    ("tls1_0", "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA"),
    ("tls1_1", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE"),
    ("tls1_1", "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA"),
    ("tls1_2", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE"),
    ("tls1_2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE"),
    ("tls1_2", "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA"),
];
const MODERN_SUITES: &[(&str, &str, &str)] = &[
    ("tls1_3", "TLS_AES_128_GCM_SHA256", "ECDHE"),
    ("tls1_3", "TLS_AES_256_GCM_SHA384", "ECDHE"),
    ("tls1_3", "TLS_CHACHA20_POLY1305_SHA256", "ECDHE"),
];
const HSTS_SUITES: &[(&str, &str, &str)] = &[
    ("tls1_2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE"),
    (
        "tls1_2",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE",
    ),
    ("tls1_3", "TLS_AES_128_GCM_SHA256", "ECDHE"),
    ("tls1_3", "TLS_AES_256_GCM_SHA384", "ECDHE"),
    ("tls1_3", "TLS_CHACHA20_POLY1305_SHA256", "ECDHE"),
];
const EC_GROUPS: &[&str] = &["secp256r1", "secp384r1", "secp521r1", "x25519", "x448"];
const EC_AND_FFDHE: &[&str] = &[
    "ffdhe2048",
    "ffdhe3072",
    "ffdhe4096",
    "ffdhe6144",
    "ffdhe8192",
    "secp256r1",
    "secp384r1",
    "secp521r1",
    "x25519",
    "x448",
];
const RSA_KEY: (&str, u32, &str, &[&str]) =
    ("RSA", 2048, "sha256WithRSAEncryption", &["localhost"]);
const EC_KEY: (&str, u32, &str, &[&str]) =
    ("EC", 256, "ecdsa-with-SHA256", &["localhost", "127.0.0.1"]);
const LEGACY_CAPS: &[&str] = &[
    "hostname_mismatch",
    "cert_self_signed",
    "tls1_0_or_1_1",
    "weak_dh",
    "no_tls1_3",
];
const PER_PROTOCOL_UNKNOWN: &str = "the protocol each cipher suite was accepted under (testssl.sh ran without -E; each suite is recorded under every offered protocol that can negotiate it)";
const LEGACY: [bool; 5] = [false, true, true, true, false];

/// testssl.sh's default run against the legacy server; the other legacy cases vary it.
fn legacy_testssl() -> Case {
    Case {
        file: "testssl-pretty-legacy.json",
        tool: Tool::Testssl,
        subject: "127.0.0.1:44301",
        version: "3.0.8",
        collected_at: "2026-11-25T17:18:32Z",
        from_file: true,
        protocols: LEGACY,
        suites: LEGACY_SUITES,
        dh_bits: Some(1024),
        ecdh_bits: Some(253),
        groups: EC_GROUPS,
        secure_renegotiation: Some(true),
        hsts: Some(None),
        key: RSA_KEY,
        verdicts: [false, false, true, true],
        grade: "M",
        score: 88,
        caps: [LEGACY_CAPS, &["hsts_missing"]].concat().leak(),
        missing: &[PER_PROTOCOL_UNKNOWN],
    }
}

/// sslyze 6 against the legacy server; the sslyze 5 case varies it.
fn sslyze_legacy() -> Case {
    Case {
        file: "sslyze-legacy.json",
        tool: Tool::Sslyze,
        subject: "127.0.0.1:44301",
        version: "6.3.1",
        collected_at: "2026-11-25T17:14:58Z",
        from_file: true,
        protocols: LEGACY,
        suites: LEGACY_SUITES,
        dh_bits: Some(1024),
        ecdh_bits: Some(253),
        groups: EC_GROUPS,
        secure_renegotiation: Some(true),
        hsts: None,
        key: RSA_KEY,
        // sslyze 6 stopped at the host name, so trust is unknown (recorded as false).
        verdicts: [false, false, true, true],
        grade: "M",
        score: 88,
        caps: [LEGACY_CAPS, &["hsts_unknown"]].concat().leak(),
        missing: &["whether the certificate chain is trusted"],
    }
}

/// sslyze 6 against the HSTS server; the sslyze 5 case varies it.
fn sslyze_hsts() -> Case {
    Case {
        file: "sslyze-hsts.json",
        tool: Tool::Sslyze,
        subject: "127.0.0.1:44303",
        version: "6.3.1",
        collected_at: "2026-11-25T17:16:25Z",
        from_file: true,
        protocols: [false, false, false, true, true],
        suites: HSTS_SUITES,
        dh_bits: None,
        ecdh_bits: Some(253),
        groups: EC_GROUPS,
        secure_renegotiation: Some(true),
        hsts: Some(Some((31_536_000, true, false))),
        key: EC_KEY,
        verdicts: [false, false, true, true],
        grade: "M",
        score: 93,
        caps: &["hostname_mismatch", "cert_self_signed"],
        missing: &["whether the certificate matches the host name"],
    }
}

fn cases() -> Vec<Case> {
    vec![
        legacy_testssl(),
        Case {
            file: "testssl-pretty-legacy-E.json",
            collected_at: "2026-11-25T17:21:16Z",
            missing: &[],
            ..legacy_testssl()
        },
        Case {
            file: "testssl-flat-legacy.json",
            version: "unknown",
            collected_at: FLAT_MTIME,
            from_file: false,
            ..legacy_testssl()
        },
        Case {
            file: "testssl-pretty-modern.json",
            tool: Tool::Testssl,
            subject: "127.0.0.1:44302",
            version: "3.0.8",
            collected_at: "2026-11-25T17:20:52Z",
            from_file: true,
            protocols: [false, false, false, false, true],
            suites: MODERN_SUITES,
            dh_bits: Some(2048),
            ecdh_bits: Some(253),
            groups: EC_AND_FFDHE,
            secure_renegotiation: None,
            hsts: Some(None),
            key: EC_KEY,
            verdicts: [false, true, true, true],
            grade: "T",
            score: 93,
            caps: &["cert_self_signed", "hsts_missing"],
            missing: &[],
        },
        Case {
            file: "testssl-flat-hsts.json",
            tool: Tool::Testssl,
            subject: "127.0.0.1:44303",
            version: "unknown",
            collected_at: FLAT_MTIME,
            from_file: false,
            protocols: [false, false, false, true, true],
            suites: HSTS_SUITES,
            dh_bits: Some(2048),
            ecdh_bits: Some(253),
            groups: EC_AND_FFDHE,
            secure_renegotiation: Some(true),
            hsts: Some(Some((31_536_000, true, false))),
            key: EC_KEY,
            verdicts: [false, true, true, true],
            grade: "T",
            score: 93,
            caps: &["cert_self_signed"],
            missing: &[],
        },
        sslyze_legacy(),
        Case {
            file: "sslyze-modern.json",
            tool: Tool::Sslyze,
            subject: "127.0.0.1:44302",
            version: "6.3.1",
            collected_at: "2026-11-25T17:15:00Z",
            from_file: true,
            protocols: [false, false, false, false, true],
            suites: MODERN_SUITES,
            dh_bits: None,
            ecdh_bits: Some(253),
            groups: EC_GROUPS,
            secure_renegotiation: None,
            hsts: None,
            key: EC_KEY,
            // sslyze 6 rejected the leaf (CA:TRUE) before the host-name check.
            verdicts: [false, false, true, true],
            grade: "M",
            score: 93,
            caps: &["hostname_mismatch", "cert_self_signed", "hsts_unknown"],
            missing: &["whether the certificate matches the host name"],
        },
        sslyze_hsts(),
        // sslyze 5 reports the host-name match on its own, so nothing is unknown.
        Case {
            file: "sslyze5-legacy.json",
            version: "5.2.0",
            collected_at: "2026-11-25T17:27:19Z",
            missing: &[],
            ..sslyze_legacy()
        },
        Case {
            file: "sslyze5-hsts.json",
            version: "5.2.0",
            collected_at: "2026-11-25T17:27:27Z",
            verdicts: [false, true, true, true],
            grade: "T",
            caps: &["cert_self_signed"],
            missing: &[],
            ..sslyze_hsts()
        },
    ]
}

#[test]
fn each_fixture_imports_to_its_facts() {
    for c in cases() {
        let text = fixture(c.file);
        let mtime = (!c.from_file).then_some(FLAT_MTIME);
        let list = import(c.tool, c.file, &text, mtime).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(list.len(), 1, "{}", c.file);
        let i = &list[0];
        let f = c.file;
        assert_eq!(i.subject, c.subject, "{f}");
        assert_eq!(i.collector.version, c.version, "{f}");
        assert_eq!(
            i.collector.name,
            if c.tool == Tool::Testssl {
                "testssl.sh"
            } else {
                "sslyze"
            },
            "{f}"
        );
        assert_eq!(
            i.source,
            if c.tool == Tool::Testssl {
                "import:testssl"
            } else {
                "import:sslyze"
            },
            "{f}"
        );
        assert_eq!(i.collected_at, at(c.collected_at), "{f}");
        assert_eq!(
            i.time_source,
            if c.from_file {
                TimeSource::File
            } else {
                TimeSource::Mtime
            },
            "{f}"
        );
        let b = i.body().unwrap_or_else(|| panic!("{f}: not measured"));
        let offered: Vec<bool> = Protocol::ALL
            .iter()
            .map(|p| b.protocols.offers(*p))
            .collect();
        assert_eq!(offered, c.protocols, "{f}: protocols");
        let mut suites: Vec<(&str, &str, &str)> = b
            .cipher_suites
            .iter()
            .map(|s| (s.protocol.key(), s.name.as_str(), s.kx.as_str()))
            .collect();
        suites.sort();
        assert_eq!(suites, c.suites, "{f}: suites");
        assert_eq!(b.dh_bits, c.dh_bits, "{f}: dh_bits");
        assert_eq!(b.ecdh_bits, c.ecdh_bits, "{f}: ecdh_bits");
        assert_eq!(b.groups, c.groups, "{f}: groups");
        assert_eq!(
            b.secure_renegotiation, c.secure_renegotiation,
            "{f}: renegotiation"
        );
        let hsts = b
            .hsts
            .map(|h| h.map(|h| (h.max_age, h.include_subdomains, h.preload)));
        assert_eq!(hsts, c.hsts, "{f}: hsts");
        assert_eq!(b.address.as_deref(), Some("127.0.0.1"), "{f}");
        assert_eq!(
            (b.host.as_str(), b.port),
            c.subject
                .split_once(':')
                .map(|(h, p)| (h, p.parse().unwrap()))
                .unwrap(),
            "{f}"
        );

        let cert = b
            .certificate
            .as_ref()
            .unwrap_or_else(|| panic!("{f}: no certificate"));
        assert_eq!(cert.subject, "CN=localhost", "{f}");
        assert_eq!(cert.issuer, "CN=localhost", "{f}");
        assert_eq!(cert.not_before, "2026-11-25T17:14:34Z", "{f}");
        assert_eq!(cert.not_after, "2026-12-25T17:14:34Z", "{f}");
        let (kt, kb, sig, sans) = c.key;
        assert_eq!(
            (
                cert.key_type.as_str(),
                cert.key_bits,
                cert.signature_algorithm.as_str()
            ),
            (kt, kb, sig),
            "{f}"
        );
        assert_eq!(cert.sans, sans, "{f}: sans");
        assert_eq!(
            [
                cert.trusted,
                cert.hostname_match,
                cert.chain_complete,
                cert.self_signed
            ],
            c.verdicts,
            "{f}: trusted, hostname_match, chain_complete, self_signed"
        );

        let g = b.grade.as_ref().unwrap_or_else(|| panic!("{f}: no grade"));
        let caps: Vec<&str> = g.caps.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            (g.grade.as_str(), g.score),
            (c.grade, c.score),
            "{f}: grade {caps:?}"
        );
        assert_eq!(caps, c.caps, "{f}: caps");
        assert_eq!(i.missing(), c.missing, "{f}: missing");

        // The document: incomplete exactly when something is missing, and schema-valid.
        let doc = i.document();
        let incomplete = doc.body.get("incomplete").and_then(Value::as_str);
        match c.missing {
            [] => assert_eq!(incomplete, None, "{f}"),
            m => {
                let text = incomplete.unwrap_or_else(|| panic!("{f}: no incomplete"));
                for what in m {
                    assert!(text.contains(what), "{f}: {text}");
                }
            }
        }
        let kinds =
            assay::evidence::schema::KindRegistry::from_bundle(&assay::bundle::Bundle::builtin())
                .unwrap_or_else(|_| panic!("built-in schemas"));
        assert!(
            kinds.validate("tls.endpoint", &doc.body).is_ok(),
            "{f}: schema"
        );
    }
}

#[test]
fn the_same_server_reads_the_same_through_either_tool() {
    // testssl.sh -E and sslyze both enumerate per protocol: the suites must agree.
    let suites = |tool, file: &str| {
        let list = import(tool, file, &fixture(file), None).unwrap();
        let mut s: Vec<(Protocol, String)> = list[0]
            .body()
            .unwrap()
            .cipher_suites
            .iter()
            .map(|s| (s.protocol, s.name.clone()))
            .collect();
        s.sort();
        s
    };
    assert_eq!(
        suites(Tool::Testssl, "testssl-pretty-legacy-E.json"),
        suites(Tool::Sslyze, "sslyze-legacy.json")
    );
}

#[test]
fn a_server_sslyze_could_not_reach_is_an_error_document() {
    let mut v: Value = serde_json::from_str(&fixture("sslyze-modern.json").replace(
        // keep the file parseable by serde_json without the big-integer pass
        "\"connectivity_status\": \"COMPLETED\"",
        "\"connectivity_status\": \"ERROR\"",
    ))
    .unwrap();
    v["server_scan_results"][0]["connectivity_error_trace"] =
        Value::String("Traceback ...\nConnectionRefusedError: connection refused".into());
    v["server_scan_results"][0]["scan_result"] = Value::Null;
    let list = import(Tool::Sslyze, "down.json", &v.to_string(), None).unwrap();
    match &list[0].measured {
        Measured::Failed(e) => assert_eq!(
            e,
            "sslyze could not connect (ERROR): ConnectionRefusedError: connection refused"
        ),
        other => panic!("{other:?}"),
    }
    assert!(list[0].document().body["error"].is_string());
}

#[test]
fn hostile_json_never_panics() {
    for file in [
        "testssl-pretty-legacy.json",
        "testssl-flat-hsts.json",
        "sslyze-legacy.json",
        "sslyze-hsts.json",
    ] {
        let tool = if file.starts_with("sslyze") {
            Tool::Sslyze
        } else {
            Tool::Testssl
        };
        let text = fixture(file);
        // Every prefix at a coarse stride, and the text with bytes swapped for others.
        for cut in (0..text.len()).step_by(97) {
            if text.is_char_boundary(cut) {
                let _ = import(tool, file, &text[..cut], Some(FLAT_MTIME));
            }
        }
        for (i, swap) in [
            ("\"", "1"),
            ("[", "{"),
            (":", ","),
            ("true", "\"x\""),
            ("443", "-1"),
        ]
        .iter()
        .enumerate()
        {
            let mutated = text.replacen(swap.0, swap.1, 40 + i * 7);
            let _ = import(tool, file, &mutated, Some(FLAT_MTIME));
        }
        // Same for the other tool's parser.
        let other = if tool == Tool::Sslyze {
            Tool::Testssl
        } else {
            Tool::Sslyze
        };
        assert!(
            import(other, file, &text, Some(FLAT_MTIME)).is_err(),
            "{file}"
        );
    }
}

// ---------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------

fn fixture_path(name: &str) -> PathBuf {
    root().join(DIR).join(name)
}

/// Copies the flat fixtures with a fixed modification time, so their scan time is known.
fn flat_copy(dir: &Path, name: &str) -> PathBuf {
    let p = write_file(dir, name, &fixture(name));
    let f = std::fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(at(FLAT_MTIME).into()).unwrap();
    p
}

#[test]
fn cli_imports_both_tools_and_the_folder_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let ev = tmp.path().join("ev");
    let flat = flat_copy(tmp.path(), "testssl-flat-hsts.json");
    let pretty = fixture_path("testssl-pretty-modern.json");
    let r = run(&[
        "evidence",
        "import",
        "--from",
        "testssl",
        path_str(&pretty),
        path_str(&flat),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_contains_all(
        "testssl import",
        "stdout",
        &r.stdout,
        &[
            "127.0.0.1:44302 from ",
            "(testssl.sh 3.0.8, scan time from the file): grade T, 3 suite(s)",
            "(testssl.sh unknown, scan time = the file's modification time): grade T, 5 suite(s)",
            "added     tls.endpoint/127.0.0.1_44302-",
            "--20261125T172052Z.json",
            "--20261125T172346Z.json",
            "2 added, 0 unchanged",
        ],
    );
    let r = run(&[
        "evidence",
        "import",
        "--from",
        "sslyze",
        path_str(&fixture_path("sslyze-legacy.json")),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_contains_all(
        "sslyze import",
        "stdout",
        &r.stdout,
        &[
            "127.0.0.1:44301 from ",
            "(sslyze 6.3.1, scan time from the file): grade M, 7 suite(s), incomplete: whether the certificate chain is trusted",
            "1 added, 0 unchanged",
        ],
    );
    // Importing the same scan again changes nothing.
    let again = run(&[
        "evidence",
        "import",
        "--from",
        "sslyze",
        path_str(&fixture_path("sslyze-legacy.json")),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("0 added, 1 unchanged"),
        "{}",
        again.stdout
    );

    let v = run(&["evidence", "verify", path_str(&ev)]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains("3 document(s) verified, 0 problem(s)"),
        "{}",
        v.stdout
    );

    // What was written is the document the importer made, with its provenance.
    let dir = ev.join("tls.endpoint");
    let mut sources = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap();
        sources.push((
            doc["subject"].as_str().unwrap().to_string(),
            doc["source"].as_str().unwrap().to_string(),
            doc["collector"]["name"].as_str().unwrap().to_string(),
            doc["body"]["grade"]["grade"].as_str().unwrap().to_string(),
        ));
    }
    sources.sort();
    assert_eq!(
        sources,
        [
            (
                "127.0.0.1:44301".into(),
                "import:sslyze".into(),
                "sslyze".into(),
                "M".into()
            ),
            (
                "127.0.0.1:44302".into(),
                "import:testssl".into(),
                "testssl.sh".into(),
                "T".into()
            ),
            (
                "127.0.0.1:44303".into(),
                "import:testssl".into(),
                "testssl.sh".into(),
                "T".into()
            ),
        ]
    );
}

/// A malformed input: the file, its text, and what the message must say.
struct Bad {
    tool: &'static str,
    name: &'static str,
    text: String,
    expect: &'static [&'static str],
}

fn bad_inputs() -> Vec<Bad> {
    let pretty = fixture("testssl-pretty-modern.json");
    let flat = fixture("testssl-flat-hsts.json");
    let sslyze = fixture("sslyze-hsts.json");
    vec![
        Bad {
            tool: "testssl",
            name: "truncated.json",
            text: pretty[..pretty.len() / 2].to_string(),
            expect: &["truncated.json: (file): not testssl.sh JSON: EOF while parsing", "at line"],
        },
        Bad {
            tool: "sslyze",
            name: "truncated.json",
            text: sslyze[..sslyze.len() / 3].to_string(),
            expect: &["truncated.json: (file): not sslyze JSON: EOF while parsing", "at line"],
        },
        Bad {
            tool: "testssl",
            name: "port-type.json",
            text: pretty.replacen("\"port\"            : \"44302\"", "\"port\": {\"n\": 1}", 1),
            expect: &["port-type.json: scanResult[0].port: expected a non-negative integer, found an object"],
        },
        Bad {
            tool: "testssl",
            name: "finding-type.json",
            text: flat.replacen("\"finding\"      : \"offered\"", "\"finding\": 7", 1),
            expect: &["finding-type.json: [", "].finding: expected a string, found a number"],
        },
        Bad {
            tool: "sslyze",
            name: "suites-type.json",
            text: {
                let mut v: Value = serde_json::from_str(&sslyze).unwrap();
                v["server_scan_results"][0]["scan_result"]["tls_1_2_cipher_suites"]["result"]["accepted_cipher_suites"] = Value::String("all".into());
                v.to_string()
            },
            expect: &["suites-type.json: server_scan_results[0].scan_result.tls_1_2_cipher_suites.result.accepted_cipher_suites: expected an array, found a string"],
        },
        Bad {
            tool: "testssl",
            name: "unknown-suite.json",
            text: pretty.replace("TLS_CHACHA20_POLY1305_SHA256", "TLS_MADE_UP_WITH_ROT13_SHA1"),
            expect: &["unknown-suite.json: scanResult[0].cipherTests[", "].finding: unknown cipher suite 'TLS_MADE_UP_WITH_ROT13_SHA1'"],
        },
        Bad {
            tool: "sslyze",
            name: "unknown-suite.json",
            text: sslyze.replace("\"TLS_AES_128_GCM_SHA256\"", "\"TLS_MADE_UP_WITH_ROT13_SHA1\""),
            expect: &["unknown-suite.json: server_scan_results[0].scan_result.tls_1_3_cipher_suites.result.accepted_cipher_suites[", "].cipher_suite.name: unknown cipher suite 'TLS_MADE_UP_WITH_ROT13_SHA1'"],
        },
        Bad {
            tool: "testssl",
            name: "empty-flat.json",
            text: "[]".into(),
            expect: &["empty-flat.json: (top level): empty: the file holds no finding"],
        },
        Bad {
            tool: "testssl",
            name: "empty-pretty.json",
            text: r#"{"version": "3.0.8 ", "startTime": "1795627136", "scanResult": []}"#.into(),
            expect: &["empty-pretty.json: scanResult: empty: the file holds no scanned server"],
        },
        Bad {
            tool: "sslyze",
            name: "empty.json",
            text: r#"{"sslyze_version": "6.3.1", "date_scans_completed": "2026-11-25T17:16:25Z", "server_scan_results": []}"#.into(),
            expect: &["empty.json: server_scan_results: empty: the file holds no scanned server"],
        },
        Bad {
            tool: "sslyze",
            name: "not-sslyze.json",
            text: pretty.clone(),
            expect: &["not-sslyze.json: sslyze_version: missing"],
        },
        Bad {
            tool: "testssl",
            name: "no-cert.json",
            text: {
                let mut v: Value = serde_json::from_str(&flat).unwrap();
                v.as_array_mut().unwrap().retain(|f| f["id"] != "cert");
                v.to_string()
            },
            expect: &["no-cert.json: [id=cert]: missing: no certificate finding", "run testssl.sh with -S"],
        },
        Bad {
            tool: "sslyze",
            name: "no-certinfo.json",
            text: sslyze.replacen("\"status\": \"COMPLETED\"", "\"status\": \"NOT_SCHEDULED\"", 1),
            expect: &["no-certinfo.json: server_scan_results[0].scan_result.certificate_info: status NOT_SCHEDULED", "--certinfo"],
        },
    ]
}

#[test]
fn cli_refuses_malformed_input_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let good = fixture_path("sslyze-legacy.json");
    for (n, b) in bad_inputs().into_iter().enumerate() {
        let dir = tmp.path().join(format!("case{n}"));
        let file = write_file(&dir, b.name, &b.text);
        let ev = dir.join("ev");
        let case = format!("{} {}", b.tool, b.name);
        // Alone, and beside a good file: either way nothing is written.
        let mut args = vec!["evidence", "import", "--from", b.tool, path_str(&file)];
        if b.tool == "sslyze" {
            args.push(path_str(&good));
        }
        args.extend(["--into", path_str(&ev)]);
        let r = run(&args);
        assert_eq!(r.code, 2, "{case}: {}{}", r.stdout, r.stderr);
        let full: Vec<String> = b
            .expect
            .iter()
            .map(|e| e.replace(b.name, path_str(&file)))
            .collect();
        assert_contains_all(&case, "stderr", &r.stderr, &full);
        assert!(
            r.stderr.contains("nothing was imported"),
            "{case}: {}",
            r.stderr
        );
        assert!(!ev.exists(), "{case}: the folder was created");
    }
}

#[test]
fn cli_rejects_an_unknown_tool_and_a_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let ev = tmp.path().join("ev");
    let r = run(&[
        "evidence",
        "import",
        "--from",
        "qualys",
        "x.json",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("testssl") && r.stderr.contains("sslyze"),
        "{}",
        r.stderr
    );
    let missing = tmp.path().join("nope.json");
    let r = run(&[
        "evidence",
        "import",
        "--from",
        "sslyze",
        path_str(&missing),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(r.code, 2);
    assert_contains_all(
        "missing file",
        "stderr",
        &r.stderr,
        &[
            &format!("{}: cannot read", missing.display()),
            "nothing was imported",
        ],
    );
    assert!(!ev.exists());
}
