//! sshd settings as `host.sshd` evidence, end to end against the REAL OpenSSH server:
//! each test writes an sshd_config (with a host key made by ssh-keygen in a temp dir),
//! runs `assay collect identity sshd --config …` (which runs `/usr/sbin/sshd -T -f …`),
//! then judges the evidence with `assay check`. The importer is tested on `sshd -T`
//! outputs captured from Debian 12's openssh-server (tests/fixtures/identity/sshd/).
//!
//! Needs `openssh-server` (Debian: `apt-get install -y openssh-server`); as root, sshd
//! also wants its privilege separation directory /run/sshd, which the tests create.

#[allow(dead_code)] // uses part of the shared helpers
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::check::{findings_about, results, verdicts};
use common::{path_str, run, write_file, Run};
use serde_json::Value;

const SSH_CONTROLS: &str = "name: ssh\nselect:\n  ids: [identity.ssh-second-factor, identity.ssh-password-login-disabled, identity.ssh-root-login]\n";

/// The sshd binary, or a failure that says what to install.
fn sshd() -> PathBuf {
    let candidates = ["/usr/sbin/sshd", "/usr/local/sbin/sshd"];
    let found = candidates.iter().map(PathBuf::from).find(|p| p.is_file());
    let p = found.unwrap_or_else(|| {
        panic!(
            "sshd is not installed: these tests run the real OpenSSH server's `sshd -T`; install it with `apt-get install -y openssh-server`"
        )
    });
    // As root, sshd -T insists on its privilege separation directory (the package's
    // service unit creates it at boot).
    if !Path::new("/run/sshd").exists() {
        let _ = std::fs::create_dir_all("/run/sshd");
    }
    p
}

/// A temp dir with a host key, an empty conf.d for Include and an sshd_config.
struct Setup {
    dir: tempfile::TempDir,
    sshd: PathBuf,
    config: PathBuf,
}

impl Setup {
    /// With Debian's default sshd_config, `extra` lines first (see [`Setup::config`]).
    fn new(extra: &str) -> Setup {
        let sshd = sshd();
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("ssh_host_ed25519_key");
        let st = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&key)
            .status()
            .expect("ssh-keygen runs (package openssh-client)");
        assert!(st.success());
        std::fs::create_dir(dir.path().join("conf.d")).unwrap();
        let config = config(dir.path(), extra);
        Setup { dir, sshd, config }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `assay collect identity sshd --config CONFIG --host HOST --into EV EXTRA…`.
    fn run_collect(&self, host: &str, ev: &Path, extra: &[&str]) -> Run {
        let mut args = vec![
            "collect",
            "identity",
            "sshd",
            "--sshd",
            path_str(&self.sshd),
            "--config",
            path_str(&self.config),
            "--host",
            host,
            "--into",
            path_str(ev),
        ];
        args.extend_from_slice(extra);
        run(&args)
    }

    /// `assay collect identity sshd` into `ev-HOST`; returns the body.
    fn collect(&self, host: &str, extra: &[&str]) -> Value {
        let ev = self.path().join(format!("ev-{host}"));
        let o = self.run_collect(host, &ev, extra);
        assert_eq!(o.code, 0, "collect failed:\n{}\n{}", o.stdout, o.stderr);
        body_of(&ev, host)
    }

    /// `assay check` of the ssh controls over the evidence folder of `host`: asserts their
    /// statuses (see [`assert_verdicts`]) and returns every control's findings.
    #[track_caller]
    fn judge(
        &self,
        host: &str,
        password: &str,
        root: &str,
        second: &str,
    ) -> Vec<(String, String, Vec<String>)> {
        let v = check_dir(self.path(), &self.path().join(format!("ev-{host}")));
        assert_verdicts(&v, password, root, second);
        v
    }
}

/// Debian 12's default sshd_config (its non-comment lines) in `dir`, with `extra` lines
/// first (sshd keeps the first value of a keyword) and the Include pointed at its conf.d.
fn config(dir: &Path, extra: &str) -> PathBuf {
    let d = dir.display();
    let text = format!(
        "HostKey {d}/ssh_host_ed25519_key\n{extra}\nInclude {d}/conf.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\nSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n"
    );
    write_file(dir, "sshd_config", &text)
}

