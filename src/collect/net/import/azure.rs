//! Azure network security groups (`az network nsg list` or `az network nsg show` JSON) as
//! `net.firewall` evidence, format `azure-nsg`, tool `azure-cli`.
//!
//! # Mapping
//! - the input is the array `nsg list` prints or the one object `nsg show` prints; one
//!   document per NSG, subject `<resourceGroup>/<name>` (the name alone when the input has
//!   no resource group), asset the NSG's name;
//! - `securityRules[]` and `defaultSecurityRules[]` together, ordered by `priority` (lower
//!   first, as Azure evaluates them; the default rules' 65000+ come last); each description
//!   starts with the rule's name and priority (`AllowSSH (priority 100): …`);
//! - `access` `Allow`/`Deny` → `allow`/`deny`; `direction` `Inbound`/`Outbound` →
//!   `ingress`/`egress`; `protocol` `Tcp`/`Udp`/`Icmp`/`*` (`Any`) → `tcp`/`udp`/`icmp`/
//!   `any`; any other protocol (`Esp`, `Ah`) cannot be expressed and is an error;
//! - ports: `destinationPortRange` or `destinationPortRanges` (`"*"` = every port, `"22"`,
//!   `"8000-8100"`); an `icmp` rule has no ports;
//! - sources (inbound) or destinations (outbound): `sourceAddressPrefix(es)` or
//!   `destinationAddressPrefix(es)`. `*` and the service tag `Internet` become `0.0.0.0/0`
//!   and `::/0`; addresses and networks become CIDR; any other service tag
//!   (`VirtualNetwork`, `AzureLoadBalancer`, `Storage.WestEurope`, …) is kept as written,
//!   and an application security group as `asg:<name>`: the addresses they stand for are
//!   not in this output, and none of them is a world source.
//!
//! The input names neither the az version nor when it ran.

use serde_json::{json, Value};

use super::aws::{cidr, parse_json, rule, J};
use super::gcp::port_spec;
use super::{ImportError, Parsed};

/// Parses `az network nsg list` or `az network nsg show` output.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root = parse_json(text)?;
    let top = J::root(&root);
    match &root {
        Value::Array(_) => top.arr()?.iter().map(nsg).collect(),
        Value::Object(_) => Ok(vec![nsg(&top)?]),
        _ => Err(top.err("expected the array nsg list prints or the object nsg show prints")),
    }
}

fn nsg(g: &J<'_>) -> Result<Parsed, ImportError> {
    let name = g.get("name")?.str()?;
    let subject = match g.opt_string("resourceGroup")? {
        Some(rg) if !rg.is_empty() => format!("{rg}/{name}"),
        _ => name.to_string(),
    };
    let mut list: Vec<(i64, usize, Value)> = Vec::new();
    for key in ["securityRules", "defaultSecurityRules"] {
        for r in g.opt_arr(key)? {
            let (priority, value) = security_rule(&r)?;
            list.push((priority, list.len(), value));
        }
    }
    list.sort_by_key(|(p, i, _)| (*p, *i));
    let rules: Vec<Value> = list.into_iter().map(|(_, _, v)| v).collect();
    Ok(Parsed {
        kind: "net.firewall",
        subject,
        body: json!({"asset": name, "format": "azure-nsg", "rules": rules}),
        tool: "azure-cli",
        version: None,
        collected_at: None,
    })
}

fn security_rule(r: &J<'_>) -> Result<(i64, Value), ImportError> {
    let name = r.get("name")?.str()?;
    let priority = r.get("priority")?.int()?;
    let access_at = r.get("access")?;
    let action = match access_at.str()?.to_ascii_lowercase().as_str() {
        "allow" => "allow",
        "deny" => "deny",
        other => return Err(access_at.err(format!("access {other:?}: expected Allow or Deny"))),
    };
    let dir_at = r.get("direction")?;
    let direction = match dir_at.str()?.to_ascii_lowercase().as_str() {
        "inbound" => "ingress",
        "outbound" => "egress",
        other => {
            return Err(dir_at.err(format!("direction {other:?}: expected Inbound or Outbound")))
        }
    };
    let proto_at = r.get("protocol")?;
    let protocol = match proto_at.str()?.to_ascii_lowercase().as_str() {
        "*" | "any" => "any",
        "tcp" => "tcp",
        "udp" => "udp",
        "icmp" => "icmp",
        other => {
            return Err(proto_at.err(format!(
                "protocol {other:?} cannot be expressed as a net.firewall rule (expected Tcp, Udp, Icmp or *)"
            )))
        }
    };
    let ports = if protocol == "icmp" {
        Vec::new()
    } else {
        ports(r)?
    };
    let side = if direction == "ingress" {
        "source"
    } else {
        "destination"
    };
    let mut addrs = Vec::new();
    let single = format!("{side}AddressPrefix");
    let plural = format!("{side}AddressPrefixes");
    if let Some(p) = r.opt(&single)? {
        if !p.str()?.is_empty() {
            address(&p, &mut addrs)?;
        }
    }
    for p in r.opt_arr(&plural)? {
        address(&p, &mut addrs)?;
    }
    for asg in r.opt_arr(&format!("{side}ApplicationSecurityGroups"))? {
        let id_at = asg.get("id")?;
        let id = id_at.str()?;
        let asg_name = id.rsplit('/').next().unwrap_or(id);
        addrs.push(format!("asg:{asg_name}"));
    }
    if addrs.is_empty() {
        return Err(r.err(format!(
            "a rule with no {side}: expected {single}, {plural} or {side}ApplicationSecurityGroups"
        )));
    }
    let description = match r.opt_string("description")? {
        Some(d) if !d.is_empty() => format!("{name} (priority {priority}): {d}"),
        _ => format!("{name} (priority {priority})"),
    };
    Ok((
        priority,
        rule(
            direction,
            action,
            protocol,
            &ports,
            &addrs,
            Some(description),
        ),
    ))
}

