//! PostgreSQL: one connection per named node (tokio-postgres over rustls), read-only
//! queries only.
//!
//! Per node: `pg_is_in_recovery()` (the role), and whether this very connection is TLS
//! (`pg_stat_ssl` for the own backend: `tls`, `tls_version`). On the primary:
//! `pg_stat_replication` (each replica's `application_name`, `client_addr`, `state`,
//! `sync_state`, lag in bytes `pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)` and in
//! seconds `replay_lag`) and `pg_replication_slots` (recorded as `body.slots`, active or
//! not). On a standby: `pg_stat_wal_receiver` (its own link state and slot) and
//! `pg_last_wal_replay_lsn()`. A standby is matched to its `pg_stat_replication` row by
//! its replication slot, its `cluster_name` (the walreceiver's application name) or the
//! address it was reached on, when that is unique (see [`super::cluster_body`]).
//!
//! `replay_lag` is NULL once an idle standby has caught up; a replica whose replay
//! position equals the primary's current position is then recorded with lag 0, any
//! other NULL stays unknown. The account needs `pg_monitor` (or superuser) to see
//! other sessions' replication columns; without it they read as NULL, which the
//! controls treat as unknown, not good.
//!
//! URLs are libpq's (`postgres://user[:password]@host[:port]/db?sslmode=…`). `sslmode`
//! `disable`, `prefer` (the default), `require` (TLS, certificate not checked — as libpq),
//! `verify-ca` and `verify-full` (chain and host name checked against `sslrootcert`, a PEM
//! file, or Mozilla's roots). The password comes from the URL, else `PGPASSWORD`; the
//! user from the URL, else `PGUSER`, else `postgres`.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::ClientConfig;
use rustls_pki_types::pem::PemObject;
use serde_json::{json, Map, Value};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::{Client, Config, NoTls};

use super::{percent_decode, AcceptAnyCertificate, Named, Node, Replica, Secrets};

/// One node to ask: its display name and how to connect (never printed).
#[derive(Clone)]
pub struct Target {
    /// `host:port`, the member name.
    pub name: String,
    config: Config,
    tls: TlsChoice,
}

#[derive(Clone)]
enum TlsChoice {
    None,
    /// TLS as `sslmode` asks; `verify` checks the certificate.
    Rustls {
        verify: Option<rustls::RootCertStore>,
    },
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("name", &self.name).finish()
    }
}

/// Reads `url`, remembering its password (and `PGPASSWORD`) in `secrets`. The error
/// names the node, never the password.
pub fn target(url: &str, secrets: &mut Secrets) -> Result<Target, String> {
    let env_password = std::env::var("PGPASSWORD").ok();
    if let Some(p) = &env_password {
        secrets.add(p);
    }
    if let Some(p) = url_password(url) {
        secrets.add(&p);
        secrets.add(&percent_decode(&p));
    }
    let shown = super::host_port_of(url).unwrap_or_else(|| "the URL".into());
    let bad = |why: String| secrets.scrub(&format!("{shown}: {why}"));
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(bad(
            "expected a URL postgres://[user[:password]@]host[:port][/database][?sslmode=…]".into(),
        ));
    }
    // tokio-postgres knows sslmode disable/prefer/require only: verify-ca, verify-full and
    // sslrootcert are taken out here and turn into a verifying TLS configuration.
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let mut mode = "prefer".to_string();
    let mut rootcert = None;
    for kv in query.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k {
            "sslmode" => mode = percent_decode(v),
            "sslrootcert" => rootcert = Some(percent_decode(v)),
            _ => kept.push(kv),
        }
    }
    let clean = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config: Config = clean
        .parse()
        .map_err(|e: tokio_postgres::Error| bad(format!("not a PostgreSQL URL: {e}")))?;
    let host = config.get_hosts().first().cloned();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let name = match &host {
        Some(Host::Tcp(h)) if h.contains(':') => format!("[{h}]:{port}"),
        Some(Host::Tcp(h)) => format!("{h}:{port}"),
        Some(Host::Unix(p)) => format!("{}:{port}", p.display()),
        None => return Err(bad("the URL names no host".into())),
    };
    if config.get_user().is_none() {
        config.user(std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into()));
    }
    if config.get_password().is_none() {
        if let Some(p) = env_password {
            config.password(p);
        }
    }
    config.application_name("assay");
    let tls = match mode.as_str() {
        "disable" => {
            config.ssl_mode(SslMode::Disable);
            TlsChoice::None
        }
        "prefer" | "allow" => {
            config.ssl_mode(SslMode::Prefer);
            TlsChoice::Rustls { verify: None }
        }
        "require" => {
            config.ssl_mode(SslMode::Require);
            TlsChoice::Rustls { verify: None }
        }
        "verify-ca" | "verify-full" => {
            config.ssl_mode(SslMode::Require);
            let mut roots = rustls::RootCertStore::empty();
            match &rootcert {
                Some(path) => {
                    let certs = CertificateDer::pem_file_iter(path)
                        .map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
                    for c in certs {
                        let c = c.map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
                        roots
                            .add(c)
                            .map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
                    }
                }
                None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            }
            TlsChoice::Rustls {
                verify: Some(roots),
            }
        }
        other => {
            return Err(bad(format!(
                "sslmode={other}: expected disable, prefer, require, verify-ca or verify-full"
            )))
        }
    };
    Ok(Target { name, config, tls })
}

