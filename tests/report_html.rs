//! The HTML report (`--format html`) end to end.
//!
//! Without a browser: the page is well formed (every element closed, every attribute
//! quoted, no raw `<`, `>` or stray `&` in text), self-contained (no external script,
//! style, font or image; a CSP that pins the inline style and script by hash), links every
//! finding to its evidence document and shows its SHA-256, escapes hostile strings from
//! evidence and from a crafted results file, and is byte-for-byte deterministic.
//!
//! In a browser: Debian's real Chromium, driven over the DevTools protocol (chromiumoxide),
//! opens the page from disk and the test reads what a person sees: the title and the
//! counts equal the results JSON, nothing is logged to the console (exceptions, console
//! errors, CSP violations) and nothing but `file://` is requested; clicking the `fail`
//! filter leaves exactly the failing controls visible, severity likewise, the two combine,
//! typing a search narrows the list, a filter in the URL fragment is applied on load,
//! a control's findings expand, every evidence link resolves to a file that exists, and
//! print media shows every control expanded with the filters hidden. A report built from
//! hostile evidence runs no script of the evidence's and shows the text literally.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::emulation::SetEmulatedMediaParams;
use chromiumoxide::cdp::browser_protocol::log::{EventEntryAdded, LogEntryLevel};
use chromiumoxide::cdp::browser_protocol::network::EventRequestWillBeSent;
use chromiumoxide::cdp::browser_protocol::page::EventJavascriptDialogOpening;
use chromiumoxide::cdp::js_protocol::runtime::{
    ConsoleApiCalledType, EventConsoleApiCalled, EventExceptionThrown,
};
use chromiumoxide::Page;
use futures::StreamExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use common::{path_str, root, run, write_file};

const NOW: &str = "2026-11-25T06:00:00Z";

/// A hostile string: markup, both quotes, an entity-looking ampersand.
const HOSTILE: &str = "<script>alert(1)</script>\"'&amp;x";

/// A report written by `assay check --format html`, with the results JSON of the same run.
struct Report {
    dir: tempfile::TempDir,
    path: PathBuf,
    html: String,
    results: Value,
}

/// The bundled example (every status occurs), its evidence folder given as an absolute
/// path so that the page's evidence links resolve from the temporary folder.
fn coloom(extra: &[&str]) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let json_path = dir.path().join("results.json");
    let ev = root().join("examples/coloom/evidence");
    let write = format!("json={}", path_str(&json_path));
    let mut args = vec![
        "check",
        "--evidence",
        path_str(&ev),
        "--profile",
        "examples/coloom/profile.yaml",
        "--waivers",
        "examples/coloom/waivers.yaml",
        "--now",
        NOW,
        "--format",
        "html",
        "--output",
        path_str(&path),
        "--write",
        &write,
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.code, 1, "the example has failures: {}", o.stderr);
    report_at(dir, path, &json_path)
}

fn report_at(dir: tempfile::TempDir, path: PathBuf, json_path: &Path) -> Report {
    let html = std::fs::read_to_string(&path).unwrap();
    let results = serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    Report {
        dir,
        path,
        html,
        results,
    }
}

