//! `assay collect identity github|gitlab|entra` end to end: the real binary against a
//! local server replaying each provider's documented responses (tests/fixtures/identity/),
//! then `assay check` on the evidence it wrote, asserting the identity controls' verdicts
//! and the accounts they name.

mod common;

use std::path::Path;
use std::time::Duration;

use common::replay::{Replay, Reply};
use common::{path_str, run, run_env, Run};
use serde_json::Value;

const TOKEN: &str = "ghp_TESTtoken0123456789abcdefABCDEF012345";

fn fixture(provider: &str, name: &str) -> Reply {
    Reply::file(&format!("tests/fixtures/identity/{provider}/{name}"))
}

/// A fixture answered with another status than 200.
fn fixture_status(provider: &str, name: &str, status: u16) -> Reply {
    let mut r = fixture(provider, name);
    r.status = status;
    r
}

/// Replaces every reply registered for `key`.
fn set(routes: &mut Vec<(String, Reply)>, key: &str, replies: Vec<Reply>) {
    routes.retain(|(k, _)| k != key);
    routes.extend(replies.into_iter().map(|r| (key.to_string(), r)));
}

/// Runs `assay check` on `dir` and returns the results JSON.
fn check(dir: &Path) -> Value {
    let o = run(&["check", "--evidence", path_str(dir), "--format", "json"]);
    assert!(o.code == 0 || o.code == 1, "check failed: {}", o.stderr);
    serde_json::from_str(&o.stdout).expect("results JSON")
}

/// `(status, [(finding status, message)])` of one control.
fn control(results: &Value, id: &str) -> (String, Vec<(String, String)>) {
    let c = results["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"));
    let findings = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["status"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (c["status"].as_str().unwrap().to_string(), findings)
}

/// The accounts named by the failing findings of a control (`... user NAME has no ...`).
fn failing_accounts(results: &Value, id: &str, what: &str) -> Vec<String> {
    let (_, findings) = control(results, id);
    let mut names: Vec<String> = findings
        .iter()
        .filter(|(s, _)| s == "fail")
        .map(|(_, m)| {
            let rest = m
                .split_once(&format!("{what} "))
                .unwrap_or_else(|| panic!("unexpected message: {m}"))
                .1;
            rest.split(' ').next().unwrap().to_string()
        })
        .collect();
    names.sort();
    names
}

/// The documents of the evidence folder, by kind.
fn docs(dir: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for e in walk(dir) {
        if e.extension().is_some_and(|x| x == "json") && !e.ends_with("manifest.json") {
            out.push(serde_json::from_str(&std::fs::read_to_string(&e).unwrap()).unwrap());
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn body_of<'a>(docs: &'a [Value], kind: &str) -> &'a Value {
    &docs
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} document"))["body"]
}

/// The secret never shows up anywhere assay writes.
fn assert_no_token(o: &Run, dir: &Path, token: &str) {
    assert!(!o.stdout.contains(token), "token in stdout");
    assert!(!o.stderr.contains(token), "token in stderr");
    for f in walk(dir) {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains(token), "token in {}", f.display());
    }
}

// --- GitHub -------------------------------------------------------------------------

const GH: &str = "/api/v3/orgs/coloom";

fn gh_paged(q: &str, page: u32, last: u32, file: &str) -> (String, Reply) {
    let url = |n: u32| format!("{{base}}{GH}/{q}per_page=100&page={n}");
    let mut links = Vec::new();
    if page < last {
        links.push(format!("<{}>; rel=\"next\"", url(page + 1)));
        links.push(format!("<{}>; rel=\"last\"", url(last)));
    }
    if page > 1 {
        links.push(format!("<{}>; rel=\"prev\"", url(page - 1)));
        links.push(format!("<{}>; rel=\"first\"", url(1)));
    }
    let mut r = fixture("github", file)
        .header("x-ratelimit-limit", "5000")
        .header("x-ratelimit-remaining", "4990")
        .header("x-ratelimit-reset", "1764064800")
        .header("x-github-api-version-selected", "2022-11-28");
    if !links.is_empty() {
        r = r.header("link", &links.join(", "));
    }
    (format!("{GH}/{q}per_page=100&page={page}"), r)
}

/// The org of the fixtures: 7 members on 3 pages (owners alice and bob; bob, carol,
/// frank-ci and the Renovate bot without 2FA), 2 outside collaborators on 2 pages (grace
/// without 2FA), and no org-wide 2FA requirement.
fn github_routes() -> Vec<(String, Reply)> {
    vec![
        (GH.to_string(), fixture("github", "org.json")),
        gh_paged("members?", 1, 3, "members-1.json"),
        gh_paged("members?", 2, 3, "members-2.json"),
        gh_paged("members?", 3, 3, "members-3.json"),
        gh_paged("members?role=admin&", 1, 1, "owners.json"),
        gh_paged(
            "members?filter=2fa_disabled&",
            1,
            1,
            "members-2fa-disabled.json",
        ),
        gh_paged(
            "outside_collaborators?",
            1,
            2,
            "outside-collaborators-1.json",
        ),
        gh_paged(
            "outside_collaborators?",
            2,
            2,
            "outside-collaborators-2.json",
        ),
        gh_paged(
            "outside_collaborators?filter=2fa_disabled&",
            1,
            1,
            "outside-collaborators-2fa-disabled.json",
        ),
        gh_paged("teams?", 1, 1, "teams.json"),
        gh_paged(
            "teams/engineering/members?",
            1,
            1,
            "team-engineering-members.json",
        ),
        gh_paged(
            "teams/platform-admins/members?",
            1,
            1,
            "team-platform-admins-members.json",
        ),
    ]
}

fn collect_github(server: &Replay, dir: &Path, extra: &[&str]) -> Run {
    let base = format!("{}/api/v3", server.url());
    let mut args = vec![
        "collect",
        "identity",
        "github",
        "--org",
        "coloom",
        "--base-url",
        &base,
        "--into",
        path_str(dir),
    ];
    args.extend_from_slice(extra);
    run_env(&args, &[("GITHUB_TOKEN", TOKEN)])
}