/// `destinationPortRange` or `destinationPortRanges`; `[]` for every port.
fn ports(r: &J<'_>) -> Result<Vec<(u16, u16)>, ImportError> {
    let mut specs = Vec::new();
    if let Some(p) = r.opt("destinationPortRange")? {
        if !p.str()?.is_empty() {
            specs.push(p);
        }
    }
    specs.extend(r.opt_arr("destinationPortRanges")?);
    if specs.is_empty() {
        return Err(
            r.err("a rule with no ports: expected destinationPortRange or destinationPortRanges")
        );
    }
    let mut out = Vec::new();
    for p in specs {
        if p.str()?.trim() == "*" {
            return Ok(Vec::new());
        }
        out.push(port_spec(&p)?);
    }
    Ok(out)
}

/// One address prefix: `*`/`Internet` → both world networks, CIDR normalised, other
/// service tags kept.
fn address(p: &J<'_>, out: &mut Vec<String>) -> Result<(), ImportError> {
    let s = p.str()?.trim();
    if s == "*" || s.eq_ignore_ascii_case("internet") || s.eq_ignore_ascii_case("any") {
        out.push("0.0.0.0/0".into());
        out.push("::/0".into());
    } else if let Some(c) = cidr(s) {
        out.push(c);
    } else if !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
    {
        out.push(s.to_string());
    } else {
        return Err(p.err(format!(
            "{s:?} is neither an address, a CIDR network, * nor a service tag"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NSG: &str = r#"{
  "defaultSecurityRules": [
    {
      "access": "Allow",
      "description": "Allow inbound traffic from all VMs in VNET",
      "destinationAddressPrefix": "VirtualNetwork",
      "destinationAddressPrefixes": [],
      "destinationPortRange": "*",
      "destinationPortRanges": [],
      "direction": "Inbound",
      "etag": "W/\"00000000-0000-0000-0000-000000000000\"",
      "id": "/subscriptions/0000/resourceGroups/prod-rg/providers/Microsoft.Network/networkSecurityGroups/web-nsg/defaultSecurityRules/AllowVnetInBound",
      "name": "AllowVnetInBound",
      "priority": 65000,
      "protocol": "*",
      "provisioningState": "Succeeded",
      "resourceGroup": "prod-rg",
      "sourceAddressPrefix": "VirtualNetwork",
      "sourceAddressPrefixes": [],
      "sourcePortRange": "*",
      "sourcePortRanges": [],
      "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules"
    },
    {
      "access": "Deny",
      "description": "Deny all inbound traffic",
      "destinationAddressPrefix": "*",
      "destinationPortRange": "*",
      "direction": "Inbound",
      "name": "DenyAllInBound",
      "priority": 65500,
      "protocol": "*",
      "sourceAddressPrefix": "*",
      "sourcePortRange": "*"
    },
    {
      "access": "Allow",
      "description": "Allow outbound traffic from all VMs to Internet",
      "destinationAddressPrefix": "Internet",
      "destinationPortRange": "*",
      "direction": "Outbound",
      "name": "AllowInternetOutBound",
      "priority": 65001,
      "protocol": "*",
      "sourceAddressPrefix": "*",
      "sourcePortRange": "*"
    }
  ],
  "id": "/subscriptions/0000/resourceGroups/prod-rg/providers/Microsoft.Network/networkSecurityGroups/web-nsg",
  "location": "westeurope",
  "name": "web-nsg",
  "resourceGroup": "prod-rg",
  "securityRules": [
    {
      "access": "Allow",
      "destinationAddressPrefix": "*",
      "destinationAddressPrefixes": [],
      "destinationPortRange": "",
      "destinationPortRanges": ["80", "443", "8000-8100"],
      "direction": "Inbound",
      "name": "AllowWeb",
      "priority": 200,
      "protocol": "Tcp",
      "sourceAddressPrefix": "Internet",
      "sourceAddressPrefixes": [],
      "sourcePortRange": "*"
    },
    {
      "access": "Deny",
      "description": "no SSH from outside",
      "destinationAddressPrefix": "*",
      "destinationPortRange": "22",
      "direction": "Inbound",
      "name": "DenySSH",
      "priority": 100,
      "protocol": "Tcp",
      "sourceAddressPrefix": "",
      "sourceAddressPrefixes": ["203.0.113.0/24", "2001:db8::/48", "AzureLoadBalancer"],
      "sourcePortRange": "*"
    },
    {
      "access": "Allow",
      "destinationAddressPrefix": "10.1.0.4",
      "destinationPortRange": "53",
      "direction": "Outbound",
      "name": "Dns",
      "priority": 300,
      "protocol": "Udp",
      "sourceAddressPrefix": "*",
      "sourcePortRange": "*"
    }
  ],
  "type": "Microsoft.Network/networkSecurityGroups"
}"#;

    #[test]
    fn nsg_show() {
        let docs = parse(NSG).unwrap();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(
            (d.kind, d.subject.as_str(), d.tool),
            ("net.firewall", "prod-rg/web-nsg", "azure-cli")
        );
        assert_eq!(d.body["asset"], "web-nsg");
        assert_eq!(d.body["format"], "azure-nsg");
        let rules = d.body["rules"].as_array().unwrap();
        let names: Vec<&str> = rules
            .iter()
            .map(|r| {
                r["description"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            names,
            [
                "DenySSH",
                "AllowWeb",
                "Dns",
                "AllowVnetInBound",
                "AllowInternetOutBound",
                "DenyAllInBound"
            ]
        );
        assert_eq!(
            rules[0],
            json!({"direction": "ingress", "action": "deny", "protocol": "tcp",
                   "ports": [{"from": 22, "to": 22}],
                   "sources": ["203.0.113.0/24", "2001:db8::/48", "AzureLoadBalancer"],
                   "description": "DenySSH (priority 100): no SSH from outside"})
        );
        assert_eq!(rules[1]["sources"], json!(["0.0.0.0/0", "::/0"]));
        assert_eq!(
            rules[1]["ports"],
            json!([{"from": 80, "to": 80}, {"from": 443, "to": 443}, {"from": 8000, "to": 8100}])
        );
        assert_eq!(rules[2]["direction"], "egress");
        assert_eq!(
            rules[2]["sources"],
            json!(["10.1.0.4/32"]),
            "an outbound rule lists its destinations"
        );
        assert_eq!(rules[3]["sources"], json!(["VirtualNetwork"]));
        assert_eq!(rules[3]["protocol"], "any");
        assert_eq!(rules[3]["ports"], json!([]));
        assert_eq!(rules[4]["sources"], json!(["0.0.0.0/0", "::/0"]));
        assert_eq!(rules[5]["action"], "deny");
    }

    #[test]
    fn nsg_list() {
        let list = format!("[{NSG}, {{\"name\": \"empty-nsg\", \"securityRules\": []}}]");
        let docs = parse(&list).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].subject, "empty-nsg");
        assert_eq!(docs[1].body["rules"], json!([]));
    }

    #[test]
    fn malformed() {
        let base = |rule: &str| format!(r#"[{{"name": "n", "securityRules": [{rule}]}}]"#);
        let e = parse(&base(r#"{"name": "r", "priority": 100, "access": "Allow", "direction": "Inbound", "protocol": "Tcp", "sourceAddressPrefix": "*", "destinationPortRange": "22-"}"#)).unwrap_err();
        assert_eq!(e.at, "[0].securityRules[0].destinationPortRange");
        let e = parse(&base(r#"{"name": "r", "priority": 100, "access": "Allow", "direction": "Inbound", "protocol": "Esp", "sourceAddressPrefix": "*", "destinationPortRange": "*"}"#)).unwrap_err();
        assert!(e.message.contains("\"esp\" cannot be expressed"), "{e}");
        let e = parse(&base(r#"{"name": "r", "priority": 100, "access": "Maybe", "direction": "Inbound", "protocol": "Tcp", "sourceAddressPrefix": "*", "destinationPortRange": "*"}"#)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[0].securityRules[0].access: access \"maybe\": expected Allow or Deny"
        );
        let e = parse(&base(r#"{"name": "r", "priority": 100, "access": "Allow", "direction": "Inbound", "protocol": "Tcp", "sourceAddressPrefix": "10.0.0.0/99", "destinationPortRange": "*"}"#)).unwrap_err();
        assert!(e.message.contains("neither an address"), "{e}");
        let e = parse(&base(r#"{"name": "r", "priority": 100, "access": "Allow", "direction": "Inbound", "protocol": "Tcp", "destinationPortRange": "*"}"#)).unwrap_err();
        assert!(e.message.starts_with("a rule with no source"), "{e}");
        let e = parse(&base(r#"{"name": "r", "access": "Allow"}"#)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[0].securityRules[0].priority: missing (expected a value here)"
        );
    }
}
