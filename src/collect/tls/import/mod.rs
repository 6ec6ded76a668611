//! Importers: the JSON that testssl.sh and sslyze write, turned into `tls.endpoint`
//! evidence, so a team can bring the scans it already runs.
//!
//! - [`testssl`]: testssl.sh 3.x, both `--jsonfile` (flat) and `--jsonfile-pretty`.
//! - [`sslyze`]: sslyze 5.x and 6.x `--json_out`.
//!
//! # What an importer promises
//! Every fact in the body is one the tool reported; nothing is filled in by assay's own
//! guess. A fact the body needs but the tool did not report (a protocol it did not test, a
//! DH group size it did not print, a trust verdict it did not separate from the host-name
//! check) is recorded as `false` where the schema needs a boolean (or left out where the
//! field is optional) *and* named in `body.incomplete`: a policy still reports what is
//! wrong, but any `pass` for the subject becomes an error, so an unknown never passes.
//! The grade is computed from the same body, so it may carry a cap (`hostname_mismatch`)
//! that only an unknown caused; `incomplete` says which.
//!
//! Certificate facts that are in the certificate itself (subject, SANs, issuer, dates, key,
//! signature algorithm) are read from the PEM the tool printed, exactly as the probe reads
//! a certificate; the verdicts (trusted, host name, chain complete) are the tool's.
//! `collected_at` is when the scan finished, from the file, else the file's modification
//! time ([`TimeSource`] says which), to the second.
//! Input that is not the tool's JSON (truncated, wrong types, an unknown cipher suite name,
//! no scanned server at all) is an [`ImportError`] naming the file, the JSON path and what
//! was expected, and nothing is imported. A server the tool could not reach becomes a
//! document with `body.error`, as a failed probe does.
//!
//! The grade is computed by [`super::grade::grade`] at the scan time, so it describes the
//! server as it was when the tool looked.

pub mod sslyze;
pub mod testssl;

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use serde_json::Value;

use rustls_pki_types::pem::PemObject;

use super::body::{Certificate, CipherSuite, Protocol, Protocols, TlsEndpoint};
use super::cert;
use super::run::Endpoint;
use super::suites;
use super::wire;
use crate::evidence::{Collector, Document, SCHEMA};

/// Why a file could not be imported: the file, where in its JSON, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {message}")]
pub struct ImportError {
    /// The file, as the user named it.
    pub file: String,
    /// A JSON path such as `server_scan_results[0].scan_result.tls_1_2_cipher_suites`, or
    /// `(file)` for the file as a whole.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Where the scan time of a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// The tool wrote it into the file.
    File,
    /// The file does not say; its modification time was used.
    Mtime,
}

/// What the tool found about one server.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    /// A measurement. `missing` names each fact the tool did not report; when not empty it
    /// becomes `body.incomplete`.
    Body {
        /// The typed body, graded.
        body: Box<TlsEndpoint>,
        /// Facts the tool did not report.
        missing: Vec<String>,
    },
    /// The tool could not measure the server at all (`body.error`).
    Failed(String),
}

/// One imported server.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// `host:port`.
    pub subject: String,
    /// The facts.
    pub measured: Measured,
    /// The tool and its version, from the file.
    pub collector: Collector,
    /// When the scan ran.
    pub collected_at: DateTime<Utc>,
    /// Whether [`Imported::collected_at`] is from the file or its modification time.
    pub time_source: TimeSource,
    /// `import:testssl` or `import:sslyze`.
    pub source: String,
}

impl Imported {
    /// The evidence document.
    pub fn document(&self) -> Document {
        let body = match &self.measured {
            Measured::Body { body, missing } => {
                let mut v = serde_json::to_value(body.as_ref()).unwrap_or(Value::Null);
                if let (Value::Object(map), false) = (&mut v, missing.is_empty()) {
                    map.insert(
                        "incomplete".into(),
                        Value::String(format!(
                            "{} did not report everything this evidence needs: {}",
                            self.collector.name,
                            missing.join("; ")
                        )),
                    );
                }
                v
            }
            Measured::Failed(e) => serde_json::json!({ "error": e }),
        };
        Document {
            schema: SCHEMA.to_string(),
            kind: "tls.endpoint".to_string(),
            subject: self.subject.clone(),
            collected_at: self.collected_at,
            collector: self.collector.clone(),
            source: self.source.clone(),
            body,
            sha256: None,
        }
    }

