//! TLS on the wire: hand-built ClientHello messages and a strict parser for what a server
//! sends back (records, ServerHello, Certificate, ServerKeyExchange, Alert).
//!
//! rustls cannot speak SSL 3.0, TLS 1.0 with export suites or any suite it considers
//! weak, yet those are exactly what a grade must find. So, like testssl.sh and sslscan,
//! assay writes its own ClientHello and reads the reply itself, without completing the
//! handshake. The reply comes from a stranger: every read goes through [`Reader`], which
//! never reads past its slice, every length is checked against a maximum before anything
//! is allocated, and every error names the field that was wrong.

use std::fmt;

/// Largest record body a peer may send (TLSCiphertext: 2^14 + 2048).
pub const MAX_RECORD: usize = 16384 + 2048;
/// Largest handshake message we accept (a long certificate chain fits in 64 KiB; more is hostile).
pub const MAX_HANDSHAKE: usize = 64 * 1024;
/// Most bytes one reply may take in total: a server that keeps talking without finishing
/// its flight is cut off here, whatever the time limit says.
pub const MAX_REPLY: usize = 256 * 1024;

/// Why a reply could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The bytes ended inside a field.
    #[error("truncated: missing data for {0}")]
    MissingData(&'static str),
    /// Bytes were left over after a structure that should have used them all.
    #[error("trailing data after {0}")]
    TrailingData(&'static str),
    /// A length field exceeded what the protocol (or our limit) allows.
    #[error("{field} length {len} exceeds the maximum {max}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// The length the peer claimed.
        len: usize,
        /// The maximum allowed.
        max: usize,
    },
    /// A value that cannot appear here.
    #[error("invalid {field}: {value}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What was found.
        value: String,
    },
}

/// A cursor over borrowed bytes. `take` and `sub` return `None`/errors instead of reading
/// past the end, so a lying length prefix can never read outside its own section.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    /// Bytes not yet read.
    pub fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.left() == 0
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], WireError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(WireError::MissingData(field))?;
        let s = self
            .buf
            .get(self.pos..end)
            .ok_or(WireError::MissingData(field))?;
        self.pos = end;
        Ok(s)
    }

    /// The rest of the bytes.
    pub fn rest(&mut self) -> &'a [u8] {
        let s = self.buf.get(self.pos..).unwrap_or(&[]);
        self.pos = self.buf.len();
        s
    }

    /// One byte.
    pub fn u8(&mut self, field: &'static str) -> Result<u8, WireError> {
        Ok(self.take(1, field)?[0])
    }

    /// A big-endian u16.
    pub fn u16(&mut self, field: &'static str) -> Result<u16, WireError> {
        let b = self.take(2, field)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// A big-endian u24.
    pub fn u24(&mut self, field: &'static str) -> Result<usize, WireError> {
        let b = self.take(3, field)?;
        Ok((usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2]))
    }

    /// A reader over exactly the next `len` bytes, after checking `len <= max`.
    pub fn sub(
        &mut self,
        len: usize,
        max: usize,
        field: &'static str,
    ) -> Result<Reader<'a>, WireError> {
        if len > max {
            return Err(WireError::TooLong { field, len, max });
        }
        Ok(Reader::new(self.take(len, field)?))
    }

    /// A vector with a one-byte length prefix.
    pub fn vec8(&mut self, max: usize, field: &'static str) -> Result<Reader<'a>, WireError> {
        let len = usize::from(self.u8(field)?);
        self.sub(len, max, field)
    }

    /// A vector with a two-byte length prefix.
    pub fn vec16(&mut self, max: usize, field: &'static str) -> Result<Reader<'a>, WireError> {
        let len = usize::from(self.u16(field)?);
        self.sub(len, max, field)
    }

    /// A vector with a three-byte length prefix.
    pub fn vec24(&mut self, max: usize, field: &'static str) -> Result<Reader<'a>, WireError> {
        let len = self.u24(field)?;
        self.sub(len, max, field)
    }

    /// Fails if anything is left.
    pub fn expect_end(&self, field: &'static str) -> Result<(), WireError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(WireError::TrailingData(field))
        }
    }
}

/// Record content types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentType {
    /// change_cipher_spec (20).
    ChangeCipherSpec,
    /// alert (21).
    Alert,
    /// handshake (22).
    Handshake,
    /// application_data (23).
    ApplicationData,
}

