//! AWS security groups (`aws ec2 describe-security-groups` JSON) as `net.firewall`
//! evidence, format `aws-sg`, tool `aws-cli`.
//!
//! # Mapping
//! - one document per `SecurityGroups[]` entry: subject the `GroupId`, asset
//!   `<GroupName> (<GroupId>)`. The top level is the CLI's `{"SecurityGroups": [...]}`, or
//!   the bare array that `--query SecurityGroups` prints;
//! - `IpPermissions[]` become ingress rules and `IpPermissionsEgress[]` egress rules; a
//!   security group can only allow, so every rule's action is `allow`;
//! - one rule per source of a permission (each `IpRanges[]`, `Ipv6Ranges[]`,
//!   `PrefixListIds[]` and `UserIdGroupPairs[]` entry), so each rule keeps that source's
//!   own `Description`; rules keep the order of the input;
//! - `IpProtocol`: `-1` (or `all`) is `any` with every port; `tcp`/`6` and `udp`/`17` take
//!   `FromPort`–`ToPort` (a `-1` port means every port); `icmp`/`1` and `icmpv6`/`58` are
//!   `icmp` (their `FromPort`/`ToPort` are ICMP type and code, not ports, so the rule's port
//!   list is empty). Any other protocol cannot be expressed and is an error;
//! - sources: `CidrIp`/`CidrIpv6` normalised to CIDR (a bare address gets `/32` or
//!   `/128`). A prefix list (`pl-…`) or a security group (`sg-…`) is kept as that
//!   id: the addresses it
//!   stands for are not in this output, and the rule's description says so. Neither id is
//!   a world source, so such a rule never counts as open to the internet;
//! - a permission with no source at all is an error (AWS never prints one).
//!
//! The input says neither the CLI version nor when it ran, so `version` and
//! `collected_at` are left out.
//!
//! The JSON cursor ([`J`]), [`cidr`] and [`rule`] are shared with the other JSON importers.

use std::net::IpAddr;

use serde_json::{json, Value};

use super::{ImportError, Parsed};

/// Parses `aws ec2 describe-security-groups` output.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root = parse_json(text)?;
    let top = J::root(&root);
    let groups = match top.v {
        Value::Array(_) => top.arr()?,
        Value::Object(_) => top.get("SecurityGroups")?.arr()?,
        _ => {
            return Err(top.err(format!(
                "expected the object {{\"SecurityGroups\": [...]}} that describe-security-groups prints, found {}",
                type_name(top.v)
            )))
        }
    };
    groups.iter().map(group).collect()
}

fn group(g: &J<'_>) -> Result<Parsed, ImportError> {
    let id = g.get("GroupId")?.str()?;
    let name = g.get("GroupName")?.str()?;
    let mut rules = Vec::new();
    for (key, direction) in [
        ("IpPermissions", "ingress"),
        ("IpPermissionsEgress", "egress"),
    ] {
        for perm in g.opt_arr(key)? {
            permission(&perm, direction, &mut rules)?;
        }
    }
    Ok(Parsed {
        kind: "net.firewall",
        subject: id.to_string(),
        body: json!({
            "asset": format!("{name} ({id})"),
            "format": "aws-sg",
            "rules": rules,
        }),
        tool: "aws-cli",
        version: None,
        collected_at: None,
    })
}

fn permission(p: &J<'_>, direction: &str, rules: &mut Vec<Value>) -> Result<(), ImportError> {
    let proto_at = p.get("IpProtocol")?;
    let proto = proto_at.str()?;
    let protocol = match proto.to_ascii_lowercase().as_str() {
        "-1" | "all" => "any",
        "tcp" | "6" => "tcp",
        "udp" | "17" => "udp",
        "icmp" | "1" | "icmpv6" | "58" => "icmp",
        other => {
            return Err(proto_at.err(format!(
                "protocol {other:?} cannot be expressed as a net.firewall rule (expected -1, tcp, udp, icmp, icmpv6 or their numbers)"
            )))
        }
    };
    let ports = if protocol == "tcp" || protocol == "udp" {
        port_range(p)?
    } else {
        Vec::new()
    };
    let mut sources: Vec<(String, Option<String>)> = Vec::new();
    for r in p.opt_arr("IpRanges")? {
        let c = r.get("CidrIp")?;
        sources.push((cidr_at(&c)?, r.opt_string("Description")?));
    }
    for r in p.opt_arr("Ipv6Ranges")? {
        let c = r.get("CidrIpv6")?;
        sources.push((cidr_at(&c)?, r.opt_string("Description")?));
    }
    for r in p.opt_arr("PrefixListIds")? {
        let pl = r.get("PrefixListId")?.str()?.to_string();
        let note = format!("prefix list {pl}: its addresses are not in this output");
        let d = with_note(r.opt_string("Description")?, &note);
        sources.push((pl, Some(d)));
    }
    for r in p.opt_arr("UserIdGroupPairs")? {
        let sg = r.get("GroupId")?.str()?.to_string();
        let vpc = r.opt_string("VpcPeeringConnectionId")?;
        let note = match &vpc {
            Some(pcx) => {
                format!("security group {sg} across peering {pcx}: the addresses of its members")
            }
            None => format!("security group {sg}: the addresses of its members"),
        };
        let d = with_note(r.opt_string("Description")?, &note);
        sources.push((sg, Some(d)));
    }
    if sources.is_empty() {
        return Err(p.err(
            "a permission with no source: expected IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs",
        ));
    }
    for (src, description) in sources {
        rules.push(rule(
            direction,
            "allow",
            protocol,
            &ports,
            &[src],
            description,
        ));
    }
    Ok(())
}

