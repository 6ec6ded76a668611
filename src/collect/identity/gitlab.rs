//! GitLab, self-managed or gitlab.com, over the REST API v4 (`--base-url` is the
//! instance, e.g. `https://gitlab.example`; default `https://gitlab.com`). Offset
//! pagination (`per_page=100`, `X-Total-Pages`, Link headers), pages after the first
//! fetched concurrently when the total is known.
//!
//! Two scopes:
//! - **The whole instance** (no `--org`; self-managed, with an administrator's token):
//!   `GET /api/v4/users?exclude_internal=true` (administrators see `is_admin` and
//!   `two_factor_enabled` of every user) and `GET /api/v4/application/settings`
//!   (`require_two_factor_authentication` → `identity.org`). Subject `gitlab:HOST`.
//! - **A group** (`--org GROUP`, e.g. on gitlab.com, with a group owner's token):
//!   `GET /api/v4/groups/GROUP/members/all` (owners see `two_factor_enabled`, GitLab 18+)
//!   and `GET /api/v4/groups/GROUP` (`require_two_factor_authentication`). Subject
//!   `gitlab:GROUP`.
//!
//! How the facts are decided:
//! - `admin`: instance: `is_admin`; group: `access_level` 50 (Owner).
//! - `human`: not `bot` (service accounts and project/group access-token users are bots
//!   in GitLab). In group member lists without a `bot` field, the access-token users'
//!   names (`project_N_bot_…`, `group_N_bot_…`) mark them.
//! - `mfa`: `two_factor_enabled`. A list without it (the token is not an admin's or the
//!   group owner's) is an error, never "no one has 2FA" or "everyone has".
//! - Blocked, banned and pending-approval accounts cannot sign in and are left out;
//!   `body.skipped_inactive` counts them.

use serde_json::{json, Value};

use super::http::{
    array, encode_segment, type_name, Api, ApiError, Entry, Fields, Kind, Listing, Options,
};
use super::live::{config, document, error_body, token, users_body, Provider, Target, User};
use crate::evidence::Document;

const P: Provider = Provider::Gitlab;

fn hint(status: u16, path: &str, _message: &str) -> String {
    if status == 401 {
        "the token is invalid, expired or revoked; create a personal access token with the read_api scope".into()
    } else if path.contains("/groups/") {
        "reading a group's members and settings needs a token with read_api of an Owner of the group".into()
    } else {
        "listing all users with their 2FA state and reading application settings needs an administrator's token with read_api (or api) scope; on gitlab.com, use --org GROUP with a group owner's token".into()
    }
}

/// States in which an account cannot sign in.
const INACTIVE: [&str; 4] = [
    "blocked",
    "banned",
    "ldap_blocked",
    "blocked_pending_approval",
];

/// Collects `identity.org` and `identity.users` of an instance or a group.
pub async fn collect(target: &Target, opts: &Options) -> Result<Vec<Document>, ApiError> {
    let token = token(P, target)?;
    let base = target.base_url.as_deref().unwrap_or("https://gitlab.com");
    let trimmed = base.trim_end_matches('/');
    let api_base = if trimmed.ends_with("/api/v4") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/api/v4")
    };
    let api = Api::new(
        P.name(),
        &api_base,
        Some(("private-token", token)),
        &[],
        opts.clone(),
        hint,
    )?;
    let group = target.org.clone().filter(|o| !o.trim().is_empty());
    let (org, settings_path, list_path) = match &group {
        Some(g) => {
            let id = encode_segment(g);
            (
                g.clone(),
                format!("/groups/{id}"),
                format!("/groups/{id}/members/all?per_page=100&page=1"),
            )
        }
        None => {
            let host = reqwest::Url::parse(&api_base)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .ok_or_else(|| config(P, "--base-url", format!("no host in {base}")))?;
            if host == "gitlab.com" {
                return Err(config(
                    P,
                    "--org",
                    "gitlab.com has no instance-wide user list for you: name your group with --org GROUP".into(),
                ));
            }
            (
                host,
                "/application/settings".to_string(),
                "/users?exclude_internal=true&per_page=100&page=1".to_string(),
            )
        }
    };
    let settings = api.get_at(&settings_path);
    let list = api.numbered_pages_at(&list_path, "page", array, "the list of users");
    let (settings, list) = tokio::join!(settings, list);
    api.bar().finish_and_clear();
    let org_body = match settings {
        Ok(page) => match page.body.get("require_two_factor_authentication") {
            Some(Value::Bool(b)) => json!({"provider": "gitlab", "org": org, "mfa_required": b}),
            None | Some(Value::Null) => error_body(&api.malformed(
                &page.endpoint,
                "require_two_factor_authentication",
                "missing (the token may lack the rights to see it)",
            )),
            Some(v) => error_body(&api.malformed(
                &page.endpoint,
                "require_two_factor_authentication",
                &format!("expected a boolean, got {}", type_name(v)),
            )),
        },
        Err(e) => error_body(&e),
    };
    let users_body = users(&api, &org, group.is_some(), list);
    Ok(vec![
        document(P, &org, "identity.org", org_body),
        document(P, &org, "identity.users", users_body),
    ])
}

