//! `assay collect identity github|gitlab|entra` end to end: the real binary against a
//! local server replaying each provider's documented responses (tests/fixtures/identity/),
//! then `assay check` on the evidence it wrote, asserting the identity controls' verdicts
//! and the accounts they name.

mod common;

use std::path::Path;
use std::time::Duration;

use common::check::{control, failing_accounts, results};
use common::replay::{Replay, Reply, Request};
use common::{path_str, run_env, Run};
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
    results(dir, None, None)
}

/// [`check`] with a profile (its YAML written into `dir`).
fn check_with_profile(dir: &Path, yaml: &str) -> Value {
    let profile = common::write_file(dir, "profile.yaml", yaml);
    results(dir, Some(&profile), None)
}

/// One `assay collect identity` that succeeded: the replay server it asked (with its
/// request log), the evidence folder and what assay printed.
struct Collected {
    server: Replay,
    dir: tempfile::TempDir,
    out: Run,
}

impl Collected {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn requests(&self) -> Vec<Request> {
        self.server.requests()
    }

    /// The documents of the evidence folder.
    fn docs(&self) -> Vec<Value> {
        docs(self.path())
    }

    /// The body of the document of `kind`.
    fn body(&self, kind: &str) -> Value {
        body_of(&self.docs(), kind).clone()
    }

    /// The `error` of the document of `kind`.
    #[track_caller]
    fn error(&self, kind: &str) -> String {
        let body = self.body(kind);
        body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{kind} is no error: {body}"))
            .to_string()
    }

    fn check(&self) -> Value {
        check(self.path())
    }
}

/// `assay collect identity ARGS… --into DIR` (DIR a new temp dir) against `server`, with
/// `env`; the run must succeed.
#[track_caller]
fn collect(server: Replay, args: &[&str], env: &[(&str, &str)]) -> Collected {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["collect", "identity"];
    all.extend_from_slice(args);
    all.extend(["--into", path_str(dir.path())]);
    let out = run_env(&all, env);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    Collected { server, dir, out }
}

/// The accounts without 2FA that fail identity.mfa-all-users (`humans`) and
/// identity.mfa-admins (`admins`), and, where the provider has an org setting, the status
/// of identity.mfa-org-enforced.
#[track_caller]
fn assert_accounts(r: &Value, humans: &[&str], admins: &[&str], org: Option<&str>) {
    assert_eq!(
        failing_accounts(r, "identity.mfa-all-users", "human user"),
        humans
    );
    assert_eq!(failing_accounts(r, "identity.mfa-admins", "admin"), admins);
    if let Some(status) = org {
        assert_eq!(control(r, "identity.mfa-org-enforced").0, status);
    }
}

/// The Unix time `secs` seconds from now, as rate-limit reset headers write it.
fn epoch_in(secs: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    (now.as_secs() + secs).to_string()
}

/// `target` was asked twice (a rate limit, then the page), the second time after the
/// one-second wait the provider asked for.
#[track_caller]
fn assert_waited_out(reqs: &[Request], target: &str) {
    let asked: Vec<_> = reqs.iter().filter(|r| r.target == target).collect();
    assert_eq!(asked.len(), 2, "{target} asked twice");
    let waited = asked[1].at.duration_since(asked[0].at);
    assert!(
        waited >= Duration::from_millis(990),
        "waited only {waited:?}"
    );
}

