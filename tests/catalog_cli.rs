//! End-to-end tests of the catalog commands through the real binary: `assay catalog
//! validate` / `list`, `assay explain`, `assay policy test`, and how bad flags are refused.
//!
//! Broken catalogs are made at test time: the repository's controls/, policies/ and
//! profiles/ are copied into a temporary folder and exactly one thing is broken. Expected
//! line numbers are computed from the edited file, so the tests follow the catalog as it
//! grows instead of hard-coding today's layout.

mod common;

use std::path::Path;

use common::{assert_contains_all, copy_catalog, path_str, root, run, write_file, Run};
use tempfile::TempDir;

/// The control every breakage targets, and the file it lives in.
const TARGET: &str = "tls.min-protocol-1-2";
const TARGET_FILE: &str = "controls/tls.yaml";

/// A private copy of the repository's catalog (controls, policies, profiles).
fn catalog_copy() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_catalog(dir.path());
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// 1-based line of byte offset `at` in `text`.
fn line_at(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

/// Byte range of control `id`'s block in a controls file: from its `- id:` line to the
/// next list item at the same indentation (or the end).
fn control_block(text: &str, id: &str) -> (usize, usize) {
    let head = format!("  - id: {id}\n");
    let start = text
        .find(&head)
        .unwrap_or_else(|| panic!("control {id} not found"));
    let end = text[start + head.len()..]
        .find("\n  - id: ")
        .map(|i| start + head.len() + i + 1)
        .unwrap_or(text.len());
    (start, end)
}

/// Replaces the first `from` inside control `id`'s block of `rel` with `to` and returns
/// the 1-based line where the replacement starts.
fn edit_control(root: &Path, rel: &str, id: &str, from: &str, to: &str) -> usize {
    let path = root.join(rel);
    let text = read(&path);
    let (start, end) = control_block(&text, id);
    let at = start
        + text[start..end]
            .find(from)
            .unwrap_or_else(|| panic!("'{from}' not in control {id} of {rel}"));
    let edited = format!("{}{}{}", &text[..at], to, &text[at + from.len()..]);
    std::fs::write(&path, edited).unwrap();
    line_at(&text, at)
}

/// Appends `text` (whole lines) to `rel` and returns the 1-based line where it starts.
fn append(root: &Path, rel: &str, text: &str) -> usize {
    let path = root.join(rel);
    let mut all = read(&path);
    if !all.ends_with('\n') {
        all.push('\n');
    }
    let line = all.lines().count() + 1;
    all.push_str(text);
    std::fs::write(&path, all).unwrap();
    line
}

/// The 1-based line of a control's `- id:` line.
fn id_line(root: &Path, rel: &str, id: &str) -> usize {
    let text = read(&root.join(rel));
    line_at(&text, control_block(&text, id).0)
}

/// `assay catalog validate --catalog DIR`.
fn validate(dir: &Path) -> Run {
    run(&["catalog", "validate", "--catalog", path_str(dir)])
}

/// Runs `assay catalog validate --catalog DIR` and checks the common contract of a broken
/// catalog: exit 2, no panic, every expected fragment on stderr, a problem count. `case`
/// names the breakage in failure messages.
fn validate_fails(case: &str, dir: &Path, expected: &[String]) -> Run {
    let r = validate(dir);
    assert_eq!(
        r.code, 2,
        "{case}: expected exit 2\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    assert_contains_all(case, "stderr", &r.stderr, expected);
    assert!(
        r.stderr.contains("problem(s)"),
        "{case}: no problem count:\n{}",
        r.stderr
    );
    assert!(
        !r.stdout.contains("controls valid"),
        "{case}: claims validity:\n{}",
        r.stdout
    );
    r
}

fn file_in(dir: &Path, rel: &str) -> String {
    dir.join(rel).display().to_string()
}

/// `(count, text)` of `catalog <origin>: N controls valid`.
fn valid_count(stdout: &str) -> usize {
    let line = stdout
        .lines()
        .find(|l| l.ends_with(" controls valid"))
        .unwrap_or_else(|| panic!("no 'N controls valid' line:\n{stdout}"));
    let n = line.trim_end_matches(" controls valid").rsplit(' ').next();
    parse_count(n.unwrap_or_default(), line)
}

/// A count the output must hold; `context` is shown when `n` is not a whole number.
fn parse_count(n: &str, context: &str) -> usize {
    n.parse()
        .unwrap_or_else(|_| panic!("no count {n:?} in:\n{context}"))
}

// ---------------------------------------------------------------------------------------
// catalog validate
// ---------------------------------------------------------------------------------------

#[test]
fn validate_builtin_catalog() {
    let r = run(&["catalog", "validate"]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(r.stdout.contains("catalog built-in: "), "{}", r.stdout);
    let n = valid_count(&r.stdout);
    assert!(n >= 25, "the built-in catalog has only {n} controls");
    assert!(
        r.stderr.is_empty(),
        "a valid catalog prints no diagnostics:\n{}",
        r.stderr
    );
}

#[test]
fn validate_unbroken_copy_is_valid() {
    // The baseline for every breakage below: the copy itself is valid, so each failure
    // is caused by the one thing the test broke.
    let dir = catalog_copy();
    let r = validate(dir.path());
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("catalog {}: ", dir.path().display())),
        "{}",
        r.stdout
    );
    assert_eq!(
        valid_count(&r.stdout),
        valid_count(&run(&["catalog", "validate"]).stdout)
    );
}

/// One thing broken in a catalog copy, and what `catalog validate` must say about it.
struct Breakage {
    name: &'static str,
    edit: Edit,
    /// Fragments stderr must hold. `{file}` stands for the edited file's path, `{line}`
    /// for the 1-based line where the edit starts, `{id}` for [`TARGET`].
    expected: &'static [&'static str],
}

