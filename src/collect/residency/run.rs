//! `assay collect residency`: where the data lives, from every source at once — Terraform
//! state (a `terraform show -json` output, a `.tfstate` file, or a Terraform folder read
//! with `terraform show -json`), AWS CLI listings, Kubernetes node lists, and endpoints
//! placed by a GeoIP database — as `cloud.resources` documents, one per account (see
//! [`super::merge_accounts`]).
//!
//! Any input that cannot be read stops the run with the file (and the JSON path or the
//! inventory field), and nothing is written: evidence assembled from part of the inputs
//! would look like the whole estate. An endpoint whose name does not resolve is not such
//! an input error — it is recorded, unplaced, and its control errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use serde_yaml_ng::Value as Yaml;

use super::geoip::{self, Database, Endpoint};
use super::kubernetes::{self, DEFAULT_CLUSTER};
use super::{aws_cli, merge_accounts, terraform};
use crate::collect::net::import::{ImportError, Parsed};
use crate::evidence::{Collector, Document, SCHEMA};

/// How long `terraform show -json` may take in a Terraform folder (a remote state is
/// downloaded first).
pub const TERRAFORM_TIMEOUT: Duration = Duration::from_secs(300);

/// A `kubectl get nodes -o json` output and the cluster it was taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeList {
    /// The file.
    pub file: PathBuf,
    /// The cluster's name (the subject is `k8s:<cluster>`).
    pub cluster: String,
}

/// What one run reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Terraform: `terraform show -json` outputs, `.tfstate` files, or Terraform folders.
    pub terraform: Vec<PathBuf>,
    /// AWS CLI outputs (see [`aws_cli`]).
    pub aws: Vec<PathBuf>,
    /// Kubernetes node lists.
    pub kubectl_nodes: Vec<NodeList>,
    /// The MaxMind DB file that places the endpoints.
    pub geoip: Option<PathBuf>,
    /// The endpoints to place.
    pub endpoints: Vec<Endpoint>,
}

/// What a run produced: the documents (labelled by their input files), and what a person
/// should hear about that is not an input error (endpoints that did not resolve).
#[derive(Debug)]
pub struct Collected {
    /// `(input files, document)`, one document per account.
    pub docs: Vec<(String, Document)>,
    /// Messages for stderr.
    pub warnings: Vec<String>,
}

impl Inputs {
    /// True when nothing is to be read.
    pub fn is_empty(&self) -> bool {
        self.terraform.is_empty()
            && self.aws.is_empty()
            && self.kubectl_nodes.is_empty()
            && self.geoip.is_none()
            && self.endpoints.is_empty()
    }

