//! Kubernetes Services (`kubectl get svc -A -o json`) as `net.firewall` evidence: what a
//! Service exposes outside the cluster. Format `kubernetes-service`, tool `kubectl`.
//!
//! # Mapping
//! - the input is the `List` kubectl prints (`items[]`), or one Service; one document per
//!   Service that exposes a port, subject and asset `<namespace>/<name>`;
//! - `LoadBalancer`: each `spec.ports[]` entry is an ingress allow rule on its `port` from
//!   `spec.loadBalancerSourceRanges` (else the legacy annotation
//!   `service.beta.kubernetes.io/load-balancer-source-ranges`, else `0.0.0.0/0` and `::/0`:
//!   the load balancer admits everyone);
//! - `NodePort`, and `LoadBalancer` ports that have a `nodePort`: an ingress allow rule on
//!   the `nodePort` from `0.0.0.0/0` and `::/0`. Kubernetes applies the source ranges to
//!   the load balancer only; a node port is reachable wherever the nodes are, so only the
//!   nodes' own firewall (its own `net.firewall` evidence) can narrow it;
//! - `spec.externalIPs` (any type): a rule on each `port` from the world, since traffic to
//!   those addresses reaches the Service without a load balancer in between;
//! - `ClusterIP` and `ExternalName` Services without external IPs are skipped: they are
//!   reachable only inside the cluster (or are a DNS alias);
//! - `protocol` `TCP` (the default) / `UDP`; `SCTP` cannot be expressed and is an error.
//!   Each description names the port (`https 443/tcp -> 8443 via load balancer`).
//!
//! The input names neither the kubectl version nor when it ran.

use serde_json::{json, Value};

use super::aws::{cidr, cidr_at, parse_json, port, rule, J};
use super::{ImportError, Parsed};

const LEGACY_RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

/// Parses `kubectl get svc -A -o json` output.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root = parse_json(text)?;
    let top = J::root(&root);
    let services = match top.opt_string("kind")?.as_deref() {
        Some("Service") => vec![top],
        _ => top.get("items")?.arr()?,
    };
    let mut docs = Vec::new();
    for s in &services {
        if let Some(d) = service(s)? {
            docs.push(d);
        }
    }
    Ok(docs)
}

fn world() -> Vec<String> {
    vec!["0.0.0.0/0".to_string(), "::/0".to_string()]
}

