//! GCP VPC firewall rules (`gcloud compute firewall-rules list --format=json`) as
//! `net.firewall` evidence, format `gcp-firewall`, tool `gcloud`.
//!
//! # Mapping
//! - the input is the array gcloud prints; one document per VPC network, networks in the
//!   order they first appear. Subject and asset are `<project>/<network>` from the rule's
//!   `network` URL (`…/projects/acme-prod/global/networks/default` →
//!   `acme-prod/default`), since every project has a network called `default`; a bare
//!   network name without a project is used as it is;
//! - each rule's `allowed[]` entries become `allow` rules and its `denied[]` entries `deny`
//!   rules; `direction` `INGRESS`/`EGRESS` becomes `ingress`/`egress`;
//! - rules are ordered by `priority` (lower first, as GCP evaluates them; equal priorities
//!   keep the input order), and each description starts with the rule's name and priority
//!   (`default-allow-ssh (priority 65534): …`) and names the target tags or service accounts
//!   when the rule applies only to some instances;
//! - a rule with `disabled: true` is skipped: GCP does not enforce it;
//! - `IPProtocol`: `tcp`/`6`, `udp`/`17`, `icmp`/`1` (and `ipv6-icmp`/`58`), `all` (= `any`);
//!   any other protocol (`esp`, `sctp`, …) cannot be expressed and is an error. `ports`
//!   strings (`"22"`, `"8000-8100"`) become ranges; no `ports` means every port;
//! - sources: ingress rules read `sourceRanges`, egress rules `destinationRanges`, as CIDR.
//!   `sourceTags` and `sourceServiceAccounts` are kept as `tag:<tag>` and
//!   `serviceAccount:<email>` (the instances they stand for are not in this output; neither
//!   is a world source). A rule with no source at all gets GCP's default, `0.0.0.0/0`.
//!
//! The input names neither the gcloud version nor when it ran.

use serde_json::json;

use super::aws::{cidr_at, parse_json, port, rule, J};
use super::{ImportError, Parsed};

/// A firewall rule's normalised rules with its priority and input position, for sorting.
type Ranked = (i64, usize, Vec<serde_json::Value>);

/// Parses `gcloud compute firewall-rules list --format=json` output.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root = parse_json(text)?;
    let top = J::root(&root);
    let mut networks: Vec<(String, Vec<Ranked>)> = Vec::new();
    for (i, r) in top.arr()?.iter().enumerate() {
        let net_at = r.get("network")?;
        let url = net_at.str()?;
        let name = url
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| net_at.err(format!("{url:?} does not end in a network name")))?;
        let segments: Vec<&str> = url.split('/').collect();
        let project = segments
            .windows(2)
            .find(|w| w[0] == "projects")
            .map(|w| w[1])
            .filter(|p| !p.is_empty());
        let network = &match project {
            Some(p) => format!("{p}/{name}"),
            None => name.to_string(),
        };
        let Some((priority, rules)) = firewall_rule(r)? else {
            continue;
        };
        match networks.iter_mut().find(|(n, _)| n == network) {
            Some((_, list)) => list.push((priority, i, rules)),
            None => networks.push((network.to_string(), vec![(priority, i, rules)])),
        }
    }
    Ok(networks
        .into_iter()
        .map(|(network, mut list)| {
            list.sort_by_key(|(p, i, _)| (*p, *i));
            let rules: Vec<_> = list.into_iter().flat_map(|(_, _, r)| r).collect();
            Parsed {
                kind: "net.firewall",
                subject: network.clone(),
                body: json!({"asset": network, "format": "gcp-firewall", "rules": rules}),
                tool: "gcloud",
                version: None,
                collected_at: None,
            }
        })
        .collect())
}

