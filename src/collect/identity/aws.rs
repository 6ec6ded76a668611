//! AWS IAM: the credential report as `identity.users` evidence (subject
//! `aws:<account id>`).
//!
//! # Sources
//! - [`import`]: the report as `aws iam get-credential-report --query Content --output
//!   text | base64 -d` prints it (CSV), or the raw JSON of `aws iam get-credential-report`
//!   (`Content` base64, `ReportFormat` `text/csv`, `GeneratedTime`).
//! - [`collect`]: the IAM Query API signed with SigV4 (the `aws-sigv4` crate):
//!   `GenerateCredentialReport` (polled until `COMPLETE`, bounded), `GetCredentialReport`,
//!   and, for who is an admin, `ListEntitiesForPolicy` of `AdministratorAccess` plus
//!   `GetGroup` of each group it is attached to.
//!
//! # Mapping (documented columns of the credential report)
//! - one user per row; `user` is the login; the `<root_account>` row (ARN `…:root`) is
//!   `root: true` and `admin: true`;
//! - `mfa`: `mfa_active` (`true`/`false`; anything else is an error naming file, line and
//!   column);
//! - `human`: a **console password** (`password_enabled` `true`) makes an account a person;
//!   an account without one (access keys only, or no credentials) is a machine account.
//!   The root user is a person. A person-run account without a password, or a robot with
//!   one, belongs in the control's `excluded_accounts` with its reason;
//! - `admin`: the credential report does not say who is an administrator, and assay does
//!   not guess. With admin data (`--admins FILE…` on import: the JSON of `aws iam
//!   list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AdministratorAccess`
//!   and of `aws iam get-group --group-name G` for each group it names; live: the same
//!   two API calls) a user is an admin when the policy is attached to the user or to a
//!   group the user is in. Without it `admin` is `null` (unknown), so
//!   `identity.mfa-admins` errors on every account without MFA instead of passing;
//! - facts for people: `arn`, `console_password`, `active_access_keys`,
//!   `password_last_used`; the body carries `report_generated_at` when known and
//!   `admins_source` (what decided the admin flags).
//!
//! Secrets (the secret access key, the session token) are only used to sign; they are
//! never written to evidence, and every error text is scrubbed of them.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::http::{client_builder, encode_segment, tls_config};

/// The collector name written into live evidence.
pub const COLLECTOR: &str = "assay-aws-iam";

/// The AWS managed policy whose holders count as administrators.
pub const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// The IAM endpoint (IAM is global; requests are signed for us-east-1).
pub const DEFAULT_ENDPOINT: &str = "https://iam.amazonaws.com";

/// Why the report could not be read or fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    /// Bad input: names the file, and the line and column when there is one.
    #[error("{file}: {message}")]
    Input {
        /// The file.
        file: String,
        /// What was wrong.
        message: String,
    },
    /// The API refused or failed: names the action.
    #[error("AWS IAM {action}: {message}")]
    Api {
        /// `GenerateCredentialReport`, `GetCredentialReport`, …
        action: String,
        /// What happened and what to do.
        message: String,
    },
    /// Missing credentials or bad options.
    #[error("{0}")]
    Config(String),
}

fn input_err(file: &str, message: impl Into<String>) -> AwsError {
    AwsError::Input {
        file: file.to_string(),
        message: message.into(),
    }
}

/// A credential report: its CSV text and when AWS generated it (when the input says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The CSV.
    pub csv: String,
    /// `GeneratedTime`, RFC 3339.
    pub generated_at: Option<String>,
}

/// Reads a report file: the CSV itself, or the JSON of `aws iam get-credential-report`.
pub fn read_report(file: &str, text: &str) -> Result<Report, AwsError> {
    let text = text.trim_start_matches('\u{feff}');
    if !text.trim_start().starts_with('{') {
        return Ok(Report {
            csv: text.to_string(),
            generated_at: None,
        });
    }
    let v: Value = serde_json::from_str(text).map_err(|e| {
        input_err(
            file,
            format!("line {}, column {}: not JSON: {e}", e.line(), e.column()),
        )
    })?;
    if let Some(f) = v.get("ReportFormat") {
        if f != "text/csv" {
            return Err(input_err(
                file,
                format!("ReportFormat: expected \"text/csv\", found {f}"),
            ));
        }
    }
    let content = v.get("Content").and_then(Value::as_str).ok_or_else(|| {
        input_err(
            file,
            "Content: missing or not a string; expected the JSON that `aws iam get-credential-report` prints",
        )
    })?;
    let csv = decode_content(content).map_err(|m| input_err(file, format!("Content: {m}")))?;
    let generated_at = match v.get("GeneratedTime") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            crate::timefmt::parse_instant(s)
                .map_err(|e| input_err(file, format!("GeneratedTime: {e}")))?
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        Some(other) => {
            return Err(input_err(
                file,
                format!(
                    "GeneratedTime: expected a string, found {}",
                    crate::evidence::json_type_name(other)
                ),
            ))
        }
    };
    Ok(Report { csv, generated_at })
}

