//! The cipher suite registry: every suite the prober can offer, with the facts the grader
//! and the policies need — key exchange, authentication, cipher, effective key size, AEAD,
//! export grade and the oldest protocol that can negotiate it.
//!
//! # Sources
//! The table is assay's own; each row was checked against three independent lists:
//! - the IANA *TLS Cipher Suites* registry: ids and [`Suite::name`];
//! - OpenSSL's `tls1.h`/`ssl3.h`: [`Suite::openssl_name`], as OpenSSL 3.0 spells it where it
//!   still names the suite, else as 1.0.2 did (1.1.0 dropped the export, Kerberos, EXP1024
//!   and single-DES suites);
//! - testssl.sh `etc/cipher-mapping.txt`: key exchange, authentication, cipher, MAC and
//!   oldest protocol, which agree with this table for every suite both list.
//!
//! # Scope
//! Every IANA suite for SSL 3.0 to TLS 1.2, the five TLS 1.3 suites of RFC 8446 and the SM4
//! suites of RFC 8998, plus three pre-IANA sets that scanners still probe because old
//! servers accept them: EXP1024 (0x0060–0x0066, an expired 1999 draft that OpenSSL 0.9.x and
//! old Windows shipped), the ChaCha20 suites from before RFC 7905 (0xCC13–0xCC15, named with
//! the `_OLD` suffix testssl.sh uses) and Netscape's FIPS suites (0xFEFE–0xFEFF). Left out:
//! `TLS_NULL_WITH_NULL_NULL` (never negotiable), GOST (RFC 9189 and drafts), ECCPWD (RFC
//! 8492), AEGIS (a draft) and the integrity-only TLS 1.3 suites of RFC 9150: servers that
//! assay grades do not offer them, and each would need a cipher nothing else uses.
//!
//! # Key size
//! [`Suite::bits`] is the effective symmetric strength, as OpenSSL's `strength_bits` and the
//! SSL Labs reports give it: 40 for the export ciphers, 56 for DES (EXP1024 included), 112
//! for 3DES — three 56-bit keys, but a meet-in-the-middle attack leaves 2^112 work (NIST SP
//! 800-57 Part 1, Table 2: 3TDEA, 112 bits; OpenSSL's `s3_lib.c` lists 3DES with 112 strength
//! bits of 168) — 128 for IDEA, SEED, SM4 and RC4-128, and the key size for AES, Camellia,
//! ARIA and ChaCha20.

use super::body::{CipherSuite, Protocol};

/// `TLS_EMPTY_RENEGOTIATION_INFO_SCSV` (RFC 5746): a client sends it in place of the
/// `renegotiation_info` extension (SSL 3.0 hellos carry no extensions). Not a suite: a
/// server never selects it.
pub const TLS_EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00FF;

/// `TLS_FALLBACK_SCSV` (RFC 7507): tells the server that this hello is a downgraded retry,
/// so a server that supports a higher version must refuse it. Not a suite.
pub const TLS_FALLBACK_SCSV: u16 = 0x5600;

/// Whether `id` is a GREASE value (RFC 8701: 0x0A0A, 0x1A1A, … 0xFAFA), which clients send
/// to keep servers tolerant of unknown suites and a server must never select.
pub fn is_grease(id: u16) -> bool {
    id & 0x0F0F == 0x0A0A && id >> 8 == id & 0xFF
}

/// How the premaster secret is agreed. It decides forward secrecy, and the grader scores
/// the key exchange by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kx {
    /// RSA key transport: the secret is encrypted to the certificate's key (no forward
    /// secrecy; export suites use a temporary 512-bit key instead).
    Rsa,
    /// Static Diffie-Hellman, the server's DH key in its certificate (no forward secrecy).
    Dh,
    /// Ephemeral Diffie-Hellman, including the unauthenticated `DH_anon` suites.
    Dhe,
    /// Static elliptic-curve DH, the server's key in its certificate (no forward secrecy).
    Ecdh,
    /// Ephemeral elliptic-curve DH, including the unauthenticated `ECDH_anon` suites.
    Ecdhe,
    /// A pre-shared key alone (RFC 4279).
    Psk,
    /// Ephemeral DH mixed with a pre-shared key (RFC 4279).
    DhePsk,
    /// Ephemeral ECDH mixed with a pre-shared key (RFC 5489).
    EcdhePsk,
    /// RSA key transport mixed with a pre-shared key (RFC 4279).
    RsaPsk,
    /// Secure Remote Password (RFC 5054).
    Srp,
    /// Kerberos 5 (RFC 2712).
    Krb5,
    /// A TLS 1.3 suite: the group in `key_share` decides the key exchange, which is always
    /// ephemeral.
    Tls13,
}

impl Kx {
    /// Whether a fresh key is agreed for each connection, so a stolen long-term key does
    /// not decrypt recorded traffic.
    pub fn ephemeral(self) -> bool {
        matches!(
            self,
            Kx::Dhe | Kx::Ecdhe | Kx::DhePsk | Kx::EcdhePsk | Kx::Tls13
        )
    }
}

/// How the server proves who it is. With [`Auth::Anon`] nobody does, so an active attacker
/// goes unnoticed whatever the cipher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Auth {
    /// An RSA certificate.
    Rsa,
    /// A DSA certificate.
    Dss,
    /// An ECDSA certificate.
    Ecdsa,
    /// A certificate holding a static DH key (`DH_RSA`, `DH_DSS`: the CA's signature).
    Dh,
    /// A certificate holding a static ECDH key (`ECDH_RSA`, `ECDH_ECDSA`).
    Ecdh,
    /// Knowledge of the pre-shared key.
    Psk,
    /// Knowledge of the SRP password verifier.
    Srp,
    /// A Kerberos ticket.
    Krb5,
    /// Nobody (`DH_anon`, `ECDH_anon`).
    Anon,
    /// A TLS 1.3 suite: the certificate and `signature_algorithms` decide.
    Tls13,
}

/// The bulk cipher with its key size, so that the export and full-strength variants of one
/// algorithm stay apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cipher {
    /// No encryption at all.
    Null,
    /// RC4 with a 40-bit key (export).
    Rc4_40,
    /// RC4 with a 56-bit key (EXP1024).
    Rc4_56,
    /// RC4 with a 128-bit key.
    Rc4_128,
    /// RC2-CBC with a 40-bit key (export).
    Rc2_40,
    /// RC2-CBC with a 56-bit key (EXP1024).
    Rc2_56,
    /// DES-CBC with 40 key bits (export).
    Des40,
    /// DES-CBC, 56-bit key.
    Des,
    /// Triple DES (EDE) in CBC mode.
    TripleDes,
    /// IDEA-CBC.
    Idea,
    /// SEED-CBC (RFC 4162).
    Seed,
    /// AES-128-CBC.
    Aes128Cbc,
    /// AES-256-CBC.
    Aes256Cbc,
    /// AES-128-GCM.
    Aes128Gcm,
    /// AES-256-GCM.
    Aes256Gcm,
    /// AES-128-CCM with a 16-byte tag.
    Aes128Ccm,
    /// AES-128-CCM with an 8-byte tag.
    Aes128Ccm8,
    /// AES-256-CCM with a 16-byte tag.
    Aes256Ccm,
    /// AES-256-CCM with an 8-byte tag.
    Aes256Ccm8,
    /// Camellia-128-CBC.
    Camellia128Cbc,
    /// Camellia-256-CBC.
    Camellia256Cbc,
    /// Camellia-128-GCM.
    Camellia128Gcm,
    /// Camellia-256-GCM.
    Camellia256Gcm,
    /// ARIA-128-CBC.
    Aria128Cbc,
    /// ARIA-256-CBC.
    Aria256Cbc,
    /// ARIA-128-GCM.
    Aria128Gcm,
    /// ARIA-256-GCM.
    Aria256Gcm,
    /// ChaCha20-Poly1305 (RFC 7905; also the pre-RFC `_OLD` suites).
    ChaCha20Poly1305,
    /// SM4-GCM (RFC 8998).
    Sm4Gcm,
    /// SM4-CCM (RFC 8998).
    Sm4Ccm,
}

impl Cipher {
    /// Effective key bits (see the module docs for 3DES).
    pub const fn key_bits(self) -> u16 {
        match self {
            Cipher::Null => 0,
            Cipher::Rc4_40 | Cipher::Rc2_40 | Cipher::Des40 => 40,
            Cipher::Rc4_56 | Cipher::Rc2_56 | Cipher::Des => 56,
            Cipher::TripleDes => 112,
            Cipher::Idea
            | Cipher::Seed
            | Cipher::Rc4_128
            | Cipher::Aes128Cbc
            | Cipher::Aes128Gcm
            | Cipher::Aes128Ccm
            | Cipher::Aes128Ccm8
            | Cipher::Camellia128Cbc
            | Cipher::Camellia128Gcm
            | Cipher::Aria128Cbc
            | Cipher::Aria128Gcm
            | Cipher::Sm4Gcm
            | Cipher::Sm4Ccm => 128,
            Cipher::Aes256Cbc
            | Cipher::Aes256Gcm
            | Cipher::Aes256Ccm
            | Cipher::Aes256Ccm8
            | Cipher::Camellia256Cbc
            | Cipher::Camellia256Gcm
            | Cipher::Aria256Cbc
            | Cipher::Aria256Gcm
            | Cipher::ChaCha20Poly1305 => 256,
        }
    }

    /// Whether the cipher authenticates its own records (GCM, CCM, ChaCha20-Poly1305), so
    /// no MAC-then-encrypt padding oracle (Lucky13, POODLE-TLS) applies.
    pub fn aead(self) -> bool {
        matches!(
            self,
            Cipher::Aes128Gcm
                | Cipher::Aes256Gcm
                | Cipher::Aes128Ccm
                | Cipher::Aes128Ccm8
                | Cipher::Aes256Ccm
                | Cipher::Aes256Ccm8
                | Cipher::Camellia128Gcm
                | Cipher::Camellia256Gcm
                | Cipher::Aria128Gcm
                | Cipher::Aria256Gcm
                | Cipher::ChaCha20Poly1305
                | Cipher::Sm4Gcm
                | Cipher::Sm4Ccm
        )
    }