fn body_of(ev: &Path, subject: &str) -> Value {
    let dir = ev.join("host.sshd");
    let mut found = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap();
        if v["subject"] == subject {
            found.push(v);
        }
    }
    assert_eq!(found.len(), 1, "one document for {subject}");
    found.pop().unwrap()["body"].clone()
}

fn check_dir(scratch: &Path, ev: &Path) -> Vec<(String, String, Vec<String>)> {
    verdicts(&results(ev, Some(&ssh_profile(scratch)), None))
}

/// The profile that selects the three ssh controls, written into `dir`.
fn ssh_profile(dir: &Path) -> PathBuf {
    write_file(dir, "ssh-profile.yaml", SSH_CONTROLS)
}

/// Asserts the status of each ssh control, in id order: password, root, second factor.
#[track_caller]
fn assert_verdicts(
    got: &[(String, String, Vec<String>)],
    password: &str,
    root: &str,
    second: &str,
) {
    let want = [
        ("identity.ssh-password-login-disabled", password),
        ("identity.ssh-root-login", root),
        ("identity.ssh-second-factor", second),
    ];
    assert_eq!(got.len(), 3, "{got:#?}");
    for ((id, status, msgs), (wid, wstatus)) in got.iter().zip(want) {
        assert_eq!((id.as_str(), status.as_str()), (wid, wstatus), "{msgs:#?}");
    }
}

/// The body of the global settings merged with the `Match User deploy` connection's
/// (two contexts): passwords accepted, and `password` one of the methods.
#[track_caller]
fn assert_deploy_allows_passwords(b: &Value) {
    assert_eq!(b["password_authentication"], true);
    assert_eq!(
        methods(b),
        [
            "publickey,keyboard-interactive:pam",
            "publickey",
            "password"
        ]
    );
    assert_eq!(b["contexts"].as_array().unwrap().len(), 2);
}

