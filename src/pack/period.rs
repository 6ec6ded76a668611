//! Retention: the packs of an audit period as one index, with each control's history.
//!
//! Every pack given (a pack folder, a `.tar.gz`, or a folder of them) is verified in
//! full first. A pack that fails verification is listed with its problems and left out:
//! it is never counted, and it makes the index fail (exit 1), because an auditor must
//! look at it. The sound ones are placed by their run time, the instant the results were
//! evaluated at (`evaluated_at`, the `--now` of the run), and those inside the period are
//! counted: per control the runs, how many passed, failed or errored, the pass ratio, and
//! the first and last status. The same pack given twice (a folder and its tarball) counts
//! once.
//!
//! A period is `FROM..TO`, both inclusive. Each end is an RFC 3339 instant or a date; a
//! date means the whole day in UTC (`2026-01-01..2026-12-31` is the calendar year 2026).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::verify::{verify, Problem, SignatureCheck};
use super::PackError;
use crate::check::result::Status;
use crate::severity::Severity;
use crate::timefmt::{format_instant, parse_instant};

/// The index format version.
pub const INDEX_SCHEMA: &str = "assay.pack-index/v1";

/// An audit period: `from` inclusive, `until` exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The first instant in the period.
    pub from: DateTime<Utc>,
    /// The first instant after it.
    pub until: DateTime<Utc>,
    /// As the user wrote it.
    pub text: String,
}

impl Period {
    /// Whether `t` falls in the period.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.until
    }
}

fn bound(s: &str, end: bool) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let d = if end {
            d.succ_opt()
                .ok_or_else(|| format!("'{s}': no day after it"))?
        } else {
            d
        };
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    let t = parse_instant(s).map_err(|e| format!("{e}; or a date such as 2026-01-01"))?;
    Ok(if end { t + Duration::nanoseconds(1) } else { t })
}

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, b) = s.split_once("..").ok_or_else(|| {
            format!("'{s}' is not a period: expected FROM..TO, e.g. 2026-01-01..2026-12-31")
        })?;
        let from = bound(a.trim(), false)?;
        let until = bound(b.trim(), true)?;
        if from >= until {
            return Err(format!("'{s}': FROM is after TO"));
        }
        Ok(Period {
            from,
            until,
            text: s.to_string(),
        })
    }
}

/// How to print the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IndexFormat {
    /// A table for the terminal.
    Table,
    /// The index as JSON (`assay.pack-index/v1`).
    Json,
    /// Markdown for an audit file.
    Markdown,
}

/// What became of one pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PackState {
    /// Sound, and run inside the period: counted.
    Included,
    /// Sound, but run outside the period.
    OutsidePeriod,
    /// Failed verification: listed, never counted.
    FailedVerification,
    /// The same pack as one listed before (e.g. a folder and its tarball).
    Duplicate,
}

/// One pack in the index.
#[derive(Debug, Clone, Serialize)]
pub struct PackRow {
    /// The folder or tarball.
    pub pack: String,
    /// Its fate.
    pub state: PackState,
    /// When its run was evaluated.
    pub evaluated_at: Option<String>,
    /// Controls per status in its results.
    pub summary: BTreeMap<Status, usize>,
    /// Why it failed verification, or which pack it duplicates.
    pub problems: Vec<Problem>,
}

/// One run of one control.
#[derive(Debug, Clone, Serialize)]
pub struct RunStatus {
    /// When the run was evaluated.
    pub evaluated_at: String,
    /// The control's status in that run.
    pub status: Status,
    /// The pack.
    pub pack: String,
}

/// A control over the period.
#[derive(Debug, Clone, Serialize)]
pub struct ControlHistory {
    /// Control id.
    pub id: String,
    /// Title (from the latest run).
    pub title: String,
    /// Severity (from the latest run).
    pub severity: Severity,
    /// Runs that judged it.
    pub runs: usize,
    /// Runs per status.
    pub counts: BTreeMap<Status, usize>,
    /// Passed runs / runs.
    pub pass_ratio: f64,
    /// Status in the first run of the period.
    pub first: Status,
    /// Status in the last run.
    pub last: Status,
    /// Every run, oldest first.
    pub history: Vec<RunStatus>,
}

