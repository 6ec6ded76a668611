//! End-to-end tests of the catalog commands through the real binary: `assay catalog
//! validate` / `list`, `assay explain`, `assay policy test`, and how bad flags are refused.
//!
//! Broken catalogs are made at test time: the repository's controls/, policies/ and
//! profiles/ are copied into a temporary folder and exactly one thing is broken. Expected
//! line numbers are computed from the edited file, so the tests follow the catalog as it
//! grows instead of hard-coding today's layout.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The control every breakage targets, and the file it lives in.
const TARGET: &str = "tls.min-protocol-1-2";
const TARGET_FILE: &str = "controls/tls.yaml";

fn assay() -> Command {
    let mut cmd = Command::cargo_bin("assay").expect("the assay binary is built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// What a finished command printed.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = assay().args(args).output().expect("assay runs");
    let r = Run {
        code: out.status.code().expect("exited with a code, not a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "assay panicked:\n{}",
        r.stderr
    );
    r
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A private copy of the repository's catalog (controls, policies, profiles).
fn catalog_copy() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["controls", "policies", "profiles"] {
        let src = Path::new(ROOT).join(sub);
        if src.is_dir() {
            copy_tree(&src, &dir.path().join(sub));
        }
    }
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

/// The 1-based line of a control's `- id:` line.
fn id_line(root: &Path, rel: &str, id: &str) -> usize {
    let text = read(&root.join(rel));
    line_at(&text, control_block(&text, id).0)
}

/// Runs `assay catalog validate --catalog DIR` and checks the common contract of a broken
/// catalog: exit 2, no panic, every expected fragment on stderr, a problem count.
fn validate_fails(dir: &Path, expected: &[String]) -> Run {
    let r = run(&["catalog", "validate", "--catalog", dir.to_str().unwrap()]);
    assert_eq!(
        r.code, 2,
        "expected exit 2\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    for e in expected {
        assert!(
            r.stderr.contains(e.as_str()),
            "stderr lacks {e:?}:\n{}",
            r.stderr
        );
    }
    assert!(
        r.stderr.contains("problem(s)"),
        "no problem count:\n{}",
        r.stderr
    );
    assert!(
        !r.stdout.contains("controls valid"),
        "claims validity:\n{}",
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
    line.trim_end_matches(" controls valid")
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line:?}"))
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
    let r = run(&[
        "catalog",
        "validate",
        "--catalog",
        dir.path().to_str().unwrap(),
    ]);
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

#[test]
fn validate_rejects_malformed_yaml() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    tags: [",
        "    tags: [tls, protocol}, [",
    );
    validate_fails(
        dir.path(),
        &[
            format!("{}:{line}: ", file_in(dir.path(), TARGET_FILE)),
            "did not find expected ',' or ']'".into(),
        ],
    );
}

#[test]
fn validate_rejects_a_tab_in_indentation() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    max_age:",
        "\tmax_age:",
    );
    validate_fails(
        dir.path(),
        &[
            format!("{}:{line}: ", file_in(dir.path(), TARGET_FILE)),
            "found a tab character".into(),
        ],
    );
}

#[test]
fn validate_rejects_an_unknown_field() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    max_age:",
        "    max_agee: 7d\n    max_age:",
    );
    let r = validate_fails(
        dir.path(),
        &[
            format!("{}:{line}: ", file_in(dir.path(), TARGET_FILE)),
            "unknown field `max_agee`, expected one of".into(),
            "`max_age`".into(),
        ],
    );
    assert!(r.stderr.contains("1 problem(s)"), "{}", r.stderr);
}

#[test]
fn validate_rejects_an_unknown_severity() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    severity: high",
        "    severity: severe",
    );
    let r = validate_fails(
        dir.path(),
        &[
            format!("{}:{line}: ", file_in(dir.path(), TARGET_FILE)),
            ".severity: unknown variant `severe`, expected one of `info`, `low`, `medium`, `high`, `critical`".into(),
        ],
    );
    assert!(r.stderr.contains("1 problem(s)"), "{}", r.stderr);
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
fn validate_rejects_an_unknown_evidence_kind() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    evidence: [tls.endpoint]",
        "    evidence: [tls.endpoints]",
    );
    let r = validate_fails(
        dir.path(),
        &[
            format!(
                "{}:{line}: {TARGET}: evidence: ",
                file_in(dir.path(), TARGET_FILE)
            ),
            "unknown evidence kind 'tls.endpoints' (did you mean 'tls.endpoint'?)".into(),
        ],
    );
    assert!(r.stderr.contains("1 problem(s)"), "{}", r.stderr);
}

