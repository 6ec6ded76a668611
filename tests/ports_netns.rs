//! The port scanner against real hosts behind a real firewall: two network namespaces
//! made by this test, one whose nftables firewall drops all but 80/443 (the promise
//! "only ports 80 and 443 are reachable") and one without a firewall, each over IPv4 and
//! IPv6. assay's verdict on
//! every port must equal what `nmap -sT` finds in the same run, and the network controls
//! must judge the two hosts apart.
//!
//! Needs root, iproute2, nftables and nmap (`scripts/test` installs them). Missing any of
//! them fails the test with a message saying so: a skipped firewall test would be a
//! silent pass.

#[allow(dead_code)] // this test uses run, path_str and check only
mod common;
#[path = "common/netns.rs"]
mod netns;

use std::collections::BTreeMap;
use std::process::Command;

use assay::bundle::Bundle;
use assay::collect::net::import::nmap;
use assay::evidence::schema::KindRegistry;
use assay::evidence::store::EvidenceDir;
use common::{path_str, run};

/// Ports scanned: the well-known range, every administration and database port the
/// catalog's sensitive list names, and two proxy ports.
const SPEC: &str =
    "1-1024,1433,1521,2375,2379,3306,3389,5432,5900,5984,6379,8080,8443,9200,9300,11211,27017";

fn require(tool: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{tool}` is missing: run scripts/test, which installs it (the firewall test cannot run without it)"
    );
}

/// Port → state, per address, from `net.ports` bodies.
type States = BTreeMap<String, BTreeMap<u64, String>>;

fn states<'a>(bodies: impl Iterator<Item = &'a serde_json::Value>) -> States {
    let mut out = States::new();
    for b in bodies {
        let ports = out
            .entry(b["address"].as_str().unwrap().to_string())
            .or_default();
        for p in b["ports"].as_array().unwrap() {
            ports.insert(
                p["port"].as_u64().unwrap(),
                p["state"].as_str().unwrap().to_string(),
            );
        }
    }
    out
}

#[test]
fn scan_behind_an_nftables_firewall_matches_nmap_and_the_controls_tell_the_hosts_apart() {
    for tool in ["ip", "nft", "nmap"] {
        require(tool);
    }
    let lab = netns::Lab::new(2).expect("making the test hosts (needs root)");
    // Host 0: "only 80 and 443", with services also listening behind the firewall on 22
    // and 5432 — the firewall, not an absent daemon, is what must keep them unreachable.
    lab.firewall(0, &netns::drop_all_but(&[80, 443])).unwrap();
    for port in [22, 80, 443, 5432] {
        lab.listen(0, port).unwrap();
    }
    // Host 1: no firewall; SSH and HTTP listen, every other port is refused (closed).
    for port in [22, 80] {
        lab.listen(1, port).unwrap();
    }
    let (a0, a1) = (lab.address(0).to_string(), lab.address(1).to_string());
    // The same hosts over IPv6: the inet-family firewall must hold there too.
    let (b0, b1) = (lab.address6(0).to_string(), lab.address6(1).to_string());

    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    let o = run(&[
        "collect",
        "ports",
        &a0,
        &a1,
        &b0,
        &b1,
        "--ports",
        SPEC,
        "--vantage",
        "internet",
        "--timeout-ms",
        "600",
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);

    let kinds = KindRegistry::from_bundle(&Bundle::builtin()).unwrap();
    let (docs, problems) = EvidenceDir::open(&ev).unwrap().load(&kinds).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let ours = states(docs.iter().map(|s| &s.doc.body));

    // nmap scans one address family per run.
    let mut parsed = Vec::new();
    for family in [["-4", &a0, &a1], ["-6", &b0, &b1]] {
        let xml = Command::new("nmap")
            .args(["-sT", "-Pn", "-n", "-T4", "--max-retries", "1", "-p", SPEC])
            .args(["-oX", "-"])
            .args(family)
            .output()
            .unwrap();
        assert!(
            xml.status.success(),
            "{}",
            String::from_utf8_lossy(&xml.stderr)
        );
        parsed.extend(nmap::parse(&String::from_utf8(xml.stdout).unwrap()).unwrap());
    }
    let theirs = states(parsed.iter().map(|p| &p.body));

    let expected_ports = assay::collect::net::scan::parse_ports(SPEC).unwrap().len();
    for addr in [&a0, &a1, &b0, &b1] {
        assert_eq!(
            ours[addr].len(),
            expected_ports,
            "assay scanned every port of {addr}"
        );
        assert_eq!(
            theirs[addr].len(),
            expected_ports,
            "nmap reported every port of {addr}"
        );
        assert_eq!(
            ours[addr], theirs[addr],
            "assay and nmap disagree on {addr}"
        );
    }
    let open = |a: &str, state: &str| -> Vec<u64> {
        ours[a]
            .iter()
            .filter(|(_, s)| *s == state)
            .map(|(p, _)| *p)
            .collect()
    };
    for (firewalled, open_host) in [(&a0, &a1), (&b0, &b1)] {
        assert_eq!(open(firewalled, "open"), [80, 443]);
        let dropped = open(firewalled, "filtered").len();
        assert_eq!(dropped, expected_ports - 2, "the rest is dropped");
        assert_eq!(open(open_host, "open"), [22, 80]);
        let refused = open(open_host, "closed").len();
        assert_eq!(refused, expected_ports - 2, "the rest is refused");
    }

    // The controls: host 0 keeps the promise, host 1 exposes SSH.
    let r = common::check::results(&ev, None, None);
    for control in [
        "net.only-allowed-ports-public",
        "net.no-public-admin-database-port",
    ] {
        let v = common::check::statuses_by_subject(&r, control);
        for (subject, verdict) in [(&a0, "pass"), (&b0, "pass"), (&a1, "fail"), (&b1, "fail")] {
            let got = v.get(subject).map(String::as_str);
            assert_eq!(got, Some(verdict), "{control} {subject}: {v:?}");
        }
    }
}