#[test]
fn github_org_members_owners_and_collaborators_end_to_end() {
    let mut routes = github_routes();
    // Page 2 of the members is first refused by GitHub's secondary rate limit.
    let (k, page2) = gh_paged("members?", 2, 3, "members-2.json");
    set(
        &mut routes,
        &k,
        vec![
            fixture_status("github", "secondary-rate-limit.json", 403)
                .header("retry-after", "1")
                .header("x-ratelimit-remaining", "4989"),
            page2,
        ],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    let o = collect_github(&server, dir.path(), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("github:coloom"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("9 account(s), 8 human, 2 admin, 5 without 2FA"),
        "{}",
        o.stdout
    );
    assert_no_token(&o, dir.path(), TOKEN);

    // The token went to the server, in the header only.
    let reqs = server.requests();
    assert!(reqs
        .iter()
        .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    assert!(reqs.iter().all(|r| !r.target.contains(TOKEN)));
    assert!(reqs
        .iter()
        .all(|r| r.header("accept") == Some("application/vnd.github+json")));
    // The rate limit was waited out: the retry came at least a second after the 403.
    let p2: Vec<_> = reqs.iter().filter(|r| r.target == k).collect();
    assert_eq!(p2.len(), 2, "page 2 asked twice");
    let waited = p2[1].at.duration_since(p2[0].at);
    assert!(
        waited >= Duration::from_millis(990),
        "waited only {waited:?}"
    );

    let d = docs(dir.path());
    let users = body_of(&d, "identity.users");
    assert_eq!(users["provider"], "github");
    assert_eq!(users["org"], "coloom");
    assert!(users.get("incomplete").is_none(), "{users}");
    let logins: Vec<&str> = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert_eq!(
        logins,
        [
            "alice",
            "bob",
            "carol",
            "coloom-renovate[bot]",
            "dave",
            "erin",
            "frank-ci",
            "grace",
            "heidi"
        ]
    );
    let bot = &users["users"][3];
    assert_eq!(bot["human"], false);
    assert_eq!(bot["mfa"], false);
    assert_eq!(users["users"][1]["role"], "owner");
    assert_eq!(users["users"][7]["role"], "outside_collaborator");
    assert_eq!(body_of(&d, "identity.org")["mfa_required"], false);

    let v = run(&["evidence", "verify", path_str(dir.path())]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);

    let r = check(dir.path());
    assert_eq!(control(&r, "identity.mfa-all-users").0, "fail");
    assert_eq!(
        failing_accounts(&r, "identity.mfa-all-users", "human user"),
        ["bob", "carol", "frank-ci", "grace"]
    );
    assert_eq!(control(&r, "identity.mfa-admins").0, "fail");
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["bob"]
    );
    let (status, f) = control(&r, "identity.mfa-org-enforced");
    assert_eq!(status, "fail");
    assert!(
        f[0].1.contains("github does not require two-factor"),
        "{f:?}"
    );
    assert_eq!(control(&r, "identity.root-mfa").0, "not_applicable");

    // Teams are the groups: with platform-admins counted as admins, carol (a member of
    // that team without 2FA) fails the admin control too.
    assert_eq!(
        users["users"][2]["groups"],
        serde_json::json!(["engineering", "platform-admins"])
    );
    assert_eq!(users["users"][7]["groups"], serde_json::json!([]));
    let profile = common::write_file(
        dir.path(),
        "profile.yaml",
        "name: gh\nselect:\n  frameworks: [soc2]\nparams:\n  identity.mfa-admins: { admin_groups: [Platform-Admins] }\n",
    );
    let o = run(&[
        "check",
        "--evidence",
        path_str(dir.path()),
        "--profile",
        path_str(&profile),
        "--format",
        "json",
    ]);
    let r: Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stderr));
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["bob", "carol"]
    );
}

