//! Kubernetes workloads (`kubectl get sts,deploy,pods,nodes -A -o json`) as
//! `db.replication` evidence: how many copies of a database run as ready pods, and in which
//! zones. Tool `kubectl`; the output carries neither kubectl's version nor when it ran (the
//! file's modification time dates it).
//!
//! # Mapping
//! - the input is a `List` (or a typed `…List`, or one object) mixing any of StatefulSet,
//!   Deployment, Pod and Node; other kinds are ignored. One document per StatefulSet and
//!   Deployment, subject `k8s:<namespace>/<name>`, cluster `<namespace>/<name>`. Nothing
//!   in a workload says it holds a database, so every one is judged (a two-pod `coredns`
//!   fails three copies): the listing is narrowed with `-n` / `-l`, not guessed from the
//!   image. Each file is read on its own, so the pods and nodes a workload needs must be
//!   in the same file;
//! - members are the workload's pods: a StatefulSet's by their owner reference, a
//!   Deployment's through their ReplicaSet, whose name is `<deployment>-<pod-template-hash>`
//!   (the pod's `pod-template-hash` label must be that suffix, so `web` does not claim the
//!   pods of `web-api`), and whose labels must match the Deployment's `spec.selector`;
//! - a pod is a healthy copy (state `online`) only when its phase is `Running` and its
//!   `Ready` condition is `True`, since Ready is the only signal Kubernetes has that the
//!   database in it answers. A pod being deleted is `terminating`, a running pod that is
//!   not ready `not-ready`, any other phase is its lower-cased phase (`pending`, `failed`,
//!   `unknown`). `online` and not `running`: the resilience policy counts `running` only
//!   for a primary, and no pod is known to be one (below);
//! - zone: the `topology.kubernetes.io/zone` label (else the legacy
//!   `failure-domain.beta.kubernetes.io/zone`) of the node in `spec.nodeName`; `null` when
//!   that node is not in the input or has neither label, so a spread over zones is never
//!   assumed;
//! - when the file lacks some of the pods the controller counts (fewer matched pods than
//!   `status.replicas`, e.g. only `sts,deploy` were listed), the members come from the
//!   controller's own counts instead: `status.readyReplicas` members `online`, the rest of
//!   `status.replicas` `not-ready`, each with zone `null` (`members_from: "status"`);
//! - desired pods that do not exist (`spec.replicas` above the pods there are) are members
//!   with state `missing`, so a scaled-up but unscheduled copy is named in the failure;
//! - a workload with neither its pods in the input nor a `status` is a `body.error`
//!   document: nothing about its copies is known.
//!
//! # What Kubernetes cannot say
//! It does not know which pod is the primary nor how far each copy is behind it. Every
//! member is therefore a `replica` with `role_known: false` and `lag_seconds: null`. The
//! copies and zones controls judge these documents fully; `resilience.replication-lag`
//! reports an error for every pod ("lag is unknown"): the lag was not assessed, and a
//! pass would claim what nobody measured. `assay collect replicas` (or the Mongo import)
//! on the database itself measures it.
//!
//! Engine: from the first container's image name (`postgres`/`postgis…` → `postgresql`,
//! `mysql`/`mariadb…` → `mysql`, `redis`/`valkey…` → `redis`, `mongo…` → `mongodb`),
//! else `kubernetes`; the image itself is kept as `image`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{body, member, parse_json, At, ImportError, Parsed, KIND};

const ZONE: &str = "topology.kubernetes.io/zone";
const LEGACY_ZONE: &str = "failure-domain.beta.kubernetes.io/zone";
const HINT: &str = "`kubectl get sts,deploy,pods,nodes -A -o json` output";
const NOTE: &str = "Kubernetes does not say which pod is the primary or how far each copy lags behind it: every pod is a replica with role_known false and lag_seconds null, so replication lag is not assessed by this evidence";

/// One pod as far as the mapping needs it.
struct Pod {
    namespace: String,
    name: String,
    labels: BTreeMap<String, String>,
    /// `(kind, name)` of each owner reference.
    owners: Vec<(String, String)>,
    node: Option<String>,
    phase: Option<String>,
    ready: bool,
    terminating: bool,
}

impl Pod {
    fn state(&self) -> String {
        if self.terminating {
            return "terminating".into();
        }
        match self.phase.as_deref() {
            Some("Running") if self.ready => "online".into(),
            Some("Running") => "not-ready".into(),
            Some(p) => p.to_ascii_lowercase(),
            None => "unknown".into(),
        }
    }
}