fn with_note(description: Option<String>, note: &str) -> String {
    match description {
        Some(d) if !d.is_empty() => format!("{d} ({note})"),
        _ => note.to_string(),
    }
}

/// `FromPort`–`ToPort` of a tcp or udp permission: `[]` for every port (`-1`).
fn port_range(p: &J<'_>) -> Result<Vec<(u16, u16)>, ImportError> {
    let from = p.get("FromPort")?;
    let to = p.get("ToPort")?;
    let (f, t) = (from.int()?, to.int()?);
    if f == -1 && t == -1 {
        return Ok(Vec::new());
    }
    let f = port(&from, f)?;
    let t = port(&to, t)?;
    if t < f {
        return Err(to.err(format!("ToPort {t} is below FromPort {f}")));
    }
    Ok(vec![(f, t)])
}

// ---------------------------------------------------------------------------------------
// Shared by the JSON importers.
// ---------------------------------------------------------------------------------------

/// Parses JSON text, naming the line and column of a syntax error.
pub(super) fn parse_json(text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| {
        ImportError::new(
            format!("line {}", e.line()),
            format!("not valid JSON (column {}): {e}", e.column()),
        )
    })
}

/// A port number at `at`, 0–65535.
pub(super) fn port(at: &J<'_>, n: i64) -> Result<u16, ImportError> {
    u16::try_from(n).map_err(|_| at.err(format!("port {n} is outside 0-65535")))
}

/// One `net.firewall` rule.
pub(super) fn rule(
    direction: &str,
    action: &str,
    protocol: &str,
    ports: &[(u16, u16)],
    sources: &[String],
    description: Option<String>,
) -> Value {
    json!({
        "direction": direction,
        "action": action,
        "protocol": protocol,
        "ports": ports.iter().map(|(f, t)| json!({"from": f, "to": t})).collect::<Vec<_>>(),
        "sources": sources,
        "description": description,
    })
}

/// An address or network as CIDR: `10.0.0.0/8` stays, `192.0.2.7` becomes `192.0.2.7/32`,
/// `2001:DB8::/32` becomes `2001:db8::/32`. `None` when `s` is neither.
pub(super) fn cidr(s: &str) -> Option<String> {
    let s = s.trim();
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(l) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => {
            l.parse::<u8>().ok()?
        }
        Some(_) => return None,
        None => max,
    };
    (len <= max).then(|| format!("{ip}/{len}"))
}

pub(super) use crate::evidence::json_type_name as type_name;

/// The JSON walker every importer shares, under the name the firewall importers use.
pub(super) use crate::collect::json_at::At as J;