/// Decodes the base64 `Content` into UTF-8 text.
fn decode_content(content: &str) -> Result<String, String> {
    let compact: String = content.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| format!("not base64: {e}"))?;
    String::from_utf8(bytes).map_err(|_| "the decoded report is not UTF-8 text".to_string())
}

/// One CSV record and the line it starts on.
struct Record {
    line: usize,
    fields: Vec<String>,
}

/// RFC 4180 CSV (quoted fields, `""` escapes, CRLF or LF); errors name line and column.
fn parse_csv(file: &str, text: &str) -> Result<Vec<Record>, AwsError> {
    let mut out = Vec::new();
    let (mut line, mut col) = (1usize, 0usize);
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut record_line = 1usize;
    let mut quoted = false; // inside a quoted field
    let mut was_quoted = false; // the current field was quoted (and closed)
    let mut quote_start = (0, 0);
    let mut chars = text.chars().peekable();
    let at = |l: usize, c: usize| format!("line {l}, column {c}");
    while let Some(ch) = chars.next() {
        col += 1;
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    col += 1;
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    was_quoted = true;
                }
                '\n' => {
                    field.push('\n');
                    line += 1;
                    col = 0;
                }
                c => field.push(c),
            }
            continue;
        }
        match ch {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                quote_start = (line, col);
            }
            '"' => {
                return Err(input_err(
                    file,
                    format!("{}: a quote inside an unquoted field", at(line, col)),
                ))
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    out.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                fields.clear();
                line += 1;
                col = 0;
                record_line = line;
            }
            c if was_quoted => {
                return Err(input_err(
                    file,
                    format!(
                        "{}: `{c}` after the closing quote of a field",
                        at(line, col)
                    ),
                ))
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err(input_err(
            file,
            format!(
                "{}: the quoted field never ends",
                at(quote_start.0, quote_start.1)
            ),
        ));
    }
    if !field.is_empty() || !fields.is_empty() || was_quoted {
        fields.push(field);
        out.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(out)
}

/// Who is an administrator, from `list-entities-for-policy` and `get-group` outputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admins {
    /// User names that are admins.
    pub users: BTreeSet<String>,
    /// Where that came from (for `admins_source`).
    pub source: String,
}

/// Parses `--admins` files (JSON of `aws iam list-entities-for-policy` and `aws iam
/// get-group`). Every group a policy output names must be resolved by a get-group output.
pub fn parse_admins(files: &[(String, String)]) -> Result<Admins, AwsError> {
    let mut users = BTreeSet::new();
    let mut groups_needed: BTreeMap<String, String> = BTreeMap::new(); // group -> file
    let mut groups_given: BTreeSet<String> = BTreeSet::new();
    for (file, text) in files {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            input_err(
                file,
                format!("line {}, column {}: not JSON: {e}", e.line(), e.column()),
            )
        })?;
        if v.get("IsTruncated") == Some(&Value::Bool(true)) {
            return Err(input_err(
                file,
                "IsTruncated is true: the output is one page only; run the command without --max-items (the CLI then reads every page)",
            ));
        }
        let names = |key: &str, field: &str| -> Result<Vec<String>, AwsError> {
            let Some(list) = v.get(key) else {
                return Ok(Vec::new());
            };
            let arr = list.as_array().ok_or_else(|| {
                input_err(
                    file,
                    format!(
                        "{key}: expected an array, found {}",
                        crate::evidence::json_type_name(list)
                    ),
                )
            })?;
            arr.iter()
                .enumerate()
                .map(|(i, e)| {
                    e.get(field)
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .ok_or_else(|| {
                            input_err(file, format!("{key}[{i}].{field}: missing or not a string"))
                        })
                })
                .collect()
        };
        if v.get("PolicyUsers").is_some()
            || v.get("PolicyGroups").is_some()
            || v.get("PolicyRoles").is_some()
        {
            users.extend(names("PolicyUsers", "UserName")?);
            for g in names("PolicyGroups", "GroupName")? {
                groups_needed.entry(g).or_insert_with(|| file.clone());
            }
        } else if let Some(group) = v.get("Group") {
            let g = group
                .get("GroupName")
                .and_then(Value::as_str)
                .ok_or_else(|| input_err(file, "Group.GroupName: missing or not a string"))?;
            groups_given.insert(g.to_string());
            if v.get("Users").is_none() {
                return Err(input_err(
                    file,
                    "Users: missing; expected the JSON of `aws iam get-group`",
                ));
            }
            users.extend(names("Users", "UserName")?);
        } else {
            return Err(input_err(
                file,
                "expected the JSON of `aws iam list-entities-for-policy` (PolicyUsers, PolicyGroups) or of `aws iam get-group` (Group, Users)",
            ));
        }
    }
    for (g, file) in &groups_needed {
        if !groups_given.contains(g) {
            return Err(input_err(
                file,
                format!("group {g} holds the admin policy, but its members are not given: add the output of `aws iam get-group --group-name {g}` to --admins"),
            ));
        }
    }
    let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    Ok(Admins {
        users,
        source: format!("--admins {}", names.join(" ")),
    })
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "TRUE" | "True" => Some(true),
        "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// What a report turns into: the account and the `identity.users` body.
