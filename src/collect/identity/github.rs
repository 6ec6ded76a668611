//! GitHub (and GitHub Enterprise Server) organisations, over the REST API.
//!
//! Endpoints (`--base-url` defaults to `https://api.github.com`; GHES:
//! `https://HOST/api/v3`), each paginated with `per_page=100` and Link headers, the pages
//! after the first fetched concurrently once `rel="last"` is known (at most
//! `--concurrency` requests in flight, default 8; GitHub's secondary rate limit allows
//! 100 concurrent requests, and its 403/429 answers with `Retry-After` or
//! `x-ratelimit-remaining: 0` are waited out):
//! - `GET /orgs/{org}` → `two_factor_requirement_enabled` → `identity.org.mfa_required`.
//! - `GET /orgs/{org}/members` → every member; `?role=admin` → the owners;
//!   `?filter=2fa_disabled` → the members without two-factor authentication.
//! - `GET /orgs/{org}/outside_collaborators` (and `?filter=2fa_disabled`).
//! - `GET /orgs/{org}/teams` and each team's members → `groups` (team slugs) per user,
//!   which the `admin_groups` param of identity.mfa-admins matches.
//!
//! How the facts are decided:
//! - `admin`: the member is an organisation **owner** (`role=admin`). Outside
//!   collaborators are never org admins (they may administer single repositories).
//! - `human`: `type` is `User`; GitHub Apps' bot accounts (`type: Bot`) are not human.
//!   Machine users are ordinary `User` accounts on GitHub — list them in the controls'
//!   `excluded_accounts` with a reason.
//! - `mfa`: the account is not in the `2fa_disabled` list. GitHub does not say which
//!   second factors a member uses, so `mfa_methods` is absent.
//! - `root` is not set: an org has no single root account; owners are its admins.
//!
//! Who may see it: GitHub shows `two_factor_requirement_enabled` and answers the
//! `2fa_disabled` filter **only to organisation owners** (the filter answers
//! `422 Only owners can use this filter.`; the field is simply left out). An empty
//! `2fa_disabled` list would then read as "everyone has 2FA", so when the token cannot
//! see the org's 2FA setting (i.e. it is not an owner's) the `identity.users` document
//! is an error, never a list of members all marked with 2FA.
//! Token: a classic token with `read:org` (and `admin:org` to see the 2FA setting
//! reliably), or a fine-grained token with the organisation permissions *Members: read*
//! and *Administration: read*, of an organisation owner.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::http::{
    array, encode_segment, type_name, Api, ApiError, Entry, Fields, Kind, Listing, Options,
};
use super::live::{
    bearer_api, config, document, error_body, token, users_body, Provider, Target, User,
};
use crate::evidence::Document;

const P: Provider = Provider::Github;

fn hint(status: u16, path: &str, message: &str) -> String {
    if status == 401 {
        return "the token is invalid or expired; create a new one (classic: read:org and admin:org; fine-grained: organisation Members read and Administration read)".into();
    }
    if message.contains("SAML") {
        return "the organisation enforces SAML single sign-on: authorize the token for it (token settings > Configure SSO)".into();
    }
    if path.contains("outside_collaborators") {
        "listing outside collaborators needs an organisation owner's token (classic: read:org; fine-grained: organisation Members read)".into()
    } else if path.ends_with("/members") {
        "listing members needs the read:org scope (fine-grained: organisation permission Members: read), and the 2fa_disabled filter an organisation owner's token".into()
    } else {
        "reading the organisation needs read:org, and its 2FA setting an organisation owner's token with admin:org (fine-grained: Administration: read)".into()
    }
}

