//! AWS IAM credential report as `identity.users` evidence, end to end: the importer
//! (CSV and `aws iam get-credential-report` JSON, with and without `--admins`) and the
//! live collector against a local replay of the IAM Query API that checks every request's
//! SigV4 signature, recomputed here from the documented algorithm. Then `assay check`
//! judges the identity controls; secrets never appear in evidence or output.

#[allow(dead_code)] // uses part of the shared helpers
mod common;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use common::check::{results, verdicts};
use common::replay::{Replay, Reply, Request};
use common::{path_str, run_env, write_file, Run};
use serde_json::Value;
use sha2::{Digest, Sha256};

const FIXTURES: &str = "tests/fixtures/identity/aws";
const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789";
const PROFILE: &str =
    "name: aws\nselect:\n  ids: [identity.mfa-all-users, identity.mfa-admins, identity.root-mfa]\n";

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(common::root().join(FIXTURES).join(name)).unwrap()
}

/// A copy of a fixture in `dir` (its modification time, the evidence time of a CSV, is now).
fn fresh(dir: &Path, name: &str) -> PathBuf {
    common::fresh_copy(FIXTURES, dir, name)
}

fn the_doc(ev: &Path) -> Value {
    let dir = ev.join("identity.users");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap()
}

fn user<'a>(doc: &'a Value, login: &str) -> &'a Value {
    doc["body"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == login)
        .unwrap_or_else(|| panic!("no user {login}"))
}

/// `assay check` of the three account controls, judged at `now`: (id, status, findings).
fn check(dir: &Path, ev: &Path, now: &str) -> Vec<(String, String, Vec<String>)> {
    let profile = write_file(dir, "aws-profile.yaml", PROFILE);
    verdicts(&results(ev, Some(&profile), Some(now)))
}

/// `assay evidence import --from aws-credential-report ARGS…`.
fn import(args: &[&str]) -> Run {
    common::import("aws-credential-report", args)
}

/// `assay collect identity aws --base-url URL [EXTRA…] --into EV` with `env`.
fn collect(url: &str, extra: &[&str], ev: &Path, env: &[(&str, &str)]) -> Run {
    let mut args = vec!["collect", "identity", "aws", "--base-url", url];
    args.extend_from_slice(extra);
    args.extend(["--into", path_str(ev)]);
    run_env(&args, env)
}

#[test]
fn csv_without_admins_leaves_admin_unknown_and_never_passes_the_admin_control() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let csv = fresh(d, "credential-report.csv");
    let o = import(&[path_str(&csv), "--into", path_str(&ev)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("1 added"), "{}", o.stdout);
    let doc = the_doc(&ev);
    assert_eq!(doc["subject"], "aws:123456789012");
    assert_eq!(doc["source"], "import:aws-credential-report");
    assert_eq!(doc["body"]["provider"], "aws");
    assert_eq!(doc["body"]["org"], "123456789012");
    let root = user(&doc, "<root_account>");
    assert_eq!(
        (
            root["root"].clone(),
            root["admin"].clone(),
            root["human"].clone(),
            root["mfa"].clone()
        ),
        (true.into(), true.into(), true.into(), true.into())
    );
    assert_eq!(user(&doc, "alice")["admin"], Value::Null);
    assert_eq!(user(&doc, "bob")["human"], true);
    assert_eq!(user(&doc, "bob")["mfa"], false);
    assert_eq!(user(&doc, "bob")["active_access_keys"], 1);
    let ci = user(&doc, "ci-deploy");
    assert_eq!(
        (
            ci["human"].clone(),
            ci["console_password"].clone(),
            ci["active_access_keys"].clone()
        ),
        (false.into(), false.into(), 2.into())
    );
    assert!(doc["body"]["admins_source"]
        .as_str()
        .unwrap()
        .starts_with("unknown"));

    let now = chrono::Utc::now().to_rfc3339();
    let v = check(d, &ev, &now);
    assert_eq!(v[0].0, "identity.mfa-admins");
    assert_eq!(v[0].1, "error", "{v:#?}");
    // Exactly the accounts without MFA whose admin flag is unknown; alice (MFA) is fine.
    assert_eq!(v[0].2.len(), 3, "{v:#?}");
    for login in ["bob", "carol", "ci-deploy"] {
        assert!(v[0].2.iter().any(|m| m.contains(&format!("account {login} has no two-factor authentication and the evidence does not say whether it is a admin"))), "{login}: {v:#?}");
    }
    assert_eq!(v[1].0, "identity.mfa-all-users");
    assert_eq!(v[1].1, "fail");
    assert_eq!(
        v[1].2,
        [
            "fail: human user bob has no two-factor authentication; enrol a second factor (TOTP, WebAuthn) or remove the account",
            "fail: human user carol has no two-factor authentication; enrol a second factor (TOTP, WebAuthn) or remove the account",
        ]
    );
    assert_eq!(v[2].0, "identity.root-mfa");
    assert_eq!(v[2].1, "pass", "{v:#?}");
}