/// The password in a URL's user info, as written (still percent-encoded).
fn url_password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p.to_string())
}

/// Asks every node at the same time; one answer per node, in the order given.
pub async fn probe_all(targets: &[Target], timeout: Duration, secrets: &Secrets) -> Vec<Named> {
    let names = targets.iter().map(|t| t.name.clone()).collect();
    super::probe_nodes(names, timeout, secrets, |i| {
        let t = targets[i].clone();
        async move { probe(&t).await }
    })
    .await
}

/// Why a node could not be asked, in words (tokio-postgres' `Display` of a server error
/// is only "db error"; the server's own message is what a person needs).
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(x) = src {
                let t = x.to_string();
                if !s.contains(&t) {
                    s.push_str(&format!(": {t}"));
                }
                src = x.source();
            }
            s
        }
    }
}

async fn connect(t: &Target) -> Result<Client, String> {
    match &t.tls {
        TlsChoice::None => {
            let (client, conn) = t.config.connect(NoTls).await.map_err(|e| describe(&e))?;
            tokio::spawn(conn);
            Ok(client)
        }
        TlsChoice::Rustls { verify } => {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let builder = ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?;
            let config = match verify {
                Some(roots) => builder
                    .with_root_certificates(roots.clone())
                    .with_no_client_auth(),
                None => builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
                    .with_no_client_auth(),
            };
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(config);
            let (client, conn) = t.config.connect(tls).await.map_err(|e| describe(&e))?;
            tokio::spawn(conn);
            Ok(client)
        }
    }
}

const NODE_SQL: &str = "SELECT pg_is_in_recovery(),
    current_setting('server_version'),
    current_setting('cluster_name'),
    (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()),
    (SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()),
    CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text
         ELSE pg_current_wal_lsn()::text END";

const REPLICATION_SQL: &str = "SELECT r.application_name, host(r.client_addr), r.state,
    r.sync_state, pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::float8,
    EXTRACT(EPOCH FROM r.replay_lag)::float8, s.slot_name::text
  FROM pg_stat_replication r LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
  ORDER BY r.application_name, r.pid";

const SLOTS_SQL: &str = "SELECT slot_name::text, slot_type, active
  FROM pg_replication_slots ORDER BY slot_name";

const RECEIVER_SQL: &str = "SELECT status, slot_name, sender_host, sender_port,
    host(inet_server_addr())
  FROM pg_stat_wal_receiver";

