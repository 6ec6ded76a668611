//! Profiles: which controls apply to an environment, and with which params.
//!
//! A profile is the difference between "the catalog" and "what we promise": Coloom allows
//! ports 80 and 443 and keeps data in Germany, another company allows 8443 and the EU.
//! Every id, tag, framework and param a profile names must exist, so a typo never
//! shrinks the selection into a silent pass.
//!
//! A profile may also be the checkable form of a published security statement: its
//! `statement:` names the statement file, and each entry of `claims:` quotes one claim
//! verbatim, gives the line it is on, and names the selected controls that check it (or
//! says why none can). The quote must really be at that line, so a claim cannot drift
//! from what the vendor wrote. `variants:` judge a control a second time under its own id
//! with other params, e.g. Clozer's "TLS 1.0 or higher" as stated next to the modern
//! TLS 1.2 floor that it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use serde::{Deserialize, Serialize};

use super::{parse_yaml, Catalog, Control, Diagnostic, Diagnostics, Framework, Params};

/// The statements the built-in profiles quote (`statements/` at the repository root).
static STATEMENTS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/statements");

/// A profile as written in `profiles/<name>.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short name, shown in reports.
    pub name: String,
    /// What environment or promise this profile describes.
    #[serde(default)]
    pub description: Option<String>,
    /// The security statement the claims quote.
    #[serde(default)]
    pub statement: Option<Statement>,
    /// Which controls to take; empty means every control.
    #[serde(default)]
    pub select: Selector,
    /// Control ids to leave out after selecting.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Param overrides per control id.
    #[serde(default)]
    pub params: BTreeMap<String, Params>,
    /// Controls judged a second time, under their own id, with other params.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// The claims of the statement and the controls that check them.
    #[serde(default)]
    pub claims: Vec<Claim>,
    /// Where the profile was read from (for messages).
    #[serde(skip)]
    pub file: String,
    /// The profile's text (for the line numbers of messages); empty for a profile built
    /// in code, whose messages then read `file`.
    #[serde(skip)]
    pub text: String,
    /// The profile's path on disk, when it was read from one (statements are looked up
    /// beside it).
    #[serde(skip)]
    pub path: Option<PathBuf>,
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

/// The published security statement a profile turns into controls.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The statement's text file: a path relative to the profile's folder, a file in
    /// `statements/` beside the profile's folder, or a built-in statement.
    pub file: String,
    /// Who published it.
    pub vendor: String,
    /// Where it is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// How a claim of a statement is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// At least one control that judges evidence checks it.
    Checked,
    /// Only manual controls cover it: a person has to attest it.
    Manual,
    /// No control can check it; `why` says why.
    NotCovered,
}

impl ClaimStatus {
    /// Every status, in report order.
    pub const ALL: [ClaimStatus; 3] = [
        ClaimStatus::Checked,
        ClaimStatus::Manual,
        ClaimStatus::NotCovered,
    ];

    /// The name used in YAML, JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Checked => "checked",
            ClaimStatus::Manual => "manual",
            ClaimStatus::NotCovered => "not_covered",
        }
    }
}

impl fmt::Display for ClaimStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One claim of a statement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The claim, verbatim from the statement (whitespace may differ).
    pub quote: String,
    /// The 1-based line of the statement file where the quote starts.
    pub line: usize,
    /// The selected controls (or variants) that check it.
    #[serde(default)]
    pub controls: Vec<String>,
    /// `checked`, `manual` or `not_covered`. Derived from the controls when absent;
    /// a claim without controls must say `not_covered`.
    #[serde(default)]
    pub status: Option<ClaimStatus>,
    /// Why no control checks it (required for `not_covered`).
    #[serde(default)]
    pub why: Option<String>,
    /// What the controls do not cover, or how they read the claim.
    #[serde(default)]
    pub note: Option<String>,
}

impl Claim {
    /// The claim's coverage: `not_covered` without controls, `manual` when every control
    /// is manual, else `checked`. `manual(id)` says whether a control is manual.
    pub fn derived_status(&self, manual: impl Fn(&str) -> bool) -> ClaimStatus {
        if self.controls.is_empty() {
            ClaimStatus::NotCovered
        } else if self.controls.iter().all(|c| manual(c)) {
            ClaimStatus::Manual
        } else {
            ClaimStatus::Checked
        }
    }

