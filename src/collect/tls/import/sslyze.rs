//! sslyze 5.x and 6.x `--json_out` files as `tls.endpoint` evidence.
//!
//! # Mapping
//! - one document per `server_scan_results[]` entry, subject `hostname:port` from
//!   `server_location`; a server sslyze could not connect to (`connectivity_status` other
//!   than `COMPLETED`) becomes a document with `body.error`;
//! - protocols and suites: `scan_result.{ssl_3_0…tls_1_3}_cipher_suites.result`:
//!   `is_tls_version_supported` and `accepted_cipher_suites[].cipher_suite.name` (IANA, with
//!   `openssl_name` as a second chance); each suite's `ephemeral_key` gives the DH size or
//!   the curve. A protocol whose plugin did not complete is unknown (see below). SSL 2.0,
//!   which the body has no field for, makes the document incomplete when it is offered;
//! - groups: `elliptic_curves.result.supported_curves[].name` and the suites' curves;
//! - `secure_renegotiation`: `session_renegotiation.result.supports_secure_renegotiation`,
//!   recorded only when a protocol older than TLS 1.3 is offered (as the probe does);
//! - `hsts`: `http_headers.result.strict_transport_security_header` (`null` = no header);
//!   left out when the plugin did not run (sslyze runs it only with `--http_headers`);
//! - certificate: the leaf of `certificate_info.result.certificate_deployments[0]`, read
//!   from its PEM; trust from the Mozilla entry of `path_validation_results` (else the
//!   first). sslyze 5 reports the host-name match on its own
//!   (`leaf_certificate_subject_matches_hostname`); sslyze 6 folds it into path validation,
//!   so a successful validation means trusted *and* matching, a `subjectAltName` error
//!   means not matching with trust unknown, and any other error means untrusted with the
//!   host-name match unknown. Unknown verdicts are recorded as `false` and named in
//!   `body.incomplete`.
//! - `collected_at`: `date_scans_completed` (else `date_scans_started`); both sslyze
//!   versions write UTC.

use chrono::DateTime;

use super::{certificate, subject, suite_entry, At, Facts, ImportError, Imported, Input};
use super::{Measured, TimeSource, Verdicts};
use crate::collect::tls::body::Protocol;
use crate::collect::tls::grade::grade;
use crate::evidence::Collector;

/// The `source` of imported documents.
pub const SOURCE: &str = "import:sslyze";
/// The collector name.
pub const TOOL: &str = "sslyze";

const PROTOCOL_PLUGINS: [(&str, Protocol); 5] = [
    ("ssl_3_0_cipher_suites", Protocol::Ssl3),
    ("tls_1_0_cipher_suites", Protocol::Tls10),
    ("tls_1_1_cipher_suites", Protocol::Tls11),
    ("tls_1_2_cipher_suites", Protocol::Tls12),
    ("tls_1_3_cipher_suites", Protocol::Tls13),
];

/// Every server of an sslyze JSON file.
pub fn from_sslyze(input: Input<'_>) -> Result<Vec<Imported>, ImportError> {
    let v = input.parse("sslyze")?;
    let root = At::root(&v, input);
    let version = root.get("sslyze_version")?.str()?;
    let mut found = None;
    for key in ["date_scans_completed", "date_scans_started"] {
        if let Some(t) = root.opt(key)? {
            found = Some(t.instant()?);
            break;
        }
    }
    let (collected_at, time_source) = input.when(found, "date_scans_completed")?;
    let results = root.get("server_scan_results")?;
    let servers = results.items()?;
    if servers.is_empty() {
        return Err(
            results.err("empty: the file holds no scanned server (expected at least one entry)")
        );
    }
    servers
        .iter()
        .map(|s| server(s, version, collected_at, time_source))
        .collect()
}

