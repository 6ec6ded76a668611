//! Microsoft Entra ID, over Microsoft Graph v1.0 (`--base-url` defaults to
//! `https://graph.microsoft.com/v1.0`).
//!
//! Endpoints:
//! - `GET /reports/authenticationMethods/userRegistrationDetails` (pages by
//!   `@odata.nextLink`) → `identity.users`. Needs `AuditLog.Read.All` and, for delegated
//!   tokens, a role such as Reports Reader; the tenant needs Entra ID P1 or P2.
//! - `GET /policies/identitySecurityDefaultsEnforcementPolicy` and
//!   `GET /identity/conditionalAccess/policies` → `identity.org` (`Policy.Read.All`).
//!
//! How the facts are decided:
//! - `mfa`: `isMfaRegistered` (a strong method usable for MFA is registered);
//!   `mfa_methods`: `methodsRegistered` as Graph names them.
//! - `admin`: `isAdmin` (the user holds an Entra admin role).
//! - `human`: true. The report lists user objects only (service principals and managed
//!   identities are not users); a user account used by a machine cannot be told apart —
//!   list it in `excluded_accounts` with a reason. `user_type` (`member`/`guest`) is kept.
//! - `identity.org.mfa_required`: security defaults are on, or an *enabled* Conditional
//!   Access policy requires MFA (`builtInControls: mfa` or an authentication strength)
//!   for all users and all cloud apps without exclusions or narrowing conditions.
//!   `mfa_policy` says which policy decided it, or what the closest one leaves out
//!   (e.g. excluded break-glass accounts) — an exclusion means not *every* member.
//!
//! Credentials: `GRAPH_ACCESS_TOKEN` (or `--token-env`), or the client-credentials flow
//! with `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` (token from
//! `AZURE_AUTHORITY_HOST`, default `https://login.microsoftonline.com`).

use serde_json::{json, Value};

use super::http::{
    encode_segment, value_list, Api, ApiError, Entry, Fields, Listing, Options, Page,
};
use super::live::{
    bearer_api, config, document, env_value, error_body, given_token, token_env, users_body,
    Provider, Target, User,
};
use crate::evidence::Document;

const P: Provider = Provider::Entra;

fn hint(status: u16, path: &str, _message: &str) -> String {
    if status == 401 {
        "the access token is invalid or expired; get a new one for https://graph.microsoft.com"
            .into()
    } else if path.contains("userRegistrationDetails") {
        "reading user registration details needs the Graph permission AuditLog.Read.All (delegated tokens also a role such as Reports Reader or Security Reader) and an Entra ID P1 or P2 licence".into()
    } else if path.contains("/policies") || path.contains("conditionalAccess") {
        "reading security defaults and Conditional Access policies needs the Graph permission Policy.Read.All".into()
    } else if path.contains("/token") {
        "the client credentials were refused; check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET".into()
    } else {
        "the token lacks a Graph permission for this call".into()
    }
}

/// Where Graph names a list's next page.
const NEXT: &str = "/@odata.nextLink";

/// The token: from the named variable, else by the client-credentials flow.
async fn token(target: &Target, opts: &Options) -> Result<String, ApiError> {
    if let Some(given) = given_token(P, target) {
        return given;
    }
    let env = token_env(P, target);
    let (Some(tenant), Some(client), Some(secret)) = (
        env_value("AZURE_TENANT_ID"),
        env_value("AZURE_CLIENT_ID"),
        env_value("AZURE_CLIENT_SECRET"),
    ) else {
        return Err(config(
            P,
            &format!("${env}"),
            format!("the environment variable is not set; export {env}=<access token for https://graph.microsoft.com>, or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for the client-credentials flow"),
        ));
    };
    let authority = env_value("AZURE_AUTHORITY_HOST")
        .unwrap_or_else(|| "https://login.microsoftonline.com".into());
    let login = Api::new(
        "Microsoft identity platform",
        &authority,
        None,
        &[],
        opts.clone(),
        hint,
    )?;
    let u = login.url(&format!("/{}/oauth2/v2.0/token", encode_segment(&tenant)))?;
    let scope = format!(
        "{}/.default",
        target
            .base_url
            .as_deref()
            .and_then(|b| reqwest::Url::parse(b).ok())
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|| "https://graph.microsoft.com".into())
    );
    login
        .access_token(
            &u,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &client),
                ("client_secret", &secret),
                ("scope", &scope),
            ],
            &secret,
        )
        .await
}

