//! Redis: `INFO replication` on every named node, over a plain TCP connection and the
//! few lines of RESP it takes (no client library: one command, one bulk-string reply).
//!
//! URLs: `redis://[[user]:password@]host[:port]` (port 6379). The password comes from
//! the URL, else `REDIS_PASSWORD` (`REDIS_USERNAME` for an ACL user); it is sent with
//! `AUTH` and kept out of evidence and messages. `rediss://` speaks TLS (rustls), checking
//! the certificate against Mozilla's roots, or not at all with `#insecure` (as redis-cli
//! `--insecure`); each member records `tls`.
//!
//! A master lists each replica as `slaveN:ip=…,port=…,state=online,offset=…,lag=…`:
//! the member's `state` is that `state` (`online` is healthy), `lag_seconds` is `lag`
//! (seconds since the replica's last acknowledgement), `lag_bytes` the offset
//! difference. A replica reports `master_link_status` (`up` → state `connected`, else
//! `down`), used when its master was not named or did not list it.

use std::time::Duration;

use serde_json::json;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::ClientConfig;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::{percent_decode, AcceptAnyCertificate, Named, Node, NodeReport, Replica, Secrets};

/// Longest `INFO` reply read (a real one is a few hundred bytes).
const MAX_REPLY: usize = 1 << 20;

/// One node to ask.
#[derive(Clone)]
pub struct Target {
    /// `host:port`, the member name.
    pub name: String,
    host: String,
    port: u16,
    user: Option<String>,
    password: Option<String>,
    /// `None`: plaintext; `Some(verify)`: TLS, checking the certificate when `verify`.
    tls: Option<bool>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("name", &self.name).finish()
    }
}

/// Reads `redis://[[user]:password@]host[:port]` (or a bare `host:port`).
pub fn target(url: &str, secrets: &mut Secrets) -> Result<Target, String> {
    let env_password = std::env::var("REDIS_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty());
    if let Some(p) = &env_password {
        secrets.add(p);
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("redis", url));
    let insecure = rest.ends_with("#insecure") || rest.contains("?insecure");
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (mut user, mut password) = (None, None);
    if let Some(u) = userinfo {
        let (name, pass) = u.split_once(':').unwrap_or((u, ""));
        if !pass.is_empty() {
            secrets.add(pass);
            let p = percent_decode(pass);
            secrets.add(&p);
            password = Some(p);
        }
        if !name.is_empty() {
            user = Some(percent_decode(name));
        }
    }
    let shown = if hostport.is_empty() {
        "the URL"
    } else {
        hostport
    };
    let bad = |why: &str| secrets.scrub(&format!("{shown}: {why}"));
    let tls = match scheme {
        "redis" => None,
        "rediss" => Some(!insecure),
        _ => {
            return Err(bad(
                "expected a URL redis://[[user]:password@]host[:port] or rediss://…",
            ))
        }
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
            let port = p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad("the port is not 1-65535"))?;
            (h, port)
        }
        _ => (hostport, 6379),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(bad("the URL names no host"));
    }
    if password.is_none() {
        password = env_password;
        if user.is_none() {
            user = std::env::var("REDIS_USERNAME")
                .ok()
                .filter(|u| !u.is_empty());
        }
    }
    let name = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    Ok(Target {
        name,
        host: host.to_string(),
        port,
        user,
        password,
        tls,
    })
}

/// Asks every node at the same time; one answer per node, in the order given.
pub async fn probe_all(targets: &[Target], timeout: Duration, secrets: &Secrets) -> Vec<Named> {
    let names = targets.iter().map(|t| t.name.clone()).collect();
    super::probe_nodes(names, timeout, secrets, |i| {
        let t = targets[i].clone();
        async move {
            let text = info(&t).await?;
            let mut n = node(&parse_info(&text));
            n.facts.insert("tls".into(), json!(t.tls.is_some()));
            Ok::<_, String>(n)
        }
    })
    .await
}

