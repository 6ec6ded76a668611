//! The HTML report: one self-contained page a person can open from disk, mail to an
//! auditor or print. Summary, gate, filters, every control with its findings, the
//! evidence each finding was judged from (linked, with its SHA-256), remediation, and
//! the framework view (criterion → controls → subjects → status).
//!
//! What it promises:
//! - **No network.** No external script, style, font or image; a Content-Security-Policy
//!   that allows only the page's own inline style and script, pinned by their SHA-256,
//!   so even a string that slipped through escaping could not load or run anything.
//!   Evidence links lead from the page to the documents (see
//!   `RenderOptions::evidence_base`): following one is a click by the reader, never a
//!   load by the page.
//! - **Every string from the result is escaped.** Subjects, messages, titles and paths
//!   come from evidence and results files, which are untrusted: text and attribute
//!   values go through [`esc`], link targets through [`evidence_href`] as well.
//! - **Works without script.** Everything is shown expanded; the script only adds the
//!   filters (status, severity, text search; kept in the URL fragment as
//!   `#status=fail,error&severity=high&q=tls`) and the collapsing of findings.
//! - **Prints everything.** `@media print` hides the filters and shows every control,
//!   expanded, whatever was filtered on screen.
//! - **Deterministic.** The same result gives the same bytes; the only instants shown
//!   are the result's own.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::framework::criteria;
use super::text::summary_line;
use super::GateSettings;
use crate::catalog::Framework;
use crate::check::result::{ControlResult, Finding, RunResult, Status, WaiverState, WHOLE_CONTROL};
use crate::severity::{FailOn, Severity};

/// The page's only style sheet (its hash is in the CSP).
const STYLE: &str = r#"
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg-alt: #f6f8fa; --link: #0a58ca;
  --pass: #1a7f37; --fail: #cf222e; --error: #8250df; --waived: #9a6700; --manual: #0969da;
  --attested: #1f6feb; --na: #6e7781; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 90rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 .6rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: .95rem; margin: .8rem 0 .3rem; }
