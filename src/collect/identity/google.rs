//! Google Workspace, over the Admin SDK Directory API (`--base-url` defaults to
//! `https://admin.googleapis.com`).
//!
//! Endpoint: `GET /admin/directory/v1/users?customer=my_customer&maxResults=500`
//! (or `domain=DOMAIN` when `--org` names a domain), pages by `nextPageToken`.
//!
//! How the facts are decided:
//! - `mfa`: `isEnrolledIn2Sv` (2-Step Verification is set up for the user).
//! - `admin`: `isAdmin` (super administrator) or `isDelegatedAdmin` (any admin role).
//! - `human`: true — directory users are people or shared accounts; service accounts are
//!   not directory users. List shared or machine accounts in `excluded_accounts`.
//! - Suspended and archived users cannot sign in: left out, counted in
//!   `body.skipped_inactive`. `enforced_2sv` keeps `isEnforcedIn2Sv` per user.
//! - `identity.org.mfa_required`: 2-Step Verification is **enforced** (`isEnforcedIn2Sv`)
//!   for every active user. The API does not expose the enforcement policy itself, so
//!   this is derived from the users' effective setting; `mfa_policy` counts them.
//!
//! Credentials, either:
//! - an OAuth access token with the scope
//!   `https://www.googleapis.com/auth/admin.directory.user.readonly` of an administrator
//!   in `GOOGLE_OAUTH_ACCESS_TOKEN` (or `--token-env`), or
//! - a service account key file in `GOOGLE_APPLICATION_CREDENTIALS` whose client has
//!   domain-wide delegation for that scope, acting for the administrator named in
//!   `GOOGLE_ADMIN_SUBJECT` (JWT-bearer flow, RS256, at the key's `token_uri`).

use serde_json::{json, Value};

use super::http::{encode_segment, set_query, type_name, Api, ApiError, Fields, Listing, Options};
use super::live::{
    bearer_api, config, document, env_value, error_body, given_token, token_env, users_body,
    Provider, Target, User,
};
use crate::evidence::Document;

const P: Provider = Provider::Google;

fn hint(status: u16, _path: &str, _message: &str) -> String {
    if status == 401 {
        "the access token is invalid or expired; get a new one with the admin.directory.user.readonly scope".into()
    } else {
        "listing users needs an administrator's token with the scope https://www.googleapis.com/auth/admin.directory.user.readonly (a service account needs domain-wide delegation for it)".into()
    }
}

fn users_of(v: &Value) -> Option<&Vec<Value>> {
    // A customer without users answers without the `users` key.
    static EMPTY: Vec<Value> = Vec::new();
    match v.get("users") {
        Some(Value::Array(a)) => Some(a),
        None if v.get("kind").and_then(Value::as_str) == Some("admin#directory#users") => {
            Some(&EMPTY)
        }
        _ => None,
    }
}

/// Collects `identity.users` and `identity.org` of one Workspace customer.
pub async fn collect(target: &Target, opts: &Options) -> Result<Vec<Document>, ApiError> {
    let token = token(target, opts).await?;
    let api = bearer_api(
        P,
        target,
        "https://admin.googleapis.com",
        &token,
        &[],
        opts,
        hint,
    )?;
    let (org, scope) = match target.org.as_deref().filter(|o| !o.trim().is_empty()) {
        Some(d) => (d.to_string(), format!("domain={}", encode_segment(d))),
        None => (
            "my_customer".to_string(),
            "customer=my_customer".to_string(),
        ),
    };
    let first = format!("/admin/directory/v1/users?{scope}&maxResults=500&orderBy=email");
    let list = match api.url(&first) {
        Ok(u) => {
            let first_url = u.clone();
            api.follow(u, users_of, "users", move |api, page| {
                match page.body.get("nextPageToken") {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(t)) if !t.is_empty() => {
                        let mut next = first_url.clone();
                        set_query(&mut next, "pageToken", t);
                        Ok(Some(next))
                    }
                    Some(v) => Err(api.malformed(
                        &page.endpoint,
                        "nextPageToken",
                        &format!("expected a string, got {}", type_name(v)),
                    )),
                }
            })
            .await
        }
        Err(e) => Listing::failed(e),
    };
    api.bar().finish_and_clear();
    let (users_body, org_body) = build(&api, &org, list);
    Ok(vec![
        document(P, &org, "identity.org", org_body),
        document(P, &org, "identity.users", users_body),
    ])
}

/// The scope asked for: read-only access to the directory's users.
pub const SCOPE: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";

/// The access token: from the named (or default) variable, else by a service account
/// with domain-wide delegation.
async fn token(target: &Target, opts: &Options) -> Result<String, ApiError> {
    if let Some(given) = given_token(P, target) {
        return given;
    }
    let env = token_env(P, target);
    match (env_value("GOOGLE_APPLICATION_CREDENTIALS"), env_value("GOOGLE_ADMIN_SUBJECT")) {
        (Some(key), Some(subject)) => service_account_token(std::path::Path::new(&key), &subject, opts).await,
        (Some(_), None) => Err(config(
            P,
            "$GOOGLE_ADMIN_SUBJECT",
            "a service account reads the directory only on behalf of an administrator: export GOOGLE_ADMIN_SUBJECT=<admin email> (domain-wide delegation with the admin.directory.user.readonly scope)".into(),
        )),
        _ => Err(config(
            P,
            &format!("${env}"),
            format!("the environment variable is not set; export {env}=<access token with the admin.directory.user.readonly scope>, or GOOGLE_APPLICATION_CREDENTIALS=<service account key file> and GOOGLE_ADMIN_SUBJECT=<admin email>"),
        )),
    }
}