/// Collects `identity.org` and `identity.users` of one tenant.
pub async fn collect(target: &Target, opts: &Options) -> Result<Vec<Document>, ApiError> {
    let org = target
        .org
        .clone()
        .or_else(|| std::env::var("AZURE_TENANT_ID").ok())
        .filter(|o| !o.trim().is_empty())
        .ok_or_else(|| {
            config(
                P,
                "--org",
                "name the tenant (domain or id) with --org TENANT".into(),
            )
        })?;
    let token = token(target, opts).await?;
    let api = bearer_api(
        P,
        target,
        "https://graph.microsoft.com/v1.0",
        &token,
        &[],
        opts,
        hint,
    )?;
    let users = api.follow_body_links(
        "/reports/authenticationMethods/userRegistrationDetails",
        value_list,
        "value",
        NEXT,
    );
    let defaults = api.get_at("/policies/identitySecurityDefaultsEnforcementPolicy");
    let policies = api.follow_body_links(
        "/identity/conditionalAccess/policies",
        value_list,
        "value",
        NEXT,
    );
    let (users, defaults, policies) = tokio::join!(users, defaults, policies);
    api.bar().finish_and_clear();
    let org_body = org_settings(&api, &org, defaults, policies);
    let users_body = user_list(&api, &org, users);
    Ok(vec![
        document(P, &org, "identity.org", org_body),
        document(P, &org, "identity.users", users_body),
    ])
}

fn user_list(api: &Api, org: &str, list: Listing) -> Value {
    if let Some(e) = list.fatal() {
        return error_body(e);
    }
    let mut out = Vec::new();
    for e in &list.items {
        let f = Fields::new(api, e);
        let user = (|| -> Result<User, ApiError> {
            let mut extra = serde_json::Map::new();
            if let Some(t) = f.opt_str("userType")? {
                extra.insert("user_type".into(), json!(t));
            }
            extra.insert("id".into(), json!(f.str("id")?));
            Ok(User {
                login: f.str("userPrincipalName")?.to_string(),
                name: f.opt_str("userDisplayName")?.map(str::to_string),
                human: true,
                admin: f.bool("isAdmin")?,
                mfa: f.bool("isMfaRegistered")?,
                mfa_methods: f.opt_strings("methodsRegistered")?,
                extra,
            })
        })();
        match user {
            Ok(u) => out.push(u),
            Err(err) => return error_body(&err),
        }
    }
    users_body(P, org, out, list.error.as_ref().map(|e| e.to_string()))
}

fn org_settings(
    api: &Api,
    org: &str,
    defaults: Result<Page, ApiError>,
    policies: Listing,
) -> Value {
    let defaults_on = match defaults {
        Ok(p) => match p.body.get("isEnabled") {
            Some(Value::Bool(b)) => *b,
            _ => {
                return error_body(&api.malformed(
                    &p.endpoint,
                    "isEnabled",
                    "missing or not a boolean",
                ))
            }
        },
        Err(e) => return error_body(&e),
    };
    if defaults_on {
        return json!({"provider": "entra", "org": org, "mfa_required": true,
            "mfa_policy": "security defaults are enabled (MFA registration and challenge for all users)"});
    }
    if let Some(e) = policies.error {
        return error_body(&e);
    }
    let mut closest: Option<String> = None;
    for e in &policies.items {
        match judge_policy(api, e) {
            Ok(Coverage::All(name)) => {
                return json!({"provider": "entra", "org": org, "mfa_required": true,
                    "mfa_policy": format!("Conditional Access policy '{name}' requires MFA for all users and all cloud apps")});
            }
            Ok(Coverage::Partial(why)) => {
                closest.get_or_insert(why);
            }
            Ok(Coverage::None) => {}
            Err(err) => return error_body(&err),
        }
    }
    json!({"provider": "entra", "org": org, "mfa_required": false,
        "mfa_policy": closest.unwrap_or_else(|| "security defaults are off and no enabled Conditional Access policy requires MFA for all users".into())})
}