a { color: var(--link); }
code, pre, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .86em; }
pre { white-space: pre-wrap; word-break: break-word; background: var(--bg-alt); padding: .5rem .7rem; border-radius: 4px; margin: .2rem 0; }
.hash { color: var(--muted); word-break: break-all; }
.muted { color: var(--muted); }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.run dt { color: var(--muted); }
dl.run dd { margin: 0; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
td a, td code, td .hash, table.findings td, #waivers td, ul.subjects li { overflow-wrap: anywhere; }
th { background: var(--bg-alt); font-weight: 600; }
table.counts { width: auto; }
table.counts td.n, table.counts th.n { text-align: right; font-variant-numeric: tabular-nums; }
.st, .sev { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .8rem; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.st-pass { color: var(--pass); } .st-fail { color: var(--fail); } .st-error { color: var(--error); }
.st-waived { color: var(--waived); } .st-manual { color: var(--manual); } .st-attested { color: var(--attested); }
.st-not_applicable { color: var(--na); }
.sev { border-color: var(--line); color: var(--fg); font-weight: 500; }
.sev-critical { background: #ffebe9; border-color: var(--fail); } .sev-high { background: #fff1e5; }
.gate { padding: .6rem .9rem; border-radius: 6px; border: 1px solid var(--line); }
.gate-failed { border-color: var(--fail); background: #fff5f5; }
.gate-passed { border-color: var(--pass); background: #f0fff4; }
.gate ul { margin: .3rem 0 0; columns: 22rem 3; column-gap: 2rem; }
.filters { display: none; position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid var(--line);
  padding: .5rem 0; }
.js .filters { display: block; }
.filter-group { display: flex; flex-wrap: wrap; align-items: center; gap: .3rem; margin: .2rem 0; }
.filter-group > .label { min-width: 5rem; color: var(--muted); }
button { font: inherit; cursor: pointer; }
button.chip { border: 1px solid var(--line); background: #fff; border-radius: 1rem; padding: .05rem .6rem; }
button.chip[aria-pressed="true"] { background: var(--fg); color: #fff; border-color: var(--fg); }
button.chip .n { color: inherit; opacity: .7; font-size: .85em; }
button.plain { border: 1px solid var(--line); background: var(--bg-alt); border-radius: 4px; padding: .05rem .5rem; }
input[type="search"] { font: inherit; padding: .15rem .4rem; min-width: 18rem; border: 1px solid var(--line); border-radius: 4px; }
button.toggle { border: 0; background: none; padding: 0 .3rem 0 0; width: 1.3rem; display: none; color: var(--muted); }
.js button.toggle { display: inline-block; }
button.toggle[aria-expanded="true"]::before { content: "\25BE"; }
button.toggle[aria-expanded="false"]::before { content: "\25B8"; }
tbody.control > tr.head > td { border-top: 2px solid var(--line); }
tbody.control > tr.head:hover { background: var(--bg-alt); }
tr.detail > td { padding: .2rem .5rem .9rem 1.8rem; }
tr.detail table th { background: none; }
td.fcounts .st { margin-right: .2rem; }
.waiver { display: block; margin-top: .2rem; color: var(--waived); }
.waiver-expired { color: var(--fail); }
.framework td.crit { min-width: 12rem; }
.framework td.crit strong { white-space: nowrap; }
ul.subjects { list-style: none; margin: 0; padding: 0; }
ul.subjects li { margin: .05rem 0; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .filters, button.toggle, .js button.toggle, nav.toc { display: none !important; }
  tbody.control[hidden] { display: table-row-group !important; }
  tr.detail[hidden] { display: table-row !important; }
  a { color: inherit; text-decoration: none; }
  tr.finding, tr.head, table.counts tr, table.evidence tr, li { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .st, .sev, .gate { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"#;

/// The page's only script (its hash is in the CSP): filters, search, the URL fragment
/// that keeps them, and expanding or collapsing findings.
const SCRIPT: &str = r#"
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var controls = Array.prototype.slice.call(doc.querySelectorAll('tbody.control'));
  var chips = Array.prototype.slice.call(doc.querySelectorAll('button.chip'));
  var search = doc.getElementById('search');
  var shown = doc.getElementById('shown-count');
  var none = doc.getElementById('none-shown');
  var lastHash = null;
  // Each control's text, node by node: the search never matches across two cells
  // ("medium" + "fail" is not "mfa").
  var texts = controls.map(function (c) {
    var w = doc.createTreeWalker(c, NodeFilter.SHOW_TEXT);
    var parts = [];
    while (w.nextNode()) { parts.push(w.currentNode.nodeValue); }
    return parts.join('\n').toLowerCase();
  });

  function pressed(kind) {
    return chips.filter(function (c) {
      return c.getAttribute('data-filter') === kind && c.getAttribute('aria-pressed') === 'true';
    }).map(function (c) { return c.getAttribute('data-value'); });
  }

  function writeHash(st, sv, q) {
    var parts = [];
    if (st.length) { parts.push('status=' + st.map(encodeURIComponent).join(',')); }
    if (sv.length) { parts.push('severity=' + sv.map(encodeURIComponent).join(',')); }
    if (q) { parts.push('q=' + encodeURIComponent(q)); }
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (hash === lastHash) { return; }
    lastHash = hash;
    try {
      history.replaceState(null, '', hash || location.pathname + location.search);
    } catch (e) { /* some viewers forbid it: the filters still work */ }
  }

  function apply() {
    var st = pressed('status');
    var sv = pressed('severity');
    var q = search.value.trim().toLowerCase();
    var n = 0;
    controls.forEach(function (c, i) {
      var ok = (st.length === 0 || st.indexOf(c.getAttribute('data-status')) >= 0) &&
        (sv.length === 0 || sv.indexOf(c.getAttribute('data-severity')) >= 0) &&
        (q === '' || texts[i].indexOf(q) >= 0);
      c.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = String(n);
    none.hidden = n !== 0;
    writeHash(st, sv, search.value.trim());
  }

  function readHash() {
    var h = location.hash.replace(/^#/, '');
    var want = { status: [], severity: [] };
    var q = '';
    h.split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i < 0) { return; }
      var k = kv.slice(0, i);
      var v = kv.slice(i + 1);
      try { v = decodeURIComponent(v); } catch (e) { return; }
      if (k === 'status' || k === 'severity') { want[k] = v.split(','); }
      if (k === 'q') { q = v; }
    });
    chips.forEach(function (c) {
      var on = want[c.getAttribute('data-filter')].indexOf(c.getAttribute('data-value')) >= 0;
      c.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
    search.value = q;
    lastHash = location.hash;
    apply();
  }

  function setExpanded(c, open) {
    var b = c.querySelector('button.toggle');
    var d = c.querySelector('tr.detail');
    if (!b || !d) { return; }
    b.setAttribute('aria-expanded', open ? 'true' : 'false');
    d.hidden = !open;
  }

  chips.forEach(function (c) {
    c.addEventListener('click', function () {
      c.setAttribute('aria-pressed', c.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
      apply();
    });
  });
  search.addEventListener('input', apply);
  doc.getElementById('clear').addEventListener('click', function () {
    chips.forEach(function (c) { c.setAttribute('aria-pressed', 'false'); });
    search.value = '';
    apply();
  });
  doc.getElementById('expand-all').addEventListener('click', function () {
    controls.forEach(function (c) { setExpanded(c, true); });
  });
  doc.getElementById('collapse-all').addEventListener('click', function () {
    controls.forEach(function (c) { setExpanded(c, false); });
  });
  controls.forEach(function (c) {
    var b = c.querySelector('button.toggle');
    if (b) {
      b.addEventListener('click', function () {
        setExpanded(c, b.getAttribute('aria-expanded') !== 'true');
      });
    }
    setExpanded(c, false);
  });
  window.addEventListener('hashchange', function () {
    // A jump to a section (#fw-soc2) is not a filter: keep the filters as they are.
    var h = location.hash;
    if (h !== lastHash && (h === '' || h.indexOf('=') >= 0)) { readHash(); }
  });
  readHash();
}());
"#;

/// Renders the HTML report. `framework` limits the framework view to one framework
/// (default: every framework the controls map to); `gate` is how the run is gated, for
/// the gate section (default: `--fail-on info`).
pub fn render(
    result: &RunResult,
    framework: Option<Framework>,
    gate: Option<GateSettings>,
    evidence_base: Option<&str>,
) -> String {
    // Links to evidence start here: the folder as seen from where the page is written,
    // or as the run recorded it.
    let base = evidence_base.unwrap_or(&result.evidence.dir);
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("assay report — {}", summary_line(result));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"assay {}\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&csp()),
        esc(&result.tool.version),
        esc(&title)
    );
    header(result, &mut out);
    summary(result, &mut out);
    gate_section(result, gate, &mut out);
    filters(result, &mut out);
    controls(result, base, &mut out);
    frameworks(result, framework, &mut out);
    waivers(result, &mut out);
    problems(result, base, &mut out);
    let _ = write!(
        out,
        "<footer>Written by assay {} from the result evaluated at {}. This page loads nothing \
         from the network; evidence links are relative to the folder it is opened from.</footer>\n\
         <script>{SCRIPT}</script>\n</body>\n</html>\n",
        esc(&result.tool.version),
        esc(&result.evaluated_at)
    );
    out
}

/// The Content-Security-Policy: nothing but the page's own style and script.
pub fn csp() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

/// A CSP source expression pinning an inline element's exact text.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Text made safe for HTML element content and for a quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls other than tab and newline are not allowed in HTML text.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The relative link to an evidence document: the evidence folder as given to
/// `assay check`, then the document's path, every byte outside `[A-Za-z0-9-._~]`
/// percent-encoded, so no path can become a scheme (`javascript:`), a host (`//x`) or
/// break out of the attribute. The result still goes through [`esc`].
pub fn evidence_href(dir: &str, path: &str) -> String {
    let absolute = dir.starts_with('/');
    let segments: Vec<String> = dir
        .split('/')
        .chain(path.split('/'))
        .filter(|s| !s.is_empty())
        .map(percent_encode)
        .collect();
    let joined = segments.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn status_badge(s: Status) -> String {
    format!("<span class=\"st st-{0}\">{0}</span>", s.as_str())
}

fn severity_badge(s: Severity) -> String {
    format!("<span class=\"sev sev-{0}\">{0}</span>", s.as_str())
}

fn header(result: &RunResult, out: &mut String) {
    let _ = write!(
        out,
        "<header>\n<h1>assay compliance report</h1>\n<dl class=\"run\" id=\"run\">\n\
         <dt>evaluated at</dt><dd id=\"evaluated-at\">{}</dd>\n\
         <dt>generated at</dt><dd>{}</dd>\n\
         <dt>assay</dt><dd>{} {}</dd>\n\
         <dt>catalog</dt><dd>{} · sha256 <code class=\"hash\" id=\"catalog-sha256\">{}</code></dd>\n\
         <dt>profile</dt><dd>{}</dd>\n\
         <dt>evidence</dt><dd><code>{}</code> · {} documents · manifest sha256 \
         <code class=\"hash\" id=\"manifest-sha256\">{}</code></dd>\n</dl>\n</header>\n",
        esc(&result.evaluated_at),
        esc(&result.generated_at),
        esc(&result.tool.name),
        esc(&result.tool.version),
        esc(&result.catalog.origin),
        esc(&result.catalog.sha256),
        result
            .profile
            .as_deref()
            .map(esc)
            .unwrap_or_else(|| "<span class=\"muted\">none (the whole catalog)</span>".into()),
        esc(&result.evidence.dir),
        result.evidence.documents,
        esc(&result.evidence.manifest_sha256),
    );
}

fn summary(result: &RunResult, out: &mut String) {
    let _ = write!(
        out,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<p id=\"summary-line\">{}</p>\n\
         <table class=\"counts\">\n<thead><tr><th>status</th><th class=\"n\">controls</th>\
         <th class=\"n\">findings</th></tr></thead>\n<tbody>\n",
        esc(&summary_line(result))
    );
    let mut findings_total = 0;
    for s in Status::ALL {
        let c = result.summary.by_status.get(&s).copied().unwrap_or(0);
        let f = result.summary.findings.get(&s).copied().unwrap_or(0);
        findings_total += f;
        let _ = writeln!(
            out,
            "<tr data-status=\"{0}\"><td>{1}</td><td class=\"n\" id=\"controls-{0}\">{c}</td>\
             <td class=\"n\" id=\"findings-{0}\">{f}</td></tr>",
            s.as_str(),
            status_badge(s)
        );
    }
    let _ = write!(
        out,
        "</tbody>\n<tfoot><tr><th>total</th><th class=\"n\" id=\"controls-total\">{}</th>\
         <th class=\"n\" id=\"findings-total\">{findings_total}</th></tr></tfoot>\n</table>\n</section>\n",
        result.summary.controls
    );
}

fn fail_on_name(f: FailOn) -> &'static str {
    match f {
        FailOn::AtLeast(s) => s.as_str(),
        FailOn::Never => "none",
    }
}

fn gate_section(result: &RunResult, settings: Option<GateSettings>, out: &mut String) {
    let settings = settings.unwrap_or(GateSettings {
        fail_on: FailOn::AtLeast(Severity::Info),
        allow_not_assessed: false,
        baseline: false,
    });
    let gate = result.gate(settings.fail_on, settings.allow_not_assessed);
    let (class, word) = if gate.passed {
        ("gate-passed", "passed")
    } else {
        ("gate-failed", "failed")
    };
    let _ = write!(
        out,
        "<section id=\"gate\">\n<h2>Gate</h2>\n<div class=\"gate {class}\">\n\
         <p>The gate <strong id=\"gate-outcome\">{word}</strong> at <code>--fail-on {}</code>{}.</p>\n",
        fail_on_name(settings.fail_on),
        if settings.allow_not_assessed {
            " with <code>--allow-not-assessed</code>"
        } else {
            ""
        }
    );
    if settings.baseline {
        let _ = writeln!(
            out,
            "<p class=\"muted\">With <code>--baseline</code>, the exit code gates only on what is \
             new relative to the baseline; shown here is the gate over the whole run.</p>"
        );
    }
    if !gate.reasons.is_empty() {
        let _ = writeln!(out, "<ul id=\"gate-reasons\">");
        for r in &gate.reasons {
            let _ = writeln!(out, "<li>{}</li>", esc(r));
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(out, "</div>\n</section>");
}

fn filters(result: &RunResult, out: &mut String) {
    let _ = write!(
        out,
        "<section class=\"filters\" id=\"filters\" aria-label=\"filters\">\n\
         <div class=\"filter-group\" role=\"group\" aria-label=\"status\"><span class=\"label\">status</span>"
    );
    for s in Status::ALL {
        let _ = write!(
            out,
            "<button type=\"button\" class=\"chip\" data-filter=\"status\" data-value=\"{0}\" \
             aria-pressed=\"false\" id=\"filter-status-{0}\">{0} <span class=\"n\">{1}</span></button>",
            s.as_str(),
            result.summary.by_status.get(&s).copied().unwrap_or(0)
        );
    }
    let _ = write!(
        out,
        "</div>\n<div class=\"filter-group\" role=\"group\" aria-label=\"severity\"><span class=\"label\">severity</span>"
    );
    let mut by_severity: BTreeMap<Severity, usize> = BTreeMap::new();
    for c in &result.controls {
        *by_severity.entry(c.severity).or_default() += 1;
    }
    for s in Severity::ALL.iter().rev() {
        let _ = write!(
            out,
            "<button type=\"button\" class=\"chip\" data-filter=\"severity\" data-value=\"{0}\" \
             aria-pressed=\"false\" id=\"filter-severity-{0}\">{0} <span class=\"n\">{1}</span></button>",
            s.as_str(),
            by_severity.get(s).copied().unwrap_or(0)
        );
    }
    let _ = write!(
        out,
        "</div>\n<div class=\"filter-group\"><label class=\"label\" for=\"search\">search</label>\
         <input type=\"search\" id=\"search\" placeholder=\"control, title, subject, message, evidence…\" \
         autocomplete=\"off\">\
         <button type=\"button\" class=\"plain\" id=\"clear\">clear filters</button>\
         <button type=\"button\" class=\"plain\" id=\"expand-all\">expand all</button>\
         <button type=\"button\" class=\"plain\" id=\"collapse-all\">collapse all</button></div>\n\
         <p class=\"muted\" aria-live=\"polite\">Showing <strong id=\"shown-count\">{0}</strong> of \
         <span id=\"total-count\">{0}</span> controls (no selection in a group shows all of it).</p>\n\
         </section>\n",
        result.controls.len()
    );
}

fn controls(result: &RunResult, base: &str, out: &mut String) {
    let _ = write!(
        out,
        "<section id=\"controls\">\n<h2>Controls</h2>\n<table class=\"controls\" id=\"controls-table\">\n\
         <thead><tr><th>control</th><th>title</th><th>severity</th><th>status</th><th>findings</th></tr></thead>\n"
    );
    for (i, c) in result.controls.iter().enumerate() {
        control(c, i, base, out);
    }
    let _ = write!(
        out,
        "</table>\n<p class=\"empty\" id=\"none-shown\" hidden>No control matches the filters.</p>\n</section>\n"
    );
}

fn control(c: &ControlResult, i: usize, dir: &str, out: &mut String) {
    let counts = c.counts();
    let count_badges: Vec<String> = Status::ALL
        .iter()
        .filter_map(|s| {
            counts.get(s).map(|n| {
                format!(
                    "<span class=\"st st-{0}\" data-count=\"{0}\">{n} {0}</span>",
                    s.as_str()
                )
            })
        })
        .collect();
    let _ = write!(
        out,
        "<tbody class=\"control\" id=\"control-{i}\" data-id=\"{id}\" data-status=\"{st}\" data-severity=\"{sev}\">\n\
         <tr class=\"head\"><td><button type=\"button\" class=\"toggle\" aria-expanded=\"true\" \
         aria-controls=\"detail-{i}\" aria-label=\"findings of {id}\"></button><code>{id}</code></td>\
         <td>{title}</td><td>{sevb}</td><td>{stb}</td><td class=\"fcounts\">{counts}</td></tr>\n\
         <tr class=\"detail\" id=\"detail-{i}\"><td colspan=\"5\">\n<p>{desc}</p>\n",
        id = esc(&c.id),
        st = c.status.as_str(),
        sev = c.severity.as_str(),
        title = esc(&c.title),
        sevb = severity_badge(c.severity),
        stb = status_badge(c.status),
        counts = count_badges.join(" "),
        desc = esc(&c.description),
    );
    let fws: Vec<String> = c
        .frameworks
        .iter()
        .map(|(f, ids)| {
            let ids: Vec<String> = ids.iter().map(|id| esc(id)).collect();
            format!("{} {}", f.key(), ids.join(", "))
        })
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"muted\">rule <code>{}</code> · evidence kinds {} · max age {} · defined in \
         <code>{}:{}</code>{}{}</p>",
        esc(&c.rule),
        esc(&c.evidence_kinds.join(", ")),
        esc(&c.max_age),
        esc(&c.source.file),
        c.source.line,
        if c.manual { " · manual control" } else { "" },
        if fws.is_empty() {
            String::new()
        } else {
            format!(" · {}", fws.join(" · "))
        }
    );
    let _ = writeln!(
        out,
        "<h4>Findings</h4>\n<table class=\"findings\">\n<thead><tr><th>subject</th><th>status</th>\
         <th>message</th><th>evidence</th></tr></thead>\n<tbody>"
    );
    if c.findings.is_empty() {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"4\" class=\"empty\">no findings</td></tr>"
        );
    }
    for f in &c.findings {
        finding(c, f, dir, out);
    }
    let _ = writeln!(out, "</tbody>\n</table>");
    if !c.remediation.trim().is_empty() {
        let _ = writeln!(
            out,
            "<h4>Remediation</h4>\n<pre class=\"remediation\">{}</pre>",
            esc(c.remediation.trim_end())
        );
    }
    if !c.evidence.is_empty() {
        let _ = writeln!(
            out,
            "<h4>Evidence considered</h4>\n<table class=\"evidence\">\n<thead><tr><th>document</th>\
             <th>kind</th><th>subject</th><th>collected at</th><th>use</th><th>sha256</th></tr></thead>\n<tbody>"
        );
        for e in &c.evidence {
            let use_ = serde_json::to_value(e.use_)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td><code class=\"hash\">{}</code></td></tr>",
                esc(&evidence_href(dir, &e.path)),
                esc(&e.path),
                esc(&e.kind),
                esc(&e.subject),
                esc(&e.collected_at),
                esc(&use_),
                esc(&e.sha256)
            );
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }
    let _ = writeln!(out, "</td></tr>\n</tbody>");
}

fn finding(c: &ControlResult, f: &Finding, dir: &str, out: &mut String) {
    let subject = if f.subject == WHOLE_CONTROL {
        "<span class=\"muted\">(the control as a whole)</span>".to_string()
    } else {
        esc(&f.subject)
    };
    let mut message = esc(&f.message);
    if let Some(w) = &f.waiver {
        let _ = write!(
            message,
            "<span class=\"waiver\">waived until <time>{}</time> by {}{}: {} (was {})</span>",
            esc(&w.expires),
            esc(&w.owner),
            w.ticket
                .as_deref()
                .map(|t| format!(" ({})", esc(t)))
                .unwrap_or_default(),
            esc(&w.reason),
            w.original_status.as_str()
        );
    }
    if let Some(w) = &f.expired_waiver {
        let _ = write!(
            message,
            "<span class=\"waiver waiver-expired\">waiver by {} expired <time>{}</time>: {}</span>",
            esc(&w.owner),
            esc(&w.expires),
            esc(&w.reason)
        );
    }
    let evidence = match &f.evidence {
        Some(path) => {
            let hash = c
                .evidence
                .iter()
                .find(|e| &e.path == path)
                .map(|e| {
                    format!(
                        "<br><span class=\"muted\">sha256</span> <code class=\"hash\">{}</code>",
                        esc(&e.sha256)
                    )
                })
                .unwrap_or_default();
            format!(
                "<a class=\"evidence\" href=\"{}\">{}</a>{hash}",
                esc(&evidence_href(dir, path)),
                esc(path)
            )
        }
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "<tr class=\"finding\" data-status=\"{}\"><td>{subject}</td><td>{}</td><td>{message}</td><td>{evidence}</td></tr>",
        f.status.as_str(),
        status_badge(f.status)
    );
}

fn frameworks(result: &RunResult, only: Option<Framework>, out: &mut String) {
    let present: Vec<Framework> = Framework::ALL
        .into_iter()
        .filter(|fw| only.is_none_or(|o| o == *fw))
        .filter(|fw| {
            result
                .controls
                .iter()
                .any(|c| c.frameworks.contains_key(fw))
        })
        .collect();
    let _ = writeln!(out, "<section id=\"frameworks\">\n<h2>Frameworks</h2>");
    if present.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\">No control in this run maps to {}.</p>",
            only.map(|f| esc(f.title()))
                .unwrap_or_else(|| "a framework".into())
        );
    } else if present.len() > 1 {
        let links: Vec<String> = present
            .iter()
            .map(|f| format!("<a href=\"#fw-{}\">{}</a>", f.key(), esc(f.title())))
            .collect();
        let _ = writeln!(out, "<nav class=\"toc\">{}</nav>", links.join(" · "));
    }
    let by_id: BTreeMap<&str, &ControlResult> =
        result.controls.iter().map(|c| (c.id.as_str(), c)).collect();
    for fw in present {
        let crit = criteria(result, fw);
        let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
        for c in &crit {
            *counts.entry(c.status).or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let _ = write!(
            out,
            "<section class=\"framework\" id=\"fw-{key}\" data-framework=\"{key}\">\n<h3>{title}</h3>\n\
             <p class=\"muted\">{n} criteria: {parts}</p>\n<table class=\"framework\">\n\
             <thead><tr><th>criterion</th><th>status</th><th>control</th><th>control status</th>\
             <th>subjects</th></tr></thead>\n",
            key = fw.key(),
            title = esc(fw.title()),
            n = crit.len(),
            parts = parts.join(", ")
        );
        for cr in &crit {
            let _ = writeln!(
                out,
                "<tbody class=\"criterion\" data-status=\"{}\">",
                cr.status.as_str()
            );
            for (j, (cid, cstatus)) in cr.controls.iter().enumerate() {
                let _ = write!(out, "<tr>");
                if j == 0 {
                    let rows = cr.controls.len();
                    let _ = write!(
                        out,
                        "<td class=\"crit\" rowspan=\"{rows}\"><strong>{}</strong>{}</td>\
                         <td rowspan=\"{rows}\">{}</td>",
                        esc(&cr.id),
                        cr.title
                            .as_deref()
                            .map(|t| format!("<br><span class=\"muted\">{}</span>", esc(t)))
                            .unwrap_or_default(),
                        status_badge(cr.status)
                    );
                }
                let subjects = by_id
                    .get(cid.as_str())
                    .map(|c| subject_list(&c.findings))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<td><code>{}</code></td><td>{}</td><td>{subjects}</td></tr>",
                    esc(cid),
                    status_badge(*cstatus)
                );
            }
            let _ = writeln!(out, "</tbody>");
        }
        let _ = writeln!(out, "</table>\n</section>");
    }
    let _ = writeln!(out, "</section>");
}

fn subject_list(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "<span class=\"empty\">no findings</span>".into();
    }
    let mut s = String::from("<ul class=\"subjects\">");
    for f in findings {
        let subject = if f.subject == WHOLE_CONTROL {
            "<span class=\"muted\">(the control as a whole)</span>".to_string()
        } else {
            esc(&f.subject)
        };
        let _ = write!(s, "<li>{} {subject}</li>", status_badge(f.status));
    }
    s.push_str("</ul>");
    s
}

fn waivers(result: &RunResult, out: &mut String) {
    if result.waivers.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"waivers\">\n<h2>Waivers</h2>\n<table>\n<thead><tr><th>control</th><th>subjects</th>\
         <th>state</th><th>expires</th><th>owner</th><th>reason</th><th>findings</th></tr></thead>\n<tbody>"
    );
    for w in &result.waivers {
        let state = match w.state {
            WaiverState::Active => "active",
            WaiverState::Expired => "expired",
            WaiverState::Unused => "unused",
        };
        let _ = writeln!(
            out,
            "<tr data-state=\"{state}\"><td><code>{}</code></td><td><code>{}</code></td><td>{state}</td>\
             <td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
            esc(&w.control),
            esc(&w.subjects),
            esc(&w.expires),
            esc(&w.owner),
            esc(&w.reason),
            w.ticket
                .as_deref()
                .map(|t| format!(" ({})", esc(t)))
                .unwrap_or_default(),
            w.matched
        );
    }
    let _ = writeln!(out, "</tbody>\n</table>\n</section>");
}

fn problems(result: &RunResult, base: &str, out: &mut String) {
    if result.problems.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"problems\">\n<h2>Evidence problems</h2>\n<p>These documents failed \
         verification; they fail the gate.</p>\n<ul>"
    );
    for p in &result.problems {
        let _ = writeln!(
            out,
            "<li><a href=\"{}\"><code>{}</code></a>: {}</li>",
            esc(&evidence_href(base, &p.path)),
            esc(&p.path),
            esc(&p.message)
        );
    }
    let _ = writeln!(out, "</ul>\n</section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{0}b\u{1b}c\nd"), "a\u{FFFD}b\u{FFFD}c\nd");
    }

    #[test]
    fn evidence_links_stay_relative_and_inert() {
        assert_eq!(
            evidence_href("examples/coloom/evidence", "tls.endpoint/a b.json"),
            "examples/coloom/evidence/tls.endpoint/a%20b.json"
        );
        assert_eq!(evidence_href("/srv/ev", "x.json"), "/srv/ev/x.json");
        // A path cannot become a scheme, a host or an attribute break-out.
        assert_eq!(
            evidence_href("", "javascript:alert(1)"),
            "javascript%3Aalert%281%29"
        );
        assert_eq!(evidence_href("", "//evil.example/x"), "evil.example/x");
        assert_eq!(evidence_href(".", "\"><x"), "./%22%3E%3Cx");
        assert_eq!(evidence_href("ev", "sftp:r@h:/p"), "ev/sftp%3Ar%40h%3A/p");
    }

    #[test]
    fn the_policy_pins_the_inline_style_and_script() {
        let p = csp();
        assert!(p.starts_with("default-src 'none';"));
        assert!(!p.contains("unsafe"));
        // Known answer: SHA-256 of the empty string.
        assert_eq!(
            csp_hash(""),
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert!(p.contains(&csp_hash(STYLE)) && p.contains(&csp_hash(SCRIPT)));
    }

    #[test]
    fn the_script_and_style_never_close_their_element() {
        assert!(!SCRIPT.contains("</"));
        assert!(!STYLE.contains("</"));
    }
}
