//! `assay collect residency` end to end: endpoints placed by a GeoIP database built here
//! (loopback networks mapped to countries), Kubernetes nodes by their region labels,
//! Terraform state from a file or a folder, all judged by the residency control — and bad
//! inputs refused with the file and field, writing nothing.

#[allow(dead_code)] // uses run, path_str, write_file, bodies, root and check
mod common;
#[allow(dead_code)] // Data variants the writer's own test uses
#[path = "common/mmdb.rs"]
mod mmdb;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{path_str, write_file};
use serde_json::{json, Value};

const ID: &str = "residency.resources-in-allowed-countries";

/// The check results for the residency control under `params` (YAML flow mapping).
fn results(ev: &Path, dir: &Path, params: &str) -> Value {
    let p = write_file(
        dir,
        "profile.yaml",
        &format!("name: t\nselect:\n  ids: [{ID}]\nparams:\n  {ID}: {params}\n"),
    );
    common::check::results(ev, Some(&p), None)
}

/// Finding status per subject (resource id) under `params`.
fn verdicts(ev: &Path, dir: &Path, params: &str) -> BTreeMap<String, String> {
    common::check::statuses_by_subject(&results(ev, dir, params), ID)
}

fn map(v: &[(&str, &str)]) -> BTreeMap<String, String> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A GeoIP database: 127.0.0.0/25 in Germany, 127.0.0.128/25 in the USA, ::1 in Germany;
/// nothing else (127.0.1.0 and up are unknown to it).
fn geoip_db(dir: &Path) -> PathBuf {
    let mut w = mmdb::Writer::new(6, 28);
    w.database_type = "GeoLite2-Country".into();
    w.insert("127.0.0.0/25", mmdb::country("DE"));
    w.insert("127.0.0.128/25", mmdb::country("US"));
    w.insert("::1/128", mmdb::country("DE"));
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join("t.mmdb");
    std::fs::write(&p, w.to_bytes()).unwrap();
    p
}

fn collect(args: &[&str]) -> common::Run {
    let mut all = vec!["collect", "residency"];
    all.extend_from_slice(args);
    common::run(&all)
}

#[test]
fn endpoints_are_placed_by_the_geoip_database_and_judged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = geoip_db(d);
    let ev = d.join("ev");
    let o = collect(&[
        "--geoip",
        path_str(&db),
        "--endpoint",
        "127.0.0.10",
        "--endpoint",
        "127.0.0.200",
        "--endpoint",
        "localhost:443",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("geoip:endpoints"), "{}", o.stdout);

    // What an auditor reads: which database placed each address, and where.
    let docs = common::bodies(&ev, "cloud.resources");
    assert_eq!(docs.len(), 1);
    let (subject, body) = &docs[0];
    assert_eq!(subject, "geoip:endpoints");
    assert_eq!(body["located_by"], "geoip");
    assert_eq!(body["database"]["database_type"], "GeoLite2-Country");
    assert_eq!(body["database"]["build_epoch"], "2026-11-01T00:00:00Z");
    assert_eq!(
        body["database"]["sha256"],
        json!(assay::evidence::bytes_hash(&std::fs::read(&db).unwrap()))
    );
    let r = &body["resources"];
    assert_eq!(r[1]["id"], "127.0.0.200");
    assert_eq!(r[1]["type"], "endpoint");
    assert_eq!(
        r[1]["addresses"],
        json!([{"address": "127.0.0.200", "country": "US", "network": "127.0.0.128/25", "located_from": "country"}])
    );
    assert_eq!(r[2]["id"], "localhost", "the port is not part of the place");
    assert_eq!(r[2]["country"], "DE");

    // "All data stays in Germany": the endpoint in the USA fails, by name.
    let res = results(&ev, d, "{ allowed_countries: [DE] }");
    assert_eq!(
        common::check::statuses_by_subject(&res, ID),
        map(&[
            ("127.0.0.10", "pass"),
            ("127.0.0.200", "fail"),
            ("localhost", "pass")
        ])
    );
    let failing = common::check::findings_about(&res, ID, "127.0.0.200");
    let msg = failing[0]["message"].as_str().unwrap();
    assert!(msg.contains("127.0.0.200") && msg.contains("US"), "{msg}");
    // Germany and the USA allowed: everything passes.
    assert_eq!(
        verdicts(&ev, d, "{ allowed_countries: [DE, US] }"),
        map(&[
            ("127.0.0.10", "pass"),
            ("127.0.0.200", "pass"),
            ("localhost", "pass")
        ])
    );
}