impl ContentType {
    fn from_u8(v: u8) -> Option<ContentType> {
        match v {
            20 => Some(ContentType::ChangeCipherSpec),
            21 => Some(ContentType::Alert),
            22 => Some(ContentType::Handshake),
            23 => Some(ContentType::ApplicationData),
            _ => None,
        }
    }
}

/// One record: its type, the version in its header, and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// Content type.
    pub content_type: ContentType,
    /// Version from the record header.
    pub version: u16,
    /// The fragment.
    pub body: &'a [u8],
}

/// Parses one record from the start of `buf`. `Ok(None)` means more bytes are needed;
/// the `usize` is how many bytes the record used.
pub fn parse_record(buf: &[u8]) -> Result<Option<(Record<'_>, usize)>, WireError> {
    if buf.len() < 5 {
        return Ok(None);
    }
    let mut r = Reader::new(buf);
    let ct = r.u8("record type")?;
    let content_type = ContentType::from_u8(ct).ok_or(WireError::Invalid {
        field: "record type",
        value: format!("{ct} (not a TLS record: the peer may not speak TLS)"),
    })?;
    let version = r.u16("record version")?;
    if version >> 8 != 3 {
        return Err(WireError::Invalid {
            field: "record version",
            value: format!("{version:#06x}"),
        });
    }
    let len = usize::from(r.u16("record length")?);
    if len > MAX_RECORD {
        return Err(WireError::TooLong {
            field: "record",
            len,
            max: MAX_RECORD,
        });
    }
    if r.left() < len {
        return Ok(None);
    }
    let body = r.take(len, "record body")?;
    Ok(Some((
        Record {
            content_type,
            version,
            body,
        },
        5 + len,
    )))
}

/// Alert descriptions that matter to a prober.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    /// 1 = warning, 2 = fatal.
    pub level: u8,
    /// The description code (40 = handshake_failure, 70 = protocol_version, …).
    pub description: u8,
}

impl Alert {
    /// Parses an alert record body.
    pub fn parse(body: &[u8]) -> Result<Alert, WireError> {
        let mut r = Reader::new(body);
        let a = Alert {
            level: r.u8("alert level")?,
            description: r.u8("alert description")?,
        };
        r.expect_end("alert")?;
        Ok(a)
    }

    /// The RFC name of the description.
    pub fn name(self) -> &'static str {
        match self.description {
            0 => "close_notify",
            10 => "unexpected_message",
            20 => "bad_record_mac",
            22 => "record_overflow",
            40 => "handshake_failure",
            42 => "bad_certificate",
            47 => "illegal_parameter",
            50 => "decode_error",
            51 => "decrypt_error",
            70 => "protocol_version",
            71 => "insufficient_security",
            80 => "internal_error",
            86 => "inappropriate_fallback",
            90 => "user_canceled",
            109 => "missing_extension",
            112 => "unrecognized_name",
            _ => "other",
        }
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} alert {} ({})",
            if self.level == 2 { "fatal" } else { "warning" },
            self.description,
            self.name()
        )
    }
}

/// Handshake message types we read.
pub mod hs {
    /// ServerHello (also HelloRetryRequest in TLS 1.3).
    pub const SERVER_HELLO: u8 = 2;
    /// Certificate.
    pub const CERTIFICATE: u8 = 11;
    /// ServerKeyExchange.
    pub const SERVER_KEY_EXCHANGE: u8 = 12;
    /// CertificateRequest.
    pub const CERTIFICATE_REQUEST: u8 = 13;
    /// ServerHelloDone.
    pub const SERVER_HELLO_DONE: u8 = 14;
    /// CertificateStatus (OCSP stapling).
    pub const CERTIFICATE_STATUS: u8 = 22;
}

/// Joins handshake records into whole handshake messages: a message may span records and
/// a record may hold several messages. The buffer is bounded by [`MAX_HANDSHAKE`].
#[derive(Debug, Default)]
pub struct HandshakeJoiner {
    buf: Vec<u8>,
}

impl HandshakeJoiner {
    /// Adds the body of a handshake record.
    pub fn push(&mut self, body: &[u8]) -> Result<(), WireError> {
        if self.buf.len() + body.len() > MAX_HANDSHAKE + 4 {
            return Err(WireError::TooLong {
                field: "handshake data",
                len: self.buf.len() + body.len(),
                max: MAX_HANDSHAKE,
            });
        }
        self.buf.extend_from_slice(body);
        Ok(())
    }