fn server(
    s: &At<'_>,
    version: &str,
    collected_at: DateTime<chrono::Utc>,
    time_source: TimeSource,
) -> Result<Imported, ImportError> {
    let loc = s.get("server_location")?;
    let host = loc.get("hostname")?.str()?;
    let port_at = loc.get("port")?;
    let port = u16::try_from(port_at.u64()?)
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| port_at.err("expected a TCP port, 1-65535"))?;
    let address = match loc.opt("ip_address")? {
        Some(a) => Some(a.str()?.to_string()),
        None => None,
    };
    let imported = |measured| Imported {
        subject: subject(host, port),
        measured,
        collector: Collector {
            name: TOOL.into(),
            version: version.into(),
        },
        collected_at,
        time_source,
        source: SOURCE.into(),
    };

    if let Some(status) = s.opt("connectivity_status")? {
        let status = status.str()?;
        if status != "COMPLETED" {
            let trace = match s.opt("connectivity_error_trace")? {
                Some(t) => t.str()?.lines().rev().find(|l| !l.trim().is_empty()),
                None => None,
            };
            return Ok(imported(Measured::Failed(match trace {
                Some(t) => format!("sslyze could not connect ({status}): {}", t.trim()),
                None => format!("sslyze could not connect ({status})"),
            })));
        }
    }

    let scan = s.get("scan_result")?;
    let mut facts = Facts::default();

    if let Ok(r) = plugin(&scan, "ssl_2_0_cipher_suites")? {
        if r.get("is_tls_version_supported")?.bool()? {
            facts.missing("SSL 2.0 support: the server offers SSL 2.0, which tls.endpoint evidence cannot record");
        }
    }
    for (name, protocol) in PROTOCOL_PLUGINS {
        let r = match plugin(&scan, name)? {
            Ok(r) => r,
            Err(_) => continue, // unknown: named by Facts::into_body
        };
        facts.protocol(protocol, r.get("is_tls_version_supported")?.bool()?);
        for accepted in r.get("accepted_cipher_suites")?.items()? {
            let cs = accepted.get("cipher_suite")?;
            let name_at = cs.get("name")?;
            let iana = name_at.str()?;
            let mut ffdh = false;
            if let Some(key) = accepted.opt("ephemeral_key")? {
                let size = key.get("size")?.u64()?;
                let size = u32::try_from(size).map_err(|_| key.err("size: too large"))?;
                match key.get("type_name")?.str()? {
                    "DH" => {
                        ffdh = true;
                        facts.dh(size);
                    }
                    "ECDH" => match key.opt("curve_name")? {
                        Some(c) => facts.group(c.str()?, Some(size)),
                        None => facts.ecdh(size),
                    },
                    _ => {}
                }
            }
            let entry = match suite_entry(&name_at, iana, protocol, ffdh) {
                Ok(e) => e,
                Err(e) => match cs.opt("openssl_name")? {
                    Some(o) => suite_entry(&o, o.str()?, protocol, ffdh).map_err(|_| e)?,
                    None => return Err(e),
                },
            };
            facts.suite(entry);
        }
    }
    if let Ok(r) = plugin(&scan, "elliptic_curves")? {
        if let Some(curves) = r.opt("supported_curves")? {
            for c in curves.items()? {
                facts.group(c.get("name")?.str()?, None);
            }
        }
    }
    let renegotiation = match plugin(&scan, "session_renegotiation")? {
        Ok(r) => Some(r.get("supports_secure_renegotiation")?.bool()?),
        Err(_) => None,
    };
    let hsts = match plugin(&scan, "http_headers")? {
        Ok(r) if r.opt("http_error_trace")?.is_none() => {
            Some(match r.opt("strict_transport_security_header")? {
                None => None,
                Some(h) => Some(crate::collect::tls::body::Hsts {
                    max_age: match h.opt("max_age")? {
                        Some(m) => m.u64()?,
                        None => 0,
                    },
                    include_subdomains: match h.opt("include_subdomains")? {
                        Some(b) => b.bool()?,
                        None => false,
                    },
                    preload: match h.opt("preload")? {
                        Some(b) => b.bool()?,
                        None => false,
                    },
                }),
            })
        }
        _ => None,
    };

    let cert_plugin = plugin(&scan, "certificate_info")?.map_err(|status| {
        scan.child(scan.v, ".certificate_info").err(format!(
            "{status}; tls.endpoint evidence needs the certificate (run sslyze with --certinfo)"
        ))
    })?;
    let deployments = cert_plugin.get("certificate_deployments")?;
    let deployment = deployments
        .items()?
        .into_iter()
        .next()
        .ok_or_else(|| deployments.err("empty: expected the server's certificate"))?;
    let chain = deployment.get("received_certificate_chain")?;
    let chain_items = chain.items()?;
    let leaf = chain_items
        .first()
        .ok_or_else(|| chain.err("empty: expected the leaf certificate"))?;
    let pem_at = leaf.get("as_pem")?;
    let verdicts = verdicts(&deployment, leaf, chain_items.len())?;

    let cert = certificate(&pem_at, pem_at.str()?, host, verdicts, &mut facts)?;
    let (mut body, missing) = facts.into_body(host, port, address);
    body.certificate = Some(cert);
    let legacy = Protocol::ALL
        .into_iter()
        .any(|p| p < Protocol::Tls13 && body.protocols.offers(p));
    body.secure_renegotiation = renegotiation.filter(|_| legacy);
    body.hsts = hsts;
    body.grade = Some(grade(&body, collected_at));
    Ok(imported(Measured::Body {
        body: Box::new(body),
        missing,
    }))
}

