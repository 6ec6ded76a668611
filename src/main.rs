//! The `assay` command line: flags, dispatch and exit codes. Everything else lives in the
//! library so it can be tested and benchmarked without a process.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use assay::bundle::Bundle;
use assay::catalog::validate::validate;
use assay::catalog::{Catalog, Diagnostics, Framework};
use assay::evidence::schema::KindRegistry;
use assay::policy::{test as policy_test, PolicySet};

/// Exit code when every gated control passed.
const EXIT_PASS: u8 = 0;
/// Exit code when a control failed or errored at or above --fail-on (or the gate failed).
const EXIT_GATE: u8 = 1;
/// Exit code when the run itself could not be done (bad input, unreadable catalog).
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "assay",
    version,
    about = "Prove that security claims are true: YAML controls, Rego policies, evidence, honest verdicts.",
    long_about = None,
    after_help = "Exit codes: 0 every gated control passed; 1 a control failed or errored at or above --fail-on, \
or nothing was evaluated; 2 the run could not be done (bad input)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Catalog commands: validate, list.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Print a control: its policy rule and source, params, evidence kinds and mappings.
    #[command(after_help = "Example:\n  assay explain tls.min-protocol-1-2")]
    Explain {
        /// The control id.
        control: String,
        /// Use the catalog in DIR (with controls/ and policies/) instead of the built-in one.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
    },
    /// Policy commands: test.
    #[command(subcommand)]
    Policy(PolicyCmd),
}

