//! Certificate facts from real certificates made with the openssl command: a private CA,
//! an intermediate, leaves for the right and the wrong host, a self-signed leaf and an
//! RSA-1024 leaf.

#[allow(dead_code)] // the TLS tests use only common::tls
mod common;

use std::path::{Path, PathBuf};

use common::tls::{leaf, make_cert, make_pki, openssl};

use assay::collect::tls::cert::{facts, TrustStore};
use chrono::{TimeZone, Utc};

fn der(dir: &Path, pem: &str) -> Vec<u8> {
    let out = dir.join(format!("{pem}.der"));
    openssl(
        dir,
        &[
            "x509",
            "-in",
            pem,
            "-outform",
            "DER",
            "-out",
            out.to_str().unwrap(),
        ],
    );
    std::fs::read(out).unwrap()
}

/// ca.pem → int.pem → leaf.pem (localhost), plus self.pem and weak.pem (RSA-1024).
fn pki(dir: &Path) -> PathBuf {
    make_pki(dir);
    leaf(dir, "leaf", "rsa:2048", "localhost", 90);
    leaf(dir, "weak", "rsa:1024", "localhost", 90);
    make_cert(dir);
    std::fs::rename(dir.join("cert.pem"), dir.join("self.pem")).unwrap();
    dir.join("ca.pem")
}

#[test]
fn chain_trust_names_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let store = TrustStore::from_pem_file(&pki(d)).unwrap();
    let (leaf, int, selfsigned, weak) = (
        der(d, "leaf.pem"),
        der(d, "int.pem"),
        der(d, "self.pem"),
        der(d, "weak.pem"),
    );
    let now = Utc::now();

    let f = facts(&[leaf.clone(), int.clone()], "localhost", now, &store).unwrap();
    assert!(
        f.trusted && f.hostname_match && f.chain_complete && !f.self_signed,
        "{f:?}"
    );
    assert_eq!((f.key_type.as_str(), f.key_bits), ("RSA", 2048));
    assert!(matches!(f.days_left, Some(88..=90)), "{:?}", f.days_left);
    assert_eq!(f.signature_algorithm, "ecdsa-with-SHA256");
    assert!(f.sans.contains(&"localhost".to_string()) && f.sans.contains(&"127.0.0.1".to_string()));
    assert!(f.issuer.contains("Assay Test Intermediate") && f.subject.contains("localhost"));

    // Wrong host name: trusted, but not a match.
    let f = facts(&[leaf.clone(), int.clone()], "www.example.com", now, &store).unwrap();
    assert!(f.trusted && !f.hostname_match);

    // The intermediate left out: neither trusted nor complete.
    let f = facts(std::slice::from_ref(&leaf), "localhost", now, &store).unwrap();
    assert!(!f.trusted && !f.chain_complete, "{f:?}");

    // Self-signed: complete (nothing missing) but not trusted.
    let f = facts(&[selfsigned], "localhost", now, &store).unwrap();
    assert!(f.self_signed && !f.trusted && f.chain_complete && f.hostname_match);

    // Against Mozilla's roots our private CA is untrusted.
    let f = facts(
        &[leaf.clone(), int.clone()],
        "localhost",
        now,
        &TrustStore::mozilla(),
    )
    .unwrap();
    assert!(!f.trusted);

    // RSA-1024 leaf: the key size is reported (the grade and tls.cert-key-strength judge it).
    let f = facts(&[weak, int.clone()], "localhost", now, &store).unwrap();
    assert_eq!(f.key_bits, 1024);

    // Long after expiry the chain is still "trusted" (the date is a separate fact).
    let later = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap();
    let f = facts(&[leaf, int], "localhost", later, &store).unwrap();
    assert!(f.trusted);
    assert!(f.not_after.as_str() < "2099-01-01T00:00:00Z");
    assert!(
        f.days_left.is_some_and(|d| d < 0),
        "expired: {:?}",
        f.days_left
    );
}

#[test]
fn garbage_and_empty_chains_are_errors() {
    let store = TrustStore::mozilla();
    assert!(facts(&[], "x", Utc::now(), &store).is_err());
    assert!(facts(&[vec![0x30, 0x03, 1, 2, 3]], "x", Utc::now(), &store).is_err());
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a pem").unwrap();
    assert!(TrustStore::from_pem_file(&bad).is_err());
}