    /// The body, when the tool measured the server.
    pub fn body(&self) -> Option<&TlsEndpoint> {
        match &self.measured {
            Measured::Body { body, .. } => Some(body),
            Measured::Failed(_) => None,
        }
    }

    /// The facts the tool did not report.
    pub fn missing(&self) -> &[String] {
        match &self.measured {
            Measured::Body { missing, .. } => missing,
            Measured::Failed(_) => &[],
        }
    }
}

/// One input file.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The file name, for messages.
    pub file: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Its modification time: the scan time when the file does not carry one.
    pub mtime: Option<DateTime<Utc>>,
}

impl Input<'_> {
    fn err(&self, field: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError {
            file: self.file.to_string(),
            field: field.into(),
            message: message.into(),
        }
    }

    /// Parses the text as JSON.
    fn parse(&self, tool: &str) -> Result<Value, ImportError> {
        serde_json::from_str(&quote_big_integers(self.text))
            .map_err(|e| self.err("(file)", format!("not {tool} JSON: {e}")))
    }

    /// The file's own time, else its modification time, else an error.
    fn when(
        &self,
        found: Option<DateTime<Utc>>,
        field: &str,
    ) -> Result<(DateTime<Utc>, TimeSource), ImportError> {
        // Evidence dates to the second; the fraction would only make two imports of
        // one scan differ.
        let whole = |t: DateTime<Utc>| t.with_nanosecond(0).unwrap_or(t);
        match (found, self.mtime) {
            (Some(t), _) => Ok((whole(t), TimeSource::File)),
            (None, Some(t)) => Ok((whole(t), TimeSource::Mtime)),
            (None, None) => Err(self.err(
                field,
                "the file does not say when the scan ran and has no modification time",
            )),
        }
    }
}

/// Integers longer than this many digits are read as strings.
const BIG_INTEGER_DIGITS: usize = 20;