    /// The start of the quote, for messages.
    pub fn excerpt(&self) -> String {
        excerpt(&self.quote, 60)
    }
}

/// A control judged a second time under another id with other params.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The catalog control to judge again.
    pub id: String,
    /// The id of the second instance (results, reports, waivers and claims use it).
    #[serde(rename = "as")]
    pub as_id: String,
    /// Its title; default: the control's title with the variant's params.
    #[serde(default)]
    pub title: Option<String>,
    /// Param overrides, on top of the control's defaults (not of the profile's `params`).
    #[serde(default)]
    pub params: Params,
}

/// A control chosen for a run, with its effective params.
#[derive(Debug, Clone)]
pub struct Selected<'c> {
    /// The control.
    pub control: &'c Control,
    /// Defaults merged with the profile's overrides.
    pub params: Params,
    /// The id results carry: the control's id, or a variant's `as` id.
    pub id: String,
    /// The title results carry.
    pub title: String,
}

impl Selected<'_> {
    /// Whether this is a profile variant of its control rather than the control itself.
    pub fn is_variant(&self) -> bool {
        self.id != self.control.id
    }
}

/// A statement's text and where it was found.
#[derive(Debug, Clone)]
pub struct StatementText {
    /// The file as a person should open it.
    pub shown: String,
    /// Its contents.
    pub text: String,
}