/// The priority and rules of one firewall rule; `None` when it is disabled.
fn firewall_rule(r: &J<'_>) -> Result<Option<(i64, Vec<serde_json::Value>)>, ImportError> {
    let name = r.get("name")?.str()?;
    if let Some(d) = r.opt("disabled")? {
        if d.bool()? {
            return Ok(None);
        }
    }
    let dir_at = r.get("direction")?;
    let direction = match dir_at.str()? {
        "INGRESS" => "ingress",
        "EGRESS" => "egress",
        other => return Err(dir_at.err(format!("direction {other:?}: expected INGRESS or EGRESS"))),
    };
    let priority = match r.opt("priority")? {
        Some(p) => p.int()?,
        None => 1000, // GCP's default priority
    };
    let mut label = format!("{name} (priority {priority})");
    let targets: Vec<String> = r
        .opt_arr("targetTags")?
        .iter()
        .map(|t| t.str().map(|s| format!("tag:{s}")))
        .chain(
            r.opt_arr("targetServiceAccounts")?
                .iter()
                .map(|t| t.str().map(|s| format!("serviceAccount:{s}"))),
        )
        .collect::<Result<_, _>>()?;
    if !targets.is_empty() {
        label.push_str(&format!(" [only for {}]", targets.join(", ")));
    }
    let description = match r.opt_string("description")? {
        Some(d) if !d.is_empty() => format!("{label}: {d}"),
        _ => label,
    };

    let mut sources = Vec::new();
    let range_key = if direction == "ingress" {
        "sourceRanges"
    } else {
        "destinationRanges"
    };
    for c in r.opt_arr(range_key)? {
        sources.push(cidr_at(&c)?);
    }
    if direction == "ingress" {
        for t in r.opt_arr("sourceTags")? {
            sources.push(format!("tag:{}", t.str()?));
        }
        for t in r.opt_arr("sourceServiceAccounts")? {
            sources.push(format!("serviceAccount:{}", t.str()?));
        }
    }
    if sources.is_empty() {
        sources.push("0.0.0.0/0".to_string());
    }

    let mut out = Vec::new();
    for (key, action) in [("allowed", "allow"), ("denied", "deny")] {
        for entry in r.opt_arr(key)? {
            let proto_at = entry.get("IPProtocol")?;
            let protocol = match proto_at.str()?.to_ascii_lowercase().as_str() {
                "all" => "any",
                "tcp" | "6" => "tcp",
                "udp" | "17" => "udp",
                "icmp" | "1" | "ipv6-icmp" | "58" => "icmp",
                other => {
                    return Err(proto_at.err(format!(
                        "protocol {other:?} cannot be expressed as a net.firewall rule (expected all, tcp, udp, icmp or their numbers)"
                    )))
                }
            };
            let mut ports = Vec::new();
            for p in entry.opt_arr("ports")? {
                ports.push(port_spec(&p)?);
            }
            out.push(rule(
                direction,
                action,
                protocol,
                &ports,
                &sources,
                Some(description.clone()),
            ));
        }
    }
    if out.is_empty() {
        return Err(r.err("a rule with neither allowed nor denied entries"));
    }
    Ok(Some((priority, out)))
}

