//! Statements as profiles: the built-in vendor profiles, their claims, `assay profile
//! coverage`, the Clozer "as stated" variant, and the vendor examples that run as they are.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use assay::bundle::Bundle;
use assay::catalog::profile::{builtin_names, find_quote, quote_at, ClaimStatus, Profile};
use assay::catalog::Catalog;
use common::{path_str, root, run, write_file};
use serde_json::Value;

const NOW: &str = "2026-11-25T06:00:00Z";

/// The vendors with a statement, a built-in profile and an example folder.
const VENDORS: [&str; 5] = ["cloudmore", "cloudset", "clozer", "coloom", "evermood"];

fn catalog() -> Catalog {
    Catalog::load(Bundle::builtin()).expect("built-in catalog")
}

/// The statement profiles: name → profile.
fn statement_profiles() -> BTreeMap<String, Profile> {
    let cat = catalog();
    builtin_names(&cat)
        .into_iter()
        .map(|n| {
            let p = Profile::resolve(&n, &cat).unwrap_or_else(|d| panic!("{n}: {d}"));
            (n, p)
        })
        .filter(|(_, p)| p.statement.is_some())
        .collect()
}

#[test]
fn every_shipped_profile_loads_and_validates() {
    let cat = catalog();
    let names = builtin_names(&cat);
    for v in VENDORS {
        assert!(
            names.iter().any(|n| n == v),
            "no built-in profile {v}: {names:?}"
        );
    }
    for n in &names {
        let p = Profile::resolve(n, &cat).unwrap();
        let sel = p
            .select(&cat)
            .unwrap_or_else(|d| panic!("profile {n}: {d}"));
        assert!(!sel.is_empty(), "{n} selects nothing");
    }
    let o = run(&["catalog", "validate"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // The example's own profile (the whole catalog) is valid too.
    let ex = Profile::resolve("examples/coloom/profile.yaml", &cat).unwrap();
    ex.select(&cat).unwrap();
}

#[test]
fn every_claim_quotes_its_statement_at_its_line() {
    let profiles = statement_profiles();
    assert_eq!(
        profiles.keys().map(String::as_str).collect::<Vec<_>>(),
        VENDORS,
        "one statement profile per vendor"
    );
    let mut used = Vec::new();
    for (name, p) in &profiles {
        let st = p.statement.as_ref().unwrap();
        // The repository's copy, as a clean clone has it.
        let file = root().join("statements").join(&st.file);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{name}: {}: {e}", file.display()));
        used.push(st.file.clone());
        assert!(!p.claims.is_empty(), "{name} quotes no claim");
        for (i, c) in p.claims.iter().enumerate() {
            assert!(
                quote_at(&text, c.line, &c.quote),
                "{name}: claims[{i}] is not at line {} of {} (found at {:?}): {:?}",
                c.line,
                st.file,
                find_quote(&text, &c.quote),
                c.quote
            );
        }
    }
    // Every statement in statements/ belongs to a profile.
    let mut files: Vec<String> = std::fs::read_dir(root().join("statements"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".txt"))
        .collect();
    files.sort();
    used.sort();
    assert_eq!(files, used);
}

#[test]
fn coverage_counts_of_clozer_are_exact() {
    let o = run(&["profile", "coverage", "clozer", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let c: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(c["schema"], "assay.coverage/v1");
    assert_eq!(c["statement"]["file"], "002_f3bf2c179f552bff.txt");
    assert_eq!(
        c["counts"],
        serde_json::json!({"checked": 12, "manual": 3, "not_covered": 5, "total": 20})
    );
    let claims = c["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 20);
    let tls = claims
        .iter()
        .find(|c| {
            c["line"] == 13
                && c["quote"]
                    .as_str()
                    .unwrap()
                    .contains("version 1.0 or higher")
        })
        .expect("the TLS 1.0 claim");
    assert_eq!(tls["status"], "checked");
    let ids: Vec<&str> = tls["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.starts_with(&["tls.min-protocol-as-stated", "tls.min-protocol-1-2"]),
        "{ids:?}"
    );
    assert_eq!(tls["controls"][0]["variant_of"], "tls.min-protocol-1-2");
    let scram = claims
        .iter()
        .find(|c| c["quote"] == "and database authorization is via SCRAM.")
        .unwrap();
    assert_eq!(scram["status"], "not_covered");
    assert!(scram["why"].as_str().unwrap().contains("db.tls"));

    // The table and Markdown say the same, with the counts last.
    let t = run(&["profile", "coverage", "clozer"]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(
        t.stdout.contains("tls.min-protocol-as-stated"),
        "{}",
        t.stdout
    );
    assert!(
        t.stdout
            .trim_end()
            .ends_with("20 claims: 12 checked, 3 manual, 5 not covered"),
        "{}",
        t.stdout
    );
    let md = run(&["profile", "coverage", "clozer", "--format", "markdown"]);
    assert!(md.stdout.contains("| not_covered | 5 |"), "{}", md.stdout);
    assert!(md
        .stdout
        .contains("`tls.min-protocol-as-stated` (variant of `tls.min-protocol-1-2`)"));
}

#[test]
fn coverage_counts_add_up_for_every_vendor() {
    let cat = catalog();
    for (name, p) in statement_profiles() {
        let sel = p.select(&cat).unwrap();
        let c = assay::catalog::coverage::Coverage::new(&p, &sel);
        let n = c.counts;
        assert_eq!(n.total, p.claims.len(), "{name}");
        assert_eq!(n.checked + n.manual + n.not_covered, n.total, "{name}");
        for s in ClaimStatus::ALL {
            assert!(n.get(s) > 0, "{name} has no {s} claim");
        }
        // A statement profile selects only what its claims need.
        assert!(
            c.other_controls.is_empty(),
            "{name}: {:?}",
            c.other_controls
        );
    }
}

#[test]
fn profile_list_names_the_vendors() {
    let o = run(&["profile", "list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for v in [
        "Clozer",
        "Cloudmore",
        "Evermood",
        "Coloom (Digitalgrad UG)",
        "Coherence Design (Cloudset)",
    ] {
        assert!(o.stdout.contains(v), "{v}: {}", o.stdout);
    }
    assert!(o.stdout.contains("6 profiles"), "{}", o.stdout);
}

/// `assay check` on `examples/<vendor>/evidence` with the built-in profile and the
/// example's waivers: (exit code, results JSON).
fn example(vendor: &str) -> (i32, Value) {
    let profile = if vendor == "coloom" {
        "examples/coloom/profile.yaml".to_string()
    } else {
        vendor.to_string()
    };
    let ev = format!("examples/{vendor}/evidence");
    let waivers = format!("examples/{vendor}/waivers.yaml");
    let o = run(&[
        "check",
        "--evidence",
        &ev,
        "--profile",
        &profile,
        "--waivers",
        &waivers,
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_ne!(o.code, 2, "{vendor}: {}", o.stderr);
    (
        o.code,
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{vendor}: {e}")),
    )
}

fn control<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"))
}

#[test]
fn clozer_tls_claim_passes_as_stated_and_fails_against_tls_1_2() {
    let (code, r) = example("clozer");
    assert_eq!(code, 1);
    let stated = control(&r, "tls.min-protocol-as-stated");
    assert_eq!(stated["status"], "pass", "{stated}");
    assert_eq!(stated["params"]["min_protocol"], "tls1_0");
    assert_eq!(stated["rule"], "data.assay.tls.min_protocol");
    assert!(stated["title"].as_str().unwrap().contains("as stated"));
    assert!(stated["description"]
        .as_str()
        .unwrap()
        .starts_with("Profile variant of tls.min-protocol-1-2"));
    let modern = control(&r, "tls.min-protocol-1-2");
    assert_eq!(modern["status"], "fail", "{modern}");
    assert_eq!(modern["params"]["min_protocol"], "tls1_2");
    // The same endpoint, judged both ways.
    let api = |c: &Value| -> Vec<String> {
        c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["subject"] == "api.clozer.example:443")
            .map(|f| f["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(api(stated), ["pass"]);
    assert_eq!(api(modern), ["fail", "fail"], "TLS 1.0 and TLS 1.1 offered");
    // The gate names the modern control, not the variant.
    let o = run(&[
        "check",
        "--evidence",
        "examples/clozer/evidence",
        "--profile",
        "clozer",
        "--now",
        NOW,
    ]);
    assert!(
        o.stderr.contains("tls.min-protocol-1-2 fail"),
        "{}",
        o.stderr
    );
    assert!(
        !o.stderr.contains("tls.min-protocol-as-stated"),
        "{}",
        o.stderr
    );
}

#[test]
fn every_vendor_example_shows_every_status_and_fails_the_gate() {
    for v in VENDORS {
        let (code, r) = example(v);
        assert_eq!(code, 1, "{v}: the gate must fail");
        let by = &r["summary"]["by_status"];
        for s in [
            "pass",
            "fail",
            "error",
            "waived",
            "manual",
            "attested",
            "not_applicable",
        ] {
            assert!(
                by[s].as_u64().unwrap_or(0) > 0,
                "{v}: no control is {s}: {by}"
            );
        }
        // One stale document behind an error, one active waiver.
        let stale = r["controls"].as_array().unwrap().iter().any(|c| {
            c["findings"].as_array().unwrap().iter().any(|f| {
                f["status"] == "error"
                    && f["message"].as_str().unwrap().starts_with("stale evidence")
            })
        });
        assert!(stale, "{v}: no stale evidence");
        assert!(
            r["waivers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["state"] == "active"),
            "{v}: no active waiver"
        );
    }
}

#[test]
fn vendor_readmes_print_the_summary_the_run_prints() {
    for v in VENDORS {
        let profile = if v == "coloom" {
            "examples/coloom/profile.yaml".to_string()
        } else {
            v.to_string()
        };
        let ev = format!("examples/{v}/evidence");
        let waivers = format!("examples/{v}/waivers.yaml");
        let o = run(&[
            "check",
            "--evidence",
            &ev,
            "--profile",
            &profile,
            "--waivers",
            &waivers,
            "--now",
            NOW,
        ]);
        let summary = o
            .stdout
            .lines()
            .find(|l| l.contains(" controls: "))
            .unwrap_or_else(|| panic!("{v}: no summary line:\n{}", o.stdout));
        let readme =
            std::fs::read_to_string(root().join(format!("examples/{v}/README.md"))).unwrap();
        assert!(
            readme.contains(&format!("`{summary}`")),
            "{v}: README lacks the summary `{summary}`"
        );
        if v != "coloom" {
            assert!(
                readme.contains(&format!("--profile {v}")),
                "{v}: README lacks the command"
            );
            let cov = run(&["profile", "coverage", v]);
            let counts = cov.stdout.trim_end().lines().last().unwrap().to_string();
            assert!(
                readme.contains(&format!("`{counts}`")),
                "{v}: README lacks `{counts}`"
            );
        }
    }
}

#[test]
fn vendor_evidence_is_the_import_of_its_raw_documents() {
    for v in VENDORS {
        let dir = tempfile::tempdir().unwrap();
        let into = dir.path().join("evidence");
        let raw = root().join(format!("examples/{v}/raw"));
        let mut files: Vec<String> = std::fs::read_dir(&raw)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        files.sort();
        let mut args = vec!["evidence", "import"];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--into", path_str(&into)]);
        let o = run(&args);
        assert_eq!(o.code, 0, "{v}: {}", o.stderr);
        assert_same_tree(&into, &root().join(format!("examples/{v}/evidence")), v);
    }
}

fn assert_same_tree(a: &Path, b: &Path, what: &str) {
    let list = |d: &Path| -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![d.to_path_buf()];
        while let Some(p) = stack.pop() {
            for e in std::fs::read_dir(&p).unwrap() {
                let e = e.unwrap().path();
                if e.is_dir() {
                    stack.push(e);
                } else {
                    let rel = e.strip_prefix(d).unwrap().display().to_string();
                    out.insert(rel, std::fs::read(&e).unwrap());
                }
            }
        }
        out
    };
    let (x, y) = (list(a), list(b));
    assert_eq!(
        x.keys().collect::<Vec<_>>(),
        y.keys().collect::<Vec<_>>(),
        "{what}: evidence/ is not the import of raw/ (run assay evidence import examples/{what}/raw/*.json --into examples/{what}/evidence)"
    );
    for (k, v) in &x {
        assert!(y[k] == *v, "{what}: {k} differs from the import of raw/");
    }
}

/// A profile with one claim of Clozer's statement, written to a scratch folder.
fn bad_profile(dir: &Path, claim: &str) -> String {
    let yaml = format!(
        "name: bad\nstatement: {{ file: 002_f3bf2c179f552bff.txt, vendor: Clozer }}\nselect: {{ ids: [encryption.db-tls-required] }}\nclaims:\n  - quote: \"Up to seven replicas of your data are maintained\"\n    line: 21\n    status: not_covered\n    why: only a ceiling\n{claim}"
    );
    path_str(&write_file(dir, "bad.yaml", &yaml)).to_string()
}

#[test]
fn bad_claims_are_clear_errors_naming_profile_and_claim() {
    let dir = tempfile::tempdir().unwrap();
    for (claim, want) in [
        (
            "  - quote: \"All connections to the database are IP whitelisted and encrypted with TLS.\"\n    line: 17\n    controls: [encryption.db-tls-requird]\n",
            "bad.yaml:9: claims[1]: controls: unknown control id 'encryption.db-tls-requird' (did you mean 'encryption.db-tls-required'?)",
        ),
        (
            "  - quote: \"All connections to the database are IP whitelisted and encrypted with TLS.\"\n    line: 17\n    controls: [encryption.db-tls-required, encryption.db-connections-encrypted]\n",
            "bad.yaml:9: claims[1]: controls: encryption.db-connections-encrypted checks this claim but is not selected by the profile",
        ),
        (
            "  - quote: \"All connections to the database are IP whitelisted and encrypted with TLS.\"\n    line: 13\n    controls: [encryption.db-tls-required]\n",
            "bad.yaml:9: claims[1]: quote: not at line 13 of statements/002_f3bf2c179f552bff.txt (built-in); it is at line 17",
        ),
        (
            "  - quote: \"All connections to the database are IP-whitelisted and encrypted with TLS.\"\n    line: 17\n    controls: [encryption.db-tls-required]\n",
            "it is nowhere in the statement (a quote must be verbatim; only whitespace may differ)",
        ),
    ] {
        let p = bad_profile(dir.path(), claim);
        for args in [
            vec!["profile", "coverage", p.as_str()],
            vec!["check", "--evidence", "examples/clozer/evidence", "--profile", p.as_str(), "--now", NOW],
        ] {
            let o = run(&args);
            assert_eq!(o.code, 2, "{args:?}: {}{}", o.stdout, o.stderr);
            assert!(o.stderr.contains(want), "{args:?}: wanted {want:?} in:\n{}", o.stderr);
            assert!(o.stderr.contains("(\"All connections to the database"), "names the claim: {}", o.stderr);
        }
    }
    // Whitespace is all a quote may change: a line break and doubled spaces still match.
    let p = bad_profile(
        dir.path(),
        "  - quote: \"All  connections to the database\n      are IP whitelisted and encrypted with TLS.\"\n    line: 17\n    controls: [encryption.db-tls-required]\n",
    );
    let o = run(&["profile", "coverage", &p]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("2 claims: 1 checked, 0 manual, 1 not covered"),
        "{}",
        o.stdout
    );
}

#[test]
fn a_statement_beside_a_profile_file_is_found_and_waivers_may_name_variants() {
    let dir = tempfile::tempdir().unwrap();
    write_file(
        dir.path(),
        "security.txt",
        "Our promises\n\nWe only speak TLS 1.0 or better.\n",
    );
    let p = write_file(
        dir.path(),
        "p.yaml",
        "name: own\nstatement: { file: security.txt, vendor: Us }\nselect: { ids: [tls.min-protocol-1-2] }\nvariants:\n  - id: tls.min-protocol-1-2\n    as: tls.min-protocol-promised\n    params: { min_protocol: tls1_0 }\nclaims:\n  - quote: We only speak TLS 1.0 or better.\n    line: 3\n    controls: [tls.min-protocol-promised, tls.min-protocol-1-2]\n",
    );
    let w = write_file(
        dir.path(),
        "waivers.yaml",
        "waivers:\n  - control: tls.min-protocol-promised\n    subjects: \"*\"\n    reason: test\n    owner: me@example.com\n    expires: 2027-01-01T00:00:00Z\n",
    );
    let o = run(&["profile", "coverage", path_str(&p), "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let c: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(c["counts"]["checked"], 1);
    let o = run(&[
        "check",
        "--evidence",
        "examples/clozer/evidence",
        "--profile",
        path_str(&p),
        "--waivers",
        path_str(&w),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let r: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(control(&r, "tls.min-protocol-promised")["status"], "pass");
    assert_eq!(control(&r, "tls.min-protocol-1-2")["status"], "fail");
    // A statement changed under the profile stops it.
    write_file(
        dir.path(),
        "security.txt",
        "Our promises\n\nWe speak TLS 1.0 or better.\n",
    );
    let o = run(&["profile", "coverage", path_str(&p)]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("claims[0]: quote: not at line 3 of"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("security.txt"), "{}", o.stderr);
}
