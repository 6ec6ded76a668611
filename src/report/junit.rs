//! JUnit XML in the shape Maven Surefire writes and Jenkins, GitLab and most CI systems
//! read: `<testsuites>` → one `<testsuite>` per control → one `<testcase>` per subject,
//! with `<failure>`, `<error>` or `<skipped>` children. Only the attributes the Jenkins
//! xUnit schema (junit-10.xsd) declares are written — it has no `skipped` on
//! `<testsuites>`, so that total goes in a comment and on each `<testsuite>`. Waived, manual and not-applicable
//! subjects are skipped (with the reason), never silently passed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::check::result::{ControlResult, Finding, RunResult, Status};

/// Renders the JUnit report.
pub fn render(result: &RunResult) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for c in &result.controls {
        let cases = cases(c);
        let (t, f, e, s) = count(&cases);
        tests += t;
        failures += f;
        errors += e;
        skipped += s;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{s}\" time=\"0\" timestamp=\"{}\">",
            esc(&c.id),
            esc(result.evaluated_at.trim_end_matches('Z'))
        );
        let _ = writeln!(suites, "    <properties>");
        for (k, v) in [
            ("title", c.title.clone()),
            ("severity", c.severity.to_string()),
            ("status", c.status.to_string()),
            ("rule", c.rule.clone()),
        ] {
            let _ = writeln!(
                suites,
                "      <property name=\"{k}\" value=\"{}\"/>",
                esc(&v)
            );
        }
        for (fw, ids) in &c.frameworks {
            let _ = writeln!(
                suites,
                "      <property name=\"{}\" value=\"{}\"/>",
                fw.key(),
                esc(&ids.join(", "))
            );
        }
        let _ = writeln!(suites, "    </properties>");
        for (subject, status, findings) in &cases {
            let _ = write!(
                suites,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
                esc(&c.id),
                esc(subject)
            );
            let body = detail(findings);
            let first = findings
                .iter()
                .find(|f| f.status == *status)
                .map(|f| f.message.as_str())
                .unwrap_or("");
            match status {
                Status::Pass => {
                    let _ = writeln!(suites, "/>");
                }
                Status::Attested => {
                    // Passed, but on a person's word: consumers that show system-out
                    // tell the reader it was not tested.
                    let _ = writeln!(
                        suites,
                        ">\n      <system-out>attested, not tested: {}</system-out>\n    </testcase>",
                        esc(first)
                    );
                }
                Status::Fail => {
                    let _ = writeln!(
                        suites,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}\n\nRemediation:\n{}</failure>\n    </testcase>",
                        esc(first),
                        c.severity,
                        esc(&body),
                        esc(&c.remediation)
                    );
                }
                Status::Error => {
                    let _ = writeln!(
                        suites,
                        ">\n      <error message=\"{}\" type=\"not-judged\">{}</error>\n    </testcase>",
                        esc(first),
                        esc(&body)
                    );
                }
                Status::Waived | Status::Manual | Status::NotApplicable => {
                    let _ = writeln!(
                        suites,
                        ">\n      <skipped message=\"{}: {}\"/>\n    </testcase>",
                        status,
                        esc(first)
                    );
                }
            }
        }
        let _ = writeln!(suites, "  </testsuite>");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"assay\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"0\">\n<!-- skipped: {skipped} (waived, manual or not applicable) -->\n{suites}</testsuites>\n"
    )
}

type Case<'a> = (String, Status, Vec<&'a Finding>);

/// One test case per subject, with the subject's findings combined.
fn cases(c: &ControlResult) -> Vec<Case<'_>> {
    let mut by: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &c.findings {
        by.entry(f.subject.as_str()).or_default().push(f);
    }
    by.into_iter()
        .map(|(s, fs)| {
            let st = Status::combine(fs.iter().map(|f| f.status)).unwrap_or(Status::Error);
            (s.to_string(), st, fs)
        })
        .collect()
}

fn count(cases: &[Case<'_>]) -> (usize, usize, usize, usize) {
    let n = |s: &[Status]| cases.iter().filter(|c| s.contains(&c.1)).count();
    (
        cases.len(),
        n(&[Status::Fail]),
        n(&[Status::Error]),
        n(&[Status::Waived, Status::Manual, Status::NotApplicable]),
    )
}

fn detail(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let mut s = format!("[{}] {}", f.status, f.message);
            if let Some(e) = &f.evidence {
                s.push_str(&format!(" (evidence: {e})"));
            }
            if let Some(w) = &f.expired_waiver {
                s.push_str(&format!(" (waiver by {} expired {})", w.owner, w.expires));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes text for XML attributes and content, dropping characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
