//! `assay collect replicas postgres|redis URL…`: one `db.replication` document per
//! database cluster, measured live on every node the user names.
//!
//! A cluster is the nodes named together (the primary and its standbys). Each node is
//! asked for its own role and, on the primary, for the replicas it streams to; the
//! engine modules ([`postgres`], [`redis`]) turn those answers into [`NodeReport`]s and
//! [`cluster_body`] joins them into the members list the resilience controls judge:
//!
//! - a node that could not be reached stays in the list with state `unreachable`
//!   (never silently dropped), so it cannot count as a healthy copy;
//! - a cluster where no node answered is a `body.error` document, so its controls error;
//! - passwords (from the URL or `PGPASSWORD` / `REDIS_PASSWORD`) are used to log in and
//!   nowhere else: every message is passed through [`Secrets::scrub`] before it is kept.

pub mod import;
pub mod mysql;
pub mod postgres;
pub mod redis;

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::evidence::Document;

/// The collector name written into evidence.
pub const COLLECTOR: &str = "assay-replicas";

/// A database engine `collect replicas` can ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// PostgreSQL (streaming replication).
    Postgres,
    /// Redis (master / replica).
    Redis,
    /// MySQL / MariaDB (replica status).
    Mysql,
}

impl Engine {
    /// The name in `body.engine`.
    pub fn id(self) -> &'static str {
        match self {
            Engine::Postgres => "postgresql",
            Engine::Redis => "redis",
            Engine::Mysql => "mysql",
        }
    }
}

/// Options for one collection.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long connecting and asking one node may take in all.
    pub timeout: std::time::Duration,
    /// Zone per node: keys are `host:port` or `host` (or a replica's client address).
    pub zones: BTreeMap<String, String>,
}

/// Secrets that must never appear in evidence or messages.
#[derive(Debug, Clone, Default)]
pub struct Secrets(Vec<String>);

impl Secrets {
    /// Remembers a secret (empty ones are ignored: they would match everywhere).
    pub fn add(&mut self, s: &str) {
        if !s.is_empty() && !self.0.iter().any(|x| x == s) {
            self.0.push(s.to_string());
        }
    }

    /// `text` with every secret (and its percent-encoded form) replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.0 {
            out = out.replace(s.as_str(), "***");
            let enc = percent_encode(s);
            if enc != *s {
                out = out.replace(enc.as_str(), "***");
            }
        }
        out
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `%XX` sequences decoded (invalid ones kept as they are).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What one named node said about itself (and, for a primary, about its replicas).
#[derive(Debug, Clone, PartialEq)]
pub enum NodeReport {
    /// The node answered.
    Reached(Node),
    /// The node could not be asked; the message names the node and what failed.
    Unreachable(String),
}

/// A node that answered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    /// The node is the primary (PostgreSQL: not in recovery; Redis: `role:master`).
    pub primary: bool,
    /// The node's own state (replicas: `streaming`, `connected`, `down` …).
    pub state: String,
    /// Further facts about the node itself (`tls`, `server_version` …).
    pub facts: Map<String, Value>,
    /// On a primary: the replicas it reports.
    pub replicas: Vec<Replica>,
    /// Keys by which a primary's replica row can be matched to this node
    /// (PostgreSQL: its slot or application name; Redis: its `ip:port`).
    pub match_keys: Vec<String>,
    /// Replication lag this node computes for itself, when it can.
    pub lag_seconds: Option<f64>,
    /// Engine-specific extras for the body (e.g. PostgreSQL replication slots).
    pub body_extra: Map<String, Value>,
    /// Position of this node in the change stream (PostgreSQL LSN / Redis offset), to
    /// compute byte lag against the primary when no replica row matches.
    pub position: Option<u64>,
}

/// One replica as the primary reports it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Replica {
    /// A name for it when no named node matches (application name @ address).
    pub name: String,
    /// Keys a named node may match (see [`Node::match_keys`]).
    pub match_keys: Vec<String>,
    /// The address it connects from (matches `--zone` keys too).
    pub address: Option<String>,
    /// Replication state as the primary sees it.
    pub state: String,
    /// Lag in seconds (`None` when unknown).
    pub lag_seconds: Option<f64>,
    /// Further facts (`sync_state`, `lag_bytes` …).
    pub facts: Map<String, Value>,
}

