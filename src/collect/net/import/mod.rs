//! Importers for network evidence: firewall rule sets in one normalised model
//! (`net.firewall`) and nmap scans (`net.ports`). See `docs/evidence.md` for both bodies.
//!
//! Every importer turns one tool output into documents and fails with the JSON path or
//! XML element that was wrong; nothing is guessed. A rule the model cannot express
//! (e.g. an unknown match) is an error, never silently dropped: a dropped allow rule
//! would hide exposure.

pub mod aws;
pub mod azure;
pub mod gcp;
pub mod iptables;
pub mod kubernetes;
pub mod nftables;
pub mod nmap;

/// One document an importer produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The evidence kind (`net.firewall` or `net.ports`).
    pub kind: &'static str,
    /// The subject (the asset or the scanned address).
    pub subject: String,
    /// The body, in the kind's schema.
    pub body: serde_json::Value,
    /// The tool that produced the input (`nftables`, `nmap`, `aws-cli`, …): the evidence
    /// source is `import:<tool>`.
    pub tool: &'static str,
    /// The tool's version, when the input says.
    pub version: Option<String>,
    /// When the input was produced, when it says (RFC 3339).
    pub collected_at: Option<String>,
}

/// Why an input could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct ImportError {
    /// Where in the input: a JSON path (`SecurityGroups[2].IpPermissions[0].FromPort`),
    /// an XML element, or a line number (`line 14`).
    pub at: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl ImportError {
    /// An error at `at`.
    pub fn new(at: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError {
            at: at.into(),
            message: message.into(),
        }
    }
}
