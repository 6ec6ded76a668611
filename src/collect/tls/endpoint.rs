//! Measuring one endpoint end to end: protocols, suites, key exchange, certificate, HSTS,
//! and the grade — the `tls.endpoint` body.
//!
//! Handshakes per endpoint: one per accepted suite plus one refusal per chunk of
//! candidates and protocol (so ~5 for a server that offers only TLS 1.3, ~10–20 for a
//! typical TLS 1.2+1.3 server), one to test whether the server enforces its own suite
//! order, and one full rustls handshake for the certificate chain and the HTTP head.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::body::{Protocol, TlsEndpoint};
use super::cert::{self, TrustStore};
use super::grade::grade;
use super::https;
use super::probe::{accepted_groups, accepted_suites, pick, ProbeError, Target};
use super::suites;
use super::wire::{self, parse_server_key_exchange, KeyExchangeParams, Reply};

/// How to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// Deadline per connection.
    pub timeout: Duration,
    /// Roots the chain must lead to.
    pub store: TrustStore,
    /// The instant certificate expiry is judged at.
    pub now: DateTime<Utc>,
}

/// Measures `host:port` at `addr`. An `Err` is a failure to measure, to be recorded as
/// `body.error`: a server that answers nothing is not a server that offers nothing.
pub async fn measure(
    host: &str,
    port: u16,
    addr: SocketAddr,
    opts: &Options,
) -> Result<TlsEndpoint, String> {
    let sni = host
        .parse::<std::net::IpAddr>()
        .is_err()
        .then(|| host.to_string());
    let target = Target::new(addr, sni, opts.timeout);
    let mut body = TlsEndpoint {
        host: host.to_string(),
        port,
        address: Some(addr.ip().to_string()),
        ..TlsEndpoint::default()
    };
    let mut replies: Vec<(Protocol, Reply)> = Vec::new();
    for protocol in Protocol::ALL {
        let (ids, rs) = accepted_suites(&target, protocol, &suites::probe_list(protocol))
            .await
            .map_err(describe)?;
        body.protocols.set(protocol, !ids.is_empty());
        replies.extend(rs.into_iter().map(|r| (protocol, r)));
    }
    let mut dh_bits: Option<u32> = None;
    let mut ecdh_bits: Option<u32> = None;
    let mut renegotiation = true;
    let mut legacy_chain: Vec<Vec<u8>> = Vec::new();
    for (protocol, reply) in &replies {
        let Some(hello) = &reply.hello else { continue };
        let Some(suite) = suites::by_id(hello.cipher_suite) else {
            continue;
        };
        let mut group = hello.group;
        if *protocol != Protocol::Tls13 {
            renegotiation &= hello.secure_renegotiation;
            if legacy_chain.is_empty() {
                legacy_chain = reply.certificates.clone();
            }
            if let Some(ske) = &reply.key_exchange {
                let ecdhe = body_kx_is_ec(suite);
                match parse_server_key_exchange(ske, ecdhe) {
                    Ok(KeyExchangeParams::Dh { prime_bits }) => {
                        dh_bits = Some(dh_bits.map_or(prime_bits, |b| b.min(prime_bits)))
                    }
                    Ok(KeyExchangeParams::Ecdh { group: g }) => group = Some(g),
                    Err(e) => {
                        return Err(format!("invalid ServerKeyExchange for {}: {e}", suite.name))
                    }
                }
            }
        }
        if let Some(g) = group {
            note_group(g, &mut dh_bits, &mut ecdh_bits, &mut body.groups);
        }
        let entry = suite.evidence(*protocol, group);
        if !body.cipher_suites.contains(&entry) {
            body.cipher_suites.push(entry);
        }
    }
    // Which groups the server accepts, one offered at a time, under the newest protocol
    // that has (EC)DHE suites: the smallest one is what a weak client gets.
    for protocol in [Protocol::Tls13, Protocol::Tls12] {
        let kx_suites: Vec<u16> = replies
            .iter()
            .filter(|(p, _)| *p == protocol)
            .filter_map(|(_, r)| r.hello.as_ref().map(|h| h.cipher_suite))
            .filter(|id| {
                protocol == Protocol::Tls13 || suites::by_id(*id).is_some_and(body_kx_is_ec)
            })
            .collect();
        if kx_suites.is_empty() {
            continue;
        }
        for g in accepted_groups(&target, protocol, &kx_suites)
            .await
            .map_err(describe)?
        {
            note_group(g, &mut dh_bits, &mut ecdh_bits, &mut body.groups);
        }
    }
    body.dh_bits = dh_bits;
    body.ecdh_bits = ecdh_bits;
    body.groups.sort();
    let legacy_offered = replies.iter().any(|(p, _)| *p != Protocol::Tls13);
    body.secure_renegotiation = legacy_offered.then_some(renegotiation);
    body.server_cipher_order = server_order(&target, &replies).await.map_err(describe)?;

    // The full handshake shows the chain under the best protocol and the HTTP head; a
    // server rustls cannot talk to (SSL 3.0–TLS 1.1 only) leaves HSTS unmeasured.
    let full = https::fetch(&target, host, "/").await.ok();
    let chain = match &full {
        Some(f) if !f.certificates.is_empty() => f.certificates.clone(),
        _ => legacy_chain,
    };
    body.hsts = full.and_then(|f| f.hsts);
    if !chain.is_empty() {
        body.certificate =
            Some(cert::facts(&chain, host, opts.now, &opts.store).map_err(|e| e.to_string())?);
    }
    if replies.is_empty() {
        return Err("no protocol and no cipher suite was accepted: the port does not speak TLS, or refuses every ClientHello".into());
    }
    body.grade = Some(grade(&body, opts.now));
    body.connections = Some(target.connection_count());
    Ok(body)
}

