//! Terraform state as `cloud.resources` evidence, tool `terraform`: where every managed
//! resource lives, read from `terraform show -json` or from a raw `terraform.tfstate`
//! (format version 4).
//!
//! # Mapping
//! - managed resources only (`mode: managed`; data sources are reads, not resources), in
//!   every module (`child_modules`, recursively);
//! - the provider from the resource's provider address (`registry.terraform.io/hashicorp/aws`
//!   → `aws`); providers the region table does not cover keep their name and get no
//!   country, so a control errors on them rather than passing;
//! - the location, per provider, from the attributes that hold it: `region`, then
//!   `availability_zone`, then the ARN's region (AWS); `location`, `region`, `zone` (GCP,
//!   Azure, Hetzner, Scaleway, DigitalOcean, IONOS); the OCID's or availability domain's
//!   region (Oracle). AWS resources with none of these take the provider configuration's
//!   constant `region` when `terraform show -json` records one;
//! - country, place and jurisdictions from [`super::regions`]; a location the table does
//!   not know leaves `country` null;
//! - `stores_data`: false only for resource types that hold configuration rather than data
//!   (networks, firewalls, IAM, DNS, certificates, load balancers, attachments …, see
//!   [`configuration_only`]); every other type counts as storing data — an unknown type is
//!   judged, never skipped;
//! - one document per provider and account, subject `<provider>:<account>`: the AWS account
//!   from ARNs, the GCP `project`, the Azure subscription from resource ids. Resources
//!   whose account cannot be read join the provider's only account, or `unknown` when the
//!   state spans several.
//!
//! Input is bounded by the caller's file size; nothing here recurses deeper than Terraform's
//! module nesting, which is capped at [`MAX_MODULE_DEPTH`].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::regions::{provider_key, Regions};
use crate::collect::net::import::{ImportError, Parsed};

/// Deepest module nesting read (Terraform has no limit; real states stay far below).
pub const MAX_MODULE_DEPTH: usize = 32;

/// One resource before grouping into documents.
pub(crate) struct Found {
    provider: String,
    account: Option<String>,
    resource: Value,
}

impl Found {
    /// A resource of `provider`, in `account` when the input names it.
    pub(crate) fn new(provider: &str, account: Option<String>, resource: Value) -> Found {
        Found {
            provider: provider.to_string(),
            account,
            resource,
        }
    }
}

/// Parses `terraform show -json` output or a version 4 state file.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::new(format!("line {}", e.line()), format!("not valid JSON: {e}"))
    })?;
    let obj = root.as_object().ok_or_else(|| {
        ImportError::new(
            "(top level)",
            "expected a JSON object (terraform show -json or a .tfstate file)",
        )
    })?;
    let regions = Regions::builtin();
    let mut found = Vec::new();
    let version = obj
        .get("terraform_version")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(values) = obj.get("values") {
        let default_region = root
            .pointer("/configuration/provider_config/aws/expressions/region/constant_value")
            .and_then(Value::as_str);
        let module = values
            .get("root_module")
            .ok_or_else(|| ImportError::new("values", "missing root_module"))?;
        walk_module(
            module,
            "values.root_module",
            0,
            default_region,
            regions,
            &mut found,
        )?;
    } else if let Some(resources) = obj.get("resources") {
        match obj.get("version").and_then(Value::as_u64) {
            Some(4) => {}
            other => {
                return Err(ImportError::new(
                    "version",
                    format!("expected state format version 4, found {other:?}"),
                ))
            }
        }
        let list = resources
            .as_array()
            .ok_or_else(|| ImportError::new("resources", "expected an array"))?;
        for (i, r) in list.iter().enumerate() {
            let at = format!("resources[{i}]");
            if str_at(r, "mode", &at)? != "managed" {
                continue;
            }
            let kind = str_at(r, "type", &at)?;
            let provider = provider_name(str_at(r, "provider", &at)?);
            let name = str_at(r, "name", &at)?;
            let module = r.get("module").and_then(Value::as_str);
            let instances = r
                .get("instances")
                .and_then(Value::as_array)
                .ok_or_else(|| ImportError::new(format!("{at}.instances"), "expected an array"))?;
            for (j, inst) in instances.iter().enumerate() {
                let attrs = inst
                    .get("attributes")
                    .and_then(Value::as_object)
                    .ok_or_else(|| {
                        ImportError::new(
                            format!("{at}.instances[{j}].attributes"),
                            "expected an object",
                        )
                    })?;
                let mut address = match module {
                    Some(m) => format!("{m}.{kind}.{name}"),
                    None => format!("{kind}.{name}"),
                };
                match inst.get("index_key") {
                    Some(Value::String(k)) => address += &format!("[{k:?}]"),
                    Some(Value::Number(n)) => address += &format!("[{n}]"),
                    _ => {}
                }
                found.push(resource(&address, kind, &provider, attrs, None, regions));
            }
        }
    } else {
        return Err(ImportError::new(
            "(top level)",
            "neither `values` (terraform show -json) nor `resources` (a .tfstate file)",
        ));
    }
    Ok(group_by_account(found, "terraform", version))
}

