//! End-to-end tests of evidence packs through the built binary: `assay key generate`,
//! `assay pack` (folder and `--tar`), `assay pack verify` against every kind of tampering,
//! packing refused for tampered inputs, the audit-period index, and the standalone
//! `minisign` tool verifying assay's signature.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;

use common::{path_str, run, run_env, write_file, Run};
use serde_json::Value;

const NOW: &str = "2026-11-25T06:00:00Z";
const EVIDENCE: &str = "examples/coloom/evidence";
const PROFILE: &str = "examples/coloom/profile.yaml";
const WAIVERS: &str = "examples/coloom/waivers.yaml";

/// `assay key generate --out DIR/NAME`; returns (secret, public).
fn key(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let out = dir.join(name);
    let o = run(&["key", "generate", "--out", path_str(&out)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    )
}

/// The example's results at `now`, written to `DIR/results-<now>.json`.
fn results(dir: &Path, now: &str) -> PathBuf {
    let out = dir.join(format!("results-{}.json", now.replace(':', "")));
    let o = run(&[
        "check",
        "--evidence",
        EVIDENCE,
        "--profile",
        PROFILE,
        "--waivers",
        WAIVERS,
        "--now",
        now,
        "--format",
        "json",
        "--output",
        path_str(&out),
    ]);
    assert_eq!(o.code, 1, "the example has failures: {}", o.stderr);
    out
}

/// `assay pack` of the example with `results`, signed with `secret`, into `out`.
fn pack(results: &Path, secret: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "pack",
        "--evidence",
        EVIDENCE,
        "--results",
        path_str(results),
        "--profile",
        PROFILE,
        "--waivers",
        WAIVERS,
        "--key",
        path_str(secret),
        "--out",
        path_str(out),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn verify(pack: &Path, public: Option<&Path>) -> Run {
    let mut args = vec!["pack", "verify", path_str(pack)];
    if let Some(k) = public {
        args.extend(["--key", path_str(k)]);
    }
    run(&args)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// The first file (sorted) in `dir`.
fn first_file(dir: &Path) -> PathBuf {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v.into_iter().next().expect("a file")
}

/// A pack of the example made once per test process, with its keys.
struct Fixture {
    dir: PathBuf,
    secret: PathBuf,
    public: PathBuf,
    pack: PathBuf,
    tarball: PathBuf,
}

fn fixture(dir: &Path) -> Fixture {
    let (secret, public) = key(dir, "audit");
    let r = results(dir, NOW);
    let out = dir.join("pack");
    let o = pack(&r, &secret, &out, &["--tar"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    Fixture {
        dir: dir.to_path_buf(),
        secret,
        public,
        tarball: dir.join("pack.tar.gz"),
        pack: out,
    }
}

#[test]
fn key_generate_writes_a_private_secret_key_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("k");
    let o = run(&["key", "generate", "--out", path_str(&out)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let secret = dir.path().join("k.key");
    let public = dir.path().join("k.pub");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "secret key mode {mode:o}");
    }
    // minisign's formats; the secret is never printed.
    let pub_text = std::fs::read_to_string(&public).unwrap();
    assert!(pub_text.starts_with("untrusted comment: minisign public key: "));
    let secret_line = std::fs::read_to_string(&secret)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    assert!(!o.stdout.contains(&secret_line) && !o.stderr.contains(&secret_line));
    assert!(o.stdout.contains(pub_text.lines().nth(1).unwrap()));

    let before = std::fs::read(&secret).unwrap();
    let again = run(&["key", "generate", "--out", path_str(&out)]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("k.key: already exists"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read(&secret).unwrap(), before);

    // A password-protected key needs its password to sign.
    let enc = dir.path().join("enc");
    let o = run_env(
        &[
            "key",
            "generate",
            "--out",
            path_str(&enc),
            "--password-env",
            "PACK_PW",
        ],
        &[("PACK_PW", "correct horse battery")],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let r = results(dir.path(), NOW);
    let p = pack(&r, &dir.path().join("enc.key"), &dir.path().join("p"), &[]);
    assert_eq!(p.code, 2);
    assert!(p.stderr.contains("password-protected"), "{}", p.stderr);
    let mut args = vec![
        "pack",
        "--evidence",
        EVIDENCE,
        "--results",
        path_str(&r),
        "--profile",
        PROFILE,
    ];
    let (k, out) = (dir.path().join("enc.key"), dir.path().join("p"));
    args.extend([
        "--key",
        path_str(&k),
        "--out",
        path_str(&out),
        "--password-env",
        "PACK_PW",
    ]);
    let o = run_env(&args, &[("PACK_PW", "correct horse battery")]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = verify(&out, Some(&dir.path().join("enc.pub")));
    assert_eq!(v.code, 0, "{}", v.stdout);
}

#[test]
fn the_example_packs_and_verifies_as_a_folder_and_as_a_tarball() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    for p in [&f.pack, &f.tarball] {
        let o = verify(p, Some(&f.public));
        assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("signature verified"), "{}", o.stdout);
        assert!(o.stdout.contains("OK"), "{}", o.stdout);
    }
    // The layout the docs promise.
    for rel in [
        "MANIFEST",
        "MANIFEST.sig",
        "pack.json",
        "results.json",
        "profile.yaml",
        "waivers.yaml",
        "evidence/manifest.json",
        "catalog/controls/tls.yaml",
        "catalog/policies/tls.rego",
    ] {
        assert!(f.pack.join(rel).is_file(), "{rel} missing");
    }
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(f.pack.join("pack.json")).unwrap()).unwrap();
    assert_eq!(meta["schema"], "assay.pack/v1");
    assert_eq!(meta["run"]["evaluated_at"], NOW);
    assert_eq!(meta["catalog"]["origin"], "built-in");
    assert_eq!(meta["profile"]["name"], "coloom");
    assert_eq!(meta["evidence"]["documents"], 33);
    // The manifest is sha256sum's format and covers every other file.
    let o = Command::new("sha256sum")
        .args(["--check", "--strict", "--quiet", "MANIFEST"])
        .current_dir(&f.pack)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let listed = std::fs::read_to_string(f.pack.join("MANIFEST"))
        .unwrap()
        .lines()
        .count();
    let mut files = 0;
    let mut stack = vec![f.pack.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else {
                files += 1
            }
        }
    }
    assert_eq!(listed + 2, files);

    // Without a key the signature is not verified, and that is a failure unless asked.
    let o = verify(&f.pack, None);
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.contains("MANIFEST.sig: signature NOT verified"),
        "{}",
        o.stdout
    );
    let o = run(&["pack", "verify", path_str(&f.pack), "--no-signature"]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.contains("signature NOT verified"), "{}", o.stdout);
    assert!(o.stderr.contains("NOT checked"), "{}", o.stderr);

    // The secret key is no public key.
    let o = verify(&f.pack, Some(&f.secret));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("this is a secret key"), "{}", o.stderr);
}

#[test]
fn tar_only_streams_one_tarball_that_verifies_and_unpacks() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let r = f.dir.join(format!("results-{}.json", NOW.replace(':', "")));
    let tarball = dir.path().join("only.tar.gz");
    let o = pack(&r, &f.secret, &tarball, &["--tar-only"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(&format!("→ {}", tarball.display())),
        "{}",
        o.stdout
    );
    assert!(tarball.is_file());
    assert!(
        !dir.path().join("only").exists(),
        "no pack folder with --tar-only"
    );
    let o = verify(&tarball, Some(&f.public));
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);

    // Standard tools read it: MANIFEST first, and the unpacked folder verifies.
    let o = Command::new("tar")
        .arg("tzf")
        .arg(&tarball)
        .output()
        .unwrap();
    assert!(o.status.success());
    let names = String::from_utf8(o.stdout).unwrap();
    assert!(
        names.starts_with("only/MANIFEST\nonly/MANIFEST.sig\n"),
        "{names}"
    );
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let o = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .current_dir(&unpacked)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = verify(&unpacked.join("only"), Some(&f.public));
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);

    // The same files as the folder pack, byte for byte, but for pack.json (its time).
    let lines = |p: &Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter(|l| !l.ends_with("  pack.json"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        lines(&unpacked.join("only/MANIFEST")),
        lines(&f.pack.join("MANIFEST"))
    );

    // Never over an existing tarball.
    let o = pack(&r, &f.secret, &tarball, &["--tar-only"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("already exists"), "{}", o.stderr);
}

/// One tampering case: what to do to a fresh copy of the pack, the public key to verify
/// with, and what the report must say.
struct Case {
    name: &'static str,
    tamper: fn(&Path, &Fixture),
    wrong_key: bool,
    expect: &'static [&'static str],
}