#[derive(Debug, Clone, PartialEq)]
pub struct Users {
    /// The 12-digit account id.
    pub account: String,
    /// The body.
    pub body: Value,
}

/// Converts a credential report into an `identity.users` body. `admins` `None` leaves
/// `admin` unknown (`null`) for every user but root; `admins_note` says why.
pub fn users_body(
    file: &str,
    report: &Report,
    admins: Option<&Admins>,
    admins_note: &str,
) -> Result<Users, AwsError> {
    let records = parse_csv(file, &report.csv)?;
    let Some((header, rows)) = records.split_first() else {
        return Err(input_err(
            file,
            "empty: expected the credential report CSV (a header line, then one line per user)",
        ));
    };
    let mut cols: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, name) in header.fields.iter().enumerate() {
        if cols.insert(name.as_str(), i).is_some() {
            return Err(input_err(
                file,
                format!(
                    "line {}, column {}: the column `{name}` appears twice",
                    header.line,
                    i + 1
                ),
            ));
        }
    }
    for required in ["user", "arn", "password_enabled", "mfa_active"] {
        if !cols.contains_key(required) {
            return Err(input_err(
                file,
                format!("line {}: no `{required}` column; expected the header of the IAM credential report (user,arn,user_creation_time,password_enabled,…,mfa_active,…)", header.line),
            ));
        }
    }
    if rows.is_empty() {
        return Err(input_err(
            file,
            "no users: a credential report always has the <root_account> row",
        ));
    }
    let mut account: Option<String> = None;
    let mut users = Vec::new();
    for r in rows {
        if r.fields.len() != header.fields.len() {
            return Err(input_err(
                file,
                format!(
                    "line {}: {} fields, but the header has {}",
                    r.line,
                    r.fields.len(),
                    header.fields.len()
                ),
            ));
        }
        let get = |c: &str| cols.get(c).map(|&i| (i, r.fields[i].as_str()));
        let field_err = |c: &str, why: String| {
            let i = cols.get(c).copied().unwrap_or(0);
            input_err(
                file,
                format!("line {}, column {} ({c}): {why}", r.line, i + 1),
            )
        };
        let (_, login) = get("user").unwrap_or((0, ""));
        if login.is_empty() {
            return Err(field_err("user", "empty".into()));
        }
        let (_, arn) = get("arn").unwrap_or((0, ""));
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let acct = match parts.as_slice() {
            ["arn", _, "iam", "", id, _]
                if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) =>
            {
                id.to_string()
            }
            _ => {
                return Err(field_err(
                    "arn",
                    format!("`{arn}` is not an IAM ARN (arn:aws:iam::<12-digit account>:user/…)"),
                ))
            }
        };
        match &account {
            None => account = Some(acct.clone()),
            Some(a) if *a != acct => {
                return Err(field_err(
                    "arn",
                    format!("account {acct}, but earlier rows are of account {a}: one report is one account"),
                ))
            }
            _ => {}
        }
        let root = login == "<root_account>" || arn.ends_with(":root");
        let (_, mfa_raw) = get("mfa_active").unwrap_or((0, ""));
        let mfa = parse_bool(mfa_raw).ok_or_else(|| {
            field_err(
                "mfa_active",
                format!("expected true or false, found `{mfa_raw}`"),
            )
        })?;
        let (_, pw_raw) = get("password_enabled").unwrap_or((0, ""));
        let console_password = match pw_raw {
            "not_supported" if root => None,
            v => Some(parse_bool(v).ok_or_else(|| {
                field_err(
                    "password_enabled",
                    format!(
                        "expected true or false{}, found `{v}`",
                        if root { " or not_supported" } else { "" }
                    ),
                )
            })?),
        };
        let mut keys = 0;
        let mut keys_known = false;
        for c in ["access_key_1_active", "access_key_2_active"] {
            if let Some((_, v)) = get(c) {
                keys_known = true;
                if parse_bool(v)
                    .ok_or_else(|| field_err(c, format!("expected true or false, found `{v}`")))?
                {
                    keys += 1;
                }
            }
        }
        let last_used = get("password_last_used")
            .map(|(_, v)| v)
            .filter(|v| !matches!(*v, "N/A" | "no_information" | "not_supported" | ""))
            .map(|v| match crate::timefmt::parse_instant(v) {
                Ok(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                Err(_) => v.to_string(),
            });
        let admin = if root {
            json!(true)
        } else {
            match admins {
                Some(a) => json!(a.users.contains(login)),
                None => Value::Null,
            }
        };
        let mut u = Map::new();
        u.insert("login".into(), json!(login));
        u.insert(
            "human".into(),
            json!(root || console_password == Some(true)),
        );
        u.insert("admin".into(), admin);
        u.insert("root".into(), json!(root));
        u.insert("mfa".into(), json!(mfa));
        u.insert("arn".into(), json!(arn));
        u.insert("console_password".into(), json!(console_password));
        if keys_known {
            u.insert("active_access_keys".into(), json!(keys));
        }
        u.insert("password_last_used".into(), json!(last_used));
        users.push(Value::Object(u));
    }
    let account = account.unwrap_or_default();
    let mut body = Map::new();
    body.insert("provider".into(), json!("aws"));
    body.insert("org".into(), json!(account));
    body.insert("users".into(), Value::Array(users));
    if let Some(t) = &report.generated_at {
        body.insert("report_generated_at".into(), json!(t));
    }
    body.insert(
        "admins_source".into(),
        json!(match admins {
            Some(a) => format!(
                "{}: holders of {ADMIN_POLICY}, directly or through a group",
                a.source
            ),
            None => admins_note.to_string(),
        }),
    );
    Ok(Users {
        account,
        body: Value::Object(body),
    })
}