#[test]
fn github_all_good_passes_and_pages_come_concurrently() {
    let mut routes = github_routes();
    set(
        &mut routes,
        GH,
        vec![fixture("github", "org-2fa-required.json")],
    );
    for q in [
        "members?filter=2fa_disabled&",
        "outside_collaborators?filter=2fa_disabled&",
    ] {
        let (k, r) = gh_paged(q, 1, 1, "empty.json");
        set(&mut routes, &k, vec![r]);
    }
    // Each answer takes 300 ms, so pages fetched one after the other would arrive
    // 300 ms apart.
    let serve = common::replay::router(routes);
    let server = Replay::start(move |req, base| {
        std::thread::sleep(Duration::from_millis(300));
        serve(req, base)
    });
    let dir = tempfile::tempdir().unwrap();
    let o = collect_github(&server, dir.path(), &["--concurrency", "16"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = check(dir.path());
    let (status, f) = control(&r, "identity.mfa-all-users");
    assert_eq!(status, "pass", "{f:?}");
    assert!(
        f[0].1
            .contains("all 8 human users in github:coloom have two-factor"),
        "{f:?}"
    );
    assert_eq!(control(&r, "identity.mfa-admins").0, "pass");
    assert_eq!(control(&r, "identity.mfa-org-enforced").0, "pass");
    // Pages 2 and 3 of the members were asked together, once page 1 named the last.
    let reqs = server.requests();
    let at = |page: u32| {
        reqs.iter()
            .find(|r| r.target == format!("{GH}/members?per_page=100&page={page}"))
            .unwrap()
            .at
    };
    assert!(at(2).duration_since(at(1)) >= Duration::from_millis(290));
    let apart = if at(3) > at(2) {
        at(3).duration_since(at(2))
    } else {
        at(2).duration_since(at(3))
    };
    assert!(
        apart < Duration::from_millis(150),
        "pages 2 and 3 {apart:?} apart"
    );
    // Every page was asked exactly once.
    assert_eq!(
        reqs.len(),
        12,
        "{:?}",
        reqs.iter().map(|r| &r.target).collect::<Vec<_>>()
    );
}

#[test]
fn github_without_owner_rights_is_an_error_never_everyone_has_2fa() {
    let mut routes = github_routes();
    set(
        &mut routes,
        GH,
        vec![fixture("github", "org-not-owner.json")],
    );
    for q in [
        "members?filter=2fa_disabled&",
        "outside_collaborators?filter=2fa_disabled&",
    ] {
        set(
            &mut routes,
            &format!("{GH}/{q}per_page=100&page=1"),
            vec![fixture_status("github", "only-owners.json", 422)],
        );
    }
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    let o = collect_github(&server, dir.path(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let d = docs(dir.path());
    let e = body_of(&d, "identity.users")["error"].as_str().unwrap();
    assert!(e.contains("Only owners can use this filter."), "{e}");
    assert!(e.contains("only for organisation owners"), "{e}");
    assert!(body_of(&d, "identity.users").get("users").is_none());
    let e = body_of(&d, "identity.org")["error"].as_str().unwrap();
    assert!(e.contains("two_factor_requirement_enabled"), "{e}");
    let r = check(dir.path());
    for id in [
        "identity.mfa-all-users",
        "identity.mfa-admins",
        "identity.mfa-org-enforced",
    ] {
        let (status, f) = control(&r, id);
        assert_eq!(status, "error", "{id}: {f:?}");
        assert!(f.iter().all(|(s, _)| s == "error"), "{id}: {f:?}");
    }

    // An empty 2fa_disabled list from a token that cannot see the 2FA setting proves
    // nothing either.
    let mut routes = github_routes();
    set(
        &mut routes,
        GH,
        vec![fixture("github", "org-not-owner.json")],
    );
    for q in [
        "members?filter=2fa_disabled&",
        "outside_collaborators?filter=2fa_disabled&",
    ] {
        let (k, r) = gh_paged(q, 1, 1, "empty.json");
        set(&mut routes, &k, vec![r]);
    }
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_github(&server, dir.path(), &[]).code, 0);
    let d = docs(dir.path());
    let e = body_of(&d, "identity.users")["error"].as_str().unwrap();
    assert!(e.contains("owner"), "{e}");
    assert_eq!(
        control(&check(dir.path()), "identity.mfa-all-users").0,
        "error"
    );
}

#[test]
fn github_403_names_the_missing_permission() {
    let mut routes = github_routes();
    let forbidden = || fixture_status("github", "forbidden.json", 403);
    for k in [
        format!("{GH}/members?per_page=100&page=1"),
        format!("{GH}/members?role=admin&per_page=100&page=1"),
    ] {
        set(&mut routes, &k, vec![forbidden()]);
    }
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    let o = collect_github(&server, dir.path(), &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let d = docs(dir.path());
    let e = body_of(&d, "identity.users")["error"].as_str().unwrap();
    assert!(
        e.starts_with("GitHub GET /api/v3/orgs/coloom/members?"),
        "{e}"
    );
    common::assert_contains_all(
        "GitHub 403",
        "the error",
        e,
        &[
            "HTTP 403 Forbidden",
            "Resource not accessible by personal access token",
            "read:org",
        ],
    );
    assert!(o.stdout.contains("error: GitHub GET"), "{}", o.stdout);
    let (status, f) = control(&check(dir.path()), "identity.mfa-admins");
    assert_eq!(status, "error");
    assert!(f[0].1.contains("read:org"), "{f:?}");
}

#[test]
fn github_malformed_or_incomplete_pages_never_shorten_the_list() {
    // A body that is not JSON: an error naming the endpoint, no users written.
    let mut routes = github_routes();
    let (k, _) = gh_paged("members?", 2, 3, "members-2.json");
    set(
        &mut routes,
        &k,
        vec![gh_paged("members?", 2, 3, "members-2-malformed.json").1],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_github(&server, dir.path(), &[]).code, 0);
    let users = body_of(&docs(dir.path()), "identity.users").clone();
    let e = users["error"].as_str().unwrap();
    assert!(
        e.starts_with("GitHub GET /api/v3/orgs/coloom/members?per_page=100&page=2: body: not JSON"),
        "{e}"
    );
    assert!(users.get("users").is_none());

    // A member without a login: the field is named.
    let mut routes = github_routes();
    set(
        &mut routes,
        &k,
        vec![gh_paged("members?", 2, 3, "members-2-missing-login.json").1],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_github(&server, dir.path(), &[]).code, 0);
    let users = body_of(&docs(dir.path()), "identity.users").clone();
    assert_eq!(
        users["error"],
        "GitHub GET /api/v3/orgs/coloom/members?per_page=100&page=2: [1].login: missing"
    );

    // A page of outside collaborators that keeps failing: the evidence is incomplete, the
    // violations found are still reported, and nothing passes.
    let mut routes = github_routes();
    set(
        &mut routes,
        GH,
        vec![fixture("github", "org-2fa-required.json")],
    );
    let (k, _) = gh_paged(
        "outside_collaborators?",
        2,
        2,
        "outside-collaborators-2.json",
    );
    set(
        &mut routes,
        &k,
        vec![Reply::status(502, r#"{"message":"Server Error"}"#)],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_github(&server, dir.path(), &[]).code, 0);
    let users = body_of(&docs(dir.path()), "identity.users").clone();
    let why = users["incomplete"].as_str().unwrap();
    assert!(why.contains("outside collaborators"), "{why}");
    assert!(why.contains("HTTP 502"), "{why}");
    assert_eq!(
        server.requests().iter().filter(|r| r.target == k).count(),
        3,
        "one try and two retries"
    );
    let r = check(dir.path());
    assert_eq!(
        failing_accounts(&r, "identity.mfa-all-users", "human user"),
        ["bob", "carol", "frank-ci", "grace"]
    );
    let (status, f) = control(&r, "identity.mfa-admins");
    assert_eq!(status, "fail");
    let (status, f2) = control(&r, "identity.mfa-org-enforced");
    assert_eq!(status, "pass", "{f:?} {f2:?}");
}

#[test]
fn github_incomplete_evidence_turns_a_pass_into_an_error() {
    let mut routes = github_routes();
    set(
        &mut routes,
        GH,
        vec![fixture("github", "org-2fa-required.json")],
    );
    for q in [
        "members?filter=2fa_disabled&",
        "outside_collaborators?filter=2fa_disabled&",
    ] {
        let (k, r) = gh_paged(q, 1, 1, "empty.json");
        set(&mut routes, &k, vec![r]);
    }
    let (k, _) = gh_paged("members?", 3, 3, "members-3.json");
    set(
        &mut routes,
        &k,
        vec![Reply::status(500, r#"{"message":"Server Error"}"#)],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        collect_github(&server, dir.path(), &["--concurrency", "2"]).code,
        0
    );
    let r = check(dir.path());
    let (status, f) = control(&r, "identity.mfa-all-users");
    assert_eq!(status, "error", "{f:?}");
    assert!(f[0].1.contains("evidence incomplete: members: GitHub GET /api/v3/orgs/coloom/members?per_page=100&page=3: HTTP 500"), "{f:?}");
}

#[test]
fn github_rate_limit_longer_than_max_wait_is_an_error() {
    let mut routes = github_routes();
    let reset = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600)
        .to_string();
    set(
        &mut routes,
        &format!("{GH}/members?role=admin&per_page=100&page=1"),
        vec![Reply::status(403, r#"{"message":"API rate limit exceeded for user ID 1021001.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}"#)
            .header("x-ratelimit-limit", "5000")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset)],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        collect_github(&server, dir.path(), &["--max-wait", "5"]).code,
        0
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    let e = body_of(&docs(dir.path()), "identity.users")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(e.contains("rate limited (HTTP 403)"), "{e}");
    assert!(e.contains("longer than --max-wait 5 s"), "{e}");
}

#[test]
fn github_refusals_before_asking() {
    let dir = tempfile::tempdir().unwrap();
    let into = path_str(dir.path());
    // Plain http to a non-loopback host.
    let o = run_env(
        &[
            "collect",
            "identity",
            "github",
            "--org",
            "coloom",
            "--base-url",
            "http://ghe.example/api/v3",
            "--into",
            into,
        ],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("plain http is allowed only to a loopback address"),
        "{}",
        o.stderr
    );
    // No token.
    let o = run_env(
        &[
            "collect",
            "identity",
            "github",
            "--org",
            "coloom",
            "--into",
            into,
            "--token-env",
            "ASSAY_TEST_NO_SUCH_VAR",
        ],
        &[],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("$ASSAY_TEST_NO_SUCH_VAR: the environment variable is not set"),
        "{}",
        o.stderr
    );
    // No org.
    let o = run_env(
        &["collect", "identity", "github", "--into", into],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--org"), "{}", o.stderr);
    assert!(
        !dir.path().join("manifest.json").exists(),
        "nothing written"
    );
}

#[test]
fn github_from_the_inventory() {
    let server = Replay::routes(github_routes());
    let dir = tempfile::tempdir().unwrap();
    let inv = common::write_file(
        dir.path(),
        "inventory.yaml",
        &format!(
            "identity:\n  - provider: github\n    org: coloom\n    token_env: ASSAY_TEST_GH\n    base_url: {}/api/v3\n",
            server.url()
        ),
    );
    let ev = dir.path().join("ev");
    let o = run_env(
        &[
            "collect",
            "identity",
            "--inventory",
            path_str(&inv),
            "--into",
            path_str(&ev),
        ],
        &[("ASSAY_TEST_GH", TOKEN)],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = check(&ev);
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["bob"]
    );
}

// --- GitLab -------------------------------------------------------------------------

fn gl_users_page(page: u32, file: &str) -> (String, Reply) {
    let url = |n: u32| format!("{{base}}/api/v4/users?exclude_internal=true&per_page=100&page={n}");
    let mut links = vec![
        format!("<{}>; rel=\"first\"", url(1)),
        format!("<{}>; rel=\"last\"", url(2)),
    ];
    if page == 1 {
        links.insert(0, format!("<{}>; rel=\"next\"", url(2)));
    } else {
        links.insert(0, format!("<{}>; rel=\"prev\"", url(1)));
    }
    let r = fixture("gitlab", file)
        .header("x-page", &page.to_string())
        .header("x-per-page", "100")
        .header("x-total", "8")
        .header("x-total-pages", "2")
        .header("x-next-page", if page == 1 { "2" } else { "" })
        .header("x-prev-page", if page == 2 { "1" } else { "" })
        .header("ratelimit-limit", "2000")
        .header("ratelimit-remaining", "1998")
        .header("link", &links.join(", "));
    (
        format!("/api/v4/users?exclude_internal=true&per_page=100&page={page}"),
        r,
    )
}

fn gitlab_instance_routes() -> Vec<(String, Reply)> {
    vec![
        (
            "/api/v4/application/settings".to_string(),
            fixture("gitlab", "application-settings.json"),
        ),
        gl_users_page(1, "users-1.json"),
        gl_users_page(2, "users-2.json"),
    ]
}

const GL_TOKEN: &str = "glpat-TESTtoken0123456789ab";

fn collect_gitlab(server: &Replay, dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "collect",
        "identity",
        "gitlab",
        "--base-url",
        server.url(),
        "--into",
        path_str(dir),
    ];
    args.extend_from_slice(extra);
    run_env(&args, &[("GITLAB_TOKEN", GL_TOKEN)])
}

#[test]
fn gitlab_instance_users_end_to_end() {
    let mut routes = gitlab_instance_routes();
    // Page 2 first answers 429 with Retry-After, as GitLab's rate limiter does.
    let (k, p2) = gl_users_page(2, "users-2.json");
    set(
        &mut routes,
        &k,
        vec![
            Reply::status(429, r#"{"message":"Retry later"}"#)
                .header("retry-after", "1")
                .header("ratelimit-remaining", "0"),
            p2,
        ],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    let o = collect_gitlab(&server, dir.path(), &[]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_no_token(&o, dir.path(), GL_TOKEN);
    let reqs = server.requests();
    assert!(reqs
        .iter()
        .all(|r| r.header("private-token") == Some(GL_TOKEN)));
    let p2: Vec<_> = reqs.iter().filter(|r| r.target == k).collect();
    assert_eq!(p2.len(), 2);
    assert!(p2[1].at.duration_since(p2[0].at) >= Duration::from_millis(990));

    let d = docs(dir.path());
    assert_eq!(d[0]["subject"], "gitlab:127.0.0.1");
    let users = body_of(&d, "identity.users");
    assert_eq!(users["skipped_inactive"], 1, "mallory is blocked");
    let by = |login: &str| {
        users["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["login"] == login)
            .unwrap_or_else(|| panic!("{login}"))
            .clone()
    };
    assert_eq!(by("renovate-bot")["human"], false);
    assert_eq!(by("project_42_bot_4f1b2c")["human"], false);
    assert_eq!(by("alice")["admin"], true);
    assert_eq!(by("dave")["state"], "deactivated");
    assert_eq!(users["users"].as_array().unwrap().len(), 7);

    let r = check(dir.path());
    assert_eq!(
        failing_accounts(&r, "identity.mfa-all-users", "human user"),
        ["alice", "bob"]
    );
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["alice"]
    );
    assert_eq!(control(&r, "identity.mfa-org-enforced").0, "pass");
}

#[test]
fn gitlab_without_admin_rights_is_an_error() {
    let mut routes = gitlab_instance_routes();
    set(
        &mut routes,
        "/api/v4/application/settings",
        vec![fixture_status("gitlab", "forbidden.json", 403)],
    );
    let (k, _) = gl_users_page(1, "users-1.json");
    set(
        &mut routes,
        &k,
        vec![gl_users_page(1, "users-1-not-admin.json").1],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_gitlab(&server, dir.path(), &[]).code, 0);
    let d = docs(dir.path());
    let e = body_of(&d, "identity.users")["error"].as_str().unwrap();
    assert!(
        e.starts_with("GitLab GET /api/v4/users?exclude_internal=true&per_page=100&page=1: [0].two_factor_enabled: missing; GitLab shows it only to administrators"),
        "{e}"
    );
    let e = body_of(&d, "identity.org")["error"].as_str().unwrap();
    assert!(e.contains("HTTP 403 Forbidden"), "{e}");
    assert!(e.contains("administrator's token with read_api"), "{e}");
    let r = check(dir.path());
    assert_eq!(control(&r, "identity.mfa-all-users").0, "error");
    assert_eq!(control(&r, "identity.mfa-org-enforced").0, "error");
}

#[test]
fn gitlab_group_members() {
    let members = "/api/v4/groups/coloom%2Fplatform/members/all?per_page=100&page=1";
    let server = Replay::routes(vec![
        (
            "/api/v4/groups/coloom%2Fplatform".to_string(),
            fixture("gitlab", "group.json"),
        ),
        (
            members.to_string(),
            fixture("gitlab", "group-members.json").header("x-total-pages", "1"),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let o = collect_gitlab(&server, dir.path(), &["--org", "coloom/platform"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let d = docs(dir.path());
    assert_eq!(d[0]["subject"], "gitlab:coloom/platform");
    let r = check(dir.path());
    assert_eq!(
        failing_accounts(&r, "identity.mfa-all-users", "human user"),
        ["ben-owner", "clara-dev"]
    );
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["ben-owner"]
    );
    assert_eq!(control(&r, "identity.mfa-org-enforced").0, "fail");

    // A GitLab that does not show members' 2FA to owners.
    let server = Replay::routes(vec![
        (
            "/api/v4/groups/coloom%2Fplatform".to_string(),
            fixture("gitlab", "group.json"),
        ),
        (
            members.to_string(),
            fixture("gitlab", "group-members-no-2fa-field.json"),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        collect_gitlab(&server, dir.path(), &["--org", "coloom/platform"]).code,
        0
    );
    let e = body_of(&docs(dir.path()), "identity.users")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        e.contains("[0].two_factor_enabled: missing; GitLab shows it only to the group's owners"),
        "{e}"
    );
}

// --- Microsoft Entra ID (Graph) -----------------------------------------------------

const ENTRA_USERS: &str = "/v1.0/reports/authenticationMethods/userRegistrationDetails";
const ENTRA_PAGE2: &str =
    "/v1.0/reports/authenticationMethods/userRegistrationDetails?$skiptoken=RFNwdAIAAQAAACpVc2VyXzZlNzZiZjY0";
const GRAPH_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.TESTgraphtoken";

fn entra_routes() -> Vec<(String, Reply)> {
    vec![
        (
            ENTRA_USERS.to_string(),
            fixture("entra", "registration-details-1.json"),
        ),
        (
            ENTRA_PAGE2.to_string(),
            fixture("entra", "registration-details-2.json"),
        ),
        (
            "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy".to_string(),
            fixture("entra", "security-defaults-off.json"),
        ),
        (
            "/v1.0/identity/conditionalAccess/policies".to_string(),
            fixture("entra", "conditional-access-policies.json"),
        ),
    ]
}

fn collect_entra(server: &Replay, dir: &Path, env: &[(&str, &str)]) -> Run {
    let base = format!("{}/v1.0", server.url());
    run_env(
        &[
            "collect",
            "identity",
            "entra",
            "--org",
            "coloom.onmicrosoft.com",
            "--base-url",
            &base,
            "--into",
            path_str(dir),
        ],
        env,
    )
}

#[test]
fn entra_registration_details_end_to_end() {
    let mut routes = entra_routes();
    set(
        &mut routes,
        ENTRA_PAGE2,
        vec![
            fixture_status("entra", "throttled.json", 429).header("retry-after", "1"),
            fixture("entra", "registration-details-2.json"),
        ],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    let o = collect_entra(&server, dir.path(), &[("GRAPH_ACCESS_TOKEN", GRAPH_TOKEN)]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_no_token(&o, dir.path(), GRAPH_TOKEN);
    let reqs = server.requests();
    let p2: Vec<_> = reqs.iter().filter(|r| r.target == ENTRA_PAGE2).collect();
    assert_eq!(p2.len(), 2);
    assert!(p2[1].at.duration_since(p2[0].at) >= Duration::from_millis(990));
    let d = docs(dir.path());
    let users = body_of(&d, "identity.users");
    assert_eq!(users["users"].as_array().unwrap().len(), 6);
    let org = body_of(&d, "identity.org");
    assert_eq!(org["mfa_required"], false);
    assert_eq!(
        org["mfa_policy"],
        "Conditional Access policy 'Require MFA for all users' requires MFA for all users except 1 user(s)"
    );
    let r = check(dir.path());
    assert_eq!(
        failing_accounts(&r, "identity.mfa-all-users", "human user"),
        [
            "breakglass@coloom.onmicrosoft.com",
            "ci-sync@coloom.example",
            "partner_extern.example#EXT#@coloom.onmicrosoft.com"
        ]
    );
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["breakglass@coloom.onmicrosoft.com"]
    );
    assert_eq!(control(&r, "identity.mfa-org-enforced").0, "fail");
}

#[test]
fn entra_client_credentials_and_an_all_users_policy() {
    let mut routes = entra_routes();
    set(
        &mut routes,
        "/v1.0/identity/conditionalAccess/policies",
        vec![fixture("entra", "conditional-access-policies-all.json")],
    );
    routes.push((
        "/2f1e0d9c-8b7a-4654-9321-0fedcba98765/oauth2/v2.0/token".to_string(),
        fixture("entra", "token.json"),
    ));
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    let secret = "TESTclientsecret~0123456789abcdef";
    let o = collect_entra(
        &server,
        dir.path(),
        &[
            ("AZURE_TENANT_ID", "2f1e0d9c-8b7a-4654-9321-0fedcba98765"),
            ("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555"),
            ("AZURE_CLIENT_SECRET", secret),
            ("AZURE_AUTHORITY_HOST", server.url()),
        ],
    );
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_no_token(&o, dir.path(), secret);
    let reqs = server.requests();
    let token_req = &reqs
        .iter()
        .find(|r| r.method == "POST")
        .expect("token request");
    assert!(
        token_req.body.contains("grant_type=client_credentials"),
        "{}",
        token_req.body
    );
    assert!(
        token_req.body.contains("scope=http%3A%2F%2F127.0.0.1"),
        "{}",
        token_req.body
    );
    let access = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJyb2xlcyI6WyJBdWRpdExvZy5SZWFkLkFsbCIsIlBvbGljeS5SZWFkLkFsbCJdfQ.c2lnbmF0dXJlLW5vdC1jaGVja2Vk";
    assert!(reqs
        .iter()
        .filter(|r| r.method == "GET")
        .all(|r| r.header("authorization") == Some(&format!("Bearer {access}"))));
    assert_no_token(&o, dir.path(), access);
    let r = check(dir.path());
    let (status, f) = control(&r, "identity.mfa-org-enforced");
    assert_eq!(status, "pass", "{f:?}");
}

#[test]
fn entra_403_and_wrong_types() {
    let mut routes = entra_routes();
    set(
        &mut routes,
        ENTRA_USERS,
        vec![fixture_status("entra", "forbidden.json", 403)],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        collect_entra(&server, dir.path(), &[("GRAPH_ACCESS_TOKEN", GRAPH_TOKEN)]).code,
        0
    );
    let e = body_of(&docs(dir.path()), "identity.users")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        e.contains("HTTP 403 Forbidden (the provider said: User is not in the allowed roles)"),
        "{e}"
    );
    assert!(e.contains("AuditLog.Read.All"), "{e}");

    let mut routes = entra_routes();
    set(
        &mut routes,
        ENTRA_PAGE2,
        vec![fixture("entra", "registration-details-2-wrong-type.json")],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        collect_entra(&server, dir.path(), &[("GRAPH_ACCESS_TOKEN", GRAPH_TOKEN)]).code,
        0
    );
    let users = body_of(&docs(dir.path()), "identity.users").clone();
    assert_eq!(
        users["error"],
        format!("Microsoft Graph GET {ENTRA_PAGE2}: [1].isMfaRegistered: expected a boolean, got the string \"yes\"")
    );
    assert!(users.get("users").is_none(), "nothing half-written");
}

// --- Okta ---------------------------------------------------------------------------

const OKTA_TOKEN: &str = "00TESTokta-token_0123456789abcdefABCDEF";

fn okta_routes() -> Vec<(String, Reply)> {
    let users_next = "{base}/api/v1/users?after=00u1carol0000000003&limit=200";
    let rate = |r: Reply| {
        r.header("x-rate-limit-limit", "600")
            .header("x-rate-limit-remaining", "590")
            .header("x-rate-limit-reset", "1764054000")
    };
    let mut routes = vec![
        (
            "/api/v1/users?limit=200".to_string(),
            rate(fixture("okta", "users-1.json"))
                .header("link", "<{base}/api/v1/users?limit=200>; rel=\"self\"")
                .header("link", &format!("<{users_next}>; rel=\"next\"")),
        ),
        (
            "/api/v1/users?after=00u1carol0000000003&limit=200".to_string(),
            rate(fixture("okta", "users-2.json")).header(
                "link",
                "<{base}/api/v1/users?after=00u1carol0000000003&limit=200>; rel=\"self\"",
            ),
        ),
        (
            "/api/v1/iam/assignees/users?limit=100".to_string(),
            fixture("okta", "admins-1.json"),
        ),
        (
            "/api/v1/iam/assignees/users?after=00u1bob000000000002&limit=100".to_string(),
            fixture("okta", "admins-2.json"),
        ),
    ];
    for (id, file) in [
        ("00u1alice0000000001", "factors-alice.json"),
        ("00u1bob000000000002", "factors-bob.json"),
        ("00u1carol0000000003", "factors-carol.json"),
        ("00u1dave00000000004", "factors-dave.json"),
        ("00u1svc000000000006", "factors-none.json"),
    ] {
        routes.push((
            format!("/api/v1/users/{id}/factors"),
            rate(fixture("okta", file)),
        ));
        let groups = match id {
            "00u1alice0000000001" | "00u1dave00000000004" => "groups-admins.json",
            "00u1svc000000000006" => "groups-everyone.json",
            _ => "groups-engineering.json",
        };
        routes.push((
            format!("/api/v1/users/{id}/groups?limit=200"),
            rate(fixture("okta", groups)),
        ));
    }
    routes
}

fn collect_okta(server: &Replay, dir: &Path) -> Run {
    run_env(
        &[
            "collect",
            "identity",
            "okta",
            "--org",
            "coloom",
            "--base-url",
            server.url(),
            "--into",
            path_str(dir),
        ],
        &[("OKTA_API_TOKEN", OKTA_TOKEN)],
    )
}

#[test]
fn okta_users_factors_and_admins_end_to_end() {
    let mut routes = okta_routes();
    let reset = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1)
    .to_string();
    let carol = "/api/v1/users/00u1carol0000000003/factors";
    set(
        &mut routes,
        carol,
        vec![
            fixture_status("okta", "rate-limited.json", 429)
                .header("x-rate-limit-limit", "600")
                .header("x-rate-limit-remaining", "0")
                .header("x-rate-limit-reset", &reset),
            fixture("okta", "factors-carol.json"),
        ],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    let o = collect_okta(&server, dir.path());
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_no_token(&o, dir.path(), OKTA_TOKEN);
    let reqs = server.requests();
    assert!(reqs
        .iter()
        .all(|r| r.header("authorization") == Some(&format!("SSWS {OKTA_TOKEN}"))));
    let c: Vec<_> = reqs.iter().filter(|r| r.target == carol).collect();
    assert_eq!(c.len(), 2);
    assert!(c[1].at.duration_since(c[0].at) >= Duration::from_millis(990));
    let d = docs(dir.path());
    assert_eq!(d.len(), 1, "Okta writes identity.users only");
    let users = body_of(&d, "identity.users");
    assert_eq!(users["skipped_inactive"], 1);
    assert_eq!(
        users["users"][0]["mfa_methods"],
        serde_json::json!(["push", "webauthn"])
    );
    assert_eq!(
        users["users"][1]["mfa_methods"],
        serde_json::json!(["question"])
    );
    let r = check(dir.path());
    assert_eq!(
        failing_accounts(&r, "identity.mfa-all-users", "human user"),
        ["bob@coloom.example", "svc-scim@coloom.example"]
    );
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["bob@coloom.example"]
    );
    assert_eq!(
        users["users"][3]["groups"],
        serde_json::json!(["Engineering", "Everyone", "Okta-Admins"])
    );

    // A profile that counts the members of Okta-Admins and Everyone as admins, and
    // excludes the SCIM service account with its reason.
    let profile = common::write_file(
        dir.path(),
        "profile.yaml",
        "name: okta-admins\nselect:\n  frameworks: [soc2]\nparams:\n  identity.mfa-admins:\n    admin_groups: [okta-admins, Everyone]\n    excluded_accounts: [{login: svc-scim@coloom.example, reason: \"SCIM bot, API token only\"}]\n",
    );
    let o = run(&[
        "check",
        "--evidence",
        path_str(dir.path()),
        "--profile",
        path_str(&profile),
        "--format",
        "json",
    ]);
    let r: Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stderr));
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["bob@coloom.example"]
    );
    let (_, f) = control(&r, "identity.mfa-admins");
    assert!(
        f.iter().all(|(_, m)| !m.contains("svc-scim")),
        "excluded with a reason: {f:?}"
    );
}

#[test]
fn okta_failed_factor_page_is_incomplete_and_403_is_explained() {
    let mut routes = okta_routes();
    set(
        &mut routes,
        "/api/v1/users/00u1dave00000000004/factors",
        vec![Reply::status(503, "upstream unavailable")],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_okta(&server, dir.path()).code, 0);
    let users = body_of(&docs(dir.path()), "identity.users").clone();
    let why = users["incomplete"].as_str().unwrap();
    assert!(
        why.contains("the factors or groups of 1 user(s) could not be read"),
        "{why}"
    );
    assert!(
        why.contains("GET /api/v1/users/00u1dave00000000004/factors: HTTP 503"),
        "{why}"
    );
    let (status, f) = control(&check(dir.path()), "identity.mfa-all-users");
    assert_eq!(status, "fail", "the violations found still count: {f:?}");

    let mut routes = okta_routes();
    set(
        &mut routes,
        "/api/v1/iam/assignees/users?limit=100",
        vec![fixture_status("okta", "forbidden.json", 403)],
    );
    let server = Replay::routes(routes);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_okta(&server, dir.path()).code, 0);
    let e = body_of(&docs(dir.path()), "identity.users")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        e.contains("You do not have permission to perform the requested action"),
        "{e}"
    );
    assert!(e.contains("okta.roles.read"), "{e}");
}

// --- Google Workspace ---------------------------------------------------------------

const GOOGLE_TOKEN: &str = "ya29.TESTgoogle-token_0123456789abcdef";
const GOOGLE_USERS: &str =
    "/admin/directory/v1/users?customer=my_customer&maxResults=500&orderBy=email";

fn google_page2() -> String {
    format!(
        "{GOOGLE_USERS}&pageToken={}",
        "Q0FFU0FDSUFLQUVxYWdvVE1ERXlNelExTmpjNE9UQXhNak0wTlRZM09ESXpFZ1kKbXpVd01qSXdNVEl6TkRVMk56ZzVNREV5TXpRMU5qYzRNak09"
            .replace('=', "%3D")
    )
}

fn collect_google(server: &Replay, dir: &Path) -> Run {
    run_env(
        &[
            "collect",
            "identity",
            "google",
            "--base-url",
            server.url(),
            "--into",
            path_str(dir),
        ],
        &[("GOOGLE_OAUTH_ACCESS_TOKEN", GOOGLE_TOKEN)],
    )
}

#[test]
fn google_workspace_users_end_to_end() {
    let server = Replay::routes(vec![
        (GOOGLE_USERS.to_string(), fixture("google", "users-1.json")),
        (
            google_page2(),
            fixture_status("google", "rate-limited.json", 429).header("retry-after", "1"),
        ),
        (google_page2(), fixture("google", "users-2.json")),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let o = collect_google(&server, dir.path());
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_no_token(&o, dir.path(), GOOGLE_TOKEN);
    let p2: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.target == google_page2())
        .collect();
    assert_eq!(p2.len(), 2);
    assert!(p2[1].at.duration_since(p2[0].at) >= Duration::from_millis(990));
    let d = docs(dir.path());
    assert_eq!(d[0]["subject"], "google:my_customer");
    let org = body_of(&d, "identity.org");
    assert_eq!(org["mfa_required"], false);
    assert_eq!(
        org["mfa_policy"],
        "2-Step Verification is enforced for 2 of 4 active user(s)"
    );
    assert_eq!(body_of(&d, "identity.users")["skipped_inactive"], 1);
    let r = check(dir.path());
    assert_eq!(
        failing_accounts(&r, "identity.mfa-all-users", "human user"),
        ["ben@coloom.example", "dora@coloom.example"]
    );
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["ben@coloom.example"]
    );
    assert_eq!(control(&r, "identity.mfa-org-enforced").0, "fail");
}

#[test]
fn google_missing_field_and_403() {
    let server = Replay::routes(vec![
        (GOOGLE_USERS.to_string(), fixture("google", "users-1.json")),
        (
            google_page2(),
            fixture("google", "users-2-missing-field.json"),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_google(&server, dir.path()).code, 0);
    let d = docs(dir.path());
    let e = body_of(&d, "identity.users")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        e.starts_with("Google GET /admin/directory/v1/users?"),
        "{e}"
    );
    assert!(e.ends_with(": [0].isEnrolledIn2Sv: missing"), "{e}");
    assert!(body_of(&d, "identity.org").get("error").is_some());

    let server = Replay::routes(vec![(
        GOOGLE_USERS.to_string(),
        fixture_status("google", "forbidden.json", 403),
    )]);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(collect_google(&server, dir.path()).code, 0);
    let e = body_of(&docs(dir.path()), "identity.users")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        e.contains("Not Authorized to access this resource/api"),
        "{e}"
    );
    assert!(e.contains("admin.directory.user.readonly"), "{e}");
}

fn base64url_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => panic!("not base64url: {c}"),
    };
    let mut out = Vec::new();
    for chunk in s.as_bytes().chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, c)| n | (u32::from(val(*c)) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn google_service_account_with_domain_wide_delegation() {
    let dir = tempfile::tempdir().unwrap();
    let key_pem = dir.path().join("key.pem");
    let ok = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&key_pem)
        .status()
        .expect("openssl runs");
    assert!(ok.success());
    let server = Replay::routes(vec![
        (
            "/token".to_string(),
            Reply::json(
                r#"{"access_token":"ya29.c.TESTserviceaccount0123","expires_in":3599,"token_type":"Bearer"}"#,
            ),
        ),
        (GOOGLE_USERS.to_string(), fixture("google", "users-1.json")),
        (google_page2(), fixture("google", "users-2.json")),
    ]);
    let pem = std::fs::read_to_string(&key_pem).unwrap();
    let key = serde_json::json!({
        "type": "service_account", "project_id": "coloom-assay",
        "private_key_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f001234567",
        "private_key": pem, "client_email": "assay-reader@coloom-assay.iam.gserviceaccount.com",
        "client_id": "104857600000000000001", "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": format!("{}/token", server.url()),
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/assay-reader%40coloom-assay.iam.gserviceaccount.com",
        "universe_domain": "googleapis.com"
    });
    let key_file = common::write_file(dir.path(), "sa.json", &key.to_string());
    let ev = dir.path().join("ev");
    let o = run_env(
        &[
            "collect",
            "identity",
            "google",
            "--base-url",
            server.url(),
            "--into",
            path_str(&ev),
        ],
        &[
            ("GOOGLE_APPLICATION_CREDENTIALS", path_str(&key_file)),
            ("GOOGLE_ADMIN_SUBJECT", "anna@coloom.example"),
        ],
    );
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let reqs = server.requests();
    let post = reqs
        .iter()
        .find(|r| r.method == "POST")
        .expect("token request");
    assert!(post.body.starts_with(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="
    ));
    let jwt = post.body.split_once("&assertion=").unwrap().1;
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let claims: Value = serde_json::from_slice(&base64url_decode(parts[1])).unwrap();
    assert_eq!(
        claims["iss"],
        "assay-reader@coloom-assay.iam.gserviceaccount.com"
    );
    assert_eq!(claims["sub"], "anna@coloom.example");
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/admin.directory.user.readonly"
    );
    assert_eq!(claims["aud"], format!("{}/token", server.url()));
    // The signature verifies with the key's public half (RS256).
    let public = dir.path().join("pub.pem");
    assert!(std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key_pem)
        .arg("-out")
        .arg(&public)
        .status()
        .unwrap()
        .success());
    let data = common::write_file(
        dir.path(),
        "signed.txt",
        &format!("{}.{}", parts[0], parts[1]),
    );
    let sig = dir.path().join("sig.bin");
    std::fs::write(&sig, base64url_decode(parts[2])).unwrap();
    let verify = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(&public)
        .arg("-signature")
        .arg(&sig)
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    // The directory was read with the access token from the exchange.
    assert!(reqs
        .iter()
        .filter(|r| r.method == "GET")
        .all(|r| r.header("authorization") == Some("Bearer ya29.c.TESTserviceaccount0123")));
    assert_no_token(&o, &ev, "ya29.c.TESTserviceaccount0123");
    assert_no_token(&o, &ev, "PRIVATE KEY");
    let r = check(&ev);
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["ben@coloom.example"]
    );
}
