//! Rendering a [`RunResult`] for people and machines, one file per format.
//!
//! Every format is rendered from the same result, so one run can write a table for the
//! person at the terminal, JUnit and SARIF for CI, and Markdown for the auditor without
//! evaluating anything twice.

pub mod framework;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod oscal;
pub mod sarif;
pub mod table;
mod text;

use std::fmt;
use std::str::FromStr;

use crate::catalog::Framework;
use crate::check::result::RunResult;
use crate::severity::FailOn;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// The results document (`assay.results/v1`).
    Json,
    /// JUnit XML in the Surefire/Jenkins shape.
    Junit,
    /// SARIF 2.1.0.
    Sarif,
    /// Markdown for auditors.
    Markdown,
    /// NIST OSCAL 1.1.3 assessment results (JSON).
    Oscal,
    /// One self-contained HTML page: filters, findings, evidence hashes, framework view.
    Html,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 7] = [
        Format::Table,
        Format::Json,
        Format::Junit,
        Format::Sarif,
        Format::Markdown,
        Format::Oscal,
        Format::Html,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Oscal => "oscal",
            Format::Html => "html",
        }
    }
}

/// The formats of assay's smaller documents (coverage, diff): a table for the terminal,
/// the JSON document, or Markdown (also spelt `md`) for a page or a pull-request comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    /// A table for the terminal.
    Table,
    /// The command's JSON document.
    Json,
    /// Markdown.
    Markdown,
}

impl DocFormat {
    /// Every format.
    pub const ALL: [DocFormat; 3] = [DocFormat::Table, DocFormat::Json, DocFormat::Markdown];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            DocFormat::Table => "table",
            DocFormat::Json => "json",
            DocFormat::Markdown => "markdown",
        }
    }
}

impl fmt::Display for DocFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DocFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = if s == "md" { "markdown" } else { s };
        DocFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| format!("unknown format '{s}' (expected table, json or markdown)"))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = if s == "md" { "markdown" } else { s };
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                let (last, rest) = names.split_last().unwrap_or((&"", &[]));
                format!(
                    "unknown format '{s}' (expected {} or {last})",
                    rest.join(", ")
                )
            })
    }
}

/// Options that change how a result is shown, not what it says.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Show the framework view (criteria → controls → status) instead of the control list.
    pub framework: Option<Framework>,
    /// Use ANSI colours (only for the table, and only on a terminal).
    pub color: bool,
    /// How the run is gated, for the formats that show the gate's outcome (html);
    /// `None` shows the default gate (`--fail-on info`).
    pub gate: Option<GateSettings>,
    /// Where links to evidence documents start in a written file (html): the evidence
    /// folder as seen from that file. `None` uses the folder as the run recorded it,
    /// which is relative to where the check ran.
    pub evidence_base: Option<String>,
}

/// The gate settings of a run, as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateSettings {
    /// `--fail-on`.
    pub fail_on: FailOn,
    /// `--allow-not-assessed`.
    pub allow_not_assessed: bool,
    /// Whether `--baseline` was given (the exit code then gates only on what is new).
    pub baseline: bool,
}

/// Errors rendering a result.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The framework view is not defined for this format.
    #[error("--framework works with the table, markdown, json and html formats, not {0}")]
    FrameworkUnsupported(Format),
    /// Serialisation failed.
    #[error("cannot serialise the result: {0}")]
    Serialize(String),
    /// The result holds a value OSCAL cannot express (the message names the field).
    #[error("cannot write OSCAL: {0}")]
    Oscal(String),
}

/// The one-line summary of a result ("37 controls: 20 pass, 8 fail, …").
pub fn summary(result: &RunResult) -> String {
    text::summary_line(result)
}

/// Renders `result` in `format`.
pub fn render(
    result: &RunResult,
    format: Format,
    opts: RenderOptions,
) -> Result<String, RenderError> {
    match (format, opts.framework) {
        (Format::Table, Some(fw)) => Ok(framework::table(result, fw, opts.color)),
        (Format::Markdown, Some(fw)) => Ok(framework::markdown(result, fw)),
        (Format::Json, Some(fw)) => framework::json(result, fw),
        (Format::Html, fw) => Ok(html::render(
            result,
            fw,
            opts.gate,
            opts.evidence_base.as_deref(),
        )),
        (f, Some(_)) => Err(RenderError::FrameworkUnsupported(f)),
        (Format::Table, None) => Ok(table::render(result, opts.color)),
        (Format::Json, None) => json::render(result),
        (Format::Junit, None) => Ok(junit::render(result)),
        (Format::Sarif, None) => sarif::render(result),
        (Format::Markdown, None) => Ok(markdown::render(result)),
        (Format::Oscal, None) => oscal::render(result),
    }
}