    /// Adds the inventory's `residency` section:
    ///
    /// ```yaml
    /// residency:
    ///   terraform: [infra/prod, state/edge.tfstate]   # files or Terraform folders
    ///   aws: [aws/ec2.json, aws/s3.json]
    ///   kubectl_nodes: [k8s/nodes.json, { file: k8s/edge.json, cluster: edge }]
    ///   geoip: /usr/share/GeoIP/GeoLite2-Country.mmdb
    ///   endpoints: [app.example.com, { host: status.example.com, stores_data: false }]
    /// ```
    ///
    /// Relative paths are relative to the inventory's folder. A `geoip` given already (on
    /// the command line) wins. Unknown keys and wrong types are errors naming the file
    /// and the field: a typo must not quietly place nothing.
    pub fn add_inventory(&mut self, file: &Path) -> Result<(), String> {
        let shown = file.display();
        let section = crate::collect::inventory::mapping(file, &["residency"], "residency inputs")?;
        let base = file.parent().unwrap_or(Path::new(""));
        let path_of = |v: &Yaml, field: &str| -> Result<PathBuf, String> {
            match v.as_str() {
                Some(s) if !s.trim().is_empty() => Ok(base.join(s)),
                _ => Err(format!("{shown}: {field}: expected a file path")),
            }
        };
        let list = |v: &Yaml, field: &str| -> Result<Vec<Yaml>, String> {
            v.as_sequence()
                .cloned()
                .ok_or_else(|| format!("{shown}: {field}: expected a list"))
        };
        for (k, v) in &section {
            let key = k.as_str().unwrap_or("");
            let field = format!("residency.{key}");
            match key {
                "terraform" | "aws" => {
                    for (i, item) in list(v, &field)?.iter().enumerate() {
                        let p = path_of(item, &format!("{field}[{i}]"))?;
                        if key == "terraform" {
                            self.terraform.push(p);
                        } else {
                            self.aws.push(p);
                        }
                    }
                }
                "kubectl_nodes" => {
                    for (i, item) in list(v, &field)?.iter().enumerate() {
                        let at = format!("{field}[{i}]");
                        let entry = if item.is_mapping() {
                            only_keys(item, &["file", "cluster"], &shown, &at)?;
                            let file = item
                                .get("file")
                                .ok_or_else(|| format!("{shown}: {at}.file: missing"))?;
                            let cluster = match item.get("cluster") {
                                None | Some(Yaml::Null) => DEFAULT_CLUSTER.to_string(),
                                Some(c) => c
                                    .as_str()
                                    .filter(|c| !c.trim().is_empty())
                                    .ok_or_else(|| {
                                        format!("{shown}: {at}.cluster: expected a name")
                                    })?
                                    .to_string(),
                            };
                            NodeList {
                                file: path_of(file, &format!("{at}.file"))?,
                                cluster,
                            }
                        } else {
                            NodeList {
                                file: path_of(item, &at)?,
                                cluster: DEFAULT_CLUSTER.to_string(),
                            }
                        };
                        self.kubectl_nodes.push(entry);
                    }
                }
                "geoip" => {
                    let p = path_of(v, &field)?;
                    self.geoip.get_or_insert(p);
                }
                "endpoints" => {
                    for (i, item) in list(v, &field)?.iter().enumerate() {
                        let at = format!("{field}[{i}]");
                        let e = if item.is_mapping() {
                            only_keys(item, &["host", "stores_data"], &shown, &at)?;
                            let host = item
                                .get("host")
                                .and_then(Yaml::as_str)
                                .filter(|h| !h.trim().is_empty())
                                .ok_or_else(|| {
                                    format!("{shown}: {at}.host: expected a host name or address")
                                })?;
                            let stores_data = match item.get("stores_data") {
                                None | Some(Yaml::Null) => true,
                                Some(b) => b.as_bool().ok_or_else(|| {
                                    format!("{shown}: {at}.stores_data: expected true or false")
                                })?,
                            };
                            Endpoint {
                                host: host.to_string(),
                                stores_data,
                            }
                        } else {
                            let host = item.as_str().filter(|h| !h.trim().is_empty()).ok_or_else(
                                || {
                                    format!(
                                        "{shown}: {at}: expected a host name or {{host, stores_data}}"
                                    )
                                },
                            )?;
                            Endpoint {
                                host: host.to_string(),
                                stores_data: true,
                            }
                        };
                        self.endpoints.push(e);
                    }
                }
                _ => {
                    return Err(format!(
                        "{shown}: {field}: unknown field (expected terraform, aws, kubectl_nodes, geoip or endpoints)"
                    ))
                }
            }
        }
        Ok(())
    }
}

fn only_keys(
    item: &Yaml,
    allowed: &[&str],
    shown: &impl std::fmt::Display,
    at: &str,
) -> Result<(), String> {
    if let Some(m) = item.as_mapping() {
        for k in m.keys() {
            let k = k.as_str().unwrap_or("");
            if !allowed.contains(&k) {
                return Err(format!(
                    "{shown}: {at}.{k}: unknown field (expected {})",
                    allowed.join(" or ")
                ));
            }
        }
    }
    Ok(())
}