    /// The next complete message `(type, body)`, if one is buffered.
    pub fn next_message(&mut self) -> Result<Option<(u8, Vec<u8>)>, WireError> {
        if self.buf.len() < 4 {
            return Ok(None);
        }
        let mut r = Reader::new(&self.buf);
        let typ = r.u8("handshake type")?;
        let len = r.u24("handshake length")?;
        if len > MAX_HANDSHAKE {
            return Err(WireError::TooLong {
                field: "handshake message",
                len,
                max: MAX_HANDSHAKE,
            });
        }
        if r.left() < len {
            return Ok(None);
        }
        let body = r.take(len, "handshake body")?.to_vec();
        self.buf.drain(..4 + len);
        Ok(Some((typ, body)))
    }
}

/// Extension numbers we send or read.
pub mod ext {
    /// server_name (SNI).
    pub const SERVER_NAME: u16 = 0;
    /// supported_groups (elliptic_curves).
    pub const SUPPORTED_GROUPS: u16 = 10;
    /// ec_point_formats.
    pub const EC_POINT_FORMATS: u16 = 11;
    /// signature_algorithms.
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    /// extended_master_secret.
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    /// supported_versions (TLS 1.3).
    pub const SUPPORTED_VERSIONS: u16 = 43;
    /// key_share (TLS 1.3).
    pub const KEY_SHARE: u16 = 51;
    /// renegotiation_info (RFC 5746).
    pub const RENEGOTIATION_INFO: u16 = 0xff01;
}

/// The random value that marks a ServerHello as a TLS 1.3 HelloRetryRequest.
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// A parsed ServerHello (or HelloRetryRequest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// The negotiated version: `supported_versions` if present, else the legacy field.
    pub version: u16,
    /// The chosen cipher suite.
    pub cipher_suite: u16,
    /// The chosen compression method (anything but 0 is CRIME-prone).
    pub compression: u8,
    /// Whether this is a TLS 1.3 HelloRetryRequest.
    pub retry_request: bool,
    /// The key-exchange group the server selected (TLS 1.3 key_share), if any.
    pub group: Option<u16>,
    /// Whether the server sent renegotiation_info (secure renegotiation supported).
    pub secure_renegotiation: bool,
    /// Extension numbers the server sent, in order.
    pub extensions: Vec<u16>,
}

impl ServerHello {
    /// Parses a ServerHello body.
    pub fn parse(body: &[u8]) -> Result<ServerHello, WireError> {
        let mut r = Reader::new(body);
        let legacy_version = r.u16("server_version")?;
        let random = r.take(32, "random")?;
        let _session_id = r.vec8(32, "session_id")?;
        let cipher_suite = r.u16("cipher_suite")?;
        let compression = r.u8("compression_method")?;
        let retry_request = random == HELLO_RETRY_REQUEST_RANDOM;
        let mut hello = ServerHello {
            version: legacy_version,
            cipher_suite,
            compression,
            retry_request,
            group: None,
            secure_renegotiation: false,
            extensions: Vec::new(),
        };
        // SSL 3.0 and some old servers send no extensions block at all.
        if r.is_empty() {
            return Ok(hello);
        }
        let mut exts = r.vec16(usize::from(u16::MAX), "extensions")?;
        r.expect_end("ServerHello")?;
        while !exts.is_empty() {
            let typ = exts.u16("extension type")?;
            let mut data = exts.vec16(usize::from(u16::MAX), "extension data")?;
            if hello.extensions.contains(&typ) {
                return Err(WireError::Invalid {
                    field: "extensions",
                    value: format!("extension {typ} sent twice"),
                });
            }
            hello.extensions.push(typ);
            match typ {
                ext::SUPPORTED_VERSIONS => {
                    hello.version = data.u16("supported_versions")?;
                    data.expect_end("supported_versions")?;
                }
                ext::KEY_SHARE => {
                    // ServerHello: group + key; HelloRetryRequest: group only.
                    hello.group = Some(data.u16("key_share group")?);
                }
                ext::RENEGOTIATION_INFO => hello.secure_renegotiation = true,
                _ => {}
            }
        }
        Ok(hello)
    }
}

