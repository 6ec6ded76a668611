//! The inventory's `identity:` list: one entry per identity provider organisation.
//!
//! ```yaml
//! identity:
//!   - provider: github
//!     org: coloom
//!     token_env: GITHUB_TOKEN      # optional: the variable that holds the token
//!     base_url: https://ghe.example/api/v3   # optional
//! ```
//! Keys other than these are left to the provider's collector (e.g. `credentials_env`).

use std::path::Path;

/// One entry of the `identity` list.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Where it is in the file, e.g. `identity[2]`, for error messages.
    pub field: String,
    /// `provider`, as written.
    pub provider: String,
    /// `org`, if given.
    pub org: Option<String>,
    /// `base_url`, if given.
    pub base_url: Option<String>,
    /// `token_env`, if given: the name of an environment variable, never a token.
    pub token_env: Option<String>,
    /// The whole entry, for keys a collector reads itself.
    pub raw: serde_yaml_ng::Mapping,
}

/// The entries of the `identity` list of an inventory file. A missing list, or an entry
/// without a `provider` string, is an error naming the file and the field.
pub fn entries(file: &Path) -> Result<Vec<Entry>, String> {
    let shown = file.display();
    let text = std::fs::read_to_string(file).map_err(|e| format!("{shown}: {e}"))?;
    let doc: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).map_err(|e| format!("{shown}: {e}"))?;
    let list = doc
        .get("identity")
        .ok_or_else(|| format!("{shown}: identity: missing (expected a list of providers)"))?
        .as_sequence()
        .ok_or_else(|| format!("{shown}: identity: expected a list of providers"))?;
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let field = format!("identity[{i}]");
        let map = item
            .as_mapping()
            .ok_or_else(|| format!("{shown}: {field}: expected a mapping with provider and org"))?;
        let text = |key: &str| -> Result<Option<String>, String> {
            match map.get(key) {
                None | Some(serde_yaml_ng::Value::Null) => Ok(None),
                Some(v) => v
                    .as_str()
                    .map(|s| Some(s.to_string()))
                    .ok_or_else(|| format!("{shown}: {field}.{key}: expected a string")),
            }
        };
        let provider =
            text("provider")?.ok_or_else(|| format!("{shown}: {field}.provider: missing"))?;
        out.push(Entry {
            provider,
            org: text("org")?,
            base_url: text("base_url")?,
            token_env: text("token_env")?,
            raw: map.clone(),
            field,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_example_and_rejects_bad_shapes() {
        let example =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/coloom/inventory.yaml");
        let es = super::entries(&example).unwrap();
        assert_eq!(es[0].provider, "github");
        assert_eq!(es[0].org.as_deref(), Some("coloom"));
        assert_eq!(es[0].token_env.as_deref(), Some("GITHUB_TOKEN"));
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("inv.yaml");
        std::fs::write(&bad, "identity:\n  - org: x\n").unwrap();
        assert!(super::entries(&bad)
            .unwrap_err()
            .contains("identity[0].provider: missing"));
        std::fs::write(&bad, "identity:\n  - provider: github\n    org: [1]\n").unwrap();
        assert!(super::entries(&bad)
            .unwrap_err()
            .contains("identity[0].org: expected a string"));
    }
}
