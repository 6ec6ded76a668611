//! The inventory: what a company wants assay to look at (`examples/coloom/inventory.yaml`).
//! Each collector reads only its own section, so the file can grow with the collectors.

use std::path::Path;

/// The list of strings at `path` (e.g. `["tls", "endpoints"]`) in an inventory file. A
/// missing section, or anything but a list of strings there, is an error naming the file
/// and the field — a typo must not quietly probe nothing.
pub fn list(file: &Path, path: &[&str]) -> Result<Vec<String>, String> {
    let shown = file.display();
    let doc = read(file)?;
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

/// The port list at `path` as a port spec for `--ports`: a list of port numbers, or a
/// spec string (`1-1024`, `top100`). `None` when the field is absent, so the caller's
/// default applies; anything else there is an error naming the file and field.
pub fn port_spec(file: &Path, path: &[&str]) -> Result<Option<String>, String> {
    let shown = file.display();
    let doc = read(file)?;
    let field = path.join(".");
    let Some(node) = path.iter().try_fold(&doc, |n, key| n.get(*key)) else {
        return Ok(None);
    };
    if let Some(spec) = node.as_str() {
        return Ok(Some(spec.to_string()));
    }
    let items = node
        .as_sequence()
        .ok_or_else(|| format!("{shown}: {field}: expected a list of ports or a port spec"))?;
    let ports = items
        .iter()
        .enumerate()
        .map(|(i, v)| match v.as_u64() {
            Some(p @ 1..=65535) => Ok(p.to_string()),
            _ => Err(format!(
                "{shown}: {field}[{i}]: expected a port number 1-65535"
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(ports.join(",")))
}

/// The list at `path` (e.g. `["databases", "clusters"]`) of an inventory file, for
/// collectors whose entries are mappings. Missing, or not a list, is an error naming the
/// file and the field; `what` says what the list holds ("repositories").
pub fn section(
    file: &Path,
    path: &[&str],
    what: &str,
) -> Result<Vec<serde_yaml_ng::Value>, String> {
    let (node, wrong) = node_at(file, path, &format!("a list of {what}"))?;
    node.as_sequence().cloned().ok_or(wrong)
}

/// The mapping at `path` (e.g. `["residency"]`) of an inventory file, for collectors whose
/// section names its inputs. Missing, or not a mapping, is an error naming the file and
/// the field; `what` says what the mapping holds ("residency inputs").
pub fn mapping(file: &Path, path: &[&str], what: &str) -> Result<serde_yaml_ng::Mapping, String> {
    let (node, wrong) = node_at(file, path, &format!("a mapping of {what}"))?;
    node.as_mapping().cloned().ok_or(wrong)
}

/// The node at `path` of an inventory file, and the message for when it is not the
/// `expected` shape; a missing node is that message's "missing" form.
fn node_at(
    file: &Path,
    path: &[&str],
    expected: &str,
) -> Result<(serde_yaml_ng::Value, String), String> {
    let shown = file.display();
    let doc = read(file)?;
    let field = path.join(".");
    let node = path
        .iter()
        .try_fold(&doc, |n, key| n.get(*key))
        .cloned()
        .ok_or_else(|| format!("{shown}: {field}: missing (expected {expected})"))?;
    Ok((node, format!("{shown}: {field}: expected {expected}")))
}

fn read(file: &Path) -> Result<serde_yaml_ng::Value, String> {
    let shown = file.display();
    let text = std::fs::read_to_string(file).map_err(|e| format!("{shown}: {e}"))?;
    serde_yaml_ng::from_str(&text).map_err(|e| format!("{shown}: {e}"))
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
        let spec = super::port_spec(&example, &["ports", "vantage_internet", "ports"]).unwrap();
        assert!(spec.unwrap().starts_with("21,22,23,80,"));
        assert_eq!(
            super::port_spec(&example, &["ports", "vantage_internal", "ports"]).unwrap(),
            None
        );
        assert!(super::port_spec(&example, &["company"])
            .unwrap_err()
            .contains("company: expected a list of ports"));
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("inv.yaml");
        std::fs::write(
            &bad,
            "ports:\n  vantage_internet:\n    ports: [80, 70000]\n",
        )
        .unwrap();
        assert!(
            super::port_spec(&bad, &["ports", "vantage_internet", "ports"])
                .unwrap_err()
                .contains("ports.vantage_internet.ports[1]: expected a port number")
        );
    }
}