/// The plugin's `result` when it completed; else a description of its status.
fn plugin<'a>(scan: &At<'a>, name: &str) -> Result<Result<At<'a>, String>, ImportError> {
    let Some(p) = scan.opt(name)? else {
        return Ok(Err("not in the file".to_string()));
    };
    let status = p.get("status")?.str()?;
    if status != "COMPLETED" {
        let reason = match p.opt("error_reason")? {
            Some(r) => format!(": {}", r.str()?),
            None => String::new(),
        };
        return Ok(Err(format!("status {status}{reason}")));
    }
    p.get("result").map(Ok)
}

/// The trust, host-name and chain verdicts of one certificate deployment.
fn verdicts(deployment: &At<'_>, leaf: &At<'_>, chain_len: usize) -> Result<Verdicts, ImportError> {
    let results = deployment.get("path_validation_results")?.items()?;
    let mut chosen = None;
    for r in &results {
        let store = r.get("trust_store")?;
        if store.get("name")?.str()? == "Mozilla" {
            chosen = Some(r.clone());
        }
    }
    let chosen = chosen.or_else(|| results.first().cloned());
    let (ok, error) = match &chosen {
        Some(r) => {
            let ok = r.get("was_validation_successful")?.bool()?;
            let mut error = String::new();
            for key in ["validation_error", "openssl_error_string"] {
                if let Some(e) = r.opt(key)? {
                    error = e.str()?.to_string();
                }
            }
            (Some(ok), error)
        }
        None => (None, String::new()),
    };
    let v5_name = match deployment.opt("leaf_certificate_subject_matches_hostname")? {
        Some(b) => Some(b.bool()?),
        None => None,
    };
    let name_error = {
        let e = error.to_ascii_lowercase();
        e.contains("subjectaltname") || e.contains("hostname") || e.contains("subject name")
    };
    let (trusted, hostname_match) = match (ok, v5_name) {
        (Some(true), Some(n)) => (Some(true), Some(n)),
        (Some(true), None) => (Some(true), Some(true)),
        (Some(false), Some(n)) => (Some(false), Some(n)),
        (Some(false), None) if name_error => (None, Some(false)),
        (Some(false), None) => (Some(false), None),
        (None, n) => (None, n),
    };
    let subject = leaf.get("subject")?.get("rfc4514_string")?.str()?;
    let issuer = leaf.get("issuer")?.get("rfc4514_string")?.str()?;
    let self_signed = subject == issuer;
    let chain_complete = if trusted == Some(true) || (self_signed && chain_len == 1) {
        Some(true)
    } else {
        None
    };
    Ok(Verdicts {
        trusted,
        hostname_match,
        chain_complete,
        self_signed: None,
    })
}