impl ControlHistory {
    fn count(&self, s: Status) -> usize {
        self.counts.get(&s).copied().unwrap_or(0)
    }
}

/// The index of an audit period.
#[derive(Debug, Clone, Serialize)]
pub struct Index {
    /// Always [`INDEX_SCHEMA`].
    pub schema: String,
    /// The period as given.
    pub period: String,
    /// Its first instant.
    pub from: String,
    /// Its last instant (inclusive, to the second).
    pub to: String,
    /// How signatures were checked.
    pub signatures: String,
    /// Every pack given, oldest run first; failed ones last.
    pub packs: Vec<PackRow>,
    /// Per control, by id.
    pub controls: Vec<ControlHistory>,
}

impl Index {
    fn count(&self, s: PackState) -> usize {
        self.packs.iter().filter(|p| p.state == s).count()
    }

    /// Whether the index can be relied on: at least one pack counted, none failed.
    pub fn ok(&self) -> bool {
        self.count(PackState::Included) > 0 && self.count(PackState::FailedVerification) == 0
    }

    /// Why it cannot, one line each.
    pub fn reasons(&self) -> Vec<String> {
        let mut r = Vec::new();
        if self.count(PackState::Included) == 0 {
            r.push(format!(
                "no sound pack was run in the period {}",
                self.period
            ));
        }
        let failed = self.count(PackState::FailedVerification);
        if failed > 0 {
            r.push(format!(
                "{failed} pack(s) failed verification and were not counted"
            ));
        }
        r
    }
}

/// Packs to index: each path is a pack folder or tarball, or a folder of them (every
/// visible sub-folder and `.tar.gz`/`.tgz` in it is taken for a pack, so a damaged one
/// is reported rather than skipped).
fn resolve(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PackError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(PackError::io(p))?;
        if meta.is_file()
            || p.join(super::manifest::MANIFEST).exists()
            || p.join(super::PACK_JSON).exists()
        {
            out.push(p.clone());
            continue;
        }
        let mut children: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(PackError::io(p))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|c| {
                let name = c.file_name().and_then(|n| n.to_str()).unwrap_or("");
                !name.starts_with('.') && (c.is_dir() || is_tarball_name(c))
            })
            .collect();
        children.sort();
        if children.is_empty() {
            return Err(PackError::Usage(format!(
                "{}: neither a pack nor a folder holding packs",
                p.display()
            )));
        }
        out.extend(children);
    }
    Ok(out)
}