/// The text with every integer of more than [`BIG_INTEGER_DIGITS`] digits outside strings
/// put in quotes. sslyze writes RSA moduli as bare 600-digit integers, which overflow
/// serde_json's numbers; none of them is a fact an importer reads. A lexical pass only:
/// the parser still judges the result (a column after such a number shifts by two).
fn quote_big_integers(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let next = bytes.get(i).copied();
                let integer = !matches!(next, Some(b'.' | b'e' | b'E'));
                let prev = start.checked_sub(1).map(|p| bytes[p]);
                let before = start.checked_sub(2).map(|p| bytes[p]);
                // Not the fraction or exponent of another number; keep a minus sign inside.
                let first = match prev {
                    Some(b'-') if !matches!(before, Some(b'e' | b'E')) => Some(start - 1),
                    Some(b'-' | b'+' | b'.') => None,
                    Some(p) if p.is_ascii_alphanumeric() => None,
                    _ => Some(start),
                };
                if let (true, Some(first)) = (integer && i - start > BIG_INTEGER_DIGITS, first) {
                    spans.push((first, i));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if spans.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 2 * spans.len());
    let mut last = 0;
    for (a, b) in spans {
        out.push_str(&text[last..a]);
        out.push('"');
        out.push_str(&text[a..b]);
        out.push('"');
        last = b;
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// A JSON value with the path that led to it, so every error can say where it is.
#[derive(Clone, Debug)]
struct At<'a> {
    v: &'a Value,
    path: String,
    input: Input<'a>,
}

use crate::evidence::json_type_name as type_name;

impl<'a> At<'a> {
    fn root(v: &'a Value, input: Input<'a>) -> At<'a> {
        At {
            v,
            path: "(top level)".into(),
            input,
        }
    }

    fn err(&self, message: impl Into<String>) -> ImportError {
        self.input.err(self.path.clone(), message)
    }

    fn child(&self, v: &'a Value, seg: &str) -> At<'a> {
        let path = if self.path == "(top level)" {
            seg.trim_start_matches('.').to_string()
        } else {
            format!("{}{seg}", self.path)
        };
        At {
            v,
            path,
            input: self.input,
        }
    }

    /// The member `key`, which must be present and not null.
    fn get(&self, key: &str) -> Result<At<'a>, ImportError> {
        match self.opt(key)? {
            Some(a) => Ok(a),
            None => Err(self.child(&Value::Null, &format!(".{key}")).err(format!(
                "missing (expected a value in {})",
                if self.path == "(top level)" {
                    "the top-level object"
                } else {
                    "this object"
                }
            ))),
        }
    }

    /// The member `key`; `None` when absent or null. Errors when this is not an object.
    fn opt(&self, key: &str) -> Result<Option<At<'a>>, ImportError> {
        let obj = self
            .v
            .as_object()
            .ok_or_else(|| self.err(format!("expected an object, found {}", type_name(self.v))))?;
        Ok(obj
            .get(key)
            .filter(|v| !v.is_null())
            .map(|v| self.child(v, &format!(".{key}"))))
    }

    fn str(&self) -> Result<&'a str, ImportError> {
        self.v
            .as_str()
            .ok_or_else(|| self.err(format!("expected a string, found {}", type_name(self.v))))
    }

    fn bool(&self) -> Result<bool, ImportError> {
        self.v
            .as_bool()
            .ok_or_else(|| self.err(format!("expected a boolean, found {}", type_name(self.v))))
    }

    fn u64(&self) -> Result<u64, ImportError> {
        self.v.as_u64().ok_or_else(|| {
            self.err(format!(
                "expected a non-negative integer, found {}",
                type_name(self.v)
            ))
        })
    }

    /// A non-negative integer, also when the tool wrote it as a string (testssl.sh does).
    fn u64_lenient(&self) -> Result<u64, ImportError> {
        match self.v {
            Value::String(s) => s
                .trim()
                .parse()
                .map_err(|_| self.err(format!("expected a non-negative integer, found '{s}'"))),
            _ => self.u64(),
        }
    }

    fn items(&self) -> Result<Vec<At<'a>>, ImportError> {
        let arr = self
            .v
            .as_array()
            .ok_or_else(|| self.err(format!("expected an array, found {}", type_name(self.v))))?;
        Ok(arr
            .iter()
            .enumerate()
            .map(|(i, v)| self.child(v, &format!("[{i}]")))
            .collect())
    }

    fn instant(&self) -> Result<DateTime<Utc>, ImportError> {
        parse_time(self.str()?).ok_or_else(|| {
            self.err(format!(
                "'{}' is not a date and time (expected RFC 3339, e.g. 2026-11-25T17:14:58Z)",
                self.v.as_str().unwrap_or_default()
            ))
        })
    }
}

/// RFC 3339, or a date and time without offset, which both tools write in UTC.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .map(|n| n.and_utc())
}

/// The facts gathered while reading one server, before they become a body.
#[derive(Default)]
struct Facts {
    protocols: [Option<bool>; 5],
    suites: Vec<CipherSuite>,
    dh_bits: Option<u32>,
    ecdh_bits: Option<u32>,
    groups: Vec<String>,
    missing: Vec<String>,
}

fn index(p: Protocol) -> usize {
    Protocol::ALL.iter().position(|&q| q == p).unwrap_or(0)
}

impl Facts {
    fn protocol(&mut self, p: Protocol, offered: bool) {
        if let Some(slot) = self.protocols.get_mut(index(p)) {
            *slot = Some(offered || slot.unwrap_or(false));
        }
    }

    fn suite(&mut self, s: CipherSuite) {
        self.protocol(s.protocol, true);
        if !self.suites.contains(&s) {
            self.suites.push(s);
        }
    }

    fn dh(&mut self, bits: u32) {
        self.dh_bits = Some(self.dh_bits.map_or(bits, |b| b.min(bits)));
    }