#[test]
fn validate_rejects_a_rule_that_does_not_exist() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    rule: data.assay.tls.min_protocol",
        "    rule: data.assay.tls.min_protocl",
    );
    let r = validate_fails(
        dir.path(),
        &[
            format!(
                "{}:{line}: {TARGET}: rule: ",
                file_in(dir.path(), TARGET_FILE)
            ),
            "package 'assay.tls' has no rule 'min_protocl'".into(),
        ],
    );
    assert!(r.stderr.contains("1 problem(s)"), "{}", r.stderr);
}

#[test]
fn validate_rejects_a_rule_in_a_package_that_does_not_exist() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    rule: data.assay.tls.min_protocol",
        "    rule: data.assay.tlz.min_protocol",
    );
    validate_fails(
        dir.path(),
        &[
            format!(
                "{}:{line}: {TARGET}: rule: ",
                file_in(dir.path(), TARGET_FILE)
            ),
            "no policy declares package 'assay.tlz'".into(),
        ],
    );
}

#[test]
fn validate_rejects_a_param_the_rule_does_not_read() {
    let dir = catalog_copy();
    let params = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "      min_protocol: tls1_2\n",
        "      min_protocol: tls1_2\n      max_protocol: tls1_3\n",
    ) - 1;
    let r = validate_fails(
        dir.path(),
        &[
            format!(
                "{}:{params}: {TARGET}: params: ",
                file_in(dir.path(), TARGET_FILE)
            ),
            "param 'max_protocol' is never read by the rule data.assay.tls.min_protocol".into(),
        ],
    );
    assert!(r.stderr.contains("1 problem(s)"), "{}", r.stderr);
}

#[test]
fn validate_rejects_a_param_the_rule_reads_but_the_control_lacks() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "    params:\n      min_protocol: tls1_2\n",
        "    params: {}\n",
    );
    let r = validate_fails(
        dir.path(),
        &[
            format!("{}:{line}: {TARGET}: params: ", file_in(dir.path(), TARGET_FILE)),
            "the rule data.assay.tls.min_protocol reads input.params.min_protocol but the control gives no default for it".into(),
        ],
    );
    assert!(r.stderr.contains("1 problem(s)"), "{}", r.stderr);
}

#[test]
fn validate_rejects_a_malformed_framework_id() {
    let dir = catalog_copy();
    let line = edit_control(
        dir.path(),
        TARGET_FILE,
        TARGET,
        "      soc2: [CC6.7]",
        "      soc2: [CC6.99]",
    );
    let r = validate_fails(
        dir.path(),
        &[
            format!("{}:{line}: {TARGET}: soc2: ", file_in(dir.path(), TARGET_FILE)),
            "'CC6.99' is not a SOC 2 Trust Services Criteria (2017) criterion id (expected CC1.1–CC9.2".into(),
        ],
    );
    assert!(r.stderr.contains("1 problem(s)"), "{}", r.stderr);
}