fn walk_module(
    module: &Value,
    at: &str,
    depth: usize,
    default_region: Option<&str>,
    regions: &Regions,
    out: &mut Vec<Found>,
) -> Result<(), ImportError> {
    if depth > MAX_MODULE_DEPTH {
        return Err(ImportError::new(
            at,
            format!("modules nest deeper than {MAX_MODULE_DEPTH}"),
        ));
    }
    if let Some(list) = module.get("resources") {
        let list = list
            .as_array()
            .ok_or_else(|| ImportError::new(format!("{at}.resources"), "expected an array"))?;
        for (i, r) in list.iter().enumerate() {
            let rat = format!("{at}.resources[{i}]");
            if str_at(r, "mode", &rat)? != "managed" {
                continue;
            }
            let address = str_at(r, "address", &rat)?;
            let kind = str_at(r, "type", &rat)?;
            let provider = provider_name(str_at(r, "provider_name", &rat)?);
            let attrs = r
                .get("values")
                .and_then(Value::as_object)
                .ok_or_else(|| ImportError::new(format!("{rat}.values"), "expected an object"))?;
            out.push(resource(
                address,
                kind,
                &provider,
                attrs,
                default_region,
                regions,
            ));
        }
    }
    if let Some(children) = module.get("child_modules") {
        let children = children
            .as_array()
            .ok_or_else(|| ImportError::new(format!("{at}.child_modules"), "expected an array"))?;
        for (i, c) in children.iter().enumerate() {
            walk_module(
                c,
                &format!("{at}.child_modules[{i}]"),
                depth + 1,
                default_region,
                regions,
                out,
            )?;
        }
    }
    Ok(())
}

fn str_at<'a>(v: &'a Value, key: &str, at: &str) -> Result<&'a str, ImportError> {
    match v.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(ImportError::new(
            format!("{at}.{key}"),
            format!(
                "expected a string, found {}",
                crate::evidence::json_type_name(other)
            ),
        )),
        None => Err(ImportError::new(format!("{at}.{key}"), "missing")),
    }
}

/// `registry.terraform.io/hashicorp/aws`, `provider["registry.terraform.io/hashicorp/aws"]`
/// or `provider["…"].alias` → `aws`.
fn provider_name(address: &str) -> String {
    let inner = address.split('"').nth(1).unwrap_or(address);
    inner.rsplit('/').next().unwrap_or(inner).to_string()
}