/// Asks one node.
async fn probe(t: &Target) -> Result<Node, String> {
    let client = connect(t).await?;
    let q = |e: tokio_postgres::Error| describe(&e);
    let row = client.query_one(NODE_SQL, &[]).await.map_err(q)?;
    let in_recovery: bool = row.try_get(0).map_err(q)?;
    let version: Option<String> = row.try_get(1).map_err(q)?;
    let cluster_name: Option<String> = row.try_get(2).map_err(q)?;
    let tls: Option<bool> = row.try_get(3).map_err(q)?;
    let tls_version: Option<String> = row.try_get(4).map_err(q)?;
    let lsn: Option<String> = row.try_get(5).map_err(q)?;
    let mut node = Node {
        primary: !in_recovery,
        position: lsn.as_deref().and_then(parse_lsn),
        ..Node::default()
    };
    node.facts.insert("tls".into(), json!(tls));
    node.facts.insert("tls_version".into(), json!(tls_version));
    node.facts.insert("server_version".into(), json!(version));
    if let Some(c) = cluster_name.filter(|c| !c.is_empty()) {
        node.match_keys.push(format!("app:{c}"));
        node.facts.insert("cluster_name".into(), json!(c));
    }
    if node.primary {
        node.state = "primary".into();
        for r in client.query(REPLICATION_SQL, &[]).await.map_err(q)? {
            let app: Option<String> = r.try_get(0).map_err(q)?;
            let addr: Option<String> = r.try_get(1).map_err(q)?;
            let state: Option<String> = r.try_get(2).map_err(q)?;
            let sync: Option<String> = r.try_get(3).map_err(q)?;
            let lag_bytes: Option<f64> = r.try_get(4).map_err(q)?;
            let lag_s: Option<f64> = r.try_get(5).map_err(q)?;
            let slot: Option<String> = r.try_get(6).map_err(q)?;
            let app = app.unwrap_or_default();
            let mut keys = Vec::new();
            if let Some(s) = &slot {
                keys.push(format!("slot:{s}"));
            }
            if !app.is_empty() && app != "walreceiver" {
                keys.push(format!("app:{app}"));
            }
            if let Some(a) = &addr {
                keys.push(format!("addr:{a}"));
            }
            // Caught up and idle: replay_lag goes NULL, the lag is nil.
            let lag_seconds = lag_s.or(match lag_bytes {
                Some(b) if b <= 0.0 => Some(0.0),
                _ => None,
            });
            let mut facts = Map::new();
            facts.insert("application_name".into(), json!(app));
            facts.insert("client_addr".into(), json!(addr));
            facts.insert("sync_state".into(), json!(sync));
            facts.insert(
                "lag_bytes".into(),
                json!(lag_bytes.map(|b| b.max(0.0) as u64)),
            );
            facts.insert("slot".into(), json!(slot));
            node.replicas.push(Replica {
                name: format!(
                    "{}@{}",
                    if app.is_empty() { "replica" } else { &app },
                    addr.as_deref().unwrap_or("local")
                ),
                match_keys: keys,
                address: addr,
                // NULL state: pg_monitor is missing; unknown, never healthy.
                state: state.unwrap_or_else(|| "unknown (no pg_monitor)".into()),
                lag_seconds,
                facts,
            });
        }
        let mut slots = Vec::new();
        for r in client.query(SLOTS_SQL, &[]).await.map_err(q)? {
            let name: Option<String> = r.try_get(0).map_err(q)?;
            let kind: Option<String> = r.try_get(1).map_err(q)?;
            let active: Option<bool> = r.try_get(2).map_err(q)?;
            slots.push(json!({"name": name, "type": kind, "active": active}));
        }
        node.body_extra.insert("slots".into(), Value::Array(slots));
    } else {
        let rows = client.query(RECEIVER_SQL, &[]).await.map_err(q)?;
        match rows.first() {
            Some(r) => {
                let status: Option<String> = r.try_get(0).map_err(q)?;
                let slot: Option<String> = r.try_get(1).map_err(q)?;
                let host: Option<String> = r.try_get(2).map_err(q)?;
                let port: Option<i32> = r.try_get(3).map_err(q)?;
                // The address this standby was reached on: usually the one it streams from.
                let own: Option<String> = r.try_get(4).map_err(q)?;
                if let Some(a) = own {
                    node.match_keys.push(format!("addr:{a}"));
                }
                node.state = status.unwrap_or_else(|| "unknown".into());
                if let Some(s) = &slot {
                    node.match_keys.push(format!("slot:{s}"));
                }
                node.facts.insert(
                    "upstream".into(),
                    json!(host.map(|h| format!("{h}:{}", port.unwrap_or(5432)))),
                );
            }
            // A standby without a WAL receiver replays from archive or is cut off.
            None => node.state = "disconnected".into(),
        }
    }
    Ok(node)
}

/// `X/Y` (two hex halves) as one 64-bit position.
fn parse_lsn(s: &str) -> Option<u64> {
    let (hi, lo) = s.split_once('/')?;
    Some((u64::from_str_radix(hi, 16).ok()? << 32) | u64::from_str_radix(lo, 16).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_and_passwords_kept_out_of_errors() {
        let mut s = Secrets::default();
        let t = target(
            "postgres://assay:s3cr%40t@db.example:5433/postgres?sslmode=verify-full&connect_timeout=3",
            &mut s,
        )
        .unwrap();
        assert_eq!(t.name, "db.example:5433");
        assert!(!format!("{t:?}").contains("s3cr"));
        assert_eq!(s.scrub("x s3cr@t y"), "x *** y");
        let e = target(
            "postgres://assay:s3cr%40t@db.example:5433/x?sslmode=bogus",
            &mut s,
        )
        .unwrap_err();
        assert!(
            e.contains("db.example:5433") && e.contains("sslmode=bogus"),
            "{e}"
        );
        assert!(!e.contains("s3cr"), "{e}");
        let e = target("mysql://u:hunter2@h/x", &mut s).unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert_eq!(
            target("postgres://[::1]:5/x", &mut s).unwrap().name,
            "[::1]:5"
        );
        assert_eq!(target("postgresql://h/x", &mut s).unwrap().name, "h:5432");
    }

    #[test]
    fn lsns() {
        assert_eq!(parse_lsn("0/3000148"), Some(0x3000148));
        assert_eq!(parse_lsn("1/0"), Some(1 << 32));
        assert_eq!(parse_lsn("x"), None);
    }
}
