//! nftables rule sets (`nft -j list ruleset`, the libnftables JSON schema) as one
//! `net.firewall` document.
//!
//! What is read, and why the rest is left out:
//! - Base chains of type `filter` in the `ip`, `ip6` and `inet` families. The `input` hook
//!   is ingress, `output` is egress (whose `sources` are destinations). The `forward` hook
//!   judges traffic this host routes to *other* machines (containers, VMs, a LAN), not
//!   what reaches the host itself — and a default-accept forward chain on a host that does
//!   not route would otherwise read as "every port open to the world" — so it is skipped:
//!   what a host publishes for others shows up in a scan, and
//!   `net.observed-matches-configured` flags a port open there that no input rule admits.
//!   Other hooks (`prerouting`, `postrouting`, `ingress`), other chain types (`nat`,
//!   `route`) and the `arp`, `bridge` and `netdev` families do not decide what the host
//!   accepts, so they are skipped too.
//! - Rules keep their order. A rule's matches become one model rule per protocol:
//!   `ip saddr`/`ip6 saddr` (ingress) or `ip daddr`/`ip6 daddr` (egress) give the
//!   addresses (a single address, a prefix, an anonymous set or a named set of the same
//!   table), `tcp dport`/`udp dport`/`th dport` the ports (single, range, set),
//!   `meta l4proto`/`ip protocol`/`ip6 nexthdr` the protocol. Without an address match the
//!   sources are the whole internet of the table's family (`0.0.0.0/0`, `::/0`, or both
//!   for `inet`).
//! - `ct state established,related` (any subset of the two) admits only replies to
//!   connections that were already allowed, and `ct state invalid` only broken packets: such
//!   rules open nothing, so they are skipped. A `ct state` that includes `new` restricts
//!   nothing that exposure is about, so that match is ignored.
//! - `iifname lo`/`iif lo` (ingress) and `oifname lo`/`oif lo` (egress) rules only touch
//!   loopback traffic, which never leaves the host, so they are skipped. Any other
//!   interface match is an error: the model has no interfaces, and dropping the match
//!   would turn a VPN-only rule into a world-open one.
//! - Verdicts: `accept` is allow, `drop` and `reject` are deny. Rules without a verdict
//!   (`counter`, `log`, `limit` only) and `return`/`continue` change nothing and are
//!   skipped.
//! - Jumps: an unconditional `jump`/`goto` to a chain of the same table is followed (its
//!   rules are inlined, up to [`MAX_JUMP_DEPTH`] levels). A conditional jump is an error:
//!   its matches would have to be combined with every rule of the target chain, which this
//!   importer does not do.
//! - The chain's default policy becomes a final rule: protocol `any`, empty ports, the
//!   world sources, action from the policy (`accept` when the chain names none, as nft
//!   does), described as `default policy of <family> <table> <chain>: <policy>`, so a reader
//!   sees "everything else: drop". A rule that ends the chain unconditionally
//!   (`reject` with no matches) makes the rest of the chain and the policy unreachable;
//!   they are then not emitted.
//! - Anything else (negation `!=`, `sport`, a destination match on ingress, an address
//!   range, an unknown statement or protocol) is an error naming the JSON path: a dropped
//!   allow rule would hide exposure.
//!
//! The model is a flat list: a reader (and the policy) judges each allow rule on its own,
//! so an allow rule shadowed by an earlier deny still counts as open. That errs towards
//! reporting exposure, never towards hiding it.
//!
//! The shared pieces ([`Conditions`], [`Rule`], [`cidr`]) are also used by the
//! `iptables` importer.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{ImportError, Parsed};

/// How many chains deep unconditional jumps are followed.
pub const MAX_JUMP_DEPTH: usize = 8;

/// The address family a rule (or table) covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    V4,
    V6,
    Both,
}

impl Family {
    /// Every address of the family.
    pub(super) fn world(self) -> Vec<String> {
        match self {
            Family::V4 => vec!["0.0.0.0/0".to_string()],
            Family::V6 => vec!["::/0".to_string()],
            Family::Both => vec!["0.0.0.0/0".to_string(), "::/0".to_string()],
        }
    }

    /// The family both cover, or `None` when they exclude each other.
    fn narrow(self, other: Family) -> Option<Family> {
        match (self, other) {
            (Family::Both, x) | (x, Family::Both) => Some(x),
            (a, b) if a == b => Some(a),
            _ => None,
        }
    }
}

/// One rule of the `net.firewall` body.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Rule {
    pub(super) direction: &'static str,
    pub(super) action: &'static str,
    pub(super) protocol: &'static str,
    pub(super) ports: Vec<(u16, u16)>,
    pub(super) sources: Vec<String>,
    pub(super) description: Option<String>,
}

impl Rule {
    /// The rule as the body's JSON.
    pub(super) fn to_json(&self) -> Value {
        json!({
            "direction": self.direction,
            "action": self.action,
            "protocol": self.protocol,
            "ports": self.ports.iter().map(|(f, t)| json!({"from": f, "to": t})).collect::<Vec<_>>(),
            "sources": self.sources,
            "description": self.description,
        })
    }