    fn ecdh(&mut self, bits: u32) {
        self.ecdh_bits = Some(self.ecdh_bits.map_or(bits, |b| b.min(bits)));
    }

    /// Records a named group; its size comes from assay's table, else from the tool.
    fn group(&mut self, name: &str, tool_bits: Option<u32>) {
        let lower = name.trim().to_ascii_lowercase();
        let lower = match lower.as_str() {
            "prime256v1" => "secp256r1".to_string(),
            _ => lower,
        };
        if lower.is_empty() {
            return;
        }
        let known = wire::GROUPS
            .iter()
            .find(|g| g.1 == lower)
            .map(|g| (g.0, g.2));
        match known {
            Some((id, bits)) if id >= 256 => self.dh(bits),
            Some((_, bits)) => self.ecdh(bits),
            None => {
                if let Some(b) = tool_bits {
                    if lower.starts_with("ffdhe") {
                        self.dh(b)
                    } else {
                        self.ecdh(b)
                    }
                }
            }
        }
        if !self.groups.contains(&lower) {
            self.groups.push(lower);
        }
    }

    fn missing(&mut self, what: impl Into<String>) {
        let what = what.into();
        if !self.missing.contains(&what) {
            self.missing.push(what);
        }
    }

    /// The body and the facts that are missing: unknown protocols are recorded as not
    /// offered and named.
    fn into_body(
        mut self,
        host: &str,
        port: u16,
        address: Option<String>,
    ) -> (TlsEndpoint, Vec<String>) {
        let mut protocols = Protocols::default();
        for p in Protocol::ALL {
            match self.protocols[index(p)] {
                Some(offered) => protocols.set(p, offered),
                None => self.missing(format!("whether {} is offered", p.name())),
            }
        }
        self.groups.sort();
        let dhe = self.suites.iter().any(|s| s.kx == "DHE");
        let ecdhe = self.suites.iter().any(|s| s.kx == "ECDHE");
        if dhe && self.dh_bits.is_none() {
            self.missing("the Diffie-Hellman group size of the DHE suites");
        }
        if ecdhe && self.ecdh_bits.is_none() && self.groups.is_empty() {
            self.missing("the curves of the ECDHE suites");
        }
        let body = TlsEndpoint {
            host: host.to_string(),
            port,
            address,
            protocols,
            cipher_suites: self.suites,
            dh_bits: self.dh_bits,
            ecdh_bits: self.ecdh_bits,
            groups: self.groups,
            ..TlsEndpoint::default()
        };
        (body, self.missing)
    }
}

/// The suite named `name` (IANA or OpenSSL spelling) as accepted under `protocol`.
fn suite_entry(
    at: &At<'_>,
    name: &str,
    protocol: Protocol,
    tls13_ffdh: bool,
) -> Result<CipherSuite, ImportError> {
    let suite = suites::by_name(name).ok_or_else(|| {
        at.err(format!(
            "unknown cipher suite '{name}' (expected an IANA or OpenSSL suite name)"
        ))
    })?;
    Ok(suite.evidence(protocol, tls13_ffdh.then_some(0x0100)))
}

/// The verdicts an importer takes from the tool; `None` when the tool did not say.
struct Verdicts {
    trusted: Option<bool>,
    hostname_match: Option<bool>,
    chain_complete: Option<bool>,
    self_signed: Option<bool>,
}

