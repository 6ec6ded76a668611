//! `assay catalog validate`: the checks that tie controls, policies, schemas and profiles
//! together. Every problem names the file, line and field to fix.

use std::collections::{BTreeMap, BTreeSet};

use super::profile::{suggest, Profile};
use super::{Catalog, Control, Diagnostic, Framework};
use crate::evidence::schema::KindRegistry;
use crate::policy::PolicySet;

/// The evidence kind manual controls are judged from.
pub const ATTESTATION: &str = "attestation";

/// Runs every cross-check and returns all problems found (empty = valid).
pub fn validate(catalog: &Catalog, policies: &PolicySet, kinds: &KindRegistry) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<&str, &Control> = BTreeMap::new();
    for c in &catalog.controls {
        if let Some(first) = seen.insert(c.id.as_str(), c) {
            out.push(diag(
                catalog,
                c,
                "id",
                format!(
                    "duplicate control id '{}' (also at {}:{})",
                    c.id,
                    catalog.bundle.display_path(&first.location.file),
                    first.location.line
                ),
            ));
        }
        check_control(catalog, policies, kinds, c, &mut out);
    }
    for (rel, _) in catalog.bundle.files("profiles/", "yaml") {
        let name = rel
            .trim_start_matches("profiles/")
            .trim_end_matches(".yaml");
        match Profile::resolve(name, catalog).and_then(|p| p.select(catalog).map(|_| ())) {
            Ok(()) => {}
            Err(d) => out.extend(d.0),
        }
    }
    out
}

fn check_control(
    catalog: &Catalog,
    policies: &PolicySet,
    kinds: &KindRegistry,
    c: &Control,
    out: &mut Vec<Diagnostic>,
) {
    if !valid_id(&c.id) {
        out.push(diag(
            catalog,
            c,
            "id",
            format!("'{}' is not a control id (expected <area>.<what-it-checks>, lowercase letters, digits and '-', e.g. tls.min-protocol-1-2)", c.id),
        ));
    }
    for (field, text) in [
        ("title", &c.title),
        ("description", &c.description),
        ("remediation", &c.remediation),
    ] {
        if text.trim().is_empty() {
            out.push(diag(catalog, c, field, "must not be empty".into()));
        }
    }
    if c.evidence.is_empty() {
        out.push(diag(
            catalog,
            c,
            "evidence",
            "lists no evidence kind; a control must be judged on evidence".into(),
        ));
    }
    let known: BTreeSet<&str> = kinds.kinds().collect();
    for k in &c.evidence {
        if !kinds.knows(k) {
            out.push(diag(
                catalog,
                c,
                "evidence",
                format!("unknown evidence kind '{k}'{} (a kind exists when schemas/evidence/{k}.schema.json does)", suggest(k, &known)),
            ));
        }
    }
    if c.manual && c.evidence != [ATTESTATION] {
        out.push(diag(
            catalog,
            c,
            "evidence",
            format!(
                "a manual control is judged from attestations: evidence must be [{ATTESTATION}]"
            ),
        ));
    }
    match c.rule_parts() {
        None => out.push(diag(
            catalog,
            c,
            "rule",
            format!(
                "'{}' is not a rule path (expected data.<package>.<rule>)",
                c.rule
            ),
        )),
        Some((pkg, rule)) => match policies.package(pkg) {
            None => out.push(diag(
                catalog,
                c,
                "rule",
                format!("no policy declares package '{pkg}' (rule {})", c.rule),
            )),
            Some(_) => match policies.params_read(pkg, rule) {
                None => out.push(diag(
                    catalog,
                    c,
                    "rule",
                    format!("package '{pkg}' has no rule '{rule}'"),
                )),
                Some(read) => {
                    let given: BTreeSet<String> = c.params.keys().cloned().collect();
                    for p in read.difference(&given) {
                        out.push(diag(
                            catalog,
                            c,
                            "params",
                            format!("the rule {} reads input.params.{p} but the control gives no default for it", c.rule),
                        ));
                    }
                    for p in given.difference(&read) {
                        out.push(diag(
                            catalog,
                            c,
                            "params",
                            format!(
                                "param '{p}' is never read by the rule {} (misspelt?)",
                                c.rule
                            ),
                        ));
                    }
                }
            },
        },
    }
    for (fw, ids) in &c.frameworks {
        if ids.is_empty() {
            out.push(diag(
                catalog,
                c,
                fw.key(),
                "empty mapping list; remove the key or name criteria".into(),
            ));
        }
        for id in ids {
            if !fw.is_valid_id(id) {
                out.push(diag(
                    catalog,
                    c,
                    fw.key(),
                    format!(
                        "'{id}' is not a {} criterion id (expected {})",
                        fw.title(),
                        fw.id_hint()
                    ),
                ));
            }
        }
    }
    if c.frameworks.is_empty() {
        out.push(diag(
            catalog,
            c,
            "frameworks",
            format!(
                "maps to no framework (expected at least one of {})",
                Framework::ALL.map(|f| f.key()).join(", ")
            ),
        ));
    }
}

pub(crate) fn valid_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let area_ok = parts.next().is_some_and(|a| {
        !a.is_empty()
            && a.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    let rest: Vec<&str> = parts.collect();
    area_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('-')
                && !p.ends_with('-')
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn diag(catalog: &Catalog, c: &Control, field: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: catalog.bundle.display_path(&c.location.file),
        line: Some(catalog.field_line(c, field)),
        field: Some(format!("{}: {field}", c.id)),
        message,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids() {
        for ok in ["tls.min-protocol-1-2", "net.no-public-ip", "a1.b"] {
            assert!(super::valid_id(ok), "{ok}");
        }
        for bad in ["tls", "TLS.x", "tls.", "tls.-x", "tls.x_y", ".x"] {
            assert!(!super::valid_id(bad), "{bad}");
        }
    }
}