/// The note written when no admin data was given on import.
pub const NO_ADMINS_NOTE: &str = "unknown: the credential report does not say who is an administrator; give --admins (aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AdministratorAccess, and aws iam get-group for each group it lists)";

/// Imports report files (and optional `--admins` files): one body per account.
pub fn import(
    reports: &[(String, String)],
    admins: &[(String, String)],
) -> Result<Vec<(Users, Option<String>)>, AwsError> {
    let admins = if admins.is_empty() {
        None
    } else {
        if reports.len() > 1 {
            return Err(AwsError::Config(
                "--admins names the administrators of one account: import each account's credential report with its own --admins".into(),
            ));
        }
        Some(parse_admins(admins)?)
    };
    let mut out: Vec<(Users, Option<String>)> = Vec::new();
    for (file, text) in reports {
        let report = read_report(file, text)?;
        let u = users_body(file, &report, admins.as_ref(), NO_ADMINS_NOTE)?;
        if out.iter().any(|(o, _)| o.account == u.account) {
            return Err(input_err(
                file,
                format!(
                    "a second report of account {}: give one report per account",
                    u.account
                ),
            ));
        }
        out.push((u, report.generated_at));
    }
    Ok(out)
}

// --- live collection ---------------------------------------------------------------

/// AWS credentials from the environment. Debug never prints the secrets.
#[derive(Clone)]
pub struct Credentials {
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: String,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: String,
    /// `AWS_SESSION_TOKEN`.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    pub fn from_env() -> Result<Credentials, AwsError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(a), Some(s)) => Ok(Credentials {
                access_key_id: a,
                secret_access_key: s,
                session_token: var("AWS_SESSION_TOKEN"),
            }),
            _ => Err(AwsError::Config(
                "collect identity aws needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) in the environment, for a principal allowed iam:GenerateCredentialReport, iam:GetCredentialReport, iam:ListEntitiesForPolicy and iam:GetGroup".into(),
            )),
        }
    }

    /// Replaces the secrets in `s` (for error texts).
    fn scrub(&self, s: &str) -> String {
        let mut out = s.replace(&self.secret_access_key, "***");
        if let Some(t) = &self.session_token {
            out = out.replace(t.as_str(), "***");
        }
        out
    }
}

