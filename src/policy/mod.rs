//! The Rego policies: compiled once with regorus, evaluated per control, and tested.
//!
//! Policies are judges, not collectors: they never touch the network. Each control's
//! rule returns a set of findings (see `docs/evidence.md`); [`PolicySet::eval_findings`]
//! turns that set into typed [`RawFinding`]s and rejects anything malformed, so a policy
//! bug surfaces as an `error` result instead of a quiet pass.

pub mod scan;
pub mod test;

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};

use crate::bundle::Bundle;
use crate::catalog::{Diagnostic, Diagnostics};
use scan::RegoFile;

/// The longest one control's rule may run before it is stopped and reported as an error.
/// Generous, because a real estate may have tens of thousands of subjects.
pub const EVAL_TIME_LIMIT: Duration = Duration::from_secs(300);

/// The compiled policies of a bundle, without their tests.
#[derive(Clone)]
pub struct PolicySet {
    engine: Engine,
    /// Scanned sources by package; several files may share a package.
    packages: BTreeMap<String, Vec<(String, RegoFile)>>,
}

/// The status a policy gave one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RawStatus {
    /// The subject meets the control.
    Pass,
    /// The subject violates the control.
    Fail,
    /// The evidence lacks a fact the control needs.
    Error,
    /// Nothing is in scope for this control.
    NotApplicable,
}

/// One finding as a policy returned it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawFinding {
    /// What the finding is about.
    pub subject: String,
    /// The verdict.
    pub status: RawStatus,
    /// What a person should know or do.
    pub message: String,
}

impl PolicySet {
    /// Parses every non-test `.rego` file of the bundle's `policies/`. Syntax errors name
    /// the file, line and column.
    pub fn compile(bundle: &Bundle) -> Result<PolicySet, Diagnostics> {
        let mut engine = Engine::new();
        // A builtin that fails (bad time string, bad regex) must be an error, not an
        // undefined value that would quietly drop a violation.
        engine.set_strict_builtin_errors(true);
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: EVAL_TIME_LIMIT,
            check_interval: NonZeroU32::new(1000).unwrap_or(NonZeroU32::MIN),
        });
        let mut packages: BTreeMap<String, Vec<(String, RegoFile)>> = BTreeMap::new();
        let mut diags = Vec::new();
        for (rel, text) in bundle.files("policies/", "rego") {
            if rel.ends_with("_test.rego") {
                continue;
            }
            let shown = bundle.display_path(rel);
            if let Err(e) = engine.add_policy(source_name(bundle, rel), text.to_string()) {
                diags.push(Diagnostic {
                    file: shown,
                    line: None,
                    field: None,
                    message: format!("Rego does not parse:\n{e}"),
                });
                continue;
            }
            let scanned = RegoFile::scan(text);
            packages
                .entry(scanned.package.clone())
                .or_default()
                .push((rel.to_string(), scanned));
        }
        if !diags.is_empty() {
            return Err(Diagnostics(diags));
        }
        Ok(PolicySet { engine, packages })
    }

    /// The scanned files of a package.
    pub fn package(&self, package: &str) -> Option<&[(String, RegoFile)]> {
        self.packages.get(package).map(Vec::as_slice)
    }

    /// Where `package.rule` is defined: the file and line, if it is.
    pub fn rule_location(&self, package: &str, rule: &str) -> Option<(&str, usize)> {
        self.package(package)?.iter().find_map(|(rel, f)| {
            f.blocks
                .get(rule)
                .and_then(|b| b.first())
                .map(|b| (rel.as_str(), b.line))
        })
    }

    /// The params a rule reads, or `None` if the rule is not defined.
    pub fn params_read(
        &self,
        package: &str,
        rule: &str,
    ) -> Option<std::collections::BTreeSet<String>> {
        self.package(package)?
            .iter()
            .find_map(|(_, f)| f.params_read_by(rule))
    }

    /// A fresh engine with every policy loaded, for one worker thread to evaluate with.
    pub fn engine(&self) -> Engine {
        self.engine.clone()
    }

    /// Evaluates `rule` with `input` and returns its findings, sorted. Any Rego error, a
    /// value that is not a set or list of findings, or a malformed finding is an `Err`
    /// with a message for the report.
    pub fn eval_findings(
        engine: &mut Engine,
        rule: &str,
        input: Value,
    ) -> Result<Vec<RawFinding>, String> {
        engine.set_input(input);
        let value = engine
            .eval_rule(rule.to_string())
            .map_err(|e| format!("policy error in {rule}: {e}"))?;
        let items: Vec<&Value> = match &value {
            Value::Undefined => Vec::new(),
            Value::Set(s) => s.iter().collect(),
            Value::Array(a) => a.iter().collect(),
            other => {
                return Err(format!(
                    "{rule} returned {}, expected a set of findings",
                    short(other)
                ))
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(parse_finding(item).map_err(|e| {
                format!("{rule} returned a malformed finding {}: {e}", short(item))
            })?);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// The name regorus reports in messages: the real path for a catalog on disk, the
/// relative path for the built-in one.
fn source_name(bundle: &Bundle, rel: &str) -> String {
    match bundle.origin() {
        crate::bundle::Origin::Dir(d) => d.join(rel).display().to_string(),
        crate::bundle::Origin::BuiltIn => rel.to_string(),
    }
}

fn parse_finding(v: &Value) -> Result<RawFinding, String> {
    let obj = v
        .as_object()
        .map_err(|_| "expected an object".to_string())?;
    let get = |k: &str| -> Result<String, String> {
        let val = obj
            .get(&Value::from(k))
            .ok_or_else(|| format!("missing '{k}'"))?;
        val.as_string()
            .map(|s| s.to_string())
            .map_err(|_| format!("'{k}' must be a string"))
    };
    let subject = get("subject")?;
    if subject.is_empty() {
        return Err("'subject' is empty".into());
    }
    let status = match get("status")?.as_str() {
        "pass" => RawStatus::Pass,
        "fail" => RawStatus::Fail,
        "error" => RawStatus::Error,
        "not_applicable" => RawStatus::NotApplicable,
        other => {
            return Err(format!(
                "unknown status '{other}' (expected pass, fail, error or not_applicable)"
            ))
        }
    };
    Ok(RawFinding {
        subject,
        status,
        message: get("message")?,
    })
}

fn short(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "?".into());
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}