/// This string as CIDR (see [`cidr`]), or an error at its path.
pub(super) fn cidr_at(j: &J<'_>) -> Result<String, ImportError> {
    let s = j.str()?;
    cidr(s).ok_or_else(|| j.err(format!("{s:?} is not an IP address or CIDR network")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: &str = r#"{
    "SecurityGroups": [
        {
            "Description": "web servers",
            "GroupName": "web",
            "IpPermissions": [
                {
                    "FromPort": 443,
                    "IpProtocol": "tcp",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTPS"}],
                    "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "HTTPS v6"}],
                    "PrefixListIds": [],
                    "ToPort": 443,
                    "UserIdGroupPairs": []
                },
                {
                    "FromPort": 8000,
                    "IpProtocol": "tcp",
                    "IpRanges": [{"CidrIp": "203.0.113.7"}],
                    "Ipv6Ranges": [{"CidrIpv6": "2001:DB8::/32"}],
                    "PrefixListIds": [{"PrefixListId": "pl-0123456789abcdef0", "Description": "office"}],
                    "ToPort": 8100,
                    "UserIdGroupPairs": [{"GroupId": "sg-0aaa1111bbbb2222c", "UserId": "123456789012", "Description": "bastion"}]
                },
                {
                    "FromPort": -1,
                    "IpProtocol": "icmp",
                    "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "ToPort": -1,
                    "UserIdGroupPairs": []
                }
            ],
            "OwnerId": "123456789012",
            "GroupId": "sg-0123abcd4567ef890",
            "IpPermissionsEgress": [
                {
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": []
                }
            ],
            "VpcId": "vpc-0a1b2c3d"
        },
        {
            "Description": "nothing allowed in",
            "GroupName": "closed",
            "IpPermissions": [],
            "OwnerId": "123456789012",
            "GroupId": "sg-0fff",
            "IpPermissionsEgress": [
                {"IpProtocol": "17", "FromPort": 53, "ToPort": 53,
                 "IpRanges": [{"CidrIp": "10.0.0.2/32"}]}
            ],
            "VpcId": "vpc-0a1b2c3d"
        }
    ]
}"#;

    #[test]
    fn security_groups() {
        let docs = parse(GROUPS).unwrap();
        assert_eq!(docs.len(), 2);
        let d = &docs[0];
        assert_eq!(d.kind, "net.firewall");
        assert_eq!(d.subject, "sg-0123abcd4567ef890");
        assert_eq!(d.tool, "aws-cli");
        assert_eq!(d.body["asset"], "web (sg-0123abcd4567ef890)");
        assert_eq!(d.body["format"], "aws-sg");
        let rules = d.body["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 9);
        assert_eq!(
            rules[0],
            json!({"direction": "ingress", "action": "allow", "protocol": "tcp",
                   "ports": [{"from": 443, "to": 443}], "sources": ["0.0.0.0/0"], "description": "HTTPS"})
        );
        assert_eq!(rules[1]["sources"], json!(["::/0"]));
        assert_eq!(rules[2]["sources"], json!(["203.0.113.7/32"]));
        assert_eq!(rules[2]["ports"], json!([{"from": 8000, "to": 8100}]));
        assert_eq!(rules[2]["description"], Value::Null);
        assert_eq!(rules[3]["sources"], json!(["2001:db8::/32"]));
        assert_eq!(rules[4]["sources"], json!(["pl-0123456789abcdef0"]));
        assert!(rules[4]["description"]
            .as_str()
            .unwrap()
            .starts_with("office (prefix list pl-"));
        assert_eq!(rules[5]["sources"], json!(["sg-0aaa1111bbbb2222c"]));
        assert_eq!(rules[6]["protocol"], "icmp");
        assert_eq!(rules[6]["ports"], json!([]));
        assert_eq!(
            rules[7],
            json!({"direction": "egress", "action": "allow", "protocol": "any",
                   "ports": [], "sources": ["0.0.0.0/0"], "description": null})
        );
        assert_eq!(rules[8]["sources"], json!(["::/0"]));
    }

    #[test]
    fn egress_and_protocol_numbers() {
        let docs = parse(GROUPS).unwrap();
        let closed = &docs[1];
        assert_eq!(closed.body["asset"], "closed (sg-0fff)");
        assert_eq!(
            closed.body["rules"],
            json!([{"direction": "egress", "action": "allow", "protocol": "udp",
                    "ports": [{"from": 53, "to": 53}], "sources": ["10.0.0.2/32"], "description": null}])
        );
    }

    #[test]
    fn bare_array_and_all_traffic() {
        let docs = parse(
            r#"[{"GroupName": "default", "GroupId": "sg-1", "IpPermissions": [
                {"IpProtocol": "-1", "IpRanges": [], "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "123456789012"}]}]}]"#,
        )
        .unwrap();
        let r = &docs[0].body["rules"][0];
        assert_eq!(r["protocol"], "any");
        assert_eq!(r["ports"], json!([]));
        assert_eq!(r["sources"], json!(["sg-1"]));
    }

    #[test]
    fn malformed() {
        let e = parse(r#"{"SecurityGroups": [{"GroupName": "x", "GroupId": "sg-1", "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "300.1.1.1/8"}]}]}]}"#)
        .unwrap_err();
        assert_eq!(
            e.at,
            "SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp"
        );
        assert!(e.message.contains("not an IP address or CIDR"), "{e}");

        let e = parse(
            r#"{"SecurityGroups": [{"GroupName": "x", "GroupId": "sg-1", "IpPermissions": [
            {"IpProtocol": "50", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.at, "SecurityGroups[0].IpPermissions[0].IpProtocol");
        assert!(e.message.contains("cannot be expressed"), "{e}");

        let e = parse(
            r#"{"SecurityGroups": [{"GroupName": "x", "GroupId": "sg-1", "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "SecurityGroups[0].IpPermissions[0].ToPort: missing (expected a value here)"
        );

        let e = parse(r#"{"Groups": []}"#).unwrap_err();
        assert_eq!(e.at, "SecurityGroups");

        let e = parse("{\n\"SecurityGroups\": [\n").unwrap_err();
        assert!(e.message.starts_with("not valid JSON"), "{e}");
    }

    #[test]
    fn cidrs() {
        assert_eq!(cidr("10.0.0.0/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(cidr("192.0.2.1").as_deref(), Some("192.0.2.1/32"));
        assert_eq!(cidr("2001:db8::1").as_deref(), Some("2001:db8::1/128"));
        assert_eq!(cidr("::/0").as_deref(), Some("::/0"));
        assert_eq!(cidr("10.0.0.0/33"), None);
        assert_eq!(cidr("10.0.0.0/"), None);
        assert_eq!(cidr("10.0.0.0/+8"), None);
        assert_eq!(cidr("pl-1"), None);
    }
}