/// Verifies every pack and builds the index of `period`.
pub fn build(
    period: &Period,
    paths: &[PathBuf],
    check: &SignatureCheck,
) -> Result<Index, PackError> {
    let packs = resolve(paths)?;
    let mut rows: Vec<(Option<DateTime<Utc>>, PackRow)> = Vec::new();
    let mut runs: Vec<(DateTime<Utc>, String, crate::check::result::RunResult)> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for path in &packs {
        let label = path.display().to_string();
        let report = match verify(path, check) {
            Ok(r) => r,
            Err(e) => {
                rows.push((
                    None,
                    PackRow {
                        pack: label.clone(),
                        state: PackState::FailedVerification,
                        evaluated_at: None,
                        summary: BTreeMap::new(),
                        problems: vec![Problem {
                            path: label,
                            message: e.to_string(),
                        }],
                    },
                ));
                continue;
            }
        };
        let evaluated = report.results.as_ref().and_then(|r| r.evaluated_instant());
        let summary = report
            .results
            .as_ref()
            .map(|r| r.summary.by_status.clone())
            .unwrap_or_default();
        let mut row = PackRow {
            pack: label.clone(),
            state: PackState::FailedVerification,
            evaluated_at: evaluated.as_ref().map(format_instant),
            summary,
            problems: Vec::new(),
        };
        match (report.ok(), evaluated, report.results) {
            (true, Some(t), Some(results)) => {
                let key = report.manifest_sha256.unwrap_or_default();
                if let Some(first) = seen.get(&key) {
                    row.state = PackState::Duplicate;
                    row.problems.push(Problem {
                        path: label,
                        message: format!("the same pack as {first}: counted once"),
                    });
                } else {
                    seen.insert(key, label.clone());
                    if period.contains(t) {
                        row.state = PackState::Included;
                        runs.push((t, label, results));
                    } else {
                        row.state = PackState::OutsidePeriod;
                    }
                }
            }
            (true, _, _) => row.problems.push(Problem {
                path: super::RESULTS_JSON.into(),
                message: "no evaluation time could be read".into(),
            }),
            (false, _, _) => {
                // Nothing read from a pack that failed is shown as if it were true.
                row.evaluated_at = None;
                row.summary.clear();
                row.problems = report.problems;
            }
        }
        rows.push((evaluated, row));
    }
    rows.sort_by(|a, b| {
        let failed = |r: &PackRow| r.state == PackState::FailedVerification;
        (failed(&a.1), a.0).cmp(&(failed(&b.1), b.0))
    });
    runs.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));

    let mut controls: BTreeMap<String, ControlHistory> = BTreeMap::new();
    for (t, pack, results) in &runs {
        for c in &results.controls {
            let h = controls
                .entry(c.id.clone())
                .or_insert_with(|| ControlHistory {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    severity: c.severity,
                    runs: 0,
                    counts: BTreeMap::new(),
                    pass_ratio: 0.0,
                    first: c.status,
                    last: c.status,
                    history: Vec::new(),
                });
            h.title = c.title.clone();
            h.severity = c.severity;
            h.runs += 1;
            *h.counts.entry(c.status).or_default() += 1;
            h.last = c.status;
            h.history.push(RunStatus {
                evaluated_at: format_instant(t),
                status: c.status,
                pack: pack.clone(),
            });
        }
    }
    for h in controls.values_mut() {
        h.pass_ratio = h.count(Status::Pass) as f64 / h.runs.max(1) as f64;
    }
    let signatures = match check {
        SignatureCheck::Key(k) => format!("signatures verified with key ID {}", k.id()),
        SignatureCheck::NoKey => "signatures NOT verified (no --key): every pack fails".into(),
        SignatureCheck::Skip => "signatures NOT checked (--no-signature): hashes only".into(),
    };
    Ok(Index {
        schema: INDEX_SCHEMA.into(),
        period: period.text.clone(),
        from: format_instant(&period.from),
        to: format_instant(&(period.until - Duration::seconds(1))),
        signatures,
        packs: rows.into_iter().map(|(_, r)| r).collect(),
        controls: controls.into_values().collect(),
    })
}

fn percent(r: f64) -> String {
    format!("{:.0}%", r * 100.0)
}

