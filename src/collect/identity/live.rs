//! `assay collect identity github|gitlab|okta|google|entra`: which provider, which org,
//! where its API is and which environment variable holds the credential; and the
//! evidence documents every HTTP collector writes.
//!
//! Every collector returns documents, never a bare error, once it could ask the provider:
//! a provider that answered 403 is evidence too (`body.error`, so the controls error
//! rather than pass). Only problems the user must fix before anything is asked (no
//! token, a bad base URL, no `--org`) are returned as [`ApiError`]s of kind `Config`.

use serde_json::{json, Value};

use super::http::{token_from_env, Api, ApiError, DeniedHint, Kind, Options};
use crate::evidence::Document;

/// The collector name written into evidence.
pub const COLLECTOR: &str = "assay-identity";

/// An identity provider reached over HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// GitHub / GitHub Enterprise Server organisation.
    Github,
    /// GitLab instance or group.
    Gitlab,
    /// Okta org.
    Okta,
    /// Google Workspace customer.
    Google,
    /// Microsoft Entra ID tenant (Graph).
    Entra,
}

impl Provider {
    /// The name used in evidence (`body.provider`, the subject prefix).
    pub fn id(self) -> &'static str {
        match self {
            Provider::Github => "github",
            Provider::Gitlab => "gitlab",
            Provider::Okta => "okta",
            Provider::Google => "google",
            Provider::Entra => "entra",
        }
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Github => "GitHub",
            Provider::Gitlab => "GitLab",
            Provider::Okta => "Okta",
            Provider::Google => "Google",
            Provider::Entra => "Microsoft Graph",
        }
    }

    /// The environment variable read for the token when none is named.
    pub fn default_token_env(self) -> &'static str {
        match self {
            Provider::Github => "GITHUB_TOKEN",
            Provider::Gitlab => "GITLAB_TOKEN",
            Provider::Okta => "OKTA_API_TOKEN",
            Provider::Google => "GOOGLE_OAUTH_ACCESS_TOKEN",
            Provider::Entra => "GRAPH_ACCESS_TOKEN",
        }
    }
}

/// What to collect.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// Organisation, group, domain or tenant.
    pub org: Option<String>,
    /// The API root, when not the provider's public one.
    pub base_url: Option<String>,
    /// The environment variable that holds the token (default: the provider's).
    pub token_env: Option<String>,
}

/// Collects one provider: `identity.users` and, where the provider has such a setting,
/// `identity.org`.
pub async fn collect(
    provider: Provider,
    target: &Target,
    opts: &Options,
) -> Result<Vec<Document>, ApiError> {
    match provider {
        Provider::Github => super::github::collect(target, opts).await,
        Provider::Gitlab => super::gitlab::collect(target, opts).await,
        Provider::Entra => super::entra::collect(target, opts).await,
        Provider::Okta => super::okta::collect(target, opts).await,
        Provider::Google => super::google::collect(target, opts).await,
    }
}

/// The token in the variable `target` names, or else in the provider's default one.
pub fn token(provider: Provider, target: &Target) -> Result<String, ApiError> {
    token_from_env(provider.name(), token_env(provider, target))
}

/// The variable that holds the token: the one `target` names, or the provider's default.
pub fn token_env(provider: Provider, target: &Target) -> &str {
    target
        .token_env
        .as_deref()
        .unwrap_or(provider.default_token_env())
}

/// For providers that can also sign in another way (Google's service account, Entra's
/// client credentials): the token when a variable was named or the default one is set,
/// `None` when the other way is to be tried.
pub fn given_token(provider: Provider, target: &Target) -> Option<Result<String, ApiError>> {
    let env = token_env(provider, target);
    (target.token_env.is_some() || std::env::var(env).is_ok())
        .then(|| token_from_env(provider.name(), env))
}

/// The value of the environment variable `name`, unless it is unset or blank.
pub fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The client of `provider`'s API at `target`'s base URL (else `default_base`), sending
/// `token` as `Authorization: Bearer …`.
pub fn bearer_api(
    provider: Provider,
    target: &Target,
    default_base: &str,
    token: &str,
    headers: &[(&'static str, &str)],
    opts: &Options,
    hint: DeniedHint,
) -> Result<Api, ApiError> {
    Api::new(
        provider.name(),
        target.base_url.as_deref().unwrap_or(default_base),
        Some(("authorization", format!("Bearer {token}"))),
        headers,
        opts.clone(),
        hint,
    )
}

/// A configuration error (before anything was asked).
pub fn config(provider: Provider, endpoint: &str, what: String) -> ApiError {
    ApiError {
        provider: provider.name(),
        endpoint: endpoint.to_string(),
        what,
        kind: Kind::Config,
    }
}

/// `provider:org`, the subject of both kinds.
pub fn subject(provider: Provider, org: &str) -> String {
    format!("{}:{org}", provider.id())
}

/// An evidence document of `kind` about `provider:org`.
pub fn document(provider: Provider, org: &str, kind: &str, body: Value) -> Document {
    Document::probed(kind, subject(provider, org), COLLECTOR, body)
}

/// One account, as `identity.users` records it.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Login, unique within the org.
    pub login: String,
    /// Display name.
    pub name: Option<String>,
    /// A person, not a bot or service account.
    pub human: bool,
    /// Administrative rights over the org.
    pub admin: bool,
    /// A second factor is enrolled.
    pub mfa: bool,
    /// The enrolled second factors, where the provider lists them.
    pub mfa_methods: Option<Vec<String>>,
    /// Further facts (provider-specific), merged into the user object.
    pub extra: serde_json::Map<String, Value>,
}

impl User {
    /// The JSON object in `body.users`.
    pub fn to_json(&self) -> Value {
        let mut o = serde_json::Map::new();
        o.insert("login".into(), json!(self.login));
        if let Some(n) = &self.name {
            o.insert("name".into(), json!(n));
        }
        o.insert("human".into(), json!(self.human));
        o.insert("admin".into(), json!(self.admin));
        o.insert("mfa".into(), json!(self.mfa));
        if let Some(m) = &self.mfa_methods {
            o.insert("mfa_methods".into(), json!(m));
        }
        for (k, v) in &self.extra {
            o.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(o)
    }
}

/// The `identity.users` body: every user, sorted by login, and `incomplete` when part of
/// the list could not be read.
pub fn users_body(
    provider: Provider,
    org: &str,
    mut users: Vec<User>,
    incomplete: Option<String>,
) -> Value {
    users.sort_by(|a, b| a.login.cmp(&b.login));
    let mut body = json!({
        "provider": provider.id(),
        "org": org,
        "users": users.iter().map(User::to_json).collect::<Vec<_>>(),
    });
    if let Some(why) = incomplete {
        body["incomplete"] = json!(why);
    }
    body
}

/// A failed measurement.
pub fn error_body(e: &ApiError) -> Value {
    json!({ "error": e.to_string() })
}