enum Edit {
    /// Replace the first `from` inside control [`TARGET`]'s block of [`TARGET_FILE`].
    Control {
        from: &'static str,
        to: &'static str,
    },
    /// Append whole lines to a file of the catalog.
    Append {
        file: &'static str,
        text: &'static str,
    },
}

impl Edit {
    /// Makes the edit in the catalog copy at `dir`; returns the file and line it starts at.
    fn apply(&self, dir: &Path) -> (&'static str, usize) {
        match *self {
            Edit::Control { from, to } => (
                TARGET_FILE,
                edit_control(dir, TARGET_FILE, TARGET, from, to),
            ),
            Edit::Append { file, text } => (file, append(dir, file, text)),
        }
    }
}

/// Each breakage is made in a fresh copy; adding a case is adding a row.
const BREAKAGES: &[Breakage] = &[
    Breakage {
        name: "malformed YAML",
        edit: Edit::Control {
            from: "    tags: [",
            to: "    tags: [tls, protocol}, [",
        },
        expected: &["{file}:{line}: ", "did not find expected ',' or ']'"],
    },
    Breakage {
        name: "a tab in indentation",
        edit: Edit::Control {
            from: "    max_age:",
            to: "\tmax_age:",
        },
        expected: &["{file}:{line}: ", "found a tab character"],
    },
    Breakage {
        name: "an unknown field",
        edit: Edit::Control {
            from: "    max_age:",
            to: "    max_agee: 7d\n    max_age:",
        },
        expected: &[
            "{file}:{line}: ",
            "unknown field `max_agee`, expected one of",
            "`max_age`",
            "1 problem(s)",
        ],
    },
    Breakage {
        name: "an unknown severity",
        edit: Edit::Control {
            from: "    severity: high",
            to: "    severity: severe",
        },
        expected: &[
            "{file}:{line}: ",
            ".severity: unknown variant `severe`, expected one of `info`, `low`, `medium`, `high`, `critical`",
            "1 problem(s)",
        ],
    },
    Breakage {
        name: "an unknown evidence kind",
        edit: Edit::Control {
            from: "    evidence: [tls.endpoint]",
            to: "    evidence: [tls.endpoints]",
        },
        expected: &[
            "{file}:{line}: {id}: evidence: ",
            "unknown evidence kind 'tls.endpoints' (did you mean 'tls.endpoint'?)",
            "1 problem(s)",
        ],
    },
    Breakage {
        name: "a rule that does not exist",
        edit: Edit::Control {
            from: "    rule: data.assay.tls.min_protocol",
            to: "    rule: data.assay.tls.min_protocl",
        },
        expected: &[
            "{file}:{line}: {id}: rule: ",
            "package 'assay.tls' has no rule 'min_protocl'",
            "1 problem(s)",
        ],
    },
    Breakage {
        name: "a rule in a package that does not exist",
        edit: Edit::Control {
            from: "    rule: data.assay.tls.min_protocol",
            to: "    rule: data.assay.tlz.min_protocol",
        },
        expected: &[
            "{file}:{line}: {id}: rule: ",
            "no policy declares package 'assay.tlz'",
        ],
    },
    Breakage {
        // The message points at the `params:` line, where the edit starts.
        name: "a param the rule does not read",
        edit: Edit::Control {
            from: "    params:\n      min_protocol: tls1_2\n",
            to: "    params:\n      min_protocol: tls1_2\n      max_protocol: tls1_3\n",
        },
        expected: &[
            "{file}:{line}: {id}: params: ",
            "param 'max_protocol' is never read by the rule data.assay.tls.min_protocol",
            "1 problem(s)",
        ],
    },
    Breakage {
        name: "a param the rule reads but the control lacks",
        edit: Edit::Control {
            from: "    params:\n      min_protocol: tls1_2\n",
            to: "    params: {}\n",
        },
        expected: &[
            "{file}:{line}: {id}: params: ",
            "the rule data.assay.tls.min_protocol reads input.params.min_protocol but the control gives no default for it",
            // The Clozer profile's "as stated" variant sets that param: it is named too.
            "profiles/clozer.yaml:",
            "variants[0]: params.min_protocol: control tls.min-protocol-1-2 has no param 'min_protocol'",
            "2 problem(s)",
        ],
    },
    Breakage {
        name: "a malformed framework id",
        edit: Edit::Control {
            from: "      soc2: [CC6.7]",
            to: "      soc2: [CC6.99]",
        },
        expected: &[
            "{file}:{line}: {id}: soc2: ",
            "'CC6.99' is not a SOC 2 Trust Services Criteria (2017) criterion id (expected CC1.1–CC9.2",
            "1 problem(s)",
        ],
    },
    Breakage {
        name: "a Rego syntax error",
        edit: Edit::Append {
            file: "policies/tls.rego",
            text: "broken_rule if { input.x == }\n",
        },
        expected: &[
            "{file}: Rego does not parse",
            "{file}:{line}:",
            "1 problem(s)",
        ],
    },
];

