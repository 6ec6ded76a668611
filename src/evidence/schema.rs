//! The JSON Schema of each evidence kind's body (`schemas/evidence/<kind>.schema.json`).
//!
//! The set of kinds is data, not code: a kind exists when the catalog ships its schema.
//! Import refuses a body that does not match its kind's schema, naming the field.

use std::collections::BTreeMap;

use crate::bundle::Bundle;
use crate::catalog::{Diagnostic, Diagnostics};

/// Compiled body schemas by kind.
pub struct KindRegistry {
    validators: BTreeMap<String, jsonschema::Validator>,
}

impl std::fmt::Debug for KindRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KindRegistry")
            .field("kinds", &self.validators.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl KindRegistry {
    /// Compiles every `schemas/evidence/<kind>.schema.json` of the bundle (the envelope
    /// schema is documentation for users and is skipped).
    pub fn from_bundle(bundle: &Bundle) -> Result<KindRegistry, Diagnostics> {
        let mut validators = BTreeMap::new();
        let mut diags = Vec::new();
        for (rel, text) in bundle.files("schemas/evidence/", "json") {
            let Some(kind) = rel
                .strip_prefix("schemas/evidence/")
                .and_then(|n| n.strip_suffix(".schema.json"))
            else {
                continue;
            };
            if kind == "envelope" {
                continue;
            }
            let diag = |m: String| Diagnostic {
                file: bundle.display_path(rel),
                line: None,
                field: None,
                message: m,
            };
            let schema: serde_json::Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    diags.push(Diagnostic {
                        line: Some(e.line()),
                        ..diag(format!("not valid JSON: {e}"))
                    });
                    continue;
                }
            };
            match jsonschema::validator_for(&schema) {
                Ok(v) => {
                    validators.insert(kind.to_string(), v);
                }
                Err(e) => diags.push(diag(format!("not a valid JSON Schema: {e}"))),
            }
        }
        if !diags.is_empty() {
            return Err(Diagnostics(diags));
        }
        Ok(KindRegistry { validators })
    }

    /// Whether the kind has a schema.
    pub fn knows(&self, kind: &str) -> bool {
        self.validators.contains_key(kind)
    }

    /// The known kinds, sorted.
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.validators.keys().map(String::as_str)
    }

    /// Validates a body against its kind's schema. Each problem is `(JSON pointer into
    /// the body, message)`; at most ten are returned.
    pub fn validate(
        &self,
        kind: &str,
        body: &serde_json::Value,
    ) -> Result<(), Vec<(String, String)>> {
        let Some(v) = self.validators.get(kind) else {
            let known: Vec<&str> = self.kinds().collect();
            return Err(vec![(
                "/kind".into(),
                format!(
                    "unknown evidence kind '{kind}' (known: {})",
                    known.join(", ")
                ),
            )]);
        };
        let errors: Vec<(String, String)> = v
            .iter_errors(body)
            .take(10)
            .map(|e| (format!("/body{}", e.instance_path()), e.to_string()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