enum Coverage {
    All(String),
    Partial(String),
    None,
}

fn has(v: Option<&Value>, what: &str) -> bool {
    v.and_then(Value::as_array).is_some_and(|a| {
        a.iter()
            .any(|x| x.as_str().is_some_and(|s| s.eq_ignore_ascii_case(what)))
    })
}

fn non_empty(v: Option<&Value>) -> usize {
    v.and_then(Value::as_array).map_or(0, Vec::len)
}

/// Whether one Conditional Access policy requires MFA for everyone, everywhere.
fn judge_policy(api: &Api, e: &Entry) -> Result<Coverage, ApiError> {
    let f = Fields::new(api, e);
    let name = f.opt_str("displayName")?.unwrap_or("(unnamed)").to_string();
    let state = f.str("state")?;
    let v = &e.value;
    let grant = v.get("grantControls");
    let requires_mfa = has(grant.and_then(|g| g.get("builtInControls")), "mfa")
        || grant
            .and_then(|g| g.get("authenticationStrength"))
            .is_some_and(|s| !s.is_null());
    if !requires_mfa {
        return Ok(Coverage::None);
    }
    if state != "enabled" {
        return Ok(Coverage::Partial(format!(
            "Conditional Access policy '{name}' requires MFA but its state is {state}"
        )));
    }
    let users = v.pointer("/conditions/users");
    let apps = v.pointer("/conditions/applications");
    if !has(users.and_then(|u| u.get("includeUsers")), "All") {
        return Ok(Coverage::Partial(format!(
            "Conditional Access policy '{name}' requires MFA, but not for all users"
        )));
    }
    if !has(apps.and_then(|a| a.get("includeApplications")), "All") {
        return Ok(Coverage::Partial(format!(
            "Conditional Access policy '{name}' requires MFA, but not for all cloud apps"
        )));
    }
    let excluded: Vec<String> = [
        ("excludeUsers", "user"),
        ("excludeGroups", "group"),
        ("excludeRoles", "role"),
        ("excludeGuestsOrExternalUsers", "guest setting"),
    ]
    .iter()
    .filter_map(|(k, what)| {
        let n = match users.and_then(|u| u.get(*k)) {
            Some(Value::Array(a)) => a.len(),
            Some(Value::Object(_)) => 1,
            _ => 0,
        };
        (n > 0).then(|| format!("{n} {what}(s)"))
    })
    .collect();
    if !excluded.is_empty() {
        return Ok(Coverage::Partial(format!(
            "Conditional Access policy '{name}' requires MFA for all users except {}",
            excluded.join(", ")
        )));
    }
    let c = v.get("conditions");
    let narrowed = non_empty(apps.and_then(|a| a.get("excludeApplications"))) > 0
        || c.and_then(|c| c.get("platforms"))
            .is_some_and(|p| !p.is_null())
        || c.and_then(|c| c.get("locations"))
            .is_some_and(|p| !p.is_null())
        || non_empty(c.and_then(|c| c.get("signInRiskLevels"))) > 0
        || non_empty(c.and_then(|c| c.get("userRiskLevels"))) > 0
        || c.and_then(|c| c.get("clientAppTypes"))
            .is_some_and(|t| non_empty(Some(t)) > 0 && !has(Some(t), "all"));
    if narrowed {
        return Ok(Coverage::Partial(format!(
            "Conditional Access policy '{name}' requires MFA for all users only under some conditions (apps excluded, platforms, locations, risk levels or client app types)"
        )));
    }
    Ok(Coverage::All(name))
}