fn evidence_file(pack: &Path, kind: &str) -> PathBuf {
    first_file(&pack.join("evidence").join(kind))
}

fn rel(pack: &Path, p: &Path) -> String {
    p.strip_prefix(pack).unwrap().to_string_lossy().into_owned()
}

/// Re-signs `pack` as an attacker would: a MANIFEST that fits the tampered files, signed
/// with the attacker's own key.
fn resign_with_other_key(target: &Path, f: &Fixture) {
    let (other_secret, _) = key(&f.dir, "attacker");
    let other = f.dir.join("attacker-pack");
    let r = results(&f.dir, NOW);
    let o = pack(&r, &other_secret, &other, &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for name in ["MANIFEST", "MANIFEST.sig", "pack.json"] {
        std::fs::copy(other.join(name), target.join(name)).unwrap();
    }
}

const CASES: &[Case] = &[
    Case {
        name: "edited evidence",
        tamper: |p, _| {
            let f = evidence_file(p, "tls.endpoint");
            let mut t = std::fs::read(&f).unwrap();
            t.push(b' ');
            std::fs::write(&f, t).unwrap();
        },
        wrong_key: false,
        expect: &["FAIL evidence/tls.endpoint/", ": edited: its sha256 is"],
    },
    Case {
        name: "deleted evidence",
        tamper: |p, _| std::fs::remove_file(evidence_file(p, "net.ports")).unwrap(),
        wrong_key: false,
        expect: &["FAIL evidence/net.ports/", ": missing: listed in MANIFEST"],
    },
    Case {
        name: "added file",
        tamper: |p, _| {
            write_file(&p.join("evidence/tls.endpoint"), "planted.json", "{}");
        },
        wrong_key: false,
        expect: &["FAIL evidence/tls.endpoint/planted.json: extra file: not in MANIFEST"],
    },
    Case {
        name: "changed results",
        tamper: |p, _| {
            let f = p.join("results.json");
            let t = std::fs::read_to_string(&f).unwrap();
            std::fs::write(&f, t.replacen("\"fail\"", "\"pass\"", 1)).unwrap();
        },
        wrong_key: false,
        expect: &["FAIL results.json: edited"],
    },
    Case {
        name: "re-signed with another key",
        tamper: resign_with_other_key,
        wrong_key: false,
        expect: &[
            "FAIL MANIFEST.sig: signed by key ID",
            "the pack was re-signed with another key",
        ],
    },
    Case {
        name: "forged signature bytes",
        tamper: |p, _| {
            let f = p.join("MANIFEST.sig");
            let t = std::fs::read_to_string(&f).unwrap();
            let mut lines: Vec<String> = t.lines().map(String::from).collect();
            // Change one base64 digit inside the signature, keeping the key ID.
            let mut b: Vec<char> = lines[1].chars().collect();
            b[40] = if b[40] == 'A' { 'B' } else { 'A' };
            lines[1] = b.into_iter().collect();
            std::fs::write(&f, lines.join("\n") + "\n").unwrap();
        },
        wrong_key: false,
        expect: &["FAIL MANIFEST.sig: bad signature"],
    },
    Case {
        name: "missing signature",
        tamper: |p, _| std::fs::remove_file(p.join("MANIFEST.sig")).unwrap(),
        wrong_key: false,
        expect: &["FAIL MANIFEST.sig: missing: the pack is not signed"],
    },
    Case {
        name: "wrong public key",
        tamper: |_, _| {},
        wrong_key: true,
        expect: &[
            "FAIL MANIFEST.sig: signed by key ID",
            "or this is the wrong public key",
        ],
    },
    Case {
        name: "symbolic link",
        tamper: |p, _| {
            #[cfg(unix)]
            std::os::unix::fs::symlink("/etc/passwd", p.join("evidence/link.json")).unwrap();
        },
        wrong_key: false,
        expect: &["FAIL evidence/link.json: is a symbolic link"],
    },
    Case {
        name: "edited MANIFEST",
        tamper: |p, _| {
            let f = p.join("MANIFEST");
            let t = std::fs::read_to_string(&f).unwrap();
            std::fs::write(&f, t.replacen("  results.json", "  results2.json", 1)).unwrap();
        },
        wrong_key: false,
        expect: &["FAIL MANIFEST.sig: bad signature", "results2.json: missing"],
    },
];

#[test]
fn verify_names_every_tampered_file_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let (_, other_public) = key(dir.path(), "other");
    for (i, case) in CASES.iter().enumerate() {
        let copy = dir.path().join(format!("case{i}"));
        copy_dir(&f.pack, &copy);
        (case.tamper)(&copy, &f);
        let key = if case.wrong_key {
            &other_public
        } else {
            &f.public
        };
        let o = verify(&copy, Some(key));
        assert_eq!(o.code, 1, "{}: {}\n{}", case.name, o.stdout, o.stderr);
        for e in case.expect {
            assert!(
                o.stdout.contains(e),
                "{}: {e:?} not in:\n{}",
                case.name,
                o.stdout
            );
        }
        assert!(o.stdout.contains("do not trust this pack"), "{}", o.stdout);
    }
    // The name of the edited document is in the message, not just its folder.
    let copy = dir.path().join("named");
    copy_dir(&f.pack, &copy);
    let doc = evidence_file(&copy, "tls.endpoint");
    std::fs::write(&doc, "{}").unwrap();
    let o = verify(&copy, Some(&f.public));
    assert!(
        o.stdout
            .contains(&format!("FAIL {}: edited", rel(&copy, &doc))),
        "{}",
        o.stdout
    );
}