/// Reads every input and places every resource; nothing when any input is bad, with one
/// message per bad input.
pub fn collect(inputs: &Inputs) -> Result<Collected, Vec<String>> {
    if inputs.is_empty() {
        return Err(vec!["nothing to collect: give --terraform, --aws, --kubectl-nodes, --geoip with --endpoint, or --inventory with a residency section".into()]);
    }
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for f in &inputs.terraform {
        let got = if f.is_dir() {
            terraform_show(f).map(|text| (text, Utc::now()))
        } else {
            read(f)
        };
        match got {
            Ok((text, at)) => imported(f, &terraform::parse(&text), at, &mut docs, &mut errors),
            Err(e) => errors.push(e),
        }
    }
    for f in &inputs.aws {
        match read(f) {
            Ok((text, at)) => imported(f, &aws_cli::parse(&text), at, &mut docs, &mut errors),
            Err(e) => errors.push(e),
        }
    }
    for n in &inputs.kubectl_nodes {
        match read(&n.file) {
            Ok((text, at)) => imported(
                &n.file,
                &kubernetes::parse(&text, &n.cluster),
                at,
                &mut docs,
                &mut errors,
            ),
            Err(e) => errors.push(e),
        }
    }
    match (&inputs.geoip, inputs.endpoints.is_empty()) {
        (None, false) => errors.push(
            "endpoints are placed with a GeoIP database: give --geoip FILE.mmdb (or residency.geoip in the inventory)".into(),
        ),
        (Some(db), true) => errors.push(format!(
            "{}: no endpoints to place: give --endpoint HOST (or residency.endpoints in the inventory)",
            db.display()
        )),
        (Some(db), false) => {
            match Database::open(db).and_then(|d| geoip::locate_all(&d, &inputs.endpoints)) {
                Ok(body) => {
                    if let Some(list) = body["resources"].as_array() {
                        for r in list {
                            if let Some(e) = r["error"].as_str() {
                                warnings.push(format!("endpoint {}: {e} (recorded without a country)", r["id"].as_str().unwrap_or("?")));
                            }
                        }
                    }
                    docs.push((
                        db.display().to_string(),
                        Document::probed("cloud.resources", geoip::SUBJECT.into(), geoip::COLLECTOR, body),
                    ));
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        (None, true) => {}
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Collected {
        docs: merge_accounts(docs),
        warnings,
    })
}

/// A file's text, dated by its modification time (the outputs carry no time of their own).
fn read(file: &Path) -> Result<(String, DateTime<Utc>), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let at = std::fs::metadata(file)
        .and_then(|m| m.modified())
        .map(DateTime::<Utc>::from)
        .unwrap_or_else(|_| Utc::now());
    Ok((text, at))
}

/// Turns one importer's answer for `file` into documents (`source: import:<tool>`).
fn imported(
    file: &Path,
    parsed: &Result<Vec<Parsed>, ImportError>,
    at: DateTime<Utc>,
    docs: &mut Vec<(String, Document)>,
    errors: &mut Vec<String>,
) {
    let name = file.display().to_string();
    let list = match parsed {
        Ok(list) if list.is_empty() => {
            errors.push(format!(
                "{name}: nothing to place (no managed resources, instances, buckets or nodes)"
            ));
            return;
        }
        Ok(list) => list,
        Err(e) => {
            errors.push(format!("{name}: {e}"));
            return;
        }
    };
    for p in list {
        let collected_at = match p.collected_at.as_deref().map(crate::timefmt::parse_instant) {
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                errors.push(format!("{name}: {e}"));
                continue;
            }
            None => at,
        };
        docs.push((
            name.clone(),
            Document {
                schema: SCHEMA.to_string(),
                kind: p.kind.to_string(),
                subject: p.subject.clone(),
                collected_at,
                collector: Collector {
                    name: p.tool.to_string(),
                    version: p.version.clone().unwrap_or_else(|| "unknown".into()),
                },
                source: format!("import:{}", p.tool),
                body: p.body.clone(),
                sha256: None,
            },
        ));
    }
}

/// `terraform show -json` in the Terraform folder `dir`: no prompts, no colour, a deadline.
fn terraform_show(dir: &Path) -> Result<String, String> {
    let shown = dir.display();
    let mut child = Command::new("terraform")
        .args(["show", "-json", "-no-color"])
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!("{shown}: is a folder, and reading a Terraform folder needs `terraform`, which is not installed (not found on PATH); run `terraform show -json > show.json` where it is and pass that file")
            } else {
                format!("{shown}: cannot run `terraform show -json`: {e}")
            }
        })?;
    let (status, stdout, stderr) =
        crate::collect::process::wait_bounded(&mut child, TERRAFORM_TIMEOUT).map_err(
            |e| match e {
                crate::collect::process::WaitError::TimedOut => format!(
                    "{shown}: `terraform show -json` did not finish within {} s",
                    TERRAFORM_TIMEOUT.as_secs()
                ),
                crate::collect::process::WaitError::Wait(e) => {
                    format!("{shown}: waiting for `terraform show -json`: {e}")
                }
            },
        )?;
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    if !status.success() {
        // Terraform's own summary lines ("Error: Failed to load plugin schemas"), not the
        // boxes around them or the warnings before.
        let lines: Vec<&str> = stderr
            .lines()
            .map(|l| l.trim_start_matches(['│', '╷', '╵', ' ']).trim())
            .filter(|l| !l.is_empty())
            .collect();
        let from = lines
            .iter()
            .position(|l| l.starts_with("Error"))
            .unwrap_or(0);
        let tail: Vec<&str> = lines[from..].iter().take(4).copied().collect();
        return Err(format!(
            "{shown}: `terraform show -json` failed ({status}): {}",
            if tail.is_empty() {
                "no message".to_string()
            } else {
                tail.join(" ")
            }
        ));
    }
    String::from_utf8(stdout)
        .map_err(|_| format!("{shown}: `terraform show -json` printed invalid UTF-8"))
}

