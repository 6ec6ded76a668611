//! Talking to a TLS server: one connection per question ("do you speak TLS 1.1?", "which
//! of these suites do you pick?"), each with a deadline, reading the reply through the
//! bounded parser in [`super::wire`].
//!
//! A probe never completes a handshake. It sends a ClientHello, reads the server's first
//! flight and closes. That is enough to learn the protocol, the suite, the key-exchange
//! parameters and (up to TLS 1.2) the certificate chain, and it works for protocols and
//! suites no modern TLS library will offer.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use super::body::Protocol;
use super::wire::{ClientHello, Reply, ReplyParser, WireError};

/// How long one exchange (connect, send, read the first flight) may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Groups we offer: x25519 first (its key share is a plain 32-byte string), then the NIST
/// curves and the finite-field groups, so a server shows every group it is willing to use.
pub const OFFERED_GROUPS: [u16; 8] = [29, 23, 24, 25, 30, 256, 257, 258];

/// Most suites in one ClientHello: some servers reject longer lists outright.
pub const MAX_SUITES_PER_HELLO: usize = 120;

/// Why an exchange produced no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// TCP connect failed (refused, unreachable).
    #[error("connect to {addr} failed: {reason}")]
    Connect {
        /// Where.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
    /// The deadline passed.
    #[error("no complete reply from {0} within {1:?}")]
    Timeout(SocketAddr, Duration),
    /// The server sent something that is not a valid TLS reply.
    #[error("invalid reply from {addr}: {error}")]
    Malformed {
        /// Where.
        addr: SocketAddr,
        /// What was wrong.
        error: WireError,
    },
    /// Reading or writing the socket failed.
    #[error("i/o with {addr}: {reason}")]
    Io {
        /// Where.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
}

/// Where to probe.
#[derive(Debug, Clone)]
pub struct Target {
    /// The address to connect to.
    pub addr: SocketAddr,
    /// Host name for SNI (None for bare IP addresses).
    pub sni: Option<String>,
    /// Deadline per exchange.
    pub timeout: Duration,
    /// Connections opened so far, shared by clones: the cost of a measurement, recorded
    /// in the evidence.
    pub connections: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

impl Target {
    /// A target with a fresh connection counter.
    pub fn new(addr: SocketAddr, sni: Option<String>, timeout: Duration) -> Target {
        Target {
            addr,
            sni,
            timeout,
            connections: Default::default(),
        }
    }

    /// Opens a TCP connection before `deadline`, counting it.
    pub async fn connect(&self, deadline: Instant) -> Result<TcpStream, ProbeError> {
        self.connections
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let addr = self.addr;
        timeout_at(deadline, TcpStream::connect(addr))
            .await
            .map_err(|_| ProbeError::Timeout(addr, self.timeout))?
            .map_err(|e| ProbeError::Connect {
                addr,
                reason: e.to_string(),
            })
    }

    /// Connections opened so far.
    pub fn connection_count(&self) -> u32 {
        self.connections.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// What an exchange ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The server replied (with a ServerHello, an alert, or a partial flight).
    Reply(Reply),
    /// The server closed the connection without a word (a common way to refuse).
    Closed,
}

/// Sends one ClientHello and reads the server's first flight.
pub async fn exchange(target: &Target, hello: &ClientHello<'_>) -> Result<Answer, ProbeError> {
    let addr = target.addr;
    let deadline = Instant::now() + target.timeout;
    let timeout = || ProbeError::Timeout(addr, target.timeout);
    let mut stream = target.connect(deadline).await?;
    let io = |e: std::io::Error| ProbeError::Io {
        addr,
        reason: e.to_string(),
    };
    timeout_at(deadline, stream.write_all(&hello.to_record()))
        .await
        .map_err(|_| timeout())?
        .map_err(io)?;
    let mut parser = ReplyParser::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = match timeout_at(deadline, stream.read(&mut buf))
            .await
            .map_err(|_| timeout())?
        {
            Ok(n) => n,
            // A reset after a refusal is the same answer as a close.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
            Err(e) => return Err(io(e)),
        };
        if n == 0 {
            if parser.in_message() {
                let error = WireError::MissingData(
                    "the rest of a record (the server closed the connection mid-message)",
                );
                return Err(ProbeError::Malformed { addr, error });
            }
            let reply = parser.into_reply();
            return Ok(if reply.hello.is_none() && reply.alert.is_none() {
                Answer::Closed
            } else {
                Answer::Reply(reply)
            });
        }
        let slice = buf.get(..n).unwrap_or(&[]);
        if parser
            .feed(slice)
            .map_err(|error| ProbeError::Malformed { addr, error })?
        {
            return Ok(Answer::Reply(parser.into_reply()));
        }
    }
}

/// Builds a ClientHello for `protocol` offering `suites`.
pub fn hello_for<'a>(target: &'a Target, protocol: Protocol, suites: &'a [u16]) -> ClientHello<'a> {
    hello_with_groups(target, protocol, suites, &OFFERED_GROUPS)
}

/// [`hello_for`] offering only `groups`.
pub fn hello_with_groups<'a>(
    target: &'a Target,
    protocol: Protocol,
    suites: &'a [u16],
    groups: &'a [u16],
) -> ClientHello<'a> {
    ClientHello {
        version: protocol.wire_version(),
        suites,
        sni: if protocol == Protocol::Ssl3 {
            None
        } else {
            target.sni.as_deref()
        },
        groups,
        random: random_bytes(),
        x25519_share: random_bytes(),
    }
}