    /// The default-policy rule of a chain: every protocol, port and address.
    pub(super) fn policy(
        direction: &'static str,
        action: &'static str,
        family: Family,
        description: String,
    ) -> Rule {
        Rule {
            direction,
            action,
            protocol: "any",
            ports: Vec::new(),
            sources: family.world(),
            description: Some(description),
        }
    }
}

/// The `net.firewall` document for `asset`.
pub(super) fn document(
    asset: &str,
    format: &'static str,
    rules: &[Rule],
    version: Option<String>,
) -> Parsed {
    Parsed {
        kind: "net.firewall",
        subject: asset.to_string(),
        body: json!({
            "asset": asset,
            "format": format,
            "rules": rules.iter().map(Rule::to_json).collect::<Vec<_>>(),
        }),
        tool: format,
        version,
        collected_at: None,
    }
}

/// What one rule's matches restrict, gathered match by match.
#[derive(Debug, Clone)]
pub(super) struct Conditions {
    /// Protocols named by `meta l4proto`, `ip protocol`, `-p`, …
    pub(super) protocols: Option<Vec<&'static str>>,
    /// The protocol a port match implies (`tcp dport` → tcp); `None` for `th dport`.
    pub(super) port_protocol: Option<&'static str>,
    pub(super) ports: Option<Vec<(u16, u16)>>,
    /// Source (ingress) or destination (egress) CIDRs.
    pub(super) addresses: Option<Vec<String>>,
    pub(super) family: Family,
    /// Whether any match was seen (an unconditional rule has none).
    pub(super) matched: bool,
}

impl Conditions {
    pub(super) fn new(family: Family) -> Conditions {
        Conditions {
            protocols: None,
            port_protocol: None,
            ports: None,
            addresses: None,
            family,
            matched: false,
        }
    }

    pub(super) fn narrow(&mut self, family: Family) -> Result<(), String> {
        self.matched = true;
        self.family = self
            .family
            .narrow(family)
            .ok_or("the rule matches both IPv4 and IPv6 only, so it can never match")?;
        Ok(())
    }

    pub(super) fn protocols(&mut self, protocols: Vec<&'static str>) -> Result<(), String> {
        self.matched = true;
        let next = match self.protocols.take() {
            None => protocols,
            Some(old) => old.into_iter().filter(|p| protocols.contains(p)).collect(),
        };
        if next.is_empty() {
            return Err("the rule's protocol matches exclude each other".to_string());
        }
        self.protocols = Some(next);
        Ok(())
    }

    pub(super) fn ports(
        &mut self,
        protocol: Option<&'static str>,
        ports: Vec<(u16, u16)>,
    ) -> Result<(), String> {
        self.matched = true;
        if self.ports.is_some() {
            return Err("a second destination-port match cannot be expressed".to_string());
        }
        self.port_protocol = protocol;
        self.ports = Some(ports);
        Ok(())
    }

    pub(super) fn addresses(&mut self, addresses: Vec<(String, Family)>) -> Result<(), String> {
        self.matched = true;
        if self.addresses.is_some() {
            return Err("a second address match cannot be expressed".to_string());
        }
        let mut out = Vec::new();
        for (a, fam) in addresses {
            if self.family.narrow(fam).is_none() {
                return Err(format!("address {a} is outside the rule's address family"));
            }
            out.push(a);
        }
        self.addresses = Some(out);
        Ok(())
    }

    /// The model rules: one per protocol.
    pub(super) fn rules(
        &self,
        direction: &'static str,
        action: &'static str,
        description: Option<String>,
    ) -> Result<Vec<Rule>, String> {
        let protocols = match (self.port_protocol, &self.protocols) {
            (Some(pp), Some(ps)) if !ps.contains(&pp) => {
                return Err(format!(
                    "the port match is for {pp} but the rule matches {}",
                    ps.join(",")
                ))
            }
            (Some(pp), _) => vec![pp],
            (None, Some(ps)) => ps.clone(),
            (None, None) => vec!["any"],
        };
        let ports = self.ports.clone().unwrap_or_default();
        if !ports.is_empty() && protocols.contains(&"icmp") {
            return Err("a port match on icmp cannot be expressed".to_string());
        }
        let sources = self
            .addresses
            .clone()
            .unwrap_or_else(|| self.family.world());
        Ok(protocols
            .into_iter()
            .map(|protocol| Rule {
                direction,
                action,
                protocol,
                ports: ports.clone(),
                sources: sources.clone(),
                description: description.clone(),
            })
            .collect())
    }
}

/// A protocol name or number as the model names it (`icmpv6` is `icmp`), or `None`.
pub(super) fn protocol_name(text: &str) -> Option<&'static str> {
    match text.to_ascii_lowercase().as_str() {
        "tcp" | "6" => Some("tcp"),
        "udp" | "17" => Some("udp"),
        "icmp" | "1" | "icmpv6" | "ipv6-icmp" | "58" => Some("icmp"),
        _ => None,
    }
}

