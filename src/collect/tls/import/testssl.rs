//! testssl.sh 3.x JSON as `tls.endpoint` evidence: `--jsonfile-pretty` (an object with
//! `scanResult[]`, each server's findings in sections) and `--jsonfile` (a flat array of
//! `{id, ip, port, severity, finding}`, grouped here by `ip` and `port`).
//!
//! # Mapping (finding ids)
//! - protocols: `SSLv3`, `TLS1`, `TLS1_1`, `TLS1_2`, `TLS1_3` (`offered…` / `not offered…`;
//!   anything else is unknown). `SSLv2` offered makes the document incomplete: the body has
//!   no field for it.
//! - suites, best source first: `cipher-<proto>_x<hex>` (`-E`: per protocol, exact);
//!   `cipherorder_<TLSv1_2>` (servers that enforce an order: per protocol, exact);
//!   `cipher_x<hex>` (`-e`, part of the default run: *which* suites, not under which
//!   protocol). From `-e` alone a suite is recorded under every offered protocol that can
//!   negotiate it; when that is more than one protocol the document says so in
//!   `incomplete` (run with `-E` for exact facts). The suite name is the IANA name at the
//!   end of the finding, else the OpenSSL name after the hex code.
//! - `dh_bits`/`ecdh_bits`/`groups`: the `DH 1024` / `ECDH 253` column of the suite
//!   findings, `PFS_ECDHE_curves` and `DH_groups` (group names and `(N bits)`).
//! - `server_cipher_order`: `cipher_order` (`server` / `NOT a cipher order…`).
//! - `secure_renegotiation`: `secure_renego` (`supported` / `Not supported…VULNERABLE`),
//!   only when a protocol older than TLS 1.3 is offered.
//! - `hsts`: `HSTS` `not offered` → `null`; `HSTS_time` `… (=N seconds)` with
//!   `HSTS_subdomains` and `HSTS_preload`; neither id → not measured.
//! - certificate: the PEM in `cert` (the first certificate when the server has several,
//!   `cert <cert#1>`), read as the probe reads a certificate; the verdicts are testssl.sh's:
//!   `cert_chain_of_trust` (`passed` / `failed (…)`), `cert_trust` (`Ok via …` / `…does not
//!   match…`); the chain is complete when trust passed or the leaf is self-signed
//!   (`failed (self signed)`), otherwise unknown.
//! - `collected_at`: pretty files carry `startTime` (Unix seconds) and `scanTime`
//!   (seconds), and the scan is dated when it finished; flat files carry no time, so the
//!   file's modification time (written when the scan ended) is used. Flat files carry no
//!   version either: the collector version is then `unknown`.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use super::{certificate, subject, suite_entry, At, Facts, ImportError, Imported, Input};
use super::{Measured, TimeSource, Verdicts};
use crate::collect::tls::body::{Hsts, Protocol};
use crate::collect::tls::grade::grade;
use crate::collect::tls::suites;
use crate::evidence::Collector;

/// The `source` of imported documents.
pub const SOURCE: &str = "import:testssl";
/// The collector name.
pub const TOOL: &str = "testssl.sh";

const PROTOCOL_IDS: [(&str, Protocol); 5] = [
    ("SSLv3", Protocol::Ssl3),
    ("TLS1", Protocol::Tls10),
    ("TLS1_1", Protocol::Tls11),
    ("TLS1_2", Protocol::Tls12),
    ("TLS1_3", Protocol::Tls13),
];

/// One finding: its id (with a `<cert#1>` suffix removed), its text and where it is.
struct Finding<'a> {
    id: String,
    text: &'a str,
    severity: &'a str,
    at: At<'a>,
}

/// Every server of a testssl.sh JSON file, pretty or flat.
pub fn from_testssl(input: Input<'_>) -> Result<Vec<Imported>, ImportError> {
    let v = input.parse("testssl.sh")?;
    let root = At::root(&v, input);
    match &v {
        Value::Object(_) => pretty(&root, input),
        Value::Array(_) => flat(&root, input),
        _ => {
            Err(root
                .err("expected an object (--jsonfile-pretty) or an array (--jsonfile) of findings"))
        }
    }
}