/// The certificates of a TLS ≤ 1.2 Certificate message, leaf first, as DER.
pub fn parse_certificates(body: &[u8]) -> Result<Vec<Vec<u8>>, WireError> {
    let mut r = Reader::new(body);
    let mut list = r.vec24(MAX_HANDSHAKE, "certificate_list")?;
    r.expect_end("Certificate")?;
    let mut out = Vec::new();
    while !list.is_empty() {
        let cert = list.vec24(MAX_HANDSHAKE, "certificate")?;
        if cert.left() == 0 {
            return Err(WireError::Invalid {
                field: "certificate",
                value: "empty".into(),
            });
        }
        out.push(cert.buf[cert.pos..].to_vec());
        if out.len() > 32 {
            return Err(WireError::TooLong {
                field: "certificate chain",
                len: out.len(),
                max: 32,
            });
        }
    }
    Ok(out)
}

/// What a ServerKeyExchange tells about the ephemeral key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyExchangeParams {
    /// Finite-field DH with a prime of this many bits.
    Dh {
        /// Bit length of the prime p.
        prime_bits: u32,
    },
    /// Elliptic-curve DH on a named group.
    Ecdh {
        /// The named group (23 = secp256r1, 29 = x25519, …).
        group: u16,
    },
}

/// Parses the parameters at the start of a ServerKeyExchange (the signature after them
/// is not needed to grade and is not read). `ecdhe` says which layout the chosen suite uses.
pub fn parse_server_key_exchange(body: &[u8], ecdhe: bool) -> Result<KeyExchangeParams, WireError> {
    let mut r = Reader::new(body);
    if ecdhe {
        let curve_type = r.u8("curve_type")?;
        if curve_type != 3 {
            return Err(WireError::Invalid {
                field: "curve_type",
                value: format!("{curve_type} (only named curves are in use)"),
            });
        }
        let group = r.u16("named_curve")?;
        let _point = r.vec8(255, "ec point")?;
        Ok(KeyExchangeParams::Ecdh { group })
    } else {
        let p = r.vec16(usize::from(u16::MAX), "dh_p")?;
        let _g = r.vec16(usize::from(u16::MAX), "dh_g")?;
        let _ys = r.vec16(usize::from(u16::MAX), "dh_Ys")?;
        let p = p.buf.get(p.pos..).unwrap_or(&[]);
        Ok(KeyExchangeParams::Dh {
            prime_bits: bit_length(p),
        })
    }
}

/// The bit length of a big-endian unsigned integer (leading zero bytes ignored).
pub fn bit_length(n: &[u8]) -> u32 {
    let n = match n.iter().position(|b| *b != 0) {
        Some(i) => &n[i..],
        None => return 0,
    };
    let top = n[0];
    (n.len() as u32 - 1) * 8 + (8 - top.leading_zeros())
}

/// Named groups: id, name, size in bits (RSA-comparable strength is the grader's business).
pub const GROUPS: &[(u16, &str, u32)] = &[
    (23, "secp256r1", 256),
    (24, "secp384r1", 384),
    (25, "secp521r1", 521),
    (29, "x25519", 253),
    (30, "x448", 448),
    (21, "secp224r1", 224),
    (22, "secp256k1", 256),
    (19, "secp192r1", 192),
    (256, "ffdhe2048", 2048),
    (257, "ffdhe3072", 3072),
    (258, "ffdhe4096", 4096),
];

/// A group's name and size.
pub fn group(id: u16) -> Option<(&'static str, u32)> {
    GROUPS.iter().find(|g| g.0 == id).map(|g| (g.1, g.2))
}

/// What to put in a ClientHello.
#[derive(Debug, Clone)]
pub struct ClientHello<'a> {
    /// The version to offer (`0x0300`…`0x0304`). For TLS 1.3 the legacy field says TLS 1.2
    /// and `supported_versions` carries 1.3 only.
    pub version: u16,
    /// Cipher suite ids, in preference order.
    pub suites: &'a [u16],
    /// Host name for SNI (left out for IP addresses and SSL 3.0).
    pub sni: Option<&'a str>,
    /// Named groups to offer.
    pub groups: &'a [u16],
    /// 32 random bytes (the caller's, so tests are reproducible).
    pub random: [u8; 32],
    /// An x25519 public key for the TLS 1.3 key_share.
    pub x25519_share: [u8; 32],
}