/// One node as named on the command line: its display name (`host:port`, never the URL)
/// and what it said.
#[derive(Debug, Clone)]
pub struct Named {
    /// `host:port`.
    pub name: String,
    /// Its answer.
    pub report: NodeReport,
}

/// The evidence subject for a cluster: `--cluster`, else the first node's `host:port`.
pub fn subject(cluster: Option<&str>, nodes: &[Named]) -> String {
    match cluster {
        Some(c) if !c.trim().is_empty() => c.trim().to_string(),
        _ => nodes
            .first()
            .map(|n| n.name.clone())
            .unwrap_or_else(|| "unnamed".into()),
    }
}

fn zone_of(opts: &Options, keys: &[&str]) -> Value {
    for k in keys {
        if let Some(z) = opts.zones.get(*k) {
            return json!(z);
        }
        if let Some((host, _)) = k.rsplit_once(':') {
            if let Some(z) = opts
                .zones
                .get(host.trim_start_matches('[').trim_end_matches(']'))
            {
                return json!(z);
            }
        }
    }
    Value::Null
}

/// Joins what the named nodes said into the `db.replication` body of one cluster.
pub fn cluster_body(engine: Engine, cluster: &str, nodes: &[Named], opts: &Options) -> Value {
    if nodes.is_empty() {
        return json!({ "error": format!("cluster {cluster}: no node to ask") });
    }
    if nodes
        .iter()
        .all(|n| matches!(n.report, NodeReport::Unreachable(_)))
    {
        let why: Vec<String> = nodes
            .iter()
            .filter_map(|n| match &n.report {
                NodeReport::Unreachable(e) => Some(e.clone()),
                NodeReport::Reached(_) => None,
            })
            .collect();
        return json!({ "error": format!(
            "no node of {} cluster {cluster} answered: {}",
            engine.id(),
            why.join("; ")
        ) });
    }
    let primaries: Vec<&Named> = nodes
        .iter()
        .filter(|n| matches!(&n.report, NodeReport::Reached(x) if x.primary))
        .collect();
    // Replica rows of every primary reached, and which of them a named node claimed.
    let rows: Vec<&Replica> = primaries
        .iter()
        .filter_map(|n| match &n.report {
            NodeReport::Reached(x) => Some(x.replicas.iter()),
            NodeReport::Unreachable(_) => None,
        })
        .flatten()
        .collect();
    let mut claimed = vec![false; rows.len()];
    let primary_position = primaries.iter().find_map(|n| match &n.report {
        NodeReport::Reached(x) => x.position,
        NodeReport::Unreachable(_) => None,
    });
    let unmatched_named: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(&n.report, NodeReport::Reached(x) if !x.primary))
        .map(|(i, _)| i)
        .collect();
    // Match each reached replica to one row: by a shared key first (a key that several
    // rows carry, such as one loopback address, identifies none of them), then — one
    // replica named, one row left — by elimination.
    let mut key_count: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        for k in &r.match_keys {
            *key_count.entry(k.as_str()).or_default() += 1;
        }
    }
    let unique = |k: &String| key_count.get(k.as_str()) == Some(&1);
    let mut row_of: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in &unmatched_named {
        let NodeReport::Reached(x) = &nodes[i].report else {
            continue;
        };
        if let Some(r) = rows.iter().enumerate().position(|(j, r)| {
            !claimed[j]
                && r.match_keys
                    .iter()
                    .any(|k| unique(k) && x.match_keys.contains(k))
        }) {
            claimed[r] = true;
            row_of.insert(i, r);
        }
    }
    let left_named: Vec<usize> = unmatched_named
        .iter()
        .copied()
        .filter(|i| !row_of.contains_key(i))
        .collect();
    let left_rows: Vec<usize> = (0..rows.len()).filter(|j| !claimed[*j]).collect();
    // Rows that cannot be told apart from the named standbys left over are not listed
    // again (that would count one copy twice); the document says so instead.
    let mut unattributed = None;
    if left_named.len() == 1 && left_rows.len() == 1 {
        claimed[left_rows[0]] = true;
        row_of.insert(left_named[0], left_rows[0]);
    } else if !left_named.is_empty() && !left_rows.is_empty() {
        for &j in &left_rows {
            claimed[j] = true;
        }
        unattributed = Some(format!(
            "the primary streams to {} replica(s) that could not be matched to the named standbys {}; give each standby its own replication slot or cluster_name / application_name",
            left_rows.len(),
            left_named
                .iter()
                .map(|i| nodes[*i].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let mut members = Vec::new();
    let mut extra = Map::new();
    let mut notes = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let mut m = Map::new();
        m.insert("name".into(), json!(n.name));
        match &n.report {
            NodeReport::Unreachable(e) => {
                // Its role is unknown; it is listed as a replica that holds no healthy copy.
                m.insert("role".into(), json!("replica"));
                m.insert("role_known".into(), json!(false));
                m.insert("state".into(), json!("unreachable"));
                m.insert("lag_seconds".into(), Value::Null);
                m.insert("error".into(), json!(e));
                m.insert("zone".into(), zone_of(opts, &[&n.name]));
            }
            NodeReport::Reached(x) if x.primary => {
                m.insert("role".into(), json!("primary"));
                m.insert("state".into(), json!(x.state));
                m.insert("lag_seconds".into(), json!(0));
                m.insert("zone".into(), zone_of(opts, &[&n.name]));
                for (k, v) in &x.facts {
                    m.entry(k.clone()).or_insert_with(|| v.clone());
                }
                for (k, v) in &x.body_extra {
                    extra.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            NodeReport::Reached(x) => {
                m.insert("role".into(), json!("replica"));
                let mut addr = None;
                match row_of.get(&i).map(|j| rows[*j]) {
                    Some(r) => {
                        m.insert("state".into(), json!(r.state));
                        m.insert("lag_seconds".into(), json!(r.lag_seconds));
                        m.insert("seen_by_primary".into(), json!(true));
                        for (k, v) in &r.facts {
                            m.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                        addr = r.address.clone();
                    }
                    None => {
                        // Not in the primary's list (or no primary answered): the node's
                        // own view of its replication link.
                        m.insert("state".into(), json!(x.state));
                        let lag_bytes = match (primary_position, x.position) {
                            (Some(p), Some(s)) => Some(p.saturating_sub(s)),
                            _ => None,
                        };
                        let lag = x.lag_seconds.or(match lag_bytes {
                            Some(0) => Some(0.0),
                            _ => None,
                        });
                        m.insert("lag_seconds".into(), json!(lag));
                        if let Some(b) = lag_bytes {
                            m.insert("lag_bytes".into(), json!(b));
                        }
                        m.insert("seen_by_primary".into(), json!(false));
                        if primaries.is_empty() {
                            notes.push(format!("{} reports state {:?}", n.name, x.state));
                        }
                    }
                }
                let keys: Vec<&str> = std::iter::once(n.name.as_str())
                    .chain(addr.as_deref())
                    .collect();
                m.insert("zone".into(), zone_of(opts, &keys));
                for (k, v) in &x.facts {
                    m.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        members.push(Value::Object(m));
    }
    // Replicas the primary streams to that were not named: members too.
    for (j, r) in rows.iter().enumerate() {
        if claimed[j] {
            continue;
        }
        let mut m = Map::new();
        m.insert("name".into(), json!(r.name));
        m.insert("role".into(), json!("replica"));
        m.insert("state".into(), json!(r.state));
        m.insert("lag_seconds".into(), json!(r.lag_seconds));
        m.insert("seen_by_primary".into(), json!(true));
        let keys: Vec<&str> = std::iter::once(r.name.as_str())
            .chain(r.address.as_deref())
            .collect();
        m.insert("zone".into(), zone_of(opts, &keys));
        for (k, v) in &r.facts {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        members.push(Value::Object(m));
    }
    let mut body = Map::new();
    body.insert("cluster".into(), json!(cluster));
    body.insert("engine".into(), json!(engine.id()));
    body.insert("members".into(), Value::Array(members));
    for (k, v) in extra {
        body.entry(k).or_insert(v);
    }
    if let Some(why) = unattributed {
        body.insert("incomplete".into(), json!(why));
    } else if primaries.len() > 1 {
        let names: Vec<&str> = primaries.iter().map(|n| n.name.as_str()).collect();
        body.insert(
            "incomplete".into(),
            json!(format!(
                "{} nodes claim to be the primary ({}); the replica list of each is merged",
                names.len(),
                names.join(", ")
            )),
        );
    } else if primaries.is_empty() {
        notes.insert(
            0,
            "no named node is the primary (or the primary did not answer)".into(),
        );
        body.insert("notes".into(), json!(notes));
    }
    Value::Object(body)
}

/// The `db.replication` evidence document of one cluster.
pub fn document(cluster: &str, body: Value) -> Document {
    Document::probed("db.replication", cluster.to_string(), COLLECTOR, body)
}

/// Parses `--zone KEY=ZONE` values.
pub fn parse_zones(specs: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for s in specs {
        let (k, z) = s
            .split_once('=')
            .filter(|(k, z)| !k.trim().is_empty() && !z.trim().is_empty())
            .ok_or_else(|| format!("--zone {s}: expected HOST[:PORT]=ZONE"))?;
        out.insert(k.trim().to_string(), z.trim().to_string());
    }
    Ok(out)
}

/// One cluster from the inventory's `databases.clusters` list.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryCluster {
    /// `name`.
    pub name: String,
    /// `engine` as written (`postgresql`, `redis` …).
    pub engine: String,
    /// Node URLs: `members[].url` (or plain strings), else `endpoint`.
    pub urls: Vec<String>,
    /// `members[].zone`, keyed like `--zone`.
    pub zones: BTreeMap<String, String>,
    /// `databases.clusters[i]`, for messages.
    pub field: String,
}

/// The inventory's `databases.clusters` entries. Each has `name` and `engine`, and
/// `members` (a list of URLs, or of `{url, zone}`) or `endpoint` (`host:port`). A cluster
/// without either is returned with no URLs: the caller records that it could not be asked.
pub fn inventory_clusters(file: &std::path::Path) -> Result<Vec<InventoryCluster>, String> {
    let shown = file.display();
    let list = crate::collect::inventory::section(file, &["databases", "clusters"], "clusters")?;
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let field = format!("databases.clusters[{i}]");
        let s = |k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let name = s("name").ok_or_else(|| format!("{shown}: {field}.name: missing"))?;
        let engine = s("engine").ok_or_else(|| format!("{shown}: {field}.engine: missing"))?;
        let mut urls = Vec::new();
        let mut zones = BTreeMap::new();
        if let Some(ms) = c.get("members") {
            let ms = ms
                .as_sequence()
                .ok_or_else(|| format!("{shown}: {field}.members: expected a list"))?;
            for (j, m) in ms.iter().enumerate() {
                let url = m
                    .as_str()
                    .or_else(|| m.get("url").and_then(|u| u.as_str()))
                    .ok_or_else(|| {
                        format!("{shown}: {field}.members[{j}]: expected a URL or {{url, zone}}")
                    })?;
                if let Some(z) = m.get("zone").and_then(|z| z.as_str()) {
                    if let Some(hp) = host_port_of(url) {
                        zones.insert(hp, z.to_string());
                    }
                }
                urls.push(url.to_string());
            }
        } else if let Some(ep) = s("endpoint") {
            urls.push(ep);
        }
        out.push(InventoryCluster {
            name,
            engine,
            urls,
            zones,
            field,
        });
    }
    Ok(out)
}

/// `host:port` of a URL (`scheme://[user[:pass]@]host[:port][/…]`) or of a bare
/// `host:port`; the port is left as written (absent when not given).
pub fn host_port_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let hp = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hp.is_empty() {
        None
    } else {
        Some(hp.to_string())
    }
}

/// Asks every node at the same time — `probe` for each of `names`, each under `timeout`
/// — and returns one answer per node, in the order given. A failure names the node, with
/// every secret scrubbed; a probe that panicked is reported, never dropped.
pub(crate) async fn probe_nodes<F, Fut, E>(
    names: Vec<String>,
    timeout: std::time::Duration,
    secrets: &Secrets,
    probe: F,
) -> Vec<Named>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Node, E>> + Send + 'static,
    E: std::fmt::Display,
{
    let mut set = tokio::task::JoinSet::new();
    for (i, name) in names.iter().enumerate() {
        let (secrets, name, asked) = (secrets.clone(), name.clone(), probe(i));
        set.spawn(async move {
            let report = match tokio::time::timeout(timeout, asked).await {
                Ok(Ok(node)) => NodeReport::Reached(node),
                Ok(Err(e)) => NodeReport::Unreachable(secrets.scrub(&format!("{name}: {e}"))),
                Err(_) => NodeReport::Unreachable(format!(
                    "{name}: no answer within {} s",
                    timeout.as_secs_f64()
                )),
            };
            (i, report)
        });
    }
    let mut reports: Vec<Option<NodeReport>> = vec![None; names.len()];
    while let Some(done) = set.join_next().await {
        if let Ok((i, r)) = done {
            if let Some(slot) = reports.get_mut(i) {
                *slot = Some(r);
            }
        }
    }
    names
        .into_iter()
        .zip(reports)
        .map(|(name, r)| Named {
            report: r.unwrap_or_else(|| {
                NodeReport::Unreachable(format!(
                    "{name}: the probe crashed; this is a bug in assay"
                ))
            }),
            name,
        })
        .collect()
}

/// Encrypt without checking the certificate (PostgreSQL `sslmode=require` / `prefer`, as
/// libpq does; Redis `rediss://…#insecure`, as redis-cli `--insecure`).
pub(crate) use crate::collect::tls::https::AcceptAnyCertificate;

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options {
            timeout: std::time::Duration::from_secs(1),
            zones: parse_zones(&["p:5432=a".into(), "10.0.0.7=c".into()]).unwrap(),
        }
    }

    fn primary(rows: Vec<Replica>) -> NodeReport {
        NodeReport::Reached(Node {
            primary: true,
            state: "primary".into(),
            replicas: rows,
            position: Some(1000),
            ..Node::default()
        })
    }

    fn row(name: &str, key: &str, state: &str, lag: Option<f64>) -> Replica {
        Replica {
            name: name.into(),
            match_keys: vec![key.into()],
            address: Some("10.0.0.7".into()),
            state: state.into(),
            lag_seconds: lag,
            facts: Map::new(),
        }
    }

    fn named(name: &str, report: NodeReport) -> Named {
        Named {
            name: name.into(),
            report,
        }
    }

    #[test]
    fn members_are_matched_and_unreachable_nodes_stay() {
        let standby = NodeReport::Reached(Node {
            state: "streaming".into(),
            match_keys: vec!["slot:s1".into()],
            position: Some(900),
            ..Node::default()
        });
        let nodes = vec![
            named(
                "p:5432",
                primary(vec![
                    row("walreceiver@10.0.0.9", "slot:other", "streaming", Some(0.5)),
                    row("walreceiver@10.0.0.7", "slot:s1", "catchup", Some(4.0)),
                ]),
            ),
            named("s:5432", standby),
            named(
                "gone:5432",
                NodeReport::Unreachable("gone:5432: refused".into()),
            ),
        ];
        let b = cluster_body(Engine::Postgres, "t", &nodes, &opts());
        let m = b["members"].as_array().unwrap();
        assert_eq!(m.len(), 4, "{b}");
        assert_eq!(m[0]["role"], "primary");
        assert_eq!(m[0]["zone"], "a");
        assert_eq!(m[1]["name"], "s:5432");
        assert_eq!(m[1]["state"], "catchup");
        assert_eq!(m[1]["lag_seconds"], 4.0);
        assert_eq!(m[1]["zone"], "c", "matched by the row's client address");
        assert_eq!(m[2]["state"], "unreachable");
        assert_eq!(m[2]["lag_seconds"], Value::Null);
        assert_eq!(m[3]["name"], "walreceiver@10.0.0.9");
        assert!(b.get("error").is_none());
    }

    #[test]
    fn a_lone_standby_is_matched_by_elimination_and_unseen_ones_use_their_own_view() {
        let standby = |pos| {
            NodeReport::Reached(Node {
                state: "streaming".into(),
                position: Some(pos),
                ..Node::default()
            })
        };
        let nodes = vec![
            named("p:1", primary(vec![row("x", "k", "streaming", Some(0.0))])),
            named("s:1", standby(1000)),
        ];
        let b = cluster_body(Engine::Postgres, "t", &nodes, &opts());
        assert_eq!(b["members"][1]["seen_by_primary"], true);
        let nodes = vec![
            named("p:1", primary(vec![])),
            named("s:1", standby(1000)),
            named("s:2", standby(400)),
        ];
        let b = cluster_body(Engine::Postgres, "t", &nodes, &opts());
        assert_eq!(b["members"][1]["lag_seconds"], 0.0);
        assert_eq!(b["members"][2]["lag_seconds"], Value::Null);
        assert_eq!(b["members"][2]["lag_bytes"], 600);
    }

    #[test]
    fn standbys_that_cannot_be_told_apart_are_not_counted_twice() {
        let standby = || {
            NodeReport::Reached(Node {
                state: "streaming".into(),
                match_keys: vec!["addr:127.0.0.1".into()],
                ..Node::default()
            })
        };
        let rows = vec![
            row(
                "walreceiver@127.0.0.1",
                "addr:127.0.0.1",
                "streaming",
                Some(0.0),
            ),
            row(
                "walreceiver@127.0.0.1",
                "addr:127.0.0.1",
                "streaming",
                Some(0.0),
            ),
        ];
        let nodes = vec![
            named("p:1", primary(rows)),
            named("s:1", standby()),
            named("s:2", standby()),
        ];
        let b = cluster_body(Engine::Postgres, "t", &nodes, &opts());
        assert_eq!(b["members"].as_array().unwrap().len(), 3, "{b}");
        assert_eq!(b["members"][1]["seen_by_primary"], false, "{b}");
        assert!(
            b["incomplete"].as_str().unwrap().contains("s:1, s:2"),
            "{b}"
        );
    }

    #[test]
    fn no_node_answering_is_an_error_and_secrets_are_scrubbed() {
        let nodes = vec![named("a:1", NodeReport::Unreachable("a:1: refused".into()))];
        let b = cluster_body(Engine::Redis, "c", &nodes, &opts());
        assert!(b["error"].as_str().unwrap().contains("a:1: refused"), "{b}");
        let mut s = Secrets::default();
        s.add("p@ss w");
        s.add("");
        assert_eq!(s.scrub("x p@ss w y p%40ss%20w"), "x *** y ***");
        assert_eq!(percent_decode("p%40ss%20w%zz"), "p@ss w%zz");
    }

    #[test]
    fn zones_hosts_and_inventory() {
        assert!(parse_zones(&["x".into()]).is_err());
        assert_eq!(
            host_port_of("postgres://u:p@db:5433/x?sslmode=require").as_deref(),
            Some("db:5433")
        );
        assert_eq!(
            host_port_of("redis.int:6379").as_deref(),
            Some("redis.int:6379")
        );
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("inv.yaml");
        std::fs::write(
            &f,
            "databases:\n  clusters:\n    - name: pg\n      engine: postgresql\n      members:\n        - url: postgres://a:5432/x\n          zone: z1\n        - postgres://b:5432/x\n    - name: r\n      engine: redis\n      endpoint: r:6379\n    - name: bad\n      engine: postgresql\n      patroni_api: http://x\n",
        )
        .unwrap();
        let cs = inventory_clusters(&f).unwrap();
        assert_eq!(cs[0].urls.len(), 2);
        assert_eq!(cs[0].zones.get("a:5432").map(String::as_str), Some("z1"));
        assert_eq!(cs[1].urls, vec!["r:6379".to_string()]);
        assert!(cs[2].urls.is_empty());
        let example =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/coloom/inventory.yaml");
        let ex = inventory_clusters(&example).unwrap();
        assert_eq!(ex.len(), 3);
        assert!(
            ex.iter().all(|c| !c.urls.is_empty()),
            "every example cluster names its nodes"
        );
    }
}