/// How `collect identity aws` behaves.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// The IAM endpoint; `http://` only to loopback (tests).
    pub base_url: String,
    /// The signing region (IAM: us-east-1).
    pub region: String,
    /// Each request's timeout.
    pub timeout: Duration,
    /// The longest wait for the report to be generated.
    pub max_wait: Duration,
    /// Pause between GenerateCredentialReport polls.
    pub poll_interval: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            base_url: DEFAULT_ENDPOINT.into(),
            region: "us-east-1".into(),
            timeout: Duration::from_secs(30),
            max_wait: Duration::from_secs(120),
            poll_interval: Duration::from_secs(1),
        }
    }
}

/// What the live collection read.
#[derive(Debug, Clone)]
pub struct Collected {
    /// Account and body.
    pub users: Users,
    /// The report's `GeneratedTime`.
    pub generated_at: Option<String>,
    /// API requests made.
    pub requests: usize,
}

/// The permission each action needs, for 403 answers.
fn permission(action: &str) -> String {
    format!("iam:{action}")
}

/// Whether plain http may be used: only to loopback.
fn check_endpoint(url: &str) -> Result<reqwest::Url, AwsError> {
    let u =
        reqwest::Url::parse(url).map_err(|e| AwsError::Config(format!("--base-url {url}: {e}")))?;
    match u.scheme() {
        "https" => Ok(u),
        "http" if super::http::is_loopback(&u) => Ok(u),
        "http" => Err(AwsError::Config(format!(
            "--base-url {url}: plain http is accepted only to a loopback address; use https"
        ))),
        s => Err(AwsError::Config(format!(
            "--base-url {url}: unsupported scheme {s}"
        ))),
    }
}

struct Client {
    http: reqwest::Client,
    url: reqwest::Url,
    creds: Credentials,
    region: String,
    requests: usize,
}

/// The text of every element at `path` (local names, from the root element down).
fn xml_texts(xml: &str, path: &[&str]) -> Result<Vec<String>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                text.clear();
            }
            Ok(Event::Text(t)) => {
                let s = t.unescape().map_err(|e| e.to_string())?;
                text.push_str(&s);
            }
            Ok(Event::CData(t)) => text.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::End(_)) => {
                if stack.len() == path.len() && stack.iter().zip(path).all(|(a, b)| a == b) {
                    out.push(text.trim().to_string());
                }
                stack.pop();
                text.clear();
            }
            Ok(Event::Empty(e)) => {
                stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                if stack.len() == path.len() && stack.iter().zip(path).all(|(a, b)| a == b) {
                    out.push(String::new());
                }
                stack.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("not XML at byte {}: {e}", reader.buffer_position())),
        }
    }
    Ok(out)
}

fn xml_one(xml: &str, path: &[&str]) -> Option<String> {
    xml_texts(xml, path).ok()?.into_iter().next()
}