/// One resource's entry and its account.
fn resource(
    address: &str,
    kind: &str,
    provider: &str,
    attrs: &Map<String, Value>,
    default_region: Option<&str>,
    regions: &Regions,
) -> Found {
    let s = |k: &str| {
        attrs
            .get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    let key = provider_key(provider);
    let arn = s("arn");
    let location: Option<String> = match key {
        Some("aws") => s("region")
            .or(s("availability_zone"))
            .map(str::to_string)
            .or_else(|| {
                arn.and_then(|a| a.split(':').nth(3))
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
            })
            .or_else(|| default_region.map(str::to_string)),
        Some("oracle") => s("region")
            .or(s("availability_domain"))
            .map(str::to_string)
            .or_else(|| {
                s("id")
                    .and_then(|id| id.split('.').nth(3))
                    .map(str::to_string)
            }),
        _ => s("location")
            .or(s("region"))
            .or(s("zone"))
            .or(s("datacenter"))
            .map(str::to_string),
    };
    let place = location
        .as_deref()
        .and_then(|l| regions.locate(provider, l));
    let account = match key {
        Some("aws") => arn
            .and_then(|a| a.split(':').nth(4))
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .or_else(|| s("owner_id").map(str::to_string)),
        Some("gcp") => s("project").map(str::to_string),
        Some("azure") => s("id").and_then(|id| {
            let mut parts = id.split('/');
            parts.find(|p| p.eq_ignore_ascii_case("subscriptions"))?;
            parts.next().map(str::to_string)
        }),
        _ => None,
    };
    let id = arn
        .or(s("self_link"))
        .or(s("id"))
        .map(|v| v.to_string())
        .unwrap_or_else(|| address.to_string());
    let mut r = json!({
        "id": id,
        "type": kind,
        "address": address,
        "region": place.as_ref().map(|p| p.region.clone()).or(location.clone()),
        "country": place.as_ref().and_then(|p| p.country.clone()),
        "jurisdictions": place.as_ref().map(|p| p.jurisdictions.clone()).unwrap_or_default(),
        "stores_data": !configuration_only(kind),
    });
    if let Some(p) = place.as_ref().and_then(|p| p.place.clone()) {
        r["place"] = json!(p);
    }
    if let Some(enc) = encrypted(kind, attrs) {
        r["encrypted_at_rest"] = json!(enc);
    }
    Found {
        provider: key
            .map(str::to_string)
            .unwrap_or_else(|| provider.to_string()),
        account,
        resource: r,
    }
}

/// Whether a resource type holds configuration only (where traffic may go, who may do
/// what, names and certificates), never customer data. Every other type is treated as
/// storing data, so a type this list does not know is judged rather than skipped.
pub fn configuration_only(kind: &str) -> bool {
    const PARTS: [&str; 32] = [
        "_iam_",
        "iam_",
        "_security_group",
        "_firewall",
        "_network",
        "_subnet",
        "_vpc",
        "_route",
        "_policy",
        "_role",
        "_acm_",
        "_certificate",
        "_dns",
        "_route53_",
        "_lb",
        "_listener",
        "_target_group",
        "_gateway",
        "_eip",
        "_key_pair",
        "_attachment",
        "_association",
        "_acl",
        "_peering",
        "_endpoint",
        "_alarm",
        "_service_account",
        "_project_service",
        "_ssh_key",
        "_placement_group",
        "_floating_ip",
        "_primary_ip",
    ];
    let k = format!("_{}", kind.to_ascii_lowercase());
    PARTS.iter().any(|p| k.contains(p))
}

/// Encryption at rest, where the state says it plainly.
fn encrypted(kind: &str, attrs: &Map<String, Value>) -> Option<bool> {
    match kind {
        "aws_db_instance" | "aws_rds_cluster" | "aws_docdb_cluster" | "aws_neptune_cluster" => {
            attrs.get("storage_encrypted")?.as_bool()
        }
        "aws_ebs_volume" | "aws_efs_file_system" => attrs.get("encrypted")?.as_bool(),
        _ => None,
    }
}

/// One document per provider and account; resources without an account join their
/// provider's only account, or `unknown` when there are several or none.
pub(crate) fn group_by_account(
    found: Vec<Found>,
    tool: &'static str,
    version: Option<String>,
) -> Vec<Parsed> {
    // The accounts seen per provider decide where account-less resources go.
    let mut accounts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &found {
        if let Some(a) = &f.account {
            let list = accounts.entry(f.provider.clone()).or_default();
            if !list.contains(a) {
                list.push(a.clone());
            }
        }
    }
    let mut docs: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    for f in found {
        let account =
            f.account
                .unwrap_or_else(|| match accounts.get(&f.provider).map(Vec::as_slice) {
                    Some([only]) => only.clone(),
                    _ => "unknown".to_string(),
                });
        docs.entry((f.provider, account))
            .or_default()
            .push(f.resource);
    }
    docs.into_iter()
        .map(|((provider, account), resources)| Parsed {
            kind: "cloud.resources",
            subject: format!("{provider}:{account}"),
            body: json!({"provider": provider, "account": account, "resources": resources}),
            tool,
            version: version.clone(),
            collected_at: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOW: &str = r#"{
  "format_version": "1.0", "terraform_version": "1.9.8",
  "values": {"root_module": {
    "resources": [
      {"address": "aws_s3_bucket.uploads", "mode": "managed", "type": "aws_s3_bucket", "name": "uploads",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "values": {"arn": "arn:aws:s3:::coloom-uploads", "bucket": "coloom-uploads", "region": "eu-central-1"}},
      {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "values": {"arn": "arn:aws:rds:eu-west-1:123456789012:db:main", "availability_zone": "eu-west-1b", "storage_encrypted": true}},
      {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "values": {"arn": "arn:aws:ec2:eu-central-1:123456789012:security-group/sg-1"}},
      {"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity", "name": "me",
       "provider_name": "registry.terraform.io/hashicorp/aws", "values": {}}
    ],
    "child_modules": [{"address": "module.storage", "resources": [
      {"address": "module.storage.google_storage_bucket.b", "mode": "managed", "type": "google_storage_bucket", "name": "b",
       "provider_name": "registry.terraform.io/hashicorp/google",
       "values": {"location": "EU", "project": "coloom-prod", "self_link": "https://www.googleapis.com/storage/v1/b/x"}},
      {"address": "module.storage.hcloud_volume.v", "mode": "managed", "type": "hcloud_volume", "name": "v",
       "provider_name": "registry.terraform.io/hetznercloud/hcloud",
       "values": {"id": "4711", "location": "hel1"}},
      {"address": "module.storage.vultr_instance.x", "mode": "managed", "type": "vultr_instance", "name": "x",
       "provider_name": "registry.terraform.io/vultr/vultr",
       "values": {"id": "abc", "region": "fra"}}
    ]}]
  }}
}"#;

    #[test]
    fn show_json_places_every_managed_resource() {
        let docs = parse(SHOW).unwrap();
        let subjects: Vec<&str> = docs.iter().map(|d| d.subject.as_str()).collect();
        assert_eq!(
            subjects,
            [
                "aws:123456789012",
                "gcp:coloom-prod",
                "hetzner:unknown",
                "vultr:unknown"
            ]
        );
        let aws = &docs[0].body["resources"];
        assert_eq!(
            aws.as_array().unwrap().len(),
            3,
            "the data source is not a resource"
        );
        assert_eq!(aws[0]["country"], "DE");
        assert_eq!(aws[0]["jurisdictions"], json!(["EU", "EEA"]));
        assert_eq!(aws[0]["stores_data"], true);
        assert_eq!(aws[1]["region"], "eu-west-1");
        assert_eq!(aws[1]["country"], "IE");
        assert_eq!(aws[1]["encrypted_at_rest"], true);
        assert_eq!(
            aws[2]["stores_data"], false,
            "a security group holds no data"
        );
        let gcs = &docs[1].body["resources"][0];
        assert_eq!(
            gcs["country"],
            Value::Null,
            "the EU multi-region has no single country"
        );
        assert_eq!(gcs["jurisdictions"], json!(["EU", "EEA"]));
        assert_eq!(docs[2].body["resources"][0]["country"], "FI");
        let vultr = &docs[3].body["resources"][0];
        assert_eq!(
            (vultr["country"].clone(), vultr["region"].clone()),
            (Value::Null, json!("fra"))
        );
        assert_eq!(docs[0].version.as_deref(), Some("1.9.8"));
    }

    #[test]
    fn raw_state_files_are_read_too() {
        let state = r#"{"version": 4, "terraform_version": "1.5.7", "resources": [
          {"mode": "managed", "type": "azurerm_storage_account", "name": "sa",
           "provider": "provider[\"registry.terraform.io/hashicorp/azurerm\"]",
           "instances": [{"index_key": 0, "attributes": {"id": "/subscriptions/0000-11/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa", "location": "germanywestcentral"}}]},
          {"mode": "data", "type": "azurerm_client_config", "name": "c", "provider": "provider[\"registry.terraform.io/hashicorp/azurerm\"]", "instances": []}
        ]}"#;
        let docs = parse(state).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].subject, "azure:0000-11");
        let r = &docs[0].body["resources"][0];
        assert_eq!(r["address"], "azurerm_storage_account.sa[0]");
        assert_eq!(r["country"], "DE");
    }

    #[test]
    fn malformed_states_name_the_field() {
        for (text, at) in [
            ("[1]", "(top level)"),
            ("{\"version\": 3, \"resources\": []}", "version"),
            ("{\"version\": 4, \"resources\": [{\"mode\": \"managed\", \"type\": 7}]}", "resources[0].type"),
            ("{\"values\": {}}", "values"),
            ("{\"values\": {\"root_module\": {\"resources\": [{\"mode\": \"managed\", \"address\": \"a\", \"type\": \"t\", \"provider_name\": \"p\"}]}}}", "values.root_module.resources[0].values"),
            ("{\"nope\": 1}", "(top level)"),
            ("{", "line 1"),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.at, at, "{text}: {e:?}");
        }
    }

    #[test]
    fn configuration_types_are_told_from_data_types() {
        for k in [
            "aws_iam_role",
            "aws_security_group_rule",
            "google_compute_firewall",
            "aws_route53_record",
            "hcloud_firewall",
            "azurerm_virtual_network",
        ] {
            assert!(configuration_only(k), "{k}");
        }
        for k in [
            "aws_s3_bucket",
            "aws_db_instance",
            "google_sql_database_instance",
            "hcloud_volume",
            "aws_instance",
            "some_new_datastore",
        ] {
            assert!(!configuration_only(k), "{k}");
        }
    }
}
