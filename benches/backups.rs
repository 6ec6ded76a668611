//! Issue 8's benchmark: backup facts over a restic repository with 10,000 snapshots must
//! take under 5 s. The input is a generated `restic snapshots --json` output of the shape
//! restic prints (20 hosts, each with its own path set, tags, parents, nanosecond times
//! with an offset, restic 0.17's `summary`).
//!
//! `cargo bench --bench backups` prints the time to parse the output and build the
//! `backup.snapshots` body, then the time of the whole path a user runs (`assay evidence
//! import --from restic` and `assay check` of the four backup controls), and this
//! process's peak memory (VmHWM) and the assay child's (getrusage). It exits non-zero
//! when either takes 5 s or more.

use std::time::{Duration, Instant};

use assay::collect::backup::{body, restic};

const SNAPSHOTS: usize = 10_000;
const BUDGET: Duration = Duration::from_secs(5);

fn snapshots_json() -> String {
    let start = chrono::DateTime::parse_from_rfc3339("2025-11-01T00:00:00+01:00").unwrap();
    let mut out = String::with_capacity(SNAPSHOTS * 700);
    out.push('[');
    for i in 0..SNAPSHOTS {
        if i > 0 {
            out.push(',');
        }
        let host = i % 20;
        let t = start
            + chrono::Duration::minutes(i as i64 * 52)
            + chrono::Duration::nanoseconds(123_456_789);
        let id = format!("{:064x}", (i as u128 + 1) * 0x9e37_79b9_7f4a_7c15);
        let parent = format!("{:064x}", (i as u128) * 0x9e37_79b9_7f4a_7c15);
        let paths = if i % 2 == 0 {
            r#"["/srv/app","/etc"]"#
        } else {
            r#"["/var/lib/postgresql/dumps"]"#
        };
        out.push_str(&format!(
            r#"{{"time":"{}","parent":"{parent}","tree":"{parent}","paths":{paths},"hostname":"host-{host:02}.coloom.example","username":"root","uid":0,"gid":0,"tags":["nightly","prod"],"program_version":"restic 0.17.3","summary":{{"backup_start":"{t0}","backup_end":"{t0}","files_new":3,"files_changed":17,"files_unmodified":48211,"dirs_new":0,"dirs_changed":4,"dirs_unmodified":5120,"data_blobs":21,"tree_blobs":5,"data_added":1048576,"data_added_packed":524288,"total_files_processed":48231,"total_bytes_processed":{bytes}}},"id":"{id}","short_id":"{short}"}}"#,
            t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, false),
            t0 = t.to_rfc3339(),
            bytes = 5_000_000_000u64 + i as u64,
            short = &id[..8],
        ));
    }
    out.push(']');
    out
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l[6..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The largest peak resident size of the finished child processes (getrusage).
fn children_peak_kb() -> i64 {
    // SAFETY: getrusage fills the zeroed struct we own; no pointers are kept.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    if rc == 0 {
        u.ru_maxrss
    } else {
        -1
    }
}

fn main() {
    let json = snapshots_json();
    println!(
        "input: {SNAPSHOTS} snapshots, {} bytes of restic snapshots --json",
        json.len()
    );

    let started = Instant::now();
    let facts = restic::import("bench-repo", "snapshots.json", &json).expect("parses");
    let b = body(&facts, chrono::Utc::now());
    let facts_time = started.elapsed();
    assert_eq!(b["count"], SNAPSHOTS);
    assert_eq!(b["sources"].as_array().map(Vec::len), Some(20));
    println!(
        "parse + facts: {:.1} ms ({:.0} snapshots/s), body {} bytes",
        facts_time.as_secs_f64() * 1000.0,
        SNAPSHOTS as f64 / facts_time.as_secs_f64(),
        b.to_string().len()
    );

    // The whole path: import the output, then judge it.
    let dir = std::env::temp_dir().join(format!("assay-bench-backups-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("snapshots.json");
    std::fs::write(&file, &json).unwrap();
    let profile = dir.join("profile.yaml");
    std::fs::write(
        &profile,
        "name: b\nselect:\n  ids: [backup.recent, backup.encrypted, backup.restore-tested, backup.retention]\n",
    )
    .unwrap();
    let ev = dir.join("ev");
    let exe = env!("CARGO_BIN_EXE_assay");
    let started = Instant::now();
    let o = std::process::Command::new(exe)
        .args([
            "evidence",
            "import",
            "--from",
            "restic",
            "--asset",
            "bench-repo",
        ])
        .arg(&file)
        .arg("--into")
        .arg(&ev)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let import_time = started.elapsed();
    let o = std::process::Command::new(exe)
        .args(["check", "--format", "json", "--evidence"])
        .arg(&ev)
        .arg("--profile")
        .arg(&profile)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let total = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "assay evidence import --from restic: {:.1} ms; + assay check (4 backup controls): {:.1} ms total",
        import_time.as_secs_f64() * 1000.0,
        total.as_secs_f64() * 1000.0
    );
    println!("peak memory of this process (VmHWM): {}", peak_memory());
    println!(
        "peak memory of the largest assay child (import or check): {} kB",
        children_peak_kb()
    );
    if facts_time >= BUDGET || total >= BUDGET {
        eprintln!("FAIL: {SNAPSHOTS} snapshots took {facts_time:?} (facts) / {total:?} (import + check); the budget is 5 s");
        std::process::exit(1);
    }
}
