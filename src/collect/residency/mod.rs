//! Residency: where the data lives. `regions.rs` places a provider's region in a country
//! and jurisdiction; importers turn inventories (Terraform state, AWS CLI listings,
//! Kubernetes node lists) into `cloud.resources` evidence with a country for every
//! resource, or an honest null; `geoip.rs` places endpoints by their addresses; `run.rs`
//! is `assay collect residency`, which reads them all at once.

pub mod aws_cli;
pub mod geoip;
pub mod kubernetes;
pub mod regions;
pub mod run;
pub mod terraform;

use crate::evidence::Document;

/// Merges `cloud.resources` documents of the same account from several inputs of one
/// import (EC2 and RDS listings, several state files) into one document per account.
///
/// Why: a `cloud.resources` document is an account's inventory, and of two documents for
/// one subject only the newest is judged — so importing listings separately would drop
/// all but one of them from the verdict. The merged document is dated by its oldest
/// part, so it is never fresher than what it contains. Other kinds pass through.
pub fn merge_accounts(docs: Vec<(String, Document)>) -> Vec<(String, Document)> {
    let mut out: Vec<(String, Document)> = Vec::new();
    for (label, doc) in docs {
        let same = out.iter_mut().find(|(_, d)| {
            d.kind == "cloud.resources" && doc.kind == d.kind && d.subject == doc.subject
        });
        match same {
            Some((l, d)) => {
                if let (Some(into), Some(more)) = (
                    d.body.get_mut("resources").and_then(|r| r.as_array_mut()),
                    doc.body.get("resources").and_then(|r| r.as_array()),
                ) {
                    into.extend(more.iter().cloned());
                }
                d.collected_at = d.collected_at.min(doc.collected_at);
                if !l.split(" + ").any(|x| x == label) {
                    *l = format!("{l} + {label}");
                }
            }
            None => out.push((label, doc)),
        }
    }
    out
}