/// Records a group the server used: its name, and its size as the smallest finite-field
/// (RFC 7919 ids from 256) or elliptic-curve group seen so far.
fn note_group(
    g: u16,
    dh_bits: &mut Option<u32>,
    ecdh_bits: &mut Option<u32>,
    groups: &mut Vec<String>,
) {
    let Some((name, bits)) = wire::group(g) else {
        return;
    };
    let smallest = if g >= 256 { dh_bits } else { ecdh_bits };
    *smallest = Some(smallest.map_or(bits, |b| b.min(bits)));
    if !groups.iter().any(|n| n == name) {
        groups.push(name.to_string());
    }
}

fn body_kx_is_ec(suite: &suites::Suite) -> bool {
    matches!(suite.kx, suites::Kx::Ecdhe | suites::Kx::EcdhePsk)
}

/// Whether the server picks by its own order: offer the accepted suites of the newest
/// protocol with two or more in reverse; if it still picks its first choice, it enforces
/// its order. `None` when there is nothing to compare.
async fn server_order(
    target: &Target,
    replies: &[(Protocol, Reply)],
) -> Result<Option<bool>, ProbeError> {
    for protocol in Protocol::ALL.into_iter().rev() {
        let ids: Vec<u16> = replies
            .iter()
            .filter(|(p, _)| *p == protocol)
            .filter_map(|(_, r)| r.hello.as_ref().map(|h| h.cipher_suite))
            .collect();
        if ids.len() < 2 {
            continue;
        }
        let mut reversed = ids.clone();
        reversed.reverse();
        let first = pick(target, protocol, &ids)
            .await?
            .and_then(|r| r.hello.map(|h| h.cipher_suite));
        let again = pick(target, protocol, &reversed)
            .await?
            .and_then(|r| r.hello.map(|h| h.cipher_suite));
        return Ok(match (first, again) {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        });
    }
    Ok(None)
}

fn describe(e: ProbeError) -> String {
    e.to_string()
}