#[test]
fn validate_rejects_a_rego_syntax_error() {
    let dir = catalog_copy();
    let path = dir.path().join("policies/tls.rego");
    let mut text = read(&path);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let line = text.lines().count() + 1;
    text.push_str("broken_rule if { input.x == }\n");
    std::fs::write(&path, text).unwrap();
    let r = validate_fails(
        dir.path(),
        &[
            format!("{}: Rego does not parse", path.display()),
            format!("{}:{line}:", path.display()),
        ],
    );
    assert!(r.stderr.contains("1 problem(s)"), "{}", r.stderr);
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
    let d = dir.path().to_str().unwrap();
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

#[test]
fn validate_a_missing_catalog_folder() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let r = run(&[
        "catalog",
        "validate",
        "--catalog",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(&format!("catalog folder {}: not found", missing.display())),
        "{}",
        r.stderr
    );
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
    last.strip_suffix(" controls")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no 'N controls' footer:\n{stdout}"))
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
    assert!(
        r.stderr.contains("unknown framework 'hipaa'"),
        "{}",
        r.stderr
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
    assert!(
        r.stdout.contains("PASS data.assay.tls_test."),
        "each test is listed:\n{}",
        r.stdout
    );
}

#[test]
fn policy_test_repo_policies_with_coverage() {
    let dir = Path::new(ROOT).join("policies");
    let r = run(&[
        "policy",
        "test",
        dir.to_str().unwrap(),
        "--coverage",
        "--quiet",
    ]);
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
        std::fs::write(dir.path().join(name), text).unwrap();
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
    let r = run(&["policy", "test", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let test_file = dir.path().join("demo_test.rego");
    let line = DEMO_TESTS
        .lines()
        .position(|l| l.starts_with("test_guest_allowed"))
        .unwrap()
        + 1;
    assert!(
        r.stdout.contains(&format!(
            "FAIL data.demo_test.test_guest_allowed ({}:{line})",
            test_file.display()
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("PASS data.demo_test.test_admin_allowed"),
        "{}",
        r.stdout
    );
    assert_eq!(test_counts(&r.stdout), (1, 1));
}

#[test]
fn policy_test_run_filter_selects_tests() {
    let dir = write_policy_dir(&[("demo.rego", DEMO_POLICY), ("demo_test.rego", DEMO_TESTS)]);
    let r = run(&[
        "policy",
        "test",
        dir.path().to_str().unwrap(),
        "--run",
        "admin",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(test_counts(&r.stdout), (1, 0));
}

#[test]
fn policy_test_with_a_rego_syntax_error() {
    let broken = format!("{DEMO_TESTS}\ntest_broken if {{ demo.allow == }}\n");
    let line = broken.lines().count();
    let dir = write_policy_dir(&[("demo.rego", DEMO_POLICY), ("demo_test.rego", &broken)]);
    let r = run(&["policy", "test", dir.path().to_str().unwrap()]);
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
    let r = run(&["policy", "test", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("no tests found"), "{}", r.stdout);

    // Policies without any *_test.rego are no better.
    let dir = write_policy_dir(&[("demo.rego", DEMO_POLICY)]);
    let r = run(&["policy", "test", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("no tests found"), "{}", r.stdout);
}

#[test]
fn policy_test_on_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let r = run(&["policy", "test", missing.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(&format!("{}: not found or not a folder", missing.display())),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------------------
// bad flags
// ---------------------------------------------------------------------------------------

/// Exit 2, nothing on stdout, one error message on stderr that contains `needle`.
fn usage_error(args: &[&str], needle: &str) {
    let r = run(args);
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

fn evidence_dir() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    std::fs::create_dir(&ev).unwrap();
    (dir, ev)
}

#[test]
fn unknown_subcommand() {
    usage_error(&["frobnicate"], "unrecognized subcommand 'frobnicate'");
    usage_error(
        &["catalog", "frobnicate"],
        "unrecognized subcommand 'frobnicate'",
    );
}

#[test]
fn unknown_format() {
    let (_d, ev) = evidence_dir();
    usage_error(
        &[
            "check",
            "--evidence",
            ev.to_str().unwrap(),
            "--format",
            "nope",
        ],
        "unknown format 'nope' (expected table, json, junit, sarif or markdown)",
    );
    usage_error(
        &["report", "results.json", "--format", "nope"],
        "unknown format 'nope'",
    );
}

#[test]
fn unknown_fail_on_severity() {
    let (_d, ev) = evidence_dir();
    usage_error(
        &[
            "check",
            "--evidence",
            ev.to_str().unwrap(),
            "--fail-on",
            "severe",
        ],
        "unknown severity 'severe' (expected info, low, medium, high, critical or none)",
    );
}

#[test]
fn bare_date_for_now() {
    let (_d, ev) = evidence_dir();
    usage_error(
        &[
            "check",
            "--evidence",
            ev.to_str().unwrap(),
            "--now",
            "2026-12-31",
        ],
        "--now: '2026-12-31' is not an RFC 3339 instant with offset",
    );
    usage_error(
        &["report", "results.json", "--now", "2026-12-31"],
        "--now: '2026-12-31' is not an RFC 3339 instant",
    );
    usage_error(
        &[
            "check",
            "--evidence",
            ev.to_str().unwrap(),
            "--now",
            "2026-12-31T00:00:00",
        ],
        "is not an RFC 3339 instant with offset",
    );
}

#[test]
fn malformed_write_flag() {
    let (_d, ev) = evidence_dir();
    usage_error(
        &[
            "check",
            "--evidence",
            ev.to_str().unwrap(),
            "--write",
            "junit.xml",
        ],
        "--write junit.xml: expected FORMAT=PATH",
    );
    usage_error(
        &[
            "check",
            "--evidence",
            ev.to_str().unwrap(),
            "--write",
            "xml=out.xml",
        ],
        "unknown format 'xml'",
    );
}