impl Profile {
    /// Reads a profile from a path, or — when `spec` is not an existing file — from the
    /// catalog's `profiles/<spec>.yaml`.
    pub fn resolve(spec: &str, catalog: &Catalog) -> Result<Profile, Diagnostics> {
        let path = Path::new(spec);
        let (shown, text, on_disk) = if path.is_file() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| one(spec, format!("cannot read: {e}")))?;
            (spec.to_string(), text, Some(path.to_path_buf()))
        } else {
            let rel = format!("profiles/{spec}.yaml");
            match catalog.bundle.get(&rel) {
                Some(t) => {
                    let shown = catalog.bundle.display_path(&rel);
                    (shown, t.to_string(), catalog.bundle.disk_path(&rel))
                }
                None => {
                    return Err(one(
                        spec,
                        format!(
                            "no such profile file, and no built-in profile of that name (built-in: {})",
                            builtin_names(catalog).join(", ")
                        ),
                    ));
                }
            }
        };
        let mut p = Profile::parse(&shown, &text)?;
        p.path = on_disk;
        Ok(p)
    }

    /// A profile from its YAML text; `shown` names it in messages. Statements are looked
    /// up among the built-in ones only (a profile read by [`Profile::resolve`] from a
    /// file also finds them beside it).
    pub fn parse(shown: &str, text: &str) -> Result<Profile, Diagnostics> {
        let mut p: Profile = parse_yaml(shown, text).map_err(|d| Diagnostics(vec![d]))?;
        p.file = shown.to_string();
        p.text = text.to_string();
        Ok(p)
    }

    /// The controls this profile selects (and its variants), sorted by id, with merged
    /// params. Fails on any name that does not exist in the catalog, on params of the
    /// wrong name or type, and on claims that name controls the profile does not select
    /// or quote what the statement does not say at that line.
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
                let mut d = self.diag(
                    field,
                    format!("unknown control id '{id}'{}", suggest(id, &ids)),
                );
                d.line = self.line_of(id, d.line).or(d.line);
                diags.push(d);
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
            match catalog.get(id) {
                None => check_id(id, "params", &mut diags),
                Some(control) => {
                    for (field, message) in param_problems(control, overrides) {
                        diags.push(self.diag(&format!("params.{id}.{field}"), message));
                    }
                }
            }
        }
        self.check_variants(catalog, &ids, &mut diags);
        if !diags.is_empty() {
            return Err(Diagnostics(diags));
        }
        let everything = self.select.ids.is_none()
            && self.select.tags.is_none()
            && self.select.frameworks.is_none();
        let mut selected: Vec<Selected<'c>> = catalog
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
            .map(|c| Selected {
                control: c,
                params: merged(&c.params, self.params.get(&c.id)),
                id: c.id.clone(),
                title: c.title.clone(),
            })
            .collect();
        for v in &self.variants {
            if let Some(c) = catalog.get(&v.id) {
                selected.push(Selected {
                    control: c,
                    params: merged(&c.params, Some(&v.params)),
                    id: v.as_id.clone(),
                    title: v.title.clone().unwrap_or_else(|| {
                        format!(
                            "{} (variant of {}: {})",
                            c.title,
                            c.id,
                            show_params(&v.params)
                        )
                    }),
                });
            }
        }
        selected.sort_by(|a, b| a.id.cmp(&b.id));
        self.check_claims(&selected, &ids, &mut diags);
        if !diags.is_empty() {
            return Err(Diagnostics(diags));
        }
        Ok(selected)
    }

    /// The ids of this profile's variants.
    pub fn variant_ids(&self) -> impl Iterator<Item = &str> {
        self.variants.iter().map(|v| v.as_id.as_str())
    }

    /// The text of the statement the profile quotes: the file named by `statement.file`
    /// relative to the profile's folder, else in `statements/` beside that folder (the
    /// repository layout), else the built-in statement of that name. `None` when the
    /// profile names no statement; an error when it names one that is nowhere.
    pub fn statement_text(&self) -> Option<Result<StatementText, String>> {
        let st = self.statement.as_ref()?;
        let mut looked = Vec::new();
        if let Some(dir) = self.path.as_ref().and_then(|p| p.parent()) {
            for cand in [
                dir.join(&st.file),
                dir.join("..").join("statements").join(&st.file),
            ] {
                if cand.is_file() {
                    return Some(
                        std::fs::read_to_string(&cand)
                            .map(|text| StatementText {
                                shown: cand.display().to_string(),
                                text,
                            })
                            .map_err(|e| format!("{}: cannot read: {e}", cand.display())),
                    );
                }
                looked.push(cand.display().to_string());
            }
        }
        if let Some(text) = STATEMENTS
            .get_file(&st.file)
            .and_then(|f| f.contents_utf8())
        {
            return Some(Ok(StatementText {
                shown: format!("statements/{} (built-in)", st.file),
                text: text.to_string(),
            }));
        }
        let builtin: Vec<String> = STATEMENTS
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "txt"))
            .map(|f| f.path().display().to_string())
            .collect();
        looked.push(format!("the built-in statements ({})", builtin.join(", ")));
        Some(Err(format!(
            "statement file '{}' not found (looked at {})",
            st.file,
            looked.join(", ")
        )))
    }

    /// The 1-based line of each claim in the profile file (its `- quote:` item), when the
    /// profile's text is known.
    pub fn claim_lines(&self) -> Vec<Option<usize>> {
        let found = list_item_lines(&self.text, "claims");
        (0..self.claims.len())
            .map(|i| found.get(i).copied())
            .collect()
    }

    fn check_variants(&self, catalog: &Catalog, ids: &BTreeSet<&str>, diags: &mut Vec<Diagnostic>) {
        let mut seen = BTreeSet::new();
        let lines = list_item_lines(&self.text, "variants");
        for (i, v) in self.variants.iter().enumerate() {
            let field = format!("variants[{i}]");
            let mut push = |message: String| {
                diags.push(Diagnostic {
                    file: self.file.clone(),
                    line: lines.get(i).copied(),
                    field: Some(field.clone()),
                    message,
                })
            };
            match catalog.get(&v.id) {
                None => push(format!(
                    "id: unknown control id '{}'{}",
                    v.id,
                    suggest(&v.id, ids)
                )),
                Some(c) if c.manual => push(format!(
                    "id: {} is a manual control; it is judged from attestations filed for its own id, so it has no variants",
                    c.id
                )),
                Some(c) => {
                    for (name, message) in param_problems(c, &v.params) {
                        push(format!("params.{name}: {message}"));
                    }
                }
            }
            if !super::validate::valid_id(&v.as_id) {
                push(format!(
                    "as: '{}' is not a control id (expected <area>.<what-it-checks>, e.g. tls.min-protocol-as-stated)",
                    v.as_id
                ));
            } else if ids.contains(v.as_id.as_str()) {
                push(format!(
                    "as: '{}' is already a control of the catalog; a variant needs an id of its own",
                    v.as_id
                ));
            } else if !seen.insert(v.as_id.as_str()) {
                push(format!("as: '{}' names two variants", v.as_id));
            }
        }
    }

    fn check_claims(
        &self,
        selected: &[Selected<'_>],
        ids: &BTreeSet<&str>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let lines = self.claim_lines();
        let statement = match self.statement_text() {
            None if self.claims.is_empty() => None,
            None => {
                diags.push(self.diag(
                    "claims",
                    "claims quote a statement, but the profile has no `statement:` (file, vendor) to quote from".into(),
                ));
                None
            }
            Some(Err(e)) => {
                diags.push(self.diag("statement.file", e));
                None
            }
            Some(Ok(s)) => Some(s),
        };
        let by_id: BTreeMap<&str, &Selected<'_>> =
            selected.iter().map(|s| (s.id.as_str(), s)).collect();
        let known: BTreeSet<&str> = ids.iter().copied().chain(self.variant_ids()).collect();
        for (i, claim) in self.claims.iter().enumerate() {
            let at = format!("(\"{}\", statement line {})", claim.excerpt(), claim.line);
            let mut push = |message: String| {
                diags.push(Diagnostic {
                    file: self.file.clone(),
                    line: lines.get(i).copied().flatten(),
                    field: Some(format!("claims[{i}]")),
                    message: format!("{message} {at}"),
                })
            };
            if claim.quote.trim().is_empty() {
                push("quote: must not be empty".into());
            } else if claim.line == 0 {
                push("line: lines count from 1".into());
            } else if let Some(s) = &statement {
                if !quote_at(&s.text, claim.line, &claim.quote) {
                    let hint = match find_quote(&s.text, &claim.quote) {
                        Some(l) => format!("; it is at line {l}"),
                        None => "; it is nowhere in the statement (a quote must be verbatim; only whitespace may differ)".into(),
                    };
                    let lines_in = s.text.lines().count();
                    let beyond = if claim.line > lines_in {
                        format!(" (the statement has {lines_in} lines)")
                    } else {
                        String::new()
                    };
                    push(format!(
                        "quote: not at line {} of {}{beyond}{hint}",
                        claim.line, s.shown
                    ));
                }
            }
            let mut dup = BTreeSet::new();
            for c in &claim.controls {
                if !dup.insert(c.as_str()) {
                    push(format!("controls: {c} is listed twice"));
                } else if !known.contains(c.as_str()) {
                    push(format!(
                        "controls: unknown control id '{c}'{}",
                        suggest(c, &known)
                    ));
                } else if !by_id.contains_key(c.as_str()) {
                    let how = if self.exclude.contains(c) {
                        "the profile excludes it"
                    } else {
                        "add it to select.ids, or remove it from the claim"
                    };
                    push(format!(
                        "controls: {c} checks this claim but is not selected by the profile ({how})"
                    ));
                }
            }
            let manual = |id: &str| by_id.get(id).is_some_and(|s| s.control.manual);
            let derived = claim.derived_status(manual);
            if claim.controls.is_empty() {
                if claim.status != Some(ClaimStatus::NotCovered) {
                    push("status: a claim that no control checks must say `status: not_covered` and why".into());
                }
            } else {
                match (claim.status, derived) {
                    (Some(ClaimStatus::NotCovered), _) => push(format!(
                        "status: not_covered, but controls lists {}; remove them or the status",
                        claim.controls.join(", ")
                    )),
                    (Some(ClaimStatus::Manual), ClaimStatus::Checked) => {
                        let measured: Vec<&str> = claim
                            .controls
                            .iter()
                            .map(String::as_str)
                            .filter(|c| by_id.contains_key(c) && !manual(c))
                            .collect();
                        push(format!(
                            "status: a manual claim must name manual controls only, but {} judge evidence (that makes it checked)",
                            measured.join(", ")
                        ));
                    }
                    (Some(ClaimStatus::Checked), ClaimStatus::Manual) => push(format!(
                        "status: checked, but {} judged from attestations only: the claim is manual",
                        if claim.controls.len() == 1 {
                            format!("{} is a manual control", claim.controls[0])
                        } else {
                            format!("{} are manual controls", claim.controls.join(", "))
                        }
                    )),
                    _ => {}
                }
            }
            let why_given = claim.why.as_deref().is_some_and(|w| !w.trim().is_empty());
            if derived == ClaimStatus::NotCovered && !why_given {
                push("why: a not_covered claim must say why no control checks it".into());
            }
            if derived != ClaimStatus::NotCovered && claim.why.is_some() {
                push("why: says why a claim is not covered, but controls check this one (use note: for remarks)".into());
            }
        }
    }

    /// The profile's text: as read, or (for a profile built in code) from its file.
    fn source(&self) -> String {
        if self.text.is_empty() {
            std::fs::read_to_string(&self.file).unwrap_or_default()
        } else {
            self.text.clone()
        }
    }

    /// The first line at or after `from` (1-based) that names `value` as a whole word.
    fn line_of(&self, value: &str, from: Option<usize>) -> Option<usize> {
        let text = self.source();
        let skip = from.unwrap_or(1).saturating_sub(1);
        text.lines()
            .enumerate()
            .skip(skip)
            .find(|(_, l)| {
                l.match_indices(value).any(|(at, _)| {
                    let before = l[..at].chars().next_back();
                    let after = l[at + value.len()..].chars().next();
                    let part = |c: Option<char>| {
                        c.is_some_and(|c| c.is_alphanumeric() || "-_.".contains(c))
                    };
                    !part(before) && !part(after)
                })
            })
            .map(|(i, _)| i + 1)
    }

    fn diag(&self, field: &str, message: String) -> Diagnostic {
        let key = field.rsplit('.').next().unwrap_or(field);
        let line = self
            .source()
            .lines()
            .position(|l| l.contains(key))
            .map(|i| i + 1);
        Diagnostic {
            file: self.file.clone(),
            line,
            field: Some(field.to_string()),
            message,
        }
    }
}