/// A RESP array of bulk strings.
fn command(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// One reply: `+OK` / `-ERR …` / `$n` bulk string (others are refused).
async fn reply<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Result<String, String> {
    let mut line = Vec::new();
    let n = (&mut *r)
        .take(4096)
        .read_until(b'\n', &mut line)
        .await
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err("the server closed the connection".into());
    }
    let text = String::from_utf8_lossy(&line).trim_end().to_string();
    match text.as_bytes().first() {
        Some(b'+') => Ok(text[1..].to_string()),
        Some(b'-') => Err(format!("the server answered: {}", &text[1..])),
        Some(b'$') => {
            let len: i64 = text[1..]
                .parse()
                .map_err(|_| format!("bad bulk length {:?}", &text[1..]))?;
            if len < 0 {
                return Ok(String::new());
            }
            let len = usize::try_from(len).map_err(|_| "bad bulk length".to_string())?;
            if len > MAX_REPLY {
                return Err(format!("reply of {len} bytes is too long"));
            }
            let mut buf = vec![0u8; len + 2];
            r.read_exact(&mut buf).await.map_err(|e| e.to_string())?;
            buf.truncate(len);
            Ok(String::from_utf8_lossy(&buf).into_owned())
        }
        _ => Err(format!(
            "not a Redis reply: {:?}",
            text.chars().take(40).collect::<String>()
        )),
    }
}

async fn info(t: &Target) -> Result<String, String> {
    let tcp = TcpStream::connect((t.host.as_str(), t.port))
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let Some(verify) = t.tls else {
        return exchange(tcp, t).await;
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = if verify {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
            .with_no_client_auth()
    };
    let name = ServerName::try_from(t.host.clone()).map_err(|e| format!("server name: {e}"))?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS handshake failed: {e}"))?;
    exchange(tls, t).await
}

/// `AUTH` when a password is known, then `INFO replication`.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    t: &Target,
) -> Result<String, String> {
    let mut s = BufReader::new(stream);
    if let Some(p) = &t.password {
        let auth = match &t.user {
            Some(u) => command(&["AUTH", u, p]),
            None => command(&["AUTH", p]),
        };
        s.get_mut()
            .write_all(&auth)
            .await
            .map_err(|e| e.to_string())?;
        reply(&mut s)
            .await
            .map_err(|e| format!("AUTH failed: {e}"))?;
    }
    s.get_mut()
        .write_all(&command(&["INFO", "replication"]))
        .await
        .map_err(|e| e.to_string())?;
    reply(&mut s).await.map_err(|e| {
        if e.contains("NOAUTH") {
            format!("{e} (give the password in the URL or REDIS_PASSWORD)")
        } else {
            e
        }
    })
}

/// `key:value` lines of an INFO section.
pub fn parse_info(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The node as the replication section describes it.
pub fn node(info: &[(String, String)]) -> Node {
    let get = |k: &str| info.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str());
    let num = |k: &str| get(k).and_then(|v| v.parse::<u64>().ok());
    let mut n = Node::default();
    let role = get("role").unwrap_or("unknown");
    n.facts.insert("redis_role".into(), json!(role));
    if role == "master" {
        n.primary = true;
        n.state = "primary".into();
        let offset = num("master_repl_offset");
        n.position = offset;
        n.facts
            .insert("connected_replicas".into(), json!(num("connected_slaves")));
        for (k, v) in info {
            let idx = k.strip_prefix("slave").unwrap_or("");
            if idx.is_empty() || !idx.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let f: Vec<(&str, &str)> = v.split(',').filter_map(|p| p.split_once('=')).collect();
            let g = |k: &str| f.iter().find(|(x, _)| *x == k).map(|(_, v)| *v);
            let addr = format!("{}:{}", g("ip").unwrap_or("?"), g("port").unwrap_or("?"));
            let off = g("offset").and_then(|o| o.parse::<u64>().ok());
            let mut facts = serde_json::Map::new();
            facts.insert("offset".into(), json!(off));
            facts.insert(
                "lag_bytes".into(),
                json!(match (offset, off) {
                    (Some(m), Some(s)) => Some(m.saturating_sub(s)),
                    _ => None,
                }),
            );
            n.replicas.push(Replica {
                name: addr.clone(),
                match_keys: vec![format!("addr:{addr}")],
                address: g("ip").map(str::to_string),
                state: g("state").unwrap_or("unknown").to_string(),
                lag_seconds: g("lag").and_then(|l| l.parse::<f64>().ok()),
                facts,
            });
        }
    } else {
        n.state = match get("master_link_status") {
            Some("up") => "connected".into(),
            Some(other) => format!("link {other}"),
            None => "unknown".into(),
        };
        n.position = num("slave_repl_offset");
        n.facts.insert(
            "master_link_status".into(),
            json!(get("master_link_status")),
        );
        if let (Some(h), Some(p)) = (get("master_host"), get("master_port")) {
            n.facts.insert("upstream".into(), json!(format!("{h}:{p}")));
        }
        if get("master_link_status") == Some("up") {
            n.lag_seconds = num("master_last_io_seconds_ago").map(|s| s as f64);
        }
    }
    n
}

