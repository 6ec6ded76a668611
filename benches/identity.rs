//! Issue 7's benchmark: collecting a GitHub organisation of 10,000 members (100 per page,
//! replayed by a local server) must take under 10 s. Pages after the first are fetched
//! concurrently once the Link `rel="last"` is known.
//!
//! Every answer is delayed by 50 ms, as a real API's would be, so the run shows what
//! concurrency buys. `cargo bench --bench identity` prints the wall time and pages per
//! second at concurrency 1 and 8, and exits non-zero if the concurrent run takes 10 s or
//! more.

#[path = "../tests/common/replay.rs"]
mod replay;

use std::time::{Duration, Instant};

use assay::collect::identity::http::Options;
use assay::collect::identity::live::{self, Provider, Target};
use replay::{router, Replay, Reply};

/// What each answer takes, like a real API's latency (GitHub: ~100-300 ms a page).
const LATENCY: Duration = Duration::from_millis(50);

const MEMBERS: usize = 10_000;
const PER_PAGE: usize = 100;
const OWNERS: usize = 12;
const NO_2FA: usize = 250;

fn user(i: usize) -> String {
    let login = format!("member-{i:05}");
    format!(
        r#"{{"login":"{login}","id":{id},"node_id":"MDQ6VXNlcj{id}","avatar_url":"https://avatars.githubusercontent.com/u/{id}?v=4","gravatar_id":"","url":"https://api.github.com/users/{login}","html_url":"https://github.com/{login}","followers_url":"https://api.github.com/users/{login}/followers","following_url":"https://api.github.com/users/{login}/following{{/other_user}}","gists_url":"https://api.github.com/users/{login}/gists{{/gist_id}}","starred_url":"https://api.github.com/users/{login}/starred{{/owner}}{{/repo}}","subscriptions_url":"https://api.github.com/users/{login}/subscriptions","organizations_url":"https://api.github.com/users/{login}/orgs","repos_url":"https://api.github.com/users/{login}/repos","events_url":"https://api.github.com/users/{login}/events{{/privacy}}","received_events_url":"https://api.github.com/users/{login}/received_events","type":"User","user_view_type":"public","site_admin":false}}"#,
        id = 5_000_000 + i
    )
}

/// The pages of a list of `ids`, with GitHub's Link headers, keyed by path and query.
fn pages(q: &str, ids: &[usize]) -> Vec<(String, Reply)> {
    let last = ids.len().div_ceil(PER_PAGE).max(1);
    (1..=last)
        .map(|n| {
            let chunk = ids.iter().skip((n - 1) * PER_PAGE).take(PER_PAGE);
            let body = format!(
                "[{}]",
                chunk.map(|&i| user(i)).collect::<Vec<_>>().join(",")
            );
            let url = |p: usize| format!("{{base}}/orgs/bench/{q}per_page=100&page={p}");
            let mut r = Reply::json(body)
                .header("x-ratelimit-limit", "5000")
                .header("x-ratelimit-remaining", "4000");
            if n < last {
                r = r.header(
                    "link",
                    &format!(
                        "<{}>; rel=\"next\", <{}>; rel=\"last\"",
                        url(n + 1),
                        url(last)
                    ),
                );
            }
            (format!("/orgs/bench/{q}per_page=100&page={n}"), r)
        })
        .collect()
}

fn main() {
    let all: Vec<usize> = (0..MEMBERS).collect();
    let owners: Vec<usize> = (0..OWNERS).collect();
    let no2fa: Vec<usize> = (0..MEMBERS).step_by(MEMBERS / NO_2FA).collect();
    let mut routes = vec![(
        "/orgs/bench".to_string(),
        Reply::json(
            r#"{"login":"bench","id":1,"type":"Organization","two_factor_requirement_enabled":false}"#,
        ),
    )];
    routes.extend(pages("members?", &all));
    routes.extend(pages("members?role=admin&", &owners));
    routes.extend(pages("members?filter=2fa_disabled&", &no2fa));
    routes.extend(pages("outside_collaborators?", &[]));
    routes.extend(pages("outside_collaborators?filter=2fa_disabled&", &[]));
    routes.push((
        "/orgs/bench/teams?per_page=100&page=1".to_string(),
        Reply::json(r#"[{"id":1,"name":"Admins","slug":"admins","privacy":"closed","permission":"pull","parent":null}]"#),
    ));
    routes.extend(pages("teams/admins/members?", &owners));
    let serve = router(routes);
    let server = Replay::start(move |req, base| {
        std::thread::sleep(LATENCY);
        serve(req, base)
    });
    std::env::set_var(
        "ASSAY_BENCH_GITHUB_TOKEN",
        "ghp_benchtoken000000000000000000000000",
    );
    let target = Target {
        org: Some("bench".into()),
        base_url: Some(server.url().to_string()),
        token_env: Some("ASSAY_BENCH_GITHUB_TOKEN".into()),
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let mut concurrent = Duration::ZERO;
    for concurrency in [1, 8] {
        let opts = Options {
            concurrency,
            ..Options::default()
        };
        let before = server.requests().len();
        let started = Instant::now();
        let docs = runtime
            .block_on(live::collect(Provider::Github, &target, &opts))
            .expect("collects");
        let took = started.elapsed();
        let requests = server.requests().len() - before;
        let users = docs
            .iter()
            .find(|d| d.kind == "identity.users")
            .and_then(|d| d.body["users"].as_array())
            .map(|u| u.len())
            .unwrap_or(0);
        assert_eq!(
            users,
            MEMBERS,
            "every member collected: {:?}",
            docs[1].body.get("error")
        );
        let without = docs[1].body["users"]
            .as_array()
            .map(|u| u.iter().filter(|x| x["mfa"] == false).count())
            .unwrap_or(0);
        assert_eq!(without, NO_2FA);
        println!(
            "identity/github {MEMBERS} members, concurrency {concurrency}: {:.3} s, {requests} requests, {:.0} pages/s",
            took.as_secs_f64(),
            requests as f64 / took.as_secs_f64()
        );
        if concurrency > 1 {
            concurrent = took;
        }
    }
    if concurrent >= Duration::from_secs(10) {
        eprintln!("FAIL: collecting {MEMBERS} members took {concurrent:?}, the budget is 10 s");
        std::process::exit(1);
    }
}
