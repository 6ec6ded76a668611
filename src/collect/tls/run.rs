//! `assay collect tls`: many endpoints at once, each measured by [`super::endpoint`],
//! each turned into one evidence document — a failure to measure included.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::endpoint::{measure, Options};
use crate::evidence::Document;

/// The collector name written into evidence.
pub const COLLECTOR: &str = "assay-tls";

/// One endpoint to probe, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Host name or IP address (without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl Endpoint {
    /// Parses `host`, `host:port`, `1.2.3.4:443`, `[::1]:8443` or `::1` (port 443 when absent).
    pub fn parse(spec: &str) -> Result<Endpoint, String> {
        let bad =
            |why: &str| format!("target '{spec}': {why} (expected HOST, HOST:PORT or [IPv6]:PORT)");
        let s = spec.trim();
        if s.is_empty() {
            return Err(bad("empty"));
        }
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (h, tail) = rest.split_once(']').ok_or_else(|| bad("missing ']'"))?;
            match tail.strip_prefix(':') {
                Some(p) => (h, Some(p)),
                None if tail.is_empty() => (h, None),
                None => return Err(bad("unexpected text after ']'")),
            }
        } else if s.matches(':').count() > 1 {
            (s, None) // a bare IPv6 address
        } else {
            match s.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (s, None),
            }
        };
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad("the port is not 1-65535"))?,
            None => 443,
        };
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c == '/') {
            return Err(bad("not a host name or address"));
        }
        Ok(Endpoint {
            host: host.to_string(),
            port,
        })
    }

    /// `host:port`, the evidence subject (IPv6 in brackets).
    pub fn subject(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Measures every endpoint, at most `concurrency` at a time, calling `progress` after
/// each. Returns one document per endpoint, in the order given.
pub async fn collect(
    endpoints: &[Endpoint],
    opts: &Options,
    concurrency: usize,
    progress: impl Fn(&Endpoint, &Document) + Send + Sync + 'static,
) -> Vec<Document> {
    let limit = Arc::new(Semaphore::new(concurrency.max(1)));
    let progress = Arc::new(progress);
    let mut tasks = tokio::task::JoinSet::new();
    for (i, ep) in endpoints.iter().cloned().enumerate() {
        let (limit, opts, progress) = (limit.clone(), opts.clone(), progress.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let doc = measure_one(&ep, &opts).await;
            progress(&ep, &doc);
            (i, doc)
        });
    }
    let mut out: Vec<Option<Document>> = vec![None; endpoints.len()];
    while let Some(done) = tasks.join_next().await {
        if let Ok((i, doc)) = done {
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(doc);
            }
        }
    }
    // A task that panicked still leaves evidence saying so, never a silent gap.
    out.into_iter()
        .zip(endpoints)
        .map(|(d, ep)| {
            d.unwrap_or_else(|| failed(ep, "the probe crashed; this is a bug in assay".into()))
        })
        .collect()
}

async fn measure_one(ep: &Endpoint, opts: &Options) -> Document {
    let addr = match resolve(ep).await {
        Ok(a) => a,
        Err(e) => return failed(ep, e),
    };
    match measure(&ep.host, ep.port, addr, opts).await {
        Ok(body) => match serde_json::to_value(&body) {
            Ok(v) => document(ep, v),
            Err(e) => failed(ep, format!("cannot record the measurement: {e}")),
        },
        Err(e) => failed(ep, e),
    }
}

async fn resolve(ep: &Endpoint) -> Result<SocketAddr, String> {
    let mut addrs = tokio::net::lookup_host((ep.host.as_str(), ep.port))
        .await
        .map_err(|e| format!("cannot resolve {}: {e}", ep.host))?;
    addrs
        .next()
        .ok_or_else(|| format!("{} has no address", ep.host))
}

fn failed(ep: &Endpoint, error: String) -> Document {
    document(ep, serde_json::json!({ "error": error }))
}

fn document(ep: &Endpoint, body: serde_json::Value) -> Document {
    Document::probed("tls.endpoint", ep.subject(), COLLECTOR, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_specs() {
        let ok = |s: &str, h: &str, p: u16| {
            assert_eq!(
                Endpoint::parse(s).unwrap(),
                Endpoint {
                    host: h.into(),
                    port: p
                },
                "{s}"
            )
        };
        ok("example.com", "example.com", 443);
        ok("example.com:8443", "example.com", 8443);
        ok("127.0.0.1:443", "127.0.0.1", 443);
        ok("[::1]:8443", "::1", 8443);
        ok("[::1]", "::1", 443);
        ok("::1", "::1", 443);
        for bad in [
            "",
            "example.com:0",
            "example.com:99999",
            "example.com:x",
            "[::1",
            "[::1]x",
            "a b",
            "http://x",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Endpoint::parse("[::1]:8443").unwrap().subject(),
            "[::1]:8443"
        );
    }
}
