//! Certificate facts for a `tls.endpoint`: who the leaf names, when it expires, its key
//! and signature, and whether the chain the server sent validates to a trusted root for
//! the probed host name.
//!
//! Trust is decided by rustls-webpki (the path builder rustls itself uses) against
//! Mozilla's root store from webpki-roots, or against a CA file the user gives for a
//! private PKI. Expiry is reported separately (`not_after`), so "untrusted" always means
//! the chain, never the date: the chain is checked at an instant inside the leaf's
//! validity.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey;

use super::body::Certificate;
use crate::timefmt::format_instant;

/// Why certificate facts could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// The server sent no certificate.
    #[error("the server sent no certificate")]
    Empty,
    /// The leaf is not valid DER X.509.
    #[error("the leaf certificate does not parse: {0}")]
    Parse(String),
    /// A CA file could not be read.
    #[error("CA file {path}: {reason}")]
    CaFile {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// The roots a chain must lead to.
#[derive(Debug, Clone)]
pub struct TrustStore {
    anchors: Vec<TrustAnchor<'static>>,
    label: String,
}

impl TrustStore {
    /// Mozilla's root store, as shipped by webpki-roots.
    pub fn mozilla() -> TrustStore {
        TrustStore {
            anchors: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            label: "Mozilla (webpki-roots)".into(),
        }
    }

    /// The CA certificates of a PEM file (a private PKI, or a test CA).
    pub fn from_pem_file(path: &Path) -> Result<TrustStore, CertError> {
        let err = |reason: String| CertError::CaFile {
            path: path.display().to_string(),
            reason,
        };
        let mut anchors = Vec::new();
        for der in CertificateDer::pem_file_iter(path).map_err(|e| err(e.to_string()))? {
            let der = der.map_err(|e| err(e.to_string()))?;
            let anchor = webpki::anchor_from_trusted_cert(&der)
                .map_err(|e| err(format!("not a CA certificate: {e:?}")))?;
            anchors.push(anchor.to_owned());
        }
        if anchors.is_empty() {
            return Err(err("no PEM certificate in the file".into()));
        }
        Ok(TrustStore {
            anchors,
            label: path.display().to_string(),
        })
    }

    /// What the store is, for evidence.
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// The facts about `chain` (leaf first, DER) as presented for `host`, judged at `now`.
pub fn facts(
    chain: &[Vec<u8>],
    host: &str,
    now: DateTime<Utc>,
    store: &TrustStore,
) -> Result<Certificate, CertError> {
    let leaf_der = chain.first().ok_or(CertError::Empty)?;
    let (_, leaf) =
        X509Certificate::from_der(leaf_der).map_err(|e| CertError::Parse(e.to_string()))?;
    let not_before = leaf.validity().not_before.timestamp();
    let not_after = leaf.validity().not_after.timestamp();
    let instant = |secs: i64| {
        Utc.timestamp_opt(secs, 0)
            .single()
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
    };
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = leaf.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::DNSName(d) => sans.push((*d).to_string()),
                GeneralName::IPAddress(ip) => sans.push(ip_string(ip)),
                _ => {}
            }
        }
    }
    let (key_type, key_bits) = match leaf.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA", rsa.key_size() as u32),
        Ok(PublicKey::EC(ec)) => ("EC", ec.key_size() as u32),
        _ if leaf.public_key().algorithm.algorithm.to_id_string() == "1.3.101.112" => {
            ("Ed25519", 256)
        }
        _ if leaf.public_key().algorithm.algorithm.to_id_string() == "1.3.101.113" => {
            ("Ed448", 456)
        }
        _ => ("unknown", 0),
    };
    let self_signed = leaf.subject().as_raw() == leaf.issuer().as_raw();

    // Judge the chain at an instant inside the leaf's validity, so an expired certificate
    // reads as "expired", not as "untrusted".
    let check_at = now
        .timestamp()
        .clamp(not_before, not_after.saturating_sub(1).max(not_before));
    let intermediates: Vec<CertificateDer<'_>> = chain
        .iter()
        .skip(1)
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    let leaf_cert = CertificateDer::from(leaf_der.as_slice());
    let (trusted, hostname_match) = match webpki::EndEntityCert::try_from(&leaf_cert) {
        Ok(ee) => {
            let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                u64::try_from(check_at).unwrap_or(0),
            ));
            let trusted = ee
                .verify_for_usage(
                    webpki::ALL_VERIFICATION_ALGS,
                    &store.anchors,
                    &intermediates,
                    time,
                    webpki::KeyUsage::server_auth(),
                    None,
                    None,
                )
                .is_ok();
            let name_ok = ServerName::try_from(host)
                .map(|n| ee.verify_is_valid_for_subject_name(&n).is_ok())
                .unwrap_or(false);
            (trusted, name_ok)
        }
        Err(_) => (false, false),
    };
    // The chain is complete when its last certificate is a root itself or was issued by
    // one of the store's roots: then nothing the client would need is missing.
    let last = chain
        .last()
        .and_then(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c));
    let chain_complete = trusted
        || last.as_ref().is_some_and(|c| {
            c.subject().as_raw() == c.issuer().as_raw()
                || store
                    .anchors
                    .iter()
                    .any(|a| a.subject.as_ref() == c.issuer().as_raw())
        });
    Ok(Certificate {
        subject: leaf.subject().to_string(),
        sans,
        issuer: leaf.issuer().to_string(),
        not_before: format_instant(&instant(not_before)),
        not_after: format_instant(&instant(not_after)),
        key_type: key_type.to_string(),
        key_bits,
        signature_algorithm: signature_name(&leaf.signature_algorithm.algorithm.to_id_string()),
        trusted,
        hostname_match,
        chain_complete,
        self_signed,
        days_left: Some((not_after - now.timestamp()).div_euclid(86_400)),
    })
}

fn ip_string(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => crate::evidence::hex(bytes),
    }
}

/// The conventional name of a signature algorithm OID (the OID itself when unknown).
fn signature_name(oid: &str) -> String {
    let name = match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        other => other,
    };
    name.to_string()
}