#[test]
fn cli_json_with_admins_names_the_admin_without_mfa() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let json = fresh(d, "get-credential-report.json");
    let pol = fresh(d, "list-entities-for-policy.json");
    let grp = fresh(d, "get-group-admins.json");
    let o = import(&[
        path_str(&json),
        "--admins",
        path_str(&pol),
        "--admins",
        path_str(&grp),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc = the_doc(&ev);
    // The JSON says when AWS generated the report: that is the evidence time.
    assert_eq!(doc["collected_at"], "2026-11-25T06:00:00Z");
    assert_eq!(doc["body"]["report_generated_at"], "2026-11-25T06:00:00Z");
    assert_eq!(user(&doc, "alice")["admin"], true); // through the Admins group
    assert_eq!(user(&doc, "carol")["admin"], true); // attached directly
    assert_eq!(user(&doc, "bob")["admin"], false);
    assert_eq!(user(&doc, "ci-deploy")["admin"], false);
    let v = check(d, &ev, "2026-11-25T08:00:00Z");
    assert_eq!(v[0].0, "identity.mfa-admins");
    assert_eq!(v[0].1, "fail");
    assert_eq!(v[0].2, ["fail: admin carol has no two-factor authentication; enrol a second factor (TOTP, WebAuthn) or remove the account"]);
    assert_eq!(v[2].1, "pass");
}

#[test]
fn bad_reports_name_file_line_and_column_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let csv = fixture_text("credential-report.csv");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "bad boolean",
            csv.replacen(
                ",N/A,false,true,2021-02-03",
                ",N/A,maybe,true,2021-02-03",
                1,
            ),
            "bad.csv: line 4, column 8 (mfa_active): expected true or false, found `maybe`",
        ),
        (
            "short row",
            format!("{csv}dave,arn:aws:iam::123456789012:user/dave\n"),
            "bad.csv: line 7: 2 fields, but the header has 22",
        ),
        (
            "unterminated quote",
            format!("{csv}\"dave,arn\n"),
            "bad.csv: line 7, column 1: the quoted field never ends",
        ),
        (
            "not a report",
            "name,email\nx,y\n".into(),
            "bad.csv: line 1: no `user` column",
        ),
        (
            "bad arn",
            csv.replace("arn:aws:iam::123456789012:user/bob", "bob@example"),
            "bad.csv: line 4, column 2 (arn): `bob@example` is not an IAM ARN",
        ),
        (
            "bad json",
            "{\"Content\": 5}".into(),
            "bad.csv: Content: missing or not a string",
        ),
    ];
    for (case, text, want) in cases {
        let f = write_file(d, "bad.csv", &text);
        let o = import(&[path_str(&f), "--into", path_str(&ev)]);
        assert_eq!(o.code, 2, "{case}: {}", o.stdout);
        assert!(o.stderr.contains(want), "{case}: {}", o.stderr);
        assert!(
            !ev.join("manifest.json").exists(),
            "{case}: nothing written"
        );
    }
    // Two accounts in one report.
    let two = csv.replace(
        "arn:aws:iam::123456789012:user/ops/carol",
        "arn:aws:iam::999999999999:user/ops/carol",
    );
    let f = write_file(d, "bad.csv", &two);
    let o = import(&[path_str(&f), "--into", path_str(&ev)]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("line 5, column 2 (arn): account 999999999999, but earlier rows are of account 123456789012"), "{}", o.stderr);
    // An admin group whose members were not given.
    let csvf = fresh(d, "credential-report.csv");
    let pol = fresh(d, "list-entities-for-policy.json");
    let o = import(&[
        path_str(&csvf),
        "--admins",
        path_str(&pol),
        "--into",
        path_str(&ev),
    ]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("aws iam get-group --group-name Admins"),
        "{}",
        o.stderr
    );
    assert!(!ev.join("manifest.json").exists());
}

