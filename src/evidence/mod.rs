//! Evidence: one JSON document about one subject, of one kind.
//!
//! A document records what was measured (`body`), about what (`subject`), when
//! (`collected_at`), by what (`collector`, `source`), and a SHA-256 of its canonical body
//! so that any later edit is detectable. See `docs/evidence.md` for every kind's body.

pub mod schema;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The envelope version every document carries.
pub const SCHEMA: &str = "assay.evidence/v1";

/// The collector that produced a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collector {
    /// Its name, e.g. `assay-tls` or `testssl.sh`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// One evidence document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The evidence kind, e.g. `tls.endpoint`.
    pub kind: String,
    /// What the document is about, e.g. `app.example.com:443`.
    pub subject: String,
    /// When it was measured (RFC 3339 with offset; kept in UTC).
    #[serde(with = "crate::timefmt::rfc3339")]
    pub collected_at: DateTime<Utc>,
    /// What measured it.
    pub collector: Collector,
    /// `probe`, `manual` or `import:<tool>`.
    pub source: String,
    /// The kind-specific facts.
    pub body: serde_json::Value,
    /// SHA-256 of the canonical body; optional on import, always set in a folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl Document {
    /// A document measured just now by one of assay's own collectors (`source: probe`).
    pub fn probed(
        kind: &str,
        subject: String,
        collector: &str,
        body: serde_json::Value,
    ) -> Document {
        Document {
            schema: SCHEMA.to_string(),
            kind: kind.to_string(),
            subject,
            collected_at: Utc::now(),
            collector: Collector {
                name: collector.to_string(),
                version: crate::VERSION.to_string(),
            },
            source: "probe".to_string(),
            body,
            sha256: None,
        }
    }

    /// The hash this document's body has now.
    pub fn body_hash(&self) -> String {
        body_hash(&self.body)
    }

    /// The collection failure the collector recorded, if any (`body.error`).
    pub fn collection_error(&self) -> Option<&str> {
        self.body.get("error").and_then(|v| v.as_str())
    }

    /// Why the body holds only part of the data, if it does (`body.incomplete`).
    pub fn incomplete(&self) -> Option<&str> {
        self.body.get("incomplete").and_then(|v| v.as_str())
    }

    /// Checks the envelope fields serde cannot: schema version, source syntax, non-empty
    /// kind and subject, an object body. Returns the field and what was expected.
    pub fn check_envelope(&self) -> Result<(), (&'static str, String)> {
        if self.schema != SCHEMA {
            return Err((
                "schema",
                format!("'{}' is not supported (expected '{SCHEMA}')", self.schema),
            ));
        }
        if self.kind.is_empty() {
            return Err(("kind", "must not be empty".into()));
        }
        if self.subject.trim().is_empty() {
            return Err(("subject", "must not be empty".into()));
        }
        if !valid_source(&self.source) {
            return Err((
                "source",
                format!(
                    "'{}' is not one of probe, manual or import:<tool>",
                    self.source
                ),
            ));
        }
        if !self.body.is_object() {
            return Err(("body", "must be a JSON object".into()));
        }
        if let Some(h) = &self.sha256 {
            if h.len() != 64
                || !h
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            {
                return Err(("sha256", "must be 64 lowercase hex digits".into()));
            }
        }
        Ok(())
    }
}

fn valid_source(s: &str) -> bool {
    match s.strip_prefix("import:") {
        Some(tool) => {
            !tool.is_empty()
                && tool
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        }
        None => s == "probe" || s == "manual",
    }
}

/// The canonical form of a body: JSON with object keys sorted and no insignificant
/// whitespace. serde_json's `Value` keeps objects in a sorted map, so serialising it is
/// already canonical; this function is the one place that promise is relied on.
///
/// ```
/// let body = serde_json::json!({"port": 443, "host": "a.example"});
/// assert_eq!(assay::evidence::canonical(&body), r#"{"host":"a.example","port":443}"#);
/// ```
pub fn canonical(body: &serde_json::Value) -> String {
    serde_json::to_string(body).unwrap_or_default()
}

/// SHA-256 of the canonical body, as lowercase hex.
pub fn body_hash(body: &serde_json::Value) -> String {
    hex(&Sha256::digest(canonical(body).as_bytes()))
}

/// SHA-256 of raw bytes, as lowercase hex.
pub fn bytes_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The JSON type of a value as an error message names it ("expected an array, found a
/// string"), shared by every importer that reads another tool's JSON.
pub fn json_type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_sorts_keys_and_drops_whitespace() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{ "b": 1, "a": {"d": [1, 2], "c": null} }"#).unwrap();
        assert_eq!(canonical(&a), r#"{"a":{"c":null,"d":[1,2]},"b":1}"#);
        let b: serde_json::Value =
            serde_json::from_str(r#"{"a":{"d":[1,2],"c":null},"b":1}"#).unwrap();
        assert_eq!(body_hash(&a), body_hash(&b));
    }

    #[test]
    fn sources() {
        for ok in ["probe", "manual", "import:testssl", "import:aws-cli"] {
            assert!(valid_source(ok), "{ok}");
        }
        for bad in ["", "import:", "Import:x", "import:A", "scan"] {
            assert!(!valid_source(bad), "{bad}");
        }
    }
}
