//! Benchmark: assay's port scan against `nmap -sT` in the same run, on hosts this bench
//! makes itself in network namespaces (see `tests/common/netns.rs`).
//!
//! Run with `cargo bench --bench ports` as root, with iproute2, nftables and nmap
//! installed (`scripts/test` installs them). Two scenarios, each timed for both tools over
//! `ASSAY_BENCH_ROUNDS` alternating rounds (default 3; the median is printed):
//!
//! 1. all 65,535 TCP ports of one host's loopback, with listeners on a spread of ports —
//!    target (issue #5): faster than nmap, with identical open-port lists;
//! 2. 256 hosts behind an nftables firewall that drops all but 80/443, × the 100 top ports,
//!    where nearly every probe waits out its deadline. Both tools get the same deadline
//!    and retry count, so the comparison is of scheduling, not of patience.
//!
//! Each tool runs as a whole process (`ip netns exec … assay collect ports …` and
//! `… nmap …`), start-up included, and its findings are compared port by port.

#[path = "../tests/common/netns.rs"]
mod netns;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use assay::bundle::Bundle;
use assay::collect::net::import::nmap;
use assay::collect::net::scan::TOP_PORTS;
use assay::evidence::schema::KindRegistry;
use assay::evidence::store::EvidenceDir;

/// (address, port) pairs found open.
type Open = BTreeSet<(String, u64)>;

fn open_ports<'a>(bodies: impl Iterator<Item = &'a serde_json::Value>) -> (Open, usize) {
    let mut open = Open::new();
    let mut scanned = 0;
    for b in bodies {
        for p in b["ports"].as_array().into_iter().flatten() {
            scanned += 1;
            if p["state"] == "open" {
                open.insert((
                    b["address"].as_str().unwrap_or_default().to_string(),
                    p["port"].as_u64().unwrap_or_default(),
                ));
            }
        }
    }
    (open, scanned)
}

/// Runs assay inside namespace `ns`; returns its time and what it found.
fn run_assay(ns: &str, targets: &[String], ports: &str, extra: &[&str]) -> (Duration, Open, usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ev = dir.path().join("ev");
    let t = Instant::now();
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            ns,
            env!("CARGO_BIN_EXE_assay"),
            "collect",
            "ports",
        ])
        .args(targets)
        .args([
            "--ports",
            ports,
            "--vantage",
            "internal",
            "--max-addresses",
            "1024",
        ])
        .args(extra)
        .arg("--into")
        .arg(&ev)
        .output()
        .expect("assay runs");
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "assay: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kinds = KindRegistry::from_bundle(&Bundle::builtin()).expect("catalog");
    let (docs, problems) = EvidenceDir::open(&ev)
        .and_then(|d| d.load(&kinds))
        .expect("evidence loads");
    assert!(problems.is_empty(), "{problems:?}");
    let (open, scanned) = open_ports(docs.iter().map(|s| &s.doc.body));
    (took, open, scanned)
}

/// Runs `nmap -sT` inside namespace `ns`; returns its time and what it found.
fn run_nmap(ns: &str, targets: &[String], ports: &str, extra: &[&str]) -> (Duration, Open, usize) {
    let t = Instant::now();
    let out = Command::new("ip")
        .args(["netns", "exec", ns, "nmap", "-sT", "-Pn", "-n", "-p", ports])
        .args(extra)
        .args(["-oX", "-"])
        .args(targets)
        .output()
        .expect("nmap runs");
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "nmap: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed = nmap::parse(&String::from_utf8_lossy(&out.stdout)).expect("nmap XML parses");
    let (open, scanned) = open_ports(parsed.iter().map(|p| &p.body));
    (took, open, scanned)
}

/// Panics, naming the differences, when a tool's open ports are not the expected ones.
fn agree(name: &str, tool: &str, round: usize, found: &Open, expected: &Open) {
    let missed: Vec<_> = expected.difference(found).collect();
    let extra: Vec<_> = found.difference(expected).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{name}, round {round}: {tool} missed {missed:?} and found extra {extra:?}"
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Times both tools over `rounds` alternating rounds, checks they agree, prints figures.
#[allow(clippy::too_many_arguments)]
fn compare(
    name: &str,
    ns: &str,
    targets: &[String],
    ports: &str,
    assay_args: &[&str],
    nmap_args: &[&str],
    expect_open: &Open,
    rounds: usize,
) {
    let (mut ta, mut tn) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let (d, open, scanned) = run_assay(ns, targets, ports, assay_args);
        agree(name, "assay", round, &open, expect_open);
        ta.push(d);
        let (d, nopen, nscanned) = run_nmap(ns, targets, ports, nmap_args);
        agree(name, "nmap", round, &nopen, expect_open);
        assert_eq!(scanned, nscanned, "{name}: both reported every port");
        tn.push(d);
    }
    let (a, n) = (median(ta), median(tn));
    println!(
        "{name}: assay {:.2} s, nmap -sT {:.2} s, nmap/assay = {:.2}x; {} open ports, identical lists (median of {rounds})",
        a.as_secs_f64(),
        n.as_secs_f64(),
        n.as_secs_f64() / a.as_secs_f64(),
        expect_open.len(),
    );
}

fn main() {
    if !Path::new("/run").exists() || unsafe_euid() != 0 {
        eprintln!("benches/ports needs root (network namespaces)");
        std::process::exit(1);
    }
    let rounds: usize = std::env::var("ASSAY_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);

    // 1. All ports of one loopback host.
    let lab = netns::Lab::new(1).expect("test host");
    let listening = [
        22u16, 80, 443, 3306, 5432, 6379, 8080, 9200, 27017, 32768, 49152, 60000, 65535,
    ];
    for p in listening {
        lab.listen(0, p).expect("listener");
    }
    let expect: Open = listening
        .iter()
        .map(|p| ("127.0.0.1".to_string(), u64::from(*p)))
        .collect();
    compare(
        "loopback, 65,535 ports",
        lab.namespace(0),
        &["127.0.0.1".to_string()],
        "1-65535",
        &["--concurrency", "1024"],
        &[],
        &expect,
        rounds,
    );
    drop(lab);

    // 2. 256 firewalled hosts × top 100 ports, seen from a 257th namespace.
    let t = Instant::now();
    let lab = netns::Lab::new(257).expect("test hosts");
    let hosts = 1..257;
    let mut expect = Open::new();
    for i in hosts.clone() {
        lab.firewall(i, &netns::drop_all_but(&[80, 443]))
            .expect("firewall");
        for p in [22, 80, 443] {
            lab.listen(i, p).expect("listener");
        }
        for p in [80, 443] {
            expect.insert((lab.address(i).to_string(), p));
        }
    }
    println!(
        "(256 firewalled hosts made in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let targets: Vec<String> = hosts.map(|i| lab.address(i).to_string()).collect();
    let ports: Vec<String> = TOP_PORTS.iter().map(u16::to_string).collect();
    compare(
        "256 hosts x top 100 ports, firewall drops 98",
        lab.namespace(0),
        &targets,
        &ports.join(","),
        &[
            "--timeout-ms",
            "500",
            "--retries",
            "1",
            "--concurrency",
            "4096",
        ],
        &["--max-retries", "1", "--max-rtt-timeout", "500ms", "-T4"],
        &expect,
        rounds,
    );
}

fn unsafe_euid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}