// --- live, against a replay of the IAM Query API -------------------------------------

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.iter().map(|b| b ^ 0x36).collect::<Vec<_>>());
    inner.update(data);
    let mut outer = Sha256::new();
    outer.update(k.iter().map(|b| b ^ 0x5c).collect::<Vec<_>>());
    outer.update(inner.finalize());
    outer.finalize().to_vec()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The HMAC above, checked against RFC 4231 test case 2.
#[test]
fn hmac_matches_rfc_4231() {
    assert_eq!(
        hex(&hmac(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

/// Verifies a request's SigV4 signature the way AWS does (the documented algorithm):
/// canonical request from the SignedHeaders, string to sign, derived key, HMAC.
fn verify_sigv4(req: &Request) -> Result<(), String> {
    let auth = req
        .header("authorization")
        .ok_or("no Authorization header")?;
    let rest = auth
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or(format!("not AWS4-HMAC-SHA256: {auth}"))?;
    let mut parts = std::collections::HashMap::new();
    for p in rest.split(", ") {
        let (k, v) = p.split_once('=').ok_or(format!("bad part {p}"))?;
        parts.insert(k, v);
    }
    let cred = parts.get("Credential").ok_or("no Credential")?;
    let signed = parts.get("SignedHeaders").ok_or("no SignedHeaders")?;
    let sig = parts.get("Signature").ok_or("no Signature")?;
    let scope: Vec<&str> = cred.split('/').collect();
    if scope.len() != 5
        || scope[0] != AKID
        || scope[2] != "us-east-1"
        || scope[3] != "iam"
        || scope[4] != "aws4_request"
    {
        return Err(format!("bad credential scope {cred}"));
    }
    let amz_date = req.header("x-amz-date").ok_or("no x-amz-date")?;
    if !amz_date.starts_with(scope[1]) || amz_date.len() != 16 {
        return Err(format!(
            "x-amz-date {amz_date} does not match the scope date {}",
            scope[1]
        ));
    }
    let names: Vec<&str> = signed.split(';').collect();
    for must in ["host", "x-amz-date", "x-amz-security-token"] {
        if !names.contains(&must) {
            return Err(format!("{must} is not signed ({signed})"));
        }
    }
    if req.header("x-amz-security-token") != Some(TOKEN) {
        return Err("the session token is not sent in x-amz-security-token".into());
    }
    let mut canon_headers = String::new();
    for n in &names {
        let v = req.header(n).ok_or(format!("signed header {n} not sent"))?;
        let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
        canon_headers.push_str(&format!("{n}:{v}\n"));
    }
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        path,
        query,
        canon_headers,
        signed,
        hex(&Sha256::digest(req.body.as_bytes()))
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}/us-east-1/iam/aws4_request\n{}",
        scope[1],
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k = hmac(format!("AWS4{SECRET}").as_bytes(), scope[1].as_bytes());
    let k = hmac(&k, b"us-east-1");
    let k = hmac(&k, b"iam");
    let k = hmac(&k, b"aws4_request");
    let want = hex(&hmac(&k, to_sign.as_bytes()));
    if want != *sig {
        return Err(format!(
            "signature {sig} is not the one the algorithm gives ({want})"
        ));
    }
    Ok(())
}

fn xml(status: u16, body: String) -> Reply {
    Reply {
        status,
        headers: vec![("content-type".into(), "text/xml".into())],
        body,
    }
}

fn action(req: &Request) -> String {
    req.body
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("")
        .to_string()
}

const META: &str = "<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>";

fn generate(state: &str) -> Reply {
    xml(200, format!("<GenerateCredentialReportResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GenerateCredentialReportResult><Description>No report exists. Starting a new report generation task</Description><State>{state}</State></GenerateCredentialReportResult>{META}</GenerateCredentialReportResponse>"))
}

fn denied(act: &str) -> Reply {
    xml(403, format!("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:{act} on resource: *</Message></Error><RequestId>1b2c</RequestId></ErrorResponse>"))
}

/// A replay of IAM: the report is STARTED, then COMPLETE; admins via policy and group.
/// Every request must carry a valid signature, or it gets 403 SignatureDoesNotMatch.
fn iam_server(deny: Option<&'static str>) -> Replay {
    let csv = fixture_text("credential-report.csv");
    let content = base64::engine::general_purpose::STANDARD.encode(csv);
    let polls = std::sync::atomic::AtomicUsize::new(0);
    Replay::start(move |req, _| {
        if let Err(e) = verify_sigv4(req) {
            return xml(403, format!("<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>{e}</Message></Error></ErrorResponse>"));
        }
        let act = action(req);
        if deny == Some(act.as_str()) {
            return denied(&act);
        }
        match act.as_str() {
            "GenerateCredentialReport" => {
                let n = polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                generate(if n == 0 { "STARTED" } else { "COMPLETE" })
            }
            "GetCredentialReport" => xml(200, format!("<GetCredentialReportResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetCredentialReportResult><Content>{content}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-25T06:00:00Z</GeneratedTime></GetCredentialReportResult>{META}</GetCredentialReportResponse>")),
            "ListEntitiesForPolicy" => {
                assert!(req.body.contains("PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess"), "{}", req.body);
                xml(200, format!("<ListEntitiesForPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListEntitiesForPolicyResult><PolicyRoles><member><RoleName>OrganizationAccountAccessRole</RoleName><RoleId>AROA1</RoleId></member></PolicyRoles><PolicyGroups><member><GroupName>Admins</GroupName><GroupId>AGPA1</GroupId></member></PolicyGroups><IsTruncated>false</IsTruncated><PolicyUsers><member><UserName>carol</UserName><UserId>AIDA3</UserId></member></PolicyUsers></ListEntitiesForPolicyResult>{META}</ListEntitiesForPolicyResponse>"))
            }
            "GetGroup" if req.body.contains("Marker=page2") => xml(200, format!("<GetGroupResponse><GetGroupResult><Group><GroupName>Admins</GroupName></Group><Users><member><UserName>dave</UserName></member></Users><IsTruncated>false</IsTruncated></GetGroupResult>{META}</GetGroupResponse>")),
            "GetGroup" => xml(200, format!("<GetGroupResponse><GetGroupResult><Group><GroupName>Admins</GroupName></Group><Users><member><UserName>alice</UserName><UserId>AIDA1</UserId></member></Users><IsTruncated>true</IsTruncated><Marker>page2</Marker></GetGroupResult>{META}</GetGroupResponse>")),
            other => xml(400, format!("<ErrorResponse><Error><Code>InvalidAction</Code><Message>{other}</Message></Error></ErrorResponse>")),
        }
    })
}

fn env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", AKID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ]
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} holds the secret access key");
    assert!(!text.contains(TOKEN), "{what} holds the session token");
}

#[test]
fn live_collection_signs_every_request_and_reads_report_and_admins() {
    let server = iam_server(None);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let o = collect(server.url(), &[], &ev, &env());
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_no_secret("stdout", &o.stdout);
    assert_no_secret("stderr", &o.stderr);
    let acts: Vec<String> = server.requests().iter().map(action).collect();
    assert_eq!(
        acts,
        [
            "GenerateCredentialReport",
            "GenerateCredentialReport",
            "GetCredentialReport",
            "ListEntitiesForPolicy",
            "GetGroup",
            "GetGroup"
        ]
    );
    for r in server.requests() {
        assert_eq!(r.method, "POST");
        assert!(r.body.ends_with("Version=2010-05-08"), "{}", r.body);
        verify_sigv4(&r).unwrap();
    }
    let doc = the_doc(&ev);
    assert_eq!(doc["subject"], "aws:123456789012");
    assert_eq!(doc["source"], "probe");
    assert_eq!(doc["collector"]["name"], "assay-aws-iam");
    assert_eq!(doc["collected_at"], "2026-11-25T06:00:00Z");
    assert_eq!(user(&doc, "alice")["admin"], true);
    assert_eq!(user(&doc, "carol")["admin"], true);
    assert_eq!(user(&doc, "bob")["admin"], false);
    assert_eq!(doc["body"]["users"].as_array().unwrap().len(), 5);
    for e in std::fs::read_dir(ev.join("identity.users")).unwrap() {
        assert_no_secret(
            "evidence",
            &std::fs::read_to_string(e.unwrap().path()).unwrap(),
        );
    }
    assert_no_secret(
        "manifest",
        &std::fs::read_to_string(ev.join("manifest.json")).unwrap(),
    );
    let v = check(d, &ev, "2026-11-25T08:00:00Z");
    assert_eq!(
        (v[0].1.as_str(), v[1].1.as_str(), v[2].1.as_str()),
        ("fail", "fail", "pass"),
        "{v:#?}"
    );
    assert_eq!(v[0].2, ["fail: admin carol has no two-factor authentication; enrol a second factor (TOTP, WebAuthn) or remove the account"]);
}

#[test]
fn access_denied_names_the_missing_permission_and_no_secret() {
    for act in ["GenerateCredentialReport", "GetCredentialReport"] {
        let server = iam_server(Some(act));
        let dir = tempfile::tempdir().unwrap();
        let ev = dir.path().join("ev");
        let o = collect(server.url(), &[], &ev, &env());
        assert_eq!(o.code, 2, "{act}: {}", o.stdout);
        assert!(
            o.stderr
                .contains(&format!("AWS IAM {act}: HTTP 403 AccessDenied")),
            "{}",
            o.stderr
        );
        assert!(
            o.stderr.contains(&format!(
                "the credentials lack the IAM permission iam:{act}"
            )),
            "{}",
            o.stderr
        );
        assert_no_secret("stderr", &o.stderr);
        assert!(!ev.join("manifest.json").exists());
    }
}

#[test]
fn without_list_entities_permission_admin_is_unknown() {
    let server = iam_server(Some("ListEntitiesForPolicy"));
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    let o = collect(server.url(), &[], &ev, &env());
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc = the_doc(&ev);
    assert_eq!(user(&doc, "carol")["admin"], Value::Null);
    assert_eq!(user(&doc, "<root_account>")["admin"], true);
    let src = doc["body"]["admins_source"].as_str().unwrap();
    assert!(
        src.starts_with("unknown: AWS IAM ListEntitiesForPolicy: HTTP 403 AccessDenied"),
        "{src}"
    );
    assert!(src.contains("iam:ListEntitiesForPolicy"), "{src}");
}

#[test]
fn a_wrong_secret_is_rejected_and_not_echoed() {
    let server = iam_server(None);
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    let wrong = "WRONGsecretWRONGsecretWRONGsecret000000";
    let o = collect(
        server.url(),
        &[],
        &ev,
        &[
            ("AWS_ACCESS_KEY_ID", AKID),
            ("AWS_SECRET_ACCESS_KEY", wrong),
            ("AWS_SESSION_TOKEN", TOKEN),
        ],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("SignatureDoesNotMatch"), "{}", o.stderr);
    assert!(
        o.stderr.contains("AWS rejected the credentials"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains(wrong));
    assert_no_secret("stderr", &o.stderr);
}

#[test]
fn missing_credentials_and_plain_http_elsewhere_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    let o = collect(
        "http://127.0.0.1:9",
        &[],
        &ev,
        &[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        "{}",
        o.stderr
    );
    let o = collect("http://iam.example.com", &[], &ev, &env());
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("plain http is accepted only to a loopback address"),
        "{}",
        o.stderr
    );
    assert_no_secret("stderr", &o.stderr);
}

#[test]
fn a_report_that_never_completes_and_a_malformed_answer_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    // GenerateCredentialReport stays STARTED: the wait is bounded by --max-wait.
    let slow = Replay::start(|req, _| {
        verify_sigv4(req).unwrap();
        generate("STARTED")
    });
    let o = collect(slow.url(), &["--max-wait", "1"], &ev, &env());
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr
            .contains("AWS IAM GenerateCredentialReport: the report was still STARTED after"),
        "{}",
        o.stderr
    );
    // GetCredentialReport without Content.
    let broken = Replay::start(|req, _| {
        match action(req).as_str() {
        "GenerateCredentialReport" => generate("COMPLETE"),
        _ => xml(200, "<GetCredentialReportResponse><GetCredentialReportResult><ReportFormat>text/csv</ReportFormat></GetCredentialReportResult></GetCredentialReportResponse>".into()),
    }
    });
    let o = collect(broken.url(), &[], &ev, &env());
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains(
            "AWS IAM GetCredentialReport: malformed answer: no GetCredentialReportResult/Content"
        ),
        "{}",
        o.stderr
    );
    assert_no_secret("stderr", &o.stderr);
    assert!(!ev.join("manifest.json").exists());
}
