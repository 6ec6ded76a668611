//! Profiles: which controls apply to an environment, and with which params.
//!
//! A profile is the difference between "the catalog" and "what we promise": Coloom allows
//! ports 80 and 443 and keeps data in Germany, another company allows 8443 and the EU.
//! Every id, tag, framework and param a profile names must exist, so a typo never
//! shrinks the selection into a silent pass.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use super::{parse_yaml, Catalog, Control, Diagnostic, Diagnostics, Framework, Params};

/// A profile as written in `profiles/<name>.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short name, shown in reports.
    pub name: String,
    /// What environment or promise this profile describes.
    #[serde(default)]
    pub description: Option<String>,
    /// Which controls to take; empty means every control.
    #[serde(default)]
    pub select: Selector,
    /// Control ids to leave out after selecting.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Param overrides per control id.
    #[serde(default)]
    pub params: BTreeMap<String, Params>,
    /// Where the profile was read from (for messages).
    #[serde(skip)]
    pub file: String,
}

/// The selection criteria of a profile. A control is selected when it matches any given
/// criterion; a profile that gives none selects everything.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// Control ids.
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    /// Tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Frameworks: controls mapped to any criterion of these.
    #[serde(default)]
    pub frameworks: Option<Vec<Framework>>,
}

/// A control chosen for a run, with its effective params.
#[derive(Debug, Clone)]
pub struct Selected<'c> {
    /// The control.
    pub control: &'c Control,
    /// Defaults merged with the profile's overrides.
    pub params: Params,
}

impl Profile {
    /// Reads a profile from a path, or — when `spec` is not an existing file — from the
    /// catalog's `profiles/<spec>.yaml`.
    pub fn resolve(spec: &str, catalog: &Catalog) -> Result<Profile, Diagnostics> {
        let path = Path::new(spec);
        let (shown, text) = if path.is_file() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| one(spec, format!("cannot read: {e}")))?;
            (spec.to_string(), text)
        } else {
            let rel = format!("profiles/{spec}.yaml");
            match catalog.bundle.get(&rel) {
                Some(t) => (catalog.bundle.display_path(&rel), t.to_string()),
                None => {
                    let known: Vec<String> = catalog
                        .bundle
                        .files("profiles/", "yaml")
                        .filter_map(|(p, _)| {
                            Path::new(p)
                                .file_stem()
                                .map(|s| s.to_string_lossy().into_owned())
                        })
                        .collect();
                    return Err(one(
                        spec,
                        format!(
                            "no such profile file, and no built-in profile of that name (built-in: {})",
                            known.join(", ")
                        ),
                    ));
                }
            }
        };
        let mut p: Profile = parse_yaml(&shown, &text).map_err(|d| Diagnostics(vec![d]))?;
        p.file = shown;
        Ok(p)
    }

    /// The controls this profile selects, sorted by id, with merged params. Fails on any
    /// name that does not exist in the catalog and on params of the wrong name or type.
    pub fn select<'c>(&self, catalog: &'c Catalog) -> Result<Vec<Selected<'c>>, Diagnostics> {
        let mut diags = Vec::new();
        let ids: BTreeSet<&str> = catalog.controls.iter().map(|c| c.id.as_str()).collect();
        let tags: BTreeSet<&str> = catalog
            .controls
            .iter()
            .flat_map(|c| c.tags.iter().map(String::as_str))
            .collect();
        let check_id = |id: &str, field: &str, diags: &mut Vec<Diagnostic>| {
            if !ids.contains(id) {
                diags.push(self.diag(
                    field,
                    format!("unknown control id '{id}'{}", suggest(id, &ids)),
                ));
            }
        };
        for id in self.select.ids.iter().flatten() {
            check_id(id, "select.ids", &mut diags);
        }
        for id in &self.exclude {
            check_id(id, "exclude", &mut diags);
        }
        for t in self.select.tags.iter().flatten() {
            if !tags.contains(t.as_str()) {
                diags.push(self.diag(
                    "select.tags",
                    format!("tag '{t}' is on no control{}", suggest(t, &tags)),
                ));
            }
        }
        for fw in self.select.frameworks.iter().flatten() {
            if !catalog.controls.iter().any(|c| !c.criteria(*fw).is_empty()) {
                diags.push(self.diag(
                    "select.frameworks",
                    format!("no control maps to framework '{fw}'"),
                ));
            }
        }
        for (id, overrides) in &self.params {
            let Some(control) = catalog.get(id) else {
                check_id(id, "params", &mut diags);
                continue;
            };
            for (name, value) in overrides {
                match control.params.get(name) {
                    None => {
                        let known: Vec<&str> = control.params.keys().map(String::as_str).collect();
                        diags.push(self.diag(
                            &format!("params.{id}.{name}"),
                            format!(
                                "control {id} has no param '{name}' (its params: {})",
                                if known.is_empty() {
                                    "none".to_string()
                                } else {
                                    known.join(", ")
                                }
                            ),
                        ));
                    }
                    Some(default) if json_type(default) != json_type(value) => {
                        diags.push(self.diag(
                            &format!("params.{id}.{name}"),
                            format!(
                                "expected {} like the default {default}, got {value}",
                                json_type(default)
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        if !diags.is_empty() {
            return Err(Diagnostics(diags));
        }
        let everything = self.select.ids.is_none()
            && self.select.tags.is_none()
            && self.select.frameworks.is_none();
        let selected = catalog
            .controls
            .iter()
            .filter(|c| {
                everything
                    || self.select.ids.iter().flatten().any(|i| *i == c.id)
                    || self
                        .select
                        .tags
                        .iter()
                        .flatten()
                        .any(|t| c.tags.contains(t))
                    || self
                        .select
                        .frameworks
                        .iter()
                        .flatten()
                        .any(|f| !c.criteria(*f).is_empty())
            })
            .filter(|c| !self.exclude.contains(&c.id))
            .map(|c| {
                let mut params = c.params.clone();
                if let Some(o) = self.params.get(&c.id) {
                    for (k, v) in o {
                        params.insert(k.clone(), v.clone());
                    }
                }
                Selected { control: c, params }
            })
            .collect();
        Ok(selected)
    }

    fn diag(&self, field: &str, message: String) -> Diagnostic {
        let line = std::fs::read_to_string(&self.file).ok().and_then(|t| {
            let key = field.rsplit('.').next().unwrap_or(field);
            t.lines().position(|l| l.contains(key)).map(|i| i + 1)
        });
        Diagnostic {
            file: self.file.clone(),
            line,
            field: Some(field.to_string()),
            message,
        }
    }
}

fn one(file: &str, message: String) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        file: file.to_string(),
        line: None,
        field: None,
        message,
    }])
}

/// The JSON type name of a value, for param type checks.
pub fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
    }
}

/// " (did you mean 'x'?)" for the closest known name, when one is close.
pub fn suggest(name: &str, known: &BTreeSet<&str>) -> String {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| format!(" (did you mean '{k}'?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