#[test]
fn validate_rejects_each_breakage() {
    for b in BREAKAGES {
        let dir = catalog_copy();
        let (file, line) = b.edit.apply(dir.path());
        let expected: Vec<String> = b
            .expected
            .iter()
            .map(|e| {
                e.replace("{file}", &file_in(dir.path(), file))
                    .replace("{line}", &line.to_string())
                    .replace("{id}", TARGET)
            })
            .collect();
        validate_fails(b.name, dir.path(), &expected);
    }
}

#[test]
fn validate_rejects_a_duplicate_id_across_files() {
    let dir = catalog_copy();
    // Give an http control the id of a tls control.
    let http = "controls/http.yaml";
    let text = read(&dir.path().join(http));
    let victim = text
        .lines()
        .find_map(|l| l.strip_prefix("  - id: "))
        .expect("http.yaml has a control")
        .to_string();
    let http_line = edit_control(
        dir.path(),
        http,
        &victim,
        &format!("  - id: {victim}\n"),
        &format!("  - id: {TARGET}\n"),
    );
    // control_block looks for the first `- id: TARGET` in tls.yaml, which is untouched.
    let tls_line = id_line(dir.path(), TARGET_FILE, TARGET);
    validate_fails(
        "a duplicate id across files",
        dir.path(),
        &[
            format!("duplicate control id '{TARGET}'"),
            format!("{}:{http_line}", file_in(dir.path(), http)),
            format!("{}:{tls_line}", file_in(dir.path(), TARGET_FILE)),
            ": id: ".into(),
        ],
    );
}

#[test]
fn validate_rejects_a_duplicate_id_in_one_file_at_its_own_line() {
    let dir = catalog_copy();
    let first = id_line(dir.path(), TARGET_FILE, "tls.min-grade");
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        &format!("  - id: {TARGET}\n"),
        "  - id: tls.min-grade\n",
    );
    assert_ne!(first, line);
    validate_fails(
        "a duplicate id in one file",
        dir.path(),
        &[
            format!(
                "{}:{line}: tls.min-grade: id: duplicate control id 'tls.min-grade'",
                file_in(dir.path(), TARGET_FILE)
            ),
            format!("(also at {}:{first})", file_in(dir.path(), TARGET_FILE)),
        ],
    );
}

