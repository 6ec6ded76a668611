//! SARIF 2.1.0, as GitHub code scanning and other SARIF consumers accept it.
//!
//! Each control is a rule (with help text, tags and a `security-severity`); each failing,
//! erroring or waived subject is a result located at the control's definition in the
//! catalog, with the subject as a logical location. Waived results carry an accepted
//! external suppression, so they show as dismissed rather than disappear. Passing
//! subjects are left out to keep uploads small; the JSON result has them all.

use serde_json::{json, Value};

use super::RenderError;
use crate::check::result::{RunResult, Status};
use crate::evidence::bytes_hash;
use crate::severity::Severity;

/// The SARIF schema URI written into every log.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Renders the SARIF log.
pub fn render(result: &RunResult) -> Result<String, RenderError> {
    let rules: Vec<Value> = result
        .controls
        .iter()
        .map(|c| {
            let mut tags = vec!["security".to_string(), "compliance".to_string()];
            tags.extend(c.tags.iter().cloned());
            for (fw, ids) in &c.frameworks {
                tags.extend(ids.iter().map(|i| format!("{}/{i}", fw.key())));
            }
            json!({
                "id": c.id,
                "name": rule_name(&c.id),
                "shortDescription": { "text": c.title },
                "fullDescription": { "text": c.description },
                "help": {
                    "text": c.remediation,
                    "markdown": format!("**{}**\n\n{}\n\n**Remediation**\n\n{}", c.title, c.description, c.remediation),
                },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": {
                    "tags": tags,
                    "precision": "high",
                    "security-severity": security_severity(c.severity),
                    "problem.severity": level(c.severity),
                },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (index, c) in result.controls.iter().enumerate() {
        for f in &c.findings {
            if !matches!(f.status, Status::Fail | Status::Error | Status::Waived) {
                continue;
            }
            let original = f
                .waiver
                .as_ref()
                .map(|w| w.original_status)
                .unwrap_or(f.status);
            let text = match original {
                Status::Error => format!("{}: could not be judged: {}", f.subject, f.message),
                _ => format!("{}: {}", f.subject, f.message),
            };
            let mut r = json!({
                "ruleId": c.id,
                "ruleIndex": index,
                "kind": "fail",
                "level": level(c.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": c.source.file },
                        "region": { "startLine": c.source.line.max(1) },
                    },
                    "logicalLocations": [{ "name": f.subject, "kind": "resource" }],
                }],
                "partialFingerprints": {
                    "assaySubject/v1": bytes_hash(format!("{}\u{0}{}\u{0}{}", c.id, f.subject, original).as_bytes()),
                },
                "properties": {
                    "subject": f.subject,
                    "status": original.as_str(),
                    "severity": c.severity.as_str(),
                },
            });
            if let Some(e) = &f.evidence {
                r["properties"]["evidence"] = json!(e);
            }
            if let Some(w) = &f.waiver {
                r["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} (owner {}, expires {}{})", w.reason, w.owner, w.expires,
                        w.ticket.as_ref().map(|t| format!(", {t}")).unwrap_or_default()),
                }]);
            }
            results.push(r);
        }
    }
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "assay",
                    "version": result.tool.version,
                    "semanticVersion": result.tool.version,
                    "informationUri": "https://assay.dev",
                    "rules": rules,
                }
            },
            "automationDetails": { "id": format!("assay/{}/", result.profile.as_deref().unwrap_or("default")) },
            "invocations": [{
                "executionSuccessful": true,
                "endTimeUtc": result.evaluated_at,
            }],
            "results": results,
            "properties": {
                "catalogSha256": result.catalog.sha256,
                "evidenceManifestSha256": result.evidence.manifest_sha256,
            },
        }],
    });
    serde_json::to_string_pretty(&log)
        .map(|s| s + "\n")
        .map_err(|e| RenderError::Serialize(e.to_string()))
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub ranks security alerts by this CVSS-like number.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// `tls.min-protocol-1-2` → `TlsMinProtocol12`, the PascalCase rule name SARIF suggests.
fn rule_name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
