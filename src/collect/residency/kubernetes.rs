//! Kubernetes nodes as `cloud.resources` evidence, tool `kubectl`: where a cluster's
//! nodes run, read from `kubectl get nodes -o json`.
//!
//! # Mapping
//! - the input is a `List` (what kubectl prints) or `NodeList` (the API's own answer) whose
//!   items of kind `Node` are read; other kinds are ignored, so the output of
//!   `kubectl get nodes,namespaces -o json` works too. A single `Node` is read as well;
//! - one resource per node, id the node's name, type `kubernetes_node`;
//! - the provider from the scheme of `spec.providerID` (`aws://`, `gce://`, `azure://`,
//!   `hcloud://`, `digitalocean://`, `scaleway://`, `ovhcloud://`, `ionos://`, an Oracle
//!   OCID; `openstack://` only when the node carries an OVHcloud label, since any OpenStack
//!   cloud uses that scheme). Anything else is provider `kubernetes`, which the region
//!   table does not cover, so its nodes have no country and a residency control errors on
//!   them rather than passing;
//! - the region from the label `topology.kubernetes.io/region` (before Kubernetes 1.17:
//!   `failure-domain.beta.kubernetes.io/region`), the zone from `…/zone`; a node without a
//!   region label is placed by its zone, then by the zone in an AWS or GCE provider id;
//! - country, place and jurisdictions from [`super::regions`];
//! - `stores_data: true` for every node: pods write to emptyDir and hostPath volumes and
//!   container layers on the node's own disks, and the node mounts the pods' persistent
//!   volumes, so customer data passes through and rests on every node that runs a
//!   workload. A node that holds none (a dedicated ingress pool) can be set
//!   `stores_data: false` only by the person who knows.
//!
//! The node list does not name its cluster, so the caller does: the document's subject is
//! `k8s:<cluster>` (provider `kubernetes`, account the cluster).

use serde_json::{json, Map, Value};

use super::regions::Regions;
use crate::collect::net::import::{ImportError, Parsed};
use crate::evidence::json_type_name;

/// The cluster name when the caller gives none.
pub const DEFAULT_CLUSTER: &str = "kubernetes";

const REGION_LABELS: [&str; 2] = [
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/region",
];
const ZONE_LABELS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

/// Parses `kubectl get nodes -o json` of the cluster `cluster` into one document.
pub fn parse(text: &str, cluster: &str) -> Result<Vec<Parsed>, ImportError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::new(format!("line {}", e.line()), format!("not valid JSON: {e}"))
    })?;
    let kind = root.get("kind").and_then(Value::as_str);
    let nodes: Vec<(String, &Value)> = match kind {
        Some("List") | Some("NodeList") => {
            let items = root
                .get("items")
                .ok_or_else(|| ImportError::new("items", "missing"))?;
            let items = items.as_array().ok_or_else(|| {
                ImportError::new(
                    "items",
                    format!("expected an array, found {}", json_type_name(items)),
                )
            })?;
            items
                .iter()
                .enumerate()
                .filter(|(_, it)| {
                    kind == Some("NodeList") || it.get("kind").and_then(Value::as_str) == Some("Node")
                })
                .map(|(i, it)| (format!("items[{i}]"), it))
                .collect()
        }
        Some("Node") => vec![("(top level)".to_string(), &root)],
        _ => {
            return Err(ImportError::new(
                "kind",
                "expected the output of `kubectl get nodes -o json` (kind List or NodeList) or of `kubectl get node NAME -o json` (kind Node)",
            ))
        }
    };
    let regions = Regions::builtin();
    let mut resources = Vec::new();
    for (at, node) in nodes {
        resources.push(node_resource(node, &at, regions)?);
    }
    if resources.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Parsed {
        kind: "cloud.resources",
        subject: format!("k8s:{cluster}"),
        body: json!({
            "provider": "kubernetes",
            "account": cluster,
            "cluster": cluster,
            "resources": resources,
        }),
        tool: "kubectl",
        version: None,
        collected_at: None,
    }])
}