fn pretty(root: &At<'_>, input: Input<'_>) -> Result<Vec<Imported>, ImportError> {
    let version = root.get("version")?.str()?;
    let version = version.split_whitespace().next().unwrap_or("unknown");
    let start = match root.opt("startTime")? {
        Some(t) => {
            let secs = t.u64_lenient()?;
            let took = match root.opt("scanTime")? {
                Some(s) => s.u64_lenient().unwrap_or(0),
                None => 0,
            };
            let at = i64::try_from(secs.saturating_add(took))
                .ok()
                .and_then(|s| Utc.timestamp_opt(s, 0).single())
                .ok_or_else(|| t.err("not a Unix time in seconds"))?;
            Some(at)
        }
        None => None,
    };
    let (collected_at, time_source) = input.when(start, "startTime")?;
    let results = root.get("scanResult")?;
    let servers = results.items()?;
    if servers.is_empty() {
        return Err(results.err("empty: the file holds no scanned server"));
    }
    let mut out = Vec::new();
    for s in &servers {
        let host = s.get("targetHost")?.str()?;
        let ip = s.get("ip")?.str()?;
        let port = port(&s.get("port")?)?;
        let mut findings = Vec::new();
        let obj = s.v.as_object().map(|m| m.iter()).into_iter().flatten();
        for (key, section) in obj {
            if section.is_array() {
                for f in s.child(section, &format!(".{key}")).items()? {
                    if let Some(f) = finding(f)? {
                        findings.push(f);
                    }
                }
            }
        }
        out.push(server(
            s,
            &findings,
            host,
            ip,
            port,
            version,
            collected_at,
            time_source,
        )?);
    }
    Ok(out)
}

fn flat(root: &At<'_>, input: Input<'_>) -> Result<Vec<Imported>, ImportError> {
    let items = root.items()?;
    if items.is_empty() {
        return Err(root.err("empty: the file holds no finding"));
    }
    let (collected_at, time_source) = input.when(None, "(file)")?;
    // Servers in the order they first appear, keyed by testssl's `host/ip` and port.
    let mut servers: Vec<((String, u16), Vec<Finding<'_>>)> = Vec::new();
    for item in items {
        let ip = item.get("ip")?.str()?.to_string();
        let port = port(&item.get("port")?)?;
        let Some(f) = finding(item)? else { continue };
        let key = (ip, port);
        match servers.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(f),
            None => servers.push((key, vec![f])),
        }
    }
    servers
        .iter()
        .map(|((ip, port), findings)| {
            let (host, addr) = ip.split_once('/').unwrap_or((ip, ip));
            server(
                root,
                findings,
                host,
                addr,
                *port,
                "unknown",
                collected_at,
                time_source,
            )
        })
        .collect()
}

fn port(at: &At<'_>) -> Result<u16, ImportError> {
    u16::try_from(at.u64_lenient()?)
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| at.err("expected a TCP port, 1-65535"))
}