/// A port number or a common service name (`ssh`), or `None`.
pub(super) fn port_number(text: &str) -> Option<u16> {
    if let Ok(n) = text.parse::<u16>() {
        return Some(n);
    }
    let n = match text {
        "ftp" => 21,
        "ssh" => 22,
        "telnet" => 23,
        "smtp" => 25,
        "domain" => 53,
        "http" => 80,
        "pop3" => 110,
        "ntp" => 123,
        "imap" | "imap2" => 143,
        "snmp" => 161,
        "ldap" => 389,
        "https" => 443,
        "submission" => 587,
        "imaps" => 993,
        "pop3s" => 995,
        "mysql" => 3306,
        "ms-wbt-server" => 3389,
        "postgresql" => 5432,
        _ => return None,
    };
    Some(n)
}

/// An address or prefix as a normalised CIDR (host bits cleared; a single address gets
/// /32 or /128) and its family. Accepts a dotted IPv4 netmask when it is contiguous.
pub(super) fn cidr(text: &str) -> Option<(String, Family)> {
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (text, None),
    };
    match addr.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => {
            let len: u32 = match len {
                None => 32,
                Some(l) => match l.parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => {
                        let mask = u32::from(l.parse::<std::net::Ipv4Addr>().ok()?);
                        let n = mask.leading_ones();
                        if mask.checked_shl(n).unwrap_or(0) != 0 {
                            return None;
                        }
                        n
                    }
                },
            };
            if len > 32 {
                return None;
            }
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            let net = std::net::Ipv4Addr::from(u32::from(a) & mask);
            Some((format!("{net}/{len}"), Family::V4))
        }
        std::net::IpAddr::V6(a) => {
            let len: u32 = match len {
                None => 128,
                Some(l) => l.parse().ok()?,
            };
            if len > 128 {
                return None;
            }
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            let net = std::net::Ipv6Addr::from(u128::from(a) & mask);
            Some((format!("{net}/{len}"), Family::V6))
        }
    }
}

/// Parses `nft -j list ruleset` output into one `net.firewall` document for `asset`
/// (the JSON names no host, so the caller says which asset the rules protect).
pub fn parse(text: &str, asset: &str) -> Result<Vec<Parsed>, ImportError> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| ImportError::new("input", format!("not JSON: {e}")))?;
    let items = root
        .get("nftables")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ImportError::new(
                "nftables",
                "expected an array (the output of `nft -j list ruleset`)",
            )
        })?;

    let mut version = None;
    let mut chains: Vec<Chain> = Vec::new();
    let mut rules: HashMap<ChainKey, Vec<(String, &Value)>> = HashMap::new();
    let mut sets: HashMap<ChainKey, (String, &Value)> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("nftables[{i}]");
        if let Some(m) = item.get("metainfo") {
            version = m.get("version").and_then(Value::as_str).map(str::to_string);
        } else if let Some(c) = item.get("chain") {
            let at = format!("{at}.chain");
            let key = key_of(c, "name", &at)?;
            let text = |f: &str| c.get(f).and_then(Value::as_str).map(str::to_string);
            chains.push(Chain {
                key,
                hook: text("hook"),
                kind: text("type"),
                policy: text("policy"),
                at,
            });
        } else if let Some(r) = item.get("rule") {
            let at = format!("{at}.rule");
            let key = key_of(r, "chain", &at)?;
            rules.entry(key).or_default().push((at, r));
        } else if let Some(s) = item.get("set") {
            let at = format!("{at}.set");
            let key = key_of(s, "name", &at)?;
            sets.insert(
                key,
                (format!("{at}.elem"), s.get("elem").unwrap_or(&Value::Null)),
            );
        }
    }

    let ctx = Ctx {
        chains: &chains,
        rules: &rules,
        sets: &sets,
    };
    let mut out = Vec::new();
    for chain in &chains {
        let family = match chain.key.family.as_str() {
            "ip" => Family::V4,
            "ip6" => Family::V6,
            "inet" => Family::Both,
            _ => continue,
        };
        let direction = match chain.hook.as_deref() {
            Some("input") => "ingress",
            Some("output") => "egress",
            _ => continue,
        };
        if chain.kind.as_deref().unwrap_or("filter") != "filter" {
            continue;
        }
        let walk = Walk { family, direction };
        if ctx.chain(&walk, &chain.key, 0, &mut out)? {
            continue;
        }
        let policy = chain.policy.as_deref().unwrap_or("accept");
        let action = match policy {
            "accept" => "allow",
            "drop" => "deny",
            other => {
                return Err(ImportError::new(
                    format!("{}.policy", chain.at),
                    format!("expected accept or drop, found {other:?}"),
                ))
            }
        };
        let k = &chain.key;
        let description = format!(
            "default policy of {} {} {}: {policy}",
            k.family, k.table, k.name
        );
        out.push(Rule::policy(direction, action, family, description));
    }
    Ok(vec![document(asset, "nftables", &out, version)])
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ChainKey {
    family: String,
    table: String,
    name: String,
}

