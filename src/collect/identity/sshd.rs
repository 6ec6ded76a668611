//! OpenSSH server settings (`host.sshd` evidence): does every SSH login need two
//! factors, are passwords off, may root log in.
//!
//! # Where the facts come from
//! The authority is `sshd -T`: sshd itself parses its configuration (defaults, every
//! `Include`, distribution patches) and prints the effective value of every keyword,
//! lower-cased, one `keyword value…` line each. assay never re-implements that parser:
//!
//! - [`import`] reads saved `sshd -T` outputs (`assay evidence import --from sshd-t
//!   --host HOST FILE…`). All files describe the one host: a plain `sshd -T` and, for
//!   example, `sshd -T -C user=deploy,host=ci,addr=10.0.0.9` for connections a `Match`
//!   block changes. They are merged worst case (see [`Settings::merge`]).
//! - [`collect`] runs `sshd -T -f CONFIG` on this machine (`assay collect identity sshd`),
//!   once plus once per `-C` connection spec, and additionally scans the configuration for
//!   `Match` blocks and reads the PAM stack (`/etc/pam.d/sshd`) for a one-time-code module.
//!   Remote hosts: run `ssh HOST sudo sshd -T > HOST.txt` and import the file; assay does
//!   not open SSH sessions itself.
//!
//! # Match blocks
//! `sshd -T` without `-C` prints the settings for a connection that **no** `Match` block
//! applies to. A `Match` block that weakens a setting a control judges (turns passwords
//! on, turns keyboard-interactive on without a key in every `AuthenticationMethods`
//! alternative in force for the block, allows a single-factor or key-less alternative,
//! widens `PermitRootLogin`) makes the global answer partial: the collector lists such
//! blocks in `match_blocks` and sets `incomplete`, so the controls can fail but never pass.
//! Connections given with `--match` are evaluated by sshd and merged, so their violations
//! are reported. The scan of the configuration for `Match` lines follows `Include` (globs
//! in the last path component, relative paths under `/etc/ssh`, as sshd does) and is the
//! only place assay reads `sshd_config` itself. An imported `sshd -T` output cannot show
//! Match blocks at all; `docs/evidence.md` says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};

/// The collector name written into live evidence.
pub const COLLECTOR: &str = "assay-sshd";

/// PAM modules that ask for a second factor (one-time code, hardware key, push).
pub const PAM_SECOND_FACTOR_MODULES: &[&str] = &[
    "pam_google_authenticator.so",
    "pam_oath.so",
    "pam_u2f.so",
    "pam_yubico.so",
    "pam_duo.so",
    "pam_radius_auth.so",
    "pam_totp.so",
];

/// Why sshd settings could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SshdError {
    /// An `sshd -T` output that is not one (a missing keyword, a bad value).
    #[error("{file}: {message}")]
    Output {
        /// The file (or command) the output came from.
        file: String,
        /// What was wrong, with the line number when there is one.
        message: String,
    },
    /// sshd could not be run or refused the configuration.
    #[error("{0}")]
    Run(String),
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
}

fn out_err(file: &str, message: impl Into<String>) -> SshdError {
    SshdError::Output {
        file: file.to_string(),
        message: message.into(),
    }
}

/// The settings of one connection context, from one `sshd -T` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `global` for a plain `sshd -T`, otherwise the `-C` spec (or the file name).
    pub context: String,
    /// `passwordauthentication`.
    pub password_authentication: bool,
    /// `kbdinteractiveauthentication` (or `challengeresponseauthentication`).
    pub kbd_interactive_authentication: bool,
    /// `permitrootlogin`, as printed.
    pub permit_root_login: String,
    /// `authenticationmethods`, one item per alternative.
    pub authentication_methods: Vec<String>,
    /// `pubkeyauthentication`.
    pub pubkey_authentication: Option<bool>,
    /// `usepam` (absent on builds without PAM).
    pub use_pam: Option<bool>,
    /// `permitemptypasswords`.
    pub permit_empty_passwords: Option<bool>,
}