fn service(s: &J<'_>) -> Result<Option<Parsed>, ImportError> {
    let meta = s.get("metadata")?;
    let name = meta.get("name")?.str()?;
    let namespace = meta
        .opt_string("namespace")?
        .unwrap_or_else(|| "default".to_string());
    let spec = s.get("spec")?;
    let kind = spec
        .opt_string("type")?
        .unwrap_or_else(|| "ClusterIP".to_string());
    let (load_balancer, node_port) = match kind.as_str() {
        "LoadBalancer" => (true, true),
        "NodePort" => (false, true),
        "ClusterIP" | "ExternalName" => (false, false),
        other => {
            return Err(spec.get("type")?.err(format!(
                "type {other:?}: expected ClusterIP, NodePort, LoadBalancer or ExternalName"
            )))
        }
    };
    let external_ips: Vec<String> = spec
        .opt_arr("externalIPs")?
        .iter()
        .map(|ip| ip.str().map(str::to_string))
        .collect::<Result<_, _>>()?;
    if !load_balancer && !node_port && external_ips.is_empty() {
        return Ok(None);
    }
    let lb_sources = if load_balancer {
        lb_sources(&meta, &spec)?
    } else {
        Vec::new()
    };
    let mut rules: Vec<Value> = Vec::new();
    for p in spec.opt_arr("ports")? {
        let protocol = match p.opt("protocol")? {
            None => "tcp",
            Some(at) => match at.str()? {
                "TCP" => "tcp",
                "UDP" => "udp",
                other => {
                    return Err(at.err(format!(
                        "protocol {other:?} cannot be expressed as a net.firewall rule (expected TCP or UDP)"
                    )))
                }
            },
        };
        let port_at = p.get("port")?;
        let number = port(&port_at, port_at.int()?)?;
        let label = match p.opt_string("name")? {
            Some(n) if !n.is_empty() => format!("{n} {number}/{protocol}"),
            _ => format!("{number}/{protocol}"),
        };
        let target = match p.opt("targetPort")? {
            Some(t) => match t.v {
                Value::String(s) => format!(" -> {s}"),
                other => format!(" -> {other}"),
            },
            None => String::new(),
        };
        if load_balancer {
            rules.push(rule(
                "ingress",
                "allow",
                protocol,
                &[(number, number)],
                &lb_sources,
                Some(format!("{label}{target} via load balancer")),
            ));
        }
        if node_port {
            if let Some(np_at) = p.opt("nodePort")? {
                let np = port(&np_at, np_at.int()?)?;
                rules.push(rule(
                    "ingress",
                    "allow",
                    protocol,
                    &[(np, np)],
                    &world(),
                    Some(format!("{label}{target} via node port {np} on every node")),
                ));
            } else if kind == "NodePort" {
                return Err(p.err("a NodePort Service port with no nodePort"));
            }
        }
        if !external_ips.is_empty() {
            rules.push(rule(
                "ingress",
                "allow",
                protocol,
                &[(number, number)],
                &world(),
                Some(format!(
                    "{label}{target} on external IPs {}",
                    external_ips.join(", ")
                )),
            ));
        }
    }
    let subject = format!("{namespace}/{name}");
    Ok(Some(Parsed {
        kind: "net.firewall",
        subject: subject.clone(),
        body: json!({"asset": subject, "format": "kubernetes-service", "rules": rules}),
        tool: "kubectl",
        version: None,
        collected_at: None,
    }))
}