/// A report on an evidence folder whose only document is about a host named [`HOSTILE`].
fn hostile_evidence_report() -> Report {
    let dir = tempfile::tempdir().unwrap();
    let host = format!("{HOSTILE}.example");
    let mut doc = common::tls_doc(&host);
    doc["body"]["certificate"]["hostname_match"] = json!(false);
    doc["body"]["protocols"]["tls1_0"] = json!(true);
    let raw = write_file(dir.path(), "raw.json", &json!([doc]).to_string());
    let ev = dir.path().join("evidence");
    let o = run(&[
        "evidence",
        "import",
        path_str(&raw),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let path = dir.path().join("report.html");
    let json_path = dir.path().join("results.json");
    let write = format!("json={}", path_str(&json_path));
    let o = run(&[
        "check",
        "--evidence",
        path_str(&ev),
        "--now",
        NOW,
        "--format",
        "html",
        "--output",
        path_str(&path),
        "--write",
        &write,
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    report_at(dir, path, &json_path)
}

fn controls(results: &Value) -> &Vec<Value> {
    results["controls"].as_array().unwrap()
}

fn ids_where(results: &Value, keep: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    controls(results)
        .iter()
        .filter(|c| keep(c))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn count(results: &Value, group: &str, status: &str) -> u64 {
    results["summary"][group][status].as_u64().unwrap_or(0)
}

const STATUSES: [&str; 7] = [
    "pass",
    "fail",
    "error",
    "waived",
    "manual",
    "attested",
    "not_applicable",
];

// ---------------------------------------------------------------------------------------
// Markup, without a browser.
// ---------------------------------------------------------------------------------------

/// One start tag: its name and attributes (values unescaped only of `&quot;`-free text).
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

const VOID: [&str; 6] = ["meta", "br", "input", "hr", "wbr", "col"];

/// Checks the page as a strict HTML parser would have nothing to repair: the doctype
/// first, every non-void element closed in order, attributes double-quoted with no `<`,
/// `>` or `"` inside, text without `<` or `>`, every `&` an entity, ids unique. Returns
/// the start tags in order and the raw text of `<style>` and `<script>`.
fn parse(html: &str) -> (Vec<Tag>, Vec<(String, String)>) {
    let rest = html
        .strip_prefix("<!DOCTYPE html>\n")
        .expect("the page starts with the HTML5 doctype");
    let b = rest.as_bytes();
    let (mut i, mut stack, mut tags, mut raw) = (0, Vec::<String>::new(), Vec::new(), Vec::new());
    let mut ids = BTreeSet::new();
    let at = |i: usize| context(rest, i);
    while i < b.len() {
        if b[i] != b'<' {
            let end = rest[i..].find('<').map_or(b.len(), |n| i + n);
            let text = &rest[i..end];
            assert!(!text.contains('>'), "raw '>' in text {}", at(i));
            check_entities(text, || at(i));
            i = end;
            continue;
        }
        let end = i + rest[i..]
            .find('>')
            .unwrap_or_else(|| panic!("unclosed tag {}", at(i)));
        let inner = &rest[i + 1..end];
        if let Some(name) = inner.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing {}", at(i)));
            assert_eq!(open, name, "</{name}> closes <{open}> {}", at(i));
            i = end + 1;
            continue;
        }
        let tag = parse_tag(inner, || at(i));
        if let Some((_, id)) = tag.attrs.iter().find(|(k, _)| k == "id") {
            assert!(ids.insert(id.clone()), "duplicate id {id:?}");
        }
        i = end + 1;
        if tag.name == "style" || tag.name == "script" {
            let close = format!("</{}>", tag.name);
            let stop = i + rest[i..].find(&close).expect("raw text element closed");
            raw.push((tag.name.clone(), rest[i..stop].to_string()));
            i = stop + close.len();
        } else if !VOID.contains(&tag.name.as_str()) {
            stack.push(tag.name.clone());
        }
        tags.push(tag);
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    (tags, raw)
}

fn parse_tag(inner: &str, at: impl Fn() -> String + Copy) -> Tag {
    let name_end = inner.find([' ', '\n']).unwrap_or(inner.len());
    let name = inner[..name_end].to_string();
    assert!(
        !name.is_empty()
            && name
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "bad tag name {name:?} {}",
        at()
    );
    let mut attrs = Vec::new();
    let mut s = inner[name_end..].trim_start();
    while !s.is_empty() {
        let key_end = s.find(['=', ' ']).unwrap_or(s.len());
        let key = &s[..key_end];
        assert!(
            key.bytes().all(|c| c.is_ascii_lowercase() || c == b'-'),
            "bad attribute name {key:?} {}",
            at()
        );
        s = &s[key_end..];
        let value = if let Some(v) = s.strip_prefix("=\"") {
            let close = v
                .find('"')
                .unwrap_or_else(|| panic!("unquoted attribute {}", at()));
            let value = &v[..close];
            assert!(!value.contains('<'), "'<' in attribute {key} {}", at());
            check_entities(value, at);
            s = &v[close + 1..];
            unescape(value)
        } else {
            assert!(
                s.is_empty() || s.starts_with(' '),
                "unquoted attribute {key} {}",
                at()
            );
            String::new()
        };
        attrs.push((key.to_string(), value));
        s = s.trim_start();
    }
    Tag { name, attrs }
}

/// An attribute value as the browser reads it (the report writes only these references).
fn unescape(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text around byte `i`, for a failure message.
fn context(s: &str, i: usize) -> String {
    let mut from = i.saturating_sub(60);
    while !s.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (i + 60).min(s.len());
    while !s.is_char_boundary(to) {
        to += 1;
    }
    format!("at byte {i}: …{}…", &s[from..to])
}

/// Every `&` starts a named (`&amp;`) or numeric (`&#39;`) character reference.
fn check_entities(text: &str, at: impl Fn() -> String) {
    for (n, _) in text.match_indices('&') {
        let tail = &text[n + 1..];
        let end = tail
            .find(';')
            .unwrap_or_else(|| panic!("stray '&' {}", at()));
        let name = &tail[..end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot")
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()));
        assert!(ok, "bad character reference &{name}; {}", at());
    }
}

fn csp_hash(text: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

/// The page loads nothing: no element that fetches, no link with a scheme or a host, no
/// CSS import or url(), and a CSP that allows only the inline style and script it holds.
fn assert_self_contained(html: &str) {
    let (tags, raw) = parse(html);
    for t in &tags {
        assert!(
            !matches!(
                t.name.as_str(),
                "link"
                    | "img"
                    | "iframe"
                    | "object"
                    | "embed"
                    | "base"
                    | "form"
                    | "audio"
                    | "video"
                    | "source"
                    | "frame"
                    | "svg"
            ),
            "<{}> in the page",
            t.name
        );
        for (k, v) in &t.attrs {
            assert!(!k.starts_with("on"), "event handler attribute {k}={v:?}");
            assert!(
                k != "style",
                "inline style attribute {v:?} (the CSP forbids it)"
            );
            if matches!(
                k.as_str(),
                "src" | "href" | "action" | "formaction" | "poster" | "srcset" | "data" | "ping"
            ) {
                let before_slash = v.split('/').next().unwrap_or("");
                assert!(
                    !before_slash.contains(':') && !v.starts_with("//") && !v.contains('\\'),
                    "<{} {k}={v:?}>: a link must be relative, without scheme or host",
                    t.name
                );
                assert!(t.name == "a", "{k} on <{}>", t.name);
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    for bad in ["@import", "url(", "http://", "https://"] {
        for (name, text) in &raw {
            assert!(
                !text.to_ascii_lowercase().contains(bad),
                "{bad} in <{name}>"
            );
        }
        assert!(
            !lower.contains(&format!("=\"{bad}")),
            "an attribute starts with {bad}"
        );
    }
    let kinds: Vec<&str> = raw.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        kinds,
        ["style", "script"],
        "one inline style, one inline script"
    );
    let meta = tags
        .iter()
        .find(|t| {
            t.attrs
                .iter()
                .any(|(k, v)| k == "http-equiv" && v == "Content-Security-Policy")
        })
        .expect("a CSP meta element");
    let csp = &meta.attrs.iter().find(|(k, _)| k == "content").unwrap().1;
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(!csp.contains("unsafe"), "{csp}");
    for (name, text) in &raw {
        assert!(
            csp.contains(&csp_hash(text)),
            "the CSP does not pin the <{name}> it holds: {csp}"
        );
    }
    let script = tags.iter().find(|t| t.name == "script").unwrap();
    assert!(
        script.attrs.is_empty(),
        "the script is inline, nothing else"
    );
}

#[test]
fn page_is_well_formed_and_self_contained() {
    let r = coloom(&[]);
    assert_self_contained(&r.html);
    assert!(r.html.contains("<html lang=\"en\">"));
    assert!(r.html.contains("<meta charset=\"utf-8\">"));
    assert!(r.html.contains("@media print"));
}

#[test]
fn evidence_links_resolve_from_where_the_page_is_written() {
    // The evidence folder as a user gives it, relative to the working directory, and the
    // page written two folders away: the links must lead from the page to the documents.
    let target = root().join("target");
    std::fs::create_dir_all(&target).unwrap();
    let dir = tempfile::tempdir_in(&target).unwrap();
    let out = dir.path().join("site/reports");
    std::fs::create_dir_all(&out).unwrap();
    let page = out.join("report.html");
    let md = out.join("report.md");
    let write = format!("html={}", path_str(&page));
    let o = run(&[
        "check",
        "--evidence",
        "examples/coloom/evidence",
        "--now",
        NOW,
        "--format",
        "markdown",
        "--output",
        path_str(&md),
        "--write",
        &write,
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    let (tags, _) = parse(&html);
    let links: Vec<&str> = tags
        .iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attrs.iter().find(|(k, _)| k == "href"))
        .map(|(_, v)| v.as_str())
        .filter(|h| h.contains("evidence/"))
        .collect();
    assert!(links.len() > 10, "{} evidence links", links.len());
    for h in links {
        assert!(
            h.starts_with("../../../../"),
            "{h}: not relative to the page"
        );
        assert!(
            out.join(percent_decode(h)).is_file(),
            "{h}: does not resolve from {}",
            out.display()
        );
    }
    // The page still shows the folder as the run recorded it.
    assert!(html.contains("examples/coloom/evidence"));
}

#[test]
fn every_finding_links_its_evidence_and_shows_its_hash() {
    let r = coloom(&[]);
    let (tags, _) = parse(&r.html);
    let hrefs: BTreeSet<&str> = tags
        .iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attrs.iter().find(|(k, _)| k == "href"))
        .map(|(_, v)| v.as_str())
        .collect();
    let dir = r.results["evidence"]["dir"].as_str().unwrap();
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/coloom/evidence/manifest.json")).unwrap(),
    )
    .unwrap();
    let by_path: BTreeMap<&str, &str> = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["sha256"].as_str().unwrap()))
        .collect();
    let mut linked = 0;
    for c in controls(&r.results) {
        for f in c["findings"].as_array().unwrap() {
            let Some(path) = f["evidence"].as_str() else {
                continue;
            };
            let href = assay::report::html::evidence_href(dir, path);
            assert!(hrefs.contains(href.as_str()), "no link to {href}");
            assert!(
                Path::new(&percent_decode(&href)).is_file(),
                "{href}: the link does not resolve to the document"
            );
            let sha = by_path[path];
            let row = format!(
                "{}</a><br><span class=\"muted\">sha256</span> <code class=\"hash\">{sha}</code>",
                assay::report::html::esc(path)
            );
            assert!(
                r.html.contains(&row),
                "finding on {path} lacks its hash {sha}"
            );
            linked += 1;
        }
    }
    assert!(linked > 100, "only {linked} findings have evidence");
    for key in ["catalog", "evidence"] {
        let digest = if key == "catalog" {
            r.results["catalog"]["sha256"].as_str().unwrap()
        } else {
            r.results["evidence"]["manifest_sha256"].as_str().unwrap()
        };
        assert!(r.html.contains(digest), "{key} digest missing");
    }
}

#[test]
fn counts_waivers_remediation_and_frameworks_are_shown() {
    let r = coloom(&[]);
    for s in STATUSES {
        for group in ["by_status", "findings"] {
            let id = if group == "by_status" {
                "controls"
            } else {
                "findings"
            };
            let n = count(&r.results, group, s);
            assert!(
                r.html.contains(&format!("id=\"{id}-{s}\">{n}</td>")),
                "{id} {s} should be {n}"
            );
        }
    }
    assert!(r
        .html
        .contains("<strong id=\"gate-outcome\">failed</strong>"));
    // The example's waiver: owner and expiry beside the waived finding.
    let waived: Vec<&Value> = controls(&r.results)
        .iter()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .filter(|f| f["status"] == "waived")
        .collect();
    assert!(!waived.is_empty());
    for f in waived {
        let w = &f["waiver"];
        let shown = format!(
            "waived until <time>{}</time> by {}",
            w["expires"].as_str().unwrap(),
            assay::report::html::esc(w["owner"].as_str().unwrap())
        );
        assert!(r.html.contains(&shown), "{shown}");
    }
    for c in controls(&r.results) {
        let rem = c["remediation"].as_str().unwrap().trim_end();
        assert!(
            r.html.contains(&assay::report::html::esc(rem)),
            "remediation of {}",
            c["id"]
        );
    }
    // Every framework the example maps to has its view, criteria in natural order.
    for fw in ["soc2", "iso27001", "c5", "pci", "nist"] {
        assert!(r.html.contains(&format!("id=\"fw-{fw}\"")), "{fw} view");
    }
    let soc2 = &r.html[r.html.find("id=\"fw-soc2\"").unwrap()..];
    let soc2 = &soc2[..soc2.find("</section>").unwrap()];
    let crits: Vec<&str> = soc2
        .split("<td class=\"crit\" rowspan=\"")
        .skip(1)
        .map(|s| {
            let s = &s[s.find("<strong>").unwrap() + 8..];
            &s[..s.find("</strong>").unwrap()]
        })
        .collect();
    let pos = |id: &str| crits.iter().position(|c| *c == id);
    assert!(
        pos("CC6.1").is_some() && pos("CC6.6").is_some(),
        "{crits:?}"
    );
    if let (Some(a), Some(b)) = (pos("CC6.6"), pos("CC6.10")) {
        assert!(a < b, "natural order: {crits:?}");
    }
    assert!(pos("CC6.1") < pos("CC6.6"), "{crits:?}");

    // --framework limits the framework view to one.
    let one = coloom(&["--framework", "pci"]);
    assert!(one.html.contains("id=\"fw-pci\""));
    assert!(!one.html.contains("id=\"fw-soc2\""));
}

#[test]
fn output_is_deterministic_and_report_rerenders_it() {
    let r = coloom(&[]);
    let json_path = r.dir.path().join("results.json");
    let render = |out: &str| {
        let out = r.dir.path().join(out);
        let o = run(&[
            "report",
            path_str(&json_path),
            "--now",
            NOW,
            "--format",
            "html",
            "--output",
            path_str(&out),
        ]);
        assert_eq!(o.code, 1, "{}", o.stderr);
        std::fs::read_to_string(out).unwrap()
    };
    let a = render("a.html");
    let b = render("b.html");
    assert_eq!(a, b, "two renders of one result differ");
    assert_eq!(a, r.html, "`report` renders what `check` rendered");
}

#[test]
fn hostile_evidence_is_escaped() {
    let r = hostile_evidence_report();
    assert_self_contained(&r.html);
    assert!(
        !r.html.contains("<script>alert"),
        "raw markup from evidence"
    );
    let escaped = assay::report::html::esc(HOSTILE);
    assert!(
        r.html.contains(&escaped),
        "the hostile subject is shown, escaped"
    );
    assert!(escaped.contains("&lt;script&gt;") && escaped.contains("&amp;amp;"));
}

#[test]
fn a_crafted_results_file_cannot_inject_markup() {
    let r = coloom(&[]);
    let mut results = r.results.clone();
    let c = &mut results["controls"][0];
    c["title"] = json!(HOSTILE);
    c["description"] = json!(HOSTILE);
    c["remediation"] = json!(format!("{HOSTILE}</pre><script>alert(2)</script>"));
    c["frameworks"]["soc2"] = json!([HOSTILE]);
    c["findings"][0]["subject"] = json!(HOSTILE);
    c["findings"][0]["message"] = json!(HOSTILE);
    c["findings"][0]["evidence"] = json!("\"><img src=x onerror=alert(3)>/javascript:alert(4)");
    c["findings"][1]["evidence"] = json!("//evil.example/x.json");
    c["findings"][1]["waiver"] = json!({
        "owner": HOSTILE, "reason": HOSTILE, "expires": "2099-01-01T00:00:00Z",
        "ticket": HOSTILE, "original_status": "fail"
    });
    c["findings"][1]["status"] = json!("waived");
    results["evidence"]["dir"] = json!("javascript:alert(5)");
    results["profile"] = json!(HOSTILE);
    results["tool"]["version"] = json!(HOSTILE);
    let path = write_file(r.dir.path(), "crafted.json", &results.to_string());
    let out = r.dir.path().join("crafted.html");
    let o = run(&[
        "report",
        path_str(&path),
        "--now",
        NOW,
        "--format",
        "html",
        "--output",
        path_str(&out),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let html = std::fs::read_to_string(out).unwrap();
    assert_self_contained(&html);
    for bad in ["<script>alert", "<img", "href=\"javascript:", "href=\"//"] {
        assert!(!html.contains(bad), "{bad} reached the page");
    }
    assert!(html.contains("href=\"javascript%3Aalert%285%29/%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%283%29%3E/javascript%3Aalert%284%29\""));
}

// ---------------------------------------------------------------------------------------
// In Debian's Chromium.
// ---------------------------------------------------------------------------------------

/// The Chromium binary: `$ASSAY_CHROMIUM`, or `chromium` / `chromium-browser` on PATH.
/// Missing, the test fails with the package to install (scripts/test installs it).
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("ASSAY_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "chromium is not installed: the HTML report is tested in a real browser; \
         install it with `apt-get install -y chromium` (scripts/test does)"
    )
}

/// What a page said or asked for that a clean page never does.
#[derive(Clone, Default)]
struct Observed {
    errors: Arc<Mutex<Vec<String>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Observed {
    fn error(&self, e: String) {
        self.errors.lock().unwrap().push(e);
    }
}

/// Records in the page, before its own script runs, what CDP might not name: uncaught
/// errors and CSP violations (the DevTools events are checked as well).
const HOOK: &str = r#"
window.__assayProblems = [];
window.addEventListener('error', function (e) { window.__assayProblems.push('error: ' + e.message); });
document.addEventListener('securitypolicyviolation', function (e) {
  window.__assayProblems.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
});
"#;

/// Opens `url` in a new tab, watching exceptions, console errors and warnings, log
/// entries (CSP violations, failed loads), dialogs and every request from the start.
async fn open(browser: &Browser, url: &str) -> (Page, Observed) {
    let page = browser.new_page("about:blank").await.expect("a tab");
    let seen = Observed::default();
    let mut exceptions = page.event_listener::<EventExceptionThrown>().await.unwrap();
    let mut console = page
        .event_listener::<EventConsoleApiCalled>()
        .await
        .unwrap();
    let mut log = page.event_listener::<EventEntryAdded>().await.unwrap();
    let mut dialogs = page
        .event_listener::<EventJavascriptDialogOpening>()
        .await
        .unwrap();
    let mut requests = page
        .event_listener::<EventRequestWillBeSent>()
        .await
        .unwrap();
    let s = seen.clone();
    tokio::spawn(async move {
        while let Some(e) = exceptions.next().await {
            s.error(format!("exception: {:?}", e.exception_details));
        }
    });
    let s = seen.clone();
    tokio::spawn(async move {
        while let Some(e) = console.next().await {
            if matches!(
                e.r#type,
                ConsoleApiCalledType::Error
                    | ConsoleApiCalledType::Warning
                    | ConsoleApiCalledType::Assert
            ) {
                let args: Vec<String> = e
                    .args
                    .iter()
                    .map(|a| {
                        a.value
                            .as_ref()
                            .map(|v| v.to_string())
                            .or_else(|| a.description.clone())
                            .unwrap_or_default()
                    })
                    .collect();
                s.error(format!("console.{:?}: {}", e.r#type, args.join(" ")));
            }
        }
    });
    let s = seen.clone();
    tokio::spawn(async move {
        while let Some(e) = log.next().await {
            if matches!(e.entry.level, LogEntryLevel::Error | LogEntryLevel::Warning) {
                s.error(format!(
                    "log {:?} {:?}: {} ({:?})",
                    e.entry.level, e.entry.source, e.entry.text, e.entry.url
                ));
            }
        }
    });
    let s = seen.clone();
    tokio::spawn(async move {
        while let Some(e) = dialogs.next().await {
            s.error(format!("dialog {:?}: {}", e.r#type, e.message));
        }
    });
    let s = seen.clone();
    tokio::spawn(async move {
        while let Some(e) = requests.next().await {
            s.requests.lock().unwrap().push(e.request.url.clone());
        }
    });
    page.evaluate_on_new_document(HOOK).await.unwrap();
    page.goto(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    (page, seen)
}

async fn eval<T: serde::de::DeserializeOwned>(page: &Page, js: &str) -> T {
    page.evaluate(js)
        .await
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .into_value()
        .unwrap_or_else(|e| panic!("{js}: {e}"))
}

/// The ids of the controls a person sees (laid out, not only present).
const VISIBLE: &str = "(() => Array.from(document.querySelectorAll('tbody.control'))\
    .filter(c => c.getClientRects().length > 0).map(c => c.getAttribute('data-id')))()";

/// Waits until the visible controls are `want` (the page reacts to input at once; the
/// wait only absorbs event delivery), then checks the "showing N" counter.
async fn expect_visible(page: &Page, want: &BTreeSet<String>, what: &str) {
    let start = Instant::now();
    loop {
        let got: BTreeSet<String> = eval::<Vec<String>>(page, VISIBLE)
            .await
            .into_iter()
            .collect();
        if &got == want {
            break;
        }
        if start.elapsed() > Duration::from_secs(5) {
            let extra: Vec<_> = got.difference(want).collect();
            let missing: Vec<_> = want.difference(&got).collect();
            let state: String = eval(
                page,
                "document.getElementById('search').value + ' ' + location.hash",
            )
            .await;
            panic!("{what}: visible controls differ (search and fragment: {state}): shown but not expected {extra:?}, expected but hidden {missing:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let shown: String = eval(page, "document.getElementById('shown-count').textContent").await;
    assert_eq!(
        shown,
        want.len().to_string(),
        "{what}: the 'showing' counter"
    );
}

async fn click(page: &Page, selector: &str) {
    page.find_element(selector)
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

async fn assert_clean(page: &Page, seen: &Observed, what: &str) {
    // Let late events (a CSP report, a console message) arrive.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let in_page: Vec<String> = eval(page, "window.__assayProblems").await;
    let errors = seen.errors.lock().unwrap().clone();
    assert!(
        errors.is_empty() && in_page.is_empty(),
        "{what}: the console is not clean: {errors:#?} {in_page:#?}"
    );
    let requests = seen.requests.lock().unwrap().clone();
    assert!(!requests.is_empty(), "{what}: no request seen at all");
    for u in &requests {
        assert!(u.starts_with("file:///"), "{what}: requested {u}");
    }
}

/// Everything a control's text holds that the page shows (tags and params it does not).
fn control_text(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(a) => a.iter().for_each(|x| control_text(x, out)),
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| *k != "params" && *k != "tags")
            .for_each(|(_, x)| control_text(x, out)),
        _ => {}
    }
}

fn file_url(p: &Path) -> String {
    format!("file://{}", path_str(p))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_works_in_chromium() {
    let started = Instant::now();
    let report = coloom(&[]);
    let hostile = hostile_evidence_report();
    let results = &report.results;
    let profile = tempfile::tempdir().unwrap();
    let config = BrowserConfig::builder()
        .chrome_executable(chromium())
        .no_sandbox()
        .user_data_dir(profile.path())
        .launch_timeout(Duration::from_secs(60))
        .request_timeout(Duration::from_secs(30))
        // Quiet and offline: nothing of Chromium's own may reach for the network.
        .args([
            "--disable-gpu",
            "--disable-quic",
            "--disable-component-update",
            "--disable-domain-reliability",
            "--no-default-browser-check",
            "--no-pings",
            "--log-level=3",
        ])
        .build()
        .expect("browser config");
    let (mut browser, mut handler) = Browser::launch(config)
        .await
        .unwrap_or_else(|e| panic!("launching {}: {e}", chromium().display()));
    let driver = tokio::spawn(async move { while handler.next().await.is_some() {} });

    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        // The page renders: title, counts.
        let (page, seen) = open(&browser, &file_url(&report.path)).await;
        let title: String = eval(&page, "document.title").await;
        let n = controls(results).len();
        assert!(
            title.starts_with(&format!("assay report — {n} controls: ")),
            "{title}"
        );
        for s in STATUSES {
            let c: String = eval(&page, &format!("document.getElementById('controls-{s}').textContent")).await;
            assert_eq!(c, count(results, "by_status", s).to_string(), "controls {s}");
            let f: String = eval(&page, &format!("document.getElementById('findings-{s}').textContent")).await;
            assert_eq!(f, count(results, "findings", s).to_string(), "findings {s}");
            let in_title = count(results, "by_status", s);
            if in_title > 0 {
                assert!(title.contains(&format!("{in_title} {s}")), "{title}");
            }
        }
        let total: String = eval(&page, "document.getElementById('controls-total').textContent").await;
        assert_eq!(total, results["summary"]["controls"].to_string());
        let all = ids_where(results, |_| true);
        expect_visible(&page, &all, "on load").await;

        // Findings start collapsed; the toggle opens them.
        let open_details: usize = eval(&page, "document.querySelectorAll('tr.detail:not([hidden])').length").await;
        assert_eq!(open_details, 0, "findings start collapsed");
        click(&page, "#control-0 button.toggle").await;
        let first_open: bool = eval(&page, "document.getElementById('detail-0').getClientRects().length > 0").await;
        assert!(first_open, "the toggle shows the findings");

        // Every evidence link resolves to a document that exists.
        let hrefs: Vec<String> = eval(&page, "Array.from(document.querySelectorAll('a.evidence, table.evidence a')).map(a => a.href)").await;
        assert!(hrefs.len() > 100, "{} evidence links", hrefs.len());
        for h in &hrefs {
            let path = h.strip_prefix("file://").unwrap_or_else(|| panic!("{h} is not a file link"));
            let path = percent_decode(path);
            assert!(Path::new(&path).is_file(), "{h} does not resolve");
        }

        // Status filter: a click on `fail` leaves exactly the failing controls.
        let fail = ids_where(results, |c| c["status"] == "fail");
        assert!(!fail.is_empty() && fail.len() < n);
        click(&page, "#filter-status-fail").await;
        expect_visible(&page, &fail, "status fail").await;
        let hash: String = eval(&page, "location.hash").await;
        assert_eq!(hash, "#status=fail", "the filter is kept in the URL");
        let pressed: String = eval(&page, "document.getElementById('filter-status-fail').getAttribute('aria-pressed')").await;
        assert_eq!(pressed, "true");
        // Jumping to a framework's section keeps the filter.
        click(&page, "nav.toc a[href='#fw-soc2']").await;
        let hash: String = eval(&page, "location.hash").await;
        assert_eq!(hash, "#fw-soc2");
        expect_visible(&page, &fail, "after a jump to a section").await;

        // Two statuses: either.
        click(&page, "#filter-status-error").await;
        let fail_or_error = ids_where(results, |c| c["status"] == "fail" || c["status"] == "error");
        expect_visible(&page, &fail_or_error, "status fail or error").await;
        click(&page, "#filter-status-error").await;
        click(&page, "#filter-status-fail").await;
        expect_visible(&page, &all, "no status filter").await;

        // Severity filter, then both groups together.
        let high = ids_where(results, |c| c["severity"] == "high");
        assert!(!high.is_empty() && high.len() < n);
        click(&page, "#filter-severity-high").await;
        expect_visible(&page, &high, "severity high").await;
        click(&page, "#filter-status-fail").await;
        let fail_high = ids_where(results, |c| c["severity"] == "high" && c["status"] == "fail");
        assert!(fail_high.len() < high.len());
        expect_visible(&page, &fail_high, "fail and high").await;
        let hash: String = eval(&page, "location.hash").await;
        assert_eq!(hash, "#status=fail&severity=high");

        // Print shows every control, expanded, and no filters.
        page.execute(SetEmulatedMediaParams::builder().media("print").build())
            .await
            .unwrap();
        expect_visible_ignoring_counter(&page, &all, "print").await;
        let shown_details: usize = eval(&page, "Array.from(document.querySelectorAll('tr.detail')).filter(d => d.getClientRects().length > 0).length").await;
        assert_eq!(shown_details, n, "print expands every control");
        let filters_shown: bool = eval(&page, "document.getElementById('filters').getClientRects().length > 0").await;
        assert!(!filters_shown, "print hides the filters");
        page.execute(SetEmulatedMediaParams::builder().media("").build())
            .await
            .unwrap();
        expect_visible(&page, &fail_high, "back on screen").await;

        // Clear, then a text search.
        click(&page, "#clear").await;
        expect_visible(&page, &all, "cleared").await;
        let term = "mfa";
        let matching = ids_where(results, |c| {
            let mut t = String::new();
            control_text(c, &mut t);
            t.to_lowercase().contains(term)
        });
        assert!(!matching.is_empty() && matching.len() < n, "{matching:?}");
        page.find_element("#search")
            .await
            .unwrap()
            .click()
            .await
            .unwrap()
            .type_str(term)
            .await
            .unwrap();
        expect_visible(&page, &matching, "search").await;
        let hash: String = eval(&page, "location.hash").await;
        assert_eq!(hash, format!("#q={term}"));
        click(&page, "#filter-severity-critical").await;
        let both = ids_where(results, |c| matching.contains(c["id"].as_str().unwrap()) && c["severity"] == "critical");
        expect_visible(&page, &both, "search and severity").await;
        assert_clean(&page, &seen, "the report").await;

        // A filter in the URL fragment is applied on load.
        let url = format!("{}#status=error,fail&severity=critical", file_url(&report.path));
        let (page2, seen2) = open(&browser, &url).await;
        let want = ids_where(results, |c| {
            (c["status"] == "error" || c["status"] == "fail") && c["severity"] == "critical"
        });
        assert!(!want.is_empty());
        expect_visible(&page2, &want, "fragment").await;
        let pressed: Vec<String> = eval(&page2, "Array.from(document.querySelectorAll('button.chip[aria-pressed=true]')).map(b => b.id)").await;
        assert_eq!(
            pressed,
            ["filter-status-fail", "filter-status-error", "filter-severity-critical"]
        );
        assert_clean(&page2, &seen2, "the report with a fragment").await;

        // The watch itself sees what it must: a page with a console error, an uncaught
        // exception and a script its CSP blocks is not clean.
        let bad = "console.error('boom'); notAFunction();";
        let broken = write_file(
            report.dir.path(),
            "broken.html",
            &format!(
                "<!DOCTYPE html>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src {}\">\n\
                 <title>broken</title><script>{bad}</script><script>document.title = 'ran';</script>\n",
                csp_hash(bad)
            ),
        );
        let (page4, seen4) = open(&browser, &file_url(&broken)).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let errors = seen4.errors.lock().unwrap().join("\n");
        let in_page: Vec<String> = eval(&page4, "window.__assayProblems").await;
        assert!(
            errors.contains("Content Security Policy"),
            "CSP violation unseen over CDP: {errors}"
        );
        assert!(errors.contains("boom"), "console.error unseen: {errors}");
        assert!(errors.contains("notAFunction"), "exception unseen: {errors}");
        assert!(
            in_page.iter().any(|p| p.starts_with("csp: script-src")),
            "CSP violation unseen: {in_page:?}"
        );
        let title: String = eval(&page4, "document.title").await;
        assert_eq!(title, "broken", "the CSP blocked the unpinned script");

        // Hostile evidence: shown as text, runs nothing.
        let (page3, seen3) = open(&browser, &file_url(&hostile.path)).await;
        let scripts: usize = eval(&page3, "document.scripts.length").await;
        assert_eq!(scripts, 1, "only the report's own script");
        let text: String = eval(&page3, "document.body.textContent").await;
        assert!(text.contains(HOSTILE), "the hostile subject is shown literally");
        let injected: usize = eval(&page3, "document.querySelectorAll('img, iframe, object, embed').length").await;
        assert_eq!(injected, 0);
        assert_clean(&page3, &seen3, "the hostile report").await;
    })
    .await;

    browser.close().await.ok();
    browser.wait().await.ok();
    driver.abort();
    outcome.expect("the browser test finished in time");
    eprintln!("browser test took {:?}", started.elapsed());
}

/// Like [`expect_visible`], for print media (the on-screen counter still counts the filter).
async fn expect_visible_ignoring_counter(page: &Page, want: &BTreeSet<String>, what: &str) {
    let start = Instant::now();
    loop {
        let got: BTreeSet<String> = eval::<Vec<String>>(page, VISIBLE)
            .await
            .into_iter()
            .collect();
        if &got == want {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{what}: {} of {} controls visible",
            got.len(),
            want.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