/// Parses one `sshd -T` output. `file` names it in errors.
pub fn parse_sshd_t(file: &str, context: &str, text: &str) -> Result<Settings, SshdError> {
    let mut seen: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut lines = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        lines += 1;
        let (key, value) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if key.chars().any(|c| c.is_ascii_uppercase()) || key.starts_with('#') {
            return Err(out_err(
                file,
                format!(
                    "line {}: `{key}` is not how `sshd -T` prints a keyword (it prints them lower-case, without comments); this looks like sshd_config, not `sshd -T` output",
                    i + 1
                ),
            ));
        }
        // Repeated keywords (hostkey, listenaddress …) are lists; the ones read here are
        // single-valued, so the first line wins, as in sshd.
        seen.entry(key.to_string())
            .or_insert((i + 1, value.trim().to_string()));
    }
    if lines == 0 {
        return Err(out_err(file, "empty: expected the output of `sshd -T`"));
    }
    let get = |k: &str| seen.get(k);
    let required = |k: &str| {
        get(k).ok_or_else(|| {
            out_err(
                file,
                format!("no `{k}` line: expected the complete output of `sshd -T`"),
            )
        })
    };
    let boolean = |k: &str, (line, v): &(usize, String)| match v.as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(out_err(
            file,
            format!("line {line}: `{k}` is `{other}`, expected yes or no"),
        )),
    };
    let opt_bool = |k: &str| get(k).map(|v| boolean(k, v)).transpose();
    let password_authentication = boolean(
        "passwordauthentication",
        required("passwordauthentication")?,
    )?;
    let kbd = match get("kbdinteractiveauthentication") {
        Some(v) => boolean("kbdinteractiveauthentication", v)?,
        // OpenSSH before 8.7 printed the older name.
        None => match get("challengeresponseauthentication") {
            Some(v) => boolean("challengeresponseauthentication", v)?,
            None => {
                return Err(out_err(
                    file,
                    "no `kbdinteractiveauthentication` (or `challengeresponseauthentication`) line: expected the complete output of `sshd -T`",
                ))
            }
        },
    };
    let (line, root) = required("permitrootlogin")?;
    if root.is_empty() {
        return Err(out_err(
            file,
            format!("line {line}: `permitrootlogin` has no value"),
        ));
    }
    let (line, methods) = required("authenticationmethods")?;
    let authentication_methods: Vec<String> =
        methods.split_whitespace().map(str::to_string).collect();
    if authentication_methods.is_empty() {
        return Err(out_err(
            file,
            format!("line {line}: `authenticationmethods` has no value"),
        ));
    }
    Ok(Settings {
        context: context.to_string(),
        password_authentication,
        kbd_interactive_authentication: kbd,
        permit_root_login: root.clone(),
        authentication_methods,
        pubkey_authentication: opt_bool("pubkeyauthentication")?,
        use_pam: opt_bool("usepam")?,
        permit_empty_passwords: opt_bool("permitemptypasswords")?,
    })
}

/// How much root may do: 0 `no` … 3 `yes` (unknown values count as `yes`).
fn root_rank(v: &str) -> u8 {
    match v {
        "no" => 0,
        "forced-commands-only" => 1,
        "prohibit-password" | "without-password" => 2,
        _ => 3,
    }
}