/// The addresses a load balancer admits.
fn lb_sources(meta: &J<'_>, spec: &J<'_>) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    for r in spec.opt_arr("loadBalancerSourceRanges")? {
        out.push(cidr_at(&r)?);
    }
    if out.is_empty() {
        if let Some(ann) = meta.opt("annotations")? {
            if let Some(a) = ann.opt(LEGACY_RANGES)? {
                let text = a.str()?;
                for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    out.push(cidr(part).ok_or_else(|| {
                        a.err(format!("{part:?} is not an IP address or CIDR network"))
                    })?);
                }
            }
        }
    }
    if out.is_empty() {
        out = world();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICES: &str = r#"{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default", "uid": "1"},
            "spec": {
                "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                "sessionAffinity": "None", "type": "ClusterIP"
            },
            "status": {"loadBalancer": {}}
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": "shop", "uid": "2"},
            "spec": {
                "allocateLoadBalancerNodePorts": true,
                "clusterIP": "10.96.14.2",
                "externalTrafficPolicy": "Cluster",
                "ipFamilies": ["IPv4", "IPv6"],
                "ipFamilyPolicy": "PreferDualStack",
                "loadBalancerSourceRanges": ["203.0.113.0/24", "2001:db8:1::/48"],
                "ports": [
                    {"name": "https", "nodePort": 31443, "port": 443, "protocol": "TCP", "targetPort": "https"},
                    {"name": "quic", "nodePort": 31444, "port": 443, "protocol": "UDP", "targetPort": 8443}
                ],
                "selector": {"app": "web"},
                "type": "LoadBalancer"
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "198.51.100.7", "ipMode": "VIP"}]}}
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "db-debug", "namespace": "data"},
            "spec": {
                "ports": [{"nodePort": 30432, "port": 5432, "targetPort": 5432}],
                "type": "NodePort"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "legacy", "namespace": "ops",
                         "annotations": {"service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, 192.0.2.5"}},
            "spec": {
                "allocateLoadBalancerNodePorts": false,
                "ports": [{"port": 22, "protocol": "TCP"}],
                "type": "LoadBalancer"
            }
        }
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}"#;

    #[test]
    fn services() {
        let docs = parse(SERVICES).unwrap();
        let subjects: Vec<&str> = docs.iter().map(|d| d.subject.as_str()).collect();
        assert_eq!(
            subjects,
            ["shop/web", "data/db-debug", "ops/legacy"],
            "ClusterIP is skipped"
        );
        let web = &docs[0];
        assert_eq!((web.kind, web.tool), ("net.firewall", "kubectl"));
        assert_eq!(web.body["format"], "kubernetes-service");
        assert_eq!(web.body["asset"], "shop/web");
        let rules = web.body["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 4);
        assert_eq!(
            rules[0],
            json!({"direction": "ingress", "action": "allow", "protocol": "tcp",
                   "ports": [{"from": 443, "to": 443}],
                   "sources": ["203.0.113.0/24", "2001:db8:1::/48"],
                   "description": "https 443/tcp -> https via load balancer"})
        );
        assert_eq!(rules[1]["ports"], json!([{"from": 31443, "to": 31443}]));
        assert_eq!(rules[1]["sources"], json!(["0.0.0.0/0", "::/0"]));
        assert_eq!(rules[2]["protocol"], "udp");
        assert_eq!(
            rules[2]["description"],
            "quic 443/udp -> 8443 via load balancer"
        );

        assert_eq!(
            docs[1].body["rules"],
            json!([{"direction": "ingress", "action": "allow", "protocol": "tcp",
                    "ports": [{"from": 30432, "to": 30432}], "sources": ["0.0.0.0/0", "::/0"],
                    "description": "5432/tcp -> 5432 via node port 30432 on every node"}])
        );
        assert_eq!(
            docs[2].body["rules"],
            json!([{"direction": "ingress", "action": "allow", "protocol": "tcp",
                    "ports": [{"from": 22, "to": 22}], "sources": ["10.0.0.0/8", "192.0.2.5/32"],
                    "description": "22/tcp via load balancer"}])
        );
    }

    #[test]
    fn lone_service_and_external_ips() {
        let docs = parse(r#"{"kind": "Service", "metadata": {"name": "api"},
            "spec": {"type": "ClusterIP", "externalIPs": ["198.51.100.9"], "ports": [{"port": 8080}]}}"#)
        .unwrap();
        assert_eq!(docs[0].subject, "default/api");
        assert_eq!(
            docs[0].body["rules"][0]["description"],
            "8080/tcp on external IPs 198.51.100.9"
        );
        assert_eq!(
            docs[0].body["rules"][0]["sources"],
            json!(["0.0.0.0/0", "::/0"])
        );
    }

    #[test]
    fn malformed() {
        let svc = |spec: &str| {
            format!(
                r#"{{"items": [{{"metadata": {{"name": "s", "namespace": "n"}}, "spec": {spec}}}]}}"#
            )
        };
        let e = parse(&svc(
            r#"{"type": "LoadBalancer", "ports": [{"port": 443, "protocol": "SCTP"}]}"#,
        ))
        .unwrap_err();
        assert_eq!(e.at, "items[0].spec.ports[0].protocol");
        assert!(e.message.contains("\"SCTP\" cannot be expressed"), "{e}");
        let e = parse(&svc(
            r#"{"type": "LoadBalancer", "loadBalancerSourceRanges": ["office"], "ports": []}"#,
        ))
        .unwrap_err();
        assert_eq!(e.to_string(), "items[0].spec.loadBalancerSourceRanges[0]: \"office\" is not an IP address or CIDR network");
        let e = parse(&svc(r#"{"type": "NodePort", "ports": [{"port": 80}]}"#)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "items[0].spec.ports[0]: a NodePort Service port with no nodePort"
        );
        let e = parse(&svc(
            r#"{"type": "NodePort", "ports": [{"port": 80, "nodePort": 99999}]}"#,
        ))
        .unwrap_err();
        assert!(e.message.contains("outside 0-65535"), "{e}");
        let e = parse(&svc(r#"{"type": "Gateway"}"#)).unwrap_err();
        assert_eq!(e.at, "items[0].spec.type");
        let e = parse(r#"{"kind": "List"}"#).unwrap_err();
        assert_eq!(e.to_string(), "items: missing (expected a value here)");
    }
}
