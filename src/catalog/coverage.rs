//! `assay profile coverage`: how much of a security statement a profile checks.
//!
//! Every claim of the profile's statement, in statement order, with its status — checked
//! (a control judges evidence for it), manual (only a person's attestation can), or not
//! covered (and why) — and the controls behind it, then the counts. The profile must
//! have passed [`Profile::select`], so every control named exists, is selected, and every
//! quote is where the claim says it is.

use std::fmt;

use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::{object::Columns, Style, Width};

use super::profile::{ClaimStatus, Profile, Selected, Statement};

/// The coverage document format version.
pub const COVERAGE_SCHEMA: &str = "assay.coverage/v1";

/// The output formats (shared with the other small documents).
pub use crate::report::DocFormat as Format;

/// The coverage of one profile's statement.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// [`COVERAGE_SCHEMA`].
    pub schema: String,
    /// The profile's name.
    pub profile: String,
    /// Where the profile was read from.
    pub file: String,
    /// The statement the claims quote, if the profile names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<Statement>,
    /// Every claim, in the profile's order.
    pub claims: Vec<ClaimCoverage>,
    /// Claims per status.
    pub counts: Counts,
    /// Selected controls (and variants) that check no claim.
    pub other_controls: Vec<String>,
}

/// One claim and what checks it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimCoverage {
    /// The 1-based line of the statement the quote starts on.
    pub line: usize,
    /// The claim, as quoted.
    pub quote: String,
    /// checked, manual or not_covered.
    pub status: ClaimStatus,
    /// The controls that check it.
    pub controls: Vec<ControlRef>,
    /// Why nothing checks it (not_covered claims).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// What the controls leave out, or how they read the claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A control that checks a claim.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRef {
    /// The id results carry.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Judged from attestations.
    pub manual: bool,
    /// The catalog control a profile variant judges again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant_of: Option<String>,
}

/// Claims per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Checked by at least one control that judges evidence.
    pub checked: usize,
    /// Covered by manual controls only.
    pub manual: usize,
    /// Covered by no control.
    pub not_covered: usize,
    /// Every claim.
    pub total: usize,
}

impl Counts {
    /// The count of one status.
    pub fn get(&self, s: ClaimStatus) -> usize {
        match s {
            ClaimStatus::Checked => self.checked,
            ClaimStatus::Manual => self.manual,
            ClaimStatus::NotCovered => self.not_covered,
        }
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} claims: {} checked, {} manual, {} not covered",
            self.total, self.checked, self.manual, self.not_covered
        )
    }
}

