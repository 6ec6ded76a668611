//! The `tls.endpoint` evidence body as a Rust type. The probe and the importers build it,
//! the grader reads it, and it serialises to exactly what `schemas/evidence/
//! tls.endpoint.schema.json` describes. `None` means "not measured", which policies
//! treat as unknown — never as good.

use serde::{Deserialize, Serialize};

/// Protocol versions, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Protocol {
    /// SSL 3.0.
    #[serde(rename = "ssl3")]
    Ssl3,
    /// TLS 1.0.
    #[serde(rename = "tls1_0")]
    Tls10,
    /// TLS 1.1.
    #[serde(rename = "tls1_1")]
    Tls11,
    /// TLS 1.2.
    #[serde(rename = "tls1_2")]
    Tls12,
    /// TLS 1.3.
    #[serde(rename = "tls1_3")]
    Tls13,
}

impl Protocol {
    /// Every protocol, oldest first.
    pub const ALL: [Protocol; 5] = [
        Protocol::Ssl3,
        Protocol::Tls10,
        Protocol::Tls11,
        Protocol::Tls12,
        Protocol::Tls13,
    ];

    /// The version number on the wire (`0x0303` for TLS 1.2).
    pub fn wire_version(self) -> u16 {
        match self {
            Protocol::Ssl3 => 0x0300,
            Protocol::Tls10 => 0x0301,
            Protocol::Tls11 => 0x0302,
            Protocol::Tls12 => 0x0303,
            Protocol::Tls13 => 0x0304,
        }
    }

    /// The protocol for a wire version, if it is one of ours.
    pub fn from_wire(v: u16) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.wire_version() == v)
    }

    /// The key used in evidence (`tls1_2`).
    pub fn key(self) -> &'static str {
        match self {
            Protocol::Ssl3 => "ssl3",
            Protocol::Tls10 => "tls1_0",
            Protocol::Tls11 => "tls1_1",
            Protocol::Tls12 => "tls1_2",
            Protocol::Tls13 => "tls1_3",
        }
    }

    /// The name people use (`TLS 1.2`).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Ssl3 => "SSL 3.0",
            Protocol::Tls10 => "TLS 1.0",
            Protocol::Tls11 => "TLS 1.1",
            Protocol::Tls12 => "TLS 1.2",
            Protocol::Tls13 => "TLS 1.3",
        }
    }
}

/// Which protocols are offered. Every field is measured: a probe that could not tell
/// leaves the whole body incomplete rather than guessing `false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protocols {
    /// SSL 3.0 offered.
    pub ssl3: bool,
    /// TLS 1.0 offered.
    pub tls1_0: bool,
    /// TLS 1.1 offered.
    pub tls1_1: bool,
    /// TLS 1.2 offered.
    pub tls1_2: bool,
    /// TLS 1.3 offered.
    pub tls1_3: bool,
}

impl Protocols {
    /// Whether `p` is offered.
    pub fn offers(&self, p: Protocol) -> bool {
        match p {
            Protocol::Ssl3 => self.ssl3,
            Protocol::Tls10 => self.tls1_0,
            Protocol::Tls11 => self.tls1_1,
            Protocol::Tls12 => self.tls1_2,
            Protocol::Tls13 => self.tls1_3,
        }
    }

    /// Marks `p` as offered or not.
    pub fn set(&mut self, p: Protocol, offered: bool) {
        match p {
            Protocol::Ssl3 => self.ssl3 = offered,
            Protocol::Tls10 => self.tls1_0 = offered,
            Protocol::Tls11 => self.tls1_1 = offered,
            Protocol::Tls12 => self.tls1_2 = offered,
            Protocol::Tls13 => self.tls1_3 = offered,
        }
    }
}