fn methods(b: &Value) -> Vec<&str> {
    b["authentication_methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn debian_default_allows_passwords_and_one_factor() {
    let s = Setup::new("");
    let b = s.collect("deb-default", &[]);
    assert_eq!(b["password_authentication"], true);
    assert_eq!(b["kbd_interactive_authentication"], false);
    assert_eq!(b["permit_root_login"], "without-password");
    assert_eq!(methods(&b), ["any"]);
    assert_eq!(b["use_pam"], true);
    assert_eq!(b["pubkey_authentication"], true);
    assert_eq!(b["match_blocks"], serde_json::json!([]));
    assert!(b.get("incomplete").is_none(), "{b}");
    let v = s.judge("deb-default", "fail", "fail", "fail");
    assert!(
        v[0].2[0].contains("accepts password logins (PasswordAuthentication yes)"),
        "{v:?}"
    );
    assert!(v[2].2[0].contains("AuthenticationMethods any"), "{v:?}");
}

#[test]
fn keys_only_has_no_passwords_but_one_factor() {
    let s = Setup::new("PasswordAuthentication no\nPermitRootLogin no");
    let b = s.collect("keys-only", &[]);
    assert_eq!(b["password_authentication"], false);
    assert_eq!(b["permit_root_login"], "no");
    assert_eq!(methods(&b), ["any"]);
    s.judge("keys-only", "pass", "pass", "fail");
}

#[test]
fn publickey_plus_pam_otp_passes_and_names_the_module() {
    let s = Setup::new("PasswordAuthentication no\nKbdInteractiveAuthentication yes\nAuthenticationMethods publickey,keyboard-interactive:pam\nPermitRootLogin no");
    // A PAM stack like Debian's with google-authenticator added; common-auth included.
    write_file(s.path(), "common-auth", "auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\nauth required pam_permit.so\n");
    let pam = write_file(
        s.path(),
        "sshd",
        "# PAM configuration for the Secure Shell service\nauth required pam_google_authenticator.so nullok\n@include common-auth\naccount required pam_nologin.so\n",
    );
    let b = s.collect("otp", &["--pam", path_str(&pam)]);
    assert_eq!(b["kbd_interactive_authentication"], true);
    assert_eq!(methods(&b), ["publickey,keyboard-interactive:pam"]);
    assert_eq!(
        b["pam_second_factor"],
        serde_json::json!(["pam_google_authenticator.so"])
    );
    assert_eq!(b["pam_second_factor_nullok"], true);
    assert!(b.get("incomplete").is_none(), "{b}");
    s.judge("otp", "pass", "pass", "pass");
}

#[test]
fn permit_root_login_yes_fails_the_root_control() {
    let s = Setup::new("PermitRootLogin yes\nPasswordAuthentication no");
    let b = s.collect("root-yes", &[]);
    assert_eq!(b["permit_root_login"], "yes");
    let v = s.judge("root-yes", "pass", "fail", "fail");
    assert!(v[1].2[0].contains("PermitRootLogin yes"), "{v:?}");
}

#[test]
fn a_weakening_match_block_makes_the_evidence_incomplete_until_evaluated() {
    let s = Setup::new("PasswordAuthentication no\nKbdInteractiveAuthentication yes\nAuthenticationMethods publickey,keyboard-interactive:pam\nPermitRootLogin no");
    // The Match block hides in an included file, as distributions ship them.
    let inc = write_file(
        &s.path().join("conf.d"),
        "50-deploy.conf",
        "Match User deploy\n    PasswordAuthentication yes\n    AuthenticationMethods publickey password\nMatch Address 10.0.0.0/8\n    PasswordAuthentication no\n",
    );
    let b = s.collect("match", &[]);
    // sshd -T without -C: the global settings look good …
    assert_eq!(b["password_authentication"], false);
    // … but the Match block is found, and only its weakening lines are listed.
    let blocks = b["match_blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 2, "{b}");
    assert_eq!(blocks[0]["file"], path_str(&inc));
    assert_eq!(blocks[0]["line"], 2);
    assert_eq!(blocks[0]["match"], "User deploy");
    assert_eq!(blocks[0]["keyword"], "passwordauthentication");
    assert_eq!(blocks[1]["keyword"], "authenticationmethods");
    let inc_note = b["incomplete"].as_str().unwrap();
    assert!(
        inc_note.contains("50-deploy.conf:2 (Match User deploy) passwordauthentication yes"),
        "{inc_note}"
    );
    // So nothing passes: the incomplete evidence turns every would-be pass into an error
    // (incompleteness is per document, so the root control too).
    let v = s.judge("match", "error", "error", "error");
    assert!(
        v[0].2.iter().any(|m| m.contains("evidence incomplete")),
        "{v:?}"
    );

    // Evaluating the deploy user's connection with -C shows the violations.
    let b = s.collect(
        "match-eval",
        &["--match", "user=deploy,host=ci.example,addr=10.0.0.9"],
    );
    assert_deploy_allows_passwords(&b);
    let ctx = b["contexts"].as_array().unwrap();
    assert_eq!(ctx[0]["connection"], "global");
    assert_eq!(ctx[0]["password_authentication"], false);
    assert_eq!(
        ctx[1]["connection"],
        "user=deploy,host=ci.example,addr=10.0.0.9"
    );
    assert_eq!(ctx[1]["password_authentication"], true);
    // Still incomplete (other connections may match other blocks), but now with failures.
    assert!(b["incomplete"].is_string());
    let v = s.judge("match-eval", "fail", "error", "fail");
    assert!(
        v[2].2
            .iter()
            .any(|m| m.contains("alternative \"password\"")),
        "{v:?}"
    );
}

#[test]
fn a_config_sshd_rejects_is_an_error_with_sshds_message() {
    let s = Setup::new("PasswordAuthentication maybe");
    let ev = s.path().join("ev");
    let o = s.run_collect("bad", &ev, &[]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("unsupported option \"maybe\""),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("-T -f"), "{}", o.stderr);
    assert!(!ev.join("manifest.json").exists(), "nothing written");
}

/// A copy of an `sshd -T` fixture in `dir`.
fn fresh_copy(dir: &Path, name: &str) -> PathBuf {
    common::fresh_copy("tests/fixtures/identity/sshd", dir, name)
}

#[test]
fn imported_sshd_t_outputs_are_judged() {
    // The importer itself needs no sshd.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let cases = [
        ("debian-default.txt", "web-1", ["fail", "fail", "fail"]),
        ("keys-only.txt", "web-2", ["pass", "fail", "fail"]),
        ("publickey-and-otp.txt", "web-3", ["pass", "pass", "pass"]),
        ("root-login-yes.txt", "web-4", ["fail", "fail", "fail"]),
    ];
    for (file, host, _) in &cases {
        let f = fresh_copy(d, file);
        let o = common::import(
            "sshd-t",
            &["--host", host, path_str(&f), "--into", path_str(&ev)],
        );
        assert_eq!(o.code, 0, "{file}: {}", o.stderr);
        assert!(o.stdout.contains("1 added"), "{}", o.stdout);
    }
    let b = body_of(&ev, "web-3");
    assert_eq!(methods(&b), ["publickey,keyboard-interactive:pam"]);
    assert_eq!(b["kbd_interactive_authentication"], true);
    assert_eq!(b["permit_root_login"], "no");
    assert!(b["source_detail"]
        .as_str()
        .unwrap()
        .contains("publickey-and-otp.txt"));
    let doc_dir = ev.join("host.sshd");
    let any_doc: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::fs::read_dir(&doc_dir)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(any_doc["source"], "import:sshd-t");
    assert_eq!(body_of(&ev, "web-4")["permit_root_login"], "yes");

    // Per host, the three ssh controls' findings (password, root, second factor).
    let r = results(&ev, Some(&ssh_profile(d)), None);
    for (file, host, want) in &cases {
        for (id, w) in [
            "identity.ssh-password-login-disabled",
            "identity.ssh-root-login",
            "identity.ssh-second-factor",
        ]
        .iter()
        .zip(want)
        {
            let fs = findings_about(&r, id, host);
            assert!(!fs.is_empty(), "{id} has findings for {host}");
            let worst = if fs.iter().any(|f| f["status"] == "fail") {
                "fail"
            } else {
                fs[0]["status"].as_str().unwrap()
            };
            assert_eq!(worst, *w, "{file} {host} {id}: {fs:?}");
        }
    }
}

#[test]
fn several_outputs_of_one_host_merge_worst_case() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let g = fresh_copy(d, "publickey-and-otp.txt");
    let m = fresh_copy(d, "match-deploy.txt");
    let o = common::import(
        "sshd-t",
        &[
            "--host",
            "web-5",
            path_str(&g),
            path_str(&m),
            "--into",
            path_str(&ev),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let b = body_of(&ev, "web-5");
    assert_deploy_allows_passwords(&b);
}

#[test]
fn bad_imports_name_the_file_and_line_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ev = d.join("ev");
    let good = fresh_copy(d, "keys-only.txt");
    let cases: Vec<(&str, String, Vec<&str>, &str)> = vec![
        (
            "sshd_config instead of sshd -T",
            "PasswordAuthentication no\nUsePAM yes\n".into(),
            vec!["--host", "h"],
            "line 1: `PasswordAuthentication` is not how `sshd -T` prints a keyword",
        ),
        (
            "a bad boolean",
            std::fs::read_to_string(&good).unwrap().replace(
                "passwordauthentication no",
                "passwordauthentication sometimes",
            ),
            vec!["--host", "h"],
            "`passwordauthentication` is `sometimes`, expected yes or no",
        ),
        (
            "a truncated output",
            "port 22\npermitrootlogin no\n".into(),
            vec!["--host", "h"],
            "no `passwordauthentication` line",
        ),
        (
            "no --host",
            std::fs::read_to_string(&good).unwrap(),
            vec![],
            "needs --host HOST",
        ),
    ];
    for (case, text, flags, want) in cases {
        let f = write_file(d, "in.txt", &text);
        let mut args = flags;
        args.extend([path_str(&good), path_str(&f), "--into", path_str(&ev)]);
        let o = common::import("sshd-t", &args);
        assert_eq!(o.code, 2, "{case}: {}", o.stdout);
        assert!(o.stderr.contains(want), "{case}: {}", o.stderr);
        if case != "no --host" {
            assert!(
                o.stderr.contains("in.txt"),
                "{case} names the file: {}",
                o.stderr
            );
        }
        assert!(
            !ev.join("manifest.json").exists(),
            "{case}: nothing written"
        );
    }
}
