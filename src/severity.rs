//! How much a control matters, and the threshold at which a CI gate fails.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A control's severity, ordered from least to most important.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, least important first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name used in YAML, JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                format!("unknown severity '{s}' (expected info, low, medium, high or critical)")
            })
    }
}

/// The `--fail-on` threshold: a failed or errored control at or above it fails the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Gate on controls of this severity or higher.
    AtLeast(Severity),
    /// Never gate on control results (the run-level rules still apply).
    Never,
}

impl FailOn {
    /// Whether a control of severity `s` counts for the gate.
    pub fn gates(self, s: Severity) -> bool {
        match self {
            FailOn::AtLeast(min) => s >= min,
            FailOn::Never => false,
        }
    }
}

impl FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "none" {
            return Ok(FailOn::Never);
        }
        s.parse::<Severity>().map(FailOn::AtLeast).map_err(|_| {
            format!("unknown severity '{s}' (expected info, low, medium, high, critical or none)")
        })
    }
}