/// Collects `identity.org` and `identity.users` of one organisation.
pub async fn collect(target: &Target, opts: &Options) -> Result<Vec<Document>, ApiError> {
    let org = target
        .org
        .clone()
        .filter(|o| !o.trim().is_empty())
        .ok_or_else(|| config(P, "--org", "name the organisation with --org ORG".into()))?;
    if org.contains(['/', '?', '#', ' ']) {
        return Err(config(
            P,
            "--org",
            format!("'{org}' is not an organisation login"),
        ));
    }
    let api = bearer_api(
        P,
        target,
        "https://api.github.com",
        &token(P, target)?,
        &[
            ("accept", "application/vnd.github+json"),
            ("x-github-api-version", "2022-11-28"),
        ],
        opts,
        hint,
    )?;
    let list = |q: &str| {
        let api = api.clone();
        let path = format!("/orgs/{org}/{q}");
        async move { users_at(&api, &path).await }
    };
    let org_path = format!("/orgs/{org}");
    let org_page = api.get_at(&org_path);
    let (org_page, members, owners, no2fa, collabs, collabs_no2fa, teams) = tokio::join!(
        org_page,
        list("members?per_page=100&page=1"),
        list("members?role=admin&per_page=100&page=1"),
        list("members?filter=2fa_disabled&per_page=100&page=1"),
        list("outside_collaborators?per_page=100&page=1"),
        list("outside_collaborators?filter=2fa_disabled&per_page=100&page=1"),
        teams(&api, &org),
    );
    api.bar().finish_and_clear();

    // identity.org, and whether this token can see the 2FA facts at all.
    let (org_body, owner_view) = match org_page {
        Ok(page) => match page.body.get("two_factor_requirement_enabled") {
            Some(Value::Bool(b)) => (json!({"provider": "github", "org": org, "mfa_required": b}), true),
            None | Some(Value::Null) => (
                error_body(&api.error(
                    &page.endpoint,
                    Kind::Denied,
                    "GitHub left out two_factor_requirement_enabled, which it shows only to organisation owners; collect with an owner's token (classic: admin:org; fine-grained: Administration read)".into(),
                )),
                false,
            ),
            Some(v) => (
                error_body(&api.malformed(
                    &page.endpoint,
                    "two_factor_requirement_enabled",
                    &format!("expected a boolean, got {}", type_name(v)),
                )),
                false,
            ),
        },
        Err(e) => (error_body(&e), false),
    };
    let users_body = users(
        &api,
        &org,
        owner_view,
        members,
        owners,
        no2fa,
        collabs,
        collabs_no2fa,
    );
    let users_body = with_teams(users_body, teams);
    Ok(vec![
        document(P, &org, "identity.org", org_body),
        document(P, &org, "identity.users", users_body),
    ])
}