fn node_resource(node: &Value, at: &str, regions: &Regions) -> Result<Value, ImportError> {
    let meta = object(node, "metadata", at)?;
    let meta_at = format!("{at}.metadata");
    let name = match meta.get("name") {
        Some(Value::String(s)) if !s.is_empty() => s.as_str(),
        Some(other) => {
            return Err(ImportError::new(
                format!("{meta_at}.name"),
                format!(
                    "expected a non-empty string, found {}",
                    json_type_name(other)
                ),
            ))
        }
        None => return Err(ImportError::new(format!("{meta_at}.name"), "missing")),
    };
    let empty = Map::new();
    let labels = match meta.get("labels") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(ImportError::new(
                format!("{meta_at}.labels"),
                format!("expected an object, found {}", json_type_name(other)),
            ))
        }
    };
    let label = |keys: &[&str]| -> Result<Option<&str>, ImportError> {
        for k in keys {
            match labels.get(*k) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if s.is_empty() => {}
                Some(Value::String(s)) => return Ok(Some(s)),
                Some(other) => {
                    return Err(ImportError::new(
                        format!("{meta_at}.labels[{k:?}]"),
                        format!("expected a string, found {}", json_type_name(other)),
                    ))
                }
            }
        }
        Ok(None)
    };
    let provider_id = match node.get("spec").and_then(|s| s.get("providerID")) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(other) => {
            return Err(ImportError::new(
                format!("{at}.spec.providerID"),
                format!("expected a string, found {}", json_type_name(other)),
            ))
        }
    };
    let provider = provider_of(provider_id, labels);
    let region = label(&REGION_LABELS)?;
    let zone = label(&ZONE_LABELS)?;
    let id_zone = provider_id.and_then(|p| zone_in_provider_id(provider, p));
    let place = [region, zone, id_zone.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|loc| regions.locate(provider, loc));
    let mut r = json!({
        "id": name,
        "type": "kubernetes_node",
        "provider": provider,
        "provider_id": provider_id,
        "region": place.as_ref().map(|p| p.region.clone()).or(region.map(str::to_string)),
        "zone": zone.map(str::to_string).or(id_zone),
        "country": place.as_ref().and_then(|p| p.country.clone()),
        "jurisdictions": place.as_ref().map(|p| p.jurisdictions.clone()).unwrap_or_default(),
        "stores_data": true,
    });
    if let Some(p) = place.and_then(|p| p.place) {
        r["place"] = json!(p);
    }
    if let Some(t) = label(&[
        "node.kubernetes.io/instance-type",
        "beta.kubernetes.io/instance-type",
    ])? {
        r["instance_type"] = json!(t);
    }
    Ok(r)
}

fn object<'a>(v: &'a Value, key: &str, at: &str) -> Result<&'a Map<String, Value>, ImportError> {
    match v.get(key) {
        Some(Value::Object(m)) => Ok(m),
        Some(other) => Err(ImportError::new(
            format!("{at}.{key}"),
            format!("expected an object, found {}", json_type_name(other)),
        )),
        None => Err(ImportError::new(format!("{at}.{key}"), "missing")),
    }
}

/// The region table's provider for a node, from its provider id (and, for OpenStack, its
/// labels); `kubernetes` when neither says.
fn provider_of(provider_id: Option<&str>, labels: &Map<String, Value>) -> &'static str {
    let Some(id) = provider_id else {
        return "kubernetes";
    };
    // Oracle's OKE writes the instance OCID without a scheme.
    if id.starts_with("ocid1.") {
        return "oracle";
    }
    let scheme = id.split_once("://").map(|(s, _)| s).unwrap_or("");
    match scheme.to_ascii_lowercase().as_str() {
        "aws" => "aws",
        "gce" => "gcp",
        "azure" => "azure",
        "hcloud" => "hetzner",
        "digitalocean" => "digitalocean",
        "scaleway" => "scaleway",
        "ovhcloud" | "ovh" => "ovh",
        "ionos" => "ionos",
        "oci" => "oracle",
        "openstack"
            if labels
                .keys()
                .any(|k| k.contains(".ovh/") || k.contains("ovhcloud")) =>
        {
            "ovh"
        }
        _ => "kubernetes",
    }
}