/// One line for the summary table: resources, how many store data, and where those are.
pub fn summary(body: &Value) -> String {
    let list = body["resources"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let storing: Vec<&Value> = list.iter().filter(|r| r["stores_data"] != false).collect();
    let mut by_country: BTreeMap<String, usize> = BTreeMap::new();
    for r in &storing {
        let c = r["country"].as_str().unwrap_or("unknown").to_string();
        *by_country.entry(c).or_default() += 1;
    }
    let places: Vec<String> = by_country.iter().map(|(c, n)| format!("{c} {n}")).collect();
    format!(
        "{} resource(s), {} store data{}",
        list.len(),
        storing.len(),
        if places.is_empty() {
            String::new()
        } else {
            format!(": {}", places.join(", "))
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inventory_section_is_read_with_paths_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let inv = dir.path().join("inv.yaml");
        std::fs::write(
            &inv,
            "residency:\n  terraform: [infra/prod, /abs/show.json]\n  aws: [ec2.json]\n  kubectl_nodes: [nodes.json, {file: edge.json, cluster: edge}]\n  geoip: geo/t.mmdb\n  endpoints: [app.example.com, {host: status.example.com, stores_data: false}]\n",
        )
        .unwrap();
        let mut i = Inputs {
            geoip: Some(PathBuf::from("/cli.mmdb")),
            ..Inputs::default()
        };
        i.add_inventory(&inv).unwrap();
        let d = dir.path();
        assert_eq!(
            i.terraform,
            [d.join("infra/prod"), PathBuf::from("/abs/show.json")]
        );
        assert_eq!(i.aws, [d.join("ec2.json")]);
        assert_eq!(
            i.kubectl_nodes,
            [
                NodeList {
                    file: d.join("nodes.json"),
                    cluster: "kubernetes".into()
                },
                NodeList {
                    file: d.join("edge.json"),
                    cluster: "edge".into()
                },
            ]
        );
        assert_eq!(
            i.geoip,
            Some(PathBuf::from("/cli.mmdb")),
            "the command line wins"
        );
        assert_eq!(
            i.endpoints,
            [
                Endpoint {
                    host: "app.example.com".into(),
                    stores_data: true
                },
                Endpoint {
                    host: "status.example.com".into(),
                    stores_data: false
                },
            ]
        );
    }

    #[test]
    fn bad_inventory_sections_name_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let inv = dir.path().join("inv.yaml");
        for (text, want) in [
            ("company: {}\n", "residency: missing"),
            ("residency: [a]\n", "residency: expected a mapping"),
            (
                "residency:\n  terraform: show.json\n",
                "residency.terraform: expected a list",
            ),
            (
                "residency:\n  aws: [1]\n",
                "residency.aws[0]: expected a file path",
            ),
            (
                "residency:\n  geoip: [a]\n",
                "residency.geoip: expected a file path",
            ),
            (
                "residency:\n  endpoints: [{host: a, stores_data: yes please}]\n",
                "residency.endpoints[0].stores_data: expected true or false",
            ),
            (
                "residency:\n  endpoints: [{hots: a}]\n",
                "residency.endpoints[0].hots: unknown field",
            ),
            (
                "residency:\n  kubectl_nodes: [{cluster: x}]\n",
                "residency.kubectl_nodes[0].file: missing",
            ),
            (
                "residency:\n  terraformm: [a]\n",
                "residency.terraformm: unknown field",
            ),
        ] {
            std::fs::write(&inv, text).unwrap();
            let e = Inputs::default().add_inventory(&inv).unwrap_err();
            assert!(e.contains("inv.yaml") && e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn missing_pairs_and_empty_runs_are_refused() {
        let e = collect(&Inputs::default()).unwrap_err();
        assert!(e[0].contains("nothing to collect"), "{e:?}");
        let e = collect(&Inputs {
            endpoints: vec![Endpoint {
                host: "127.0.0.1".into(),
                stores_data: true,
            }],
            ..Inputs::default()
        })
        .unwrap_err();
        assert!(e[0].contains("--geoip"), "{e:?}");
    }

    #[test]
    fn the_summary_counts_where_data_is() {
        let body = serde_json::json!({"resources": [
            {"country": "DE", "stores_data": true}, {"country": null, "stores_data": true},
            {"country": "US", "stores_data": false}]});
        assert_eq!(
            summary(&body),
            "3 resource(s), 2 store data: DE 1, unknown 1"
        );
    }
}
