//! Okta, over the Management API (`--base-url https://ORG.okta.com`, required).
//!
//! Endpoints:
//! - `GET /api/v1/users?limit=200` (Link `rel="next"` pagination, one page after the
//!   other: the next page's cursor is only known from the previous one).
//! - `GET /api/v1/users/{id}/factors` and `GET /api/v1/users/{id}/groups` for every user
//!   (the enrolled factors; the groups, kept as `groups` for the `admin_groups` param of
//!   identity.mfa-admins), up to `--concurrency` users at a time.
//! - `GET /api/v1/iam/assignees/users` (users holding an admin role, directly or through
//!   a group; `_links.next.href` pagination).
//!
//! Rate limits: Okta answers 429 with `X-Rate-Limit-Reset` (epoch seconds), which the
//! HTTP layer waits out up to `--max-wait`.
//!
//! How the facts are decided:
//! - `mfa`: at least one factor with status `ACTIVE` other than a security question
//!   (`question` is something the user knows, like the password). `mfa_methods`: the
//!   `factorType`s of the active factors (`push`, `token:software:totp`, `webauthn`,
//!   `sms`, `email`, …), so a policy can judge weak ones.
//! - `admin`: the user is listed by `/iam/assignees/users`.
//! - `human`: true — Okta has no machine-user flag; list service accounts in
//!   `excluded_accounts` with a reason.
//! - Users who cannot sign in (`SUSPENDED`, `DEPROVISIONED`, `STAGED`) are left out and
//!   counted in `body.skipped_inactive`.
//! - No `identity.org` document: Okta's MFA enforcement lives in sign-on and
//!   authentication policies per app and group, which this collector does not judge.
//!
//! Token: an API token (`Authorization: SSWS …`, `OKTA_API_TOKEN`) of an admin with at
//! least read-only administrator rights (`okta.users.read`, `okta.roles.read`).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::http::{
    array, encode_segment, value_list, Api, ApiError, Fields, Kind, Listing, Options, Page,
};
use super::live::{config, document, error_body, token, users_body, Provider, Target, User};
use crate::evidence::Document;

const P: Provider = Provider::Okta;

fn hint(status: u16, path: &str, _message: &str) -> String {
    if status == 401 {
        "the API token is invalid, expired or revoked; create one under Security > API > Tokens"
            .into()
    } else if path.contains("/iam/") {
        "listing admin role assignments needs a token of an admin with okta.roles.read (e.g. Read-only Administrator)".into()
    } else {
        "reading users and their factors needs a token of an admin with okta.users.read (e.g. Read-only Administrator)".into()
    }
}

const INACTIVE: [&str; 3] = ["SUSPENDED", "DEPROVISIONED", "STAGED"];

/// Collects `identity.users` of one Okta org.
pub async fn collect(target: &Target, opts: &Options) -> Result<Vec<Document>, ApiError> {
    let base = target.base_url.clone().ok_or_else(|| {
        config(
            P,
            "--base-url",
            "name the Okta org with --base-url https://ORG.okta.com".into(),
        )
    })?;
    let org = match &target.org {
        Some(o) if !o.trim().is_empty() => o.clone(),
        _ => reqwest::Url::parse(&base)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.split('.').next().unwrap_or(h).to_string())
            })
            .ok_or_else(|| config(P, "--base-url", format!("no host in {base}")))?,
    };
    let api = Api::new(
        P.name(),
        &base,
        Some(("authorization", format!("SSWS {}", token(P, target)?))),
        &[],
        opts.clone(),
        hint,
    )?;
    let users = api.follow_links_at("/api/v1/users?limit=200", array, "the list of users");
    let admins = api.follow_body_links(
        "/api/v1/iam/assignees/users?limit=100",
        value_list,
        "value",
        "/_links/next/href",
    );
    let (users, admins) = tokio::join!(users, admins);
    let body = build(&api, &org, users, admins).await;
    api.bar().finish_and_clear();
    Ok(vec![document(P, &org, "identity.users", body)])
}

/// A user who can sign in, before their factors are known.
struct Active {
    id: String,
    login: String,
    name: Option<String>,
    status: String,
}