/// The zone an AWS (`aws:///eu-central-1a/i-0abc`) or GCE (`gce://project/europe-west3-b/name`)
/// provider id names.
fn zone_in_provider_id(provider: &str, id: &str) -> Option<String> {
    let rest = id.split_once("://")?.1;
    let parts: Vec<&str> = rest.split('/').collect();
    let zone = match provider {
        "aws" => parts.get(1)?,
        "gcp" => parts.get(1)?,
        _ => return None,
    };
    (!zone.is_empty()).then(|| zone.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, provider_id: Option<&str>, labels: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": name, "labels": labels},
               "spec": {"providerID": provider_id}})
    }

    fn list(items: Vec<Value>) -> String {
        json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}})
            .to_string()
    }

    #[test]
    fn nodes_are_placed_by_region_label_zone_or_provider_id() {
        let text = list(vec![
            node(
                "ip-10-0-1-5.eu-central-1.compute.internal",
                Some("aws:///eu-central-1a/i-0abc"),
                json!({"topology.kubernetes.io/region": "eu-central-1", "topology.kubernetes.io/zone": "eu-central-1a",
                       "node.kubernetes.io/instance-type": "m6i.large"}),
            ),
            node(
                "old",
                Some("aws:///us-east-1b/i-0def"),
                json!({"failure-domain.beta.kubernetes.io/region": "us-east-1"}),
            ),
            node(
                "gke-1",
                Some("gce://coloom-prod/europe-west3-b/gke-1"),
                json!({}),
            ),
            node(
                "hz",
                Some("hcloud://4711"),
                json!({"topology.kubernetes.io/region": "fsn1", "topology.kubernetes.io/zone": "fsn1-dc14"}),
            ),
            node(
                "kind-control-plane",
                Some("kind://docker/kind/kind-control-plane"),
                json!({}),
            ),
            json!({"kind": "Namespace", "metadata": {"name": "default"}}),
        ]);
        let docs = parse(&text, "prod").unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].subject, "k8s:prod");
        assert_eq!(docs[0].tool, "kubectl");
        let r = docs[0].body["resources"].as_array().unwrap();
        assert_eq!(r.len(), 5, "the namespace is not a node");
        assert_eq!(
            (
                r[0]["country"].clone(),
                r[0]["provider"].clone(),
                r[0]["zone"].clone()
            ),
            (json!("DE"), json!("aws"), json!("eu-central-1a"))
        );
        assert_eq!(r[0]["jurisdictions"], json!(["EU", "EEA"]));
        assert_eq!(r[0]["instance_type"], "m6i.large");
        assert_eq!(r[0]["stores_data"], true);
        assert_eq!(r[1]["country"], "US", "the beta label still places a node");
        assert_eq!(
            (
                r[2]["country"].clone(),
                r[2]["region"].clone(),
                r[2]["zone"].clone()
            ),
            (json!("DE"), json!("europe-west3"), json!("europe-west3-b")),
            "no labels: the zone of the provider id"
        );
        assert_eq!(r[3]["country"], "DE");
        assert_eq!(r[3]["provider"], "hetzner");
        assert_eq!(
            (r[4]["provider"].clone(), r[4]["country"].clone()),
            (json!("kubernetes"), Value::Null),
            "an unknown provider is never placed"
        );
    }

    #[test]
    fn providers_come_from_the_provider_id_scheme() {
        let none = Map::new();
        let ovh: Map<String, Value> =
            serde_json::from_value(json!({"node.k8s.ovh/type": "standard"})).unwrap();
        for (id, labels, want) in [
            ("azure:///subscriptions/0/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm", &none, "azure"),
            ("digitalocean://123", &none, "digitalocean"),
            ("scaleway://instance/fr-par-1/abc", &none, "scaleway"),
            ("ovhcloud://abc", &none, "ovh"),
            ("openstack:///abc", &ovh, "ovh"),
            ("openstack:///abc", &none, "kubernetes"),
            ("ocid1.instance.oc1.eu-frankfurt-1.abc", &none, "oracle"),
            ("k3s://node-1", &none, "kubernetes"),
        ] {
            assert_eq!(provider_of(Some(id), labels), want, "{id}");
        }
        assert_eq!(provider_of(None, &none), "kubernetes");
    }

    #[test]
    fn bad_lists_name_the_field() {
        for (text, at) in [
            (r#"{"kind": "List", "items": {}}"#.to_string(), "items"),
            (r#"{"kind": "PodList", "items": []}"#.to_string(), "kind"),
            (
                list(vec![json!({"kind": "Node", "metadata": {"labels": {}}})]),
                "items[0].metadata.name",
            ),
            (
                list(vec![
                    json!({"kind": "Node", "metadata": {"name": "n", "labels": {"topology.kubernetes.io/region": 1}}}),
                ]),
                "items[0].metadata.labels[\"topology.kubernetes.io/region\"]",
            ),
            (
                list(vec![
                    json!({"kind": "Node", "metadata": {"name": "n"}, "spec": {"providerID": 5}}),
                ]),
                "items[0].spec.providerID",
            ),
            ("{".to_string(), "line 1"),
        ] {
            assert_eq!(parse(&text, "c").unwrap_err().at, at, "{text}");
        }
        assert!(parse(&list(vec![]), "c").unwrap().is_empty());
    }
}