impl ClientHello<'_> {
    /// The record (header included) carrying this ClientHello.
    pub fn to_record(&self) -> Vec<u8> {
        let tls13 = self.version >= 0x0304;
        let legacy = if tls13 { 0x0303 } else { self.version };
        let mut body = Vec::with_capacity(512);
        body.extend_from_slice(&legacy.to_be_bytes());
        body.extend_from_slice(&self.random);
        if tls13 {
            // Middlebox compatibility: TLS 1.3 clients send a 32-byte legacy session id.
            body.push(32);
            body.extend_from_slice(&self.random);
        } else {
            body.push(0);
        }
        let mut suites: Vec<u16> = self.suites.to_vec();
        if !tls13 && self.version >= 0x0301 {
            suites.push(0x00ff); // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
        }
        push_u16(&mut body, (suites.len() * 2) as u16);
        for s in &suites {
            body.extend_from_slice(&s.to_be_bytes());
        }
        body.extend_from_slice(&[1, 0]); // compression: null only
        if self.version >= 0x0301 {
            let mut exts = Vec::new();
            if let Some(host) = self.sni {
                let name = host.as_bytes();
                let mut list = Vec::new();
                list.push(0); // host_name
                push_u16(&mut list, name.len() as u16);
                list.extend_from_slice(name);
                let mut data = Vec::new();
                push_u16(&mut data, list.len() as u16);
                data.extend_from_slice(&list);
                push_ext(&mut exts, ext::SERVER_NAME, &data);
            }
            if !self.groups.is_empty() {
                let mut data = Vec::new();
                push_u16(&mut data, (self.groups.len() * 2) as u16);
                for g in self.groups {
                    data.extend_from_slice(&g.to_be_bytes());
                }
                push_ext(&mut exts, ext::SUPPORTED_GROUPS, &data);
                push_ext(&mut exts, ext::EC_POINT_FORMATS, &[1, 0]);
            }
            if self.version >= 0x0303 {
                // ecdsa and rsa-pss/pkcs1 with sha256/384/512, ed25519, and sha1 for old servers.
                let algs: [u16; 11] = [
                    0x0403, 0x0503, 0x0603, 0x0807, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
                    0x0201,
                ];
                let mut data = Vec::new();
                push_u16(&mut data, (algs.len() * 2) as u16);
                for a in algs {
                    data.extend_from_slice(&a.to_be_bytes());
                }
                push_ext(&mut exts, ext::SIGNATURE_ALGORITHMS, &data);
                push_ext(&mut exts, ext::EXTENDED_MASTER_SECRET, &[]);
            }
            if tls13 {
                push_ext(&mut exts, ext::SUPPORTED_VERSIONS, &[2, 0x03, 0x04]);
                // A key share only for x25519, and only when it is offered: asking for
                // one group that has no share makes a server that supports it answer
                // with a HelloRetryRequest naming it, which is how groups are probed.
                let mut share = Vec::new();
                if self.groups.contains(&29) {
                    share.extend_from_slice(&29u16.to_be_bytes());
                    push_u16(&mut share, 32);
                    share.extend_from_slice(&self.x25519_share);
                }
                let mut data = Vec::new();
                push_u16(&mut data, share.len() as u16);
                data.extend_from_slice(&share);
                push_ext(&mut exts, ext::KEY_SHARE, &data);
            } else {
                push_ext(&mut exts, ext::RENEGOTIATION_INFO, &[0]);
            }
            push_u16(&mut body, exts.len() as u16);
            body.extend_from_slice(&exts);
        }
        let mut hs = Vec::with_capacity(body.len() + 4);
        hs.push(1); // client_hello
        let len = body.len();
        hs.extend_from_slice(&[(len >> 16) as u8, (len >> 8) as u8, len as u8]);
        hs.extend_from_slice(&body);
        let mut rec = Vec::with_capacity(hs.len() + 5);
        rec.push(22);
        // Record version: TLS 1.0 for every hello above SSL 3.0, as real clients do, so
        // intolerant servers still answer.
        rec.extend_from_slice(
            &(if self.version == 0x0300 {
                0x0300u16
            } else {
                0x0301u16
            })
            .to_be_bytes(),
        );
        push_u16(&mut rec, hs.len() as u16);
        rec.extend_from_slice(&hs);
        rec
    }
}

fn push_u16(v: &mut Vec<u8>, n: u16) {
    v.extend_from_slice(&n.to_be_bytes());
}

fn push_ext(v: &mut Vec<u8>, typ: u16, data: &[u8]) {
    push_u16(v, typ);
    push_u16(v, data.len() as u16);
    v.extend_from_slice(data);
}