impl Coverage {
    /// The coverage of `profile`, whose selection (from [`Profile::select`]) is `selected`.
    pub fn new(profile: &Profile, selected: &[Selected<'_>]) -> Coverage {
        let find = |id: &str| selected.iter().find(|s| s.id == id);
        let mut counts = Counts::default();
        let mut claimed = std::collections::BTreeSet::new();
        let claims = profile
            .claims
            .iter()
            .map(|c| {
                let status = c.status.unwrap_or_else(|| {
                    c.derived_status(|id| find(id).is_some_and(|s| s.control.manual))
                });
                match status {
                    ClaimStatus::Checked => counts.checked += 1,
                    ClaimStatus::Manual => counts.manual += 1,
                    ClaimStatus::NotCovered => counts.not_covered += 1,
                }
                counts.total += 1;
                let controls = c
                    .controls
                    .iter()
                    .map(|id| {
                        claimed.insert(id.clone());
                        match find(id) {
                            Some(s) => ControlRef {
                                id: s.id.clone(),
                                title: s.title.clone(),
                                manual: s.control.manual,
                                variant_of: s.is_variant().then(|| s.control.id.clone()),
                            },
                            None => ControlRef {
                                id: id.clone(),
                                title: String::new(),
                                manual: false,
                                variant_of: None,
                            },
                        }
                    })
                    .collect();
                ClaimCoverage {
                    line: c.line,
                    quote: c.quote.trim().to_string(),
                    status,
                    controls,
                    why: c.why.as_ref().map(|w| w.trim().to_string()),
                    note: c.note.as_ref().map(|n| n.trim().to_string()),
                }
            })
            .collect();
        let other_controls = selected
            .iter()
            .filter(|s| !claimed.contains(&s.id))
            .map(|s| s.id.clone())
            .collect();
        Coverage {
            schema: COVERAGE_SCHEMA.to_string(),
            profile: profile.name.clone(),
            file: profile.file.clone(),
            statement: profile.statement.clone(),
            claims,
            counts,
            other_controls,
        }
    }

    /// The coverage in one format, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.table(),
            Format::Json => {
                let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
                s.push('\n');
                s
            }
            Format::Markdown => self.markdown(),
        }
    }

    fn heading(&self) -> String {
        match &self.statement {
            Some(st) => format!(
                "{}'s security statement ({}{}) as profile {}",
                st.vendor,
                st.file,
                st.url
                    .as_ref()
                    .map(|u| format!(", {u}"))
                    .unwrap_or_default(),
                self.profile
            ),
            None => format!("profile {} ({})", self.profile, self.file),
        }
    }

    fn table(&self) -> String {
        let mut out = format!("{}\n", self.heading());
        if self.claims.is_empty() {
            out.push_str("The profile lists no claims (add a statement: and claims: to it).\n");
        } else {
            let mut b = Builder::default();
            b.push_record(["line", "status", "claim", "checked by"]);
            for c in &self.claims {
                let by = match c.status {
                    ClaimStatus::NotCovered => {
                        format!("why: {}", c.why.as_deref().unwrap_or("-"))
                    }
                    _ => c
                        .controls
                        .iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                };
                b.push_record([
                    c.line.to_string(),
                    c.status.to_string(),
                    one_line(&c.quote),
                    by,
                ]);
            }
            let mut t = b.build();
            t.with(Style::sharp())
                .modify(Columns::new(2..3), Width::wrap(64).keep_words(true))
                .modify(Columns::new(3..4), Width::wrap(44).keep_words(true));
            out.push_str(&format!("{t}\n"));
        }
        if !self.other_controls.is_empty() {
            out.push_str(&format!(
                "also selected, checking no claim: {}\n",
                self.other_controls.join(", ")
            ));
        }
        out.push_str(&format!("{}\n", self.counts));
        out
    }

    fn markdown(&self) -> String {
        let cell = |s: &str| squeeze_md(s);
        let mut out = format!("# Claims of {}\n\n", self.heading());
        out.push_str(&format!(
            "**{}** · profile file `{}`\n\n",
            self.counts, self.file
        ));
        if !self.claims.is_empty() {
            out.push_str(
                "| line | status | claim | checked by | why / note |\n|---:|---|---|---|---|\n",
            );
            for c in &self.claims {
                let by = c
                    .controls
                    .iter()
                    .map(|r| match (&r.variant_of, r.manual) {
                        (Some(base), _) => format!("`{}` (variant of `{base}`)", r.id),
                        (None, true) => format!("`{}` (manual)", r.id),
                        (None, false) => format!("`{}`", r.id),
                    })
                    .collect::<Vec<_>>()
                    .join("<br>");
                let remark = match (&c.why, &c.note) {
                    (Some(w), _) => cell(w),
                    (None, Some(n)) => cell(n),
                    (None, None) => String::new(),
                };
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    c.line,
                    c.status,
                    cell(&c.quote),
                    by,
                    remark
                ));
            }
            out.push('\n');
        }
        out.push_str("| status | claims |\n|---|---:|\n");
        for s in ClaimStatus::ALL {
            out.push_str(&format!("| {s} | {} |\n", self.counts.get(s)));
        }
        out.push_str(&format!("| total | {} |\n", self.counts.total));
        if !self.other_controls.is_empty() {
            out.push_str(&format!(
                "\nAlso selected, checking no claim: {}.\n",
                self.other_controls
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out
    }
}

/// Text on one line: every run of whitespace made one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line of Markdown table cell text, pipes escaped.
fn squeeze_md(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::Bundle;
    use crate::catalog::Catalog;

    fn coverage(name: &str) -> Coverage {
        let catalog = Catalog::load(Bundle::builtin()).unwrap();
        let p = Profile::resolve(name, &catalog).unwrap();
        let sel = p.select(&catalog).unwrap_or_else(|d| panic!("{d}"));
        Coverage::new(&p, &sel)
    }

    #[test]
    fn counts_add_up_and_render() {
        let c = coverage("clozer");
        let n = c.counts;
        assert_eq!(n.checked + n.manual + n.not_covered, n.total);
        assert_eq!(n.total, c.claims.len());
        let table = c.render(Format::Table);
        assert!(table.contains(&n.to_string()), "{table}");
        let md = c.render(Format::Markdown);
        assert!(md.contains("| total |"), "{md}");
        let json: serde_json::Value = serde_json::from_str(&c.render(Format::Json)).unwrap();
        assert_eq!(json["schema"], COVERAGE_SCHEMA);
        assert_eq!(json["counts"]["total"], n.total);
    }

    #[test]
    fn variants_are_named_with_their_control() {
        let c = coverage("clozer");
        let v = c
            .claims
            .iter()
            .flat_map(|c| &c.controls)
            .find(|r| r.id == "tls.min-protocol-as-stated")
            .expect("the as-stated variant checks a claim");
        assert_eq!(v.variant_of.as_deref(), Some("tls.min-protocol-1-2"));
    }
}
