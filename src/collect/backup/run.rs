//! Running a backup tool: no terminal (stdin is closed, so a missing password fails
//! instead of prompting), a deadline, and every text it prints scrubbed of secrets.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::BackupError;

/// Environment variables whose values are secrets: never written anywhere.
pub(crate) const SECRET_VARS: &[&str] = &[
    "RESTIC_PASSWORD",
    "BORG_PASSPHRASE",
    "PGBACKREST_REPO1_CIPHER_PASS",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// `text` with the value of every secret variable (and of the password file restic is
/// told to read) replaced by `***`.
pub(crate) fn redact(text: &str) -> String {
    let mut out = text.to_string();
    let mut secrets: Vec<String> = SECRET_VARS
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .collect();
    if let Ok(file) = std::env::var("RESTIC_PASSWORD_FILE") {
        if let Ok(p) = std::fs::read_to_string(file) {
            secrets.push(p.trim_end_matches(['\r', '\n']).to_string());
        }
    }
    for s in secrets {
        if s.len() >= 3 {
            out = out.replace(&s, "***");
        }
    }
    out
}

/// What a finished tool printed.
pub(crate) struct Output {
    pub status: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Output {
    pub fn ok(&self) -> bool {
        self.status == Some(0)
    }

    /// The lines of stderr that say what went wrong (the first ones naming an error and
    /// the last), else its last lines, for an error message. Tracebacks are left out.
    pub fn tail(&self) -> String {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with([' ', '\t']))
            .map(str::trim)
            .filter(|l| !l.starts_with("Traceback") && !l.starts_with("borg.helpers"))
            .collect();
        let keyword = |l: &&str| {
            let l = l.to_ascii_lowercase();
            [
                "error",
                "fatal",
                "incorrect",
                "failed",
                "not found",
                "does not exist",
            ]
            .iter()
            .any(|k| l.contains(k))
        };
        let mut picked: Vec<&str> = Vec::new();
        for l in lines.iter().filter(|l| keyword(l)) {
            if !picked.contains(l) {
                picked.push(l);
            }
        }
        let chosen: Vec<&str> = if picked.is_empty() {
            lines[lines.len().saturating_sub(4)..].to_vec()
        } else if picked.len() > 3 {
            vec![picked[0], picked[1], picked[picked.len() - 1]]
        } else {
            picked
        };
        let t = chosen.join(" | ");
        if t.is_empty() {
            format!("exit status {}", self.status.unwrap_or(-1))
        } else {
            t
        }
    }
}

/// Runs `program args` (in `dir` when given, with `envs` added), waits at most
/// `timeout`, and returns what it printed. Errors name `repo` and the program.
pub(crate) fn run(
    repo: &str,
    program: &str,
    args: &[String],
    envs: &[(&str, &str)],
    dir: Option<&Path>,
    timeout: Duration,
) -> Result<Output, BackupError> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let verb = args.iter().find(|a| !a.starts_with('-')).cloned();
    let shown = format!("{program} {}", verb.unwrap_or_default());
    let mut child = cmd.spawn().map_err(|e| BackupError::Tool {
        repo: repo.to_string(),
        message: if e.kind() == std::io::ErrorKind::NotFound {
            format!("`{program}` is not installed (not found on PATH); install it (Debian: apt-get install {}) or import its JSON with `assay evidence import --from {program}`", debian_package(program))
        } else {
            format!("cannot run `{program}`: {e}")
        },
    })?;
    let (status, stdout, stderr) = crate::collect::process::wait_bounded(&mut child, timeout)
        .map_err(|e| BackupError::Tool {
            repo: repo.to_string(),
            message: match e {
                crate::collect::process::WaitError::TimedOut => {
                    format!("`{shown}` did not finish within {} s", timeout.as_secs())
                }
                crate::collect::process::WaitError::Wait(e) => {
                    format!("waiting for `{shown}`: {e}")
                }
            },
        })?;
    let stderr = redact(&String::from_utf8_lossy(&stderr));
    Ok(Output {
        status: status.code(),
        stdout,
        stderr,
    })
}

/// Runs the tool and insists on exit status 0 and UTF-8 output; the error carries the
/// tool's last stderr lines.
pub(crate) fn run_ok(
    repo: &str,
    program: &str,
    args: &[String],
    envs: &[(&str, &str)],
    timeout: Duration,
) -> Result<String, BackupError> {
    let o = run(repo, program, args, envs, None, timeout)?;
    let verb = args
        .iter()
        .find(|a| !a.starts_with('-') && a.as_str() != repo)
        .cloned()
        .unwrap_or_default();
    if !o.ok() {
        return Err(BackupError::Tool {
            repo: repo.to_string(),
            message: format!("`{program} {verb}` failed: {}", o.tail()),
        });
    }
    // Lossy, not strict: pgBackRest with a wrong repository key quotes the undecryptable
    // bytes inside its JSON error message, and that message is what the user needs.
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

fn debian_package(program: &str) -> &str {
    match program {
        "borg" => "borgbackup",
        p => p,
    }
}