fn key_of(v: &Value, name_field: &str, at: &str) -> Result<ChainKey, ImportError> {
    let field = |f: &str| {
        v.get(f)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| ImportError::new(format!("{at}.{f}"), "expected a string"))
    };
    Ok(ChainKey {
        family: field("family")?,
        table: field("table")?,
        name: field(name_field)?,
    })
}

struct Chain {
    key: ChainKey,
    hook: Option<String>,
    kind: Option<String>,
    policy: Option<String>,
    at: String,
}

struct Ctx<'a> {
    chains: &'a [Chain],
    rules: &'a HashMap<ChainKey, Vec<(String, &'a Value)>>,
    sets: &'a HashMap<ChainKey, (String, &'a Value)>,
}

/// The base chain being walked.
struct Walk {
    family: Family,
    direction: &'static str,
}

enum Verdict {
    Accept,
    Deny,
    Jump(String, bool),
}

/// An element of a match's right-hand side, after sets are flattened.
enum Atom<'a> {
    Scalar(&'a Value),
    Range(&'a Value, &'a Value),
    Prefix(&'a Value, &'a Value),
}

impl Ctx<'_> {
    /// Appends the rules of chain `key` to `out`; true when the chain ends unconditionally.
    fn chain(
        &self,
        walk: &Walk,
        key: &ChainKey,
        depth: usize,
        out: &mut Vec<Rule>,
    ) -> Result<bool, ImportError> {
        let Some(rules) = self.rules.get(key) else {
            return Ok(false);
        };
        for (at, rule) in rules {
            let exprs = rule.get("expr").and_then(Value::as_array).ok_or_else(|| {
                ImportError::new(format!("{at}.expr"), "expected an array of statements")
            })?;
            let mut cond = Conditions::new(walk.family);
            let mut verdict = None;
            let mut skip = false;
            for (j, e) in exprs.iter().enumerate() {
                let eat = format!("{at}.expr[{j}]");
                let Some((name, arg)) = e.as_object().and_then(|o| o.iter().next()) else {
                    return Err(ImportError::new(eat, "expected a statement object"));
                };
                match name.as_str() {
                    "match" => {
                        if !self.match_expr(walk, key, arg, &format!("{eat}.match"), &mut cond)? {
                            skip = true;
                        }
                    }
                    "accept" => verdict = Some(Verdict::Accept),
                    "drop" | "reject" => verdict = Some(Verdict::Deny),
                    "jump" | "goto" => {
                        let target =
                            arg.get("target").and_then(Value::as_str).ok_or_else(|| {
                                ImportError::new(
                                    format!("{eat}.{name}.target"),
                                    "expected a chain name",
                                )
                            })?;
                        verdict = Some(Verdict::Jump(target.to_string(), name == "goto"));
                    }
                    "counter" | "log" | "limit" | "return" | "continue" => {}
                    other => {
                        return Err(ImportError::new(
                            eat,
                            format!(
                                "statement {other:?} cannot be expressed in the firewall model"
                            ),
                        ))
                    }
                }
                if verdict.is_some() || skip {
                    break;
                }
            }
            if skip {
                continue;
            }
            let action = match verdict {
                None => continue,
                Some(Verdict::Accept) => "allow",
                Some(Verdict::Deny) => "deny",
                Some(Verdict::Jump(target, goto)) => {
                    if cond.matched {
                        return Err(ImportError::new(
                            format!("{at}.expr"),
                            format!("a conditional jump to chain {target:?} cannot be expressed; only unconditional jumps are followed"),
                        ));
                    }
                    if depth >= MAX_JUMP_DEPTH {
                        return Err(ImportError::new(
                            format!("{at}.expr"),
                            format!("jumps nest deeper than {MAX_JUMP_DEPTH} chains (a loop?)"),
                        ));
                    }
                    let next = ChainKey {
                        name: target.clone(),
                        ..key.clone()
                    };
                    if !self.chains.iter().any(|c| c.key == next) {
                        return Err(ImportError::new(
                            format!("{at}.expr"),
                            format!("jump to chain {target:?}, which the rule set does not define"),
                        ));
                    }
                    if self.chain(walk, &next, depth + 1, out)? || goto {
                        return Ok(true);
                    }
                    continue;
                }
            };
            let description = rule
                .get("comment")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    let handle = rule.get("handle").map(Value::to_string).unwrap_or_default();
                    Some(format!(
                        "{} {} {} handle {handle}",
                        key.family, key.table, key.name
                    ))
                });
            let made = cond
                .rules(walk.direction, action, description)
                .map_err(|m| ImportError::new(format!("{at}.expr"), m))?;
            out.extend(made);
            if !cond.matched {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Applies one match to `cond`; false when the rule is to be skipped.
    fn match_expr(
        &self,
        walk: &Walk,
        key: &ChainKey,
        m: &Value,
        at: &str,
        cond: &mut Conditions,
    ) -> Result<bool, ImportError> {
        let err = |path: &str, msg: String| ImportError::new(format!("{at}{path}"), msg);
        let op = m.get("op").and_then(Value::as_str).unwrap_or("==");
        if op != "==" && op != "in" {
            return Err(err(
                ".op",
                format!("operator {op:?} (negation or comparison) cannot be expressed in the firewall model"),
            ));
        }
        let left = m
            .get("left")
            .ok_or_else(|| err(".left", "missing".to_string()))?;
        let right = m
            .get("right")
            .ok_or_else(|| err(".right", "missing".to_string()))?;
        let ratoms = || self.atoms(key, right, &format!("{at}.right"));
        let ingress = walk.direction == "ingress";
        let bad = |what: String| err(".right", what);

        if let Some(p) = left.get("payload") {
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("");
            let field = p.get("field").and_then(Value::as_str).unwrap_or("");
            let fam = match proto {
                "ip" | "icmp" => Family::V4,
                "ip6" | "icmpv6" => Family::V6,
                _ => Family::Both,
            };
            cond.narrow(fam).map_err(|m| err("", m))?;
            match (proto, field) {
                ("ip" | "ip6", "saddr" | "daddr") => {
                    let wanted = if ingress { "saddr" } else { "daddr" };
                    if field != wanted {
                        return Err(err(
                            ".left",
                            format!(
                                "{proto} {field} on {} cannot be expressed in the firewall model",
                                walk.direction
                            ),
                        ));
                    }
                    let mut addrs = Vec::new();
                    for a in ratoms()? {
                        addrs.push(match a {
                            Atom::Scalar(Value::String(s)) => {
                                cidr(s).ok_or_else(|| bad(format!("{s:?} is not an address")))?
                            }
                            Atom::Prefix(addr, len) => {
                                let text = format!("{}/{}", addr.as_str().unwrap_or("?"), len);
                                cidr(&text)
                                    .ok_or_else(|| bad(format!("{text:?} is not a prefix")))?
                            }
                            Atom::Range(..) => {
                                return Err(bad(
                                    "an address range cannot be expressed as CIDRs".to_string()
                                ))
                            }
                            Atom::Scalar(v) => return Err(bad(format!("{v} is not an address"))),
                        });
                    }
                    cond.addresses(addrs).map_err(|m| err("", m))?;
                }
                ("ip", "protocol") | ("ip6", "nexthdr") => {
                    cond.protocols(self.protocol_atoms(ratoms()?, at)?)
                        .map_err(|m| err("", m))?;
                }
                ("tcp" | "udp" | "th", "dport") => {
                    let mut ports = Vec::new();
                    for a in ratoms()? {
                        ports.push(match a {
                            Atom::Scalar(v) => {
                                let p = port_value(v)
                                    .ok_or_else(|| bad(format!("{v} is not a port")))?;
                                (p, p)
                            }
                            Atom::Range(a, b) => match (port_value(a), port_value(b)) {
                                (Some(a), Some(b)) if a <= b => (a, b),
                                _ => return Err(bad(format!("[{a}, {b}] is not a port range"))),
                            },
                            Atom::Prefix(..) => {
                                return Err(bad("a prefix is not a port".to_string()))
                            }
                        });
                    }
                    let pp = match proto {
                        "tcp" => Some("tcp"),
                        "udp" => Some("udp"),
                        _ => None,
                    };
                    cond.ports(pp, ports).map_err(|m| err("", m))?;
                }
                ("icmp" | "icmpv6", _) => {
                    // The type or code narrows which ICMP messages pass; the model only says icmp.
                    cond.protocols(vec!["icmp"]).map_err(|m| err("", m))?;
                }
                _ => {
                    return Err(err(
                        ".left",
                        format!(
                            "match on {proto} {field} cannot be expressed in the firewall model"
                        ),
                    ))
                }
            }
            return Ok(true);
        }

        if let Some(meta) = left.get("meta") {
            let k = meta.get("key").and_then(Value::as_str).unwrap_or("");
            match k {
                "l4proto" => {
                    cond.protocols(self.protocol_atoms(ratoms()?, at)?)
                        .map_err(|m| err("", m))?;
                }
                "nfproto" => {
                    let mut fam = None;
                    for a in ratoms()? {
                        let f = match a {
                            Atom::Scalar(Value::String(s)) if s == "ipv4" => Family::V4,
                            Atom::Scalar(Value::String(s)) if s == "ipv6" => Family::V6,
                            _ => return Err(bad("expected ipv4 or ipv6".to_string())),
                        };
                        fam = Some(if fam.is_some() { Family::Both } else { f });
                    }
                    cond.narrow(fam.unwrap_or(Family::Both))
                        .map_err(|m| err("", m))?;
                }
                "iifname" | "iif" | "oifname" | "oif" => {
                    let inbound = k.starts_with('i');
                    let atoms = ratoms()?;
                    let lo = !atoms.is_empty()
                        && atoms
                            .iter()
                            .all(|a| matches!(a, Atom::Scalar(Value::String(s)) if s == "lo"));
                    if lo && inbound == ingress {
                        return Ok(false);
                    }
                    return Err(err(
                        ".left",
                        format!("interface match {k} {right} cannot be expressed in the firewall model (only lo rules are understood, and skipped)"),
                    ));
                }
                _ => {
                    return Err(err(
                        ".left",
                        format!("match on meta {k} cannot be expressed in the firewall model"),
                    ))
                }
            }
            return Ok(true);
        }

        if let Some(ct) = left.get("ct") {
            if ct.get("key").and_then(Value::as_str) != Some("state") {
                return Err(err(
                    ".left",
                    format!("match on ct {ct} cannot be expressed in the firewall model"),
                ));
            }
            let mut states = Vec::new();
            for a in ratoms()? {
                match a {
                    Atom::Scalar(Value::String(s)) => states.push(s.as_str()),
                    _ => return Err(bad("expected connection states".to_string())),
                }
            }
            if states.is_empty() {
                return Err(bad("expected connection states".to_string()));
            }
            let replies = |s: &&str| matches!(*s, "established" | "related");
            if states.iter().all(replies) || states.iter().all(|s| *s == "invalid") {
                return Ok(false);
            }
            // A state set with `new` or `untracked` admits new connections: no restriction.
            cond.matched = true;
            return Ok(true);
        }

        Err(err(
            ".left",
            format!("match on {left} cannot be expressed in the firewall model"),
        ))
    }

    fn protocol_atoms(&self, atoms: Vec<Atom>, at: &str) -> Result<Vec<&'static str>, ImportError> {
        let mut out = Vec::new();
        for a in atoms {
            let name = match a {
                Atom::Scalar(Value::String(s)) => protocol_name(s),
                Atom::Scalar(Value::Number(n)) => protocol_name(&n.to_string()),
                _ => None,
            };
            let name = name.ok_or_else(|| {
                ImportError::new(
                    format!("{at}.right"),
                    "expected tcp, udp, icmp or ipv6-icmp: other protocols cannot be expressed in the firewall model",
                )
            })?;
            if !out.contains(&name) {
                out.push(name);
            }
        }
        Ok(out)
    }

    /// Flattens a right-hand side: anonymous sets, named sets (`@name`) of the same table,
    /// set elements with options, ranges and prefixes.
    fn atoms<'v>(
        &'v self,
        key: &ChainKey,
        v: &'v Value,
        at: &str,
    ) -> Result<Vec<Atom<'v>>, ImportError> {
        let mut out = Vec::new();
        self.flatten(key, v, at, true, &mut out)?;
        Ok(out)
    }

    fn flatten<'v>(
        &'v self,
        key: &ChainKey,
        v: &'v Value,
        at: &str,
        named: bool,
        out: &mut Vec<Atom<'v>>,
    ) -> Result<(), ImportError> {
        match v {
            Value::String(s) if s.starts_with('@') => {
                let name = s.trim_start_matches('@');
                let set_key = ChainKey {
                    name: name.to_string(),
                    ..key.clone()
                };
                let (set_at, elems) = match self.sets.get(&set_key) {
                    Some(found) if named => found,
                    _ => {
                        return Err(ImportError::new(
                            at,
                            format!(
                                "set {s} is not defined in table {} {}",
                                key.family, key.table
                            ),
                        ))
                    }
                };
                match elems {
                    Value::Null => Ok(()),
                    Value::Array(items) => items
                        .iter()
                        .try_for_each(|i| self.flatten(key, i, set_at, false, out)),
                    other => self.flatten(key, other, set_at, false, out),
                }
            }
            Value::Array(items) => items
                .iter()
                .try_for_each(|i| self.flatten(key, i, at, named, out)),
            Value::Object(o) => {
                if let Some(items) = o.get("set") {
                    match items {
                        Value::Array(items) => items
                            .iter()
                            .try_for_each(|i| self.flatten(key, i, at, named, out)),
                        one => self.flatten(key, one, at, named, out),
                    }
                } else if let Some(e) = o.get("elem") {
                    let val = e.get("val").unwrap_or(e);
                    self.flatten(key, val, at, named, out)
                } else if let Some(r) = o.get("range") {
                    match r.as_array().map(Vec::as_slice) {
                        Some([a, b]) => {
                            out.push(Atom::Range(a, b));
                            Ok(())
                        }
                        _ => Err(ImportError::new(at, "expected a range of two values")),
                    }
                } else if let Some(p) = o.get("prefix") {
                    match (p.get("addr"), p.get("len")) {
                        (Some(a), Some(l)) => {
                            out.push(Atom::Prefix(a, l));
                            Ok(())
                        }
                        _ => Err(ImportError::new(at, "expected a prefix with addr and len")),
                    }
                } else {
                    Err(ImportError::new(
                        at,
                        format!("value {v} cannot be expressed in the firewall model"),
                    ))
                }
            }
            scalar => {
                out.push(Atom::Scalar(scalar));
                Ok(())
            }
        }
    }
}