    /// The block size in bits, `None` for stream ciphers and NULL. 64-bit blocks collide
    /// after about 32 GB under one key (Sweet32, CVE-2016-2183), which SSL Labs caps.
    pub fn block_bits(self) -> Option<u16> {
        match self {
            Cipher::Null
            | Cipher::Rc4_40
            | Cipher::Rc4_56
            | Cipher::Rc4_128
            | Cipher::ChaCha20Poly1305 => None,
            Cipher::Rc2_40
            | Cipher::Rc2_56
            | Cipher::Des40
            | Cipher::Des
            | Cipher::TripleDes
            | Cipher::Idea => Some(64),
            _ => Some(128),
        }
    }
}

/// How records are authenticated: an HMAC for the stream and CBC suites, the AEAD tag
/// otherwise (the hash in an AEAD suite's name is its PRF's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mac {
    /// HMAC-MD5 (SSL 3.0: its keyed-MD5 construction).
    Md5,
    /// HMAC-SHA1.
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA384.
    Sha384,
    /// The cipher's own tag.
    Aead,
}

/// One cipher suite. Fields are public and plain so the grader and the importers can match
/// on them; the table below is the only place they are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Suite {
    /// The two-byte value in ClientHello and ServerHello.
    pub id: u16,
    /// IANA name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`), which evidence and policies use.
    /// For the few pre-IANA suites, the name scanners print.
    pub name: &'static str,
    /// OpenSSL's name (`ECDHE-RSA-AES128-GCM-SHA256`), as nginx and Apache configurations and
    /// sslscan output spell it; `""` when OpenSSL never named the suite.
    pub openssl_name: &'static str,
    /// Key exchange.
    pub kx: Kx,
    /// Server authentication.
    pub auth: Auth,
    /// Bulk cipher.
    pub cipher: Cipher,
    /// Record authentication.
    pub mac: Mac,
    /// Effective symmetric key bits (3DES counts 112; see the module docs).
    pub bits: u16,
    /// Export grade (40-bit ciphers, 512-bit key exchange, or the EXP1024 set): what FREAK
    /// and Logjam downgrade to.
    pub export: bool,
    /// The oldest protocol that can negotiate it: TLS 1.3 for TLS 1.3 suites; TLS 1.2 for
    /// AEAD ciphers and for SHA-256/384 MACs, except the PSK families, which OpenSSL and
    /// testssl.sh allow from TLS 1.0; SSL 3.0 otherwise (ECC suites too: OpenSSL before
    /// 1.1.0 negotiated them under SSL 3.0).
    pub min_protocol: Protocol,
}

impl Suite {
    /// Whether the key exchange is ephemeral. True for the anonymous suites too: check
    /// [`Suite::is_anonymous`] before calling such a suite good.
    pub fn forward_secrecy(&self) -> bool {
        self.kx.ephemeral()
    }

    /// Whether the cipher is an AEAD.
    pub fn aead(&self) -> bool {
        self.cipher.aead()
    }

    /// The cipher's block size; `Some(64)` is the Sweet32 case.
    pub fn block_bits(&self) -> Option<u16> {
        self.cipher.block_bits()
    }

    /// Whether the server is not authenticated at all.
    pub fn is_anonymous(&self) -> bool {
        self.auth == Auth::Anon
    }

    /// Whether records are sent in the clear.
    pub fn is_null(&self) -> bool {
        self.cipher == Cipher::Null
    }

    /// The newest protocol that can negotiate it: TLS 1.3 defines its own suites and
    /// accepts no other.
    pub fn max_protocol(&self) -> Protocol {
        if self.kx == Kx::Tls13 {
            Protocol::Tls13
        } else {
            Protocol::Tls12
        }
    }

    /// Whether a conforming server could select it under `protocol`.
    pub fn usable_with(&self, protocol: Protocol) -> bool {
        self.min_protocol <= protocol && protocol <= self.max_protocol()
    }

    /// The key exchange as evidence names it, in IANA's spelling (`ECDHE`, `DHE_PSK`). A
    /// TLS 1.3 suite has none of its own: `group` is the one the server picked in
    /// `key_share` — finite-field groups (RFC 7919) give `DHE`, pure ML-KEM gives `MLKEM`,
    /// and EC or hybrid EC+ML-KEM groups give `ECDHE`. Without a group `ECDHE` is assumed,
    /// since every TLS 1.3 server must implement secp256r1 (RFC 8446 §9.1).
    pub fn kx_label(&self, group: Option<u16>) -> &'static str {
        match self.kx {
            Kx::Rsa => "RSA",
            Kx::Dh => "DH",
            Kx::Dhe => "DHE",
            Kx::Ecdh => "ECDH",
            Kx::Ecdhe => "ECDHE",
            Kx::Psk => "PSK",
            Kx::DhePsk => "DHE_PSK",
            Kx::EcdhePsk => "ECDHE_PSK",
            Kx::RsaPsk => "RSA_PSK",
            Kx::Srp => "SRP",
            Kx::Krb5 => "KRB5",
            Kx::Tls13 => match group {
                Some(0x0100..=0x01FF) => "DHE",
                Some(0x0200..=0x0202) => "MLKEM",
                _ => "ECDHE",
            },
        }
    }

    /// The evidence entry for this suite accepted under `protocol` (`group`: see
    /// [`Suite::kx_label`]). It records what the server did, so a suite the server should
    /// not have accepted under `protocol` is recorded all the same.
    pub fn evidence(&self, protocol: Protocol, group: Option<u16>) -> CipherSuite {
        CipherSuite {
            name: self.name.to_string(),
            protocol,
            kx: self.kx_label(group).to_string(),
            forward_secrecy: self.forward_secrecy(),
            aead: self.aead(),
            bits: self.bits,
        }
    }
}

/// The suite with this wire value.
pub fn by_id(id: u16) -> Option<&'static Suite> {
    let i = SUITES.binary_search_by_key(&id, |s| s.id).ok()?;
    SUITES.get(i)
}

/// The suite with this IANA or OpenSSL name, ignoring ASCII case, so importers can read
/// whichever a tool prints. Also accepts the `SSL_` prefix of SSL 3.0-era names (Java
/// uses it) and OpenSSL's pre-1.1.0 `EDH-` spelling of `DHE-`.
pub fn by_name(name: &str) -> Option<&'static Suite> {
    let name = name.trim();
    find_name(name)
        .or_else(|| alias(name, "SSL_", "TLS_"))
        .or_else(|| alias(name, "EDH-", "DHE-"))
        .or_else(|| alias(name, "EXP-EDH-", "EXP-DHE-"))
}

fn find_name(name: &str) -> Option<&'static Suite> {
    if name.is_empty() {
        return None;
    }
    SUITES.iter().find(|s| {
        s.name.eq_ignore_ascii_case(name)
            || (!s.openssl_name.is_empty() && s.openssl_name.eq_ignore_ascii_case(name))
    })
}

/// Looks `name` up again with the prefix `from` replaced by `to`.
fn alias(name: &str, from: &str, to: &str) -> Option<&'static Suite> {
    let head = name.get(..from.len())?;
    if !head.eq_ignore_ascii_case(from) {
        return None;
    }
    let rest = name.get(from.len()..)?;
    find_name(&format!("{to}{rest}"))
}

/// Every suite a conforming server could select under `protocol`, in id order.
pub fn usable(protocol: Protocol) -> impl Iterator<Item = &'static Suite> {
    SUITES.iter().filter(move |s| s.usable_with(protocol))
}

/// The ids to offer when enumerating what a server accepts under `protocol`: every usable
/// suite, in id order (the caller orders and splits them; some servers reject a hello with
/// hundreds of suites). Export suites stay in the TLS 1.1 and 1.2 lists although RFC 4346
/// forbids them there, since a server that accepts them anyway is what the probe is for.
/// The SM4 suites are left out: RFC 8998 ties them to SM2 certificates and the curveSM2
/// group, which the probe does not offer, so TLS 1.3 gets RFC 8446's five.
pub fn probe_list(protocol: Protocol) -> Vec<u16> {
    usable(protocol)
        .filter(|s| !matches!(s.cipher, Cipher::Sm4Gcm | Cipher::Sm4Ccm))
        .map(|s| s.id)
        .collect()
}

/// Builds [`SUITES`] from one row per suite, so the table stays one line per suite and
/// `bits` always follows the cipher.
macro_rules! suite_table {
    ($(($id:literal, $name:literal, $openssl:literal, $kx:ident, $auth:ident, $cipher:ident,
        $mac:ident, $export:literal, $min:ident),)*) => {
        &[$(Suite {
            id: $id,
            name: $name,
            openssl_name: $openssl,
            kx: Kx::$kx,
            auth: Auth::$auth,
            cipher: Cipher::$cipher,
            mac: Mac::$mac,
            bits: Cipher::$cipher.key_bits(),
            export: $export,
            min_protocol: Protocol::$min,
        },)*]
    };
}