#[derive(Subcommand)]
enum CatalogCmd {
    /// Check the catalog: unique ids, known severities and evidence kinds, rules that exist,
    /// params that match what each rule reads, well-formed framework ids, valid profiles.
    #[command(after_help = "Examples:\n  assay catalog validate\n  assay catalog validate --catalog ./my-catalog")]
    Validate {
        /// Use the catalog in DIR (with controls/ and policies/) instead of the built-in one.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
    },
    /// List the controls, optionally only those mapped to one framework.
    #[command(after_help = "Examples:\n  assay catalog list\n  assay catalog list --framework soc2")]
    List {
        /// Only controls mapped to this framework (soc2, iso27001, c5, pci, nist).
        #[arg(long)]
        framework: Option<Framework>,
        /// Use the catalog in DIR instead of the built-in one.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PolicyCmd {
    /// Run the policies' unit tests (test_* rules in *_test.rego), like `opa test`.
    #[command(after_help = "Examples:\n  assay policy test\n  assay policy test policies/ --coverage\n  assay policy test policies/ --run tls")]
    Test {
        /// A folder of .rego files (policies and their tests); default: the built-in policies.
        dir: Option<PathBuf>,
        /// Print line coverage of each policy file.
        #[arg(long)]
        coverage: bool,
        /// Only run tests whose full name contains this text.
        #[arg(long, value_name = "TEXT")]
        run: Option<String>,
        /// Print only failing tests and the summary.
        #[arg(long, short)]
        quiet: bool,
    },
}

/// An error that ends the command with exit code 2.
struct Fatal(String);

impl From<Diagnostics> for Fatal {
    fn from(d: Diagnostics) -> Self {
        Fatal(d.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_PASS };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(Fatal(msg)) => {
            eprintln!("assay: error: {msg}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: Cli) -> Result<u8, Fatal> {
    match cli.command {
        Command::Catalog(CatalogCmd::Validate { catalog }) => cmd_validate(catalog.as_deref()),
        Command::Catalog(CatalogCmd::List { framework, catalog }) => cmd_list(catalog.as_deref(), framework),
        Command::Explain { control, catalog } => cmd_explain(catalog.as_deref(), &control),
        Command::Policy(PolicyCmd::Test { dir, coverage, run, quiet }) => {
            cmd_policy_test(dir.as_deref(), coverage, run.as_deref(), quiet)
        }
    }
}

fn load_bundle(dir: Option<&Path>) -> Result<Bundle, Fatal> {
    match dir {
        Some(d) => Bundle::from_dir(d).map_err(|e| Fatal(e.to_string())),
        None => Ok(Bundle::builtin()),
    }
}

/// Loads and validates a catalog; any problem stops the command.
struct Loaded {
    catalog: Catalog,
    policies: PolicySet,
    kinds: KindRegistry,
}

fn load_valid(dir: Option<&Path>) -> Result<Loaded, Fatal> {
    let bundle = load_bundle(dir)?;
    let kinds = KindRegistry::from_bundle(&bundle)?;
    let policies = PolicySet::compile(&bundle)?;
    let catalog = Catalog::load(bundle)?;
    let diags = validate(&catalog, &policies, &kinds);
    if !diags.is_empty() {
        return Err(Fatal(format!(
            "the catalog is invalid ({} problem(s)); run `assay catalog validate`:\n{}",
            diags.len(),
            Diagnostics(diags)
        )));
    }
    Ok(Loaded { catalog, policies, kinds })
}

fn cmd_validate(dir: Option<&Path>) -> Result<u8, Fatal> {
    let bundle = load_bundle(dir)?;
    let origin = bundle.origin_label();
    let mut diags = Vec::new();
    let kinds = KindRegistry::from_bundle(&bundle).map_err(|d| diags.extend(d.0)).ok();
    let policies = PolicySet::compile(&bundle).map_err(|d| diags.extend(d.0)).ok();
    let catalog = Catalog::load(bundle).map_err(|d| diags.extend(d.0)).ok();
    let mut count = 0;
    if let (Some(k), Some(p), Some(c)) = (&kinds, &policies, &catalog) {
        diags.extend(validate(c, p, k));
        count = c.controls.len();
    }
    if diags.is_empty() {
        println!("catalog {origin}: {count} controls valid");
        Ok(EXIT_PASS)
    } else {
        for d in &diags {
            eprintln!("{d}");
        }
        eprintln!("catalog {origin}: {} problem(s)", diags.len());
        Ok(EXIT_USAGE)
    }
}

fn cmd_list(dir: Option<&Path>, framework: Option<Framework>) -> Result<u8, Fatal> {
    let loaded = load_valid(dir)?;
    let mut rows = Vec::new();
    for c in &loaded.catalog.controls {
        let criteria = match framework {
            Some(fw) if c.criteria(fw).is_empty() => continue,
            Some(fw) => c.criteria(fw).join(", "),
            None => c.frameworks.keys().map(|f| f.key()).collect::<Vec<_>>().join(", "),
        };
        rows.push([c.id.clone(), c.severity.to_string(), c.title.clone(), criteria]);
    }
    let header = match framework {
        Some(fw) => fw.key().to_string(),
        None => "frameworks".to_string(),
    };
    let mut b = tabled::builder::Builder::default();
    b.push_record(["control", "severity", "title", header.as_str()]);
    for r in &rows {
        b.push_record(r.clone());
    }
    let mut table = b.build();
    table.with(tabled::settings::Style::sharp());
    println!("{table}");
    println!("{} controls", rows.len());
    Ok(EXIT_PASS)
}

fn cmd_explain(dir: Option<&Path>, id: &str) -> Result<u8, Fatal> {
    let loaded = load_valid(dir)?;
    let Some(c) = loaded.catalog.get(id) else {
        let ids: std::collections::BTreeSet<&str> = loaded.catalog.controls.iter().map(|c| c.id.as_str()).collect();
        return Err(Fatal(format!(
            "no control '{id}'{}; `assay catalog list` shows them all",
            assay::catalog::profile::suggest(id, &ids)
        )));
    };
    let mut out = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(out, "{} — {}", c.id, c.title);
    let _ = writeln!(out, "severity: {}   max evidence age: {}{}", c.severity, c.max_age, if c.manual { "   manual (attestation)" } else { "" });
    let _ = writeln!(out, "defined in: {}:{}", loaded.catalog.bundle.display_path(&c.location.file), c.location.line);
    let _ = writeln!(out, "\n{}\n", c.description.trim());
    let _ = writeln!(out, "evidence kinds: {}", c.evidence.join(", "));
    if !c.tags.is_empty() {
        let _ = writeln!(out, "tags: {}", c.tags.join(", "));
    }
    let _ = writeln!(out, "params:");
    if c.params.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for (k, v) in &c.params {
        let _ = writeln!(out, "  {k}: {v}");
    }
    let _ = writeln!(out, "frameworks:");
    for (fw, ids) in &c.frameworks {
        let named: Vec<String> = ids
            .iter()
            .map(|i| match assay::catalog::frameworks::criterion_title(*fw, i) {
                Some(t) => format!("{i} ({t})"),
                None => i.clone(),
            })
            .collect();
        let _ = writeln!(out, "  {:<9} {}", fw.key(), named.join("; "));
    }
    if !c.claims.is_empty() {
        let _ = writeln!(out, "claims it verifies:");
        for cl in &c.claims {
            let _ = writeln!(out, "  - {cl}");
        }
    }
    let _ = writeln!(out, "\nremediation:\n{}", indent(c.remediation.trim()));
    let _ = writeln!(out, "\npolicy rule: {}", c.rule);
    if let Some((pkg, rule)) = c.rule_parts() {
        if let Some((file, line)) = loaded.policies.rule_location(pkg, rule) {
            let _ = writeln!(out, "defined in: {}:{line}\n", loaded.catalog.bundle.display_path(file));
            if let Some(src) = loaded.policies.package(pkg).and_then(|files| {
                files.iter().find_map(|(_, f)| f.blocks.get(rule).map(|b| b.iter().map(|b| b.text.clone()).collect::<Vec<_>>().join("\n")))
            }) {
                let _ = writeln!(out, "{}", src.trim_end());
            }
        }
    }
    print!("{out}");
    let _ = loaded.kinds;
    Ok(EXIT_PASS)
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

fn cmd_policy_test(dir: Option<&Path>, coverage: bool, filter: Option<&str>, quiet: bool) -> Result<u8, Fatal> {
    let sources = match dir {
        Some(d) => policy_test::sources_from_dir(d)?,
        None => Bundle::builtin()
            .files("policies/", "rego")
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    };
    let report = policy_test::run(&sources, coverage, filter)?;
    let color = std::io::stdout().is_terminal();
    let paint = |s: &str, code: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut out = std::io::stdout().lock();
    for r in &report.results {
        let ms = r.duration.as_secs_f64() * 1000.0;
        match &r.outcome {
            policy_test::Outcome::Pass if quiet => {}
            policy_test::Outcome::Pass => {
                let _ = writeln!(out, "{} {} ({ms:.1} ms)", paint("PASS", "32"), r.name);
            }
            policy_test::Outcome::Fail => {
                let _ = writeln!(out, "{} {} ({}:{})", paint("FAIL", "31"), r.name, r.file, r.line);
            }
            policy_test::Outcome::Error(e) => {
                let _ = writeln!(out, "{} {} ({}:{})\n  {}", paint("ERROR", "31"), r.name, r.file, r.line, e.replace('\n', "\n  "));
            }
        }
    }
    if let Some(cov) = &report.coverage {
        let _ = writeln!(out, "\ncoverage:");
        let (mut c, mut t) = (0, 0);
        for f in cov {
            c += f.covered;
            t += f.total;
            let pct = if f.total == 0 { 100.0 } else { 100.0 * f.covered as f64 / f.total as f64 };
            let missing: Vec<String> = f.not_covered.iter().map(|l| l.to_string()).collect();
            let _ = writeln!(
                out,
                "  {pct:5.1}%  {}{}",
                f.file,
                if missing.is_empty() { String::new() } else { format!("  (lines not reached: {})", missing.join(",")) }
            );
        }
        let pct = if t == 0 { 100.0 } else { 100.0 * c as f64 / t as f64 };
        let _ = writeln!(out, "  {pct:5.1}%  total");
    }
    let _ = writeln!(out, "\npolicy tests: {} passed, {} failed", report.passed(), report.failed());
    if report.results.is_empty() {
        let _ = writeln!(out, "no tests found (expected test_* rules in *_test.rego files)");
        return Ok(EXIT_GATE);
    }
    Ok(if report.failed() == 0 { EXIT_PASS } else { EXIT_GATE })
}