/// Parses `kubectl get … -o json` output: one document per StatefulSet and Deployment.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root = parse_json(text, HINT)?;
    let top = At::root(&root);
    let top_kind = top.get("kind")?.str()?;
    let (items, item_kind) = match top_kind.strip_suffix("List") {
        // kubectl prints `List` with a kind on every item; the API's typed lists
        // (`PodList`) leave it out.
        Some(k) => (top.get("items")?.arr()?, Some(k).filter(|k| !k.is_empty())),
        None => (vec![top.clone()], None),
    };
    let mut workloads = Vec::new();
    let mut pods = Vec::new();
    let mut zones: BTreeMap<String, Option<String>> = BTreeMap::new();
    for it in items {
        let kind = match (it.opt_str("kind")?, item_kind) {
            (Some(k), _) | (None, Some(k)) => k,
            (None, None) => {
                return Err(it
                    .child(&Value::Null, "kind")
                    .err("missing (expected a value here)"))
            }
        };
        match kind {
            "StatefulSet" | "Deployment" => workloads.push((kind, it)),
            "Pod" => pods.push(pod(&it)?),
            "Node" => {
                let meta = it.get("metadata")?;
                let name = meta.get("name")?.str()?.to_string();
                let labels = labels(&meta)?;
                let zone = labels
                    .get(ZONE)
                    .or_else(|| labels.get(LEGACY_ZONE))
                    .filter(|z| !z.is_empty())
                    .cloned();
                zones.insert(name, zone);
            }
            _ => {}
        }
    }
    if workloads.is_empty() {
        return Err(top.err(format!(
            "no StatefulSet or Deployment in the input; expected {HINT}"
        )));
    }
    workloads
        .iter()
        .map(|(kind, w)| workload(kind, w, &pods, &zones))
        .collect()
}

/// `metadata.labels` (absent: none).
fn labels(meta: &At<'_>) -> Result<BTreeMap<String, String>, ImportError> {
    let mut out = BTreeMap::new();
    if let Some(l) = meta.opt("labels")? {
        for (k, v) in l.obj()? {
            out.insert(k.clone(), l.child(v, k).str()?.to_string());
        }
    }
    Ok(out)
}

fn namespace(meta: &At<'_>) -> Result<String, ImportError> {
    Ok(meta.opt_str("namespace")?.unwrap_or("default").to_string())
}

fn pod(p: &At<'_>) -> Result<Pod, ImportError> {
    let meta = p.get("metadata")?;
    let mut owners = Vec::new();
    for o in meta.opt_arr("ownerReferences")? {
        owners.push((
            o.get("kind")?.str()?.to_string(),
            o.get("name")?.str()?.to_string(),
        ));
    }
    let spec = p.opt("spec")?;
    let node = match &spec {
        Some(s) => s.opt_str("nodeName")?.map(str::to_string),
        None => None,
    };
    let (mut phase, mut ready) = (None, false);
    if let Some(status) = p.opt("status")? {
        phase = status.opt_str("phase")?.map(str::to_string);
        for c in status.opt_arr("conditions")? {
            if c.get("type")?.str()? == "Ready" {
                ready = c.get("status")?.str()? == "True";
            }
        }
    }
    Ok(Pod {
        namespace: namespace(&meta)?,
        name: meta.get("name")?.str()?.to_string(),
        labels: labels(&meta)?,
        owners,
        node,
        phase,
        ready,
        terminating: meta.opt("deletionTimestamp")?.is_some(),
    })
}

/// A label selector (`matchLabels` and `matchExpressions`).
#[derive(Default)]
struct Selector {
    labels: BTreeMap<String, String>,
    /// `(key, operator, values)`.
    exprs: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    fn read(s: &At<'_>) -> Result<Selector, ImportError> {
        let mut sel = Selector::default();
        if let Some(m) = s.opt("matchLabels")? {
            for (k, v) in m.obj()? {
                sel.labels
                    .insert(k.clone(), m.child(v, k).str()?.to_string());
            }
        }
        for e in s.opt_arr("matchExpressions")? {
            let op_at = e.get("operator")?;
            let op = op_at.str()?;
            if !matches!(op, "In" | "NotIn" | "Exists" | "DoesNotExist") {
                return Err(op_at.err(format!(
                    "operator {op:?}: expected In, NotIn, Exists or DoesNotExist"
                )));
            }
            let values = e
                .opt_arr("values")?
                .iter()
                .map(|v| v.str().map(str::to_string))
                .collect::<Result<_, _>>()?;
            sel.exprs
                .push((e.get("key")?.str()?.to_string(), op.to_string(), values));
        }
        Ok(sel)
    }

    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.exprs.iter().all(|(k, op, values)| {
                let got = labels.get(k);
                match op.as_str() {
                    "In" => got.is_some_and(|g| values.contains(g)),
                    "NotIn" => !got.is_some_and(|g| values.contains(g)),
                    "Exists" => got.is_some(),
                    _ => got.is_none(),
                }
            })
    }
}

