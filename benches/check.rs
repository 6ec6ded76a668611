//! Benchmark: judge 10,000 subjects against the full built-in catalog, and compare with
//! evaluating the same rules on the same inputs through bare regorus calls.
//!
//! Run with `cargo bench --bench check` (set ASSAY_BENCH_SUBJECTS to change the size).
//! It prints wall time for assay on all cores and on one thread, the bare-regorus time on
//! one thread, the overhead ratio (assay one thread / bare regorus), and peak memory.
//! Targets (issue #3): < 5 s on 2 cores, ratio ≤ 1.3.

use std::path::Path;
use std::time::{Duration, Instant};

use assay::bundle::Bundle;
use assay::catalog::profile::Profile;
use assay::catalog::Catalog;
use assay::check::{evaluate, EvidenceSet};
use assay::evidence::store::{read_documents, Stored};
use assay::evidence::Document;
use assay::policy::PolicySet;
use assay::timefmt::{format_instant, parse_instant};
use regorus::Value;

fn templates() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/coloom/raw");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/coloom/raw")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| read_documents(f).expect("example document parses"))
        .filter(|d| d.collection_error().is_none())
        .collect()
}

fn make_evidence(n: usize, now: chrono::DateTime<chrono::Utc>) -> Vec<Stored> {
    let t = templates();
    (0..n)
        .map(|i| {
            let mut doc = t[i % t.len()].clone();
            doc.subject = format!("{}#{i}", doc.subject);
            doc.collected_at = now - chrono::Duration::hours(1);
            if doc.kind == "attestation" {
                doc.subject = doc.body["control"].as_str().unwrap_or_default().to_string();
            }
            Stored {
                sha256: doc.body_hash(),
                path: format!("bench/{i}.json"),
                doc,
            }
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let n: usize = std::env::var("ASSAY_BENCH_SUBJECTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let rounds = 3;
    let now = parse_instant("2026-11-25T06:00:00Z").expect("instant");
    let bundle = Bundle::builtin();
    let policies = PolicySet::compile(&bundle).expect("policies");
    let catalog = Catalog::load(bundle).expect("catalog");
    let selected = Profile::default().select(&catalog).expect("select all");
    let docs = make_evidence(n, now);
    let kinds: std::collections::BTreeSet<&str> =
        docs.iter().map(|d| d.doc.kind.as_str()).collect();
    println!(
        "assay check benchmark: {n} subjects over {} evidence kinds, {} controls, {} threads available",
        kinds.len(),
        selected.len(),
        rayon::current_num_threads()
    );

    let prep = Instant::now();
    let set = EvidenceSet::new(docs.clone(), Vec::new());
    let prep = prep.elapsed();

    let mut all_cores = Vec::new();
    let mut findings = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let (results, _) = evaluate(&selected, &policies, &set, now, &[]);
        all_cores.push(t.elapsed());
        findings = results.iter().map(|r| r.findings.len()).sum();
    }
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut one_thread = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        one.install(|| evaluate(&selected, &policies, &set, now, &[]));
        one_thread.push(t.elapsed());
    }

    // Bare regorus: the same rules and the same input documents, one engine, one thread,
    // no freshness checks, no finding validation, no waivers, no sorting.
    let inputs: Vec<(String, Value)> = selected
        .iter()
        .map(|s| {
            let ev: Vec<Value> = docs
                .iter()
                .filter(|d| {
                    s.control.evidence.contains(&d.doc.kind)
                        && (d.doc.kind != "attestation" || d.doc.subject == s.control.id)
                })
                .map(|d| {
                    Value::from(serde_json::json!({
                        "kind": d.doc.kind, "subject": d.doc.subject,
                        "collected_at": format_instant(&d.doc.collected_at),
                        "source": d.doc.source, "collector": d.doc.collector, "body": d.doc.body,
                    }))
                })
                .collect();
            let input = serde_json::json!({
                "control": {"id": s.control.id},
                "params": serde_json::Value::Object(s.params.clone()),
                "now": format_instant(&now),
            });
            let mut v = Value::from(input);
            if let Ok(m) = v.as_object_mut() {
                m.insert(Value::from("evidence"), Value::from(ev));
            }
            (s.control.rule.clone(), v)
        })
        .collect();
    let mut bare = Vec::new();
    let mut bare_findings = 0;
    let mut per_rule: Vec<(Duration, String)> = Vec::new();
    for round in 0..rounds {
        let mut engine = policies.engine();
        let t = Instant::now();
        bare_findings = 0;
        for (rule, input) in &inputs {
            let r = Instant::now();
            engine.set_input(input.clone());
            if let Ok(Value::Set(s)) = engine.eval_rule(rule.clone()) {
                bare_findings += s.len();
            }
            if round == 0 {
                per_rule.push((r.elapsed(), rule.clone()));
            }
        }
        bare.push(t.elapsed());
    }
    per_rule.sort_by_key(|r| std::cmp::Reverse(r.0));

    let (a, o, b) = (median(all_cores), median(one_thread), median(bare));
    println!(
        "evidence indexing (once per run):   {:>8.3} s",
        prep.as_secs_f64()
    );
    println!(
        "assay, all cores:                   {:>8.3} s  ({findings} findings)",
        a.as_secs_f64()
    );
    println!(
        "assay, one thread:                  {:>8.3} s",
        o.as_secs_f64()
    );
    println!(
        "bare regorus, one thread:           {:>8.3} s  ({bare_findings} findings)",
        b.as_secs_f64()
    );
    println!(
        "overhead ratio (assay 1T / bare):   {:>8.2}x  (target <= 1.30)",
        o.as_secs_f64() / b.as_secs_f64()
    );
    println!(
        "speed-up on all cores (1T / all):   {:>8.2}x",
        o.as_secs_f64() / a.as_secs_f64()
    );
    println!("slowest rules (bare regorus, one thread):");
    for (d, rule) in per_rule.iter().take(6) {
        println!("  {:>8.3} s  {rule}", d.as_secs_f64());
    }
    match peak_rss_mib() {
        Some(m) => println!("peak memory (VmHWM):                {m:>8.1} MiB"),
        None => println!("peak memory: not available on this platform"),
    }
}