/// The distinct methods of one AuthenticationMethods alternative, without submethods.
fn methods_of(alternative: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for part in alternative.split(',') {
        let m = part.split(':').next().unwrap_or("").trim();
        if !m.is_empty() && !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// An alternative that lets a login in with one factor, or without a key.
fn weak_alternative(alternative: &str) -> bool {
    let m = methods_of(alternative);
    m.len() < 2 || !m.contains(&"publickey")
}

impl Settings {
    /// The worst case over several contexts: a setting is as open as the most open
    /// context, and every alternative of every context is listed once.
    pub fn merge(all: &[Settings]) -> Option<Settings> {
        let first = all.first()?;
        let mut m = first.clone();
        m.context = all
            .iter()
            .map(|s| s.context.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        for s in &all[1..] {
            m.password_authentication |= s.password_authentication;
            m.kbd_interactive_authentication |= s.kbd_interactive_authentication;
            if root_rank(&s.permit_root_login) > root_rank(&m.permit_root_login) {
                m.permit_root_login = s.permit_root_login.clone();
            }
            for a in &s.authentication_methods {
                if !m.authentication_methods.contains(a) {
                    m.authentication_methods.push(a.clone());
                }
            }
            m.pubkey_authentication = or_any(m.pubkey_authentication, s.pubkey_authentication);
            m.use_pam = or_any(m.use_pam, s.use_pam);
            m.permit_empty_passwords = or_any(m.permit_empty_passwords, s.permit_empty_passwords);
        }
        Some(m)
    }

    fn facts(&self) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert(
            "password_authentication".into(),
            json!(self.password_authentication),
        );
        o.insert(
            "kbd_interactive_authentication".into(),
            json!(self.kbd_interactive_authentication),
        );
        o.insert("permit_root_login".into(), json!(self.permit_root_login));
        o.insert(
            "authentication_methods".into(),
            json!(self.authentication_methods),
        );
        for (k, v) in [
            ("pubkey_authentication", self.pubkey_authentication),
            ("use_pam", self.use_pam),
            ("permit_empty_passwords", self.permit_empty_passwords),
        ] {
            if let Some(v) = v {
                o.insert(k.into(), json!(v));
            }
        }
        o
    }
}

/// `true` wins; unknown stays unknown only when every side is unknown.
fn or_any(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x || y),
        (Some(true), None) | (None, Some(true)) => Some(true),
        _ => None,
    }
}

/// A `Match` block line that may weaken what a control judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchSetting {
    /// The config file.
    pub file: String,
    /// The line of the setting (1-based).
    pub line: usize,
    /// The `Match` criteria it is under (`User deploy`).
    pub criteria: String,
    /// The keyword, lower-cased.
    pub keyword: String,
    /// Its value as written.
    pub value: String,
}

/// What the PAM stack of sshd says about a second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pam {
    /// The file read (`/etc/pam.d/sshd`).
    pub file: String,
    /// Second-factor modules on `auth` lines (own file or included), in order.
    pub second_factor: Vec<String>,
    /// Any such module carries `nullok`: users without an enrolled token get in without it.
    pub nullok: bool,
}

/// Builds the `host.sshd` body.
pub fn body(
    host: &str,
    contexts: &[Settings],
    match_blocks: Option<&[MatchSetting]>,
    pam: Option<&Pam>,
    source_detail: &str,
    mut incomplete: Vec<String>,
) -> Value {
    let Some(merged) = Settings::merge(contexts) else {
        return json!({"host": host, "error": "no sshd settings were read"});
    };
    let mut o = Map::new();
    o.insert("host".into(), json!(host));
    o.extend(merged.facts());
    if contexts.len() > 1 {
        let per: Vec<Value> = contexts
            .iter()
            .map(|s| {
                let mut c = s.facts();
                c.insert("connection".into(), json!(s.context));
                Value::Object(c)
            })
            .collect();
        o.insert("contexts".into(), Value::Array(per));
    }
    if let Some(blocks) = match_blocks {
        let list: Vec<Value> = blocks
            .iter()
            .map(|m| {
                json!({"file": m.file, "line": m.line, "match": m.criteria,
                       "keyword": m.keyword, "value": m.value})
            })
            .collect();
        if !blocks.is_empty() {
            let named: Vec<String> = blocks
                .iter()
                .map(|m| {
                    format!(
                        "{}:{} (Match {}) {} {}",
                        m.file, m.line, m.criteria, m.keyword, m.value
                    )
                })
                .collect();
            incomplete.push(format!(
                "Match blocks may weaken the settings shown for some connections, which `sshd -T` without -C does not evaluate: {}; evaluate them with --match user=…,host=…,addr=… and/or waive with the reason",
                named.join(", ")
            ));
        }
        o.insert("match_blocks".into(), Value::Array(list));
    }
    if let Some(p) = pam {
        o.insert("pam_file".into(), json!(p.file));
        o.insert("pam_second_factor".into(), json!(p.second_factor));
        o.insert("pam_second_factor_nullok".into(), json!(p.nullok));
    }
    o.insert("source_detail".into(), json!(source_detail));
    if !incomplete.is_empty() {
        o.insert("incomplete".into(), json!(incomplete.join("; ")));
    }
    Value::Object(o)
}

