//! One control: a requirement, the evidence it needs, and the Rego rule that judges it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::frameworks::Framework;
use crate::severity::Severity;
use crate::timefmt::MaxAge;

/// Params are plain JSON values so that a policy sees exactly what the YAML said.
pub type Params = serde_json::Map<String, serde_json::Value>;

/// A control as written in `controls/<area>.yaml`. Unknown fields are rejected so a
/// misspelt `max_age` cannot silently fall back to a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// Unique id, `<area>.<what-it-checks>`, e.g. `tls.min-protocol-1-2`.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// What is required and why.
    pub description: String,
    /// How much a failure matters.
    pub severity: Severity,
    /// Free-form tags used by profiles to select controls.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The evidence kinds this control needs (`tls.endpoint`, …).
    pub evidence: Vec<String>,
    /// The Rego rule that returns the findings, e.g. `data.assay.tls.min_protocol`.
    pub rule: String,
    /// Default params given to the rule as `input.params`.
    #[serde(default)]
    pub params: Params,
    /// How fresh evidence must be.
    pub max_age: MaxAge,
    /// A manual control is judged from a person's attestation; without one it is
    /// reported as `manual`, not as an error.
    #[serde(default)]
    pub manual: bool,
    /// Criteria this control supports, per framework.
    #[serde(default)]
    pub frameworks: BTreeMap<Framework, Vec<String>>,
    /// What to change or run to fix a failure.
    pub remediation: String,
    /// The sentences of security statements this control verifies.
    #[serde(default)]
    pub claims: Vec<String>,
    /// Where the control is defined (filled in by the loader).
    #[serde(skip_deserializing, default)]
    pub location: Location,
}

/// A place in a catalog file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Path relative to the catalog root, e.g. `controls/tls.yaml`.
    pub file: String,
    /// 1-based line of the control's `id:`.
    pub line: usize,
}

impl Control {
    /// The policy package and rule name, split from `data.<package>.<rule>`.
    pub fn rule_parts(&self) -> Option<(&str, &str)> {
        let path = self.rule.strip_prefix("data.")?;
        let (pkg, rule) = path.rsplit_once('.')?;
        (!pkg.is_empty() && !rule.is_empty()).then_some((pkg, rule))
    }

    /// The area a control belongs to: the part of its id before the first dot.
    pub fn area(&self) -> &str {
        self.id.split('.').next().unwrap_or(&self.id)
    }

    /// The criteria this control maps to in one framework.
    pub fn criteria(&self, fw: Framework) -> &[String] {
        self.frameworks.get(&fw).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The top level of a `controls/*.yaml` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ControlFile {
    pub controls: Vec<Control>,
}