#[test]
fn a_broken_catalog_stops_other_commands_too() {
    let dir = catalog_copy();
    edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    severity: high",
        "    severity: severe",
    );
    let d = path_str(dir.path());
    for args in [
        vec!["catalog", "list", "--catalog", d],
        vec!["explain", TARGET, "--catalog", d],
    ] {
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}\n{}", r.stderr);
        assert!(
            r.stderr.contains("unknown variant `severe`"),
            "{args:?}\n{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?} printed:\n{}", r.stdout);
    }
}

// ---------------------------------------------------------------------------------------
// catalog list, explain
// ---------------------------------------------------------------------------------------

/// Rows of a `catalog list` table: `[control, severity, title, last column]`.
fn table_rows(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            l.trim_matches('│')
                .split('│')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .skip(1) // header
        .collect()
}

fn footer_count(stdout: &str) -> usize {
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    // The footer is exactly `N controls`.
    parse_count(last.strip_suffix(" controls").unwrap_or_default(), stdout)
}

#[test]
fn list_shows_every_control() {
    let r = run(&["catalog", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = table_rows(&r.stdout);
    let n = valid_count(&run(&["catalog", "validate"]).stdout);
    assert_eq!(rows.len(), n);
    assert_eq!(footer_count(&r.stdout), n);
    let target = rows
        .iter()
        .find(|r| r[0] == TARGET)
        .expect("the target control is listed");
    assert_eq!(target[1], "high");
    assert!(
        target[3].contains("soc2") && target[3].contains("iso27001"),
        "{target:?}"
    );
    let mut ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let listed = ids.clone();
    ids.sort();
    assert_eq!(ids, listed, "controls are listed sorted by id");
}

#[test]
fn list_for_one_framework_shows_only_mapped_controls() {
    let all = table_rows(&run(&["catalog", "list"]).stdout);
    let r = run(&["catalog", "list", "--framework", "soc2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.lines().nth(1).is_some_and(|h| h.contains("soc2")),
        "header names the framework:\n{}",
        r.stdout
    );
    let rows = table_rows(&r.stdout);
    assert!(!rows.is_empty());
    assert_eq!(footer_count(&r.stdout), rows.len());
    for row in &rows {
        assert!(
            !row[3].is_empty(),
            "{} is listed without a soc2 criterion",
            row[0]
        );
        assert!(
            row[3]
                .split(", ")
                .all(|c| c.starts_with("CC") || c.contains('.')),
            "{row:?}"
        );
    }
    let expected: Vec<&str> = all
        .iter()
        .filter(|r| r[3].split(", ").any(|f| f == "soc2"))
        .map(|r| r[0].as_str())
        .collect();
    let got: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(got, expected, "exactly the controls mapped to soc2");
    assert!(got.contains(&TARGET));
}

#[test]
fn list_with_an_unknown_framework_is_a_usage_error() {
    let r = run(&["catalog", "list", "--framework", "hipaa"]);
    assert_eq!(r.code, 2);
    assert_contains_all(
        "an unknown framework",
        "stderr",
        &r.stderr,
        &["unknown framework 'hipaa'"],
    );
}

#[test]
fn explain_shows_rule_params_mappings_and_remediation() {
    let r = run(&["explain", TARGET]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = &r.stdout;
    for expected in [
        "tls.min-protocol-1-2 — No protocol below TLS 1.2 offered",
        "severity: high",
        "defined in: controls/tls.yaml",
        "evidence kinds: tls.endpoint",
        "params:\n  min_protocol: \"tls1_2\"",
        "frameworks:",
        "soc2      CC6.7 (Restriction of transmission, movement and removal of information)",
        "pci       4.2.1",
        "nist      SC-8",
        "remediation:\n",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "policy rule: data.assay.tls.min_protocol",
        "defined in: policies/tls.rego",
        "min_protocol contains",
    ] {
        assert!(out.contains(expected), "explain lacks {expected:?}:\n{out}");
    }
}

#[test]
fn explain_an_unknown_control() {
    let r = run(&["explain", "tls.nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("no control 'tls.nope'"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`assay catalog list` shows them all"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "one message:\n{}", r.stderr);
}

#[test]
fn explain_a_misspelt_control_suggests_the_closest() {
    let r = run(&["explain", "tls.min-protocol-12"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("(did you mean 'tls.min-protocol-1-2'?)"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------
// policy test
// ---------------------------------------------------------------------------------------

/// `assay policy test DIR FLAGS…`
fn policy_test(dir: &Path, flags: &[&str]) -> Run {
    let mut args = vec!["policy", "test", path_str(dir)];
    args.extend_from_slice(flags);
    run(&args)
}

/// `(passed, failed)` from `policy tests: P passed, F failed`.
fn test_counts(stdout: &str) -> (usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("policy tests: "))
        .unwrap_or_else(|| panic!("no summary:\n{stdout}"));
    let nums: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (nums[0], nums[1])
}

#[test]
fn policy_test_builtin_passes() {
    let r = run(&["policy", "test"]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(" passed, 0 failed"), "{}", r.stdout);
    let (passed, failed) = test_counts(&r.stdout);
    assert!(passed > 0);
    assert_eq!(failed, 0);
    assert!(
        !r.stdout.contains("FAIL ") && !r.stdout.contains("ERROR "),
        "{}",
        r.stdout
    );
    assert_contains_all(
        "each test is listed",
        "stdout",
        &r.stdout,
        &["PASS data.assay.tls_test."],
    );
}

#[test]
fn policy_test_repo_policies_with_coverage() {
    let r = policy_test(&root().join("policies"), &["--coverage", "--quiet"]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("\ncoverage:\n"), "{}", r.stdout);
    let cov: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| {
            l.trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
                && l.contains('%')
        })
        .collect();
    assert!(
        cov.iter().any(|l| l.trim_end().ends_with("tls.rego")),
        "tls.rego has a coverage line:\n{}",
        r.stdout
    );
    assert!(
        cov.iter()
            .any(|l| l.trim_end().ends_with("% total") || l.trim_end().ends_with("total")),
        "{}",
        r.stdout
    );
    assert!(
        !cov.iter().any(|l| l.contains("_test.rego")),
        "tests are not measured:\n{}",
        r.stdout
    );
    for l in &cov {
        let pct: f64 = l.trim().split('%').next().unwrap().trim().parse().unwrap();
        assert!((0.0..=100.0).contains(&pct), "{l}");
    }
    assert!(
        !r.stdout.contains("PASS "),
        "--quiet hides passing tests:\n{}",
        r.stdout
    );
    assert_eq!(test_counts(&r.stdout).1, 0);
}

fn write_policy_dir(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write_file(dir.path(), name, text);
    }
    dir
}

const DEMO_POLICY: &str = "package demo\n\nimport rego.v1\n\nallow if input.user == \"admin\"\n";
const DEMO_TESTS: &str = "package demo_test\n\nimport rego.v1\n\nimport data.demo\n\n\
test_admin_allowed if demo.allow with input as {\"user\": \"admin\"}\n\n\
test_guest_allowed if demo.allow with input as {\"user\": \"guest\"}\n";

#[test]
fn policy_test_reports_a_failing_test() {
    let dir = write_policy_dir(&[("demo.rego", DEMO_POLICY), ("demo_test.rego", DEMO_TESTS)]);
    let r = policy_test(dir.path(), &[]);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let test_file = dir.path().join("demo_test.rego");
    let line = DEMO_TESTS
        .lines()
        .position(|l| l.starts_with("test_guest_allowed"))
        .unwrap()
        + 1;
    let failed = format!(
        "FAIL data.demo_test.test_guest_allowed ({}:{line})",
        test_file.display()
    );
    assert_contains_all(
        "a failing test",
        "stdout",
        &r.stdout,
        &[failed.as_str(), "PASS data.demo_test.test_admin_allowed"],
    );
    assert_eq!(test_counts(&r.stdout), (1, 1));
}

#[test]
fn policy_test_run_filter_selects_tests() {
    let dir = write_policy_dir(&[("demo.rego", DEMO_POLICY), ("demo_test.rego", DEMO_TESTS)]);
    let r = policy_test(dir.path(), &["--run", "admin"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(test_counts(&r.stdout), (1, 0));
}

#[test]
fn policy_test_with_a_rego_syntax_error() {
    let broken = format!("{DEMO_TESTS}\ntest_broken if {{ demo.allow == }}\n");
    let line = broken.lines().count();
    let dir = write_policy_dir(&[("demo.rego", DEMO_POLICY), ("demo_test.rego", &broken)]);
    let r = policy_test(dir.path(), &[]);
    assert_eq!(r.code, 2, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let file = dir.path().join("demo_test.rego");
    assert!(
        r.stderr
            .contains(&format!("{}: Rego does not parse", file.display())),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("{}:{line}:", file.display())),
        "{}",
        r.stderr
    );
}

#[test]
fn policy_test_with_no_tests() {
    let dir = tempfile::tempdir().unwrap();
    let r = policy_test(dir.path(), &[]);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("no tests found"), "{}", r.stdout);

    // Policies without any *_test.rego are no better.
    let dir = write_policy_dir(&[("demo.rego", DEMO_POLICY)]);
    let r = policy_test(dir.path(), &[]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("no tests found"), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------
// a missing folder
// ---------------------------------------------------------------------------------------

/// Commands given a folder that does not exist, and what stderr must say; `{missing}`
/// stands for that folder.
const MISSING_FOLDER: &[(&[&str], &str)] = &[
    (
        &["catalog", "validate", "--catalog", "{missing}"],
        "catalog folder {missing}: not found",
    ),
    (
        &["policy", "test", "{missing}"],
        "{missing}: not found or not a folder",
    ),
];

#[test]
fn a_missing_folder_is_refused_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let missing = path_str(&missing);
    for (args, expected) in MISSING_FOLDER {
        let args: Vec<&str> = args
            .iter()
            .map(|&a| if a == "{missing}" { missing } else { a })
            .collect();
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}\n{}", r.stderr);
        let expected = expected.replace("{missing}", missing);
        assert_contains_all(&format!("{args:?}"), "stderr", &r.stderr, &[expected]);
    }
}

// ---------------------------------------------------------------------------------------
// bad flags
// ---------------------------------------------------------------------------------------

/// Command lines that must be refused as usage errors: exit 2, nothing on stdout, one
/// error message on stderr that contains the second text. `{ev}` stands for an empty
/// evidence folder.
const USAGE_ERRORS: &[(&[&str], &str)] = &[
    (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
    (
        &["catalog", "frobnicate"],
        "unrecognized subcommand 'frobnicate'",
    ),
    (
        &["check", "--evidence", "{ev}", "--format", "nope"],
        "unknown format 'nope' (expected table, json, junit, sarif, markdown, oscal or html)",
    ),
    (
        &["report", "results.json", "--format", "nope"],
        "unknown format 'nope'",
    ),
    (
        &["check", "--evidence", "{ev}", "--fail-on", "severe"],
        "unknown severity 'severe' (expected info, low, medium, high, critical or none)",
    ),
    (
        &["check", "--evidence", "{ev}", "--now", "2026-12-31"],
        "--now: '2026-12-31' is not an RFC 3339 instant with offset",
    ),
    (
        &["report", "results.json", "--now", "2026-12-31"],
        "--now: '2026-12-31' is not an RFC 3339 instant",
    ),
    (
        &[
            "check",
            "--evidence",
            "{ev}",
            "--now",
            "2026-12-31T00:00:00",
        ],
        "is not an RFC 3339 instant with offset",
    ),
    (
        &["check", "--evidence", "{ev}", "--write", "junit.xml"],
        "--write junit.xml: expected FORMAT=PATH",
    ),
    (
        &["check", "--evidence", "{ev}", "--write", "xml=out.xml"],
        "unknown format 'xml'",
    ),
];

#[test]
fn bad_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    for (args, needle) in USAGE_ERRORS {
        let args: Vec<&str> = args
            .iter()
            .map(|&a| if a == "{ev}" { path_str(&ev) } else { a })
            .collect();
        let r = run(&args);
        assert_eq!(
            r.code, 2,
            "{args:?}\nstdout:\n{}\nstderr:\n{}",
            r.stdout, r.stderr
        );
        assert!(
            r.stdout.is_empty(),
            "{args:?} printed to stdout:\n{}",
            r.stdout
        );
        assert!(
            r.stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}:\n{}",
            r.stderr
        );
        let errors = r.stderr.lines().filter(|l| l.contains("error")).count();
        assert_eq!(
            errors, 1,
            "{args:?}: expected one error message:\n{}",
            r.stderr
        );
    }
}