/// Converts saved `sshd -T` outputs of one host into a `host.sshd` body. Each item is
/// (file name, text).
pub fn import(host: &str, files: &[(String, String)]) -> Result<Value, SshdError> {
    if host.trim().is_empty() {
        return Err(SshdError::Usage(
            "--from sshd-t needs --host HOST: the server the output was taken on".into(),
        ));
    }
    let mut contexts = Vec::new();
    for (name, text) in files {
        let ctx = if files.len() == 1 {
            "global".to_string()
        } else {
            name.clone()
        };
        contexts.push(parse_sshd_t(name, &ctx, text)?);
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    Ok(body(
        host,
        &contexts,
        None,
        None,
        &format!(
            "`sshd -T` output imported from {}; Match blocks are only reflected if those outputs were taken with -C",
            names.join(", ")
        ),
        Vec::new(),
    ))
}

/// What `assay collect identity sshd` is asked to do.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// The subject; default: this machine's host name.
    pub host: Option<String>,
    /// The sshd_config to evaluate (default `/etc/ssh/sshd_config`).
    pub config: PathBuf,
    /// The sshd binary (default: `sshd` on PATH, then `/usr/sbin/sshd`).
    pub sshd: Option<PathBuf>,
    /// `-C` connection specs (`user=alice,host=ci.example,addr=10.0.0.9`).
    pub matches: Vec<String>,
    /// The PAM file of sshd (default `/etc/pam.d/sshd`; skipped when absent).
    pub pam: Option<PathBuf>,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            host: None,
            config: PathBuf::from("/etc/ssh/sshd_config"),
            sshd: None,
            matches: Vec::new(),
            pam: None,
        }
    }
}

/// The sshd binary to run.
pub fn find_sshd(explicit: Option<&Path>) -> Result<PathBuf, SshdError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("sshd")).collect())
        .unwrap_or_default();
    candidates.push(PathBuf::from("/usr/sbin/sshd"));
    candidates.push(PathBuf::from("/usr/local/sbin/sshd"));
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        SshdError::Run(
            "sshd not found on PATH or in /usr/sbin: install the OpenSSH server (Debian: apt-get install openssh-server) or give --sshd PATH; for another machine, run `sshd -T` there and use `assay evidence import --from sshd-t --host HOST FILE`".into(),
        )
    })
}