async fn build(api: &Api, org: &str, users: Listing, admins: Listing) -> Value {
    if let Some(e) = &admins.error {
        return error_body(e);
    }
    if let Some(e) = users.fatal() {
        return error_body(e);
    }
    let admin_ids: BTreeSet<String> = match admins
        .items
        .iter()
        .map(|e| Fields::new(api, e).id("id"))
        .collect()
    {
        Ok(s) => s,
        Err(e) => return error_body(&e),
    };
    // The users who can sign in, with what we need of them.
    let mut active = Vec::new();
    let mut skipped = 0usize;
    for e in &users.items {
        let f = Fields::new(api, e);
        let parsed = (|| -> Result<Option<Active>, ApiError> {
            let status = f.str("status")?;
            if INACTIVE.contains(&status) {
                return Ok(None);
            }
            let name = match (
                f.opt_str("/profile/firstName")?,
                f.opt_str("/profile/lastName")?,
            ) {
                (Some(a), Some(b)) => Some(format!("{a} {b}")),
                (Some(a), None) | (None, Some(a)) => Some(a.to_string()),
                (None, None) => None,
            };
            Ok(Some(Active {
                id: f.id("id")?,
                login: f.str("/profile/login")?.to_string(),
                name,
                status: status.to_string(),
            }))
        })();
        match parsed {
            Ok(Some(u)) => active.push(u),
            Ok(None) => skipped += 1,
            Err(err) => return error_body(&err),
        }
    }
    // Their factors and groups (the client keeps at most `concurrency` requests in flight).
    let mut tasks = tokio::task::JoinSet::new();
    api.bar().inc_length(active.len() as u64);
    for (i, user) in active.iter().enumerate() {
        let (api, id) = (api.clone(), user.id.clone());
        tasks.spawn(async move {
            let id = encode_segment(&id);
            let r = api.get_at(&format!("/api/v1/users/{id}/factors")).await;
            api.bar().inc(1);
            let groups = api
                .follow_links_at(
                    &format!("/api/v1/users/{id}/groups?limit=200"),
                    array,
                    "the list of groups",
                )
                .await;
            (i, r, groups)
        });
    }
    type Fetched = (Result<Page, ApiError>, Listing);
    let mut factors: Vec<Option<Fetched>> = (0..active.len()).map(|_| None).collect();
    while let Some(done) = tasks.join_next().await {
        if let Ok((i, r, g)) = done {
            factors[i] = Some((r, g));
        }
    }
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for (
        Active {
            id,
            login,
            name,
            status,
        },
        f,
    ) in active.into_iter().zip(factors)
    {
        let (page, groups) = match f {
            Some((Ok(p), g)) => (p, g),
            Some((Err(e), _)) if e.kind == Kind::Malformed => return error_body(&e),
            Some((Err(e), _)) => {
                failed.push(e.to_string());
                continue;
            }
            None => {
                failed.push(format!(
                    "the factors of {login} could not be read (task crashed)"
                ));
                continue;
            }
        };
        if let Some(e) = &groups.error {
            if e.kind == Kind::Malformed {
                return error_body(e);
            }
            failed.push(e.to_string());
            continue;
        }
        let factors = match api.entries(&page, array, "the list of factors") {
            Ok(l) => l,
            Err(err) => return error_body(&err),
        };
        let mut methods = Vec::new();
        for e in &factors {
            let f = Fields::new(api, e);
            let (kind, state) = match (f.str("factorType"), f.str("status")) {
                (Ok(k), Ok(s)) => (k, s),
                (Err(err), _) | (_, Err(err)) => return error_body(&err),
            };
            if state == "ACTIVE" {
                methods.push(kind.to_string());
            }
        }
        methods.sort();
        methods.dedup();
        let mut group_names = Vec::new();
        for e in &groups.items {
            match Fields::new(api, e).str("/profile/name") {
                Ok(n) => group_names.push(n.to_string()),
                Err(err) => return error_body(&err),
            }
        }
        group_names.sort();
        let mut extra = serde_json::Map::new();
        extra.insert("status".into(), json!(status));
        extra.insert("groups".into(), json!(group_names));
        out.push(User {
            mfa: methods.iter().any(|m| m != "question"),
            admin: admin_ids.contains(&id),
            human: true,
            login,
            name,
            mfa_methods: Some(methods),
            extra,
        });
    }
    let mut incomplete = Vec::new();
    if let Some(e) = &users.error {
        incomplete.push(format!("users: {e}"));
    }
    if !failed.is_empty() {
        incomplete.push(format!(
            "the factors or groups of {} user(s) could not be read, first: {}",
            failed.len(),
            failed[0]
        ));
    }
    let mut body = users_body(
        P,
        org,
        out,
        (!incomplete.is_empty()).then(|| incomplete.join("; ")),
    );
    body["skipped_inactive"] = json!(skipped);
    body
}
