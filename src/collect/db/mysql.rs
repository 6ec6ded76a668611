//! MySQL / MariaDB: `SHOW REPLICA STATUS` (falling back to `SHOW SLAVE STATUS` on servers
//! older than MySQL 8.0.22 / MariaDB 10.5.1) on every named node, over `mysql_async` with
//! rustls (no OpenSSL).
//!
//! A node without replica status is a primary (state `primary`); a node with it is a
//! replica whose state is `streaming` when both its I/O and SQL threads run, `connecting`
//! while the I/O thread connects, else `stopped` (with `last_error` when the server gives
//! one); `lag_seconds` is `Seconds_Behind_Source` / `Seconds_Behind_Master` (NULL, so
//! unknown, whenever a thread is stopped). A primary cannot tell the state of its replicas,
//! so only named nodes are members; the primary records `replica_hosts` (`SHOW REPLICAS`).
//! Extra facts: `tls` / `tls_version` (this connection's `Ssl_version`), `server_version`,
//! `upstream`, `io_running`, `sql_running`.
//!
//! URLs: `mysql://user[:password]@host[:port][/db][?require_ssl=true&verify_ca=…]`
//! (mysql_async's parameters); the password comes from the URL, else `MYSQL_PWD`.

use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder, Row, Value as MyValue};
use serde_json::json;

use super::{percent_decode, Named, Node, Secrets};

/// One node to ask.
#[derive(Clone)]
pub struct Target {
    /// `host:port`, the member name.
    pub name: String,
    opts: Opts,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target").field("name", &self.name).finish()
    }
}

/// Reads `mysql://…`, remembering its password (and `MYSQL_PWD`) in `secrets`.
pub fn target(url: &str, secrets: &mut Secrets) -> Result<Target, String> {
    let env_password = std::env::var("MYSQL_PWD").ok().filter(|p| !p.is_empty());
    if let Some(p) = &env_password {
        secrets.add(p);
    }
    if let Some(p) = url
        .split_once("://")
        .and_then(|(_, r)| r.split(['/', '?']).next())
        .and_then(|a| a.rsplit_once('@'))
        .and_then(|(u, _)| u.split_once(':'))
        .map(|(_, p)| p.to_string())
    {
        secrets.add(&p);
        secrets.add(&percent_decode(&p));
    }
    let shown = super::host_port_of(url).unwrap_or_else(|| "the URL".into());
    let bad = |why: String| secrets.scrub(&format!("{shown}: {why}"));
    if !(url.starts_with("mysql://") || url.starts_with("mariadb://")) {
        return Err(bad(
            "expected a URL mysql://user[:password]@host[:port][/db]".into(),
        ));
    }
    let url = url.replacen("mariadb://", "mysql://", 1);
    let opts = Opts::from_url(&url).map_err(|e| bad(format!("not a MySQL URL: {e}")))?;
    let host = opts.ip_or_hostname().to_string();
    let port = opts.tcp_port();
    let mut b = OptsBuilder::from_opts(opts.clone());
    if opts.pass().is_none() {
        b = b.pass(env_password);
    }
    if opts.user().is_none() {
        b = b.user(Some(
            std::env::var("MYSQL_USER").unwrap_or_else(|_| "root".into()),
        ));
    }
    let name = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    Ok(Target {
        name,
        opts: Opts::from(b),
    })
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

/// A column by any of its names (MySQL 8 renamed Master → Source, Slave → Replica), as text.
fn text(row: &Row, names: &[&str]) -> Option<String> {
    let cols = row.columns_ref();
    for n in names {
        if let Some(i) = cols.iter().position(|c| c.name_str() == *n) {
            return match row.as_ref(i)? {
                MyValue::NULL => None,
                MyValue::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
                MyValue::Int(v) => Some(v.to_string()),
                MyValue::UInt(v) => Some(v.to_string()),
                other => Some(format!("{other:?}")),
            };
        }
    }
    None
}

async fn probe(t: &Target) -> Result<Node, String> {
    let mut conn = Conn::new(t.opts.clone()).await.map_err(|e| e.to_string())?;
    let q = |e: mysql_async::Error| e.to_string();
    let version: Option<String> = conn.query_first("SELECT VERSION()").await.map_err(q)?;
    let ssl: Vec<Row> = conn
        .query("SHOW SESSION STATUS LIKE 'Ssl_version'")
        .await
        .map_err(q)?;
    let tls_version = ssl
        .first()
        .and_then(|r| text(r, &["Value"]))
        .filter(|v| !v.is_empty());
    let status: Vec<Row> = match conn.query("SHOW REPLICA STATUS").await {
        Ok(rows) => rows,
        Err(_) => conn.query("SHOW SLAVE STATUS").await.map_err(q)?,
    };
    let mut node = Node::default();
    node.facts
        .insert("tls".into(), json!(tls_version.is_some()));
    node.facts.insert("tls_version".into(), json!(tls_version));
    node.facts.insert("server_version".into(), json!(version));
    match status.first() {
        None => {
            node.primary = true;
            node.state = "primary".into();
            let hosts: Vec<Row> = match conn.query("SHOW REPLICAS").await {
                Ok(rows) => rows,
                Err(_) => conn.query("SHOW SLAVE HOSTS").await.unwrap_or_default(),
            };
            node.facts
                .insert("replica_hosts".into(), json!(hosts.len()));
        }
        Some(r) => {
            let io = text(r, &["Replica_IO_Running", "Slave_IO_Running"]);
            let sql = text(r, &["Replica_SQL_Running", "Slave_SQL_Running"]);
            node.state = match (io.as_deref(), sql.as_deref()) {
                (Some("Yes"), Some("Yes")) => "streaming".into(),
                (Some("Connecting"), _) => "connecting".into(),
                _ => "stopped".into(),
            };
            node.lag_seconds = text(r, &["Seconds_Behind_Source", "Seconds_Behind_Master"])
                .and_then(|s| s.parse::<f64>().ok());
            let host = text(r, &["Source_Host", "Master_Host"]);
            let port = text(r, &["Source_Port", "Master_Port"]);
            node.facts.insert(
                "upstream".into(),
                json!(host.map(|h| format!("{h}:{}", port.unwrap_or_default()))),
            );
            node.facts.insert("io_running".into(), json!(io));
            node.facts.insert("sql_running".into(), json!(sql));
            let err = text(r, &["Last_IO_Error"])
                .filter(|e| !e.is_empty())
                .or_else(|| text(r, &["Last_SQL_Error"]).filter(|e| !e.is_empty()));
            if let Some(e) = err {
                node.facts.insert("last_error".into(), json!(e));
            }
        }
    }
    let _ = conn.disconnect().await;
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_password_out() {
        let mut s = Secrets::default();
        let t = target("mysql://repl:Top%21Secret@db.example:3307/mysql", &mut s).unwrap();
        assert_eq!(t.name, "db.example:3307");
        assert!(!format!("{t:?}").contains("Top"));
        assert_eq!(s.scrub("x Top!Secret"), "x ***");
        let e = target("mysql://u:hunter2@h:99999/x", &mut s).unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert_eq!(target("mariadb://h/x", &mut s).unwrap().name, "h:3306");
    }
}