#[test]
fn a_damaged_tarball_is_named_and_never_passes() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let bytes = std::fs::read(&f.tarball).unwrap();
    for (name, cut) in [
        ("half.tar.gz", bytes.len() / 2),
        ("tail.tar.gz", bytes.len() - 4),
        ("head.tar.gz", 10),
    ] {
        let t = write_bytes(dir.path(), name, &bytes[..cut]);
        let o = verify(&t, Some(&f.public));
        assert_eq!(o.code, 1, "{name}: {}", o.stdout);
        assert!(
            o.stdout.contains(&format!("FAIL {name}: ")) && o.stdout.contains("truncated"),
            "{name}: {}",
            o.stdout
        );
    }
    // Data appended after the archive is refused, not ignored.
    let mut more = bytes.clone();
    more.extend_from_slice(&bytes);
    let t = write_bytes(dir.path(), "twice.tar.gz", &more);
    let o = verify(&t, Some(&f.public));
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.contains("twice.tar.gz: data after the end"),
        "{}",
        o.stdout
    );
    // Not a tarball at all.
    let t = write_bytes(dir.path(), "junk.tar.gz", b"not gzip");
    let o = verify(&t, Some(&f.public));
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("FAIL junk.tar.gz:"), "{}", o.stdout);
}

#[test]
fn a_hostile_tarball_is_reported_never_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let stage = dir.path().join("stage");
    copy_dir(&f.pack, &stage.join("pack"));
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", stage.join("pack/evidence/x.json")).unwrap();
    write_file(&stage, "outside.txt", "x");
    let t = dir.path().join("hostile.tar.gz");
    // GNU tar writes `..` only with -P; a link and an entry outside the pack folder suffice.
    let o = Command::new("tar")
        .args([
            "czf",
            path_str(&t),
            "-C",
            path_str(&stage),
            "pack",
            "outside.txt",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = verify(&t, Some(&f.public));
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(
        v.stdout
            .contains("FAIL evidence/x.json: is a symbolic link"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("FAIL hostile.tar.gz: outside.txt: outside the pack folder pack/"),
        "{}",
        v.stdout
    );
    assert!(!dir.path().join("pack/evidence/x.json").exists());
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn packing_refuses_tampered_or_mismatched_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (secret, _) = key(dir.path(), "k");
    let r = results(dir.path(), NOW);
    let ev = dir.path().join("evidence");
    copy_dir(&root_path(EVIDENCE), &ev);
    let pack_ev = |ev: &Path, out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec![
            "pack",
            "--evidence",
            path_str(ev),
            "--results",
            path_str(&r),
            "--profile",
            PROFILE,
            "--key",
            path_str(&secret),
            "--out",
            path_str(&out),
        ];
        args.extend_from_slice(extra);
        (run(&args), out)
    };
    // The untouched copy packs.
    let (o, _) = pack_ev(&ev, "ok", &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);

    // An edited document: named, nothing written.
    let doc = first_file(&ev.join("tls.endpoint"));
    let original = std::fs::read(&doc).unwrap();
    std::fs::write(&doc, b"{\"edited\": true}\n").unwrap();
    let (o, out) = pack_ev(&ev, "edited", &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains(&format!("{}: edited after it was imported", doc.display())),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("nothing was packed"), "{}", o.stderr);
    assert!(!out.exists());
    let no_leftovers = |what: &str| {
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("partial"))
            .collect();
        assert!(leftovers.is_empty(), "a half-made {what} was left behind");
    };
    no_leftovers("pack");
    // Streamed into a tarball, the document is hashed as it is read: the same refusal.
    let (o, out) = pack_ev(&ev, "edited-tar", &["--tar-only"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "{}: changed while it was being packed, or since its hash was recorded",
            doc.display()
        )),
        "{}",
        o.stderr
    );
    assert!(!out.exists() && !dir.path().join("edited-tar.tar.gz").exists());
    no_leftovers("tarball");
    std::fs::write(&doc, &original).unwrap();

    // A document the manifest does not list, and one it lists that is gone.
    write_file(&ev.join("tls.endpoint"), "planted.json", "{}");
    let gone = first_file(&ev.join("net.ports"));
    let gone_bytes = std::fs::read(&gone).unwrap();
    std::fs::remove_file(&gone).unwrap();
    let (o, _) = pack_ev(&ev, "extra", &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("planted.json: not in manifest.json"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(&format!("{}: missing", gone.display())),
        "{}",
        o.stderr
    );
    std::fs::remove_file(ev.join("tls.endpoint/planted.json")).unwrap();
    std::fs::write(&gone, gone_bytes).unwrap();

    // Results judged on another state of the folder.
    let m = ev.join("manifest.json");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replacen("\n", "\n ", 1)).unwrap();
    let (o, _) = pack_ev(&ev, "drift", &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("changed since the run"), "{}", o.stderr);
    std::fs::write(&m, text).unwrap();

    // Results that cite a document the folder lacks (a results file edited by hand).
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&r).unwrap()).unwrap();
    let cited = doc["controls"][0]["evidence"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    doc["controls"][0]["evidence"][0]["path"] = Value::from("tls.endpoint/ghost.json");
    let r2 = write_file(dir.path(), "r2.json", &doc.to_string());
    let out = dir.path().join("ghost");
    let o = run(&[
        "pack",
        "--evidence",
        path_str(&ev),
        "--results",
        path_str(&r2),
        "--profile",
        PROFILE,
        "--key",
        path_str(&secret),
        "--out",
        path_str(&out),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("cites evidence tls.endpoint/ghost.json"),
        "{}",
        o.stderr
    );
    assert!(!cited.is_empty());

    // Bad usage: exit 2 with what to do.
    let (o, _) = pack_ev(&ev, "ok", &[]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("already exists"), "{}", o.stderr);
    // The results record only the profile's name: a built-in profile of that name is
    // packed with a warning, a name the catalog lacks needs --profile, which must match.
    let nameonly = |results: &Path, out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec![
            "pack",
            "--evidence",
            path_str(&ev),
            "--results",
            path_str(results),
            "--key",
            path_str(&secret),
            "--out",
            path_str(&out),
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    // The results record the profile file the run read, by path and hash: the catalog's
    // profile of the same name is not it, and neither is an edited copy.
    let o = nameonly(&r, "by-name", &[]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains(&format!("the run read the profile file {PROFILE} (sha256 "))
            && o.stderr.contains(&format!("give --profile {PROFILE}")),
        "{}",
        o.stderr
    );
    // An edited copy of the profile or of the waivers is not the file the run read.
    for (name, original, flag) in [
        ("profile", PROFILE, "--profile"),
        ("waivers", WAIVERS, "--waivers"),
    ] {
        let edited = write_file(
            dir.path(),
            &format!("{name}.yaml"),
            &format!("{}\n# edited\n", std::fs::read_to_string(original).unwrap()),
        );
        let mut extra = vec![flag, path_str(&edited)];
        if flag != "--profile" {
            extra.extend(["--profile", PROFILE]);
        }
        let o = nameonly(&r, &format!("edited-{name}"), &extra);
        assert_eq!(o.code, 2, "{}", o.stderr);
        assert!(
            o.stderr
                .contains(&format!("not the {name} file the run read")),
            "{}",
            o.stderr
        );
    }
    // Waivers the run read but the pack lacks are named.
    let o = nameonly(&r, "no-waivers", &["--profile", PROFILE]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "the run read the waivers file {WAIVERS}: it is not packed"
        )),
        "{}",
        o.stderr
    );
    // Results that record only the name (older ones): the catalog's profile of that name
    // is packed, with a warning.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&r).unwrap()).unwrap();
    doc.as_object_mut().unwrap().remove("profile_file");
    let old = write_file(dir.path(), "old.json", &doc.to_string());
    let o = nameonly(&old, "old-by-name", &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("record only the profile's name, 'coloom'"),
        "{}",
        o.stderr
    );
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&r).unwrap()).unwrap();
    doc["profile"] = Value::from("acme-internal");
    let r3 = write_file(dir.path(), "r3.json", &doc.to_string());
    let o = nameonly(&r3, "unknown-profile", &[]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains(&format!("give --profile {PROFILE}")),
        "{}",
        o.stderr
    );
    let o = nameonly(&r3, "other-profile", &["--profile", PROFILE]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains(
            "this is profile 'coloom', but the results were judged with profile 'acme-internal'"
        ),
        "{}",
        o.stderr
    );
    // A run with the catalog's own profile: that is what is packed, without a warning.
    let builtin = dir.path().join("builtin.json");
    let o = run(&[
        "check",
        "--evidence",
        path_str(&ev),
        "--profile",
        "coloom",
        "--now",
        NOW,
        "--format",
        "json",
        "--output",
        path_str(&builtin),
    ]);
    assert!(o.code <= 1, "{}", o.stderr);
    let o = nameonly(&builtin, "builtin-profile", &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("profile"), "{}", o.stderr);
    assert!(dir
        .path()
        .join("builtin-profile/catalog/profiles/coloom.yaml")
        .is_file());
    // The statement its claims quote travels with it, byte for byte, and is verified.
    let packed = dir.path().join("builtin-profile");
    let st = "statement/000_c5459e0f67ab3beb.txt";
    assert_eq!(
        std::fs::read(packed.join(st)).unwrap(),
        std::fs::read(root_path("statements/000_c5459e0f67ab3beb.txt")).unwrap()
    );
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(packed.join("pack.json")).unwrap()).unwrap();
    assert_eq!(meta["statement"]["path"], st);
    let public = secret.with_extension("pub");
    let o = verify(&packed, Some(&public));
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    std::fs::write(packed.join(st), "We promise nothing.\n").unwrap();
    let o = verify(&packed, Some(&public));
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains(st), "{}", o.stdout);
    let (o, _) = pack_ev(&ev, "badcatalog", &["--catalog", "examples/coloom"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

fn root_path(rel: &str) -> PathBuf {
    common::root().join(rel)
}

/// Per control id: status counts over the results files given.
fn expected_counts(files: &[&Path]) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut m: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for f in files {
        let r: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for c in r["controls"].as_array().unwrap() {
            let e = m.entry(c["id"].as_str().unwrap().to_string()).or_default();
            *e.entry(c["status"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    m
}

#[test]
fn a_period_index_counts_the_sound_packs_of_the_period_only() {
    let dir = tempfile::tempdir().unwrap();
    let (secret, public) = key(dir.path(), "k");
    let packs = dir.path().join("packs");
    std::fs::create_dir(&packs).unwrap();
    // Two runs in 2026 (the second two weeks later: some evidence has gone stale), one in 2027.
    let runs = [
        ("a", "2026-11-25T06:00:00Z"),
        ("b", "2026-12-09T06:00:00Z"),
        ("c", "2027-01-15T06:00:00Z"),
    ];
    let mut result_files = Vec::new();
    for (name, now) in runs {
        let r = results(dir.path(), now);
        let extra: &[&str] = if name == "a" { &["--tar"] } else { &[] };
        let o = pack(&r, &secret, &packs.join(name), extra);
        assert_eq!(o.code, 0, "{}", o.stderr);
        result_files.push(r);
    }
    let expected = expected_counts(&[&result_files[0], &result_files[1]]);
    assert!(
        expected.values().any(|c| c.len() > 1),
        "the two runs should differ somewhere"
    );

    let o = run(&[
        "pack",
        "index",
        "--period",
        "2026-01-01..2026-12-31",
        path_str(&packs),
        "--key",
        path_str(&public),
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let ix: Value = serde_json::from_str(&o.stdout).unwrap();
    let states: BTreeMap<String, String> = ix["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = Path::new(p["pack"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, p["state"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(states["a"], "included");
    assert_eq!(states["a.tar.gz"], "duplicate");
    assert_eq!(states["b"], "included");
    assert_eq!(states["c"], "outside_period");
    let controls = ix["controls"].as_array().unwrap();
    assert_eq!(controls.len(), expected.len());
    for c in controls {
        let id = c["id"].as_str().unwrap();
        let want = &expected[id];
        let got: BTreeMap<String, u64> = c["counts"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(&got, want, "{id}");
        assert_eq!(c["runs"], 2, "{id}");
        let pass = want.get("pass").copied().unwrap_or(0) as f64 / 2.0;
        assert_eq!(c["pass_ratio"].as_f64().unwrap(), pass, "{id}");
        assert_eq!(c["history"][0]["evaluated_at"], runs[0].1);
        assert_eq!(c["history"][1]["evaluated_at"], runs[1].1);
    }

    // The spelling gives the same index, as a table.
    let o = run(&[
        "pack",
        "--period",
        "2026-01-01..2026-12-31",
        "--packs",
        path_str(&packs),
        "--key",
        path_str(&public),
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "2 pack(s) counted, 1 outside the period, 0 failed verification, 1 duplicate(s)"
        ),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("tls.min-protocol-1-2"), "{}", o.stdout);

    // A tampered pack is listed, not counted, and fails the index.
    let doc = first_file(&packs.join("b/evidence/tls.endpoint"));
    std::fs::write(&doc, "{}").unwrap();
    let o = run(&[
        "pack",
        "index",
        "--period",
        "2026-01-01..2026-12-31",
        path_str(&packs),
        "--key",
        path_str(&public),
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stderr.contains("1 pack(s) failed verification"),
        "{}",
        o.stderr
    );
    let ix: Value = serde_json::from_str(&o.stdout).unwrap();
    let failed: Vec<&Value> = ix["packs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["state"] == "failed_verification")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["pack"].as_str().unwrap().ends_with("/b"));
    assert!(failed[0]["problems"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("edited"));
    let only_a = expected_counts(&[&result_files[0]]);
    for c in ix["controls"].as_array().unwrap() {
        assert_eq!(c["runs"], 1);
        let id = c["id"].as_str().unwrap();
        let st = c["last"].as_str().unwrap();
        assert_eq!(only_a[id].get(st), Some(&1), "{id}");
    }

    // Markdown, and a period with nothing in it.
    let o = run(&[
        "pack",
        "index",
        "--period",
        "2027-01-01..2027-12-31",
        path_str(&packs.join("c")),
        "--key",
        path_str(&public),
        "--format",
        "markdown",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .starts_with("# Evidence packs: 2027-01-01..2027-12-31"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("| control | runs | pass |"),
        "{}",
        o.stdout
    );
    let o = run(&[
        "pack",
        "index",
        "--period",
        "2025-01-01..2025-12-31",
        path_str(&packs.join("c")),
        "--key",
        path_str(&public),
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("no sound pack was run in the period"),
        "{}",
        o.stderr
    );
    let o = run(&[
        "pack",
        "index",
        "--period",
        "2026-12-31..2026-01-01",
        path_str(&packs),
        "--key",
        path_str(&public),
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("FROM is after TO"), "{}", o.stderr);
}

fn minisign() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let have = || {
            Command::new("minisign")
                .arg("-v")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !have() {
            let _ = Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "minisign"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output();
        }
        assert!(
            have(),
            "minisign is needed for tests/pack_cli.rs: apt-get install minisign (scripts/test installs it)"
        );
    });
}

#[test]
fn the_standalone_minisign_tool_verifies_a_pack() {
    minisign();
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(dir.path());
    let check = |manifest: &Path| {
        Command::new("minisign")
            .arg("-Vm")
            .arg(manifest)
            .arg("-x")
            .arg(f.pack.join("MANIFEST.sig"))
            .arg("-p")
            .arg(&f.public)
            .output()
            .unwrap()
    };
    let o = check(&f.pack.join("MANIFEST"));
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("assay evidence pack; created_at="));
    // And rejects a changed MANIFEST.
    let changed = write_file(
        dir.path(),
        "MANIFEST",
        &(std::fs::read_to_string(f.pack.join("MANIFEST")).unwrap() + "\n"),
    );
    assert!(!check(&changed).status.success());
}