/// The `identity.users` body from the six lists.
#[allow(clippy::too_many_arguments)]
fn users(
    api: &Api,
    org: &str,
    owner_view: bool,
    members: Listing,
    owners: Listing,
    no2fa: Listing,
    collabs: Listing,
    collabs_no2fa: Listing,
) -> Value {
    // Lists whose loss makes every verdict unknowable: an error document.
    for l in [&owners, &no2fa, &collabs_no2fa] {
        if let Some(e) = &l.error {
            return error_body(&explain_filter(api, e));
        }
    }
    if let Some(e) = members.fatal() {
        return error_body(e);
    }
    if let Some(e) = &collabs.error {
        if e.kind == Kind::Malformed {
            return error_body(e);
        }
    }
    if !owner_view {
        return json!({"error": format!(
            "GitHub {org}: this token cannot see the organisation's 2FA data (GitHub shows it only to organisation owners), so an empty 2fa_disabled list would prove nothing; collect with an owner's token (classic: read:org and admin:org; fine-grained: Members read and Administration read)"
        )});
    }
    let logins = |l: &Listing| -> Result<BTreeSet<String>, ApiError> {
        l.items
            .iter()
            .map(|e| Fields::new(api, e).str("login").map(str::to_lowercase))
            .collect()
    };
    let sets = (logins(&owners), logins(&no2fa), logins(&collabs_no2fa));
    let (owners, no2fa, collabs_no2fa) = match sets {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error_body(&e),
    };
    let mut out: Vec<User> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut add = |e: &Entry, collaborator: bool| -> Result<(), ApiError> {
        let f = Fields::new(api, e);
        let login = f.str("login")?.to_string();
        let kind = f.str("type")?;
        let key = login.to_lowercase();
        if !seen.insert(key.clone()) {
            return Ok(());
        }
        let mut extra = serde_json::Map::new();
        extra.insert(
            "role".into(),
            json!(if collaborator {
                "outside_collaborator"
            } else if owners.contains(&key) {
                "owner"
            } else {
                "member"
            }),
        );
        out.push(User {
            human: kind == "User",
            admin: !collaborator && owners.contains(&key),
            mfa: !(if collaborator { &collabs_no2fa } else { &no2fa }).contains(&key),
            login,
            name: None,
            mfa_methods: None,
            extra,
        });
        Ok(())
    };
    for e in &members.items {
        if let Err(err) = add(e, false) {
            return error_body(&err);
        }
    }
    for e in &collabs.items {
        if let Err(err) = add(e, true) {
            return error_body(&err);
        }
    }
    let mut incomplete = Vec::new();
    if let Some(e) = &members.error {
        incomplete.push(format!("members: {e}"));
    }
    if let Some(e) = &collabs.error {
        incomplete.push(format!("outside collaborators: {}", explain_filter(api, e)));
    }
    // Owners and 2FA-less members missing from the member list (it changed meanwhile,
    // or a page was lost) are still accounts of the org.
    let missing: Vec<&String> = owners
        .iter()
        .chain(no2fa.iter())
        .filter(|l| !seen.contains(*l))
        .collect();
    if !missing.is_empty() && incomplete.is_empty() {
        incomplete.push(format!(
            "the member list changed during collection: {} listed as owner or without 2FA but not as member; collect again",
            missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    users_body(
        P,
        org,
        out,
        (!incomplete.is_empty()).then(|| incomplete.join("; ")),
    )
}

/// A list of accounts (members, owners, collaborators, a team's members).
async fn users_at(api: &Api, path: &str) -> Listing {
    api.numbered_pages_at(path, "page", array, "the list of users")
        .await
}

/// Team slugs per lower-cased login: `GET /orgs/{org}/teams`, then each team's members
/// (which include the members of its child teams).
async fn teams(api: &Api, org: &str) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
    let listing = api
        .numbered_pages_at(
            &format!("/orgs/{org}/teams?per_page=100&page=1"),
            "page",
            array,
            "the list of teams",
        )
        .await;
    if let Some(e) = listing.error {
        return Err(e);
    }
    let slugs = listing
        .items
        .iter()
        .map(|e| Fields::new(api, e).str("slug").map(str::to_string))
        .collect::<Result<Vec<_>, _>>()?;
    let mut tasks = tokio::task::JoinSet::new();
    for slug in slugs {
        let api = api.clone();
        let path = format!(
            "/orgs/{org}/teams/{}/members?per_page=100&page=1",
            encode_segment(&slug)
        );
        tasks.spawn(async move {
            let l = users_at(&api, &path).await;
            (slug, l)
        });
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        let (slug, l) = done.map_err(|e| {
            api.error(
                "teams",
                Kind::Transport,
                format!("a team fetch crashed: {e}"),
            )
        })?;
        if let Some(e) = l.error {
            return Err(e);
        }
        for e in &l.items {
            let login = Fields::new(api, e).str("login")?.to_lowercase();
            out.entry(login).or_default().push(slug.clone());
        }
    }
    for v in out.values_mut() {
        v.sort();
        v.dedup();
    }
    Ok(out)
}

/// Adds each user's team slugs as `groups` (for the `admin_groups` param); teams that
/// could not be read make the document incomplete.
fn with_teams(mut body: Value, teams: Result<BTreeMap<String, Vec<String>>, ApiError>) -> Value {
    if body.get("error").is_some() {
        return body;
    }
    match teams {
        Ok(map) => {
            if let Some(users) = body.get_mut("users").and_then(Value::as_array_mut) {
                for u in users {
                    let login = u["login"].as_str().unwrap_or("").to_lowercase();
                    u["groups"] = json!(map.get(&login).cloned().unwrap_or_default());
                }
            }
        }
        Err(e) => {
            let why = format!("teams (the groups admin_groups matches): {e}");
            let joined = match body.get("incomplete").and_then(Value::as_str) {
                Some(prev) => format!("{prev}; {why}"),
                None => why,
            };
            body["incomplete"] = json!(joined);
        }
    }
    body
}

/// GitHub's 422 for the `2fa_disabled` filter means "not an owner": say so.
fn explain_filter(api: &Api, e: &ApiError) -> ApiError {
    if e.kind == Kind::Status
        && e.endpoint.contains("2fa_disabled")
        && e.what.starts_with("HTTP 422")
    {
        return api.error(
            &e.endpoint,
            Kind::Denied,
            format!("{}; GitHub answers the 2fa_disabled filter only for organisation owners, so who lacks 2FA is unknown: collect with an owner's token", e.what),
        );
    }
    e.clone()
}