/// The suite the server picks from `suites` under `protocol`, with its full reply; `None`
/// if it refuses (alert, close, or a different protocol version).
pub async fn pick(
    target: &Target,
    protocol: Protocol,
    suites: &[u16],
) -> Result<Option<Reply>, ProbeError> {
    let hello = hello_for(target, protocol, suites);
    match exchange(target, &hello).await? {
        Answer::Closed => Ok(None),
        Answer::Reply(r) => match &r.hello {
            Some(h) if h.version == protocol.wire_version() && suites.contains(&h.cipher_suite) => {
                Ok(Some(r))
            }
            Some(h) if h.version == protocol.wire_version() => Err(ProbeError::Malformed {
                addr: target.addr,
                error: WireError::Invalid {
                    field: "cipher_suite",
                    value: format!("{:#06x}, which was not offered", h.cipher_suite),
                },
            }),
            _ => Ok(None),
        },
    }
}

/// The key-exchange groups of [`OFFERED_GROUPS`] the server accepts under `protocol`
/// with `suites` (ECDHE suites for TLS 1.2; TLS 1.3 suites), offering one group per
/// connection. TLS 1.2 names the group in its ServerKeyExchange; TLS 1.3 in the
/// ServerHello's or HelloRetryRequest's key_share.
pub async fn accepted_groups(
    target: &Target,
    protocol: Protocol,
    suites: &[u16],
) -> Result<Vec<u16>, ProbeError> {
    let mut out = Vec::new();
    for g in OFFERED_GROUPS {
        // RFC 7919 groups are negotiated this way only in TLS 1.3.
        if g >= 256 && protocol != Protocol::Tls13 {
            continue;
        }
        let only = [g];
        let hello = hello_with_groups(target, protocol, suites, &only);
        let Answer::Reply(reply) = exchange(target, &hello).await? else {
            continue;
        };
        let Some(h) = &reply.hello else { continue };
        if h.version != protocol.wire_version() {
            continue;
        }
        let chosen = if protocol == Protocol::Tls13 {
            h.group
        } else {
            reply.key_exchange.as_deref().and_then(|ske| {
                match super::wire::parse_server_key_exchange(ske, true) {
                    Ok(super::wire::KeyExchangeParams::Ecdh { group }) => Some(group),
                    _ => None,
                }
            })
        };
        if chosen == Some(g) {
            out.push(g);
        }
    }
    Ok(out)
}

/// Every suite of `candidates` the server accepts under `protocol`, in the order the
/// server picked them (its preference when it enforces one). Each accepted suite costs
/// one handshake, plus one refusal per chunk of candidates.
pub async fn accepted_suites(
    target: &Target,
    protocol: Protocol,
    candidates: &[u16],
) -> Result<(Vec<u16>, Vec<Reply>), ProbeError> {
    let mut accepted = Vec::new();
    let mut replies = Vec::new();
    for chunk in candidates.chunks(MAX_SUITES_PER_HELLO) {
        let mut left: Vec<u16> = chunk.to_vec();
        while !left.is_empty() {
            match pick(target, protocol, &left).await? {
                Some(reply) => {
                    let Some(chosen) = reply.hello.as_ref().map(|h| h.cipher_suite) else {
                        break;
                    };
                    left.retain(|s| *s != chosen);
                    accepted.push(chosen);
                    replies.push(reply);
                }
                None => break,
            }
        }
    }
    Ok((accepted, replies))
}

/// Random bytes for the ClientHello random and key share. They need to be unpredictable
/// enough that servers do not treat probes as replays, not secret: no key is derived.
fn random_bytes() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}