/// One accepted cipher suite under one protocol version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CipherSuite {
    /// IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub name: String,
    /// The protocol it was accepted under.
    pub protocol: Protocol,
    /// Key exchange: `ECDHE`, `DHE`, `RSA`, `PSK`, … (`ECDHE`/`DHE` for TLS 1.3 groups).
    pub kx: String,
    /// Whether the key exchange is ephemeral.
    pub forward_secrecy: bool,
    /// Whether the cipher is an AEAD (GCM, CCM, ChaCha20-Poly1305).
    pub aead: bool,
    /// Symmetric key size in bits (0 for NULL ciphers).
    pub bits: u16,
}

/// The leaf certificate and how it validated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// Subject distinguished name.
    pub subject: String,
    /// DNS and IP subject alternative names.
    pub sans: Vec<String>,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Start of validity (RFC 3339).
    pub not_before: String,
    /// End of validity (RFC 3339).
    pub not_after: String,
    /// `RSA`, `EC` or `Ed25519`.
    pub key_type: String,
    /// Key size in bits (RSA modulus, EC field size).
    pub key_bits: u32,
    /// Signature algorithm, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// Whether the chain validates to a trusted root.
    pub trusted: bool,
    /// Whether the certificate is valid for the probed host name.
    pub hostname_match: bool,
    /// Whether the server sent every intermediate needed.
    pub chain_complete: bool,
    /// Whether the leaf is self-signed.
    pub self_signed: bool,
    /// Whole days from the measurement to `not_after` (negative once expired), for people
    /// reading the evidence; controls recompute it from `not_after` at check time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
}

/// One limit the grading rules put on the grade, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cap {
    /// The best grade still possible, e.g. `B`.
    pub grade: String,
    /// A stable identifier, e.g. `tls1_0_or_1_1`, so a control can forbid one cap.
    pub id: String,
    /// Why, for a person.
    pub reason: String,
}

/// The grade with its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    /// `A+`, `A`, `A-`, `B`, `C`, `D`, `E`, `F`, `T` or `M`.
    pub grade: String,
    /// The numeric score, 0–100.
    pub score: u32,
    /// Protocol support score, 0–100.
    pub protocol_score: u32,
    /// Key exchange score, 0–100.
    pub key_exchange_score: u32,
    /// Cipher strength score, 0–100.
    pub cipher_score: u32,
    /// Every cap that applied, worst first.
    pub caps: Vec<Cap>,
    /// The grade the score alone would give, before caps.
    pub score_grade: String,
}

/// `Strict-Transport-Security` as the server sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hsts {
    /// `max-age` in seconds.
    pub max_age: u64,
    /// `includeSubDomains` present.
    pub include_subdomains: bool,
    /// `preload` present.
    pub preload: bool,
}

/// The whole `tls.endpoint` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TlsEndpoint {
    /// Host name probed (and sent as SNI).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// IP address connected to.
    #[serde(default)]
    pub address: Option<String>,
    /// Protocol support.
    pub protocols: Protocols,
    /// Accepted suites, per protocol.
    #[serde(default)]
    pub cipher_suites: Vec<CipherSuite>,
    /// Whether the server chooses the suite by its own preference order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_cipher_order: Option<bool>,
    /// Smallest finite-field DH group in bits, if a DHE suite is accepted.
    #[serde(default)]
    pub dh_bits: Option<u32>,
    /// Smallest elliptic-curve group in bits, if an ECDHE suite is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecdh_bits: Option<u32>,
    /// Named groups the server accepted for key exchange (`x25519`, `secp256r1`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Whether secure renegotiation (RFC 5746) is supported; `None` if unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_renegotiation: Option<bool>,
    /// The leaf certificate.
    #[serde(default)]
    pub certificate: Option<Certificate>,
    /// The grade, when computed.
    #[serde(default)]
    pub grade: Option<Grade>,
    /// TCP connections the measurement took (probes and the full handshake).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connections: Option<u32>,
    /// HSTS: `None` = not measured (the key is left out, which policies read as
    /// unknown); `Some(None)` = measured, no header (`null`); `Some(Some(h))` = the header.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "measured"
    )]
    pub hsts: Option<Option<Hsts>>,
}

/// Deserialises a present field (even `null`) as `Some`, so "absent" and "null" stay apart.
fn measured<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
