//! Small text helpers shared by the human-readable formats.

use crate::check::result::{RunResult, Status};

/// "37 controls: 20 pass, 8 fail, …" with only the non-zero counts.
pub fn summary_line(result: &RunResult) -> String {
    let parts: Vec<String> = Status::ALL
        .iter()
        .filter_map(|s| {
            result
                .summary
                .by_status
                .get(s)
                .filter(|n| **n > 0)
                .map(|n| format!("{n} {s}"))
        })
        .collect();
    format!(
        "{} control{}: {}",
        result.summary.controls,
        if result.summary.controls == 1 {
            ""
        } else {
            "s"
        },
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        }
    )
}

/// Cuts a message to `max` characters on a character boundary, marking the cut.
pub fn truncate(s: &str, max: usize) -> String {
    let one_line = s.replace('\n', " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        format!(
            "{}…",
            one_line
                .chars()
                .take(max.saturating_sub(1))
                .collect::<String>()
        )
    }
}

/// ANSI colour for a status, or nothing.
pub fn paint(s: &str, status: Status, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    let code = match status {
        Status::Pass => "32",
        Status::Fail => "31;1",
        Status::Error => "35;1",
        Status::Waived => "33",
        Status::Manual => "36",
        Status::Attested => "34",
        Status::NotApplicable => "2",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

/// Criterion ids in natural order (CC6.2 before CC6.10, A.8.5 before A.8.24).
pub fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            num = Some(
                num.unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(u64::from(d)),
            );
        } else {
            if let Some(n) = num.take() {
                out.push((std::mem::take(&mut text), n));
            }
            text.push(c);
        }
    }
    out.push((text, num.unwrap_or(0)));
    out
}
