//! The inventory's `backups` list: `{repository, tool, stanza?, password_env?, location?}`
//! per repository (examples/coloom/inventory.yaml).

use std::path::Path;

use serde_json::Value;

use super::Tool;

/// One entry of `backups`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `backups[i]`, for messages.
    pub field: String,
    /// The tool.
    pub tool: Tool,
    /// What the tool is asked about: the repository (restic, borg) or the stanza.
    pub target: String,
    /// The environment variable holding the password, when not the tool's own.
    pub password_env: Option<String>,
    /// `{country, region}` to record as the repository's location.
    pub location: Option<Value>,
}

/// The entries of the `backups` list; anything malformed is an error naming the file and
/// the field.
pub fn entries(file: &Path) -> Result<Vec<Entry>, String> {
    let shown = file.display();
    let list = crate::collect::inventory::section(file, &["backups"], "repositories")?;
    let mut out = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let field = format!("backups[{i}]");
        let s = |k: &str| -> Result<Option<String>, String> {
            match e.get(k) {
                None | Some(serde_yaml_ng::Value::Null) => Ok(None),
                Some(v) => v
                    .as_str()
                    .map(|x| Some(x.to_string()))
                    .ok_or_else(|| format!("{shown}: {field}.{k}: expected a string")),
            }
        };
        let tool = match s("tool")?.as_deref() {
            Some("restic") => Tool::Restic,
            Some("borg") => Tool::Borg,
            Some("pgbackrest") => Tool::Pgbackrest,
            Some(t) => {
                return Err(format!(
                    "{shown}: {field}.tool: unknown tool '{t}' (expected restic, borg or pgbackrest; import aws-backup output with `assay evidence import --from aws-backup`)"
                ))
            }
            None => return Err(format!("{shown}: {field}.tool: missing")),
        };
        let target = if tool == Tool::Pgbackrest {
            s("stanza")?.ok_or_else(|| {
                format!("{shown}: {field}.stanza: missing (pgbackrest entries name their stanza)")
            })?
        } else {
            s("repository")?.ok_or_else(|| format!("{shown}: {field}.repository: missing"))?
        };
        let location = match e.get("location") {
            None | Some(serde_yaml_ng::Value::Null) => None,
            Some(v) => {
                let j: Value = serde_json::to_value(v)
                    .map_err(|err| format!("{shown}: {field}.location: {err}"))?;
                let ok = j
                    .get("country")
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()));
                if !ok {
                    return Err(format!("{shown}: {field}.location.country: expected an ISO 3166-1 alpha-2 code such as DE"));
                }
                Some(j)
            }
        };
        let password_env = s("password_env")?;
        out.push(Entry {
            field,
            tool,
            target,
            password_env,
            location,
        });
    }
    Ok(out)
}
