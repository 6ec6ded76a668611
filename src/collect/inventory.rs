//! The inventory: what a company wants assay to look at (`examples/coloom/inventory.yaml`).
//! Each collector reads only its own section, so the file can grow with the collectors.

use std::path::Path;

/// The list of strings at `path` (e.g. `["tls", "endpoints"]`) in an inventory file. A
/// missing section, or anything but a list of strings there, is an error naming the file
/// and the field — a typo must not quietly probe nothing.
pub fn list(file: &Path, path: &[&str]) -> Result<Vec<String>, String> {
    let shown = file.display();
    let text = std::fs::read_to_string(file).map_err(|e| format!("{shown}: {e}"))?;
    let doc: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).map_err(|e| format!("{shown}: {e}"))?;
    let field = path.join(".");
    let mut node = &doc;
    for key in path {
        node = node
            .get(*key)
            .ok_or_else(|| format!("{shown}: {field}: missing (expected a list of targets)"))?;
    }
    let items = node
        .as_sequence()
        .ok_or_else(|| format!("{shown}: {field}: expected a list of targets"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{shown}: {field}[{i}]: expected a string"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_example_and_rejects_bad_shapes() {
        let example =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/coloom/inventory.yaml");
        let eps = super::list(&example, &["tls", "endpoints"]).unwrap();
        assert!(eps.contains(&"app.coloom.example:443".to_string()));
        assert!(super::list(&example, &["tls", "nope"])
            .unwrap_err()
            .contains("tls.nope: missing"));
        assert!(super::list(&example, &["company"])
            .unwrap_err()
            .contains("expected a list"));
    }
}