fn users(api: &Api, org: &str, group: bool, list: Listing) -> Value {
    if let Some(e) = list.fatal() {
        return error_body(e);
    }
    let mut out: Vec<User> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut skipped = 0usize;
    for e in &list.items {
        match user(api, e, group) {
            // A member listed twice (direct and inherited): one account, the higher role.
            Ok(Some(u)) => match seen.get(&u.login) {
                Some(&i) => {
                    out[i].admin |= u.admin;
                    out[i].mfa &= u.mfa;
                }
                None => {
                    seen.insert(u.login.clone(), out.len());
                    out.push(u);
                }
            },
            Ok(None) => skipped += 1,
            Err(err) => return error_body(&err),
        }
    }
    let incomplete = list.error.as_ref().map(|e| e.to_string());
    let mut body = users_body(P, org, out, incomplete);
    body["skipped_inactive"] = json!(skipped);
    body
}

fn user(api: &Api, e: &Entry, group: bool) -> Result<Option<User>, ApiError> {
    let f = Fields::new(api, e);
    let login = f.str("username")?.to_string();
    let state = f.str("state")?;
    if INACTIVE.contains(&state) {
        return Ok(None);
    }
    let mfa = match f.opt_bool("two_factor_enabled")? {
        Some(b) => b,
        None => {
            return Err(api.error(
                &e.endpoint,
                Kind::Denied,
                format!(
                    "[{}].two_factor_enabled: missing; GitLab shows it only to {}",
                    e.index,
                    if group {
                        "the group's owners (GitLab 18 or later); collect with an owner's token, or the whole instance with an administrator's"
                    } else {
                        "administrators; collect with an administrator's token"
                    }
                ),
            ))
        }
    };
    let admin = if group {
        let level = e
            .value
            .get("access_level")
            .and_then(Value::as_u64)
            .ok_or_else(|| {
                api.malformed(
                    &e.endpoint,
                    &format!("[{}].access_level", e.index),
                    "missing or not a number",
                )
            })?;
        level >= 50
    } else {
        f.bool("is_admin")?
    };
    let bot = match f.opt_bool("bot")? {
        Some(b) => b,
        None => is_token_bot(&login),
    };
    let mut extra = serde_json::Map::new();
    extra.insert("state".into(), json!(state));
    Ok(Some(User {
        name: f.opt_str("name")?.map(str::to_string),
        login,
        human: !bot,
        admin,
        mfa,
        mfa_methods: None,
        extra,
    }))
}

/// `project_12_bot_3f…` / `group_7_bot_…`: the users behind project and group access tokens.
fn is_token_bot(login: &str) -> bool {
    let mut parts = login.splitn(4, '_');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some("project" | "group"), Some(n), Some("bot")) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_bots_and_group_paths() {
        assert!(super::is_token_bot("project_278964_bot_3f2a9c"));
        assert!(super::is_token_bot("group_12_bot_a1"));
        assert!(!super::is_token_bot("project_x_bot_1"));
        assert!(!super::is_token_bot("alice"));
        assert_eq!(
            super::encode_segment("coloom/platform"),
            "coloom%2Fplatform"
        );
    }
}