fn summary_text(s: &BTreeMap<Status, usize>) -> String {
    Status::ALL
        .iter()
        .filter_map(|st| s.get(st).map(|n| format!("{n} {st}")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn headline(ix: &Index) -> String {
    format!(
        "Audit period {} ({} .. {}): {} pack(s) counted, {} outside the period, {} failed verification, {} duplicate(s); {}",
        ix.period,
        ix.from,
        ix.to,
        ix.count(PackState::Included),
        ix.count(PackState::OutsidePeriod),
        ix.count(PackState::FailedVerification),
        ix.count(PackState::Duplicate),
        ix.signatures
    )
}

const HEADER: [&str; 9] = [
    "control", "runs", "pass", "fail", "error", "other", "passed", "first", "last",
];

fn control_row(h: &ControlHistory) -> [String; 9] {
    let (p, f, e) = (
        h.count(Status::Pass),
        h.count(Status::Fail),
        h.count(Status::Error),
    );
    [
        h.id.clone(),
        h.runs.to_string(),
        p.to_string(),
        f.to_string(),
        e.to_string(),
        (h.runs - p - f - e).to_string(),
        percent(h.pass_ratio),
        h.first.to_string(),
        h.last.to_string(),
    ]
}

fn pack_line(r: &PackRow) -> String {
    let state = match r.state {
        PackState::Included => "counted",
        PackState::OutsidePeriod => "outside",
        PackState::FailedVerification => "FAILED",
        PackState::Duplicate => "duplicate",
    };
    let mut s = format!(
        "{state:<9} {:<20} {}",
        r.evaluated_at.as_deref().unwrap_or("-"),
        r.pack
    );
    if !r.summary.is_empty() && r.state != PackState::FailedVerification {
        let _ = write!(s, " ({})", summary_text(&r.summary));
    }
    s
}

/// Renders the index.
pub fn render(ix: &Index, format: IndexFormat) -> Result<String, PackError> {
    match format {
        IndexFormat::Json => serde_json::to_string_pretty(ix)
            .map(|s| s + "\n")
            .map_err(|e| PackError::Usage(e.to_string())),
        IndexFormat::Table => {
            let mut out = headline(ix) + "\n\n";
            if !ix.controls.is_empty() {
                let mut b = Builder::default();
                b.push_record(HEADER);
                for h in &ix.controls {
                    b.push_record(control_row(h));
                }
                let mut t = b.build();
                t.with(Style::sharp());
                let _ = writeln!(out, "{t}\n");
            }
            let _ = writeln!(out, "Packs:");
            for r in &ix.packs {
                let _ = writeln!(out, "  {}", pack_line(r));
                for p in &r.problems {
                    let _ = writeln!(out, "      {}: {}", p.path, p.message);
                }
            }
            Ok(out)
        }
        IndexFormat::Markdown => {
            let mut out = format!("# Evidence packs: {}\n\n{}\n\n", ix.period, headline(ix));
            if !ix.controls.is_empty() {
                let _ = writeln!(out, "| {} |", HEADER.join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(HEADER.len()));
                for h in &ix.controls {
                    let row = control_row(h).map(|c| c.replace('|', "\\|"));
                    let _ = writeln!(out, "| {} |", row.join(" | "));
                }
                out.push('\n');
            }
            let _ = writeln!(out, "## Packs\n");
            for r in &ix.packs {
                let _ = writeln!(out, "- `{}`", pack_line(r).replace('`', "'"));
                for p in &r.problems {
                    let _ = writeln!(out, "  - {}: {}", p.path, p.message);
                }
            }
            Ok(out)
        }
    }
}

/// Whether `p` looks like a pack tarball by its name.
pub fn is_tarball_name(p: &Path) -> bool {
    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    n.ends_with(".tar.gz") || n.ends_with(".tgz")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let p: Period = "2026-01-01..2026-12-31".parse().unwrap();
        assert!(p.contains(parse_instant("2026-01-01T00:00:00Z").unwrap()));
        assert!(p.contains(parse_instant("2026-12-31T23:59:59Z").unwrap()));
        assert!(!p.contains(parse_instant("2027-01-01T00:00:00Z").unwrap()));
        assert!(!p.contains(parse_instant("2025-12-31T23:59:59Z").unwrap()));
        let q: Period = "2026-03-01T00:00:00+01:00..2026-03-01T12:00:00Z"
            .parse()
            .unwrap();
        assert!(q.contains(parse_instant("2026-02-28T23:00:00Z").unwrap()));
        assert!(q.contains(parse_instant("2026-03-01T12:00:00Z").unwrap()));
        assert!(!q.contains(parse_instant("2026-03-01T12:00:01Z").unwrap()));
        for bad in [
            "2026",
            "2026-01-01",
            "2026-12-31..2026-01-01",
            "x..y",
            "2026-13-01..2026-12-01",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