/// The pod belongs to Deployment `deploy` through ReplicaSet `rs` (`<deploy>-<hash>`).
fn replica_set_of(deploy: &str, rs: &str, pod: &Pod) -> bool {
    let Some(hash) = rs.strip_prefix(deploy).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    match pod.labels.get("pod-template-hash") {
        Some(h) => h == hash,
        None => !hash.is_empty() && !hash.contains('-'),
    }
}

/// A count (`replicas`, `readyReplicas`): an integer ≥ 0; `None` when absent.
fn opt_count(at: &At<'_>, key: &str) -> Result<Option<u64>, ImportError> {
    match at.opt(key)? {
        None => Ok(None),
        Some(c) => {
            let n = c.int()?;
            u64::try_from(n)
                .map(Some)
                .map_err(|_| c.err(format!("{n} is not a count (expected 0 or more)")))
        }
    }
}

/// `body.engine` from a container image such as `docker.io/bitnami/postgresql:16.3.0`.
fn engine_of(image: Option<&str>) -> &'static str {
    let Some(image) = image else {
        return "kubernetes";
    };
    let last = image.rsplit('/').next().unwrap_or(image);
    let repo = last
        .split('@')
        .next()
        .unwrap_or(last)
        .split(':')
        .next()
        .unwrap_or(last)
        .to_ascii_lowercase();
    let starts = |names: &[&str]| names.iter().any(|n| repo.starts_with(n));
    if starts(&["postgres", "postgis"]) {
        "postgresql"
    } else if starts(&["mysql", "mariadb"]) {
        "mysql"
    } else if starts(&["redis", "valkey"]) {
        "redis"
    } else if starts(&["mongo"]) {
        "mongodb"
    } else {
        "kubernetes"
    }
}