fn port_value(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => port_number(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_of(p: &[Parsed]) -> Vec<Value> {
        p[0].body["rules"].as_array().unwrap().clone()
    }

    const RULESET: &str = r#"{"nftables": [
      {"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
      {"table": {"family": "inet", "name": "filter", "handle": 1}},
      {"set": {"family": "inet", "name": "admins", "table": "filter", "type": "ipv6_addr", "handle": 3,
               "flags": ["interval"], "elem": [{"prefix": {"addr": "2001:db8:1::", "len": 48}}, "2001:db8::7"]}},
      {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter",
                 "hook": "input", "prio": 0, "policy": "drop"}},
      {"chain": {"family": "inet", "table": "filter", "name": "forward", "handle": 2, "type": "filter",
                 "hook": "forward", "prio": 0, "policy": "drop"}},
      {"chain": {"family": "inet", "table": "filter", "name": "output", "handle": 3, "type": "filter",
                 "hook": "output", "prio": 0, "policy": "accept"}},
      {"chain": {"family": "inet", "table": "filter", "name": "web", "handle": 4}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 5, "expr": [
        {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}},
        {"accept": null}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 6, "expr": [
        {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}},
        {"accept": null}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 7, "comment": "ssh from office", "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                   "right": {"set": [{"prefix": {"addr": "10.0.0.0", "len": 8}}, "192.0.2.10"]}}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}},
        {"counter": {"packets": 0, "bytes": 0}},
        {"accept": null}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 8, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "saddr"}}, "right": "@admins"}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 5432}},
        {"accept": null}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 9, "expr": [
        {"jump": {"target": "web"}}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 10, "expr": [
        {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": {"set": ["tcp", "udp"]}}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "th", "field": "dport"}}, "right": {"range": [60000, 61000]}}},
        {"accept": null}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 11, "expr": [
        {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "ipv6-icmp"}},
        {"accept": null}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 12, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 3306}},
        {"reject": {"type": "tcp reset"}}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "web", "handle": 13, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [80, 443]}}},
        {"accept": null}]}},
      {"rule": {"family": "inet", "table": "filter", "chain": "output", "handle": 14, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "203.0.113.5"}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}},
        {"drop": null}]}}
    ]}"#;

    #[test]
    fn ruleset_becomes_rules_in_order_with_policies() {
        let p = parse(RULESET, "web-1").unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].kind, "net.firewall");
        assert_eq!(p[0].subject, "web-1");
        assert_eq!(p[0].tool, "nftables");
        assert_eq!(p[0].version.as_deref(), Some("1.0.6"));
        assert_eq!(p[0].body["format"], "nftables");
        assert_eq!(p[0].body["asset"], "web-1");
        let r = rules_of(&p);
        let w = json!(["0.0.0.0/0", "::/0"]);
        let expected = vec![
            json!({"direction": "ingress", "action": "allow", "protocol": "tcp",
                   "ports": [{"from": 22, "to": 22}], "sources": ["10.0.0.0/8", "192.0.2.10/32"],
                   "description": "ssh from office"}),
            json!({"direction": "ingress", "action": "allow", "protocol": "tcp",
                   "ports": [{"from": 5432, "to": 5432}], "sources": ["2001:db8:1::/48", "2001:db8::7/128"],
                   "description": "inet filter input handle 8"}),
            json!({"direction": "ingress", "action": "allow", "protocol": "tcp",
                   "ports": [{"from": 80, "to": 80}, {"from": 443, "to": 443}], "sources": w,
                   "description": "inet filter web handle 13"}),
            json!({"direction": "ingress", "action": "allow", "protocol": "tcp",
                   "ports": [{"from": 60000, "to": 61000}], "sources": w,
                   "description": "inet filter input handle 10"}),
            json!({"direction": "ingress", "action": "allow", "protocol": "udp",
                   "ports": [{"from": 60000, "to": 61000}], "sources": w,
                   "description": "inet filter input handle 10"}),
            json!({"direction": "ingress", "action": "allow", "protocol": "icmp", "ports": [], "sources": w,
                   "description": "inet filter input handle 11"}),
            json!({"direction": "ingress", "action": "deny", "protocol": "tcp",
                   "ports": [{"from": 3306, "to": 3306}], "sources": w,
                   "description": "inet filter input handle 12"}),
            json!({"direction": "ingress", "action": "deny", "protocol": "any", "ports": [], "sources": w,
                   "description": "default policy of inet filter input: drop"}),
            json!({"direction": "egress", "action": "deny", "protocol": "udp",
                   "ports": [{"from": 53, "to": 53}], "sources": ["203.0.113.5/32"],
                   "description": "inet filter output handle 14"}),
            json!({"direction": "egress", "action": "allow", "protocol": "any", "ports": [], "sources": w,
                   "description": "default policy of inet filter output: accept"}),
        ];
        assert_eq!(r, expected);
    }

    #[test]
    fn ip6_table_world_is_ipv6_and_unconditional_drop_hides_policy() {
        let text = r#"{"nftables": [
          {"chain": {"family": "ip6", "table": "f", "name": "in", "type": "filter", "hook": "input", "policy": "accept"}},
          {"chain": {"family": "ip", "table": "nat", "name": "pre", "type": "nat", "hook": "prerouting"}},
          {"rule": {"family": "ip6", "table": "f", "chain": "in", "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": "https"}},
            {"accept": null}]}},
          {"rule": {"family": "ip6", "table": "f", "chain": "in", "expr": [{"counter": null}, {"drop": null}]}},
          {"rule": {"family": "ip", "table": "nat", "chain": "pre", "expr": [{"masquerade": null}]}}
        ]}"#;
        let r = rules_of(&parse(text, "h").unwrap());
        assert_eq!(r.len(), 2);
        assert_eq!(r[0]["sources"], json!(["::/0"]));
        assert_eq!(r[0]["ports"], json!([{"from": 443, "to": 443}]));
        assert_eq!(r[1]["action"], "deny");
        assert_eq!(r[1]["protocol"], "any");
    }

    fn one_rule(expr: &str) -> String {
        format!(
            r#"{{"nftables": [
              {{"chain": {{"family": "inet", "table": "f", "name": "in", "type": "filter", "hook": "input"}}}},
              {{"rule": {{"family": "inet", "table": "f", "chain": "in", "expr": {expr}}}}}]}}"#
        )
    }

    #[test]
    fn negation_is_an_error_naming_the_path() {
        let text = one_rule(
            r#"[{"match": {"op": "!=", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "10.0.0.1"}}, {"accept": null}]"#,
        );
        let e = parse(&text, "h").unwrap_err();
        assert_eq!(e.at, "nftables[1].rule.expr[0].match.op");
        assert!(e.message.contains("negation"), "{e}");
    }

    #[test]
    fn unsupported_inputs_are_errors() {
        let cases = [
            (
                r#"[{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "wg0"}}, {"accept": null}]"#,
                "interface match",
            ),
            (
                r#"[{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "sport"}}, "right": 22}}, {"accept": null}]"#,
                "tcp sport",
            ),
            (
                r#"[{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "10.0.0.1"}}, {"accept": null}]"#,
                "ip daddr on ingress",
            ),
            (
                r#"[{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"jump": {"target": "x"}}]"#,
                "conditional jump",
            ),
            (r#"[{"jump": {"target": "nowhere"}}]"#, "does not define"),
            (
                r#"[{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 70000}}, {"accept": null}]"#,
                "not a port",
            ),
            (
                r#"[{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@nope"}}, {"accept": null}]"#,
                "not defined",
            ),
            (r#"[{"queue": {"num": 1}}]"#, "statement \"queue\""),
            (r#"{"x": 1}"#, "expected an array of statements"),
        ];
        for (expr, want) in cases {
            let e = parse(&one_rule(expr), "h").unwrap_err();
            assert!(e.to_string().contains(want), "{expr}: {e}");
            assert!(e.at.starts_with("nftables[1].rule"), "{e}");
        }
    }

    #[test]
    fn malformed_documents_are_errors() {
        assert_eq!(parse("{", "h").unwrap_err().at, "input");
        assert_eq!(parse(r#"{"x": []}"#, "h").unwrap_err().at, "nftables");
        let e = parse(
            r#"{"nftables": [{"rule": {"family": "inet", "chain": "in"}}]}"#,
            "h",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "nftables[0].rule.table: expected a string");
    }

    #[test]
    fn jump_loops_stop() {
        let text = r#"{"nftables": [
          {"chain": {"family": "ip", "table": "f", "name": "in", "type": "filter", "hook": "input"}},
          {"chain": {"family": "ip", "table": "f", "name": "a"}},
          {"rule": {"family": "ip", "table": "f", "chain": "in", "expr": [{"jump": {"target": "a"}}]}},
          {"rule": {"family": "ip", "table": "f", "chain": "a", "expr": [{"jump": {"target": "a"}}]}}
        ]}"#;
        assert!(parse(text, "h").unwrap_err().message.contains("deeper"));
    }

    #[test]
    fn cidr_normalises() {
        assert_eq!(cidr("10.1.2.3/8"), Some(("10.0.0.0/8".into(), Family::V4)));
        assert_eq!(
            cidr("10.1.2.3/255.255.0.0"),
            Some(("10.1.0.0/16".into(), Family::V4))
        );
        assert_eq!(cidr("0.0.0.0/0"), Some(("0.0.0.0/0".into(), Family::V4)));
        assert_eq!(
            cidr("2001:db8::1"),
            Some(("2001:db8::1/128".into(), Family::V6))
        );
        assert_eq!(cidr("::/0"), Some(("::/0".into(), Family::V6)));
        assert_eq!(cidr("10.0.0.0/33"), None);
        assert_eq!(cidr("10.0.0.0/255.0.255.0"), None);
        assert_eq!(cidr("host"), None);
    }
}