/// Every request of `reqs` carried the header `name: value`.
#[track_caller]
fn assert_every<'a>(reqs: impl IntoIterator<Item = &'a Request>, name: &str, value: &str) {
    for r in reqs {
        assert_eq!(r.header(name), Some(value), "{} {}", r.method, r.target);
    }
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

/// The `2fa_disabled` lists, of members and of outside collaborators.
const NO_2FA: [&str; 2] = [
    "members?filter=2fa_disabled&",
    "outside_collaborators?filter=2fa_disabled&",
];

/// The route of page `page` of GitHub list `q`.
fn gh_key(q: &str, page: u32) -> String {
    format!("{GH}/{q}per_page=100&page={page}")
}

/// The fixtures' org answered by `org_file`, with nobody in either `2fa_disabled` list.
fn github_all_with_2fa(org_file: &str) -> Vec<(String, Reply)> {
    let mut routes = github_routes();
    set(&mut routes, GH, vec![fixture("github", org_file)]);
    for q in NO_2FA {
        let (k, r) = gh_paged(q, 1, 1, "empty.json");
        set(&mut routes, &k, vec![r]);
    }
    routes
}

/// `assay collect identity github --org coloom` against `server` (at `/api/v3`).
#[track_caller]
fn github(server: Replay, extra: &[&str]) -> Collected {
    let base = format!("{}/api/v3", server.url());
    let mut args = vec!["github", "--org", "coloom", "--base-url", &base];
    args.extend_from_slice(extra);
    collect(server, &args, &[("GITHUB_TOKEN", TOKEN)])
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
    let c = github(Replay::routes(routes), &[]);
    let o = &c.out;
    assert!(o.stdout.contains("github:coloom"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("9 account(s), 8 human, 2 admin, 5 without 2FA"),
        "{}",
        o.stdout
    );
    assert_no_token(o, c.path(), TOKEN);

    // The token went to the server, in the header only.
    let reqs = c.requests();
    assert_every(&reqs, "authorization", &format!("Bearer {TOKEN}"));
    assert!(reqs.iter().all(|r| !r.target.contains(TOKEN)));
    assert_every(&reqs, "accept", "application/vnd.github+json");
    // The rate limit was waited out: the retry came at least a second after the 403.
    assert_waited_out(&reqs, &k);

    let users = c.body("identity.users");
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
    assert_eq!(c.body("identity.org")["mfa_required"], false);

    let v = common::run(&["evidence", "verify", path_str(c.path())]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);

    let r = c.check();
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
    let r = check_with_profile(
        c.path(),
        "name: gh\nselect:\n  frameworks: [soc2]\nparams:\n  identity.mfa-admins: { admin_groups: [Platform-Admins] }\n",
    );
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["bob", "carol"]
    );
}

#[test]
fn github_all_good_passes_and_pages_come_concurrently() {
    // Each answer takes 300 ms, so pages fetched one after the other would arrive
    // 300 ms apart.
    let serve = common::replay::router(github_all_with_2fa("org-2fa-required.json"));
    let server = Replay::start(move |req, base| {
        std::thread::sleep(Duration::from_millis(300));
        serve(req, base)
    });
    let c = github(server, &["--concurrency", "16"]);
    let r = c.check();
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
    let reqs = c.requests();
    let at = |page: u32| {
        reqs.iter()
            .find(|r| r.target == gh_key("members?", page))
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
    for q in NO_2FA {
        set(
            &mut routes,
            &gh_key(q, 1),
            vec![fixture_status("github", "only-owners.json", 422)],
        );
    }
    let c = github(Replay::routes(routes), &[]);
    let e = c.error("identity.users");
    assert!(e.contains("Only owners can use this filter."), "{e}");
    assert!(e.contains("only for organisation owners"), "{e}");
    assert!(c.body("identity.users").get("users").is_none());
    let e = c.error("identity.org");
    assert!(e.contains("two_factor_requirement_enabled"), "{e}");
    let r = c.check();
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
    let c = github(
        Replay::routes(github_all_with_2fa("org-not-owner.json")),
        &[],
    );
    let e = c.error("identity.users");
    assert!(e.contains("owner"), "{e}");
    assert_eq!(control(&c.check(), "identity.mfa-all-users").0, "error");
}

#[test]
fn github_403_names_the_missing_permission() {
    let mut routes = github_routes();
    for q in ["members?", "members?role=admin&"] {
        set(
            &mut routes,
            &gh_key(q, 1),
            vec![fixture_status("github", "forbidden.json", 403)],
        );
    }
    let c = github(Replay::routes(routes), &[]);
    let e = c.error("identity.users");
    assert!(
        e.starts_with("GitHub GET /api/v3/orgs/coloom/members?"),
        "{e}"
    );
    common::assert_contains_all(
        "GitHub 403",
        "the error",
        &e,
        &[
            "HTTP 403 Forbidden",
            "Resource not accessible by personal access token",
            "read:org",
        ],
    );
    assert!(
        c.out.stdout.contains("error: GitHub GET"),
        "{}",
        c.out.stdout
    );
    let (status, f) = control(&c.check(), "identity.mfa-admins");
    assert_eq!(status, "error");
    assert!(f[0].1.contains("read:org"), "{f:?}");
}

#[test]
fn github_malformed_or_incomplete_pages_never_shorten_the_list() {
    // Page 2 of the members answered by `file`.
    let members_page2 = |file: &str| {
        let mut routes = github_routes();
        let (k, r) = gh_paged("members?", 2, 3, file);
        set(&mut routes, &k, vec![r]);
        github(Replay::routes(routes), &[]).body("identity.users")
    };
    // A body that is not JSON: an error naming the endpoint, no users written.
    let users = members_page2("members-2-malformed.json");
    let e = users["error"].as_str().unwrap();
    assert!(
        e.starts_with("GitHub GET /api/v3/orgs/coloom/members?per_page=100&page=2: body: not JSON"),
        "{e}"
    );
    assert!(users.get("users").is_none());

    // A member without a login: the field is named.
    let users = members_page2("members-2-missing-login.json");
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
    let k = gh_key("outside_collaborators?", 2);
    set(
        &mut routes,
        &k,
        vec![Reply::status(502, r#"{"message":"Server Error"}"#)],
    );
    let c = github(Replay::routes(routes), &[]);
    let users = c.body("identity.users");
    let why = users["incomplete"].as_str().unwrap();
    assert!(why.contains("outside collaborators"), "{why}");
    assert!(why.contains("HTTP 502"), "{why}");
    assert_eq!(
        c.requests().iter().filter(|r| r.target == k).count(),
        3,
        "one try and two retries"
    );
    let r = c.check();
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
    let mut routes = github_all_with_2fa("org-2fa-required.json");
    set(
        &mut routes,
        &gh_key("members?", 3),
        vec![Reply::status(500, r#"{"message":"Server Error"}"#)],
    );
    let c = github(Replay::routes(routes), &["--concurrency", "2"]);
    let (status, f) = control(&c.check(), "identity.mfa-all-users");
    assert_eq!(status, "error", "{f:?}");
    assert!(f[0].1.contains("evidence incomplete: members: GitHub GET /api/v3/orgs/coloom/members?per_page=100&page=3: HTTP 500"), "{f:?}");
}

#[test]
fn github_rate_limit_longer_than_max_wait_is_an_error() {
    let mut routes = github_routes();
    let reset = epoch_in(3600);
    set(
        &mut routes,
        &gh_key("members?role=admin&", 1),
        vec![Reply::status(403, r#"{"message":"API rate limit exceeded for user ID 1021001.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}"#)
            .header("x-ratelimit-limit", "5000")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset)],
    );
    let started = std::time::Instant::now();
    let c = github(Replay::routes(routes), &["--max-wait", "5"]);
    assert!(started.elapsed() < Duration::from_secs(20));
    let e = c.error("identity.users");
    assert!(e.contains("rate limited (HTTP 403)"), "{e}");
    assert!(e.contains("longer than --max-wait 5 s"), "{e}");
}

#[test]
fn github_refusals_before_asking() {
    let dir = tempfile::tempdir().unwrap();
    let into = path_str(dir.path());
    let refused = |args: &[&str], env: &[(&str, &str)], want: &str| {
        let mut all = vec!["collect", "identity", "github", "--into", into];
        all.extend_from_slice(args);
        let o = run_env(&all, env);
        assert_eq!(o.code, 2);
        assert!(o.stderr.contains(want), "{}", o.stderr);
    };
    // Plain http to a non-loopback host.
    refused(
        &["--org", "coloom", "--base-url", "http://ghe.example/api/v3"],
        &[("GITHUB_TOKEN", TOKEN)],
        "plain http is allowed only to a loopback address",
    );
    // No token.
    refused(
        &["--org", "coloom", "--token-env", "ASSAY_TEST_NO_SUCH_VAR"],
        &[],
        "$ASSAY_TEST_NO_SUCH_VAR: the environment variable is not set",
    );
    // No org.
    refused(&[], &[("GITHUB_TOKEN", TOKEN)], "--org");
    assert!(
        !dir.path().join("manifest.json").exists(),
        "nothing written"
    );
}

#[test]
fn github_from_the_inventory() {
    let server = Replay::routes(github_routes());
    let scratch = tempfile::tempdir().unwrap();
    let inv = common::write_file(
        scratch.path(),
        "inventory.yaml",
        &format!(
            "identity:\n  - provider: github\n    org: coloom\n    token_env: ASSAY_TEST_GH\n    base_url: {}/api/v3\n",
            server.url()
        ),
    );
    let c = collect(
        server,
        &["--inventory", path_str(&inv)],
        &[("ASSAY_TEST_GH", TOKEN)],
    );
    assert_eq!(
        failing_accounts(&c.check(), "identity.mfa-admins", "admin"),
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

/// `assay collect identity gitlab` against `server`.
#[track_caller]
fn gitlab(server: Replay, extra: &[&str]) -> Collected {
    let base = server.url().to_string();
    let mut args = vec!["gitlab", "--base-url", &base];
    args.extend_from_slice(extra);
    collect(server, &args, &[("GITLAB_TOKEN", GL_TOKEN)])
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
    let c = gitlab(Replay::routes(routes), &[]);
    assert_no_token(&c.out, c.path(), GL_TOKEN);
    let reqs = c.requests();
    assert_every(&reqs, "private-token", GL_TOKEN);
    assert_waited_out(&reqs, &k);

    let d = c.docs();
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

    let r = c.check();
    assert_accounts(&r, &["alice", "bob"], &["alice"], Some("pass"));
}

#[test]
fn gitlab_without_admin_rights_is_an_error() {
    let mut routes = gitlab_instance_routes();
    set(
        &mut routes,
        "/api/v4/application/settings",
        vec![fixture_status("gitlab", "forbidden.json", 403)],
    );
    let (k, r) = gl_users_page(1, "users-1-not-admin.json");
    set(&mut routes, &k, vec![r]);
    let c = gitlab(Replay::routes(routes), &[]);
    let e = c.error("identity.users");
    assert!(
        e.starts_with("GitLab GET /api/v4/users?exclude_internal=true&per_page=100&page=1: [0].two_factor_enabled: missing; GitLab shows it only to administrators"),
        "{e}"
    );
    let e = c.error("identity.org");
    assert!(e.contains("HTTP 403 Forbidden"), "{e}");
    assert!(e.contains("administrator's token with read_api"), "{e}");
    let r = c.check();
    assert_eq!(control(&r, "identity.mfa-all-users").0, "error");
    assert_eq!(control(&r, "identity.mfa-org-enforced").0, "error");
}

#[test]
fn gitlab_group_members() {
    // The group coloom/platform, its members answered by `members`.
    let group = |members: Reply| {
        let server = Replay::routes(vec![
            (
                "/api/v4/groups/coloom%2Fplatform".to_string(),
                fixture("gitlab", "group.json"),
            ),
            (
                "/api/v4/groups/coloom%2Fplatform/members/all?per_page=100&page=1".to_string(),
                members,
            ),
        ]);
        gitlab(server, &["--org", "coloom/platform"])
    };
    let c = group(fixture("gitlab", "group-members.json").header("x-total-pages", "1"));
    assert_eq!(c.docs()[0]["subject"], "gitlab:coloom/platform");
    let r = c.check();
    assert_accounts(
        &r,
        &["ben-owner", "clara-dev"],
        &["ben-owner"],
        Some("fail"),
    );

    // A GitLab that does not show members' 2FA to owners.
    let e = group(fixture("gitlab", "group-members-no-2fa-field.json")).error("identity.users");
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

/// `assay collect identity entra --org coloom.onmicrosoft.com` against `server` (at
/// `/v1.0`), with `env`.
#[track_caller]
fn entra(server: Replay, env: &[(&str, &str)]) -> Collected {
    let base = format!("{}/v1.0", server.url());
    let args = [
        "entra",
        "--org",
        "coloom.onmicrosoft.com",
        "--base-url",
        &base,
    ];
    collect(server, &args, env)
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
    let c = entra(
        Replay::routes(routes),
        &[("GRAPH_ACCESS_TOKEN", GRAPH_TOKEN)],
    );
    assert_no_token(&c.out, c.path(), GRAPH_TOKEN);
    assert_waited_out(&c.requests(), ENTRA_PAGE2);
    let users = c.body("identity.users");
    assert_eq!(users["users"].as_array().unwrap().len(), 6);
    let org = c.body("identity.org");
    assert_eq!(org["mfa_required"], false);
    assert_eq!(
        org["mfa_policy"],
        "Conditional Access policy 'Require MFA for all users' requires MFA for all users except 1 user(s)"
    );
    let r = c.check();
    assert_accounts(
        &r,
        &[
            "breakglass@coloom.onmicrosoft.com",
            "ci-sync@coloom.example",
            "partner_extern.example#EXT#@coloom.onmicrosoft.com",
        ],
        &["breakglass@coloom.onmicrosoft.com"],
        Some("fail"),
    );
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
    let authority = server.url().to_string();
    let secret = "TESTclientsecret~0123456789abcdef";
    let c = entra(
        server,
        &[
            ("AZURE_TENANT_ID", "2f1e0d9c-8b7a-4654-9321-0fedcba98765"),
            ("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555"),
            ("AZURE_CLIENT_SECRET", secret),
            ("AZURE_AUTHORITY_HOST", &authority),
        ],
    );
    assert_no_token(&c.out, c.path(), secret);
    let reqs = c.requests();
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
    assert_every(
        reqs.iter().filter(|r| r.method == "GET"),
        "authorization",
        &format!("Bearer {access}"),
    );
    assert_no_token(&c.out, c.path(), access);
    let (status, f) = control(&c.check(), "identity.mfa-org-enforced");
    assert_eq!(status, "pass", "{f:?}");
}

#[test]
fn entra_403_and_wrong_types() {
    // The users of the fixtures' tenant, the list at `key` answered by `reply`.
    let users_with = |key: &str, reply: Reply| {
        let mut routes = entra_routes();
        set(&mut routes, key, vec![reply]);
        entra(
            Replay::routes(routes),
            &[("GRAPH_ACCESS_TOKEN", GRAPH_TOKEN)],
        )
        .body("identity.users")
    };
    let users = users_with(ENTRA_USERS, fixture_status("entra", "forbidden.json", 403));
    let e = users["error"].as_str().unwrap();
    assert!(
        e.contains("HTTP 403 Forbidden (the provider said: User is not in the allowed roles)"),
        "{e}"
    );
    assert!(e.contains("AuditLog.Read.All"), "{e}");

    let users = users_with(
        ENTRA_PAGE2,
        fixture("entra", "registration-details-2-wrong-type.json"),
    );
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

/// `assay collect identity okta --org coloom` against `server`.
#[track_caller]
fn okta(server: Replay) -> Collected {
    let base = server.url().to_string();
    collect(
        server,
        &["okta", "--org", "coloom", "--base-url", &base],
        &[("OKTA_API_TOKEN", OKTA_TOKEN)],
    )
}

#[test]
fn okta_users_factors_and_admins_end_to_end() {
    let mut routes = okta_routes();
    let reset = epoch_in(1);
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
    let c = okta(Replay::routes(routes));
    assert_no_token(&c.out, c.path(), OKTA_TOKEN);
    let reqs = c.requests();
    assert_every(&reqs, "authorization", &format!("SSWS {OKTA_TOKEN}"));
    assert_waited_out(&reqs, carol);
    let d = c.docs();
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
    let r = c.check();
    assert_accounts(
        &r,
        &["bob@coloom.example", "svc-scim@coloom.example"],
        &["bob@coloom.example"],
        None,
    );
    assert_eq!(
        users["users"][3]["groups"],
        serde_json::json!(["Engineering", "Everyone", "Okta-Admins"])
    );

    // A profile that counts the members of Okta-Admins and Everyone as admins, and
    // excludes the SCIM service account with its reason.
    let r = check_with_profile(
        c.path(),
        "name: okta-admins\nselect:\n  frameworks: [soc2]\nparams:\n  identity.mfa-admins:\n    admin_groups: [okta-admins, Everyone]\n    excluded_accounts: [{login: svc-scim@coloom.example, reason: \"SCIM bot, API token only\"}]\n",
    );
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
    // The fixtures' org, `key` answered by `reply`.
    let okta_with = |key: &str, reply: Reply| {
        let mut routes = okta_routes();
        set(&mut routes, key, vec![reply]);
        okta(Replay::routes(routes))
    };
    let c = okta_with(
        "/api/v1/users/00u1dave00000000004/factors",
        Reply::status(503, "upstream unavailable"),
    );
    let users = c.body("identity.users");
    let why = users["incomplete"].as_str().unwrap();
    assert!(
        why.contains("the factors or groups of 1 user(s) could not be read"),
        "{why}"
    );
    assert!(
        why.contains("GET /api/v1/users/00u1dave00000000004/factors: HTTP 503"),
        "{why}"
    );
    let (status, f) = control(&c.check(), "identity.mfa-all-users");
    assert_eq!(status, "fail", "the violations found still count: {f:?}");

    let e = okta_with(
        "/api/v1/iam/assignees/users?limit=100",
        fixture_status("okta", "forbidden.json", 403),
    )
    .error("identity.users");
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

/// `assay collect identity google` against `server`, with `env`.
#[track_caller]
fn google(server: Replay, env: &[(&str, &str)]) -> Collected {
    let base = server.url().to_string();
    collect(server, &["google", "--base-url", &base], env)
}

/// [`google`] with an access token.
#[track_caller]
fn google_with_token(routes: Vec<(String, Reply)>) -> Collected {
    google(
        Replay::routes(routes),
        &[("GOOGLE_OAUTH_ACCESS_TOKEN", GOOGLE_TOKEN)],
    )
}

#[test]
fn google_workspace_users_end_to_end() {
    let c = google_with_token(vec![
        (GOOGLE_USERS.to_string(), fixture("google", "users-1.json")),
        (
            google_page2(),
            fixture_status("google", "rate-limited.json", 429).header("retry-after", "1"),
        ),
        (google_page2(), fixture("google", "users-2.json")),
    ]);
    assert_no_token(&c.out, c.path(), GOOGLE_TOKEN);
    assert_waited_out(&c.requests(), &google_page2());
    let d = c.docs();
    assert_eq!(d[0]["subject"], "google:my_customer");
    let org = body_of(&d, "identity.org");
    assert_eq!(org["mfa_required"], false);
    assert_eq!(
        org["mfa_policy"],
        "2-Step Verification is enforced for 2 of 4 active user(s)"
    );
    assert_eq!(body_of(&d, "identity.users")["skipped_inactive"], 1);
    let r = c.check();
    assert_accounts(
        &r,
        &["ben@coloom.example", "dora@coloom.example"],
        &["ben@coloom.example"],
        Some("fail"),
    );
}

#[test]
fn google_missing_field_and_403() {
    let c = google_with_token(vec![
        (GOOGLE_USERS.to_string(), fixture("google", "users-1.json")),
        (
            google_page2(),
            fixture("google", "users-2-missing-field.json"),
        ),
    ]);
    let e = c.error("identity.users");
    assert!(
        e.starts_with("Google GET /admin/directory/v1/users?"),
        "{e}"
    );
    assert!(e.ends_with(": [0].isEnrolledIn2Sv: missing"), "{e}");
    assert!(c.body("identity.org").get("error").is_some());

    let e = google_with_token(vec![(
        GOOGLE_USERS.to_string(),
        fixture_status("google", "forbidden.json", 403),
    )])
    .error("identity.users");
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
    let c = google(
        server,
        &[
            ("GOOGLE_APPLICATION_CREDENTIALS", path_str(&key_file)),
            ("GOOGLE_ADMIN_SUBJECT", "anna@coloom.example"),
        ],
    );
    let reqs = c.requests();
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
    assert_eq!(claims["aud"], format!("{}/token", c.server.url()));
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
    assert_every(
        reqs.iter().filter(|r| r.method == "GET"),
        "authorization",
        "Bearer ya29.c.TESTserviceaccount0123",
    );
    assert_no_token(&c.out, c.path(), "ya29.c.TESTserviceaccount0123");
    assert_no_token(&c.out, c.path(), "PRIVATE KEY");
    let r = c.check();
    assert_eq!(
        failing_accounts(&r, "identity.mfa-admins", "admin"),
        ["ben@coloom.example"]
    );
}