fn workload(
    kind: &str,
    w: &At<'_>,
    pods: &[Pod],
    zones: &BTreeMap<String, Option<String>>,
) -> Result<Parsed, ImportError> {
    let meta = w.get("metadata")?;
    let name = meta.get("name")?.str()?;
    let namespace = namespace(&meta)?;
    let spec = w.get("spec")?;
    let desired = opt_count(&spec, "replicas")?;
    let selector = match spec.opt("selector")? {
        Some(s) => Selector::read(&s)?,
        None => Selector::default(),
    };
    let image = match spec.opt("template")? {
        Some(t) => match t.opt("spec")? {
            Some(ps) => match ps.opt_arr("containers")?.first() {
                Some(c) => c.opt_str("image")?,
                None => None,
            },
            None => None,
        },
        None => None,
    };
    // Kubernetes leaves zero counts out of `status`; a missing `status` means the
    // controller has not reported at all.
    let status = match w.opt("status")? {
        Some(s) => Some((
            opt_count(&s, "replicas")?.unwrap_or(0),
            opt_count(&s, "readyReplicas")?.unwrap_or(0),
            opt_count(&s, "availableReplicas")?.unwrap_or(0),
        )),
        None => None,
    };

    let mut own: Vec<&Pod> = pods
        .iter()
        .filter(|p| p.namespace == namespace)
        .filter(|p| match kind {
            "StatefulSet" => p
                .owners
                .iter()
                .any(|(k, n)| k == "StatefulSet" && n == name),
            _ => {
                p.owners
                    .iter()
                    .any(|(k, n)| k == "ReplicaSet" && replica_set_of(name, n, p))
                    && selector.matches(&p.labels)
            }
        })
        .collect();
    own.sort_by(|a, b| a.name.cmp(&b.name));

    let cluster = format!("{namespace}/{name}");
    let subject = format!("k8s:{cluster}");
    let mut extra = Map::new();
    extra.insert("workload".into(), json!(kind));
    extra.insert("namespace".into(), json!(namespace));
    extra.insert("image".into(), json!(image));
    extra.insert("desired_replicas".into(), json!(desired));
    extra.insert("current_replicas".into(), json!(status.map(|s| s.0)));
    extra.insert("ready_replicas".into(), json!(status.map(|s| s.1)));
    extra.insert("available_replicas".into(), json!(status.map(|s| s.2)));
    let mut notes = vec![NOTE.to_string()];

    let unknown_role = || {
        let mut f = Map::new();
        f.insert("role_known".into(), json!(false));
        f
    };
    let mut members = Vec::new();
    let counted = status.map_or(0, |s| s.0);
    let existing;
    if !own.is_empty() && own.len() as u64 >= counted {
        extra.insert("members_from".into(), json!("pods"));
        for p in &own {
            let zone = p
                .node
                .as_ref()
                .and_then(|n| zones.get(n))
                .and_then(|z| z.as_deref());
            let mut f = unknown_role();
            f.insert("node".into(), json!(p.node));
            f.insert("phase".into(), json!(p.phase));
            f.insert("ready".into(), json!(p.ready));
            members.push(member(&p.name, "replica", zone, &p.state(), None, f));
        }
        existing = own.len() as u64;
    } else if let Some((current, ready, _)) = status {
        extra.insert("members_from".into(), json!("status"));
        notes.push(format!(
            "the input holds {} of the {current} pods status.replicas counts, so the members come from the status counts and their zones are unknown",
            own.len()
        ));
        let ready = ready.min(current);
        for i in 1..=current {
            let (state, what) = if i <= ready {
                ("online", "ready")
            } else {
                ("not-ready", "not ready")
            };
            let mut f = unknown_role();
            f.insert("from_status".into(), json!(true));
            members.push(member(
                &format!("{name} (pod {i} of {current}, {what}, not in input)"),
                "replica",
                None,
                state,
                None,
                f,
            ));
        }
        existing = current;
    } else {
        return Ok(Parsed {
            kind: KIND,
            subject,
            body: json!({ "error": format!(
                "{kind} {cluster} has no status and none of its pods are in the input: nothing is known about its copies"
            ) }),
            tool: "kubectl",
            version: None,
            collected_at: None,
        });
    }
    if let Some(d) = desired {
        for i in existing + 1..=d {
            let mut f = unknown_role();
            f.insert("from_status".into(), json!(true));
            members.push(member(
                &format!("{name} (pod {i} of {d}, not created)"),
                "replica",
                None,
                "missing",
                None,
                f,
            ));
        }
    }
    extra.insert("notes".into(), json!(notes));
    Ok(Parsed {
        kind: KIND,
        subject,
        body: body(&cluster, engine_of(image), members, extra),
        tool: "kubectl",
        version: None,
        collected_at: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, labels: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": name, "labels": labels}})
    }

    fn pod(
        name: &str,
        owner: (&str, &str),
        labels: Value,
        node: &str,
        phase: &str,
        ready: bool,
    ) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "namespace": "db", "labels": labels,
                            "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner.0, "name": owner.1,
                                                 "controller": true, "blockOwnerDeletion": true, "uid": "u"}]},
               "spec": {"nodeName": node, "containers": [{"name": "c", "image": "x"}]},
               "status": {"phase": phase, "conditions": [
                   {"type": "PodScheduled", "status": "True"},
                   {"type": "Ready", "status": if ready { "True" } else { "False" }}]}})
    }

    fn list(items: Vec<Value>) -> String {
        json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}})
            .to_string()
    }

    fn sts(name: &str, image: &str, replicas: u64, status: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": {"name": name, "namespace": "db"},
               "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                        "template": {"spec": {"containers": [{"name": "db", "image": image}]}}},
               "status": status})
    }

    fn states(b: &Value) -> Vec<(String, String, Value)> {
        super::super::member_rows(b)
            .into_iter()
            .map(|(n, _, s, z, _)| (n, s, z))
            .collect()
    }

    #[test]
    fn pods_are_members_with_their_nodes_zone_and_readiness() {
        let text = list(vec![
            sts(
                "pg",
                "docker.io/bitnami/postgresql:16.3.0",
                3,
                json!({"replicas": 3, "readyReplicas": 2}),
            ),
            pod(
                "pg-0",
                ("StatefulSet", "pg"),
                json!({"app": "pg"}),
                "n1",
                "Running",
                true,
            ),
            pod(
                "pg-1",
                ("StatefulSet", "pg"),
                json!({"app": "pg"}),
                "n2",
                "Running",
                false,
            ),
            pod(
                "pg-2",
                ("StatefulSet", "pg"),
                json!({"app": "pg"}),
                "n3",
                "Pending",
                false,
            ),
            pod(
                "other-0",
                ("StatefulSet", "other"),
                json!({"app": "pg"}),
                "n1",
                "Running",
                true,
            ),
            node("n1", json!({ZONE: "eu-central-1a"})),
            node("n2", json!({LEGACY_ZONE: "eu-central-1b"})),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "pg"}}),
        ]);
        let docs = parse(&text).unwrap();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(d.subject, "k8s:db/pg");
        assert_eq!(d.body["engine"], "postgresql");
        assert_eq!(d.body["members_from"], "pods");
        assert_eq!(
            states(&d.body),
            vec![
                ("pg-0".into(), "online".into(), json!("eu-central-1a")),
                ("pg-1".into(), "not-ready".into(), json!("eu-central-1b")),
                // node n3 is not in the input: its zone is unknown
                ("pg-2".into(), "pending".into(), Value::Null),
            ]
        );
        let m0 = &d.body["members"][0];
        assert_eq!(m0["role"], "replica");
        assert_eq!(m0["role_known"], false);
        assert_eq!(m0["lag_seconds"], Value::Null);
        assert_eq!(m0["node"], "n1");
    }

    #[test]
    fn deployment_pods_are_matched_through_their_replica_set_and_selector() {
        let deploy = |name: &str| {
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": name, "namespace": "db"},
                   "spec": {"replicas": 2,
                            "selector": {"matchLabels": {"app": name},
                                         "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["test"]}]},
                            "template": {"spec": {"containers": [{"name": "r", "image": "redis:7.2"}]}}},
                   "status": {"replicas": 2, "readyReplicas": 2}})
        };
        let text = list(vec![
            deploy("web"),
            deploy("web-api"),
            pod(
                "web-7d9f8-a",
                ("ReplicaSet", "web-7d9f8"),
                json!({"app": "web", "pod-template-hash": "7d9f8"}),
                "n1",
                "Running",
                true,
            ),
            pod(
                "web-7d9f8-b",
                ("ReplicaSet", "web-7d9f8"),
                json!({"app": "web", "pod-template-hash": "7d9f8"}),
                "n1",
                "Running",
                true,
            ),
            // web-api's pods: their ReplicaSet name starts with "web-" too
            pod(
                "web-api-5c6b-a",
                ("ReplicaSet", "web-api-5c6b"),
                json!({"app": "web-api", "pod-template-hash": "5c6b"}),
                "n1",
                "Running",
                true,
            ),
            pod(
                "web-api-5c6b-b",
                ("ReplicaSet", "web-api-5c6b"),
                json!({"app": "web-api", "pod-template-hash": "5c6b", "tier": "test"}),
                "n1",
                "Running",
                true,
            ),
        ]);
        let docs = parse(&text).unwrap();
        let names =
            |i: usize| -> Vec<String> { states(&docs[i].body).into_iter().map(|s| s.0).collect() };
        assert_eq!(docs[0].subject, "k8s:db/web");
        assert_eq!(docs[0].body["engine"], "redis");
        assert_eq!(names(0), vec!["web-7d9f8-a", "web-7d9f8-b"]);
        // one of web-api's pods is excluded by the NotIn expression, so the input holds
        // fewer pods than the controller counts: members come from the status
        assert_eq!(docs[1].subject, "k8s:db/web-api");
        assert_eq!(docs[1].body["members_from"], "status");
        assert_eq!(
            states(&docs[1].body)
                .into_iter()
                .map(|s| (s.1, s.2))
                .collect::<Vec<_>>(),
            vec![
                ("online".to_string(), Value::Null),
                ("online".to_string(), Value::Null)
            ]
        );
    }

    #[test]
    fn without_pods_members_come_from_the_controllers_counts() {
        let text = list(vec![sts(
            "mongo",
            "mongo:7.0",
            5,
            json!({"replicas": 4, "readyReplicas": 3, "availableReplicas": 3}),
        )]);
        let d = &parse(&text).unwrap()[0];
        assert_eq!(d.body["engine"], "mongodb");
        assert_eq!(d.body["members_from"], "status");
        let s: Vec<String> = states(&d.body).into_iter().map(|s| s.1).collect();
        assert_eq!(
            s,
            vec!["online", "online", "online", "not-ready", "missing"]
        );
        assert!(states(&d.body).iter().all(|s| s.2.is_null()));
        assert_eq!(d.body["desired_replicas"], 5);
        assert_eq!(d.body["ready_replicas"], 3);
    }

    #[test]
    fn zero_counts_left_out_by_kubernetes_are_zero_but_no_status_is_unknown() {
        let text = list(vec![
            sts(
                "a",
                "mysql:8.4",
                2,
                json!({"replicas": 2, "observedGeneration": 1}),
            ),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                   "metadata": {"name": "b", "namespace": "db"},
                   "spec": {"replicas": 1}}),
        ]);
        let docs = parse(&text).unwrap();
        let s: Vec<String> = states(&docs[0].body).into_iter().map(|s| s.1).collect();
        assert_eq!(s, vec!["not-ready", "not-ready"]);
        assert_eq!(docs[0].body["engine"], "mysql");
        assert!(docs[1].body["error"]
            .as_str()
            .unwrap()
            .contains("no status"));
        assert_eq!(docs[1].body.as_object().unwrap().len(), 1);
    }

    #[test]
    fn a_terminating_pod_is_not_a_copy() {
        let mut p = pod(
            "pg-0",
            ("StatefulSet", "pg"),
            json!({}),
            "n1",
            "Running",
            true,
        );
        p["metadata"]["deletionTimestamp"] = json!("2026-11-24T09:00:00Z");
        let text = list(vec![
            sts(
                "pg",
                "postgres:16",
                1,
                json!({"replicas": 1, "readyReplicas": 1}),
            ),
            p,
        ]);
        let d = &parse(&text).unwrap()[0];
        assert_eq!(states(&d.body)[0].1, "terminating");
    }

    #[test]
    fn engine_is_read_from_the_image_name() {
        for (image, engine) in [
            ("postgres:16", "postgresql"),
            ("ghcr.io/cloudnative-pg/postgresql:16.2", "postgresql"),
            ("postgis/postgis:16-3.4", "postgresql"),
            ("registry.local:5000/team/mariadb@sha256:abcd", "mysql"),
            ("valkey/valkey:8", "redis"),
            ("bitnami/mongodb:7.0", "mongodb"),
            ("nginx:1.27", "kubernetes"),
        ] {
            assert_eq!(engine_of(Some(image)), engine, "{image}");
        }
        assert_eq!(engine_of(None), "kubernetes");
    }

    #[test]
    fn wrong_input_names_the_path() {
        let e = parse(&list(vec![
            json!({"kind": "StatefulSet", "metadata": {"name": "x"},
                                         "spec": {"replicas": "3"}}),
        ]))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "items[0].spec.replicas: expected an integer, found a string"
        );
        let e = parse(&list(vec![
            json!({"kind": "StatefulSet", "metadata": {"name": "x"},
                                         "spec": {"replicas": -1}}),
        ]))
        .unwrap_err();
        assert_eq!(e.at, "items[0].spec.replicas");
        let e = parse(&list(vec![pod(
            "p",
            ("StatefulSet", "x"),
            json!({"a": 1}),
            "n",
            "Running",
            true,
        )]))
        .unwrap_err();
        assert_eq!(e.at, "items[0].metadata.labels.a");
        let e = parse(&list(vec![json!({"metadata": {}})])).unwrap_err();
        assert_eq!(e.at, "items[0].kind");
        let e = parse(&list(vec![pod(
            "p",
            ("StatefulSet", "x"),
            json!({}),
            "n",
            "Running",
            true,
        )]))
        .unwrap_err();
        assert!(e.message.contains("no StatefulSet or Deployment"), "{e}");
        let e = parse(&list(vec![
            json!({"kind": "Deployment", "metadata": {"name": "x"},
            "spec": {"selector": {"matchExpressions": [{"key": "a", "operator": "Gt"}]}}}),
        ]))
        .unwrap_err();
        assert_eq!(e.at, "items[0].spec.selector.matchExpressions[0].operator");
    }

    #[test]
    fn a_typed_list_without_item_kinds_is_read() {
        let text = json!({"apiVersion": "apps/v1", "kind": "StatefulSetList", "items": [
            {"metadata": {"name": "r", "namespace": "db"}, "spec": {"replicas": 1},
             "status": {"replicas": 1, "readyReplicas": 1}}]})
        .to_string();
        let d = &parse(&text).unwrap()[0];
        assert_eq!(d.subject, "k8s:db/r");
        assert_eq!(d.body["engine"], "kubernetes");
    }
}