/// `"22"` or `"8000-8100"`.
pub(super) fn port_spec(p: &J<'_>) -> Result<(u16, u16), ImportError> {
    let s = p.str()?;
    let bad = || {
        p.err(format!(
            "{s:?} is not a port or a port range like 8000-8100"
        ))
    };
    let (f, t) = s.split_once('-').unwrap_or((s, s));
    let f: i64 = f.trim().parse().map_err(|_| bad())?;
    let t: i64 = t.trim().parse().map_err(|_| bad())?;
    let (f, t) = (port(p, f)?, port(p, t)?);
    if t < f {
        return Err(bad());
    }
    Ok((f, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"[
  {
    "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}],
    "creationTimestamp": "2026-01-05T09:12:44.112-08:00",
    "description": "Allow SSH from anywhere",
    "direction": "INGRESS",
    "disabled": false,
    "id": "4411234567890123456",
    "kind": "compute#firewall",
    "logConfig": {"enable": false},
    "name": "default-allow-ssh",
    "network": "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/default",
    "priority": 65534,
    "selfLink": "https://www.googleapis.com/compute/v1/projects/acme-prod/global/firewalls/default-allow-ssh",
    "sourceRanges": ["0.0.0.0/0"]
  },
  {
    "denied": [{"IPProtocol": "tcp", "ports": ["5432", "8000-8100"]}],
    "direction": "INGRESS",
    "disabled": false,
    "name": "deny-db",
    "network": "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/default",
    "priority": 900,
    "sourceRanges": ["0.0.0.0/0", "::/0"],
    "targetTags": ["db"]
  },
  {
    "allowed": [{"IPProtocol": "tcp", "ports": ["443"]}, {"IPProtocol": "udp"}],
    "direction": "INGRESS",
    "name": "internal",
    "network": "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/vpc-a",
    "priority": 1000,
    "sourceRanges": ["10.128.0.0/9", "2600:1900::1"],
    "sourceTags": ["web"]
  },
  {
    "allowed": [{"IPProtocol": "all"}],
    "direction": "EGRESS",
    "name": "egress-all",
    "network": "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/vpc-a",
    "priority": 1000,
    "destinationRanges": ["0.0.0.0/0"]
  },
  {
    "allowed": [{"IPProtocol": "tcp", "ports": ["3389"]}],
    "direction": "INGRESS",
    "disabled": true,
    "name": "default-allow-rdp",
    "network": "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/default",
    "priority": 65534,
    "sourceRanges": ["0.0.0.0/0"]
  }
]"#;

    #[test]
    fn rules_by_network_and_priority() {
        let docs = parse(RULES).unwrap();
        assert_eq!(docs.len(), 2);
        let d = &docs[0];
        assert_eq!(
            (d.kind, d.subject.as_str(), d.tool),
            ("net.firewall", "acme-prod/default", "gcloud")
        );
        assert_eq!(d.body["format"], "gcp-firewall");
        assert_eq!(
            d.body["rules"],
            json!([
                {"direction": "ingress", "action": "deny", "protocol": "tcp",
                 "ports": [{"from": 5432, "to": 5432}, {"from": 8000, "to": 8100}],
                 "sources": ["0.0.0.0/0", "::/0"],
                 "description": "deny-db (priority 900) [only for tag:db]"},
                {"direction": "ingress", "action": "allow", "protocol": "tcp",
                 "ports": [{"from": 22, "to": 22}], "sources": ["0.0.0.0/0"],
                 "description": "default-allow-ssh (priority 65534): Allow SSH from anywhere"},
            ]),
            "priority order; the disabled RDP rule is skipped"
        );
        let rules = docs[1].body["rules"].as_array().unwrap();
        assert_eq!(docs[1].body["asset"], "acme-prod/vpc-a");
        assert_eq!(rules.len(), 3);
        assert_eq!(
            rules[0]["sources"],
            json!(["10.128.0.0/9", "2600:1900::1/128", "tag:web"])
        );
        assert_eq!(rules[1]["protocol"], "udp");
        assert_eq!(rules[1]["ports"], json!([]));
        assert_eq!(rules[2]["direction"], "egress");
        assert_eq!(rules[2]["protocol"], "any");
        assert_eq!(rules[2]["sources"], json!(["0.0.0.0/0"]));
    }

    #[test]
    fn malformed() {
        let e = parse(r#"[{"name": "x", "direction": "INGRESS", "network": "n", "allowed": [{"IPProtocol": "tcp", "ports": ["22-"]}]}]"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[0].allowed[0].ports[0]: \"22-\" is not a port or a port range like 8000-8100"
        );

        let e = parse(r#"[{"name": "x", "direction": "INGRESS", "network": "n", "allowed": [{"IPProtocol": "esp"}]}]"#).unwrap_err();
        assert_eq!(e.at, "[0].allowed[0].IPProtocol");

        let e = parse(r#"[{"name": "x", "direction": "SIDEWAYS", "network": "n", "allowed": []}]"#)
            .unwrap_err();
        assert!(e.message.contains("expected INGRESS or EGRESS"), "{e}");

        let e = parse(r#"[{"name": "x", "direction": "INGRESS", "network": "n", "sourceRanges": ["10.0.0.0/40"], "allowed": [{"IPProtocol": "all"}]}]"#).unwrap_err();
        assert_eq!(e.at, "[0].sourceRanges[0]");

        let e = parse(r#"{"items": []}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "(top level): expected an array, found an object"
        );
    }
}