/// Every known suite, sorted by id (so [`by_id`] can binary-search; a test checks it).
/// Columns: id, IANA name, OpenSSL name, key exchange, authentication, cipher, MAC, export,
/// oldest protocol.
#[rustfmt::skip]
pub static SUITES: &[Suite] = suite_table![
    (0x0001, "TLS_RSA_WITH_NULL_MD5",                             "NULL-MD5",                          Rsa,      Rsa,   Null,             Md5,    false, Ssl3),
    (0x0002, "TLS_RSA_WITH_NULL_SHA",                             "NULL-SHA",                          Rsa,      Rsa,   Null,             Sha1,   false, Ssl3),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5",                    "EXP-RC4-MD5",                       Rsa,      Rsa,   Rc4_40,           Md5,    true,  Ssl3),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5",                          "RC4-MD5",                           Rsa,      Rsa,   Rc4_128,          Md5,    false, Ssl3),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA",                          "RC4-SHA",                           Rsa,      Rsa,   Rc4_128,          Sha1,   false, Ssl3),
    (0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",                "EXP-RC2-CBC-MD5",                   Rsa,      Rsa,   Rc2_40,           Md5,    true,  Ssl3),
    (0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA",                         "IDEA-CBC-SHA",                      Rsa,      Rsa,   Idea,             Sha1,   false, Ssl3),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",                 "EXP-DES-CBC-SHA",                   Rsa,      Rsa,   Des40,            Sha1,   true,  Ssl3),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA",                          "DES-CBC-SHA",                       Rsa,      Rsa,   Des,              Sha1,   false, Ssl3),
    (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA",                     "DES-CBC3-SHA",                      Rsa,      Rsa,   TripleDes,        Sha1,   false, Ssl3),
    (0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA",              "EXP-DH-DSS-DES-CBC-SHA",            Dh,       Dh,    Des40,            Sha1,   true,  Ssl3),
    (0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA",                       "DH-DSS-DES-CBC-SHA",                Dh,       Dh,    Des,              Sha1,   false, Ssl3),
    (0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA",                  "DH-DSS-DES-CBC3-SHA",               Dh,       Dh,    TripleDes,        Sha1,   false, Ssl3),
    (0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA",              "EXP-DH-RSA-DES-CBC-SHA",            Dh,       Dh,    Des40,            Sha1,   true,  Ssl3),
    (0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA",                       "DH-RSA-DES-CBC-SHA",                Dh,       Dh,    Des,              Sha1,   false, Ssl3),
    (0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA",                  "DH-RSA-DES-CBC3-SHA",               Dh,       Dh,    TripleDes,        Sha1,   false, Ssl3),
    (0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",             "EXP-DHE-DSS-DES-CBC-SHA",           Dhe,      Dss,   Des40,            Sha1,   true,  Ssl3),
    (0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA",                      "DHE-DSS-DES-CBC-SHA",               Dhe,      Dss,   Des,              Sha1,   false, Ssl3),
    (0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",                 "DHE-DSS-DES-CBC3-SHA",              Dhe,      Dss,   TripleDes,        Sha1,   false, Ssl3),
    (0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",             "EXP-DHE-RSA-DES-CBC-SHA",           Dhe,      Rsa,   Des40,            Sha1,   true,  Ssl3),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA",                      "DHE-RSA-DES-CBC-SHA",               Dhe,      Rsa,   Des,              Sha1,   false, Ssl3),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",                 "DHE-RSA-DES-CBC3-SHA",              Dhe,      Rsa,   TripleDes,        Sha1,   false, Ssl3),
    (0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",                "EXP-ADH-RC4-MD5",                   Dhe,      Anon,  Rc4_40,           Md5,    true,  Ssl3),
    (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5",                      "ADH-RC4-MD5",                       Dhe,      Anon,  Rc4_128,          Md5,    false, Ssl3),
    (0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA",             "EXP-ADH-DES-CBC-SHA",               Dhe,      Anon,  Des40,            Sha1,   true,  Ssl3),
    (0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA",                      "ADH-DES-CBC-SHA",                   Dhe,      Anon,  Des,              Sha1,   false, Ssl3),
    (0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA",                 "ADH-DES-CBC3-SHA",                  Dhe,      Anon,  TripleDes,        Sha1,   false, Ssl3),
    (0x001E, "TLS_KRB5_WITH_DES_CBC_SHA",                         "KRB5-DES-CBC-SHA",                  Krb5,     Krb5,  Des,              Sha1,   false, Ssl3),
    (0x001F, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA",                    "KRB5-DES-CBC3-SHA",                 Krb5,     Krb5,  TripleDes,        Sha1,   false, Ssl3),
    (0x0020, "TLS_KRB5_WITH_RC4_128_SHA",                         "KRB5-RC4-SHA",                      Krb5,     Krb5,  Rc4_128,          Sha1,   false, Ssl3),
    (0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA",                        "KRB5-IDEA-CBC-SHA",                 Krb5,     Krb5,  Idea,             Sha1,   false, Ssl3),
    (0x0022, "TLS_KRB5_WITH_DES_CBC_MD5",                         "KRB5-DES-CBC-MD5",                  Krb5,     Krb5,  Des,              Md5,    false, Ssl3),
    (0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5",                    "KRB5-DES-CBC3-MD5",                 Krb5,     Krb5,  TripleDes,        Md5,    false, Ssl3),
    (0x0024, "TLS_KRB5_WITH_RC4_128_MD5",                         "KRB5-RC4-MD5",                      Krb5,     Krb5,  Rc4_128,          Md5,    false, Ssl3),
    (0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5",                        "KRB5-IDEA-CBC-MD5",                 Krb5,     Krb5,  Idea,             Md5,    false, Ssl3),
    (0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA",               "EXP-KRB5-DES-CBC-SHA",              Krb5,     Krb5,  Des40,            Sha1,   true,  Ssl3),
    (0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA",               "EXP-KRB5-RC2-CBC-SHA",              Krb5,     Krb5,  Rc2_40,           Sha1,   true,  Ssl3),
    (0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA",                   "EXP-KRB5-RC4-SHA",                  Krb5,     Krb5,  Rc4_40,           Sha1,   true,  Ssl3),
    (0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5",               "EXP-KRB5-DES-CBC-MD5",              Krb5,     Krb5,  Des40,            Md5,    true,  Ssl3),
    (0x002A, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5",               "EXP-KRB5-RC2-CBC-MD5",              Krb5,     Krb5,  Rc2_40,           Md5,    true,  Ssl3),
    (0x002B, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5",                   "EXP-KRB5-RC4-MD5",                  Krb5,     Krb5,  Rc4_40,           Md5,    true,  Ssl3),
    (0x002C, "TLS_PSK_WITH_NULL_SHA",                             "PSK-NULL-SHA",                      Psk,      Psk,   Null,             Sha1,   false, Ssl3),
    (0x002D, "TLS_DHE_PSK_WITH_NULL_SHA",                         "DHE-PSK-NULL-SHA",                  DhePsk,   Psk,   Null,             Sha1,   false, Ssl3),
    (0x002E, "TLS_RSA_PSK_WITH_NULL_SHA",                         "RSA-PSK-NULL-SHA",                  RsaPsk,   Rsa,   Null,             Sha1,   false, Ssl3),
    (0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA",                      "AES128-SHA",                        Rsa,      Rsa,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA",                   "DH-DSS-AES128-SHA",                 Dh,       Dh,    Aes128Cbc,        Sha1,   false, Ssl3),
    (0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA",                   "DH-RSA-AES128-SHA",                 Dh,       Dh,    Aes128Cbc,        Sha1,   false, Ssl3),
    (0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",                  "DHE-DSS-AES128-SHA",                Dhe,      Dss,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",                  "DHE-RSA-AES128-SHA",                Dhe,      Rsa,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA",                  "ADH-AES128-SHA",                    Dhe,      Anon,  Aes128Cbc,        Sha1,   false, Ssl3),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA",                      "AES256-SHA",                        Rsa,      Rsa,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA",                   "DH-DSS-AES256-SHA",                 Dh,       Dh,    Aes256Cbc,        Sha1,   false, Ssl3),
    (0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA",                   "DH-RSA-AES256-SHA",                 Dh,       Dh,    Aes256Cbc,        Sha1,   false, Ssl3),
    (0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",                  "DHE-DSS-AES256-SHA",                Dhe,      Dss,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",                  "DHE-RSA-AES256-SHA",                Dhe,      Rsa,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA",                  "ADH-AES256-SHA",                    Dhe,      Anon,  Aes256Cbc,        Sha1,   false, Ssl3),
    (0x003B, "TLS_RSA_WITH_NULL_SHA256",                          "NULL-SHA256",                       Rsa,      Rsa,   Null,             Sha256, false, Tls12),
    (0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256",                   "AES128-SHA256",                     Rsa,      Rsa,   Aes128Cbc,        Sha256, false, Tls12),
    (0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256",                   "AES256-SHA256",                     Rsa,      Rsa,   Aes256Cbc,        Sha256, false, Tls12),
    (0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256",                "DH-DSS-AES128-SHA256",              Dh,       Dh,    Aes128Cbc,        Sha256, false, Tls12),
    (0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256",                "DH-RSA-AES128-SHA256",              Dh,       Dh,    Aes128Cbc,        Sha256, false, Tls12),
    (0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",               "DHE-DSS-AES128-SHA256",             Dhe,      Dss,   Aes128Cbc,        Sha256, false, Tls12),
    (0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",                 "CAMELLIA128-SHA",                   Rsa,      Rsa,   Camellia128Cbc,   Sha1,   false, Ssl3),
    (0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA",              "DH-DSS-CAMELLIA128-SHA",            Dh,       Dh,    Camellia128Cbc,   Sha1,   false, Ssl3),
    (0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA",              "DH-RSA-CAMELLIA128-SHA",            Dh,       Dh,    Camellia128Cbc,   Sha1,   false, Ssl3),
    (0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA",             "DHE-DSS-CAMELLIA128-SHA",           Dhe,      Dss,   Camellia128Cbc,   Sha1,   false, Ssl3),
    (0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA",             "DHE-RSA-CAMELLIA128-SHA",           Dhe,      Rsa,   Camellia128Cbc,   Sha1,   false, Ssl3),
    (0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA",             "ADH-CAMELLIA128-SHA",               Dhe,      Anon,  Camellia128Cbc,   Sha1,   false, Ssl3),
    (0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5",                "EXP1024-RC4-MD5",                   Rsa,      Rsa,   Rc4_56,           Md5,    true,  Ssl3),
    (0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5",            "EXP1024-RC2-CBC-MD5",               Rsa,      Rsa,   Rc2_56,           Md5,    true,  Ssl3),
    (0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",               "EXP1024-DES-CBC-SHA",               Rsa,      Rsa,   Des,              Sha1,   true,  Ssl3),
    (0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA",           "EXP1024-DHE-DSS-DES-CBC-SHA",       Dhe,      Dss,   Des,              Sha1,   true,  Ssl3),
    (0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",                "EXP1024-RC4-SHA",                   Rsa,      Rsa,   Rc4_56,           Sha1,   true,  Ssl3),
    (0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA",            "EXP1024-DHE-DSS-RC4-SHA",           Dhe,      Dss,   Rc4_56,           Sha1,   true,  Ssl3),
    (0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA",                      "DHE-DSS-RC4-SHA",                   Dhe,      Dss,   Rc4_128,          Sha1,   false, Ssl3),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",               "DHE-RSA-AES128-SHA256",             Dhe,      Rsa,   Aes128Cbc,        Sha256, false, Tls12),
    (0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256",                "DH-DSS-AES256-SHA256",              Dh,       Dh,    Aes256Cbc,        Sha256, false, Tls12),
    (0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256",                "DH-RSA-AES256-SHA256",              Dh,       Dh,    Aes256Cbc,        Sha256, false, Tls12),
    (0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",               "DHE-DSS-AES256-SHA256",             Dhe,      Dss,   Aes256Cbc,        Sha256, false, Tls12),
    (0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",               "DHE-RSA-AES256-SHA256",             Dhe,      Rsa,   Aes256Cbc,        Sha256, false, Tls12),
    (0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256",               "ADH-AES128-SHA256",                 Dhe,      Anon,  Aes128Cbc,        Sha256, false, Tls12),
    (0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256",               "ADH-AES256-SHA256",                 Dhe,      Anon,  Aes256Cbc,        Sha256, false, Tls12),
    (0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",                 "CAMELLIA256-SHA",                   Rsa,      Rsa,   Camellia256Cbc,   Sha1,   false, Ssl3),
    (0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA",              "DH-DSS-CAMELLIA256-SHA",            Dh,       Dh,    Camellia256Cbc,   Sha1,   false, Ssl3),
    (0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA",              "DH-RSA-CAMELLIA256-SHA",            Dh,       Dh,    Camellia256Cbc,   Sha1,   false, Ssl3),
    (0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA",             "DHE-DSS-CAMELLIA256-SHA",           Dhe,      Dss,   Camellia256Cbc,   Sha1,   false, Ssl3),
    (0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA",             "DHE-RSA-CAMELLIA256-SHA",           Dhe,      Rsa,   Camellia256Cbc,   Sha1,   false, Ssl3),
    (0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA",             "ADH-CAMELLIA256-SHA",               Dhe,      Anon,  Camellia256Cbc,   Sha1,   false, Ssl3),
    (0x008A, "TLS_PSK_WITH_RC4_128_SHA",                          "PSK-RC4-SHA",                       Psk,      Psk,   Rc4_128,          Sha1,   false, Ssl3),
    (0x008B, "TLS_PSK_WITH_3DES_EDE_CBC_SHA",                     "PSK-3DES-EDE-CBC-SHA",              Psk,      Psk,   TripleDes,        Sha1,   false, Ssl3),
    (0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA",                      "PSK-AES128-CBC-SHA",                Psk,      Psk,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA",                      "PSK-AES256-CBC-SHA",                Psk,      Psk,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0x008E, "TLS_DHE_PSK_WITH_RC4_128_SHA",                      "DHE-PSK-RC4-SHA",                   DhePsk,   Psk,   Rc4_128,          Sha1,   false, Ssl3),
    (0x008F, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA",                 "DHE-PSK-3DES-EDE-CBC-SHA",          DhePsk,   Psk,   TripleDes,        Sha1,   false, Ssl3),
    (0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA",                  "DHE-PSK-AES128-CBC-SHA",            DhePsk,   Psk,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA",                  "DHE-PSK-AES256-CBC-SHA",            DhePsk,   Psk,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA",                      "RSA-PSK-RC4-SHA",                   RsaPsk,   Rsa,   Rc4_128,          Sha1,   false, Ssl3),
    (0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA",                 "RSA-PSK-3DES-EDE-CBC-SHA",          RsaPsk,   Rsa,   TripleDes,        Sha1,   false, Ssl3),
    (0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA",                  "RSA-PSK-AES128-CBC-SHA",            RsaPsk,   Rsa,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA",                  "RSA-PSK-AES256-CBC-SHA",            RsaPsk,   Rsa,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0x0096, "TLS_RSA_WITH_SEED_CBC_SHA",                         "SEED-SHA",                          Rsa,      Rsa,   Seed,             Sha1,   false, Ssl3),
    (0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA",                      "DH-DSS-SEED-SHA",                   Dh,       Dh,    Seed,             Sha1,   false, Ssl3),
    (0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA",                      "DH-RSA-SEED-SHA",                   Dh,       Dh,    Seed,             Sha1,   false, Ssl3),
    (0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA",                     "DHE-DSS-SEED-SHA",                  Dhe,      Dss,   Seed,             Sha1,   false, Ssl3),
    (0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA",                     "DHE-RSA-SEED-SHA",                  Dhe,      Rsa,   Seed,             Sha1,   false, Ssl3),
    (0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA",                     "ADH-SEED-SHA",                      Dhe,      Anon,  Seed,             Sha1,   false, Ssl3),
    (0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256",                   "AES128-GCM-SHA256",                 Rsa,      Rsa,   Aes128Gcm,        Aead,   false, Tls12),
    (0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384",                   "AES256-GCM-SHA384",                 Rsa,      Rsa,   Aes256Gcm,        Aead,   false, Tls12),
    (0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",               "DHE-RSA-AES128-GCM-SHA256",         Dhe,      Rsa,   Aes128Gcm,        Aead,   false, Tls12),
    (0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",               "DHE-RSA-AES256-GCM-SHA384",         Dhe,      Rsa,   Aes256Gcm,        Aead,   false, Tls12),
    (0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256",                "DH-RSA-AES128-GCM-SHA256",          Dh,       Dh,    Aes128Gcm,        Aead,   false, Tls12),
    (0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384",                "DH-RSA-AES256-GCM-SHA384",          Dh,       Dh,    Aes256Gcm,        Aead,   false, Tls12),
    (0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",               "DHE-DSS-AES128-GCM-SHA256",         Dhe,      Dss,   Aes128Gcm,        Aead,   false, Tls12),
    (0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",               "DHE-DSS-AES256-GCM-SHA384",         Dhe,      Dss,   Aes256Gcm,        Aead,   false, Tls12),
    (0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256",                "DH-DSS-AES128-GCM-SHA256",          Dh,       Dh,    Aes128Gcm,        Aead,   false, Tls12),
    (0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384",                "DH-DSS-AES256-GCM-SHA384",          Dh,       Dh,    Aes256Gcm,        Aead,   false, Tls12),
    (0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256",               "ADH-AES128-GCM-SHA256",             Dhe,      Anon,  Aes128Gcm,        Aead,   false, Tls12),
    (0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384",               "ADH-AES256-GCM-SHA384",             Dhe,      Anon,  Aes256Gcm,        Aead,   false, Tls12),
    (0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256",                   "PSK-AES128-GCM-SHA256",             Psk,      Psk,   Aes128Gcm,        Aead,   false, Tls12),
    (0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384",                   "PSK-AES256-GCM-SHA384",             Psk,      Psk,   Aes256Gcm,        Aead,   false, Tls12),
    (0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256",               "DHE-PSK-AES128-GCM-SHA256",         DhePsk,   Psk,   Aes128Gcm,        Aead,   false, Tls12),
    (0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384",               "DHE-PSK-AES256-GCM-SHA384",         DhePsk,   Psk,   Aes256Gcm,        Aead,   false, Tls12),
    (0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256",               "RSA-PSK-AES128-GCM-SHA256",         RsaPsk,   Rsa,   Aes128Gcm,        Aead,   false, Tls12),
    (0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384",               "RSA-PSK-AES256-GCM-SHA384",         RsaPsk,   Rsa,   Aes256Gcm,        Aead,   false, Tls12),
    (0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256",                   "PSK-AES128-CBC-SHA256",             Psk,      Psk,   Aes128Cbc,        Sha256, false, Tls10),
    (0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384",                   "PSK-AES256-CBC-SHA384",             Psk,      Psk,   Aes256Cbc,        Sha384, false, Tls10),
    (0x00B0, "TLS_PSK_WITH_NULL_SHA256",                          "PSK-NULL-SHA256",                   Psk,      Psk,   Null,             Sha256, false, Tls10),
    (0x00B1, "TLS_PSK_WITH_NULL_SHA384",                          "PSK-NULL-SHA384",                   Psk,      Psk,   Null,             Sha384, false, Tls10),
    (0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256",               "DHE-PSK-AES128-CBC-SHA256",         DhePsk,   Psk,   Aes128Cbc,        Sha256, false, Tls10),
    (0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384",               "DHE-PSK-AES256-CBC-SHA384",         DhePsk,   Psk,   Aes256Cbc,        Sha384, false, Tls10),
    (0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256",                      "DHE-PSK-NULL-SHA256",               DhePsk,   Psk,   Null,             Sha256, false, Tls10),
    (0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384",                      "DHE-PSK-NULL-SHA384",               DhePsk,   Psk,   Null,             Sha384, false, Tls10),
    (0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256",               "RSA-PSK-AES128-CBC-SHA256",         RsaPsk,   Rsa,   Aes128Cbc,        Sha256, false, Tls10),
    (0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384",               "RSA-PSK-AES256-CBC-SHA384",         RsaPsk,   Rsa,   Aes256Cbc,        Sha384, false, Tls10),
    (0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256",                      "RSA-PSK-NULL-SHA256",               RsaPsk,   Rsa,   Null,             Sha256, false, Tls10),
    (0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384",                      "RSA-PSK-NULL-SHA384",               RsaPsk,   Rsa,   Null,             Sha384, false, Tls10),
    (0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256",              "CAMELLIA128-SHA256",                Rsa,      Rsa,   Camellia128Cbc,   Sha256, false, Tls12),
    (0x00BB, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256",           "DH-DSS-CAMELLIA128-SHA256",         Dh,       Dh,    Camellia128Cbc,   Sha256, false, Tls12),
    (0x00BC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256",           "DH-RSA-CAMELLIA128-SHA256",         Dh,       Dh,    Camellia128Cbc,   Sha256, false, Tls12),
    (0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256",          "DHE-DSS-CAMELLIA128-SHA256",        Dhe,      Dss,   Camellia128Cbc,   Sha256, false, Tls12),
    (0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",          "DHE-RSA-CAMELLIA128-SHA256",        Dhe,      Rsa,   Camellia128Cbc,   Sha256, false, Tls12),
    (0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256",          "ADH-CAMELLIA128-SHA256",            Dhe,      Anon,  Camellia128Cbc,   Sha256, false, Tls12),
    (0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256",              "CAMELLIA256-SHA256",                Rsa,      Rsa,   Camellia256Cbc,   Sha256, false, Tls12),
    (0x00C1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256",           "DH-DSS-CAMELLIA256-SHA256",         Dh,       Dh,    Camellia256Cbc,   Sha256, false, Tls12),
    (0x00C2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256",           "DH-RSA-CAMELLIA256-SHA256",         Dh,       Dh,    Camellia256Cbc,   Sha256, false, Tls12),
    (0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256",          "DHE-DSS-CAMELLIA256-SHA256",        Dhe,      Dss,   Camellia256Cbc,   Sha256, false, Tls12),
    (0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256",          "DHE-RSA-CAMELLIA256-SHA256",        Dhe,      Rsa,   Camellia256Cbc,   Sha256, false, Tls12),
    (0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256",          "ADH-CAMELLIA256-SHA256",            Dhe,      Anon,  Camellia256Cbc,   Sha256, false, Tls12),
    (0x00C6, "TLS_SM4_GCM_SM3",                                   "",                                  Tls13,    Tls13, Sm4Gcm,           Aead,   false, Tls13),
    (0x00C7, "TLS_SM4_CCM_SM3",                                   "",                                  Tls13,    Tls13, Sm4Ccm,           Aead,   false, Tls13),
    (0x1301, "TLS_AES_128_GCM_SHA256",                            "TLS_AES_128_GCM_SHA256",            Tls13,    Tls13, Aes128Gcm,        Aead,   false, Tls13),
    (0x1302, "TLS_AES_256_GCM_SHA384",                            "TLS_AES_256_GCM_SHA384",            Tls13,    Tls13, Aes256Gcm,        Aead,   false, Tls13),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256",                      "TLS_CHACHA20_POLY1305_SHA256",      Tls13,    Tls13, ChaCha20Poly1305, Aead,   false, Tls13),
    (0x1304, "TLS_AES_128_CCM_SHA256",                            "TLS_AES_128_CCM_SHA256",            Tls13,    Tls13, Aes128Ccm,        Aead,   false, Tls13),
    (0x1305, "TLS_AES_128_CCM_8_SHA256",                          "TLS_AES_128_CCM_8_SHA256",          Tls13,    Tls13, Aes128Ccm8,       Aead,   false, Tls13),
    (0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA",                      "ECDH-ECDSA-NULL-SHA",               Ecdh,     Ecdh,  Null,             Sha1,   false, Ssl3),
    (0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA",                   "ECDH-ECDSA-RC4-SHA",                Ecdh,     Ecdh,  Rc4_128,          Sha1,   false, Ssl3),
    (0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",              "ECDH-ECDSA-DES-CBC3-SHA",           Ecdh,     Ecdh,  TripleDes,        Sha1,   false, Ssl3),
    (0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",               "ECDH-ECDSA-AES128-SHA",             Ecdh,     Ecdh,  Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",               "ECDH-ECDSA-AES256-SHA",             Ecdh,     Ecdh,  Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA",                     "ECDHE-ECDSA-NULL-SHA",              Ecdhe,    Ecdsa, Null,             Sha1,   false, Ssl3),
    (0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",                  "ECDHE-ECDSA-RC4-SHA",               Ecdhe,    Ecdsa, Rc4_128,          Sha1,   false, Ssl3),
    (0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",             "ECDHE-ECDSA-DES-CBC3-SHA",          Ecdhe,    Ecdsa, TripleDes,        Sha1,   false, Ssl3),
    (0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",              "ECDHE-ECDSA-AES128-SHA",            Ecdhe,    Ecdsa, Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",              "ECDHE-ECDSA-AES256-SHA",            Ecdhe,    Ecdsa, Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA",                        "ECDH-RSA-NULL-SHA",                 Ecdh,     Ecdh,  Null,             Sha1,   false, Ssl3),
    (0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA",                     "ECDH-RSA-RC4-SHA",                  Ecdh,     Ecdh,  Rc4_128,          Sha1,   false, Ssl3),
    (0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",                "ECDH-RSA-DES-CBC3-SHA",             Ecdh,     Ecdh,  TripleDes,        Sha1,   false, Ssl3),
    (0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA",                 "ECDH-RSA-AES128-SHA",               Ecdh,     Ecdh,  Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",                 "ECDH-RSA-AES256-SHA",               Ecdh,     Ecdh,  Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA",                       "ECDHE-RSA-NULL-SHA",                Ecdhe,    Rsa,   Null,             Sha1,   false, Ssl3),
    (0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA",                    "ECDHE-RSA-RC4-SHA",                 Ecdhe,    Rsa,   Rc4_128,          Sha1,   false, Ssl3),
    (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",               "ECDHE-RSA-DES-CBC3-SHA",            Ecdhe,    Rsa,   TripleDes,        Sha1,   false, Ssl3),
    (0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",                "ECDHE-RSA-AES128-SHA",              Ecdhe,    Rsa,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",                "ECDHE-RSA-AES256-SHA",              Ecdhe,    Rsa,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC015, "TLS_ECDH_anon_WITH_NULL_SHA",                       "AECDH-NULL-SHA",                    Ecdhe,    Anon,  Null,             Sha1,   false, Ssl3),
    (0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA",                    "AECDH-RC4-SHA",                     Ecdhe,    Anon,  Rc4_128,          Sha1,   false, Ssl3),
    (0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA",               "AECDH-DES-CBC3-SHA",                Ecdhe,    Anon,  TripleDes,        Sha1,   false, Ssl3),
    (0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",                "AECDH-AES128-SHA",                  Ecdhe,    Anon,  Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA",                "AECDH-AES256-SHA",                  Ecdhe,    Anon,  Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC01A, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA",                 "SRP-3DES-EDE-CBC-SHA",              Srp,      Srp,   TripleDes,        Sha1,   false, Ssl3),
    (0xC01B, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA",             "SRP-RSA-3DES-EDE-CBC-SHA",          Srp,      Rsa,   TripleDes,        Sha1,   false, Ssl3),
    (0xC01C, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA",             "SRP-DSS-3DES-EDE-CBC-SHA",          Srp,      Dss,   TripleDes,        Sha1,   false, Ssl3),
    (0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA",                  "SRP-AES-128-CBC-SHA",               Srp,      Srp,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA",              "SRP-RSA-AES-128-CBC-SHA",           Srp,      Rsa,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA",              "SRP-DSS-AES-128-CBC-SHA",           Srp,      Dss,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA",                  "SRP-AES-256-CBC-SHA",               Srp,      Srp,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA",              "SRP-RSA-AES-256-CBC-SHA",           Srp,      Rsa,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA",              "SRP-DSS-AES-256-CBC-SHA",           Srp,      Dss,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",           "ECDHE-ECDSA-AES128-SHA256",         Ecdhe,    Ecdsa, Aes128Cbc,        Sha256, false, Tls12),
    (0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",           "ECDHE-ECDSA-AES256-SHA384",         Ecdhe,    Ecdsa, Aes256Cbc,        Sha384, false, Tls12),
    (0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256",            "ECDH-ECDSA-AES128-SHA256",          Ecdh,     Ecdh,  Aes128Cbc,        Sha256, false, Tls12),
    (0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",            "ECDH-ECDSA-AES256-SHA384",          Ecdh,     Ecdh,  Aes256Cbc,        Sha384, false, Tls12),
    (0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",             "ECDHE-RSA-AES128-SHA256",           Ecdhe,    Rsa,   Aes128Cbc,        Sha256, false, Tls12),
    (0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",             "ECDHE-RSA-AES256-SHA384",           Ecdhe,    Rsa,   Aes256Cbc,        Sha384, false, Tls12),
    (0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256",              "ECDH-RSA-AES128-SHA256",            Ecdh,     Ecdh,  Aes128Cbc,        Sha256, false, Tls12),
    (0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384",              "ECDH-RSA-AES256-SHA384",            Ecdh,     Ecdh,  Aes256Cbc,        Sha384, false, Tls12),
    (0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",           "ECDHE-ECDSA-AES128-GCM-SHA256",     Ecdhe,    Ecdsa, Aes128Gcm,        Aead,   false, Tls12),
    (0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",           "ECDHE-ECDSA-AES256-GCM-SHA384",     Ecdhe,    Ecdsa, Aes256Gcm,        Aead,   false, Tls12),
    (0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",            "ECDH-ECDSA-AES128-GCM-SHA256",      Ecdh,     Ecdh,  Aes128Gcm,        Aead,   false, Tls12),
    (0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",            "ECDH-ECDSA-AES256-GCM-SHA384",      Ecdh,     Ecdh,  Aes256Gcm,        Aead,   false, Tls12),
    (0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",             "ECDHE-RSA-AES128-GCM-SHA256",       Ecdhe,    Rsa,   Aes128Gcm,        Aead,   false, Tls12),
    (0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",             "ECDHE-RSA-AES256-GCM-SHA384",       Ecdhe,    Rsa,   Aes256Gcm,        Aead,   false, Tls12),
    (0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256",              "ECDH-RSA-AES128-GCM-SHA256",        Ecdh,     Ecdh,  Aes128Gcm,        Aead,   false, Tls12),
    (0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384",              "ECDH-RSA-AES256-GCM-SHA384",        Ecdh,     Ecdh,  Aes256Gcm,        Aead,   false, Tls12),
    (0xC033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA",                    "ECDHE-PSK-RC4-SHA",                 EcdhePsk, Psk,   Rc4_128,          Sha1,   false, Ssl3),
    (0xC034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA",               "ECDHE-PSK-3DES-EDE-CBC-SHA",        EcdhePsk, Psk,   TripleDes,        Sha1,   false, Ssl3),
    (0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA",                "ECDHE-PSK-AES128-CBC-SHA",          EcdhePsk, Psk,   Aes128Cbc,        Sha1,   false, Ssl3),
    (0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA",                "ECDHE-PSK-AES256-CBC-SHA",          EcdhePsk, Psk,   Aes256Cbc,        Sha1,   false, Ssl3),
    (0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",             "ECDHE-PSK-AES128-CBC-SHA256",       EcdhePsk, Psk,   Aes128Cbc,        Sha256, false, Tls10),
    (0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384",             "ECDHE-PSK-AES256-CBC-SHA384",       EcdhePsk, Psk,   Aes256Cbc,        Sha384, false, Tls10),
    (0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA",                       "ECDHE-PSK-NULL-SHA",                EcdhePsk, Psk,   Null,             Sha1,   false, Ssl3),
    (0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256",                    "ECDHE-PSK-NULL-SHA256",             EcdhePsk, Psk,   Null,             Sha256, false, Tls10),
    (0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384",                    "ECDHE-PSK-NULL-SHA384",             EcdhePsk, Psk,   Null,             Sha384, false, Tls10),
    (0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256",                  "",                                  Rsa,      Rsa,   Aria128Cbc,       Sha256, false, Tls12),
    (0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384",                  "",                                  Rsa,      Rsa,   Aria256Cbc,       Sha384, false, Tls12),
    (0xC03E, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256",               "",                                  Dh,       Dh,    Aria128Cbc,       Sha256, false, Tls12),
    (0xC03F, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384",               "",                                  Dh,       Dh,    Aria256Cbc,       Sha384, false, Tls12),
    (0xC040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256",               "",                                  Dh,       Dh,    Aria128Cbc,       Sha256, false, Tls12),
    (0xC041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384",               "",                                  Dh,       Dh,    Aria256Cbc,       Sha384, false, Tls12),
    (0xC042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256",              "",                                  Dhe,      Dss,   Aria128Cbc,       Sha256, false, Tls12),
    (0xC043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384",              "",                                  Dhe,      Dss,   Aria256Cbc,       Sha384, false, Tls12),
    (0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256",              "",                                  Dhe,      Rsa,   Aria128Cbc,       Sha256, false, Tls12),
    (0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384",              "",                                  Dhe,      Rsa,   Aria256Cbc,       Sha384, false, Tls12),
    (0xC046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256",              "",                                  Dhe,      Anon,  Aria128Cbc,       Sha256, false, Tls12),
    (0xC047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384",              "",                                  Dhe,      Anon,  Aria256Cbc,       Sha384, false, Tls12),
    (0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256",          "",                                  Ecdhe,    Ecdsa, Aria128Cbc,       Sha256, false, Tls12),
    (0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384",          "",                                  Ecdhe,    Ecdsa, Aria256Cbc,       Sha384, false, Tls12),
    (0xC04A, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256",           "",                                  Ecdh,     Ecdh,  Aria128Cbc,       Sha256, false, Tls12),
    (0xC04B, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384",           "",                                  Ecdh,     Ecdh,  Aria256Cbc,       Sha384, false, Tls12),
    (0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256",            "",                                  Ecdhe,    Rsa,   Aria128Cbc,       Sha256, false, Tls12),
    (0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384",            "",                                  Ecdhe,    Rsa,   Aria256Cbc,       Sha384, false, Tls12),
    (0xC04E, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256",             "",                                  Ecdh,     Ecdh,  Aria128Cbc,       Sha256, false, Tls12),
    (0xC04F, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384",             "",                                  Ecdh,     Ecdh,  Aria256Cbc,       Sha384, false, Tls12),
    (0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256",                  "ARIA128-GCM-SHA256",                Rsa,      Rsa,   Aria128Gcm,       Aead,   false, Tls12),
    (0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384",                  "ARIA256-GCM-SHA384",                Rsa,      Rsa,   Aria256Gcm,       Aead,   false, Tls12),
    (0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256",              "DHE-RSA-ARIA128-GCM-SHA256",        Dhe,      Rsa,   Aria128Gcm,       Aead,   false, Tls12),
    (0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384",              "DHE-RSA-ARIA256-GCM-SHA384",        Dhe,      Rsa,   Aria256Gcm,       Aead,   false, Tls12),
    (0xC054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256",               "DH-RSA-ARIA128-GCM-SHA256",         Dh,       Dh,    Aria128Gcm,       Aead,   false, Tls12),
    (0xC055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384",               "DH-RSA-ARIA256-GCM-SHA384",         Dh,       Dh,    Aria256Gcm,       Aead,   false, Tls12),
    (0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256",              "DHE-DSS-ARIA128-GCM-SHA256",        Dhe,      Dss,   Aria128Gcm,       Aead,   false, Tls12),
    (0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384",              "DHE-DSS-ARIA256-GCM-SHA384",        Dhe,      Dss,   Aria256Gcm,       Aead,   false, Tls12),
    (0xC058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256",               "DH-DSS-ARIA128-GCM-SHA256",         Dh,       Dh,    Aria128Gcm,       Aead,   false, Tls12),
    (0xC059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384",               "DH-DSS-ARIA256-GCM-SHA384",         Dh,       Dh,    Aria256Gcm,       Aead,   false, Tls12),
    (0xC05A, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256",              "ADH-ARIA128-GCM-SHA256",            Dhe,      Anon,  Aria128Gcm,       Aead,   false, Tls12),
    (0xC05B, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384",              "ADH-ARIA256-GCM-SHA384",            Dhe,      Anon,  Aria256Gcm,       Aead,   false, Tls12),
    (0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256",          "ECDHE-ECDSA-ARIA128-GCM-SHA256",    Ecdhe,    Ecdsa, Aria128Gcm,       Aead,   false, Tls12),
    (0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384",          "ECDHE-ECDSA-ARIA256-GCM-SHA384",    Ecdhe,    Ecdsa, Aria256Gcm,       Aead,   false, Tls12),
    (0xC05E, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256",           "ECDH-ECDSA-ARIA128-GCM-SHA256",     Ecdh,     Ecdh,  Aria128Gcm,       Aead,   false, Tls12),
    (0xC05F, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384",           "ECDH-ECDSA-ARIA256-GCM-SHA384",     Ecdh,     Ecdh,  Aria256Gcm,       Aead,   false, Tls12),
    (0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256",            "ECDHE-ARIA128-GCM-SHA256",          Ecdhe,    Rsa,   Aria128Gcm,       Aead,   false, Tls12),
    (0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384",            "ECDHE-ARIA256-GCM-SHA384",          Ecdhe,    Rsa,   Aria256Gcm,       Aead,   false, Tls12),
    (0xC062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256",             "ECDH-ARIA128-GCM-SHA256",           Ecdh,     Ecdh,  Aria128Gcm,       Aead,   false, Tls12),
    (0xC063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384",             "ECDH-ARIA256-GCM-SHA384",           Ecdh,     Ecdh,  Aria256Gcm,       Aead,   false, Tls12),
    (0xC064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256",                  "",                                  Psk,      Psk,   Aria128Cbc,       Sha256, false, Tls10),
    (0xC065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384",                  "",                                  Psk,      Psk,   Aria256Cbc,       Sha384, false, Tls10),
    (0xC066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256",              "",                                  DhePsk,   Psk,   Aria128Cbc,       Sha256, false, Tls10),
    (0xC067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384",              "",                                  DhePsk,   Psk,   Aria256Cbc,       Sha384, false, Tls10),
    (0xC068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256",              "",                                  RsaPsk,   Rsa,   Aria128Cbc,       Sha256, false, Tls10),
    (0xC069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384",              "",                                  RsaPsk,   Rsa,   Aria256Cbc,       Sha384, false, Tls10),
    (0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256",                  "PSK-ARIA128-GCM-SHA256",            Psk,      Psk,   Aria128Gcm,       Aead,   false, Tls12),
    (0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384",                  "PSK-ARIA256-GCM-SHA384",            Psk,      Psk,   Aria256Gcm,       Aead,   false, Tls12),
    (0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256",              "DHE-PSK-ARIA128-GCM-SHA256",        DhePsk,   Psk,   Aria128Gcm,       Aead,   false, Tls12),
    (0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384",              "DHE-PSK-ARIA256-GCM-SHA384",        DhePsk,   Psk,   Aria256Gcm,       Aead,   false, Tls12),
    (0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256",              "RSA-PSK-ARIA128-GCM-SHA256",        RsaPsk,   Rsa,   Aria128Gcm,       Aead,   false, Tls12),
    (0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384",              "RSA-PSK-ARIA256-GCM-SHA384",        RsaPsk,   Rsa,   Aria256Gcm,       Aead,   false, Tls12),
    (0xC070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256",            "",                                  EcdhePsk, Psk,   Aria128Cbc,       Sha256, false, Tls10),
    (0xC071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384",            "",                                  EcdhePsk, Psk,   Aria256Cbc,       Sha384, false, Tls10),
    (0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",      "ECDHE-ECDSA-CAMELLIA128-SHA256",    Ecdhe,    Ecdsa, Camellia128Cbc,   Sha256, false, Tls12),
    (0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",      "ECDHE-ECDSA-CAMELLIA256-SHA384",    Ecdhe,    Ecdsa, Camellia256Cbc,   Sha384, false, Tls12),
    (0xC074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",       "ECDH-ECDSA-CAMELLIA128-SHA256",     Ecdh,     Ecdh,  Camellia128Cbc,   Sha256, false, Tls12),
    (0xC075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",       "ECDH-ECDSA-CAMELLIA256-SHA384",     Ecdh,     Ecdh,  Camellia256Cbc,   Sha384, false, Tls12),
    (0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",        "ECDHE-RSA-CAMELLIA128-SHA256",      Ecdhe,    Rsa,   Camellia128Cbc,   Sha256, false, Tls12),
    (0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384",        "ECDHE-RSA-CAMELLIA256-SHA384",      Ecdhe,    Rsa,   Camellia256Cbc,   Sha384, false, Tls12),
    (0xC078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256",         "ECDH-RSA-CAMELLIA128-SHA256",       Ecdh,     Ecdh,  Camellia128Cbc,   Sha256, false, Tls12),
    (0xC079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384",         "ECDH-RSA-CAMELLIA256-SHA384",       Ecdh,     Ecdh,  Camellia256Cbc,   Sha384, false, Tls12),
    (0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256",              "",                                  Rsa,      Rsa,   Camellia128Gcm,   Aead,   false, Tls12),
    (0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384",              "",                                  Rsa,      Rsa,   Camellia256Gcm,   Aead,   false, Tls12),
    (0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256",          "",                                  Dhe,      Rsa,   Camellia128Gcm,   Aead,   false, Tls12),
    (0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384",          "",                                  Dhe,      Rsa,   Camellia256Gcm,   Aead,   false, Tls12),
    (0xC07E, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256",           "",                                  Dh,       Dh,    Camellia128Gcm,   Aead,   false, Tls12),
    (0xC07F, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384",           "",                                  Dh,       Dh,    Camellia256Gcm,   Aead,   false, Tls12),
    (0xC080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256",          "",                                  Dhe,      Dss,   Camellia128Gcm,   Aead,   false, Tls12),
    (0xC081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384",          "",                                  Dhe,      Dss,   Camellia256Gcm,   Aead,   false, Tls12),
    (0xC082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256",           "",                                  Dh,       Dh,    Camellia128Gcm,   Aead,   false, Tls12),
    (0xC083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384",           "",                                  Dh,       Dh,    Camellia256Gcm,   Aead,   false, Tls12),
    (0xC084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256",          "",                                  Dhe,      Anon,  Camellia128Gcm,   Aead,   false, Tls12),
    (0xC085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384",          "",                                  Dhe,      Anon,  Camellia256Gcm,   Aead,   false, Tls12),
    (0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256",      "",                                  Ecdhe,    Ecdsa, Camellia128Gcm,   Aead,   false, Tls12),
    (0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384",      "",                                  Ecdhe,    Ecdsa, Camellia256Gcm,   Aead,   false, Tls12),
    (0xC088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256",       "",                                  Ecdh,     Ecdh,  Camellia128Gcm,   Aead,   false, Tls12),
    (0xC089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384",       "",                                  Ecdh,     Ecdh,  Camellia256Gcm,   Aead,   false, Tls12),
    (0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256",        "",                                  Ecdhe,    Rsa,   Camellia128Gcm,   Aead,   false, Tls12),
    (0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384",        "",                                  Ecdhe,    Rsa,   Camellia256Gcm,   Aead,   false, Tls12),
    (0xC08C, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256",         "",                                  Ecdh,     Ecdh,  Camellia128Gcm,   Aead,   false, Tls12),
    (0xC08D, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384",         "",                                  Ecdh,     Ecdh,  Camellia256Gcm,   Aead,   false, Tls12),
    (0xC08E, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256",              "",                                  Psk,      Psk,   Camellia128Gcm,   Aead,   false, Tls12),
    (0xC08F, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384",              "",                                  Psk,      Psk,   Camellia256Gcm,   Aead,   false, Tls12),
    (0xC090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256",          "",                                  DhePsk,   Psk,   Camellia128Gcm,   Aead,   false, Tls12),
    (0xC091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384",          "",                                  DhePsk,   Psk,   Camellia256Gcm,   Aead,   false, Tls12),
    (0xC092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256",          "",                                  RsaPsk,   Rsa,   Camellia128Gcm,   Aead,   false, Tls12),
    (0xC093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384",          "",                                  RsaPsk,   Rsa,   Camellia256Gcm,   Aead,   false, Tls12),
    (0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256",              "PSK-CAMELLIA128-SHA256",            Psk,      Psk,   Camellia128Cbc,   Sha256, false, Tls10),
    (0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384",              "PSK-CAMELLIA256-SHA384",            Psk,      Psk,   Camellia256Cbc,   Sha384, false, Tls10),
    (0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256",          "DHE-PSK-CAMELLIA128-SHA256",        DhePsk,   Psk,   Camellia128Cbc,   Sha256, false, Tls10),
    (0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384",          "DHE-PSK-CAMELLIA256-SHA384",        DhePsk,   Psk,   Camellia256Cbc,   Sha384, false, Tls10),
    (0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256",          "RSA-PSK-CAMELLIA128-SHA256",        RsaPsk,   Rsa,   Camellia128Cbc,   Sha256, false, Tls10),
    (0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384",          "RSA-PSK-CAMELLIA256-SHA384",        RsaPsk,   Rsa,   Camellia256Cbc,   Sha384, false, Tls10),
    (0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256",        "ECDHE-PSK-CAMELLIA128-SHA256",      EcdhePsk, Psk,   Camellia128Cbc,   Sha256, false, Tls10),
    (0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384",        "ECDHE-PSK-CAMELLIA256-SHA384",      EcdhePsk, Psk,   Camellia256Cbc,   Sha384, false, Tls10),
    (0xC09C, "TLS_RSA_WITH_AES_128_CCM",                          "AES128-CCM",                        Rsa,      Rsa,   Aes128Ccm,        Aead,   false, Tls12),
    (0xC09D, "TLS_RSA_WITH_AES_256_CCM",                          "AES256-CCM",                        Rsa,      Rsa,   Aes256Ccm,        Aead,   false, Tls12),
    (0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM",                      "DHE-RSA-AES128-CCM",                Dhe,      Rsa,   Aes128Ccm,        Aead,   false, Tls12),
    (0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM",                      "DHE-RSA-AES256-CCM",                Dhe,      Rsa,   Aes256Ccm,        Aead,   false, Tls12),
    (0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8",                        "AES128-CCM8",                       Rsa,      Rsa,   Aes128Ccm8,       Aead,   false, Tls12),
    (0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8",                        "AES256-CCM8",                       Rsa,      Rsa,   Aes256Ccm8,       Aead,   false, Tls12),
    (0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8",                    "DHE-RSA-AES128-CCM8",               Dhe,      Rsa,   Aes128Ccm8,       Aead,   false, Tls12),
    (0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8",                    "DHE-RSA-AES256-CCM8",               Dhe,      Rsa,   Aes256Ccm8,       Aead,   false, Tls12),
    (0xC0A4, "TLS_PSK_WITH_AES_128_CCM",                          "PSK-AES128-CCM",                    Psk,      Psk,   Aes128Ccm,        Aead,   false, Tls12),
    (0xC0A5, "TLS_PSK_WITH_AES_256_CCM",                          "PSK-AES256-CCM",                    Psk,      Psk,   Aes256Ccm,        Aead,   false, Tls12),
    (0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM",                      "DHE-PSK-AES128-CCM",                DhePsk,   Psk,   Aes128Ccm,        Aead,   false, Tls12),
    (0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM",                      "DHE-PSK-AES256-CCM",                DhePsk,   Psk,   Aes256Ccm,        Aead,   false, Tls12),
    (0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8",                        "PSK-AES128-CCM8",                   Psk,      Psk,   Aes128Ccm8,       Aead,   false, Tls12),
    (0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8",                        "PSK-AES256-CCM8",                   Psk,      Psk,   Aes256Ccm8,       Aead,   false, Tls12),
    (0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8",                    "DHE-PSK-AES128-CCM8",               DhePsk,   Psk,   Aes128Ccm8,       Aead,   false, Tls12),
    (0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8",                    "DHE-PSK-AES256-CCM8",               DhePsk,   Psk,   Aes256Ccm8,       Aead,   false, Tls12),
    (0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",                  "ECDHE-ECDSA-AES128-CCM",            Ecdhe,    Ecdsa, Aes128Ccm,        Aead,   false, Tls12),
    (0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",                  "ECDHE-ECDSA-AES256-CCM",            Ecdhe,    Ecdsa, Aes256Ccm,        Aead,   false, Tls12),
    (0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",                "ECDHE-ECDSA-AES128-CCM8",           Ecdhe,    Ecdsa, Aes128Ccm8,       Aead,   false, Tls12),
    (0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8",                "ECDHE-ECDSA-AES256-CCM8",           Ecdhe,    Ecdsa, Aes256Ccm8,       Aead,   false, Tls12),
    (0xCC13, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD",   "ECDHE-RSA-CHACHA20-POLY1305-OLD",   Ecdhe,    Rsa,   ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCC14, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD", "ECDHE-ECDSA-CHACHA20-POLY1305-OLD", Ecdhe,    Ecdsa, ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCC15, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD",     "DHE-RSA-CHACHA20-POLY1305-OLD",     Dhe,      Rsa,   ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",       "ECDHE-RSA-CHACHA20-POLY1305",       Ecdhe,    Rsa,   ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",     "ECDHE-ECDSA-CHACHA20-POLY1305",     Ecdhe,    Ecdsa, ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",         "DHE-RSA-CHACHA20-POLY1305",         Dhe,      Rsa,   ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256",             "PSK-CHACHA20-POLY1305",             Psk,      Psk,   ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",       "ECDHE-PSK-CHACHA20-POLY1305",       EcdhePsk, Psk,   ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256",         "DHE-PSK-CHACHA20-POLY1305",         DhePsk,   Psk,   ChaCha20Poly1305, Aead,   false, Tls12),
    (0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256",         "RSA-PSK-CHACHA20-POLY1305",         RsaPsk,   Rsa,   ChaCha20Poly1305, Aead,   false, Tls12),
    (0xD001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256",             "",                                  EcdhePsk, Psk,   Aes128Gcm,        Aead,   false, Tls12),
    (0xD002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384",             "",                                  EcdhePsk, Psk,   Aes256Gcm,        Aead,   false, Tls12),
    (0xD003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256",           "",                                  EcdhePsk, Psk,   Aes128Ccm8,       Aead,   false, Tls12),
    (0xD005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256",             "",                                  EcdhePsk, Psk,   Aes128Ccm,        Aead,   false, Tls12),
    (0xFEFE, "SSL_RSA_FIPS_WITH_DES_CBC_SHA",                     "",                                  Rsa,      Rsa,   Des,              Sha1,   false, Ssl3),
    (0xFEFF, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA",                "",                                  Rsa,      Rsa,   TripleDes,        Sha1,   false, Ssl3),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(id: u16) -> &'static Suite {
        match by_id(id) {
            Some(s) => s,
            None => panic!("no suite {id:#06x}"),
        }
    }

    #[test]
    fn sorted_by_id_and_unique() {
        for pair in SUITES.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{:#06x} then {:#06x}",
                pair[0].id,
                pair[1].id
            );
        }
        assert!(SUITES.len() >= 300, "only {} suites", SUITES.len());
    }

    #[test]
    fn every_suite_is_found_by_id_and_by_both_names() {
        for s in SUITES {
            assert_eq!(by_id(s.id), Some(s));
            assert_eq!(by_name(s.name).map(|f| f.id), Some(s.id), "{}", s.name);
            if !s.openssl_name.is_empty() {
                let found = by_name(s.openssl_name).map(|f| f.id);
                assert_eq!(found, Some(s.id), "{}", s.openssl_name);
            }
        }
    }

    #[test]
    fn signalling_values_are_not_suites() {
        assert_eq!(by_id(TLS_EMPTY_RENEGOTIATION_INFO_SCSV), None);
        assert_eq!(by_id(TLS_FALLBACK_SCSV), None);
        assert_eq!(by_id(0x0000), None);
        assert!(is_grease(0x0A0A) && is_grease(0x5A5A) && is_grease(0xFAFA));
        assert!(!is_grease(0x0A1A) && !is_grease(0xC02F) && !is_grease(0x1301));
        assert!(SUITES.iter().all(|s| !is_grease(s.id)));
    }

    #[test]
    fn rsa_aes128_cbc_sha() {
        let s = suite(0x002F);
        assert_eq!(s.name, "TLS_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(s.openssl_name, "AES128-SHA");
        assert_eq!(
            (s.kx, s.auth, s.cipher, s.mac),
            (Kx::Rsa, Auth::Rsa, Cipher::Aes128Cbc, Mac::Sha1)
        );
        assert_eq!(s.bits, 128);
        assert!(!s.forward_secrecy() && !s.aead() && !s.export);
        assert_eq!(s.block_bits(), Some(128));
        assert_eq!(s.min_protocol, Protocol::Ssl3);
    }

    #[test]
    fn ecdhe_rsa_aes128_gcm() {
        let s = suite(0xC02F);
        assert_eq!(s.name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(s.openssl_name, "ECDHE-RSA-AES128-GCM-SHA256");
        assert_eq!((s.kx, s.auth, s.mac), (Kx::Ecdhe, Auth::Rsa, Mac::Aead));
        assert!(s.forward_secrecy() && s.aead());
        assert_eq!(s.min_protocol, Protocol::Tls12);
        assert!(!s.usable_with(Protocol::Tls11) && s.usable_with(Protocol::Tls12));
        assert!(!s.usable_with(Protocol::Tls13));
    }

    #[test]
    fn triple_des_counts_112_bits_with_64_bit_blocks() {
        let s = suite(0x000A);
        assert_eq!(s.name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assert_eq!(s.openssl_name, "DES-CBC3-SHA");
        assert_eq!(
            (s.cipher, s.bits, s.block_bits()),
            (Cipher::TripleDes, 112, Some(64))
        );
        for id in [0x0007, 0x0006, 0x0009, 0xC012] {
            assert_eq!(suite(id).block_bits(), Some(64), "{id:#06x}");
        }
    }

    #[test]
    fn rc4_and_chacha_are_stream_ciphers() {
        let s = suite(0x0005);
        assert_eq!(
            (s.name, s.openssl_name),
            ("TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA")
        );
        assert_eq!(
            (s.cipher, s.bits, s.block_bits()),
            (Cipher::Rc4_128, 128, None)
        );
        assert_eq!(suite(0xCCA8).block_bits(), None);
        assert!(suite(0xCCA8).aead());
    }

    #[test]
    fn tls13_suites() {
        let s = suite(0x1301);
        assert_eq!(
            (s.name, s.openssl_name),
            ("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256")
        );
        assert_eq!(
            (s.kx, s.auth, s.min_protocol),
            (Kx::Tls13, Auth::Tls13, Protocol::Tls13)
        );
        assert!(s.forward_secrecy() && s.aead());
        assert!(!s.usable_with(Protocol::Tls12) && s.usable_with(Protocol::Tls13));
        assert_eq!(suite(0x1303).bits, 256);
        assert_eq!(suite(0x1305).cipher, Cipher::Aes128Ccm8);
    }

    #[test]
    fn export_suites_are_flagged_and_weak() {
        for s in SUITES {
            assert_eq!(s.export, s.name.contains("_EXPORT"), "{}", s.name);
            if s.export {
                assert!(s.bits <= 56, "{}", s.name);
            }
        }
        let exp = suite(0x0003);
        assert_eq!((exp.openssl_name, exp.bits), ("EXP-RC4-MD5", 40));
        assert_eq!((suite(0x0014).kx, suite(0x0014).bits), (Kx::Dhe, 40));
        assert_eq!(
            (suite(0x0062).cipher, suite(0x0062).bits),
            (Cipher::Des, 56)
        );
        assert!(suite(0x0062).export && !suite(0x0009).export);
    }

    #[test]
    fn names_agree_with_properties() {
        for s in SUITES {
            let n = s.name;
            assert_eq!(s.is_anonymous(), n.contains("_anon_"), "{n}");
            assert_eq!(s.is_null(), n.contains("_WITH_NULL_"), "{n}");
            assert_eq!(s.is_null(), s.bits == 0, "{n}");
            // IANA spells 0xC0AA/0xC0AB `TLS_PSK_DHE_`: they are DHE_PSK suites.
            let ephemeral = [
                "TLS_DHE_",
                "TLS_PSK_DHE_",
                "TLS_ECDHE_",
                "TLS_DH_anon_",
                "TLS_ECDH_anon_",
            ]
            .iter()
            .any(|p| n.starts_with(p))
                || s.kx == Kx::Tls13;
            assert_eq!(s.forward_secrecy(), ephemeral, "{n}");
            assert_eq!(s.aead(), s.mac == Mac::Aead, "{n}");
            let rsa_cert =
                n.starts_with("TLS_RSA_") || n.contains("E_RSA_") || n.contains("SRP_SHA_RSA");
            if rsa_cert {
                assert_eq!(s.auth, Auth::Rsa, "{n}");
            }
        }
    }

    #[test]
    fn oldest_protocol_follows_the_rules() {
        let psk = [Kx::Psk, Kx::DhePsk, Kx::EcdhePsk, Kx::RsaPsk];
        for s in SUITES {
            let want = if s.kx == Kx::Tls13 {
                Protocol::Tls13
            } else if s.aead() {
                Protocol::Tls12
            } else if matches!(s.mac, Mac::Sha256 | Mac::Sha384) {
                if psk.contains(&s.kx) {
                    Protocol::Tls10
                } else {
                    Protocol::Tls12
                }
            } else {
                Protocol::Ssl3
            };
            assert_eq!(s.min_protocol, want, "{}", s.name);
        }
    }

    #[test]
    fn by_name_reads_both_schemes_and_old_spellings() {
        let id = |n: &str| by_name(n).map(|s| s.id);
        assert_eq!(id("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), Some(0xC02F));
        assert_eq!(id("ECDHE-RSA-AES128-GCM-SHA256"), Some(0xC02F));
        assert_eq!(id("ecdhe-rsa-aes128-gcm-sha256"), Some(0xC02F));
        assert_eq!(id(" AES128-SHA "), Some(0x002F));
        assert_eq!(id("EDH-RSA-DES-CBC3-SHA"), Some(0x0016));
        assert_eq!(id("EXP-EDH-DSS-DES-CBC-SHA"), Some(0x0011));
        assert_eq!(id("SSL_RSA_WITH_RC4_128_MD5"), Some(0x0004));
        assert_eq!(id("SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA"), Some(0xFEFF));
        assert_eq!(id("TLS_AES_256_GCM_SHA384"), Some(0x1302));
        assert_eq!(id("ECDHE-ARIA128-GCM-SHA256"), Some(0xC060));
        assert_eq!(id(""), None);
        assert_eq!(id("SSL_"), None);
        assert_eq!(id("NOT-A-SUITE"), None);
        assert_eq!(id("EDH-"), None);
        assert_eq!(id("é"), None);
    }

    #[test]
    fn probe_lists_per_protocol() {
        let ssl3 = probe_list(Protocol::Ssl3);
        let tls10 = probe_list(Protocol::Tls10);
        let tls11 = probe_list(Protocol::Tls11);
        let tls12 = probe_list(Protocol::Tls12);
        let tls13 = probe_list(Protocol::Tls13);
        // Sizes pin the table: adding a suite means updating them on purpose.
        assert_eq!(
            [
                ssl3.len(),
                tls10.len(),
                tls11.len(),
                tls12.len(),
                tls13.len()
            ],
            [134, 166, 166, 339, 5]
        );
        assert_eq!(tls13, [0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);
        assert_eq!(tls10, tls11);
        assert!(ssl3.iter().all(|id| tls10.contains(id)));
        assert!(tls10.iter().all(|id| tls12.contains(id)));
        for id in &tls11 {
            let s = suite(*id);
            assert!(!s.aead() && s.min_protocol <= Protocol::Tls11, "{}", s.name);
        }
        assert!(tls12.contains(&0xC02F) && !tls11.contains(&0xC02F));
        assert!(
            tls12.contains(&0x0003),
            "export suites are probed under TLS 1.2"
        );
        assert!(!tls12.contains(&0x1301) && !tls13.contains(&0x00C6));
        for list in [&ssl3, &tls10, &tls12, &tls13] {
            assert!(!list.contains(&TLS_EMPTY_RENEGOTIATION_INFO_SCSV));
            assert!(!list.contains(&TLS_FALLBACK_SCSV));
        }
    }

    #[test]
    fn evidence_entries() {
        let e = suite(0xC02F).evidence(Protocol::Tls12, None);
        assert_eq!(e.name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!((e.protocol, e.kx.as_str()), (Protocol::Tls12, "ECDHE"));
        assert!(e.forward_secrecy && e.aead);
        assert_eq!(e.bits, 128);

        let e = suite(0x002F).evidence(Protocol::Tls10, None);
        assert_eq!(
            (e.kx.as_str(), e.forward_secrecy, e.aead),
            ("RSA", false, false)
        );
        assert_eq!(suite(0x009E).kx_label(None), "DHE");
        assert_eq!(suite(0x00AA).kx_label(None), "DHE_PSK");
        assert_eq!(suite(0xC031).kx_label(None), "ECDH");

        let t = suite(0x1301);
        assert_eq!(t.evidence(Protocol::Tls13, Some(29)).kx, "ECDHE");
        assert_eq!(t.evidence(Protocol::Tls13, Some(0x0100)).kx, "DHE");
        assert_eq!(t.evidence(Protocol::Tls13, Some(0x11EC)).kx, "ECDHE");
        assert_eq!(t.evidence(Protocol::Tls13, Some(0x0201)).kx, "MLKEM");
        assert_eq!(t.evidence(Protocol::Tls13, None).kx, "ECDHE");
        assert!(t.evidence(Protocol::Tls13, None).forward_secrecy);

        let null = suite(0x0002).evidence(Protocol::Ssl3, None);
        assert_eq!((null.bits, null.aead), (0, false));
    }
}
