//! `assay evidence import --from terraform` end to end: a `terraform show -json` output
//! becomes `cloud.resources` evidence with a country per resource, and the residency
//! control judges it by country, by jurisdiction, and never passes an unknown location.

#[allow(dead_code)] // uses only import, path_str, write_file and check
mod common;

use std::collections::BTreeMap;

use common::{path_str, write_file};

/// Control status per subject for `residency.resources-in-allowed-countries` under
/// `params` (YAML flow mapping).
fn verdicts(ev: &str, dir: &std::path::Path, params: &str) -> BTreeMap<String, String> {
    const ID: &str = "residency.resources-in-allowed-countries";
    let p = write_file(
        dir,
        "profile.yaml",
        &format!("name: t\nselect:\n  ids: [{ID}]\nparams:\n  {ID}: {params}\n"),
    );
    let r = common::check::results(std::path::Path::new(ev), Some(&p), None);
    common::check::statuses_by_subject(&r, ID)
}

#[test]
fn terraform_state_is_placed_and_judged_by_country_and_jurisdiction() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/residency/show.json")).unwrap();
    let show = write_file(d, "show.json", &text);
    let ev = d.join("ev");
    let o = common::import("terraform", &[path_str(&show), "--into", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("2 added"),
        "one document per provider and account: {}",
        o.stdout
    );

    let s = |v: &[(&str, &str)]| -> BTreeMap<String, String> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    // "All data stays in Germany": the Irish bucket fails, the EU multi-region bucket has
    // no single country and errors; the IAM role holds no data and is not judged.
    assert_eq!(
        verdicts(path_str(&ev), d, "{ allowed_countries: [DE] }"),
        s(&[
            ("arn:aws:rds:eu-central-1:123456789012:db:pg-main", "pass"),
            ("arn:aws:s3:::coloom-exports", "fail"),
            ("arn:aws:s3:::coloom-uploads", "pass"),
            (
                "https://www.googleapis.com/storage/v1/b/coloom-events",
                "error"
            ),
        ])
    );
    // "All data stays in the EU": every resource passes, the multi-region by jurisdiction.
    assert_eq!(
        verdicts(
            path_str(&ev),
            d,
            "{ allowed_countries: [], allowed_jurisdictions: [EU] }"
        ),
        s(&[
            ("arn:aws:rds:eu-central-1:123456789012:db:pg-main", "pass"),
            ("arn:aws:s3:::coloom-exports", "pass"),
            ("arn:aws:s3:::coloom-uploads", "pass"),
            (
                "https://www.googleapis.com/storage/v1/b/coloom-events",
                "pass"
            ),
        ])
    );
}

#[test]
fn an_unknown_region_errors_and_bad_state_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let show = write_file(
        d,
        "show.json",
        r#"{"values": {"root_module": {"resources": [
          {"address": "aws_s3_bucket.x", "mode": "managed", "type": "aws_s3_bucket", "name": "x",
           "provider_name": "registry.terraform.io/hashicorp/aws",
           "values": {"arn": "arn:aws:s3:::x", "region": "eu-atlantis-1"}}]}}}"#,
    );
    let o = common::import("terraform", &[path_str(&show), "--into", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        verdicts(
            path_str(&ev),
            d,
            "{ allowed_countries: [DE], allowed_jurisdictions: [EU] }"
        ),
        [("arn:aws:s3:::x".to_string(), "error".to_string())].into()
    );

    let bad = write_file(
        d,
        "bad.json",
        r#"{"version": 4, "resources": [{"mode": "managed", "type": 7}]}"#,
    );
    let ev2 = d.join("ev2");
    let o = common::import(
        "terraform",
        &[path_str(&show), path_str(&bad), "--into", path_str(&ev2)],
    );
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("bad.json") && o.stderr.contains("resources[0].type"),
        "{}",
        o.stderr
    );
    assert!(!ev2.exists(), "nothing is written when one file is bad");
}

#[test]
fn aws_cli_listings_are_placed_and_judged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let ec2 = write_file(
        d,
        "ec2.json",
        r#"{"Reservations": [{"OwnerId": "123456789012", "Instances": [
            {"InstanceId": "i-de", "Placement": {"AvailabilityZone": "eu-central-1c"}},
            {"InstanceId": "i-us", "Placement": {"AvailabilityZone": "us-east-1d"}}]}]}"#,
    );
    let rds = write_file(
        d,
        "rds.json",
        r#"{"DBInstances": [{"DBInstanceArn": "arn:aws:rds:eu-central-1:123456789012:db:pg", "AvailabilityZone": "eu-central-1a", "StorageEncrypted": true}]}"#,
    );
    let o = common::import(
        "aws-resources",
        &[path_str(&ec2), path_str(&rds), "--into", path_str(&ev)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = verdicts(path_str(&ev), d, "{ allowed_countries: [DE] }");
    assert_eq!(v.get("i-de").map(String::as_str), Some("pass"), "{v:?}");
    assert_eq!(v.get("i-us").map(String::as_str), Some("fail"), "{v:?}");
    assert_eq!(
        v.get("arn:aws:rds:eu-central-1:123456789012:db:pg")
            .map(String::as_str),
        Some("pass"),
        "{v:?}"
    );
}