impl Client {
    fn new(opts: &LiveOptions, creds: Credentials) -> Result<Client, AwsError> {
        let url = check_endpoint(&opts.base_url)?;
        let tls = tls_config("AWS IAM", None)
            .map_err(|e| AwsError::Config(format!("TLS: {}", e.what)))?;
        let http = client_builder(opts.timeout, tls)
            .build()
            .map_err(|e| AwsError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            url,
            creds,
            region: opts.region.clone(),
            requests: 0,
        })
    }

    /// POSTs one Query API action, signed with SigV4; returns the XML of a 2xx answer.
    async fn call(&mut self, action: &str, params: &[(&str, &str)]) -> Result<String, AwsError> {
        let api_err = |message: String| AwsError::Api {
            action: action.to_string(),
            message,
        };
        let mut pairs = vec![("Action", action)];
        pairs.extend(params.iter().copied());
        pairs.push(("Version", "2010-05-08"));
        let body = pairs
            .iter()
            // Everything but RFC 3986 unreserved characters percent-encoded, as AWS expects.
            .map(|(k, v)| format!("{}={}", encode_segment(k), encode_segment(v)))
            .collect::<Vec<_>>()
            .join("&");
        let host = match (self.url.host_str(), self.url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => return Err(api_err("the endpoint has no host".into())),
        };
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let headers = [("content-type", content_type), ("host", host.as_str())];
        let identity = aws_credential_types::Credentials::new(
            self.creds.access_key_id.clone(),
            self.creds.secret_access_key.clone(),
            self.creds.session_token.clone(),
            None,
            "environment",
        )
        .into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("iam")
            .time(SystemTime::now())
            .settings(aws_sigv4::http_request::SigningSettings::default())
            .build()
            .map_err(|e| api_err(format!("cannot sign the request: {e}")))?
            .into();
        let url = self.url.as_str().to_string();
        let signable = aws_sigv4::http_request::SignableRequest::new(
            "POST",
            &url,
            headers.iter().copied(),
            aws_sigv4::http_request::SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| api_err(format!("cannot sign the request: {e}")))?;
        let (instructions, _) = aws_sigv4::http_request::sign(signable, &params)
            .map_err(|e| api_err(self.creds.scrub(&format!("cannot sign the request: {e}"))))?
            .into_parts();
        let mut req = self
            .http
            .post(self.url.clone())
            .header("content-type", content_type)
            .body(body);
        for (name, value) in instructions.headers() {
            let mut v = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| api_err("a signing header is not a valid HTTP header value".into()))?;
            if name.eq_ignore_ascii_case("authorization")
                || name.eq_ignore_ascii_case("x-amz-security-token")
            {
                v.set_sensitive(true);
            }
            req = req.header(name, v);
        }
        self.requests += 1;
        let resp = req.send().await.map_err(|e| {
            api_err(
                self.creds
                    .scrub(&format!("request to {} failed: {e}", self.url)),
            )
        })?;
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .await
            .map_err(|e| api_err(self.creds.scrub(&format!("reading the answer failed: {e}"))))?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        let code = xml_one(&text, &["ErrorResponse", "Error", "Code"]).unwrap_or_default();
        let msg = xml_one(&text, &["ErrorResponse", "Error", "Message"]).unwrap_or_default();
        let what = if code.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status} {code}")
        };
        let detail = if msg.is_empty() {
            String::new()
        } else {
            format!(" ({msg})")
        };
        let hint = match (status, code.as_str()) {
            (403, "AccessDenied") | (403, "AccessDeniedException") | (403, "UnauthorizedOperation") => format!(
                ": the credentials lack the IAM permission {}; grant it to the principal (e.g. a policy allowing iam:GenerateCredentialReport, iam:GetCredentialReport, iam:ListEntitiesForPolicy and iam:GetGroup on *)",
                permission(action)
            ),
            (_, "InvalidClientTokenId") | (_, "SignatureDoesNotMatch") | (_, "ExpiredToken") | (_, "IncompleteSignature") => {
                ": AWS rejected the credentials; check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (temporary credentials expire)".into()
            }
            (_, "Throttling") => ": AWS throttled the request; try again later".into(),
            _ => String::new(),
        };
        Err(api_err(self.creds.scrub(&format!("{what}{detail}{hint}"))))
    }
}

/// Reads the credential report (and the admins) over the IAM API.
pub fn collect(opts: &LiveOptions, creds: Credentials) -> Result<Collected, AwsError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AwsError::Config(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(collect_async(opts, creds))
}