#[test]
fn an_endpoint_the_database_does_not_know_never_passes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = geoip_db(d);
    let ev = d.join("ev");
    let o = collect(&[
        "--geoip",
        path_str(&db),
        "--endpoint",
        "127.0.1.5",
        "--endpoint",
        "[::1]:8443",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let body = &common::bodies(&ev, "cloud.resources")[0].1;
    assert_eq!(body["resources"][0]["country"], Value::Null);
    assert!(
        body["resources"][0]["note"]
            .as_str()
            .unwrap()
            .contains("127.0.1.5 is not in the database"),
        "{body}"
    );
    // Not in the database: an error whatever is allowed.
    assert_eq!(
        verdicts(
            &ev,
            d,
            "{ allowed_countries: [DE, US], allowed_jurisdictions: [EU] }"
        ),
        map(&[("127.0.1.5", "error"), ("::1", "pass")])
    );
}

#[test]
fn kubernetes_nodes_are_judged_by_country_and_by_jurisdiction() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let nodes = common::root().join("tests/fixtures/residency/nodes.json");
    let ev = d.join("ev");
    let o = collect(&[
        "--kubectl-nodes",
        path_str(&nodes),
        "--cluster",
        "prod",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let docs = common::bodies(&ev, "cloud.resources");
    assert_eq!(docs[0].0, "k8s:prod");
    assert_eq!(docs[0].1["resources"][1]["zone"], "eu-central-1b");

    let (de1, de2, us) = (
        "ip-10-20-1-17.eu-central-1.compute.internal",
        "ip-10-20-2-33.eu-central-1.compute.internal",
        "ip-10-40-1-9.ec2.internal",
    );
    assert_eq!(
        verdicts(&ev, d, "{ allowed_countries: [DE] }"),
        map(&[(de1, "pass"), (de2, "pass"), (us, "fail")])
    );
    assert_eq!(
        verdicts(
            &ev,
            d,
            "{ allowed_countries: [], allowed_jurisdictions: [EU] }"
        ),
        map(&[(de1, "pass"), (de2, "pass"), (us, "fail")]),
        "a node in the USA is outside the EU"
    );

    // Without the US node group, the EU promise holds — imported this time.
    let mut list: Value = serde_json::from_str(&std::fs::read_to_string(&nodes).unwrap()).unwrap();
    list["items"]
        .as_array_mut()
        .unwrap()
        .retain(|n| n["metadata"]["labels"]["topology.kubernetes.io/region"] != "us-east-1");
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let eu = write_file(d, "nodes-eu.json", &list.to_string());
    let ev2 = d.join("ev2");
    let o = common::import(
        "kubectl-nodes",
        &["--asset", "prod", path_str(&eu), "--into", path_str(&ev2)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(common::bodies(&ev2, "cloud.resources")[0].0, "k8s:prod");
    assert_eq!(
        verdicts(
            &ev2,
            d,
            "{ allowed_countries: [], allowed_jurisdictions: [EU] }"
        ),
        map(&[(de1, "pass"), (de2, "pass")])
    );
}

/// A `terraform` on PATH that prints `show.json` for `terraform show -json` in a folder
/// named `ok`, and fails like Terraform without its providers anywhere else.
fn fake_terraform(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let show = common::root().join("tests/fixtures/residency/show.json");
    let script = format!(
        "#!/bin/sh\n[ \"$1 $2\" = \"show -json\" ] || exit 64\ncase \"$(basename \"$PWD\")\" in\n  ok) cat '{}' ;;\n  *) echo 'Warning: something harmless' >&2; echo 'Error: Failed to load plugin schemas' >&2; echo 'Could not load the schema for provider registry.terraform.io/hashicorp/aws' >&2; exit 1 ;;\nesac\n",
        show.display()
    );
    let p = write_file(&bin, "terraform", &script);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn terraform_state_files_and_folders_are_placed_and_merged_by_account() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let show = common::fresh_copy("tests/fixtures/residency", d, "show.json");
    let ec2 = write_file(
        d,
        "ec2.json",
        r#"{"Reservations": [{"OwnerId": "123456789012", "Instances": [
            {"InstanceId": "i-us", "Placement": {"AvailabilityZone": "us-east-1d"}}]}]}"#,
    );
    let ev = d.join("ev");
    let o = collect(&[
        "--terraform",
        path_str(&show),
        "--aws",
        path_str(&ec2),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let subjects: Vec<String> = common::bodies(&ev, "cloud.resources")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(
        subjects,
        ["aws:123456789012", "gcp:coloom-analytics"],
        "the state's and the listing's resources of one account are one document"
    );
    let v = verdicts(&ev, d, "{ allowed_countries: [DE] }");
    assert_eq!(v.get("i-us").map(String::as_str), Some("fail"), "{v:?}");
    assert_eq!(
        v.get("arn:aws:s3:::coloom-uploads").map(String::as_str),
        Some("pass"),
        "{v:?}"
    );

    // A Terraform folder: `terraform show -json` runs there.
    let bin = fake_terraform(d);
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let ok = d.join("ok");
    std::fs::create_dir_all(&ok).unwrap();
    let ev2 = d.join("ev2");
    let o = common::run_env(
        &[
            "collect",
            "residency",
            "--terraform",
            path_str(&ok),
            "--into",
            path_str(&ev2),
        ],
        &[("PATH", &path)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(common::bodies(&ev2, "cloud.resources").len(), 2);

    // A folder terraform cannot read, and no terraform at all: the folder and the reason.
    let broken = d.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    let ev3 = d.join("ev3");
    let args = [
        "collect",
        "residency",
        "--terraform",
        path_str(&broken),
        "--into",
        path_str(&ev3),
    ];
    let o = common::run_env(&args, &[("PATH", &path)]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("broken")
            && o.stderr.contains("Failed to load plugin schemas")
            && !o.stderr.contains("harmless"),
        "{}",
        o.stderr
    );
    let o = common::run_env(&args, &[("PATH", path_str(&d.join("empty")))]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("broken") && o.stderr.contains("not installed"),
        "{}",
        o.stderr
    );
    assert!(!ev3.exists());
}

#[test]
fn the_inventory_names_every_input_relative_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inv_dir = d.join("inv");
    geoip_db(&inv_dir.join("geo"));
    common::fresh_copy("tests/fixtures/residency", &inv_dir, "nodes.json");
    common::fresh_copy("tests/fixtures/residency", &inv_dir, "show.json");
    let inv = write_file(
        &inv_dir,
        "inventory.yaml",
        "company: {name: T}\nresidency:\n  terraform: [show.json]\n  kubectl_nodes: [{file: nodes.json, cluster: prod}]\n  geoip: geo/t.mmdb\n  endpoints:\n    - 127.0.0.10\n    - {host: 127.0.0.200, stores_data: false}\n",
    );
    let ev = d.join("ev");
    let o = collect(&["--inventory", path_str(&inv), "--into", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let subjects: Vec<String> = common::bodies(&ev, "cloud.resources")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(
        subjects,
        [
            "aws:123456789012",
            "gcp:coloom-analytics",
            "geoip:endpoints",
            "k8s:prod"
        ]
    );
    let v = verdicts(&ev, d, "{ allowed_countries: [DE] }");
    assert_eq!(v.get("127.0.0.10").map(String::as_str), Some("pass"));
    assert_eq!(
        v.get("127.0.0.200"),
        None,
        "an endpoint that stores no data is not judged: {v:?}"
    );
}

#[test]
fn bad_inputs_name_the_file_and_field_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = geoip_db(d);
    let bytes = std::fs::read(&db).unwrap();
    let cut = d.join("cut.mmdb");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let nodes = common::root().join("tests/fixtures/residency/nodes.json");
    let ev = d.join("ev");

    // A truncated database, beside a good node list: nothing is written.
    let o = collect(&[
        "--kubectl-nodes",
        path_str(&nodes),
        "--geoip",
        path_str(&cut),
        "--endpoint",
        "127.0.0.10",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("cut.mmdb") && o.stderr.contains("not a usable MaxMind DB"),
        "{}",
        o.stderr
    );
    assert!(!ev.exists(), "nothing is written when an input is bad");

    // A node list with a mistyped label: the file and the JSON path.
    let bad = write_file(
        d,
        "nodes-bad.json",
        r#"{"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n", "labels": {"topology.kubernetes.io/region": 7}}}]}"#,
    );
    let o = collect(&["--kubectl-nodes", path_str(&bad), "--into", path_str(&ev)]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("nodes-bad.json")
            && o.stderr
                .contains("items[0].metadata.labels[\"topology.kubernetes.io/region\"]"),
        "{}",
        o.stderr
    );

    // An inventory field of the wrong type: the file and the field.
    let inv = write_file(
        d,
        "inventory.yaml",
        "residency:\n  geoip: t.mmdb\n  endpoints:\n    - {host: 127.0.0.10, stores_data: maybe}\n",
    );
    let o = collect(&["--inventory", path_str(&inv), "--into", path_str(&ev)]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("inventory.yaml")
            && o.stderr
                .contains("residency.endpoints[0].stores_data: expected true or false"),
        "{}",
        o.stderr
    );

    // Endpoints without a database, and no inputs at all.
    let o = collect(&["--endpoint", "127.0.0.10", "--into", path_str(&ev)]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--geoip"), "{}", o.stderr);
    let o = collect(&["--into", path_str(&ev)]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("nothing to collect"), "{}", o.stderr);
    assert!(!ev.exists());
}
