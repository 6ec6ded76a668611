//! The framework view: criteria → controls → status, as an auditor reads a SOC 2 or
//! ISO 27001 report. A criterion takes the heaviest status of its controls, so one
//! failing control makes its criterion fail.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::markdown::{badge, cell, header};
use super::text::{natural_key, paint};
use super::RenderError;
use crate::catalog::frameworks::criterion_title;
use crate::catalog::Framework;
use crate::check::result::{RunResult, Status};

/// One criterion with the controls mapped to it.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    /// Criterion id, e.g. `CC6.1`.
    pub id: String,
    /// Its title, where assay knows it.
    pub title: Option<String>,
    /// The heaviest status of its controls.
    pub status: Status,
    /// `(control id, status)` pairs, sorted by id.
    pub controls: Vec<(String, Status)>,
}

/// The criteria of `fw` that the result's controls map to, in natural order.
pub fn criteria(result: &RunResult, fw: Framework) -> Vec<Criterion> {
    let mut by: BTreeMap<&str, Vec<(String, Status)>> = BTreeMap::new();
    for c in &result.controls {
        for id in c.frameworks.get(&fw).into_iter().flatten() {
            by.entry(id.as_str())
                .or_default()
                .push((c.id.clone(), c.status));
        }
    }
    let mut out: Vec<Criterion> = by
        .into_iter()
        .map(|(id, controls)| Criterion {
            id: id.to_string(),
            title: criterion_title(fw, id).map(str::to_string),
            status: Status::combine(controls.iter().map(|c| c.1)).unwrap_or(Status::Error),
            controls,
        })
        .collect();
    out.sort_by_key(|c| natural_key(&c.id));
    out
}

/// The framework view as a terminal table.
pub fn table(result: &RunResult, fw: Framework, color: bool) -> String {
    let crit = criteria(result, fw);
    let mut b = Builder::default();
    b.push_record(["criterion", "status", "title", "controls"]);
    for c in &crit {
        let controls: Vec<String> = c
            .controls
            .iter()
            .map(|(id, s)| format!("{} {id}", paint(s.as_str(), *s, color)))
            .collect();
        b.push_record([
            c.id.clone(),
            paint(c.status.as_str(), c.status, color),
            c.title.clone().unwrap_or_default(),
            controls.join("\n"),
        ]);
    }
    let mut t = b.build();
    t.with(Style::sharp());
    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    for c in &crit {
        *counts.entry(c.status).or_default() += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    format!(
        "{}\n{t}\n{} criteria: {}\n",
        fw.title(),
        crit.len(),
        parts.join(", ")
    )
}

/// The framework view as Markdown.
pub fn markdown(result: &RunResult, fw: Framework) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} — assay report\n", fw.title());
    header(result, &mut out);
    let _ = writeln!(
        out,
        "| criterion | title | status | controls |\n|---|---|---|---|"
    );
    for c in criteria(result, fw) {
        let controls: Vec<String> = c
            .controls
            .iter()
            .map(|(id, s)| format!("`{id}` {}", badge(*s)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.id,
            cell(c.title.as_deref().unwrap_or("")),
            badge(c.status),
            controls.join("<br>")
        );
    }
    out
}

/// The framework view as JSON.
pub fn json(result: &RunResult, fw: Framework) -> Result<String, RenderError> {
    #[derive(Serialize)]
    struct View<'a> {
        framework: &'a str,
        title: &'a str,
        evaluated_at: &'a str,
        criteria: Vec<Criterion>,
    }
    serde_json::to_string_pretty(&View {
        framework: fw.key(),
        title: fw.title(),
        evaluated_at: &result.evaluated_at,
        criteria: criteria(result, fw),
    })
    .map(|s| s + "\n")
    .map_err(|e| RenderError::Serialize(e.to_string()))
}