async fn collect_async(opts: &LiveOptions, creds: Credentials) -> Result<Collected, AwsError> {
    let mut c = Client::new(opts, creds)?;
    let started = std::time::Instant::now();
    let malformed = |action: &str, what: &str| AwsError::Api {
        action: action.to_string(),
        message: format!("malformed answer: {what}"),
    };
    loop {
        let xml = c.call("GenerateCredentialReport", &[]).await?;
        let state = xml_one(
            &xml,
            &[
                "GenerateCredentialReportResponse",
                "GenerateCredentialReportResult",
                "State",
            ],
        )
        .ok_or_else(|| {
            malformed(
                "GenerateCredentialReport",
                "no GenerateCredentialReportResult/State",
            )
        })?;
        match state.as_str() {
            "COMPLETE" => break,
            "STARTED" | "INPROGRESS" => {}
            other => {
                return Err(malformed(
                    "GenerateCredentialReport",
                    &format!("unknown State {other}"),
                ))
            }
        }
        if started.elapsed() + opts.poll_interval > opts.max_wait {
            return Err(AwsError::Api {
                action: "GenerateCredentialReport".into(),
                message: format!(
                    "the report was still {state} after {} s (--max-wait); try again later",
                    started.elapsed().as_secs()
                ),
            });
        }
        tokio::time::sleep(opts.poll_interval).await;
    }
    let xml = c.call("GetCredentialReport", &[]).await?;
    let base = ["GetCredentialReportResponse", "GetCredentialReportResult"];
    let field = |name: &str| xml_one(&xml, &[base[0], base[1], name]);
    let content = field("Content").ok_or_else(|| {
        malformed(
            "GetCredentialReport",
            "no GetCredentialReportResult/Content",
        )
    })?;
    if let Some(f) = field("ReportFormat") {
        if f != "text/csv" {
            return Err(malformed(
                "GetCredentialReport",
                &format!("ReportFormat {f}, expected text/csv"),
            ));
        }
    }
    let csv = decode_content(&content)
        .map_err(|m| malformed("GetCredentialReport", &format!("Content: {m}")))?;
    let generated_at = match field("GeneratedTime") {
        Some(t) => Some(
            crate::timefmt::parse_instant(&t)
                .map_err(|e| malformed("GetCredentialReport", &format!("GeneratedTime: {e}")))?
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        None => None,
    };
    let report = Report {
        csv,
        generated_at: generated_at.clone(),
    };
    let (admins, note) = match live_admins(&mut c).await {
        Ok(a) => (Some(a), String::new()),
        Err(e) => (None, format!("unknown: {e}")),
    };
    let users = users_body(
        "GetCredentialReport Content",
        &report,
        admins.as_ref(),
        &note,
    )?;
    Ok(Collected {
        users,
        generated_at,
        requests: c.requests,
    })
}

/// Follows `Marker` / `IsTruncated` of a list action; returns every `member` text at
/// `item` under `list`, for each page.
async fn paged(
    c: &mut Client,
    action: &str,
    params: &[(&str, &str)],
    result: &str,
    lists: &[(&str, &str)],
) -> Result<Vec<Vec<String>>, AwsError> {
    let mut out = vec![Vec::new(); lists.len()];
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        let mut p: Vec<(&str, &str)> = params.to_vec();
        if let Some(m) = &marker {
            p.push(("Marker", m.as_str()));
        }
        let xml = c.call(action, &p).await?;
        let response = format!("{action}Response");
        for (i, (list, item)) in lists.iter().enumerate() {
            let texts =
                xml_texts(&xml, &[&response, result, list, "member", item]).map_err(|e| {
                    AwsError::Api {
                        action: action.to_string(),
                        message: format!("malformed answer: {e}"),
                    }
                })?;
            out[i].extend(texts);
        }
        let truncated =
            xml_one(&xml, &[&response, result, "IsTruncated"]).as_deref() == Some("true");
        if !truncated {
            return Ok(out);
        }
        marker = xml_one(&xml, &[&response, result, "Marker"]);
        if marker.is_none() {
            return Err(AwsError::Api {
                action: action.to_string(),
                message: "malformed answer: IsTruncated true without a Marker".into(),
            });
        }
    }
    Err(AwsError::Api {
        action: action.to_string(),
        message: "more than 1000 pages".into(),
    })
}