/// The OAuth 2.0 JWT-bearer flow of a service account key file: a JWT signed with the
/// key (RS256), naming the administrator to act for (`sub`), exchanged at the key's
/// `token_uri` for an access token. The private key never leaves the process.
async fn service_account_token(
    key_file: &std::path::Path,
    subject: &str,
    opts: &Options,
) -> Result<String, ApiError> {
    use rustls::pki_types::{pem::PemObject, PrivateKeyDer};
    let shown = key_file.display().to_string();
    let bad = |what: String| {
        config(
            P,
            "$GOOGLE_APPLICATION_CREDENTIALS",
            format!("{shown}: {what}"),
        )
    };
    let text = std::fs::read_to_string(key_file).map_err(|e| bad(e.to_string()))?;
    let key: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let field = |k: &str| {
        key.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                bad(format!(
                    "{k}: missing (expected a service account key file)"
                ))
            })
    };
    if field("type")? != "service_account" {
        return Err(bad("type: expected \"service_account\"".into()));
    }
    let email = field("client_email")?;
    let token_uri = field("token_uri")?;
    let pem = field("private_key")?;
    let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
        .map_err(|_| bad("private_key: not a PEM private key".into()))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&der)
        .map_err(|_| bad("private_key: not a usable RSA key".into()))?;
    let signer = signing
        .choose_scheme(&[rustls::SignatureScheme::RSA_PKCS1_SHA256])
        .ok_or_else(|| bad("private_key: not an RSA key (RS256 is needed)".into()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let header = base64url(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = json!({"iss": email, "sub": subject, "scope": SCOPE, "aud": token_uri, "iat": now, "exp": now + 3600});
    let claims = base64url(claims.to_string().as_bytes());
    let signed = format!("{header}.{claims}");
    let signature = signer
        .sign(signed.as_bytes())
        .map_err(|e| bad(format!("cannot sign: {e}")))?;
    let assertion = format!("{signed}.{}", base64url(&signature));
    let uri = reqwest::Url::parse(token_uri).map_err(|e| bad(format!("token_uri: {e}")))?;
    let origin = uri.origin().ascii_serialization();
    let login = Api::new("Google OAuth", &origin, None, &[], opts.clone(), token_hint)?;
    login
        .access_token(
            &uri,
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", &assertion),
            ],
            &assertion,
        )
        .await
}

fn token_hint(_status: u16, _path: &str, _message: &str) -> String {
    "the service account's assertion was refused: its client id needs domain-wide delegation for the admin.directory.user.readonly scope (Admin console > Security > API controls), and GOOGLE_ADMIN_SUBJECT must be an administrator of the domain".into()
}

/// Base64url without padding (RFC 4648 §5), as JWTs use.
fn base64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn build(api: &Api, org: &str, list: Listing) -> (Value, Value) {
    if let Some(e) = list.fatal() {
        return (error_body(e), error_body(e));
    }
    let mut out = Vec::new();
    let (mut skipped, mut enforced) = (0usize, 0usize);
    for e in &list.items {
        let f = Fields::new(api, e);
        let user = (|| -> Result<Option<(User, bool)>, ApiError> {
            if f.opt_bool("suspended")? == Some(true) || f.opt_bool("archived")? == Some(true) {
                return Ok(None);
            }
            let enforced_2sv = f.bool("isEnforcedIn2Sv")?;
            let mut extra = serde_json::Map::new();
            extra.insert("enforced_2sv".into(), json!(enforced_2sv));
            if let Some(ou) = f.opt_str("orgUnitPath")? {
                extra.insert("org_unit".into(), json!(ou));
            }
            Ok(Some((
                User {
                    login: f.str("primaryEmail")?.to_string(),
                    name: f.opt_str("/name/fullName")?.map(str::to_string),
                    human: true,
                    admin: f.bool("isAdmin")? || f.opt_bool("isDelegatedAdmin")?.unwrap_or(false),
                    mfa: f.bool("isEnrolledIn2Sv")?,
                    mfa_methods: None,
                    extra,
                },
                enforced_2sv,
            )))
        })();
        match user {
            Ok(Some((u, enf))) => {
                enforced += usize::from(enf);
                out.push(u);
            }
            Ok(None) => skipped += 1,
            Err(err) => return (error_body(&err), error_body(&err)),
        }
    }
    let total = out.len();
    let incomplete = list.error.as_ref().map(|e| e.to_string());
    let org_body = match &incomplete {
        // Enforcement for "every user" cannot be said from part of the users.
        Some(why) => {
            json!({"error": format!("the user list is incomplete, so whether 2-Step Verification is enforced for everyone is unknown: {why}")})
        }
        None => json!({
            "provider": "google", "org": org, "mfa_required": total > 0 && enforced == total,
            "mfa_policy": format!("2-Step Verification is enforced for {enforced} of {total} active user(s)"),
        }),
    };
    let mut body = users_body(P, org, out, incomplete);
    body["skipped_inactive"] = json!(skipped);
    (body, org_body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64url_matches_rfc_4648() {
        assert_eq!(super::base64url(b""), "");
        assert_eq!(super::base64url(b"f"), "Zg");
        assert_eq!(super::base64url(b"fo"), "Zm8");
        assert_eq!(super::base64url(b"foo"), "Zm9v");
        assert_eq!(super::base64url(b"foob"), "Zm9vYg");
        assert_eq!(super::base64url(&[0xfb, 0xff]), "-_8");
    }
}
