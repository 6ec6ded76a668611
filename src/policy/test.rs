//! `assay policy test`: runs the policies' own unit tests, like `opa test`.
//!
//! Every `test_*` rule in a `*_test.rego` file is evaluated; `true` passes, `false` or
//! undefined fails, and an evaluation error is reported with its message. With coverage
//! on, regorus records which lines of the policies the tests reached.

use std::path::Path;
use std::time::{Duration, Instant};

use regorus::{Engine, Value};

use super::scan::RegoFile;
use crate::catalog::{Diagnostic, Diagnostics};

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The rule evaluated to `true`.
    Pass,
    /// The rule was `false` or undefined.
    Fail,
    /// Evaluation raised an error.
    Error(String),
}

/// One test's result.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// Full rule path, `data.assay.tls_test.test_x`.
    pub name: String,
    /// The file and line of the test.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// How it ended.
    pub outcome: Outcome,
    /// How long it took.
    pub duration: Duration,
}

/// Line coverage of one policy file.
#[derive(Debug, Clone)]
pub struct FileCoverage {
    /// The file.
    pub file: String,
    /// Lines evaluated at least once.
    pub covered: usize,
    /// Lines that could have been evaluated.
    pub total: usize,
    /// The lines never reached.
    pub not_covered: Vec<u32>,
}

/// Everything a test run found.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// Per test, in file and line order.
    pub results: Vec<TestResult>,
    /// Per non-test file, when coverage was requested.
    pub coverage: Option<Vec<FileCoverage>>,
}

impl TestReport {
    /// Number of passing tests.
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Pass)
            .count()
    }

    /// Number of failing or erroring tests.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

/// Reads every `.rego` file under `dir`, recursively, sorted by path.
pub fn sources_from_dir(dir: &Path) -> Result<Vec<(String, String)>, Diagnostics> {
    let fail = |p: &Path, m: String| {
        Diagnostics(vec![Diagnostic {
            file: p.display().to_string(),
            line: None,
            field: None,
            message: m,
        }])
    };
    if !dir.is_dir() {
        return Err(fail(dir, "not found or not a folder".into()));
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| fail(&d, e.to_string()))?;
        for entry in entries {
            let path = entry.map_err(|e| fail(&d, e.to_string()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rego") {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| fail(&path, e.to_string()))?;
                out.push((path.display().to_string(), text));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Runs every test in `sources` (policies and their `_test.rego` files together).
/// `filter` keeps only tests whose full name contains it.
pub fn run(
    sources: &[(String, String)],
    coverage: bool,
    filter: Option<&str>,
) -> Result<TestReport, Diagnostics> {
    let mut engine = Engine::new();
    let mut diags = Vec::new();
    for (name, text) in sources {
        if let Err(e) = engine.add_policy(name.clone(), text.clone()) {
            diags.push(Diagnostic {
                file: name.clone(),
                line: None,
                field: None,
                message: format!("Rego does not parse:\n{e}"),
            });
        }
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    engine.set_enable_coverage(coverage);
    engine.set_gather_prints(true);
    let mut report = TestReport::default();
    for (name, text) in sources.iter().filter(|(n, _)| n.ends_with("_test.rego")) {
        let scanned = RegoFile::scan(text);
        let mut tests: Vec<(&str, usize)> = scanned.tests().collect();
        tests.sort_by_key(|t| t.1);
        for (rule, line) in tests {
            let full = format!("data.{}.{rule}", scanned.package);
            if filter.is_some_and(|f| !full.contains(f)) {
                continue;
            }
            let started = Instant::now();
            let outcome = match engine.eval_rule(full.clone()) {
                Ok(Value::Bool(true)) => Outcome::Pass,
                Ok(_) => Outcome::Fail,
                Err(e) => Outcome::Error(e.to_string()),
            };
            report.results.push(TestResult {
                name: full,
                file: name.clone(),
                line,
                outcome,
                duration: started.elapsed(),
            });
        }
    }
    if coverage {
        let cov = engine.get_coverage_report().map_err(|e| {
            Diagnostics(vec![Diagnostic {
                file: "coverage".into(),
                line: None,
                field: None,
                message: e.to_string(),
            }])
        })?;
        report.coverage = Some(
            cov.files
                .iter()
                .filter(|f| !f.path.ends_with("_test.rego"))
                .map(|f| FileCoverage {
                    file: f.path.clone(),
                    covered: f.covered.len(),
                    total: f.covered.len() + f.not_covered.len(),
                    not_covered: f.not_covered.iter().copied().collect(),
                })
                .collect(),
        );
    }
    Ok(report)
}