async fn live_admins(c: &mut Client) -> Result<Admins, AwsError> {
    let found = paged(
        c,
        "ListEntitiesForPolicy",
        &[("PolicyArn", ADMIN_POLICY)],
        "ListEntitiesForPolicyResult",
        &[("PolicyUsers", "UserName"), ("PolicyGroups", "GroupName")],
    )
    .await?;
    let mut users: BTreeSet<String> = found[0].iter().cloned().collect();
    for g in &found[1] {
        let members = paged(
            c,
            "GetGroup",
            &[("GroupName", g)],
            "GetGroupResult",
            &[("Users", "UserName")],
        )
        .await?;
        users.extend(members[0].iter().cloned());
    }
    Ok(Admins {
        users,
        source: "ListEntitiesForPolicy and GetGroup".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    fn report(rows: &[&str]) -> Report {
        Report {
            csv: format!("{HEADER}\n{}\n", rows.join("\n")),
            generated_at: None,
        }
    }

    const ROOT: &str = "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    const ALICE: &str = "alice,arn:aws:iam::123456789012:user/alice,2021-01-01T00:00:00+00:00,true,2026-11-20T08:00:00+00:00,2021-01-01T00:00:00+00:00,N/A,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    const CI: &str = "ci-deploy,arn:aws:iam::123456789012:user/robots/ci-deploy,2022-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2022-01-01T00:00:00+00:00,2026-11-24T00:00:00+00:00,eu-central-1,s3,true,2023-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A";

    #[test]
    fn maps_rows_to_users() {
        let u = users_body("r.csv", &report(&[ROOT, ALICE, CI]), None, NO_ADMINS_NOTE).unwrap();
        assert_eq!(u.account, "123456789012");
        let users = u.body["users"].as_array().unwrap();
        assert_eq!(users[0]["login"], "<root_account>");
        assert_eq!(users[0]["root"], true);
        assert_eq!(users[0]["admin"], true);
        assert_eq!(users[0]["human"], true);
        assert_eq!(users[0]["mfa"], true);
        assert_eq!(users[0]["console_password"], Value::Null);
        assert_eq!(users[1]["human"], true);
        assert_eq!(users[1]["admin"], Value::Null);
        assert_eq!(users[1]["mfa"], false);
        assert_eq!(users[1]["active_access_keys"], 1);
        assert_eq!(users[2]["human"], false);
        assert_eq!(users[2]["active_access_keys"], 2);
        assert_eq!(users[2]["password_last_used"], Value::Null);
    }

    #[test]
    fn admins_set_the_flag() {
        let a = Admins {
            users: ["alice".to_string()].into(),
            source: "x".into(),
        };
        let u = users_body("r.csv", &report(&[ROOT, ALICE, CI]), Some(&a), "").unwrap();
        assert_eq!(u.body["users"][1]["admin"], true);
        assert_eq!(u.body["users"][2]["admin"], false);
    }

    #[test]
    fn csv_errors_name_line_and_column() {
        let bad = ALICE.replace(",false,true,2021", ",yes,true,2021");
        let e = users_body("r.csv", &report(&[ROOT, &bad]), None, "")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "r.csv: line 3, column 8 (mfa_active): expected true or false, found `yes`"
        );
        let e = users_body(
            "r.csv",
            &report(&[ROOT, "alice,arn:aws:iam::123456789012:user/alice"]),
            None,
            "",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 3: 2 fields, but the header has 22"), "{e}");
        let e = parse_csv("r.csv", "a,b\n\"x,y\n")
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("line 2, column 1: the quoted field never ends"),
            "{e}"
        );
        let e = parse_csv("r.csv", "a,b\nx\"y,z\n")
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("line 2, column 2: a quote inside an unquoted field"),
            "{e}"
        );
    }

    #[test]
    fn quoted_fields_and_crlf() {
        let r = parse_csv("f", "a,b\r\n\"x,\"\"y\"\"\",z\r\n").unwrap();
        assert_eq!(r[1].fields, ["x,\"y\"", "z"]);
        assert_eq!(r[1].line, 2);
    }

    #[test]
    fn reads_the_cli_json() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{HEADER}\n{ROOT}\n"));
        let j = format!(
            r#"{{"Content": "{b64}", "ReportFormat": "text/csv", "GeneratedTime": "2026-11-25T06:00:00+00:00"}}"#
        );
        let r = read_report("r.json", &j).unwrap();
        assert_eq!(r.generated_at.as_deref(), Some("2026-11-25T06:00:00Z"));
        assert!(r.csv.starts_with("user,arn"));
        let e = read_report("r.json", r#"{"Content": "%%%"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.json: Content: not base64"), "{e}");
    }

    #[test]
    fn admin_groups_must_be_resolved() {
        let pol = (
            "pol.json".to_string(),
            r#"{"PolicyGroups":[{"GroupName":"Admins","GroupId":"AGPA1"}],"PolicyUsers":[{"UserName":"bob","UserId":"AIDA1"}],"PolicyRoles":[]}"#.to_string(),
        );
        let e = parse_admins(std::slice::from_ref(&pol))
            .unwrap_err()
            .to_string();
        assert!(e.contains("aws iam get-group --group-name Admins"), "{e}");
        let grp = (
            "grp.json".to_string(),
            r#"{"Users":[{"UserName":"alice","UserId":"AIDA2"}],"Group":{"GroupName":"Admins"},"IsTruncated":false}"#.to_string(),
        );
        let a = parse_admins(&[pol, grp]).unwrap();
        assert_eq!(a.users.iter().collect::<Vec<_>>(), ["alice", "bob"]);
    }

    #[test]
    fn xml_paths() {
        let x = r#"<R xmlns="x"><Res><L><member><N>a</N></member><member><N>b&amp;c</N></member></L><IsTruncated>false</IsTruncated></Res></R>"#;
        assert_eq!(
            xml_texts(x, &["R", "Res", "L", "member", "N"]).unwrap(),
            ["a", "b&c"]
        );
        assert_eq!(
            xml_one(x, &["R", "Res", "IsTruncated"]).as_deref(),
            Some("false")
        );
    }

    #[test]
    fn secrets_are_scrubbed() {
        let c = Credentials {
            access_key_id: "AKIA".into(),
            secret_access_key: "s3cr3t/KEY".into(),
            session_token: Some("TOKEN123".into()),
        };
        assert_eq!(c.scrub("a s3cr3t/KEY b TOKEN123"), "a *** b ***");
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }
}