/// Everything a server said in reply to one ClientHello, up to ServerHelloDone, an alert
/// or the end of what we read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// The ServerHello, if one came.
    pub hello: Option<ServerHello>,
    /// DER certificates (TLS ≤ 1.2 only; TLS 1.3 encrypts them).
    pub certificates: Vec<Vec<u8>>,
    /// The ServerKeyExchange body, if one came.
    pub key_exchange: Option<Vec<u8>>,
    /// The alert, if the server sent one.
    pub alert: Option<Alert>,
    /// Whether ServerHelloDone (or, for TLS 1.3, the ServerHello itself) ended the flight.
    pub complete: bool,
}

/// Parses a server's reply bytes incrementally. Feed it everything read so far with
/// [`ReplyParser::feed`]; it says when it has seen enough.
#[derive(Debug, Default)]
pub struct ReplyParser {
    buf: Vec<u8>,
    total: usize,
    joiner: HandshakeJoiner,
    reply: Reply,
}

impl ReplyParser {
    /// A parser for one reply.
    pub fn new() -> ReplyParser {
        ReplyParser::default()
    }

    /// Adds bytes from the socket. Returns `Ok(true)` once the reply is complete (a
    /// ServerHelloDone, a TLS 1.3 ServerHello, or an alert).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<bool, WireError> {
        self.total = self.total.saturating_add(bytes.len());
        if self.total > MAX_REPLY {
            return Err(WireError::TooLong {
                field: "reply",
                len: self.total,
                max: MAX_REPLY,
            });
        }
        self.buf.extend_from_slice(bytes);
        loop {
            let Some((record, used)) = parse_record(&self.buf)? else {
                return Ok(false);
            };
            let (ct, body) = (record.content_type, record.body.to_vec());
            self.buf.drain(..used);
            match ct {
                ContentType::Alert => {
                    self.reply.alert = Some(Alert::parse(&body)?);
                    return Ok(true);
                }
                ContentType::Handshake => {
                    self.joiner.push(&body)?;
                    while let Some((typ, msg)) = self.joiner.next_message()? {
                        if self.handle(typ, &msg)? {
                            self.reply.complete = true;
                            return Ok(true);
                        }
                    }
                }
                // TLS 1.3 servers send a dummy ChangeCipherSpec and then encrypted
                // records; by then the ServerHello has told us what we need.
                ContentType::ChangeCipherSpec | ContentType::ApplicationData => {
                    if self.reply.hello.is_some() {
                        self.reply.complete = true;
                        return Ok(true);
                    }
                    return Err(WireError::Invalid {
                        field: "record type",
                        value: "data before ServerHello".into(),
                    });
                }
            }
        }
    }

    fn handle(&mut self, typ: u8, msg: &[u8]) -> Result<bool, WireError> {
        match typ {
            hs::SERVER_HELLO => {
                if self.reply.hello.is_some() {
                    return Err(WireError::Invalid {
                        field: "handshake",
                        value: "second ServerHello".into(),
                    });
                }
                let hello = ServerHello::parse(msg)?;
                let done = hello.version >= 0x0304 || hello.retry_request;
                self.reply.hello = Some(hello);
                Ok(done)
            }
            _ if self.reply.hello.is_none() => Err(WireError::Invalid {
                field: "handshake",
                value: format!("message {typ} before ServerHello"),
            }),
            hs::CERTIFICATE => {
                self.reply.certificates = parse_certificates(msg)?;
                Ok(false)
            }
            hs::SERVER_KEY_EXCHANGE => {
                self.reply.key_exchange = Some(msg.to_vec());
                Ok(false)
            }
            hs::SERVER_HELLO_DONE => Ok(true),
            _ => Ok(false),
        }
    }

    /// Whether bytes of an unfinished record or handshake message are buffered: a close
    /// now would cut a message in half.
    pub fn in_message(&self) -> bool {
        !self.buf.is_empty() || !self.joiner.buf.is_empty()
    }

    /// What was understood so far.
    pub fn reply(&self) -> &Reply {
        &self.reply
    }

    /// The reply, consuming the parser.
    pub fn into_reply(self) -> Reply {
        self.reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_hello(version: u16, suite: u16, exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&version.to_be_bytes());
        b.extend_from_slice(&[7u8; 32]);
        b.push(0);
        b.extend_from_slice(&suite.to_be_bytes());
        b.push(0);
        if !exts.is_empty() {
            let mut e = Vec::new();
            for (t, d) in exts {
                push_ext(&mut e, *t, d);
            }
            push_u16(&mut b, e.len() as u16);
            b.extend_from_slice(&e);
        }
        b
    }

    fn handshake(typ: u8, body: &[u8]) -> Vec<u8> {
        let mut h = vec![
            typ,
            (body.len() >> 16) as u8,
            (body.len() >> 8) as u8,
            body.len() as u8,
        ];
        h.extend_from_slice(body);
        h
    }

    fn record(ct: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ct, 3, 3];
        push_u16(&mut r, body.len() as u16);
        r.extend_from_slice(body);
        r
    }

    #[test]
    fn reader_never_reads_past_its_slice() {
        let mut r = Reader::new(&[0, 5, 1, 2]);
        let e = r.vec16(100, "x").unwrap_err();
        assert_eq!(e, WireError::MissingData("x"));
        let mut r = Reader::new(&[0, 3, 1, 2, 3]);
        assert_eq!(
            r.vec16(2, "y").unwrap_err(),
            WireError::TooLong {
                field: "y",
                len: 3,
                max: 2
            }
        );
        let mut r = Reader::new(&[1]);
        assert!(r.u16("z").is_err());
        assert!(r.take(usize::MAX, "w").is_err());
    }

    #[test]
    fn tls12_flight_with_certificate_and_dhe_parameters() {
        let hello = server_hello(0x0303, 0x009e, &[(ext::RENEGOTIATION_INFO, vec![0])]);
        let mut certs = Vec::new();
        let cert = vec![0x30, 0x82, 0x01, 0x00];
        let mut list = Vec::new();
        list.extend_from_slice(&[0, 0, cert.len() as u8]);
        list.extend_from_slice(&cert);
        certs.extend_from_slice(&[0, 0, list.len() as u8]);
        certs.extend_from_slice(&list);
        let mut ske = Vec::new();
        let p = vec![0xffu8; 128]; // a 1024-bit prime's length
        push_u16(&mut ske, p.len() as u16);
        ske.extend_from_slice(&p);
        push_u16(&mut ske, 1);
        ske.push(2);
        push_u16(&mut ske, 2);
        ske.extend_from_slice(&[1, 2]);
        let mut flight = handshake(hs::SERVER_HELLO, &hello);
        flight.extend(handshake(hs::CERTIFICATE, &certs));
        flight.extend(handshake(hs::SERVER_KEY_EXCHANGE, &ske));
        flight.extend(handshake(hs::SERVER_HELLO_DONE, &[]));
        // Split the flight across two records, mid-message, as servers may.
        let (a, b) = flight.split_at(50);
        let mut bytes = record(22, a);
        bytes.extend(record(22, b));
        let mut p = ReplyParser::new();
        // Feed one byte at a time: a trickle must parse the same as a burst.
        let mut done = false;
        for byte in &bytes {
            done = p.feed(std::slice::from_ref(byte)).unwrap();
            if done {
                break;
            }
        }
        assert!(done);
        let r = p.into_reply();
        let h = r.hello.unwrap();
        assert_eq!(
            (h.version, h.cipher_suite, h.secure_renegotiation),
            (0x0303, 0x009e, true)
        );
        assert_eq!(r.certificates, vec![cert]);
        let kx = parse_server_key_exchange(&r.key_exchange.unwrap(), false).unwrap();
        assert_eq!(kx, KeyExchangeParams::Dh { prime_bits: 1024 });
    }

    #[test]
    fn tls13_hello_and_retry() {
        let hello = server_hello(
            0x0303,
            0x1301,
            &[
                (ext::SUPPORTED_VERSIONS, vec![3, 4]),
                (ext::KEY_SHARE, vec![0, 29, 0, 0]),
            ],
        );
        let mut p = ReplyParser::new();
        assert!(p
            .feed(&record(22, &handshake(hs::SERVER_HELLO, &hello)))
            .unwrap());
        let h = p.reply().hello.clone().unwrap();
        assert_eq!(
            (h.version, h.cipher_suite, h.group, h.retry_request),
            (0x0304, 0x1301, Some(29), false)
        );
        let mut hrr = server_hello(
            0x0303,
            0x1302,
            &[
                (ext::SUPPORTED_VERSIONS, vec![3, 4]),
                (ext::KEY_SHARE, vec![0, 23]),
            ],
        );
        hrr[2..34].copy_from_slice(&HELLO_RETRY_REQUEST_RANDOM);
        let mut p = ReplyParser::new();
        assert!(p
            .feed(&record(22, &handshake(hs::SERVER_HELLO, &hrr)))
            .unwrap());
        assert!(p.reply().hello.as_ref().unwrap().retry_request);
    }

    #[test]
    fn alerts_and_hostile_replies() {
        let mut p = ReplyParser::new();
        assert!(p.feed(&record(21, &[2, 40])).unwrap());
        assert_eq!(p.reply().alert.unwrap().name(), "handshake_failure");
        // Not TLS at all (an HTTP server answering).
        assert!(ReplyParser::new()
            .feed(b"HTTP/1.1 400 Bad Request\r\n")
            .is_err());
        // An absurd record length.
        assert!(matches!(
            ReplyParser::new().feed(&[22, 3, 3, 0xff, 0xff]),
            Err(WireError::TooLong { .. })
        ));
        // An absurd handshake length inside a valid record.
        let mut p = ReplyParser::new();
        assert!(p.feed(&record(22, &[2, 0xff, 0xff, 0xff])).is_err());
        // Truncated: not an error yet, just not complete.
        let mut p = ReplyParser::new();
        assert!(!p.feed(&[22, 3, 3, 0, 10, 2]).unwrap());
        // A message before ServerHello.
        let mut p = ReplyParser::new();
        assert!(p
            .feed(&record(22, &handshake(hs::CERTIFICATE, &[0, 0, 0])))
            .is_err());
        // A ServerHello with a lying session id length.
        let mut bad = server_hello(0x0303, 0x002f, &[]);
        bad[34] = 200;
        assert!(ServerHello::parse(&bad).is_err());
        // A server that keeps sending handshake messages after its ServerHello without
        // ever finishing the flight is cut off at MAX_REPLY.
        let mut p = ReplyParser::new();
        let hello = record(
            22,
            &handshake(hs::SERVER_HELLO, &server_hello(0x0303, 0x002f, &[])),
        );
        assert!(!p.feed(&hello).unwrap());
        let junk = record(22, &handshake(99, &[0u8; 1000]));
        let mut fed = 0;
        let err = loop {
            match p.feed(&junk) {
                Ok(false) => fed += junk.len(),
                Ok(true) => panic!("junk completed a reply"),
                Err(e) => break e,
            }
            assert!(fed <= MAX_REPLY, "not cut off");
        };
        assert!(matches!(err, WireError::TooLong { field: "reply", .. }));
    }

    #[test]
    fn client_hello_is_well_formed() {
        let suites = [0xc02f, 0x009e, 0x002f];
        let hello = ClientHello {
            version: 0x0303,
            suites: &suites,
            sni: Some("example.com"),
            groups: &[29, 23],
            random: [1; 32],
            x25519_share: [9; 32],
        };
        let rec = hello.to_record();
        let (r, used) = parse_record(&rec).unwrap().unwrap();
        assert_eq!(used, rec.len());
        assert_eq!(r.content_type, ContentType::Handshake);
        let mut rd = Reader::new(r.body);
        assert_eq!(rd.u8("t").unwrap(), 1);
        let len = rd.u24("l").unwrap();
        assert_eq!(len, rd.left());
        assert_eq!(rd.u16("v").unwrap(), 0x0303);
        rd.take(32, "random").unwrap();
        assert_eq!(rd.vec8(32, "sid").unwrap().left(), 0);
        let mut cs = rd.vec16(1000, "suites").unwrap();
        let mut ids = Vec::new();
        while !cs.is_empty() {
            ids.push(cs.u16("s").unwrap());
        }
        assert_eq!(ids, [0xc02f, 0x009e, 0x002f, 0x00ff]);
        assert_eq!(rd.vec8(10, "comp").unwrap().left(), 1);
        let mut exts = rd.vec16(10_000, "exts").unwrap();
        let mut types = Vec::new();
        while !exts.is_empty() {
            types.push(exts.u16("t").unwrap());
            exts.vec16(10_000, "d").unwrap();
        }
        assert!(types.contains(&ext::SERVER_NAME) && types.contains(&ext::SIGNATURE_ALGORITHMS));
        rd.expect_end("hello").unwrap();
        // SSL 3.0: no extensions, SSL 3.0 record version.
        let ssl3 = ClientHello {
            version: 0x0300,
            sni: None,
            ..hello.clone()
        }
        .to_record();
        assert_eq!(&ssl3[1..3], &[3, 0]);
        // TLS 1.3: supported_versions and key_share, legacy version 1.2.
        let t13 = ClientHello {
            version: 0x0304,
            suites: &[0x1301],
            ..hello
        }
        .to_record();
        assert_eq!(&t13[9..11], &[3, 3]);
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[0, 0, 0x80, 0]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0xff; 256]), 2048);
    }
}
