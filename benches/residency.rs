//! Benchmark: residency over a Terraform state of 50,000 resources (issue #8: under 5 s,
//! peak memory printed).
//!
//! Run with `cargo bench --bench residency` (ASSAY_BENCH_RESOURCES changes the size). It
//! writes a `terraform show -json` output with resources spread over AWS, GCP, Azure and
//! Hetzner regions and modules, then times the real binary: `evidence import --from
//! terraform` (parse, place every region, validate against the schema, hash, write) and
//! `check` of the residency control over the result, each with its peak RSS.

use std::process::Command;
use std::time::Instant;

use serde_json::{json, Value};

fn resource(i: usize) -> Value {
    let aws_regions = [
        "eu-central-1",
        "eu-central-1a",
        "eu-west-1",
        "us-east-1",
        "eu-north-1b",
    ];
    let (provider, kind, values) = match i % 10 {
        0..=4 => (
            "hashicorp/aws",
            if i % 5 == 4 {
                "aws_security_group"
            } else {
                "aws_s3_bucket"
            },
            json!({"arn": format!("arn:aws:s3:::bucket-{i}"), "region": aws_regions[i % aws_regions.len()]}),
        ),
        5 | 6 => (
            "hashicorp/aws",
            "aws_db_instance",
            json!({"arn": format!("arn:aws:rds:eu-central-1:123456789012:db:db-{i}"),
                   "availability_zone": "eu-central-1b", "storage_encrypted": true}),
        ),
        7 => (
            "hashicorp/google",
            "google_storage_bucket",
            json!({"location": if i.is_multiple_of(3) { "EU" } else { "EUROPE-WEST3" }, "project": "p1",
                   "self_link": format!("https://www.googleapis.com/storage/v1/b/b{i}")}),
        ),
        8 => (
            "hashicorp/azurerm",
            "azurerm_storage_account",
            json!({"id": format!("/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa{i}"),
                   "location": "germanywestcentral"}),
        ),
        _ => (
            "hetznercloud/hcloud",
            "hcloud_volume",
            json!({"id": i.to_string(), "location": if i.is_multiple_of(2) { "fsn1" } else { "hel1" }}),
        ),
    };
    json!({
        "address": format!("module.m{}.{kind}.r{i}", i % 50),
        "mode": "managed", "type": kind, "name": format!("r{i}"),
        "provider_name": format!("registry.terraform.io/{provider}"),
        "schema_version": 0, "values": values, "sensitive_values": {},
    })
}

fn peak_rss_mib() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    u.ru_maxrss as f64 / 1024.0
}

fn main() {
    let n: usize = std::env::var("ASSAY_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let modules: Vec<Value> = (0..50)
        .map(|m| {
            let rs: Vec<Value> = (0..n).filter(|i| i % 50 == m).map(resource).collect();
            json!({"address": format!("module.m{m}"), "resources": rs})
        })
        .collect();
    let show = json!({"format_version": "1.0", "terraform_version": "1.9.8",
                      "values": {"root_module": {"resources": [], "child_modules": modules}}});
    let state = dir.path().join("show.json");
    std::fs::write(&state, serde_json::to_vec(&show).expect("json")).expect("write");
    let size = std::fs::metadata(&state).map(|m| m.len()).unwrap_or(0);
    let ev = dir.path().join("ev");
    let bin = env!("CARGO_BIN_EXE_assay");

    let t = Instant::now();
    let o = Command::new(bin)
        .args(["evidence", "import", "--from", "terraform"])
        .arg(&state)
        .arg("--into")
        .arg(&ev)
        .output()
        .expect("assay runs");
    let import = t.elapsed();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let import_rss = peak_rss_mib();

    let profile = dir.path().join("p.yaml");
    std::fs::write(
        &profile,
        "name: bench\nselect:\n  ids: [residency.resources-in-allowed-countries]\nparams:\n  residency.resources-in-allowed-countries: { allowed_countries: [DE], allowed_jurisdictions: [] }\n",
    )
    .expect("profile");
    let t = Instant::now();
    let o = Command::new(bin)
        .args(["check", "--format", "json", "--evidence"])
        .arg(&ev)
        .arg("--profile")
        .arg(&profile)
        .output()
        .expect("assay runs");
    let check = t.elapsed();
    let r: Value = serde_json::from_slice(&o.stdout).expect("results JSON");
    let findings = r["controls"][0]["findings"].as_array().map_or(0, Vec::len);
    let mut by_status = std::collections::BTreeMap::new();
    for f in r["controls"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
    {
        *by_status
            .entry(f["status"].as_str().unwrap_or("?").to_string())
            .or_insert(0) += 1;
    }
    println!(
        "{n} resources ({:.1} MB of terraform show -json): import {:.2} s (peak {:.0} MiB), check {:.2} s (peak so far {:.0} MiB), total {:.2} s; {findings} findings {by_status:?}",
        size as f64 / 1e6,
        import.as_secs_f64(),
        import_rss,
        check.as_secs_f64(),
        peak_rss_mib(),
        (import + check).as_secs_f64(),
    );
    // For profiling the check by hand: keep the inputs when asked.
    if std::env::var_os("ASSAY_BENCH_KEEP").is_some() {
        println!("inputs kept in {}", dir.keep().display());
    }
}