/// Reads one finding; `None` for the second and later certificates of a multi-cert server.
fn finding(f: At<'_>) -> Result<Option<Finding<'_>>, ImportError> {
    let id = f.get("id")?.str()?;
    let text = f.get("finding")?.str()?;
    let severity = match f.opt("severity")? {
        Some(s) => s.str()?,
        None => "",
    };
    let id = match id.find(" <") {
        Some(i) if id.ends_with("#1>") => &id[..i],
        Some(_) => return Ok(None),
        None => id,
    };
    Ok(Some(Finding {
        id: id.to_string(),
        text,
        severity,
        at: f.child(f.v, ".finding"),
    }))
}

fn protocol_key(key: &str) -> Option<Protocol> {
    match key.to_ascii_lowercase().replace(['.', 'v'], "_").as_str() {
        "ssl3" | "ssl_3" => Some(Protocol::Ssl3),
        "tls1" | "tls_1" | "tls1_0" | "tls_1_0" => Some(Protocol::Tls10),
        "tls1_1" | "tls_1_1" => Some(Protocol::Tls11),
        "tls1_2" | "tls_1_2" => Some(Protocol::Tls12),
        "tls1_3" | "tls_1_3" => Some(Protocol::Tls13),
        _ => None,
    }
}

/// The suite name of a `cipher-…`/`cipher_…` finding: the IANA name at the end, else the
/// OpenSSL name after the hex code. Also returns the key exchange column (`DH 1024`).
fn suite_of(text: &str) -> (Option<&str>, Option<(&str, u32)>) {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let hex = tokens.iter().position(|t| {
        t.len() > 1 && t.starts_with('x') && t[1..].bytes().all(|b| b.is_ascii_hexdigit())
    });
    let name = match tokens.last() {
        Some(last) if suites::by_name(last).is_some() => Some(*last),
        _ => hex.and_then(|i| tokens.get(i + 1)).copied(),
    };
    let kx = hex.and_then(|i| {
        let kx = *tokens.get(i + 2)?;
        let bits = tokens.get(i + 3)?.parse::<u32>().ok()?;
        Some((kx, bits))
    });
    (name, kx)
}

#[allow(clippy::too_many_arguments)]
fn server(
    at: &At<'_>,
    findings: &[Finding<'_>],
    host: &str,
    ip: &str,
    port: u16,
    version: &str,
    collected_at: DateTime<Utc>,
    time_source: TimeSource,
) -> Result<Imported, ImportError> {
    let get = |id: &str| findings.iter().find(|f| f.id == id);
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
    if let Some(p) = findings
        .iter()
        .find(|f| f.id == "scanProblem" && f.severity.eq_ignore_ascii_case("FATAL"))
    {
        return Ok(imported(Measured::Failed(format!(
            "testssl.sh could not scan: {}",
            p.text
        ))));
    }

    let mut facts = Facts::default();
    if get("SSLv2").is_some_and(|f| f.text.to_ascii_lowercase().starts_with("offered")) {
        facts.missing(
            "SSL 2.0 support: the server offers SSL 2.0, which tls.endpoint evidence cannot record",
        );
    }
    for (id, p) in PROTOCOL_IDS {
        if let Some(f) = get(id) {
            let t = f.text.trim().to_ascii_lowercase();
            if t.starts_with("not offered") {
                facts.protocol(p, false);
            } else if t.starts_with("offered") {
                facts.protocol(p, true);
            }
        }
    }

    // Suites, per protocol when the file says so.
    let mut exact = false;
    for f in findings {
        let per_proto =
            f.id.strip_prefix("cipher-")
                .and_then(|rest| rest.rsplit_once("_x"))
                .map(|(proto, _)| proto);
        let Some(proto) = per_proto else { continue };
        exact = true;
        let Some(protocol) = protocol_key(proto) else {
            continue; // SSLv2 suites: no field for them (noted above)
        };
        add_suite(&mut facts, f, protocol)?;
    }
    if !exact {
        for f in findings {
            let Some(proto) = f.id.strip_prefix("cipherorder_") else {
                continue;
            };
            let Some(protocol) = protocol_key(proto) else {
                continue;
            };
            exact = true;
            for name in f.text.split_whitespace() {
                facts.suite(suite_entry(&f.at, name, protocol, false)?);
            }
        }
    }
    if !exact {
        let offered: Vec<Protocol> = Protocol::ALL
            .into_iter()
            .filter(|p| facts.protocols[super::index(*p)] == Some(true))
            .collect();
        let mut any = false;
        for f in findings.iter().filter(|f| f.id.starts_with("cipher_x")) {
            any = true;
            let (name, kx) = suite_of(f.text);
            let name = name.ok_or_else(|| {
                f.at.err("expected a cipher suite finding (hex code, names)")
            })?;
            let suite = suites::by_name(name).ok_or_else(|| {
                f.at.err(format!(
                    "unknown cipher suite '{name}' (expected an IANA or OpenSSL suite name)"
                ))
            })?;
            let under: Vec<Protocol> = offered
                .iter()
                .copied()
                .filter(|p| suite.usable_with(*p))
                .collect();
            if under.len() != 1 {
                facts.missing(
                    "the protocol each cipher suite was accepted under (testssl.sh ran without -E; \
                     each suite is recorded under every offered protocol that can negotiate it)",
                );
            }
            for p in under {
                add_kx(&mut facts, kx);
                let ffdh = p == Protocol::Tls13 && kx.is_some_and(|(k, _)| k == "DH");
                facts.suite(suite_entry(&f.at, name, p, ffdh)?);
            }
        }
        if !any {
            facts.missing(
                "which cipher suites are accepted (run testssl.sh with -E, or its default checks)",
            );
        }
    }

    if let Some(f) = get("PFS_ECDHE_curves") {
        for name in f.text.split_whitespace() {
            if name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                facts.group(name, None);
            }
        }
    }
    if let Some(f) = get("DH_groups") {
        for token in f.text.split_whitespace() {
            if token.to_ascii_lowercase().starts_with("ffdhe") {
                facts.group(token, None);
            }
        }
        if let Some(bits) = bits_in_parens(f.text) {
            facts.dh(bits);
        }
    }

    let renegotiation = get("secure_renego").and_then(|f| {
        let t = f.text.trim().to_ascii_lowercase();
        if t.contains("not supported") || t.contains("vulnerable") {
            Some(false)
        } else if t.starts_with("supported") {
            Some(true)
        } else {
            None
        }
    });
    let order = get("cipher_order").and_then(|f| {
        let t = f.text.trim().to_ascii_lowercase();
        if t.starts_with("server") {
            Some(true)
        } else if t.contains("not a cipher order") {
            Some(false)
        } else {
            None
        }
    });
    let hsts = match (get("HSTS_time"), get("HSTS")) {
        (Some(t), _) => seconds(t.text).map(|max_age| {
            Some(Hsts {
                max_age,
                include_subdomains: get("HSTS_subdomains")
                    .is_some_and(|f| f.text.to_ascii_lowercase().contains("includes subdomains")),
                preload: get("HSTS_preload").is_some_and(|f| {
                    let t = f.text.to_ascii_lowercase();
                    t.contains("marked for preloading") && !t.contains("not marked")
                }),
            })
        }),
        (None, Some(h))
            if h.text
                .trim()
                .to_ascii_lowercase()
                .starts_with("not offered") =>
        {
            Some(None)
        }
        _ => None,
    };

    let pem = get("cert").ok_or_else(|| {
        at.child(at.v, "[id=cert]").err(
            "missing: no certificate finding; tls.endpoint evidence needs the certificate \
             (run testssl.sh with -S or its default checks)",
        )
    })?;
    let chain = get("cert_chain_of_trust").map(|f| f.text.trim().to_ascii_lowercase());
    let self_signed = chain
        .as_deref()
        .is_some_and(|t| t.contains("(self signed)"));
    let trusted = chain.as_deref().and_then(|t| {
        if t.starts_with("passed") {
            Some(true)
        } else if t.starts_with("failed") {
            Some(false)
        } else {
            None
        }
    });
    let hostname_match = get("cert_trust").and_then(|f| {
        let t = f.text.trim().to_ascii_lowercase();
        if t.starts_with("ok via") {
            Some(true)
        } else if t.contains("does not match") {
            Some(false)
        } else {
            None
        }
    });
    let verdicts = Verdicts {
        trusted,
        hostname_match,
        chain_complete: (trusted == Some(true) || self_signed).then_some(true),
        self_signed: self_signed.then_some(true),
    };
    let cert = certificate(&pem.at, pem.text, host, verdicts, &mut facts)?;
    let (mut body, missing) = facts.into_body(host, port, Some(ip.to_string()));
    body.certificate = Some(cert);
    let legacy = Protocol::ALL
        .into_iter()
        .any(|p| p < Protocol::Tls13 && body.protocols.offers(p));
    body.secure_renegotiation = renegotiation.filter(|_| legacy);
    body.server_cipher_order = order;
    body.hsts = hsts;
    body.grade = Some(grade(&body, collected_at));
    Ok(imported(Measured::Body {
        body: Box::new(body),
        missing,
    }))
}

fn add_suite(facts: &mut Facts, f: &Finding<'_>, protocol: Protocol) -> Result<(), ImportError> {
    let (name, kx) = suite_of(f.text);
    let name = name.ok_or_else(|| {
        f.at.err("expected a cipher suite finding (hex code, names)")
    })?;
    add_kx(facts, kx);
    let ffdh = protocol == Protocol::Tls13 && kx.is_some_and(|(k, _)| k == "DH");
    facts.suite(suite_entry(&f.at, name, protocol, ffdh)?);
    Ok(())
}

fn add_kx(facts: &mut Facts, kx: Option<(&str, u32)>) {
    match kx {
        Some(("DH", bits)) => facts.dh(bits),
        Some(("ECDH", bits)) => facts.ecdh(bits),
        _ => {}
    }
}

/// `N` from the first `(N bits)`.
fn bits_in_parens(text: &str) -> Option<u32> {
    let i = text.find(" bits)")?;
    let head = &text[..i];
    let start = head.rfind('(')? + 1;
    head[start..].trim().parse().ok()
}

/// `N` from `… (=N seconds)` or `N seconds`.
fn seconds(text: &str) -> Option<u64> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    tokens.windows(2).find_map(|w| {
        if w[1].starts_with("seconds") {
            w[0].trim_start_matches(['(', '=']).parse().ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_columns() {
        let (n, kx) = suite_of(
            "TLS 1.1   x39     DHE-RSA-AES256-SHA                DH 1024    AES         256      TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        );
        assert_eq!(n, Some("TLS_DHE_RSA_WITH_AES_256_CBC_SHA"));
        assert_eq!(kx, Some(("DH", 1024)));
        let (n, kx) = suite_of("x2f     AES128-SHA      RSA        AES         128");
        assert_eq!(n, Some("AES128-SHA"));
        assert_eq!(kx, None);
        assert_eq!(suite_of(""), (None, None));
        assert_eq!(bits_in_parens("Unknown DH group (1024 bits)"), Some(1024));
        assert_eq!(bits_in_parens("ffdhe2048"), None);
        assert_eq!(
            seconds("365 days (=31536000 seconds) > 15552000 seconds"),
            Some(31_536_000)
        );
        assert_eq!(seconds("not offered"), None);
    }
}