/// Runs `sshd -T -f CONFIG [-C spec]` and returns its stdout.
fn run_sshd_t(sshd: &Path, config: &Path, spec: Option<&str>) -> Result<String, SshdError> {
    let mut cmd = Command::new(sshd);
    cmd.arg("-T").arg("-f").arg(config);
    if let Some(s) = spec {
        cmd.arg("-C").arg(s);
    }
    let shown = format!(
        "{} -T -f {}{}",
        sshd.display(),
        config.display(),
        spec.map(|s| format!(" -C {s}")).unwrap_or_default()
    );
    let out = cmd
        .output()
        .map_err(|e| SshdError::Run(format!("cannot run `{shown}`: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let hint = if err.contains("privilege separation directory") {
            " (sshd needs its privilege separation directory, usually /run/sshd, when run as root: mkdir -p /run/sshd)"
        } else if err.contains("no hostkeys") || err.contains("Permission denied") {
            " (sshd must read its host keys: run as root, e.g. with sudo)"
        } else {
            ""
        };
        return Err(SshdError::Run(format!(
            "`{shown}` failed ({}): {}{hint}",
            out.status,
            if err.is_empty() { "no message" } else { &err }
        )));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| SshdError::Run(format!("`{shown}` printed something that is not UTF-8")))
}

/// The host name of this machine.
pub fn local_hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// One measurement of this machine's sshd: the subject and the body.
#[derive(Debug, Clone)]
pub struct Collected {
    /// The subject (host).
    pub host: String,
    /// The `host.sshd` body.
    pub body: Value,
    /// The settings per context (for the summary table).
    pub contexts: Vec<Settings>,
}

/// Measures the local sshd.
pub fn collect(opts: &LiveOptions) -> Result<Collected, SshdError> {
    let host = match &opts.host {
        Some(h) if !h.trim().is_empty() => h.clone(),
        Some(_) => return Err(SshdError::Usage("--host is empty".into())),
        None => local_hostname().ok_or_else(|| {
            SshdError::Usage("cannot tell this machine's host name: give --host".into())
        })?,
    };
    let sshd = find_sshd(opts.sshd.as_deref())?;
    let mut contexts = Vec::new();
    let shown = |spec: Option<&str>| {
        format!(
            "sshd -T -f {}{}",
            opts.config.display(),
            spec.map(|s| format!(" -C {s}")).unwrap_or_default()
        )
    };
    let text = run_sshd_t(&sshd, &opts.config, None)?;
    contexts.push(parse_sshd_t(&shown(None), "global", &text)?);
    for spec in &opts.matches {
        if !spec.contains('=') {
            return Err(SshdError::Usage(format!(
                "--match {spec}: expected connection parameters like user=alice,host=ci.example,addr=10.0.0.9"
            )));
        }
        let text = run_sshd_t(&sshd, &opts.config, Some(spec))?;
        contexts.push(parse_sshd_t(&shown(Some(spec)), spec, &text)?);
    }
    let global = contexts[0].clone();
    let mut incomplete = Vec::new();
    let blocks = match scan_match_blocks(&opts.config, &global) {
        Ok(b) => Some(b),
        Err(e) => {
            incomplete.push(format!(
                "could not scan the configuration for Match blocks: {e}"
            ));
            None
        }
    };
    let pam_path = opts
        .pam
        .clone()
        .unwrap_or_else(|| PathBuf::from("/etc/pam.d/sshd"));
    let pam = if global.use_pam == Some(true) && pam_path.exists() {
        match read_pam(&pam_path) {
            Ok(p) => Some(p),
            Err(e) => {
                incomplete.push(format!("could not read {}: {e}", pam_path.display()));
                None
            }
        }
    } else {
        None
    };
    let mut detail = vec![shown(None)];
    detail.extend(opts.matches.iter().map(|s| shown(Some(s))));
    let body = body(
        &host,
        &contexts,
        blocks.as_deref(),
        pam.as_ref(),
        &format!("{} ({})", detail.join("; "), sshd.display()),
        incomplete,
    );
    Ok(Collected {
        host,
        body,
        contexts,
    })
}

/// The keywords a Match block can set that the controls judge.
const JUDGED: &[&str] = &[
    "passwordauthentication",
    "kbdinteractiveauthentication",
    "challengeresponseauthentication",
    "authenticationmethods",
    "permitrootlogin",
    "permitemptypasswords",
];

/// Splits a config line into its lower-cased keyword and the rest (`Key value`,
/// `Key=value`); `None` for blank lines and comments.
fn config_line(raw: &str) -> Option<(String, String)> {
    let line = raw.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let end = line
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(line.len());
    let key = line[..end].to_ascii_lowercase();
    let rest = line[end..]
        .trim_start()
        .trim_start_matches('=')
        .trim()
        .to_string();
    Some((key, rest))
}

/// The first word of a config value, unquoted and lower-cased.
fn first_word(value: &str) -> String {
    value
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches('"')
        .to_ascii_lowercase()
}

/// Whether an AuthenticationMethods value has a single-factor or key-less alternative.
fn weak_methods(value: &str) -> bool {
    let alts: Vec<&str> = value.split_whitespace().collect();
    alts.is_empty() || alts.iter().any(|a| weak_alternative(a.trim_matches('"')))
}

/// Whether a Match-block setting is weaker than the global one, or weak on its own.
/// `methods` is the AuthenticationMethods in force for the block (its own, else the
/// global one): keyboard-interactive behind a key in every alternative weakens nothing.
fn weakens(keyword: &str, value: &str, global: &Settings, methods: &str) -> bool {
    let first = first_word(value);
    match keyword {
        "passwordauthentication" | "permitemptypasswords" => first != "no",
        "kbdinteractiveauthentication" | "challengeresponseauthentication" => {
            first != "no" && weak_methods(methods)
        }
        "permitrootlogin" => root_rank(&first) > root_rank(&global.permit_root_login),
        "authenticationmethods" => weak_methods(value),
        _ => false,
    }
}

/// A judged setting seen inside a Match block (block numbers count Match lines).
struct Seen {
    block: usize,
    setting: MatchSetting,
}

/// Lists the settings inside `Match` blocks of `config` (and the files it includes)
/// that may weaken what the controls judge. Include depth is bounded like sshd's (16).
pub fn scan_match_blocks(config: &Path, global: &Settings) -> Result<Vec<MatchSetting>, String> {
    let mut seen = Vec::new();
    let mut blocks = 0usize;
    scan_file(config, &mut None, &mut blocks, 0, &mut seen)?;
    let global_methods = global.authentication_methods.join(" ");
    let mut out = Vec::new();
    for s in &seen {
        // Within a block, as in sshd, the first value of a keyword counts.
        let methods = seen
            .iter()
            .find(|o| o.block == s.block && o.setting.keyword == "authenticationmethods")
            .map_or(global_methods.as_str(), |o| o.setting.value.as_str());
        if weakens(&s.setting.keyword, &s.setting.value, global, methods) {
            out.push(s.setting.clone());
        }
    }
    Ok(out)
}

fn scan_file(
    path: &Path,
    criteria: &mut Option<(usize, String)>,
    blocks: &mut usize,
    depth: usize,
    out: &mut Vec<Seen>,
) -> Result<(), String> {
    if depth > 16 {
        return Err(format!(
            "{}: Include nested more than 16 deep",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    for (i, raw) in text.lines().enumerate() {
        let Some((key, rest)) = config_line(raw) else {
            continue;
        };
        match key.as_str() {
            "match" => {
                *blocks += 1;
                *criteria = Some((*blocks, rest));
            }
            "include" => {
                for pattern in rest.split_whitespace() {
                    for f in expand_include(pattern.trim_matches('"'))? {
                        // An Include inside a Match block belongs to that block; one at
                        // top level may itself open Match blocks, which end with its file.
                        let mut inner = criteria.clone();
                        scan_file(&f, &mut inner, blocks, depth + 1, out)?;
                    }
                }
            }
            k if JUDGED.contains(&k) => {
                if let Some((block, c)) = criteria {
                    out.push(Seen {
                        block: *block,
                        setting: MatchSetting {
                            file: path.display().to_string(),
                            line: i + 1,
                            criteria: c.clone(),
                            keyword: k.to_string(),
                            value: rest.clone(),
                        },
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The files an `Include` pattern names, sorted as glob(3) does. Relative patterns are
/// under `/etc/ssh`; wildcards are supported in the last path component.
fn expand_include(pattern: &str) -> Result<Vec<PathBuf>, String> {
    let p = if Path::new(pattern).is_absolute() {
        PathBuf::from(pattern)
    } else {
        Path::new("/etc/ssh").join(pattern)
    };
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let dir = p.parent().unwrap_or(Path::new("/")).to_path_buf();
    let wild = |s: &str| s.contains(['*', '?', '[']);
    if wild(&dir.to_string_lossy()) {
        return Err(format!(
            "Include {pattern}: wildcards in directory names are not followed"
        ));
    }
    if !wild(&name) {
        return Ok(if p.exists() { vec![p] } else { Vec::new() });
    }
    let glob = globset::Glob::new(&name)
        .map_err(|e| format!("Include {pattern}: {e}"))?
        .compile_matcher();
    let mut found: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .filter(|e| glob.is_match(e.file_name()))
            .map(|e| e.path())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("Include {pattern}: {}: {e}", dir.display())),
    };
    found.sort();
    Ok(found)
}

/// Reads sshd's PAM stack: `auth` lines naming a second-factor module, following
/// `@include`, `include` and `substack` into the same directory (bounded depth).
pub fn read_pam(path: &Path) -> Result<Pam, String> {
    let mut pam = Pam {
        file: path.display().to_string(),
        second_factor: Vec::new(),
        nullok: false,
    };
    read_pam_file(path, 0, &mut pam)?;
    Ok(pam)
}

fn read_pam_file(path: &Path, depth: usize, pam: &mut Pam) -> Result<(), String> {
    if depth > 8 {
        return Err(format!("{}: includes nested too deep", path.display()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("/etc/pam.d"));
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["@include", file, ..] => read_pam_file(&dir.join(file), depth + 1, pam)?,
            [kind, control, rest @ ..] if kind.trim_start_matches('-') == "auth" => {
                if matches!(*control, "include" | "substack") {
                    if let Some(f) = rest.first() {
                        read_pam_file(&dir.join(f), depth + 1, pam)?;
                    }
                    continue;
                }
                // The control may be a bracketed [value=action …] list.
                let module = if control.starts_with('[') {
                    let close = rest.iter().position(|w| w.ends_with(']'));
                    close.and_then(|c| rest.get(c + 1))
                } else {
                    rest.first()
                };
                if let Some(m) = module {
                    let base = m.rsplit('/').next().unwrap_or(m);
                    if PAM_SECOND_FACTOR_MODULES.contains(&base) {
                        if !pam.second_factor.iter().any(|x| x == base) {
                            pam.second_factor.push(base.to_string());
                        }
                        if rest.contains(&"nullok") {
                            pam.nullok = true;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: &str = "port 22\nusepam yes\npermitrootlogin without-password\npubkeyauthentication yes\npasswordauthentication yes\nkbdinteractiveauthentication no\nauthenticationmethods any\n";

    #[test]
    fn parses_minimal_output() {
        let s = parse_sshd_t("f", "global", MIN).unwrap();
        assert!(s.password_authentication);
        assert!(!s.kbd_interactive_authentication);
        assert_eq!(s.permit_root_login, "without-password");
        assert_eq!(s.authentication_methods, ["any"]);
        assert_eq!(s.use_pam, Some(true));
    }

    #[test]
    fn old_challengeresponse_name_is_read() {
        let t = MIN.replace(
            "kbdinteractiveauthentication",
            "challengeresponseauthentication",
        );
        assert!(
            !parse_sshd_t("f", "g", &t)
                .unwrap()
                .kbd_interactive_authentication
        );
    }

    #[test]
    fn errors_name_file_line_and_keyword() {
        let t = MIN.replace("passwordauthentication yes", "passwordauthentication maybe");
        let e = parse_sshd_t("web1.txt", "g", &t).unwrap_err().to_string();
        assert!(
            e.contains("web1.txt: line 5: `passwordauthentication` is `maybe`"),
            "{e}"
        );
        let t = MIN.replace("authenticationmethods any\n", "");
        let e = parse_sshd_t("web1.txt", "g", &t).unwrap_err().to_string();
        assert!(e.contains("no `authenticationmethods` line"), "{e}");
        let e = parse_sshd_t("c", "g", "PasswordAuthentication no\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("looks like sshd_config"), "{e}");
        assert!(parse_sshd_t("c", "g", "\n\n").is_err());
    }

    #[test]
    fn merge_is_worst_case() {
        let a = parse_sshd_t(
            "a",
            "global",
            &MIN.replace("passwordauthentication yes", "passwordauthentication no")
                .replace(
                    "authenticationmethods any",
                    "authenticationmethods publickey,keyboard-interactive",
                ),
        )
        .unwrap();
        let b = parse_sshd_t(
            "b",
            "user=x",
            &MIN.replace("permitrootlogin without-password", "permitrootlogin yes"),
        )
        .unwrap();
        let m = Settings::merge(&[a, b]).unwrap();
        assert!(m.password_authentication);
        assert_eq!(m.permit_root_login, "yes");
        assert_eq!(
            m.authentication_methods,
            ["publickey,keyboard-interactive", "any"]
        );
    }

    #[test]
    fn weak_alternatives() {
        assert!(weak_alternative("any"));
        assert!(weak_alternative("publickey,publickey"));
        assert!(weak_alternative("password,keyboard-interactive:pam"));
        assert!(!weak_alternative("publickey,keyboard-interactive:pam"));
    }

    #[test]
    fn match_scan_follows_includes_and_keeps_match_state() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let global = parse_sshd_t(
            "g",
            "global",
            &MIN.replace("passwordauthentication yes", "passwordauthentication no"),
        )
        .unwrap();
        std::fs::create_dir(d.join("conf.d")).unwrap();
        // Included at top level: its own Match block ends with the file.
        std::fs::write(
            d.join("conf.d/10-a.conf"),
            "Match Group admins\n  PermitRootLogin yes\n",
        )
        .unwrap();
        // Included from inside a Match block: its settings belong to that block.
        std::fs::write(d.join("inner.conf"), "PasswordAuthentication yes\n").unwrap();
        std::fs::write(
            d.join("conf.d/20-b.txt"),
            "Match all\nPasswordAuthentication yes\n",
        )
        .unwrap();
        let main = d.join("sshd_config");
        std::fs::write(
            &main,
            format!(
                "Include {0}/conf.d/*.conf\nPasswordAuthentication yes\nMatch User deploy\n  Include {0}/inner.conf\n  PasswordAuthentication no\n  AuthenticationMethods publickey,password\n",
                d.display()
            ),
        )
        .unwrap();
        // A 2FA rollout by group: keyboard-interactive behind a key weakens nothing.
        std::fs::write(
            d.join("conf.d/30-otp.conf"),
            "Match Group otp\n  KbdInteractiveAuthentication yes\n  AuthenticationMethods publickey,keyboard-interactive:pam\nMatch Group legacy\n  KbdInteractiveAuthentication yes\n",
        )
        .unwrap();
        let found = scan_match_blocks(&main, &global).unwrap();
        let got: Vec<(String, usize, &str, &str)> = found
            .iter()
            .map(|m| {
                (
                    Path::new(&m.file)
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .to_string(),
                    m.line,
                    m.criteria.as_str(),
                    m.keyword.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "10-a.conf".to_string(),
                    2,
                    "Group admins",
                    "permitrootlogin"
                ),
                (
                    "30-otp.conf".to_string(),
                    5,
                    "Group legacy",
                    "kbdinteractiveauthentication"
                ),
                (
                    "inner.conf".to_string(),
                    1,
                    "User deploy",
                    "passwordauthentication"
                ),
            ]
        );
        // The top-level PasswordAuthentication after the Include is global, not Match.
        assert!(found
            .iter()
            .all(|m| m.file != main.display().to_string() || m.line != 2));
    }

    #[test]
    fn pam_modules_are_found_through_includes() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("common-auth"), "auth [success=1 default=ignore] pam_unix.so nullok\nauth sufficient /lib/security/pam_u2f.so cue\n").unwrap();
        std::fs::write(d.join("sshd"), "@include common-auth\nauth [success=done default=die] pam_oath.so usersfile=/etc/users.oath\nsession required pam_google_authenticator.so\n").unwrap();
        let p = read_pam(&d.join("sshd")).unwrap();
        assert_eq!(p.second_factor, ["pam_u2f.so", "pam_oath.so"]);
        assert!(!p.nullok);
    }

    #[test]
    fn config_lines() {
        assert_eq!(
            config_line("  PasswordAuthentication=yes"),
            Some(("passwordauthentication".into(), "yes".into()))
        );
        assert_eq!(config_line("# Match User x"), None);
        assert_eq!(
            config_line("Match User deploy Address 10.0.0.0/8"),
            Some(("match".into(), "User deploy Address 10.0.0.0/8".into()))
        );
    }
}