/// The names of the catalog's profiles (`profiles/<name>.yaml`).
pub fn builtin_names(catalog: &Catalog) -> Vec<String> {
    catalog
        .bundle
        .files("profiles/", "yaml")
        .filter_map(|(p, _)| {
            Path::new(p)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .collect()
}

/// `(field, message)` for each override a control does not declare or gives another
/// type by default.
fn param_problems(control: &Control, overrides: &Params) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, value) in overrides {
        match control.params.get(name) {
            None => {
                let known: Vec<&str> = control.params.keys().map(String::as_str).collect();
                out.push((
                    name.clone(),
                    format!(
                        "control {} has no param '{name}' (its params: {})",
                        control.id,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
            Some(default) if json_type(default) != json_type(value) => {
                out.push((
                    name.clone(),
                    format!(
                        "expected {} like the default {default}, got {value}",
                        json_type(default)
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    out
}

fn merged(defaults: &Params, overrides: Option<&Params>) -> Params {
    let mut params = defaults.clone();
    for (k, v) in overrides.into_iter().flatten() {
        params.insert(k.clone(), v.clone());
    }
    params
}

fn show_params(p: &Params) -> String {
    if p.is_empty() {
        return "default params".into();
    }
    p.iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k} {s}"),
            other => format!("{k} {other}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The 1-based lines of the items of the top-level list `key:` in a YAML text.
fn list_item_lines(text: &str, key: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut inside = false;
    let mut indent = None;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = l.len() - t.len();
        if ind == 0 && !t.starts_with("- ") {
            inside = t
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'));
            continue;
        }
        if inside && (t.starts_with("- ") || t == "-") {
            let first = *indent.get_or_insert(ind);
            if ind == first {
                out.push(i + 1);
            }
        }
    }
    out
}

/// Text with every run of whitespace made one space, trimmed.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `quote` starts on the 1-based `line` of `text`, whitespace aside (it may
/// continue on the following lines).
pub fn quote_at(text: &str, line: usize, quote: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let Some(rest) = line.checked_sub(1).and_then(|i| lines.get(i..)) else {
        return false;
    };
    let Some(first) = rest.first() else {
        return false;
    };
    let q = squeeze(quote);
    if q.is_empty() {
        return false;
    }
    let first = squeeze(first);
    if first.is_empty() {
        return false;
    }
    squeeze(&rest.join("\n"))
        .find(&q)
        .is_some_and(|at| at < first.len())
}

/// The first 1-based line at which `quote` starts, whitespace aside.
pub fn find_quote(text: &str, quote: &str) -> Option<usize> {
    (1..=text.lines().count()).find(|&l| quote_at(text, l, quote))
}

/// The first `max` characters of `s` (whitespace squeezed), with "…" when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let s = squeeze(s);
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::Bundle;

    fn catalog() -> Catalog {
        Catalog::load(Bundle::builtin()).expect("built-in catalog")
    }

    fn errors(yaml: &str) -> String {
        let p = Profile::parse("p.yaml", yaml).expect("parses");
        match p.select(&catalog()) {
            Ok(_) => String::new(),
            Err(d) => d.to_string(),
        }
    }

    const CLOZER: &str = "statement: { file: 002_f3bf2c179f552bff.txt, vendor: Clozer }\n";

    #[test]
    fn quotes_match_at_their_line_whitespace_aside() {
        let text = "title\n\nOne  sentence here.\tAnother one\nthat goes on.\n";
        assert!(quote_at(text, 3, "One sentence here."));
        assert!(quote_at(text, 3, " Another   one that goes on. "));
        assert!(!quote_at(text, 4, "Another one"), "starts on line 3, not 4");
        assert!(
            !quote_at(text, 3, "One sentence here!"),
            "only whitespace may differ"
        );
        assert!(
            !quote_at(text, 2, "One sentence"),
            "an empty line holds no quote"
        );
        assert!(!quote_at(text, 9, "title"));
        assert!(!quote_at(text, 0, "title"));
        assert!(!quote_at(text, 1, "  "));
        assert_eq!(find_quote(text, "that goes on."), Some(4));
        assert_eq!(find_quote(text, "nowhere"), None);
    }

    #[test]
    fn claim_and_variant_items_have_their_lines() {
        let yaml = "name: x\n# claims: in a comment\nclaims:\n  - quote: a\n    line: 1\n\n  - quote: b\n    controls:\n      - c\nvariants:\n- id: a\n  as: b\n";
        assert_eq!(list_item_lines(yaml, "claims"), vec![4, 7]);
        assert_eq!(list_item_lines(yaml, "variants"), vec![11]);
        assert!(list_item_lines(yaml, "select").is_empty());
    }

    #[test]
    fn claim_status_is_derived_from_the_controls() {
        let claim = |controls: &[&str]| Claim {
            quote: "q".into(),
            line: 1,
            controls: controls.iter().map(|c| c.to_string()).collect(),
            status: None,
            why: None,
            note: None,
        };
        let manual = |id: &str| id.starts_with("org.");
        assert_eq!(claim(&[]).derived_status(manual), ClaimStatus::NotCovered);
        assert_eq!(
            claim(&["org.security-training"]).derived_status(manual),
            ClaimStatus::Manual
        );
        assert_eq!(
            claim(&["org.security-training", "tls.hsts"]).derived_status(manual),
            ClaimStatus::Checked
        );
    }

    #[test]
    fn a_variant_is_selected_under_its_own_id_with_its_params() {
        let p = Profile::parse(
            "p.yaml",
            "name: v\nselect: { ids: [tls.min-protocol-1-2] }\nvariants:\n  - id: tls.min-protocol-1-2\n    as: tls.min-protocol-as-stated\n    params: { min_protocol: tls1_0 }\n",
        )
        .unwrap();
        let cat = catalog();
        let sel = p.select(&cat).unwrap();
        let ids: Vec<&str> = sel.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["tls.min-protocol-1-2", "tls.min-protocol-as-stated"]);
        let v = &sel[1];
        assert!(v.is_variant() && !sel[0].is_variant());
        assert_eq!(v.control.id, "tls.min-protocol-1-2");
        assert_eq!(v.params["min_protocol"], "tls1_0");
        assert_eq!(sel[0].params["min_protocol"], "tls1_2");
        assert!(
            v.title
                .contains("variant of tls.min-protocol-1-2: min_protocol tls1_0"),
            "{}",
            v.title
        );
    }

    #[test]
    fn bad_variants_are_named() {
        let e = errors("name: v\nvariants:\n  - id: tls.min-protocol-1-2\n    as: tls.hsts\n  - id: org.security-training\n    as: org.training-again\n  - id: tls.min-protocl-1-2\n    as: Bad_Id\n    params: { nope: 1 }\n");
        for want in [
            "p.yaml:3: variants[0]: as: 'tls.hsts' is already a control of the catalog",
            "p.yaml:5: variants[1]: id: org.security-training is a manual control",
            "p.yaml:7: variants[2]: id: unknown control id 'tls.min-protocl-1-2' (did you mean 'tls.min-protocol-1-2'?)",
            "variants[2]: as: 'Bad_Id' is not a control id",
        ] {
            assert!(e.contains(want), "missing {want:?} in:\n{e}");
        }
        let e = errors("name: v\nvariants:\n  - { id: tls.hsts, as: tls.hsts-a, params: { min_max_age: long } }\n  - { id: tls.hsts, as: tls.hsts-a }\n");
        assert!(
            e.contains("variants[0]: params.min_max_age: expected a number"),
            "{e}"
        );
        assert!(
            e.contains("variants[1]: as: 'tls.hsts-a' names two variants"),
            "{e}"
        );
    }

    #[test]
    fn claims_are_checked_against_selection_statement_and_status() {
        let e = errors(&format!(
            "name: c\n{CLOZER}select: {{ ids: [tls.min-protocol-1-2, org.least-privilege] }}\nexclude: [tls.hsts]\nclaims:\n  - quote: \"Information on disk resides in encrypted storage volumes\"\n    line: 17\n    controls: [encryption.at-rest, tls.hsts, tls.min-protocl-1-2]\n  - quote: \"and database authorization is via SCRAM.\"\n    line: 13\n    status: not_covered\n  - quote: \"Access control for database adminstration\"\n    line: 17\n    status: checked\n    controls: [org.least-privilege]\n  - quote: \"Up to seven replicas\"\n    line: 21\n    status: manual\n    controls: [tls.min-protocol-1-2]\n    why: because\n  - quote: \"Clozer uses\"\n    line: 5\n"
        ));
        for want in [
            "p.yaml:6: claims[0]: controls: encryption.at-rest checks this claim but is not selected by the profile (add it to select.ids",
            "claims[0]: controls: tls.hsts checks this claim but is not selected by the profile (the profile excludes it)",
            "claims[0]: controls: unknown control id 'tls.min-protocl-1-2' (did you mean 'tls.min-protocol-1-2'?)",
            "p.yaml:9: claims[1]: quote: not at line 13 of statements/002_f3bf2c179f552bff.txt (built-in); it is at line 17",
            "claims[1]: why: a not_covered claim must say why",
            "claims[2]: status: checked, but org.least-privilege is a manual control judged from attestations only",
            "claims[3]: status: a manual claim must name manual controls only, but tls.min-protocol-1-2 judge evidence",
            "claims[3]: why: says why a claim is not covered",
            "claims[4]: status: a claim that no control checks must say `status: not_covered`",
            "(\"Clozer uses\", statement line 5)",
        ] {
            assert!(e.contains(want), "missing {want:?} in:\n{e}");
        }
    }

    #[test]
    fn claims_need_a_statement_that_exists() {
        let e =
            errors("name: c\nclaims:\n  - { quote: q, line: 1, status: not_covered, why: w }\n");
        assert!(
            e.contains("claims: claims quote a statement, but the profile has no `statement:`"),
            "{e}"
        );
        let e = errors("name: c\nstatement: { file: nope.txt, vendor: V }\n");
        assert!(
            e.contains("statement.file: statement file 'nope.txt' not found"),
            "{e}"
        );
        assert!(
            e.contains("002_f3bf2c179f552bff.txt"),
            "lists the built-in statements: {e}"
        );
    }

    #[test]
    fn every_builtin_profile_is_valid() {
        let cat = catalog();
        let names = builtin_names(&cat);
        for name in [
            "all",
            "cloudmore",
            "cloudset",
            "clozer",
            "coloom",
            "evermood",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        for name in &names {
            let p = Profile::resolve(name, &cat).unwrap();
            p.select(&cat).unwrap_or_else(|d| panic!("{name}: {d}"));
        }
    }
}