/// Match keys of a named replica: its own `host:port` as its master lists it (a replica
/// named by host name, or behind NAT, is matched by elimination when it is the only one).
pub fn add_match_keys(nodes: &mut [Named]) {
    for n in nodes {
        let name = n.name.clone();
        if let NodeReport::Reached(x) = &mut n.report {
            x.match_keys.push(format!("addr:{name}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_and_replica_info() {
        let m = parse_info(
            "# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=10.0.0.2,port=6380,state=online,offset=100,lag=0\r\nslave1:ip=10.0.0.3,port=6381,state=wait_bgsave,offset=0,lag=5\r\nmaster_repl_offset:120\r\n",
        );
        let n = node(&m);
        assert!(n.primary);
        assert_eq!(n.replicas.len(), 2);
        assert_eq!(n.replicas[0].state, "online");
        assert_eq!(n.replicas[0].facts["lag_bytes"], 20);
        assert_eq!(n.replicas[1].lag_seconds, Some(5.0));
        let r = node(&parse_info(
            "role:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6379\r\nmaster_link_status:down\r\nslave_repl_offset:7\r\n",
        ));
        assert!(!r.primary);
        assert_eq!(r.state, "link down");
    }

    #[test]
    fn urls_and_resp() {
        let mut s = Secrets::default();
        let t = target("redis://:pa%3Ass@h:6380", &mut s).unwrap();
        assert_eq!(
            (t.name.as_str(), t.password.as_deref()),
            ("h:6380", Some("pa:ss"))
        );
        assert!(!format!("{t:?}").contains("pa"));
        assert_eq!(target("h", &mut s).unwrap().name, "h:6379");
        assert_eq!(
            target("redis://[::1]:7000", &mut s).unwrap().name,
            "[::1]:7000"
        );
        assert_eq!(target("rediss://h:1", &mut s).unwrap().tls, Some(true));
        assert_eq!(target("rediss://h:1#insecure", &mut s).unwrap().name, "h:1");
        assert_eq!(
            target("rediss://h:1#insecure", &mut s).unwrap().tls,
            Some(false)
        );
        assert_eq!(target("redis://h:1", &mut s).unwrap().tls, None);
        let e = target("http://:topsecret@h:1", &mut s).unwrap_err();
        assert!(
            e.contains("expected a URL") && !e.contains("topsecret"),
            "{e}"
        );
        assert_eq!(command(&["INFO"]), b"*1\r\n$4\r\nINFO\r\n");
    }

    #[tokio::test]
    async fn replies() {
        let mut r: &[u8] = b"$5\r\nhello\r\n-ERR bad\r\n+OK\r\n:1\r\n";
        assert_eq!(reply(&mut r).await.unwrap(), "hello");
        assert!(reply(&mut r).await.unwrap_err().contains("ERR bad"));
        assert_eq!(reply(&mut r).await.unwrap(), "OK");
        assert!(reply(&mut r).await.is_err());
        assert!(reply(&mut r).await.is_err());
    }
}