/// Certificate facts from the leaf the tool printed (PEM, possibly with its line breaks
/// turned into spaces as testssl.sh does): subject, SANs, issuer, dates, key and signature
/// are read from the certificate itself, exactly as the probe reads them; the verdicts
/// (trust, host name, chain) are the tool's, and one it did not give is recorded as
/// `false` and named in `facts.missing`.
fn certificate(
    at: &At<'_>,
    pem: &str,
    host: &str,
    v: Verdicts,
    facts: &mut Facts,
) -> Result<Certificate, ImportError> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let inner = pem
        .find(BEGIN)
        .map(|i| &pem[i + BEGIN.len()..])
        .and_then(|rest| rest.find(END).map(|j| &rest[..j]))
        .ok_or_else(|| at.err("expected a PEM certificate (-----BEGIN CERTIFICATE----- ...)"))?;
    let b64: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
    let mut text = String::from(BEGIN);
    text.push('\n');
    for chunk in b64.as_bytes().chunks(64) {
        text.push_str(&String::from_utf8_lossy(chunk));
        text.push('\n');
    }
    text.push_str(END);
    text.push('\n');
    let der = rustls_pki_types::CertificateDer::from_pem_slice(text.as_bytes())
        .map_err(|e| at.err(format!("the PEM certificate does not decode: {e}")))?;
    let mut c = cert::facts(
        &[der.to_vec()],
        host,
        Utc::now(),
        &cert::TrustStore::mozilla(),
    )
    .map_err(|e| at.err(e.to_string()))?;
    if !matches!(c.key_type.as_str(), "RSA" | "EC" | "Ed25519") {
        return Err(at.err(format!(
            "the certificate's key type '{}' cannot be recorded (tls.endpoint knows RSA, EC and Ed25519)",
            c.key_type
        )));
    }
    let mut verdict = |value: Option<bool>, what: &str| {
        value.unwrap_or_else(|| {
            facts.missing(what.to_string());
            false
        })
    };
    c.trusted = verdict(v.trusted, "whether the certificate chain is trusted");
    c.hostname_match = verdict(
        v.hostname_match,
        "whether the certificate matches the host name",
    );
    c.chain_complete = verdict(
        v.chain_complete,
        "whether the server sends a complete certificate chain",
    );
    if let Some(s) = v.self_signed {
        c.self_signed = s;
    }
    Ok(c)
}

/// The evidence subject for `host:port`.
fn subject(host: &str, port: u16) -> String {
    Endpoint {
        host: host.to_string(),
        port,
    }
    .subject()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_with_and_without_offset() {
        let t = |s: &str| parse_time(s).map(|t| crate::timefmt::format_instant(&t));
        assert_eq!(
            t("2026-11-25T17:14:58.385791Z").as_deref(),
            Some("2026-11-25T17:14:58Z")
        );
        assert_eq!(
            t("2026-11-25T17:14:58.385791").as_deref(),
            Some("2026-11-25T17:14:58Z")
        );
        assert_eq!(
            t("2026-11-25 18:14:58+01:00").as_deref(),
            Some("2026-11-25T17:14:58Z")
        );
        assert_eq!(t("yesterday"), None);
    }

    #[test]
    fn big_integers_become_strings() {
        let big = "1".repeat(30);
        let text =
            format!(r#"{{"n": {big}, "m": -{big}, "s": "x{big}\\", "f": {big}.5, "k": 12}}"#);
        let v: Value = serde_json::from_str(&quote_big_integers(&text)).unwrap();
        assert_eq!(v["n"], Value::String(big.clone()));
        assert_eq!(v["s"], Value::String(format!("x{big}\\")));
        assert_eq!(v["k"], 12);
        assert_eq!(v["m"], Value::String(format!("-{big}")));
        let frac = format!(r#"[0.{big}, 1e{big}, 1e-{big}]"#);
        assert_eq!(quote_big_integers(&frac), frac);
        assert!(matches!(
            quote_big_integers("{}"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn paths_name_where_a_value_is_wrong() {
        let v: Value = serde_json::from_str(r#"{"a":[{"b":1}]}"#).unwrap();
        let input = Input {
            file: "f.json",
            text: "",
            mtime: None,
        };
        let root = At::root(&v, input);
        let b = root.get("a").unwrap().items().unwrap()[0].get("b").unwrap();
        assert_eq!(
            b.str().unwrap_err().to_string(),
            "f.json: a[0].b: expected a string, found a number"
        );
        assert_eq!(
            root.get("x").unwrap_err().to_string(),
            "f.json: x: missing (expected a value in the top-level object)"
        );
        let arr: Value = serde_json::from_str("[1]").unwrap();
        assert!(At::root(&arr, input).get("x").is_err());
    }
}
