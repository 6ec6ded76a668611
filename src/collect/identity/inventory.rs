//! The inventory's `identity:` list: one entry per identity provider organisation.
//!
//! ```yaml
//! identity:
//!   - provider: github
//!     org: coloom
//!     token_env: GITHUB_TOKEN      # optional: the variable that holds the token
//!     base_url: https://ghe.example/api/v3   # optional
//!   - provider: google
//!     org: coloom.example
//!     credentials_env: GOOGLE_APPLICATION_CREDENTIALS   # optional, Google only
//! ```
//! Any other key is an error naming the file and the field: a key assay would ignore
//! (a typo, or a setting it does not support) must not look as if it were in force.

use std::path::Path;

/// The keys an entry may have.
const KEYS: [&str; 5] = [
    "provider",
    "org",
    "base_url",
    "token_env",
    "credentials_env",
];

/// The variable the Google collector reads the service account key file's path from.
const GOOGLE_CREDENTIALS: &str = "GOOGLE_APPLICATION_CREDENTIALS";

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
    /// `credentials_env` (Google only), if given: the variable holding the path of a
    /// service account key file. The collector reads `GOOGLE_APPLICATION_CREDENTIALS`,
    /// so that is the only name accepted.
    pub credentials_env: Option<String>,
}

/// The entries of the `identity` list of an inventory file. A missing list, an entry
/// without a `provider` string, a key that is not one of [`KEYS`] or a value of the wrong
/// type is an error naming the file and the field.
pub fn entries(file: &Path) -> Result<Vec<Entry>, String> {
    let shown = file.display();
    let list = crate::collect::inventory::section(file, &["identity"], "providers")?;
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let field = format!("identity[{i}]");
        let map = item
            .as_mapping()
            .ok_or_else(|| format!("{shown}: {field}: expected a mapping with provider and org"))?;
        for key in map.keys() {
            let name = key.as_str().unwrap_or("?");
            if !KEYS.contains(&name) {
                return Err(format!(
                    "{shown}: {field}.{name}: unknown key (expected {})",
                    KEYS.join(", ")
                ));
            }
        }
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
        let credentials_env = text("credentials_env")?;
        if let Some(name) = &credentials_env {
            if !provider.eq_ignore_ascii_case("google") {
                return Err(format!(
                    "{shown}: {field}.credentials_env: only the google provider reads a credentials file; {provider} takes its token from token_env"
                ));
            }
            if name != GOOGLE_CREDENTIALS {
                return Err(format!(
                    "{shown}: {field}.credentials_env: '{name}': the Google collector reads the service account key file's path from {GOOGLE_CREDENTIALS} only; export that variable (with GOOGLE_ADMIN_SUBJECT) and name it here, or leave the key out"
                ));
            }
        }
        out.push(Entry {
            provider,
            org: text("org")?,
            base_url: text("base_url")?,
            token_env: text("token_env")?,
            credentials_env,
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
        // The error for an inventory holding `text`.
        let error = |text: &str| {
            std::fs::write(&bad, text).unwrap();
            super::entries(&bad).unwrap_err()
        };
        let e = error("identity:\n  - org: x\n");
        assert!(e.contains("identity[0].provider: missing"), "{e}");
        let e = error("identity:\n  - provider: github\n    org: [1]\n");
        assert!(e.contains("identity[0].org: expected a string"), "{e}");
        // A key assay would ignore is an error, never silently dropped.
        let e = error("identity:\n  - provider: github\n    orgs: coloom\n");
        assert!(e.contains("inv.yaml: identity[0].orgs: unknown key"), "{e}");
        // credentials_env: Google's, and only the variable its collector reads.
        assert_eq!(
            es[1].credentials_env.as_deref(),
            Some("GOOGLE_APPLICATION_CREDENTIALS")
        );
        let e = error("identity:\n  - provider: google\n    credentials_env: MY_KEY_FILE\n");
        assert!(
            e.contains("identity[0].credentials_env: 'MY_KEY_FILE'"),
            "{e}"
        );
        let e = error(
            "identity:\n  - provider: github\n    credentials_env: GOOGLE_APPLICATION_CREDENTIALS\n",
        );
        assert!(
            e.contains("identity[0].credentials_env: only the google provider"),
            "{e}"
        );
    }
}
