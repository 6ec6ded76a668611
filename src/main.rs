//! The `assay` command line: flags, dispatch and exit codes. Everything else lives in the
//! library so it can be tested and benchmarked without a process.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use assay::bundle::Bundle;
use assay::catalog::validate::validate;
use assay::catalog::{Catalog, Diagnostics, Framework};
use assay::check::result::RunResult;
use assay::evidence::schema::KindRegistry;
use assay::evidence::store::EvidenceDir;
use assay::policy::{test as policy_test, PolicySet};
use assay::report::{render, Format, RenderOptions};
use assay::severity::FailOn;

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
    /// Judge the selected controls against an evidence folder and report.
    #[command(after_help = "Examples:
  assay check --evidence examples/coloom/evidence --profile examples/coloom/profile.yaml \\
      --waivers examples/coloom/waivers.yaml --now 2026-11-25T06:00:00Z
  assay check --evidence ev/ --fail-on high --format json --output results.json \\
      --write junit=junit.xml --write sarif=results.sarif
  assay check --evidence ev/ --baseline main-results.json --fail-on high")]
    Check(CheckArgs),
    /// Re-render a saved results.json without re-running (waiver expiry is recomputed).
    #[command(after_help = "Examples:
  assay report results.json --format markdown --output report.md
  assay report results.json --format table --framework soc2")]
    Report(ReportArgs),
    /// Compare two results.json per control and subject: new failures, fixes, what still
    /// fails, changed statuses and moved evidence. Exit 1 on a new failure at or above
    /// --fail-on, so CI can gate a change on what it broke.
    #[command(after_help = "Examples:
  assay diff main.json pr.json
  assay diff main.json pr.json --format markdown --output comment.md --fail-on high
  assay diff last-month.json today.json --format json --output diff.json

Categories (per control and subject): new_failure: fail or error now, and pass, waived, manual,
attested, not_applicable or absent before (a waiver that expired counts); fixed: fail or error
before, pass now; still_failing: the same failing status; status_changed: any other change
(error -> fail included); evidence_changed: the same verdict, other evidence hashes; added /
removed: in one run only (a vanished failure is removed, not fixed). OLD's waivers stand as
they were when it was evaluated; NEW's are re-decided at --now. See docs/ci.md.

Exit codes: 0 no new failure at or above --fail-on; 1 a new failure, or NEW evaluated no
control, only not_applicable ones, or evidence that failed verification; 2 a file is missing
or not an assay results document.")]
    Diff(DiffArgs),
    /// Measure real infrastructure and write evidence: tls.
    #[command(subcommand)]
    Collect(CollectCmd),
    /// Evidence folder commands: import, list, verify.
    #[command(subcommand)]
    Evidence(EvidenceCmd),
    /// Signing keys for evidence packs (Ed25519, minisign format): generate.
    #[command(subcommand)]
    Key(KeyCmd),
    /// Evidence packs: seal the evidence, the results and the catalog they were judged
    /// with into one signed folder (or .tar.gz); verify a pack; index an audit period.
    #[command(
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true,
        after_help = "Examples:
  assay key generate --out keys/audit
  assay check --evidence ev/ --profile prod.yaml --format json --output results.json
  assay pack --evidence ev/ --results results.json --profile prod.yaml --key keys/audit.key --out packs/2026-11 --tar
  assay pack verify packs/2026-11.tar.gz --key keys/audit.pub
  assay pack index --period 2026-01-01..2026-12-31 packs/ --key keys/audit.pub
  assay pack --period 2026-01-01..2026-12-31 --packs packs/ --key keys/audit.pub   (the same index)

The pack: evidence/ (as is, with its manifest.json), results.json, catalog/ (the catalog the
results were judged with), profile.yaml and waivers.yaml when given, pack.json, MANIFEST
(sha256sum lines for every file) and MANIFEST.sig (minisign signature of MANIFEST). Packing
refuses evidence that no longer matches its manifest and results judged on other evidence.

Exit codes: 0 packed / verified / every pack sound; 1 the inputs or a pack failed their
checks (each problem names its file); 2 bad usage. See docs/pack.md."
    )]
    Pack(PackArgs),
    /// Vouch for a manual control (training, screening, a plan): writes an attestation
    /// document with who, what, when, until when and the proof file's SHA-256. The check
    /// reports it as `attested`, never as a tested `pass`, and only until it expires.
    #[command(after_help = "Examples:
  assay attest org.security-training --by 'Maria Krause, MD <maria@example.com>' \\
      --statement 'All 16 staff completed the 2026 security training' \\
      --file training-2026.pdf --expires 2027-06-30 --into evidence/
  assay attest org.incident-response-plan --by 'CISO' --statement 'Plan v3 reviewed and tested' \\
      --reference https://wiki.example/irp --expires 2027-01-31T00:00:00Z --into evidence/

A bare date means the end of that day in UTC; the document records the exact instant.")]
    Attest(AttestArgs),
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
    /// Profile commands: coverage of a security statement's claims, list.
    #[command(subcommand)]
    Profile(ProfileCmd),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The evidence folder (with manifest.json).
    #[arg(long, value_name = "DIR")]
    evidence: PathBuf,
    /// A profile: a YAML file, or the name of a built-in profile.
    #[arg(long, value_name = "PROFILE")]
    profile: Option<String>,
    /// Use the catalog in DIR (with controls/ and policies/) instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    catalog: Option<PathBuf>,
    /// A waivers file (YAML).
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
    /// Also write FORMAT to PATH from the same run (repeatable), e.g. --write junit=junit.xml.
    #[arg(long, value_name = "FORMAT=PATH")]
    write: Vec<String>,
    #[command(flatten)]
    gate: GateArgs,
    /// The evaluation instant (RFC 3339 with offset); default: now. Decides evidence
    /// freshness and waiver expiry, so a past run can be reproduced exactly.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
}

#[derive(clap::Args)]
struct AttestArgs {
    /// The manual control attested, e.g. org.security-training.
    control: String,
    /// Who attests: name, role, contact.
    #[arg(long, value_name = "NAME")]
    by: String,
    /// What the person states is true.
    #[arg(long, value_name = "TEXT")]
    statement: String,
    /// A file backing the statement; its name, size and SHA-256 are recorded.
    #[arg(long, value_name = "PROOF")]
    file: Option<PathBuf>,
    /// Until when the attestation counts: RFC 3339, or a date (the end of that day, UTC).
    #[arg(long, value_name = "DATE")]
    expires: String,
    /// A link to the supporting document or ticket.
    #[arg(long, value_name = "URL")]
    reference: Option<String>,
    /// The evidence folder to add the attestation to (created if missing).
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
    /// Use the catalog in DIR (with controls/ and policies/) instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    catalog: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// A results.json written by `assay check --format json`.
    results: PathBuf,
    #[command(flatten)]
    out: OutputArgs,
    #[command(flatten)]
    gate: GateArgs,
    /// The instant at which waivers are re-decided (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The earlier results.json: the baseline.
    old: PathBuf,
    /// The later results.json, compared with OLD.
    new: PathBuf,
    /// Output format.
    #[arg(long, default_value = "table", value_name = "table|json|markdown")]
    format: assay::diff::render::Format,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The instant at which NEW's waivers are re-decided (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Exit 1 if a new failure is at or above this severity
    /// (info, low, medium, high, critical, or none).
    #[arg(long, default_value = "info", value_name = "SEVERITY")]
    fail_on: FailOn,
    /// Do not count a control that newly is `error` only because it has no evidence at all.
    #[arg(long)]
    allow_not_assessed: bool,
}

#[derive(clap::Args)]
struct OutputArgs {
    /// Output format.
    #[arg(
        long,
        default_value = "table",
        value_name = "table|json|junit|sarif|markdown|oscal|html"
    )]
    format: Format,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Show criteria → controls → status for one framework (table, markdown, json, html).
    #[arg(long, value_name = "soc2|iso27001|c5|pci|nist")]
    framework: Option<Framework>,
    /// Never colour the table (colour is used only on a terminal anyway).
    #[arg(long)]
    no_color: bool,
}

#[derive(clap::Args)]
struct GateArgs {
    /// Exit 1 if a control at or above this severity fails or errors
    /// (info, low, medium, high, critical, or none).
    #[arg(long, default_value = "info", value_name = "SEVERITY")]
    fail_on: FailOn,
    /// Do not fail the gate for controls that are `error` only because they have no
    /// evidence at all (they are still reported).
    #[arg(long)]
    allow_not_assessed: bool,
    /// Gate only on what is new relative to FILE, the results.json of an earlier run.
    ///
    /// Exit 1 when a finding (control and subject) at or above --fail-on is fail or error
    /// now and was not before: pass, waived, manual, attested, not_applicable, or absent
    /// (a waiver that has expired since counts). Findings failing in both runs do not,
    /// nor does error becoming fail or back. Whatever the baseline, still exit 1 when no
    /// control was evaluated, every control is not_applicable, or evidence failed
    /// verification. The baseline's waivers stand as they were when it was evaluated. A
    /// baseline judged with another catalog or profile is compared anyway, with a warning
    /// on standard error. The report itself is unchanged; `assay diff` shows the comparison.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
}

#[derive(Subcommand)]
enum CollectCmd {
    /// TCP connect scan: open / closed / filtered per port, and the service on open ports.
    /// Only the named targets are contacted.
    #[command(after_help = "Examples:
  assay collect ports app.example.com 203.0.113.0/28 --ports 1-1024 --vantage internet --into evidence/
  assay collect ports 10.0.0.5 --ports all --vantage internal --rate 2000 --into evidence/
  assay collect ports --inventory inventory.yaml --vantage internet --into evidence/")]
    Ports {
        /// Host names, IPv4/IPv6 addresses or CIDR ranges.
        targets: Vec<String>,
        /// Also scan the inventory's `ports.vantage_<VANTAGE>.targets`, with its `ports`
        /// list unless --ports is given.
        #[arg(long, value_name = "FILE")]
        inventory: Option<PathBuf>,
        /// Ports: `80,443`, `1-1024`, `all`, `top100`, or a mix [default: the inventory's
        /// list, else top100].
        #[arg(long, value_name = "SPEC")]
        ports: Option<String>,
        /// Where this scan runs from: exposure controls judge only internet scans.
        #[arg(long, value_enum)]
        vantage: assay::collect::net::collect::Vantage,
        /// The evidence folder to add the documents to (created if missing).
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// Milliseconds each connect attempt may take.
        #[arg(long, default_value_t = 1500, value_name = "MS")]
        timeout_ms: u64,
        /// Extra attempts for a silent port.
        #[arg(long, default_value_t = 1)]
        retries: u32,
        /// Connections in flight at once.
        #[arg(long, default_value_t = 512)]
        concurrency: usize,
        /// Most new connections per second (0 = no limit).
        #[arg(long, default_value_t = 0)]
        rate: u32,
        /// Refuse target lists that expand to more addresses than this, unless --yes.
        #[arg(long, default_value_t = 256)]
        max_addresses: usize,
        /// Confirm a target list larger than --max-addresses.
        #[arg(long)]
        yes: bool,
    },
    /// Probe TLS endpoints: protocols, cipher suites, key exchange, certificate, HSTS and
    /// the SSL Labs-style grade. Only the named targets are contacted.
    #[command(after_help = "Examples:
  assay collect tls app.example.com api.example.com:8443 --into evidence/
  assay collect tls --inventory inventory.yaml --into evidence/
  assay collect tls 10.0.0.5:443 --ca-file internal-ca.pem --into evidence/")]
    Tls {
        /// HOST, HOST:PORT or [IPv6]:PORT (port 443 when absent).
        targets: Vec<String>,
        /// Also probe the inventory's `tls.endpoints` list.
        #[arg(long, value_name = "FILE")]
        inventory: Option<PathBuf>,
        /// The evidence folder to add the documents to (created if missing).
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// Trust these CA certificates (PEM) instead of Mozilla's root store.
        #[arg(long, value_name = "PEM")]
        ca_file: Option<PathBuf>,
        /// Seconds each connection may take.
        #[arg(long, default_value_t = 10, value_name = "SECONDS")]
        timeout: u64,
        /// Endpoints probed at the same time.
        #[arg(long, default_value_t = 16, value_name = "N")]
        concurrency: usize,
    },
    /// Identity providers: every account, whether it has a second factor and whether it is
    /// an admin (identity.users), and the org-wide 2FA requirement (identity.org).
    /// Tokens are read from environment variables and never written anywhere.
    #[command(after_help = "Examples:
  GITHUB_TOKEN=… assay collect identity github --org coloom --into evidence/
  GITHUB_TOKEN=… assay collect identity github --org eng --base-url https://ghe.example/api/v3 --into evidence/
  GITLAB_TOKEN=… assay collect identity gitlab --base-url https://gitlab.example --into evidence/
  OKTA_API_TOKEN=… assay collect identity okta --base-url https://coloom.okta.com --into evidence/
  GOOGLE_OAUTH_ACCESS_TOKEN=… assay collect identity google --org coloom.example --into evidence/
  GRAPH_ACCESS_TOKEN=… assay collect identity entra --org coloom.onmicrosoft.com --into evidence/
  AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… assay collect identity aws --into evidence/
  sudo assay collect identity sshd --match user=deploy,addr=10.0.0.9 --into evidence/
  assay collect identity --inventory inventory.yaml --into evidence/")]
    Identity(IdentityArgs),
    /// Backup repositories: every snapshot, the newest per source, count and span,
    /// encryption, and on request a restore test; one backup.snapshots document per
    /// repository. Passwords come from RESTIC_PASSWORD / RESTIC_PASSWORD_FILE /
    /// BORG_PASSPHRASE and are never written anywhere.
    #[command(after_help = "Examples:
  RESTIC_PASSWORD_FILE=/etc/restic.pw assay collect backups restic sftp:backup@fsn1:/srv/restic/prod --into evidence/
  RESTIC_PASSWORD=… assay collect backups restic /srv/restic/prod --restore-test --into evidence/
  BORG_PASSPHRASE=… assay collect backups borg ssh://borg@host/./repo --restore-test --into evidence/
  assay collect backups pgbackrest pg-main --into evidence/
  assay collect backups --inventory inventory.yaml --into evidence/")]
    Backups(BackupsArgs),
    /// Where the data lives: Terraform state, AWS CLI listings and Kubernetes node lists
    /// placed by region, and endpoints placed by a GeoIP database (MaxMind DB) that you
    /// supply; cloud.resources documents, one per account. Nothing is written unless
    /// every input could be read.
    #[command(after_help = "Examples:
  assay collect residency --terraform show.json --terraform edge.tfstate --into evidence/
  assay collect residency --terraform infra/prod --into evidence/
  assay collect residency --aws ec2-instances.json --aws rds-instances.json --aws s3-buckets.json --into evidence/
  assay collect residency --kubectl-nodes nodes.json --cluster prod --into evidence/
  assay collect residency --geoip GeoLite2-Country.mmdb --endpoint app.example.com --endpoint 203.0.113.7 --into evidence/
  assay collect residency --inventory inventory.yaml --into evidence/")]
    Residency(ResidencyArgs),
    /// Database replication: each node's role, the replicas the primary streams to, their
    /// state and lag, and whether the connection used TLS; one db.replication document per
    /// cluster. Passwords come from the URL or PGPASSWORD / REDIS_PASSWORD / MYSQL_PWD and are never
    /// written anywhere.
    #[command(after_help = "Examples:
  PGPASSWORD=… assay collect replicas postgres postgres://assay@pg-1:5432/postgres postgres://assay@pg-2:5432/postgres --cluster pg-main --zone pg-1=eu-central-1a --zone pg-2=eu-central-1b --into evidence/
  assay collect replicas postgres 'postgres://assay@pg-1/postgres?sslmode=verify-full&sslrootcert=ca.pem' --into evidence/
  REDIS_PASSWORD=… assay collect replicas redis redis://redis-1:6379 redis://redis-2:6379 --cluster sessions --into evidence/
  MYSQL_PWD=… assay collect replicas mysql mysql://monitor@db-1:3306 mysql://monitor@db-2:3306 --cluster shop --into evidence/
  assay collect replicas --inventory inventory.yaml --into evidence/")]
    Replicas {
        /// The engine; omit it with --inventory to collect every cluster there.
        #[arg(value_enum)]
        engine: Option<ReplicaEngine>,
        /// One URL per node of ONE cluster (primary and standbys; the primary alone is
        /// enough to see the replicas it streams to).
        urls: Vec<String>,
        /// The cluster's name, the evidence subject [default: the first node's host:port].
        #[arg(long, value_name = "NAME")]
        cluster: Option<String>,
        /// The zone of a node: HOST[:PORT]=ZONE (repeatable).
        #[arg(long = "zone", value_name = "HOST=ZONE")]
        zones: Vec<String>,
        /// Also collect the inventory's databases.clusters (entries {name, engine, members:
        /// [URL or {url, zone}]} or {name, engine, endpoint}).
        #[arg(long, value_name = "FILE")]
        inventory: Option<PathBuf>,
        /// The evidence folder to add the documents to (created if missing).
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// Seconds connecting to and asking one node may take.
        #[arg(long, default_value_t = 10, value_name = "SECONDS")]
        timeout: u64,
    },
}

/// A database engine `assay collect replicas` asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ReplicaEngine {
    /// PostgreSQL streaming replication (pg_stat_replication); PGPASSWORD.
    Postgres,
    /// Redis master / replicas (INFO replication); REDIS_PASSWORD.
    Redis,
    /// MySQL / MariaDB (SHOW REPLICA STATUS on each node); MYSQL_PWD.
    Mysql,
}

/// An identity provider `assay collect identity` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum IdentityProvider {
    /// A GitHub (or GitHub Enterprise Server) organisation; token in GITHUB_TOKEN.
    Github,
    /// A GitLab instance (all users, needs an admin token) or a group (--org); GITLAB_TOKEN.
    Gitlab,
    /// An Okta org (--base-url https://ORG.okta.com); OKTA_API_TOKEN.
    Okta,
    /// A Google Workspace customer (--org DOMAIN); GOOGLE_OAUTH_ACCESS_TOKEN, or
    /// GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_ADMIN_SUBJECT (service account).
    Google,
    /// A Microsoft Entra ID tenant (Graph); GRAPH_ACCESS_TOKEN or AZURE_TENANT_ID,
    /// AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.
    Entra,
    /// AWS IAM (credential report).
    Aws,
    /// sshd (`sshd -T`).
    Sshd,
}

#[derive(clap::Args, Clone)]
struct IdentityArgs {
    /// The provider; omit it with --inventory to collect every entry of the inventory's
    /// `identity` list.
    #[arg(value_enum)]
    provider: Option<IdentityProvider>,
    /// GitHub: the organisation; GitLab: a group (omit for the whole instance); Google:
    /// a domain (default: the token's customer); Entra: the tenant; Okta: a label.
    #[arg(long, value_name = "ORG")]
    org: Option<String>,
    /// The provider's API root, e.g. https://ghe.example/api/v3 or https://ORG.okta.com.
    /// Plain http:// is accepted only for loopback addresses (tests, local replays).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Read the environment variable NAME for the token instead of the provider's default.
    #[arg(long, value_name = "NAME")]
    token_env: Option<String>,
    /// Also collect the inventory's `identity` list (entries {provider, org, token_env, base_url}).
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// The evidence folder to add the documents to (created if missing).
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
    /// Seconds each HTTP request may take.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    timeout: u64,
    /// Pages fetched at the same time, where the provider allows it.
    #[arg(long, default_value_t = 8, value_name = "N")]
    concurrency: usize,
    /// The longest rate-limit wait (Retry-After, X-RateLimit-Reset) to sit out; a longer
    /// one stops the collection with an error.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    max_wait: u64,
    /// Trust these CA certificates (PEM) in addition to Mozilla's roots (self-hosted
    /// GitHub Enterprise, GitLab).
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// sshd: the subject (default: this machine's host name).
    #[arg(long, value_name = "HOST")]
    host: Option<String>,
    /// sshd: the configuration sshd evaluates (`sshd -T -f FILE`).
    #[arg(long, value_name = "FILE", default_value = "/etc/ssh/sshd_config")]
    config: PathBuf,
    /// sshd: the sshd binary (default: sshd on PATH, then /usr/sbin/sshd).
    #[arg(long, value_name = "PATH")]
    sshd: Option<PathBuf>,
    /// sshd: also evaluate Match blocks for this connection (`sshd -T -C SPEC`, e.g.
    /// user=deploy,host=ci.example,addr=10.0.0.9); repeatable; merged worst case.
    #[arg(long = "match", value_name = "SPEC")]
    match_specs: Vec<String>,
    /// sshd: the PAM stack to look for a one-time-code module in (default /etc/pam.d/sshd).
    #[arg(long, value_name = "FILE")]
    pam: Option<PathBuf>,
}

#[derive(Subcommand)]
enum EvidenceCmd {
    /// Validate documents against their kind's schema and add them to a folder and its
    /// manifest. Nothing is written unless every document is valid.
    #[command(after_help = "Examples:
  assay evidence import scans/*.json --into evidence/
  assay evidence import --from testssl testssl.json --into evidence/
  assay evidence import --from sslyze sslyze.json --into evidence/
  assay evidence import --from sshd-t --host web1.example web1-sshd-T.txt --into evidence/
  assay evidence import --from aws-credential-report report.json --admins admin-policy.json --admins group-Admins.json --into evidence/")]
    Import {
        /// Evidence documents (one object or an array per file), or with --from the
        /// tool's JSON output.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The evidence folder (created if missing).
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// Use the schemas of the catalog in DIR.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
        /// Convert another tool's output: testssl, sslyze (tls.endpoint); nftables,
        /// iptables, aws-sg, gcp-firewall, azure-nsg, kubernetes (net.firewall); nmap
        /// (net.ports); sshd-t (host.sshd); aws-credential-report (identity.users);
        /// restic, borg, pgbackrest, aws-backup (backup.snapshots); terraform,
        /// aws-resources, kubectl-nodes (cloud.resources); kubectl, rds, mongo
        /// (db.replication). Default:
        /// the files are assay evidence documents.
        #[arg(long, value_name = "TOOL")]
        from: Option<ImportFrom>,
        /// The asset a host firewall protects (for --from nftables and iptables); the
        /// repository (for --from restic, required; --from borg, instead of its location);
        /// the cluster (for --from kubectl-nodes, default `kubernetes`).
        #[arg(long, value_name = "NAME")]
        asset: Option<String>,
        /// The server the `sshd -T` output was taken on (for --from sshd-t).
        #[arg(long, value_name = "HOST")]
        host: Option<String>,
        /// Who is an AWS administrator (for --from aws-credential-report): the JSON of
        /// `aws iam list-entities-for-policy --policy-arn …AdministratorAccess` and of
        /// `aws iam get-group --group-name G` for each group it lists. Without it the
        /// admin flag is unknown.
        #[arg(long, value_name = "FILE")]
        admins: Vec<PathBuf>,
    },
    /// List the documents of a folder.
    #[command(after_help = "Example:\n  assay evidence list evidence/ --kind tls.endpoint")]
    List {
        /// The evidence folder.
        dir: PathBuf,
        /// Only this kind.
        #[arg(long)]
        kind: Option<String>,
    },
    /// Check every document against the manifest: edited, missing or extra files.
    #[command(after_help = "Example:\n  assay evidence verify evidence/")]
    Verify {
        /// The evidence folder.
        dir: PathBuf,
        /// Use the schemas of the catalog in DIR.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CatalogCmd {
    /// Check the catalog: unique ids, known severities and evidence kinds, rules that exist,
    /// params that match what each rule reads, well-formed framework ids, valid profiles.
    #[command(
        after_help = "Examples:\n  assay catalog validate\n  assay catalog validate --catalog ./my-catalog"
    )]
    Validate {
        /// Use the catalog in DIR (with controls/ and policies/) instead of the built-in one.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
    },
    /// List the controls, optionally only those mapped to one framework.
    #[command(
        after_help = "Examples:\n  assay catalog list\n  assay catalog list --framework soc2"
    )]
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
enum ProfileCmd {
    /// Every claim of a profile's security statement: checked by which controls, manual
    /// (needs an attestation) or not covered (and why), then the counts.
    #[command(after_help = "Examples:
  assay profile coverage clozer
  assay profile coverage examples/coloom/profile.yaml --format markdown --output coverage.md
  assay profile coverage cloudset --format json

The profile is validated first (exit 2 when a claim names an unknown or unselected control,
or quotes what its statement does not say at that line).")]
    Coverage {
        /// A profile: a YAML file, or the name of a built-in profile.
        profile: String,
        /// Output format.
        #[arg(long, default_value = "table", value_name = "table|json|markdown")]
        format: assay::catalog::coverage::Format,
        /// Write to FILE (atomically) instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Use the catalog in DIR instead of the built-in one.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
    },
    /// The built-in profiles: name, statement vendor, claims and description.
    #[command(after_help = "Example:\n  assay profile list")]
    List {
        /// Use the catalog in DIR instead of the built-in one.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PolicyCmd {
    /// Run the policies' unit tests (test_* rules in *_test.rego), like `opa test`.
    #[command(
        after_help = "Examples:\n  assay policy test\n  assay policy test policies/ --coverage\n  assay policy test policies/ --run tls"
    )]
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
            let code = if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_PASS
            };
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
        Command::Check(a) => cmd_check(a),
        Command::Report(a) => cmd_report(a),
        Command::Diff(a) => cmd_diff(a),
        Command::Attest(a) => cmd_attest(&a),
        Command::Key(KeyCmd::Generate { out, password_env }) => pack_outcome(
            assay::pack::cli::key_generate(&out, password_env.as_deref()),
        ),
        Command::Pack(a) => cmd_pack(a),
        Command::Collect(CollectCmd::Ports {
            mut targets,
            inventory,
            mut ports,
            vantage,
            into,
            timeout_ms,
            retries,
            concurrency,
            rate,
            max_addresses,
            yes,
        }) => {
            let opts = assay::collect::net::scan::ScanOptions {
                timeout: std::time::Duration::from_millis(timeout_ms.max(1)),
                retries,
                concurrency: concurrency.max(1),
                rate,
                identify: true,
            };
            if let Some(inv) = &inventory {
                let section = format!("vantage_{}", vantage.as_str());
                targets.extend(
                    assay::collect::inventory::list(inv, &["ports", &section, "targets"])
                        .map_err(Fatal)?,
                );
                if ports.is_none() {
                    ports =
                        assay::collect::inventory::port_spec(inv, &["ports", &section, "ports"])
                            .map_err(Fatal)?;
                }
            }
            if targets.is_empty() {
                return Err(Fatal(
                    "no targets: name hosts, addresses or ranges, or give --inventory with a ports.vantage_<VANTAGE>.targets list"
                        .into(),
                ));
            }
            let ports = ports.as_deref().unwrap_or("top100");
            cmd_collect_ports(&targets, ports, vantage, &into, &opts, max_addresses, yes)
        }
        Command::Collect(CollectCmd::Tls {
            mut targets,
            inventory,
            into,
            ca_file,
            timeout,
            concurrency,
        }) => {
            if let Some(inv) = &inventory {
                targets.extend(
                    assay::collect::inventory::list(inv, &["tls", "endpoints"]).map_err(Fatal)?,
                );
            }
            if targets.is_empty() {
                return Err(Fatal(
                    "no targets: name HOST[:PORT]… or give --inventory with a tls.endpoints list"
                        .into(),
                ));
            }
            cmd_collect_tls(&targets, &into, ca_file.as_deref(), timeout, concurrency)
        }
        Command::Collect(CollectCmd::Identity(a)) => cmd_collect_identity(&a),
        Command::Collect(CollectCmd::Replicas {
            engine,
            urls,
            cluster,
            zones,
            inventory,
            into,
            timeout,
        }) => cmd_collect_replicas(
            engine,
            &urls,
            cluster.as_deref(),
            &zones,
            inventory.as_deref(),
            &into,
            timeout,
        ),
        Command::Collect(CollectCmd::Backups(a)) => cmd_collect_backups(&a),
        Command::Collect(CollectCmd::Residency(a)) => cmd_collect_residency(&a),
        Command::Evidence(EvidenceCmd::Import {
            files,
            into,
            catalog,
            from,
            asset,
            host,
            admins,
        }) => match from {
            None => cmd_import(&files, &into, catalog.as_deref()),
            Some(ImportFrom::Testssl) => cmd_import_tls(false, &files, &into, catalog.as_deref()),
            Some(ImportFrom::Sslyze) => cmd_import_tls(true, &files, &into, catalog.as_deref()),
            Some(ImportFrom::SshdT) => {
                cmd_import_sshd(host.as_deref(), &files, &into, catalog.as_deref())
            }
            Some(ImportFrom::AwsCredentialReport) => {
                cmd_import_aws_report(&files, &admins, &into, catalog.as_deref())
            }
            Some(
                t @ (ImportFrom::Restic
                | ImportFrom::Borg
                | ImportFrom::Pgbackrest
                | ImportFrom::AwsBackup),
            ) => cmd_import_backups(t, asset.as_deref(), &files, &into, catalog.as_deref()),
            Some(tool) => cmd_import_net(tool, asset.as_deref(), &files, &into, catalog.as_deref()),
        },
        Command::Evidence(EvidenceCmd::List { dir, kind }) => {
            cmd_evidence_list(&dir, kind.as_deref())
        }
        Command::Evidence(EvidenceCmd::Verify { dir, catalog }) => {
            cmd_verify(&dir, catalog.as_deref())
        }
        Command::Catalog(CatalogCmd::Validate { catalog }) => cmd_validate(catalog.as_deref()),
        Command::Catalog(CatalogCmd::List { framework, catalog }) => {
            cmd_list(catalog.as_deref(), framework)
        }
        Command::Explain { control, catalog } => cmd_explain(catalog.as_deref(), &control),
        Command::Profile(ProfileCmd::Coverage {
            profile,
            format,
            output,
            catalog,
        }) => cmd_profile_coverage(catalog.as_deref(), &profile, format, output.as_deref()),
        Command::Profile(ProfileCmd::List { catalog }) => cmd_profile_list(catalog.as_deref()),
        Command::Policy(PolicyCmd::Test {
            dir,
            coverage,
            run,
            quiet,
        }) => cmd_policy_test(dir.as_deref(), coverage, run.as_deref(), quiet),
    }
}

/// `assay attest`: one attestation document, added to the evidence folder.
fn cmd_attest(a: &AttestArgs) -> Result<u8, Fatal> {
    let loaded = load_valid(a.catalog.as_deref())?;
    let req = assay::attest::Request {
        control: &a.control,
        by: &a.by,
        statement: &a.statement,
        proof: a.file.as_deref(),
        expires: &a.expires,
        reference: a.reference.as_deref(),
        now: chrono::Utc::now(),
    };
    let doc =
        assay::attest::attestation(&loaded.catalog, &req).map_err(|e| Fatal(e.to_string()))?;
    let until = doc.body["valid_until"].as_str().unwrap_or("?").to_string();
    let summary = EvidenceDir::add(
        &a.into,
        vec![(format!("attestation of {}", a.control), doc)],
        Vec::new(),
        &loaded.kinds,
    )
    .map_err(|e| Fatal(e.to_string()))?;
    print_import(&summary, &a.into);
    println!(
        "{} is attested until {until} (UTC); reports show it as attested, not tested",
        a.control
    );
    Ok(EXIT_PASS)
}

/// The evidence kinds (and their schemas) of the catalog in `dir` or the built-in one:
/// what every evidence-writing command validates documents against.
fn load_kinds(dir: Option<&Path>) -> Result<KindRegistry, Fatal> {
    Ok(KindRegistry::from_bundle(&load_bundle(dir)?)?)
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
    Ok(Loaded {
        catalog,
        policies,
        kinds,
    })
}

fn cmd_validate(dir: Option<&Path>) -> Result<u8, Fatal> {
    let bundle = load_bundle(dir)?;
    let origin = bundle.origin_label();
    let mut diags = Vec::new();
    let kinds = KindRegistry::from_bundle(&bundle)
        .map_err(|d| diags.extend(d.0))
        .ok();
    let policies = PolicySet::compile(&bundle)
        .map_err(|d| diags.extend(d.0))
        .ok();
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
            None => c
                .frameworks
                .keys()
                .map(|f| f.key())
                .collect::<Vec<_>>()
                .join(", "),
        };
        rows.push([
            c.id.clone(),
            c.severity.to_string(),
            c.title.clone(),
            criteria,
        ]);
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

/// `assay profile coverage`: the profile's claims and what checks them.
fn cmd_profile_coverage(
    dir: Option<&Path>,
    spec: &str,
    format: assay::catalog::coverage::Format,
    output: Option<&Path>,
) -> Result<u8, Fatal> {
    let loaded = load_valid(dir)?;
    let profile = assay::catalog::profile::Profile::resolve(spec, &loaded.catalog)?;
    let selected = profile.select(&loaded.catalog)?;
    let text = assay::catalog::coverage::Coverage::new(&profile, &selected).render(format);
    match output {
        Some(p) => assay::fsutil::write_atomic(p, text.as_bytes())
            .map_err(|e| Fatal(format!("{}: {e}", p.display())))?,
        None => print!("{text}"),
    }
    Ok(EXIT_PASS)
}

/// `assay profile list`: the catalog's profiles.
fn cmd_profile_list(dir: Option<&Path>) -> Result<u8, Fatal> {
    let loaded = load_valid(dir)?;
    let mut b = tabled::builder::Builder::default();
    b.push_record(["profile", "statement", "claims", "controls", "description"]);
    let names = assay::catalog::profile::builtin_names(&loaded.catalog);
    for name in &names {
        let p = assay::catalog::profile::Profile::resolve(name, &loaded.catalog)?;
        let n = p.select(&loaded.catalog)?.len();
        b.push_record([
            name.clone(),
            p.statement
                .as_ref()
                .map(|s| s.vendor.clone())
                .unwrap_or_default(),
            p.claims.len().to_string(),
            n.to_string(),
            p.description
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ]);
    }
    let mut table = b.build();
    table.with(tabled::settings::Style::sharp()).modify(
        tabled::settings::object::Columns::new(4..5),
        tabled::settings::Width::wrap(70).keep_words(true),
    );
    println!("{table}");
    println!("{} profiles", names.len());
    Ok(EXIT_PASS)
}

fn cmd_explain(dir: Option<&Path>, id: &str) -> Result<u8, Fatal> {
    let loaded = load_valid(dir)?;
    let Some(c) = loaded.catalog.get(id) else {
        let ids: std::collections::BTreeSet<&str> = loaded
            .catalog
            .controls
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        return Err(Fatal(format!(
            "no control '{id}'{}; `assay catalog list` shows them all",
            assay::catalog::profile::suggest(id, &ids)
        )));
    };
    let mut out = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(out, "{} — {}", c.id, c.title);
    let _ = writeln!(
        out,
        "severity: {}   max evidence age: {}{}",
        c.severity,
        c.max_age,
        if c.manual {
            "   manual (attestation)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "defined in: {}",
        located(&loaded.catalog.bundle, &c.location.file, c.location.line)
    );
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
            .map(
                |i| match assay::catalog::frameworks::criterion_title(*fw, i) {
                    Some(t) => format!("{i} ({t})"),
                    None => i.clone(),
                },
            )
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
            let _ = writeln!(
                out,
                "defined in: {}\n",
                located(&loaded.catalog.bundle, file, line)
            );
            if let Some(src) = loaded.policies.package(pkg).and_then(|files| {
                files.iter().find_map(|(_, f)| {
                    f.blocks.get(rule).map(|b| {
                        b.iter()
                            .map(|b| b.text.trim_end().to_string())
                            .collect::<Vec<_>>()
                            .join("\n\n")
                    })
                })
            }) {
                let _ = writeln!(out, "{}", src.trim_end());
            }
        }
    }
    print!("{out}");
    let _ = loaded.kinds;
    Ok(EXIT_PASS)
}

/// `path:line`, with the built-in marker after the line so editors can still jump to it.
fn located(bundle: &Bundle, rel: &str, line: usize) -> String {
    match bundle.origin() {
        assay::bundle::Origin::BuiltIn => format!("{rel}:{line} (built-in)"),
        assay::bundle::Origin::Dir(_) => format!("{}:{line}", bundle.display_path(rel)),
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn cmd_policy_test(
    dir: Option<&Path>,
    coverage: bool,
    filter: Option<&str>,
    quiet: bool,
) -> Result<u8, Fatal> {
    let sources = match dir {
        Some(d) => policy_test::sources_from_dir(d)?,
        None => Bundle::builtin()
            .files("policies/", "rego")
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    };
    let report = policy_test::run(&sources, coverage, filter)?;
    let color = std::io::stdout().is_terminal();
    let paint = |s: &str, code: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = std::io::stdout().lock();
    for r in &report.results {
        let ms = r.duration.as_secs_f64() * 1000.0;
        match &r.outcome {
            policy_test::Outcome::Pass if quiet => {}
            policy_test::Outcome::Pass => {
                let _ = writeln!(out, "{} {} ({ms:.1} ms)", paint("PASS", "32"), r.name);
            }
            policy_test::Outcome::Fail => {
                let _ = writeln!(
                    out,
                    "{} {} ({}:{})",
                    paint("FAIL", "31"),
                    r.name,
                    r.file,
                    r.line
                );
            }
            policy_test::Outcome::Error(e) => {
                let _ = writeln!(
                    out,
                    "{} {} ({}:{})\n  {}",
                    paint("ERROR", "31"),
                    r.name,
                    r.file,
                    r.line,
                    e.replace('\n', "\n  ")
                );
            }
        }
    }
    if let Some(cov) = &report.coverage {
        let _ = writeln!(out, "\ncoverage:");
        let (mut c, mut t) = (0, 0);
        for f in cov {
            c += f.covered;
            t += f.total;
            let pct = if f.total == 0 {
                100.0
            } else {
                100.0 * f.covered as f64 / f.total as f64
            };
            let missing: Vec<String> = f.not_covered.iter().map(|l| l.to_string()).collect();
            let _ = writeln!(
                out,
                "  {pct:5.1}%  {}{}",
                f.file,
                if missing.is_empty() {
                    String::new()
                } else {
                    format!("  (lines not reached: {})", missing.join(","))
                }
            );
        }
        let pct = if t == 0 {
            100.0
        } else {
            100.0 * c as f64 / t as f64
        };
        let _ = writeln!(out, "  {pct:5.1}%  total");
    }
    let _ = writeln!(
        out,
        "\npolicy tests: {} passed, {} failed",
        report.passed(),
        report.failed()
    );
    if report.results.is_empty() {
        let _ = writeln!(
            out,
            "no tests found (expected test_* rules in *_test.rego files)"
        );
        return Ok(EXIT_GATE);
    }
    Ok(if report.failed() == 0 {
        EXIT_PASS
    } else {
        EXIT_GATE
    })
}

fn parse_now(now: Option<&str>) -> Result<chrono::DateTime<chrono::Utc>, Fatal> {
    match now {
        Some(s) => assay::timefmt::parse_instant(s).map_err(|e| Fatal(format!("--now: {e}"))),
        None => {
            let t = chrono::Utc::now();
            Ok(assay::timefmt::parse_instant(&assay::timefmt::format_instant(&t)).unwrap_or(t))
        }
    }
}

/// Parses `--write FORMAT=PATH` values before anything runs, so a typo costs nothing.
fn parse_writes(values: &[String]) -> Result<Vec<(Format, PathBuf)>, Fatal> {
    values
        .iter()
        .map(|v| {
            let (f, p) = v.split_once('=').ok_or_else(|| {
                Fatal(format!(
                    "--write {v}: expected FORMAT=PATH, e.g. junit=junit.xml"
                ))
            })?;
            let format = f
                .parse::<Format>()
                .map_err(|e| Fatal(format!("--write {v}: {e}")))?;
            if p.is_empty() {
                return Err(Fatal(format!("--write {v}: the path is empty")));
            }
            Ok((format, PathBuf::from(p)))
        })
        .collect()
}

fn cmd_check(a: CheckArgs) -> Result<u8, Fatal> {
    let now = parse_now(a.now.as_deref())?;
    let writes = parse_writes(&a.write)?;
    let baseline = read_baseline(&a.gate)?;
    let loaded = load_valid(a.catalog.as_deref())?;
    let profile = match &a.profile {
        Some(p) => Some(assay::catalog::profile::Profile::resolve(
            p,
            &loaded.catalog,
        )?),
        None => None,
    };
    let waivers = match &a.waivers {
        // A waiver may name a control or one of the profile's variants.
        Some(path) => assay::waiver::load(path, |id| {
            loaded.catalog.get(id).is_some()
                || profile
                    .as_ref()
                    .is_some_and(|p| p.variant_ids().any(|v| v == id))
        })?,
        None => Vec::new(),
    };
    let waivers_file = match &a.waivers {
        Some(path) => Some(assay::check::result::FileDigest {
            path: path.display().to_string(),
            sha256: assay::evidence::bytes_hash(
                &std::fs::read(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?,
            ),
        }),
        None => None,
    };
    let req = assay::check::CheckRequest {
        evidence_dir: &a.evidence,
        profile: profile.as_ref(),
        waivers: &waivers,
        waivers_file,
        now,
    };
    let result = assay::check::run(&loaded.catalog, &loaded.policies, &loaded.kinds, &req)
        .map_err(|e| Fatal(e.to_string()))?;
    emit(&result, &a.out, &writes, gate_settings(&a.gate))?;
    Ok(gate(&result, &a.gate, baseline.as_ref(), now))
}

fn cmd_report(a: ReportArgs) -> Result<u8, Fatal> {
    let now = parse_now(a.now.as_deref())?;
    let mut result = read_results(&a.results)?;
    let baseline = read_baseline(&a.gate)?;
    result.reapply_waivers(now);
    emit(&result, &a.out, &[], gate_settings(&a.gate))?;
    Ok(gate(&result, &a.gate, baseline.as_ref(), now))
}

/// Reads a saved results.json (the one reader: schema, line and column, field).
fn read_results(path: &Path) -> Result<RunResult, Fatal> {
    RunResult::read(path).map_err(|e| Fatal(e.to_string()))
}

/// A `--baseline` results file, read before anything runs so a bad one costs nothing.
struct Baseline {
    file: String,
    result: RunResult,
}

fn read_baseline(g: &GateArgs) -> Result<Option<Baseline>, Fatal> {
    match &g.baseline {
        Some(p) => Ok(Some(Baseline {
            file: p.display().to_string(),
            result: read_results(p)?,
        })),
        None => Ok(None),
    }
}

/// `assay diff OLD NEW`: the comparison in the chosen format, and the gate on new
/// failures (see assay::diff).
fn cmd_diff(a: DiffArgs) -> Result<u8, Fatal> {
    use assay::diff::{compare, render, Run};
    let now = parse_now(a.now.as_deref())?;
    let old = read_results(&a.old)?;
    let new = read_results(&a.new)?;
    let (old_file, new_file) = (a.old.display().to_string(), a.new.display().to_string());
    let d = compare(
        Run {
            file: &old_file,
            result: &old,
        },
        Run {
            file: &new_file,
            result: &new,
        },
        now,
    );
    let text = render::render(&d, a.format).map_err(|e| Fatal(e.to_string()))?;
    let table_on_stdout = a.output.is_none() && a.format == render::Format::Table;
    if !table_on_stdout {
        for w in &d.warnings {
            eprintln!("assay: warning: {w}");
        }
    }
    match &a.output {
        Some(path) => {
            assay::fsutil::write_atomic(path, text.as_bytes())
                .map_err(|e| Fatal(format!("{}: cannot write: {e}", path.display())))?;
            eprintln!("{}", d.summary());
        }
        None => {
            print!("{text}");
            let _ = std::io::stdout().flush();
        }
    }
    Ok(exit_code(&d.gate(a.fail_on, a.allow_not_assessed)))
}

/// The gate settings, for the reports that show the gate (html).
fn gate_settings(g: &GateArgs) -> assay::report::GateSettings {
    assay::report::GateSettings {
        fail_on: g.fail_on,
        allow_not_assessed: g.allow_not_assessed,
        baseline: g.baseline.is_some(),
    }
}

fn emit(
    result: &RunResult,
    out: &OutputArgs,
    writes: &[(Format, PathBuf)],
    gate: assay::report::GateSettings,
) -> Result<(), Fatal> {
    let color = !out.no_color
        && out.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    // A page written to a file links evidence from where it lies.
    let base = |to: Option<&PathBuf>| {
        to.and_then(|p| assay::fsutil::relative_from(&result.evidence.dir, p))
    };
    let main = render(
        result,
        out.format,
        RenderOptions {
            framework: out.framework,
            color,
            gate: Some(gate),
            evidence_base: base(out.output.as_ref()),
        },
    )
    .map_err(|e| Fatal(e.to_string()))?;
    let mut files = Vec::new();
    for (format, path) in writes {
        let text = render(
            result,
            *format,
            RenderOptions {
                framework: None,
                color: false,
                gate: Some(gate),
                evidence_base: base(Some(path)),
            },
        )
        .map_err(|e| Fatal(e.to_string()))?;
        files.push((path.clone(), text));
    }
    if let Some(path) = &out.output {
        files.push((path.clone(), main.clone()));
    }
    for (path, text) in &files {
        assay::fsutil::write_atomic(path, text.as_bytes())
            .map_err(|e| Fatal(format!("{}: cannot write: {e}", path.display())))?;
    }
    if out.output.is_none() {
        print!("{main}");
        let _ = std::io::stdout().flush();
    } else {
        eprintln!("{}", assay::report::summary(result));
    }
    Ok(())
}

/// The gate of a run; with `--baseline`, only what is new relative to it fails.
fn gate(
    result: &RunResult,
    g: &GateArgs,
    baseline: Option<&Baseline>,
    now: chrono::DateTime<chrono::Utc>,
) -> u8 {
    let gate = match baseline {
        None => result.gate(g.fail_on, g.allow_not_assessed),
        Some(b) => {
            let d = assay::diff::compare(
                assay::diff::Run {
                    file: &b.file,
                    result: &b.result,
                },
                assay::diff::Run {
                    file: "this run",
                    result,
                },
                now,
            );
            for w in &d.warnings {
                eprintln!("assay: warning: {w}");
            }
            eprintln!(
                "assay: compared with the baseline {}: {}",
                b.file,
                d.summary()
            );
            d.gate(g.fail_on, g.allow_not_assessed)
        }
    };
    exit_code(&gate)
}

/// 0 when the gate passed; otherwise its reasons on standard error and 1.
fn exit_code(gate: &assay::check::result::Gate) -> u8 {
    if gate.passed {
        EXIT_PASS
    } else {
        eprintln!("assay: gate failed:");
        for r in &gate.reasons {
            eprintln!("  {r}");
        }
        EXIT_GATE
    }
}

fn cmd_import(files: &[PathBuf], into: &Path, catalog: Option<&Path>) -> Result<u8, Fatal> {
    let kinds = load_kinds(catalog)?;
    let summary = EvidenceDir::import(into, files, &kinds).map_err(|e| Fatal(e.to_string()))?;
    print_import(&summary, into);
    Ok(EXIT_PASS)
}

/// A tool whose JSON output `evidence import --from` converts.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ImportFrom {
    /// testssl.sh `--jsonfile` or `--jsonfile-pretty`.
    Testssl,
    /// sslyze `--json_out`.
    Sslyze,
    /// `nft -j list ruleset` (needs --asset).
    Nftables,
    /// `iptables-save` / `ip6tables-save` (needs --asset).
    Iptables,
    /// `aws ec2 describe-security-groups`.
    #[value(name = "aws-sg")]
    AwsSg,
    /// `gcloud compute firewall-rules list --format=json`.
    #[value(name = "gcp-firewall")]
    GcpFirewall,
    /// `az network nsg list` / `az network nsg show`.
    #[value(name = "azure-nsg")]
    AzureNsg,
    /// `kubectl get svc -A -o json`.
    Kubernetes,
    /// `nmap -oX` (observed ports).
    Nmap,
    /// `sshd -T` output (host.sshd; needs --host; several files = one host's contexts).
    #[value(name = "sshd-t")]
    SshdT,
    /// The IAM credential report: its CSV, or `aws iam get-credential-report` JSON
    /// (identity.users; --admins names the administrators).
    #[value(name = "aws-credential-report")]
    AwsCredentialReport,
    /// `restic snapshots --json` (backup.snapshots; --asset names the repository).
    Restic,
    /// `borg list --json REPO` (backup.snapshots).
    Borg,
    /// `pgbackrest info --output=json` (backup.snapshots, one per stanza).
    Pgbackrest,
    /// `aws backup list-recovery-points-by-backup-vault` (backup.snapshots, one per vault).
    #[value(name = "aws-backup")]
    AwsBackup,
    /// `terraform show -json` or a `terraform.tfstate` file (cloud.resources: where every
    /// managed resource lives).
    Terraform,
    /// `aws ec2 describe-instances`, `ec2 describe-volumes`, `rds describe-db-instances` or
    /// `s3api list-buckets` (cloud.resources: where each keeps its data).
    #[value(name = "aws-resources")]
    AwsResources,
    /// `kubectl get nodes -o json` (cloud.resources: where each node runs, from its region
    /// label; --asset names the cluster, default `kubernetes`).
    #[value(name = "kubectl-nodes")]
    KubectlNodes,
    /// `kubectl get sts,deploy,pods,nodes -A -o json` (db.replication, one per StatefulSet
    /// and Deployment: ready pods and their nodes' zones).
    Kubectl,
    /// `aws rds describe-db-instances` (db.replication, one per instance with its Multi-AZ
    /// standby and read replicas, one per DB cluster; backup.snapshots for each instance's
    /// automated backups).
    Rds,
    /// MongoDB `rs.status()` as JSON: `mongosh --quiet --json=relaxed --eval 'rs.status()'`
    /// (db.replication, one per replica set).
    Mongo,
}

/// `evidence import --from TOOL`: converts each file into `tls.endpoint` documents and adds
/// them all, or nothing when any file is invalid.
fn cmd_import_tls(
    sslyze_json: bool,
    files: &[PathBuf],
    into: &Path,
    catalog: Option<&Path>,
) -> Result<u8, Fatal> {
    use assay::collect::tls::import::{sslyze, testssl, Input, Measured, TimeSource};
    let kinds = load_kinds(catalog)?;
    let (mut docs, mut errors, mut lines) = (Vec::new(), Vec::new(), Vec::new());
    for file in files {
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{name}: cannot read: {e}"));
                continue;
            }
        };
        let mtime = std::fs::metadata(file)
            .and_then(|m| m.modified())
            .ok()
            .map(chrono::DateTime::<chrono::Utc>::from);
        let input = Input {
            file: &name,
            text: &text,
            mtime,
        };
        let imported = if sslyze_json {
            sslyze::from_sslyze(input)
        } else {
            testssl::from_testssl(input)
        };
        match imported {
            Ok(list) => {
                for i in list {
                    let what = match &i.measured {
                        Measured::Body { body, missing } => format!(
                            "grade {}, {} suite(s){}",
                            body.grade.as_ref().map_or("-", |g| g.grade.as_str()),
                            body.cipher_suites.len(),
                            if missing.is_empty() {
                                String::new()
                            } else {
                                format!(", incomplete: {}", missing.join("; "))
                            }
                        ),
                        Measured::Failed(e) => format!("not measured: {e}"),
                    };
                    let when = match i.time_source {
                        TimeSource::File => "scan time from the file",
                        TimeSource::Mtime => "scan time = the file's modification time",
                    };
                    lines.push(format!(
                        "{} from {name} ({} {}, {when}): {what}",
                        i.subject, i.collector.name, i.collector.version
                    ));
                    docs.push((format!("{name} ({})", i.subject), i.document()));
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    let summary = EvidenceDir::add(into, docs, errors, &kinds).map_err(|e| Fatal(e.to_string()))?;
    for l in &lines {
        println!("{l}");
    }
    print_import(&summary, into);
    Ok(EXIT_PASS)
}

fn cmd_evidence_list(dir: &Path, kind: Option<&str>) -> Result<u8, Fatal> {
    let d = EvidenceDir::open(dir).map_err(|e| Fatal(e.to_string()))?;
    let m = d.manifest().map_err(|e| Fatal(e.to_string()))?;
    let mut b = tabled::builder::Builder::default();
    b.push_record(["kind", "subject", "collected at", "sha256", "path"]);
    let mut n = 0;
    for e in m
        .documents
        .iter()
        .filter(|e| kind.is_none_or(|k| e.kind == k))
    {
        n += 1;
        b.push_record([
            e.kind.clone(),
            e.subject.clone(),
            e.collected_at.clone(),
            e.sha256[..12.min(e.sha256.len())].to_string(),
            e.path.clone(),
        ]);
    }
    let mut t = b.build();
    t.with(tabled::settings::Style::sharp());
    println!("{t}\n{n} document(s)");
    Ok(EXIT_PASS)
}

fn cmd_verify(dir: &Path, catalog: Option<&Path>) -> Result<u8, Fatal> {
    let kinds = load_kinds(catalog)?;
    let d = EvidenceDir::open(dir).map_err(|e| Fatal(e.to_string()))?;
    let (ok, problems) = d.verify(&kinds).map_err(|e| Fatal(e.to_string()))?;
    for p in &problems {
        println!("FAIL {}: {}", p.path, p.message);
    }
    println!(
        "{}: {ok} document(s) verified, {} problem(s)",
        dir.display(),
        problems.len()
    );
    Ok(if problems.is_empty() {
        EXIT_PASS
    } else {
        EXIT_GATE
    })
}

fn cmd_collect_tls(
    targets: &[String],
    into: &Path,
    ca_file: Option<&Path>,
    timeout: u64,
    concurrency: usize,
) -> Result<u8, Fatal> {
    use assay::collect::tls::{cert::TrustStore, endpoint::Options, run};
    let endpoints = targets
        .iter()
        .map(|t| run::Endpoint::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Fatal)?;
    if timeout == 0 || concurrency == 0 {
        return Err(Fatal(
            "--timeout and --concurrency must be at least 1".into(),
        ));
    }
    let store = match ca_file {
        Some(p) => TrustStore::from_pem_file(p).map_err(|e| Fatal(e.to_string()))?,
        None => TrustStore::mozilla(),
    };
    let opts = Options {
        timeout: std::time::Duration::from_secs(timeout),
        store,
        now: chrono::Utc::now(),
    };
    let bar = indicatif::ProgressBar::new(endpoints.len() as u64);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let progress = {
        let bar = bar.clone();
        move |ep: &run::Endpoint, _doc: &assay::evidence::Document| {
            bar.set_message(ep.subject());
            bar.inc(1);
        }
    };
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Fatal(format!("cannot start the async runtime: {e}")))?;
    let docs = runtime.block_on(run::collect(&endpoints, &opts, concurrency, progress));
    bar.finish_and_clear();
    let mut b = tabled::builder::Builder::default();
    b.push_record(["endpoint", "grade", "protocols", "suites", "note"]);
    for d in &docs {
        let body = &d.body;
        let protocols: Vec<&str> = ["ssl3", "tls1_0", "tls1_1", "tls1_2", "tls1_3"]
            .into_iter()
            .filter(|p| body["protocols"][p].as_bool() == Some(true))
            .collect();
        b.push_record([
            d.subject.clone(),
            body["grade"]["grade"].as_str().unwrap_or("-").to_string(),
            protocols.join(" "),
            body["cipher_suites"]
                .as_array()
                .map(|a| a.len().to_string())
                .unwrap_or_default(),
            body["error"]
                .as_str()
                .map(|e| format!("error: {e}"))
                .unwrap_or_default(),
        ]);
    }
    add_collected(into, docs, run::COLLECTOR, b)
}

fn cmd_collect_ports(
    specs: &[String],
    ports: &str,
    vantage: assay::collect::net::collect::Vantage,
    into: &Path,
    opts: &assay::collect::net::scan::ScanOptions,
    max_addresses: usize,
    yes: bool,
) -> Result<u8, Fatal> {
    use assay::collect::net::{collect, scan, targets};
    let ports = scan::parse_ports(ports).map_err(|e| Fatal(format!("--ports: {e}")))?;
    // Only for resolving the targets; the scan runs its own event loops.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Fatal(format!("cannot start the async runtime: {e}")))?;
    let targets = runtime
        .block_on(targets::expand(specs, max_addresses, yes))
        .map_err(Fatal)?;
    let addrs: Vec<std::net::IpAddr> = targets.iter().map(|t| t.address).collect();
    let total = (addrs.len() * ports.len()) as u64;
    let bar = indicatif::ProgressBar::new(total);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{bar:30}] {pos}/{len} ports {per_sec}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let tick = bar.clone();
    let results = scan::scan(&addrs, &ports, opts, move || tick.inc(1))
        .map_err(|e| Fatal(format!("cannot start the scan's event loops: {e}")))?;
    bar.finish_and_clear();
    let docs = collect::documents(&results, &targets, vantage);
    let mut b = tabled::builder::Builder::default();
    b.push_record(["address", "target", "open", "closed", "filtered"]);
    for (ip, rs) in &results {
        let open: Vec<String> = rs
            .iter()
            .filter(|r| r.state == scan::PortState::Open)
            .map(|r| format!("{}/{}", r.port, r.service.as_deref().unwrap_or("?")))
            .collect();
        let n = |s| rs.iter().filter(|r| r.state == s).count().to_string();
        let target = targets
            .iter()
            .find(|t| t.address == *ip)
            .map(|t| t.target.clone())
            .unwrap_or_default();
        b.push_record([
            ip.to_string(),
            target,
            open.join(" "),
            n(scan::PortState::Closed),
            n(scan::PortState::Filtered),
        ]);
    }
    add_collected(into, docs, "assay-ports", b)
}

/// Reads every file whole, or names each one that could not be read.
fn read_inputs(files: &[PathBuf]) -> Result<Vec<(String, String)>, Fatal> {
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    for f in files {
        match std::fs::read_to_string(f) {
            Ok(t) => out.push((f.display().to_string(), t)),
            Err(e) => errors.push(format!("{}: cannot read: {e}", f.display())),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Fatal(errors.join("\n")))
    }
}

/// The oldest modification time of the files: an import is as old as its oldest input.
fn oldest_mtime(files: &[PathBuf]) -> chrono::DateTime<chrono::Utc> {
    files
        .iter()
        .filter_map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok())
        .map(chrono::DateTime::<chrono::Utc>::from)
        .min()
        .unwrap_or_else(chrono::Utc::now)
}

/// `evidence import --from sshd-t --host HOST FILE…`: the files are `sshd -T` outputs of
/// one host (a plain one and any taken with -C), merged into one host.sshd document.
fn cmd_import_sshd(
    host: Option<&str>,
    files: &[PathBuf],
    into: &Path,
    catalog: Option<&Path>,
) -> Result<u8, Fatal> {
    use assay::collect::identity::sshd;
    let host = host.ok_or_else(|| {
        Fatal(
            "--from sshd-t needs --host HOST: the server the `sshd -T` output was taken on".into(),
        )
    })?;
    let kinds = load_kinds(catalog)?;
    let inputs = read_inputs(files)?;
    let body = sshd::import(host, &inputs).map_err(|e| Fatal(e.to_string()))?;
    let doc = assay::evidence::Document {
        schema: assay::evidence::SCHEMA.to_string(),
        kind: "host.sshd".into(),
        subject: host.to_string(),
        collected_at: oldest_mtime(files),
        collector: assay::evidence::Collector {
            name: "sshd".into(),
            version: "unknown".into(),
        },
        source: "import:sshd-t".into(),
        body,
        sha256: None,
    };
    let label = inputs
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let summary = EvidenceDir::add(into, vec![(label, doc)], Vec::new(), &kinds)
        .map_err(|e| Fatal(e.to_string()))?;
    print_import(&summary, into);
    Ok(EXIT_PASS)
}

/// `evidence import --from aws-credential-report FILE… [--admins FILE…]`: one
/// identity.users document per AWS account.
fn cmd_import_aws_report(
    files: &[PathBuf],
    admins: &[PathBuf],
    into: &Path,
    catalog: Option<&Path>,
) -> Result<u8, Fatal> {
    use assay::collect::identity::aws;
    let kinds = load_kinds(catalog)?;
    let reports = read_inputs(files)?;
    let admin_files = read_inputs(admins)?;
    let imported = aws::import(&reports, &admin_files).map_err(|e| Fatal(e.to_string()))?;
    let mut docs = Vec::new();
    for ((users, generated_at), file) in imported.into_iter().zip(files) {
        // The report's own GeneratedTime when the input has it (the JSON), else the file's
        // modification time.
        let collected_at = match generated_at.as_deref().map(assay::timefmt::parse_instant) {
            Some(Ok(t)) => t,
            _ => oldest_mtime(std::slice::from_ref(file)),
        };
        let doc = assay::evidence::Document {
            schema: assay::evidence::SCHEMA.to_string(),
            kind: "identity.users".into(),
            subject: format!("aws:{}", users.account),
            collected_at,
            collector: assay::evidence::Collector {
                name: "aws-cli".into(),
                version: "unknown".into(),
            },
            source: "import:aws-credential-report".into(),
            body: users.body,
            sha256: None,
        };
        docs.push((file.display().to_string(), doc));
    }
    let summary =
        EvidenceDir::add(into, docs, Vec::new(), &kinds).map_err(|e| Fatal(e.to_string()))?;
    print_import(&summary, into);
    Ok(EXIT_PASS)
}

/// `evidence import --from` a firewall or nmap output: converts every file, then adds all
/// documents, or nothing when any file is invalid.
fn cmd_import_net(
    tool: ImportFrom,
    asset: Option<&str>,
    files: &[PathBuf],
    into: &Path,
    catalog: Option<&Path>,
) -> Result<u8, Fatal> {
    use assay::collect::net::import::{
        aws, azure, gcp, iptables, kubernetes, nftables, nmap, ImportError,
    };
    let host_asset = || {
        asset.ok_or_else(|| {
            Fatal(
                "--from nftables and --from iptables need --asset NAME: the host the rules protect"
                    .into(),
            )
        })
    };
    let kinds = load_kinds(catalog)?;
    let (mut docs, mut errors) = (Vec::new(), Vec::new());
    for file in files {
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        let parsed = match tool {
            ImportFrom::Nftables => nftables::parse(&text, host_asset()?),
            ImportFrom::Iptables => iptables::parse(&text, host_asset()?),
            ImportFrom::AwsSg => aws::parse(&text),
            ImportFrom::GcpFirewall => gcp::parse(&text),
            ImportFrom::AzureNsg => azure::parse(&text),
            ImportFrom::Kubernetes => kubernetes::parse(&text),
            ImportFrom::Nmap => nmap::parse(&text),
            ImportFrom::Terraform => assay::collect::residency::terraform::parse(&text),
            ImportFrom::AwsResources => assay::collect::residency::aws_cli::parse(&text),
            ImportFrom::KubectlNodes => assay::collect::residency::kubernetes::parse(
                &text,
                asset.unwrap_or(assay::collect::residency::kubernetes::DEFAULT_CLUSTER),
            ),
            ImportFrom::Kubectl => assay::collect::db::import::kubectl::parse(&text),
            ImportFrom::Rds => assay::collect::db::import::rds::parse(&text),
            ImportFrom::Mongo => assay::collect::db::import::mongo::parse(&text),
            ImportFrom::Testssl
            | ImportFrom::Sslyze
            | ImportFrom::SshdT
            | ImportFrom::AwsCredentialReport
            | ImportFrom::Restic
            | ImportFrom::Borg
            | ImportFrom::Pgbackrest
            | ImportFrom::AwsBackup => Err(ImportError::new(
                "--from",
                "testssl, sslyze, sshd-t, aws-credential-report and the backup tools have their own importers",
            )),
        };
        // Outputs without a time of their own are dated by the file's modification time.
        let mtime = std::fs::metadata(file)
            .and_then(|m| m.modified())
            .map(chrono::DateTime::<chrono::Utc>::from)
            .unwrap_or_else(|_| chrono::Utc::now());
        match parsed {
            Ok(list) if list.is_empty() => errors.push(format!(
                "{name}: nothing to import (no firewall rules, services, hosts, resources or database clusters)"
            )),
            Ok(list) => {
                for p in list {
                    let collected_at =
                        match p.collected_at.as_deref().map(assay::timefmt::parse_instant) {
                            Some(Ok(t)) => t,
                            Some(Err(e)) => {
                                errors.push(format!("{name}: {e}"));
                                continue;
                            }
                            None => mtime,
                        };
                    let doc = assay::evidence::Document {
                        schema: assay::evidence::SCHEMA.to_string(),
                        kind: p.kind.to_string(),
                        subject: p.subject,
                        collected_at,
                        collector: assay::evidence::Collector {
                            name: p.tool.to_string(),
                            version: p.version.unwrap_or_else(|| "unknown".into()),
                        },
                        source: format!("import:{}", p.tool),
                        body: p.body,
                        sha256: None,
                    };
                    docs.push((name.clone(), doc));
                }
            }
            Err(e) => errors.push(format!("{name}: {e}")),
        }
    }
    let docs = assay::collect::residency::merge_accounts(docs);
    let summary = EvidenceDir::add(into, docs, errors, &kinds).map_err(|e| Fatal(e.to_string()))?;
    print_import(&summary, into);
    Ok(EXIT_PASS)
}

/// What an import added, one line per document, then the counts.
fn print_import(summary: &assay::evidence::store::ImportSummary, into: &Path) {
    for p in &summary.added {
        println!("added     {p}");
    }
    for p in &summary.unchanged {
        println!("unchanged {p}");
    }
    println!(
        "{} added, {} unchanged, into {}",
        summary.added.len(),
        summary.unchanged.len(),
        into.display()
    );
}

/// Adds what a collector measured to the evidence folder and prints its summary table.
fn add_collected(
    into: &Path,
    docs: Vec<assay::evidence::Document>,
    collector: &str,
    table: tabled::builder::Builder,
) -> Result<u8, Fatal> {
    let kinds = KindRegistry::from_bundle(&Bundle::builtin())?;
    let labelled = docs
        .into_iter()
        .map(|d| (format!("{collector} {}", d.subject), d))
        .collect();
    let summary =
        EvidenceDir::add(into, labelled, Vec::new(), &kinds).map_err(|e| Fatal(e.to_string()))?;
    let mut t = table.build();
    t.with(tabled::settings::Style::sharp());
    println!(
        "{t}\n{} document(s) added to {}",
        summary.added.len(),
        into.display()
    );
    Ok(EXIT_PASS)
}

/// `assay collect identity`: the named provider, and every entry of the inventory's
/// `identity` list, into one evidence folder. Nothing is added unless every provider could
/// at least be asked (a provider that answered with an error is evidence too).
fn cmd_collect_identity(a: &IdentityArgs) -> Result<u8, Fatal> {
    let mut docs = Vec::new();
    if let Some(p) = a.provider {
        docs.extend(collect_identity_one(p, a)?);
    }
    if let Some(inv) = &a.inventory {
        for e in assay::collect::identity::inventory::entries(inv).map_err(Fatal)? {
            let p = <IdentityProvider as clap::ValueEnum>::from_str(&e.provider, true)
                .map_err(|_| Fatal(format!("{}: {}.provider: unknown provider '{}' (expected github, gitlab, okta, google, entra, aws or sshd)", inv.display(), e.field, e.provider)))?;
            let mut one = a.clone();
            one.provider = Some(p);
            one.org = e.org.or(one.org);
            one.base_url = e.base_url.or(one.base_url);
            one.token_env = e.token_env.or(one.token_env);
            docs.extend(collect_identity_one(p, &one)?);
        }
    }
    if a.provider.is_none() && a.inventory.is_none() {
        return Err(Fatal(
            "name a provider (github, gitlab, okta, google, entra, aws, sshd) or give --inventory with an identity list".into(),
        ));
    }
    let mut b = tabled::builder::Builder::default();
    b.push_record(["kind", "subject", "what was found"]);
    for d in &docs {
        b.push_record([d.kind.clone(), d.subject.clone(), identity_summary(&d.body)]);
    }
    add_collected(&a.into, docs, "assay-identity", b)
}

/// `assay collect replicas`: one db.replication document per cluster — the nodes named
/// on the command line, and each cluster of the inventory. A node that does not answer is
/// recorded as such (and named on stderr); a bad URL stops the run before anything is asked.
fn cmd_collect_replicas(
    engine: Option<ReplicaEngine>,
    urls: &[String],
    cluster: Option<&str>,
    zone_specs: &[String],
    inventory: Option<&Path>,
    into: &Path,
    timeout: u64,
) -> Result<u8, Fatal> {
    use assay::collect::db::{self, mysql, postgres, redis, Engine};
    if timeout == 0 {
        return Err(Fatal("--timeout must be at least 1".into()));
    }
    let zones = db::parse_zones(zone_specs).map_err(Fatal)?;
    // (engine, cluster name or None, URLs, zones)
    let mut jobs: Vec<(Engine, Option<String>, Vec<String>, _)> = Vec::new();
    let mut docs = Vec::new();
    let engine_of = |e: ReplicaEngine| match e {
        ReplicaEngine::Postgres => Engine::Postgres,
        ReplicaEngine::Redis => Engine::Redis,
        ReplicaEngine::Mysql => Engine::Mysql,
    };
    if !urls.is_empty() {
        let e = engine.ok_or_else(|| {
            Fatal("name the engine (postgres, redis or mysql) before the URLs".into())
        })?;
        jobs.push((
            engine_of(e),
            cluster.map(str::to_string),
            urls.to_vec(),
            zones.clone(),
        ));
    }
    if let Some(inv) = inventory {
        for c in db::inventory_clusters(inv).map_err(Fatal)? {
            let e = match c.engine.to_ascii_lowercase().as_str() {
                "postgresql" | "postgres" => Engine::Postgres,
                "redis" => Engine::Redis,
                "mysql" | "mariadb" => Engine::Mysql,
                other => {
                    if engine.is_none() {
                        let why = format!(
                            "{}: {}.engine: assay collect replicas cannot ask {other} databases \
                             (postgresql, mysql, redis)",
                            inv.display(),
                            c.field
                        );
                        eprintln!("assay: warning: {why}");
                        docs.push(db::document(&c.name, serde_json::json!({ "error": why })));
                    }
                    continue;
                }
            };
            if engine.is_some_and(|x| engine_of(x) != e) {
                continue;
            }
            if c.urls.is_empty() {
                let why = format!(
                    "{}: {}: cluster {} names no nodes to ask (give members: [URL…] or \
                     endpoint: HOST:PORT)",
                    inv.display(),
                    c.field,
                    c.name
                );
                eprintln!("assay: warning: {why}");
                docs.push(db::document(&c.name, serde_json::json!({ "error": why })));
                continue;
            }
            let mut z = zones.clone();
            z.extend(c.zones);
            jobs.push((e, Some(c.name), c.urls, z));
        }
    }
    if jobs.is_empty() && docs.is_empty() {
        return Err(Fatal(
            "no nodes: give ENGINE URL… or --inventory with a databases.clusters list".into(),
        ));
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Fatal(format!("cannot start the async runtime: {e}")))?;
    let limit = std::time::Duration::from_secs(timeout);
    for (engine, name, urls, zones) in jobs {
        let mut secrets = db::Secrets::default();
        let nodes = match engine {
            Engine::Postgres => {
                let targets = urls
                    .iter()
                    .map(|u| postgres::target(u, &mut secrets))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Fatal)?;
                runtime.block_on(postgres::probe_all(&targets, limit, &secrets))
            }
            Engine::Redis => {
                let targets = urls
                    .iter()
                    .map(|u| redis::target(u, &mut secrets))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Fatal)?;
                let mut nodes = runtime.block_on(redis::probe_all(&targets, limit, &secrets));
                redis::add_match_keys(&mut nodes);
                nodes
            }
            Engine::Mysql => {
                let targets = urls
                    .iter()
                    .map(|u| mysql::target(u, &mut secrets))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Fatal)?;
                runtime.block_on(mysql::probe_all(&targets, limit, &secrets))
            }
        };
        for n in &nodes {
            if let db::NodeReport::Unreachable(e) = &n.report {
                eprintln!("assay: warning: {e}");
            }
        }
        let subject = db::subject(name.as_deref(), &nodes);
        let opts = db::Options {
            timeout: limit,
            zones,
        };
        let body = db::cluster_body(engine, &subject, &nodes, &opts);
        docs.push(db::document(&subject, body));
    }
    let mut b = tabled::builder::Builder::default();
    b.push_record(["cluster", "engine", "members", "note"]);
    for d in &docs {
        let members = d.body["members"]
            .as_array()
            .map(|ms| {
                ms.iter()
                    .map(|m| {
                        let lag = m["lag_seconds"]
                            .as_f64()
                            .map_or("lag ?".to_string(), |l| format!("lag {l}s"));
                        let tls = match m["tls"].as_bool() {
                            Some(true) => ", tls",
                            Some(false) => ", no tls",
                            None => "",
                        };
                        format!(
                            "{} {} {} ({lag}{tls})",
                            m["name"].as_str().unwrap_or("?"),
                            m["role"].as_str().unwrap_or("?"),
                            m["state"].as_str().unwrap_or("?")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        b.push_record([
            d.subject.clone(),
            d.body["engine"].as_str().unwrap_or("-").to_string(),
            members,
            match (d.body["error"].as_str(), d.body["incomplete"].as_str()) {
                (Some(e), _) => format!("error: {e}"),
                (None, Some(i)) => format!("incomplete: {i}"),
                (None, None) => String::new(),
            },
        ]);
    }
    add_collected(into, docs, db::COLLECTOR, b)
}

/// One provider named on the command line.
fn collect_identity_one(
    p: IdentityProvider,
    a: &IdentityArgs,
) -> Result<Vec<assay::evidence::Document>, Fatal> {
    match p {
        IdentityProvider::Github
        | IdentityProvider::Gitlab
        | IdentityProvider::Okta
        | IdentityProvider::Google
        | IdentityProvider::Entra => collect_identity_http(p, a),
        // AWS IAM and sshd: wired by their own collectors.
        IdentityProvider::Aws | IdentityProvider::Sshd => collect_identity_other(p, a),
    }
}

/// GitHub, GitLab, Okta, Google and Entra: over HTTPS, with a progress bar on a terminal.
fn collect_identity_http(
    p: IdentityProvider,
    a: &IdentityArgs,
) -> Result<Vec<assay::evidence::Document>, Fatal> {
    use assay::collect::identity::{http::Options, live};
    let provider = match p {
        IdentityProvider::Github => live::Provider::Github,
        IdentityProvider::Gitlab => live::Provider::Gitlab,
        IdentityProvider::Okta => live::Provider::Okta,
        IdentityProvider::Google => live::Provider::Google,
        IdentityProvider::Entra => live::Provider::Entra,
        IdentityProvider::Aws | IdentityProvider::Sshd => {
            return Err(Fatal("not an HTTP identity provider".into()))
        }
    };
    if a.timeout == 0 || a.concurrency == 0 {
        return Err(Fatal(
            "--timeout and --concurrency must be at least 1".into(),
        ));
    }
    let opts = Options {
        timeout: std::time::Duration::from_secs(a.timeout),
        concurrency: a.concurrency,
        max_wait: std::time::Duration::from_secs(a.max_wait),
        retries: 2,
        ca_file: a.ca_file.clone(),
        progress: true,
    };
    let target = live::Target {
        org: a.org.clone(),
        base_url: a.base_url.clone(),
        token_env: a.token_env.clone(),
    };
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Fatal(format!("cannot start the async runtime: {e}")))?;
    runtime
        .block_on(live::collect(provider, &target, &opts))
        .map_err(|e| Fatal(e.to_string()))
}

/// Placeholder for the AWS IAM and sshd identity collectors (not HTTP identity providers).
fn collect_identity_other(
    p: IdentityProvider,
    a: &IdentityArgs,
) -> Result<Vec<assay::evidence::Document>, Fatal> {
    match p {
        IdentityProvider::Sshd => collect_identity_sshd(a),
        _ => collect_identity_aws(a),
    }
}

/// `collect identity sshd`: runs this machine's `sshd -T` (see collect::identity::sshd).
fn collect_identity_sshd(a: &IdentityArgs) -> Result<Vec<assay::evidence::Document>, Fatal> {
    use assay::collect::identity::sshd;
    let opts = sshd::LiveOptions {
        host: a.host.clone(),
        config: a.config.clone(),
        sshd: a.sshd.clone(),
        matches: a.match_specs.clone(),
        pam: a.pam.clone(),
    };
    let c = sshd::collect(&opts).map_err(|e| Fatal(format!("collect identity sshd: {e}")))?;
    Ok(vec![assay::evidence::Document::probed(
        "host.sshd",
        c.host,
        sshd::COLLECTOR,
        c.body,
    )])
}

/// `collect identity aws`: the IAM credential report over the API.
fn collect_identity_aws(a: &IdentityArgs) -> Result<Vec<assay::evidence::Document>, Fatal> {
    use assay::collect::identity::aws;
    let fatal = |e: aws::AwsError| Fatal(format!("collect identity aws: {e}"));
    let creds = aws::Credentials::from_env().map_err(fatal)?;
    let opts = aws::LiveOptions {
        base_url: a
            .base_url
            .clone()
            .unwrap_or_else(|| aws::DEFAULT_ENDPOINT.into()),
        timeout: std::time::Duration::from_secs(a.timeout.max(1)),
        max_wait: std::time::Duration::from_secs(a.max_wait),
        ..aws::LiveOptions::default()
    };
    let c = aws::collect(&opts, creds).map_err(fatal)?;
    let collected_at = c
        .generated_at
        .as_deref()
        .and_then(|t| assay::timefmt::parse_instant(t).ok())
        .unwrap_or_else(chrono::Utc::now);
    Ok(vec![assay::evidence::Document {
        schema: assay::evidence::SCHEMA.to_string(),
        kind: "identity.users".into(),
        subject: format!("aws:{}", c.users.account),
        collected_at,
        collector: assay::evidence::Collector {
            name: aws::COLLECTOR.into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        source: "probe".into(),
        body: c.users.body,
        sha256: None,
    }])
}

/// One line for the summary table: counts of users, or the org setting, or the error.
fn identity_summary(body: &serde_json::Value) -> String {
    if let Some(e) = body["error"].as_str() {
        return format!("error: {e}");
    }
    let mut s = if let Some(users) = body["users"].as_array() {
        let n = |f: &dyn Fn(&serde_json::Value) -> bool| users.iter().filter(|u| f(u)).count();
        format!(
            "{} account(s), {} human, {} admin, {} without 2FA",
            users.len(),
            n(&|u| u["human"] == true),
            n(&|u| u["admin"] == true),
            n(&|u| u["mfa"] == false)
        )
    } else if let Some(r) = body["mfa_required"].as_bool() {
        format!("org-wide 2FA required: {}", if r { "yes" } else { "no" })
    } else if let Some(m) = body["authentication_methods"].as_array() {
        let yn = |v: &serde_json::Value| match v.as_bool() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "?",
        };
        format!(
            "AuthenticationMethods {}, PasswordAuthentication {}, KbdInteractive {}, PermitRootLogin {}",
            m.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(" "),
            yn(&body["password_authentication"]),
            yn(&body["kbd_interactive_authentication"]),
            body["permit_root_login"].as_str().unwrap_or("?")
        )
    } else {
        String::new()
    };
    if let Some(i) = body["incomplete"].as_str() {
        s.push_str(&format!(" (incomplete: {i})"));
    }
    s
}

/// `assay collect backups`.
#[derive(clap::Args, Clone)]
struct BackupsArgs {
    /// The tool; omit it with --inventory to collect every entry of the inventory's
    /// `backups` list.
    #[arg(value_enum)]
    tool: Option<BackupTool>,
    /// Repositories (restic/borg: the repository URL or path; pgbackrest: the stanza).
    repos: Vec<String>,
    /// Restore a sample of the newest snapshot into a temporary folder, verify it and
    /// record the test (restic, borg).
    #[arg(long)]
    restore_test: bool,
    /// Restore test: the most files restored.
    #[arg(long, default_value_t = 100, value_name = "N")]
    restore_max_files: usize,
    /// Restore test: the most bytes restored.
    #[arg(long, default_value_t = 64 * 1024 * 1024, value_name = "BYTES")]
    restore_max_bytes: u64,
    /// Restore test (restic): the share of pack files `restic check` reads.
    #[arg(long, default_value = "5%", value_name = "SUBSET")]
    read_data_subset: String,
    /// Also collect the inventory's `backups` list (entries {repository, tool, stanza,
    /// password_env, location}).
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// The evidence folder to add the documents to (created if missing).
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
}

/// A backup tool `assay collect backups` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum BackupTool {
    /// restic (RESTIC_PASSWORD or RESTIC_PASSWORD_FILE).
    Restic,
    /// BorgBackup (BORG_PASSPHRASE or BORG_PASSCOMMAND).
    Borg,
    /// pgBackRest (`pgbackrest info`; the repository argument is the stanza).
    Pgbackrest,
}

/// `assay collect backups`: each named repository and each inventory entry, read live; a
/// repository the tool cannot read is recorded with its error (its controls error).
fn cmd_collect_backups(a: &BackupsArgs) -> Result<u8, Fatal> {
    use assay::collect::backup::{self, restore, Tool};
    let as_tool = |t: BackupTool| match t {
        BackupTool::Restic => Tool::Restic,
        BackupTool::Borg => Tool::Borg,
        BackupTool::Pgbackrest => Tool::Pgbackrest,
    };
    // Per job: the tool, the repository, the inventory's location, and the password the
    // inventory names (the tool's own variable, and the value to give it).
    type Job = (
        Tool,
        String,
        Option<serde_json::Value>,
        Option<(&'static str, String)>,
    );
    let mut jobs: Vec<Job> = Vec::new();
    match (a.tool, a.repos.is_empty()) {
        (Some(t), false) => {
            jobs.extend(a.repos.iter().map(|r| (as_tool(t), r.clone(), None, None)))
        }
        (Some(_), true) if a.inventory.is_none() => {
            return Err(Fatal(
                "name at least one repository (restic/borg: URL or path; pgbackrest: stanza)"
                    .into(),
            ))
        }
        (None, false) => {
            return Err(Fatal(
                "name the tool first: assay collect backups restic|borg|pgbackrest REPO…".into(),
            ))
        }
        _ => {}
    }
    if let Some(inv) = &a.inventory {
        for e in backup::inventory::entries(inv).map_err(Fatal)? {
            let mut secret = None;
            if let Some(var) = &e.password_env {
                // The tool reads its own variable; the inventory names where the secret is.
                let value = std::env::var(var).map_err(|_| {
                    Fatal(format!(
                        "{}: {}.password_env: the environment variable {var} is not set",
                        inv.display(),
                        e.field
                    ))
                })?;
                let own = match e.tool {
                    Tool::Restic => "RESTIC_PASSWORD",
                    Tool::Borg => "BORG_PASSPHRASE",
                    Tool::Pgbackrest => "PGBACKREST_REPO1_CIPHER_PASS",
                };
                secret = Some((own, value));
            }
            jobs.push((e.tool, e.target, e.location, secret));
        }
    }
    if jobs.is_empty() {
        return Err(Fatal("no repositories: name a tool and repositories, or give --inventory with a backups list".into()));
    }
    let opts = restore::Options {
        max_files: a.restore_max_files.max(1),
        max_bytes: a.restore_max_bytes.max(1),
        read_data_subset: a.read_data_subset.clone(),
        ..restore::Options::default()
    };
    let earlier = earlier_restore_tests(&a.into)?;
    let mut docs = Vec::new();
    let mut b = tabled::builder::Builder::default();
    b.push_record(["subject", "tool", "what was found"]);
    for (tool, repo, location, secret) in jobs {
        let restore = a.restore_test.then_some(&opts);
        // An inventory entry's password goes into the tool's own variable for this
        // repository only (the tools inherit assay's environment; nothing else is
        // running here), and the variable is put back afterwards.
        let saved = secret.as_ref().map(|(own, value)| {
            let before = std::env::var_os(own);
            std::env::set_var(own, value);
            (*own, before)
        });
        let got = backup::collect(tool, &repo, restore);
        if let Some((own, before)) = saved {
            match before {
                Some(v) => std::env::set_var(own, v),
                None => std::env::remove_var(own),
            }
        }
        let got = got.map_err(|e| Fatal(e.to_string()))?;
        for mut c in got {
            if let (Some(loc), Some(body)) = (&location, c.body.as_object_mut()) {
                if !body.contains_key("error") {
                    body.insert("location".into(), loc.clone());
                }
            }
            if let Some(e) = c.body["error"].as_str() {
                eprintln!("assay: error: {e}");
            }
            if let Some(t) = earlier.get(&c.subject) {
                backup::carry_restore_tests(&mut c.body, t);
            }
            b.push_record([
                c.subject.clone(),
                tool.name().to_string(),
                backup_summary(&c.body),
            ]);
            docs.push(assay::evidence::Document::probed(
                "backup.snapshots",
                c.subject,
                backup::COLLECTOR,
                c.body,
            ));
        }
    }
    add_collected(&a.into, docs, "assay-backup", b)
}

/// Per subject, the restore tests of the newest backup.snapshots document already in the
/// evidence folder (nothing when the folder does not exist yet), so a collection without
/// `--restore-test` keeps the tests recorded before.
fn earlier_restore_tests(
    into: &Path,
) -> Result<std::collections::HashMap<String, Vec<serde_json::Value>>, Fatal> {
    let mut out = std::collections::HashMap::new();
    if !into.join(assay::evidence::store::MANIFEST).is_file() {
        return Ok(out);
    }
    let kinds = KindRegistry::from_bundle(&Bundle::builtin())?;
    let dir = EvidenceDir::open(into).map_err(|e| Fatal(e.to_string()))?;
    let (mut docs, _problems) = dir.load(&kinds).map_err(|e| Fatal(e.to_string()))?;
    docs.retain(|s| s.doc.kind == "backup.snapshots");
    docs.sort_by_key(|s| s.doc.collected_at);
    for s in docs {
        if let Some(t) = s.doc.body.get("restore_tests").and_then(|t| t.as_array()) {
            out.insert(s.doc.subject.clone(), t.clone());
        }
    }
    Ok(out)
}

/// `evidence import --from restic|borg|pgbackrest|aws-backup`: one backup.snapshots
/// document per repository, stanza or vault; nothing is added when any file is invalid.
fn cmd_import_backups(
    tool: ImportFrom,
    asset: Option<&str>,
    files: &[PathBuf],
    into: &Path,
    catalog: Option<&Path>,
) -> Result<u8, Fatal> {
    use assay::collect::backup::{self, aws_backup, borg, pgbackrest, restic};
    let kinds = load_kinds(catalog)?;
    let inputs = read_inputs(files)?;
    let (mut docs, mut errors) = (Vec::new(), Vec::new());
    for ((name, text), file) in inputs.iter().zip(files) {
        let collected_at = oldest_mtime(std::slice::from_ref(file));
        let parsed: Result<Vec<(String, serde_json::Value)>, String> = match tool {
            ImportFrom::Restic => match asset {
                None => Err("--from restic needs --asset REPO: the repository the `restic snapshots --json` output was taken from".into()),
                Some(repo) => restic::import(repo, name, text)
                    .map(|f| vec![(repo.to_string(), backup::body(&f, collected_at))])
                    .map_err(|e| e.to_string()),
            },
            ImportFrom::Borg => borg::parse(name, text, None)
                .map(|f| vec![(asset.map(str::to_string).unwrap_or_else(|| f.repository.clone()), backup::body(&f, collected_at))])
                .map_err(|e| e.to_string()),
            ImportFrom::Pgbackrest => pgbackrest::parse(name, text)
                .map(|list| {
                    list.into_iter()
                        .map(|(stanza, r)| {
                            let subject = pgbackrest::subject(&stanza);
                            let body = match r {
                                Ok(f) => backup::body(&f, collected_at),
                                Err(msg) => backup::error_body(&subject, "pgbackrest", &format!("{name}: {msg}")),
                            };
                            (subject, body)
                        })
                        .collect()
                })
                .map_err(|e| e.to_string()),
            _ => aws_backup::parse(name, text)
                .map(|list| list.iter().map(|f| (f.repository.clone(), backup::body(f, collected_at))).collect())
                .map_err(|e| e.to_string()),
        };
        match parsed {
            Ok(list) if list.is_empty() => errors.push(format!(
                "{name}: no repositories, stanzas or recovery points found"
            )),
            Ok(list) => {
                let tool_name = match tool {
                    ImportFrom::Restic => "restic",
                    ImportFrom::Borg => "borg",
                    ImportFrom::Pgbackrest => "pgbackrest",
                    _ => "aws-backup",
                };
                for (subject, body) in list {
                    docs.push((
                        name.clone(),
                        assay::evidence::Document {
                            schema: assay::evidence::SCHEMA.to_string(),
                            kind: "backup.snapshots".into(),
                            subject,
                            collected_at,
                            collector: assay::evidence::Collector {
                                name: tool_name.into(),
                                version: "unknown".into(),
                            },
                            source: format!("import:{tool_name}"),
                            body,
                            sha256: None,
                        },
                    ));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let summary = EvidenceDir::add(into, docs, errors, &kinds).map_err(|e| Fatal(e.to_string()))?;
    print_import(&summary, into);
    Ok(EXIT_PASS)
}

/// One line for the summary table: snapshots, newest, encryption, restore test, or the error.
fn backup_summary(body: &serde_json::Value) -> String {
    if let Some(e) = body["error"].as_str() {
        return format!("error: {e}");
    }
    let mut s = format!(
        "{} snapshot(s), {} source(s), newest {}, encrypted: {}",
        body["count"],
        body["sources"].as_array().map_or(0, Vec::len),
        body["span"]["newest"].as_str().unwrap_or("-"),
        match body["encrypted"].as_bool() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "?",
        }
    );
    if let Some(t) = body["restore_tests"].as_array().and_then(|t| t.last()) {
        match t["success"].as_bool() {
            Some(true) => s.push_str(&format!(
                ", restore test ok ({} files, {} bytes)",
                t["files"], t["bytes"]
            )),
            _ => s.push_str(&format!(
                ", restore test FAILED: {}",
                t["error"].as_str().unwrap_or("?")
            )),
        }
    }
    if let Some(i) = body["incomplete"].as_str() {
        s.push_str(&format!(" (incomplete: {i})"));
    }
    s
}

/// `assay collect residency`.
#[derive(clap::Args, Clone)]
struct ResidencyArgs {
    /// `terraform show -json` output, a `.tfstate` file, or a Terraform folder (then
    /// `terraform show -json` runs there) (repeatable).
    #[arg(long, value_name = "FILE|DIR")]
    terraform: Vec<PathBuf>,
    /// `aws ec2 describe-instances`, `ec2 describe-volumes`, `rds describe-db-instances` or
    /// `s3api list-buckets` output (repeatable).
    #[arg(long, value_name = "FILE")]
    aws: Vec<PathBuf>,
    /// `kubectl get nodes -o json` output of the cluster --cluster (repeatable).
    #[arg(long = "kubectl-nodes", value_name = "FILE")]
    kubectl_nodes: Vec<PathBuf>,
    /// The cluster the --kubectl-nodes files come from (the subject is k8s:<NAME>).
    #[arg(long, value_name = "NAME", default_value = assay::collect::residency::kubernetes::DEFAULT_CLUSTER)]
    cluster: String,
    /// A MaxMind DB file (GeoLite2/GeoIP2 Country or City) that places the endpoints
    /// [default: the inventory's residency.geoip].
    #[arg(long, value_name = "FILE.mmdb")]
    geoip: Option<PathBuf>,
    /// A host name or address to place with --geoip; every address it resolves to is
    /// looked up (repeatable).
    #[arg(long = "endpoint", value_name = "HOST")]
    endpoints: Vec<String>,
    /// Also read the inventory's `residency` section (terraform, aws, kubectl_nodes: lists
    /// of files; geoip: a file; endpoints: hosts or {host, stores_data}); paths are
    /// relative to the inventory file.
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// The evidence folder to add the documents to (created if missing).
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
}

/// `assay collect residency`: every input read and placed, then one cloud.resources
/// document per account added; nothing is added when any input is bad.
fn cmd_collect_residency(a: &ResidencyArgs) -> Result<u8, Fatal> {
    use assay::collect::residency::{geoip::Endpoint, run};
    let mut inputs = run::Inputs {
        terraform: a.terraform.clone(),
        aws: a.aws.clone(),
        kubectl_nodes: a
            .kubectl_nodes
            .iter()
            .map(|f| run::NodeList {
                file: f.clone(),
                cluster: a.cluster.clone(),
            })
            .collect(),
        geoip: a.geoip.clone(),
        endpoints: a
            .endpoints
            .iter()
            .map(|h| Endpoint {
                host: h.clone(),
                stores_data: true,
            })
            .collect(),
    };
    if let Some(inv) = &a.inventory {
        inputs.add_inventory(inv).map_err(Fatal)?;
    }
    let got = run::collect(&inputs).map_err(|errors| Fatal(errors.join("\n")))?;
    for w in &got.warnings {
        eprintln!("assay: warning: {w}");
    }
    let mut b = tabled::builder::Builder::default();
    b.push_record(["subject", "source", "what was found"]);
    for (_, d) in &got.docs {
        b.push_record([d.subject.clone(), d.source.clone(), run::summary(&d.body)]);
    }
    let kinds = KindRegistry::from_bundle(&Bundle::builtin())?;
    let summary = EvidenceDir::add(&a.into, got.docs, Vec::new(), &kinds)
        .map_err(|e| Fatal(e.to_string()))?;
    let mut t = b.build();
    t.with(tabled::settings::Style::sharp());
    println!(
        "{t}\n{} document(s) added, {} unchanged, into {}",
        summary.added.len(),
        summary.unchanged.len(),
        a.into.display()
    );
    Ok(EXIT_PASS)
}

#[derive(Subcommand)]
enum KeyCmd {
    /// Generate an Ed25519 key pair in minisign's format: NAME.key (the secret key, mode
    /// 0600, never printed) and NAME.pub (the public key, for auditors). Never overwrites.
    #[command(after_help = "Examples:
  assay key generate --out keys/audit
  AUDIT_KEY_PASSWORD=… assay key generate --out keys/audit --password-env AUDIT_KEY_PASSWORD

Without --password-env the secret key is not encrypted (for CI, where the file is the secret);
with it, it is encrypted as minisign does (scrypt), and `assay pack` needs the same option.")]
    Generate {
        /// The file name prefix: writes NAME.key and NAME.pub.
        #[arg(long, value_name = "NAME")]
        out: PathBuf,
        /// Encrypt the secret key with the password in this environment variable.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
    },
}

#[derive(clap::Args)]
struct PackArgs {
    #[command(subcommand)]
    cmd: Option<PackCmd>,
    /// The evidence folder the results were judged on.
    #[arg(long, value_name = "DIR", required_unless_present = "period")]
    evidence: Option<PathBuf>,
    /// The results of the run (`assay check --format json --output results.json`).
    #[arg(long, value_name = "FILE", required_unless_present = "period")]
    results: Option<PathBuf>,
    /// The pack folder to create (must not exist); --tar also writes PACK.tar.gz,
    /// --tar-only writes only PACK.tar.gz.
    #[arg(long, value_name = "PACK", required_unless_present = "period")]
    out: Option<PathBuf>,
    /// Packing: the secret key to sign with (NAME.key). With --period: the public key
    /// (NAME.pub) to verify every pack with.
    #[arg(long, value_name = "KEY", required_unless_present = "period")]
    key: Option<PathBuf>,
    /// The environment variable holding the secret key's password, if it has one.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// The catalog folder the run used (`check --catalog`); default: what the results record.
    #[arg(long, value_name = "DIR")]
    catalog: Option<PathBuf>,
    /// The profile file the run used, when it is not one of the catalog's profiles.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// The waivers file the run used.
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// Also write PACK.tar.gz.
    #[arg(long)]
    tar: bool,
    /// Write only PACK.tar.gz, streamed from the evidence folder (no pack folder).
    #[arg(long, conflicts_with = "tar")]
    tar_only: bool,
    /// Index the packs of an audit period instead of packing (= `assay pack index`).
    #[arg(long, value_name = "FROM..TO", requires = "packs",
          conflicts_with_all = ["evidence", "results", "out", "catalog", "profile", "waivers", "tar", "tar_only", "password_env"])]
    period: Option<String>,
    /// With --period: a pack folder, a .tar.gz, or a folder of packs (repeatable).
    #[arg(long, value_name = "DIR", requires = "period")]
    packs: Vec<PathBuf>,
    /// With --period: check hashes only, not signatures.
    #[arg(long, requires = "period", conflicts_with = "key")]
    no_signature: bool,
    /// With --period: the index format.
    #[arg(long, value_enum, default_value = "table")]
    format: assay::pack::period::IndexFormat,
}

#[derive(Subcommand)]
enum PackCmd {
    /// Verify a pack folder or .tar.gz: every file against MANIFEST (edited, missing, extra),
    /// MANIFEST.sig against the public key, and the contents against each other.
    #[command(after_help = "Examples:
  assay pack verify packs/2026-11 --key keys/audit.pub
  assay pack verify packs/2026-11.tar.gz --key keys/audit.pub
  assay pack verify packs/2026-11 --no-signature      (hashes only: says the signature was NOT checked)

Without --key the signature cannot be checked, and the pack fails unless --no-signature says
that hashes alone are wanted. Exit 0 only when nothing is wrong; 1 with one line per problem.")]
    Verify {
        /// The pack folder or .tar.gz.
        pack: PathBuf,
        /// The public key (NAME.pub) the pack must be signed with.
        #[arg(long, value_name = "PUB")]
        key: Option<PathBuf>,
        /// Check hashes only; the signature is reported as NOT checked.
        #[arg(long, conflicts_with = "key")]
        no_signature: bool,
    },
    /// Index the packs of an audit period: verifies each, counts those run in the period,
    /// and prints per control runs, pass / fail / error, pass ratio, first and last status.
    #[command(after_help = "Examples:
  assay pack index --period 2026-01-01..2026-12-31 packs/ --key keys/audit.pub
  assay pack index --period 2026-07-01..2026-09-30 packs/q3-*.tar.gz --key keys/audit.pub --format markdown

FROM and TO are inclusive; a date is the whole day in UTC. A pack's run time is when its
results were evaluated (`check --now`). Packs that fail verification are listed and not
counted, and make the exit code 1, as does a period without any sound pack.")]
    Index {
        /// The period, FROM..TO (dates or RFC 3339 instants).
        #[arg(long, value_name = "FROM..TO")]
        period: String,
        /// Pack folders, .tar.gz files, or folders holding them.
        #[arg(required = true, value_name = "PACK")]
        packs: Vec<PathBuf>,
        /// The public key (NAME.pub) every pack must be signed with.
        #[arg(long, value_name = "PUB")]
        key: Option<PathBuf>,
        /// Check hashes only, not signatures.
        #[arg(long, conflicts_with = "key")]
        no_signature: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: assay::pack::period::IndexFormat,
    },
}

fn cmd_pack(a: PackArgs) -> Result<u8, Fatal> {
    use assay::pack::cli;
    use assay::pack::create::PackForm;
    let outcome = match (a.cmd, a.period) {
        (
            Some(PackCmd::Verify {
                pack,
                key,
                no_signature,
            }),
            _,
        ) => cli::pack_verify(&pack, key.as_deref(), no_signature),
        (
            Some(PackCmd::Index {
                period,
                packs,
                key,
                no_signature,
                format,
            }),
            _,
        ) => cli::pack_index(&period, &packs, key.as_deref(), no_signature, format),
        (None, Some(period)) => cli::pack_index(
            &period,
            &a.packs,
            a.key.as_deref(),
            a.no_signature,
            a.format,
        ),
        (None, None) => match (a.evidence, a.results, a.out, a.key) {
            (Some(evidence), Some(results), Some(out), Some(key)) => cli::pack(
                evidence,
                results,
                out,
                key,
                a.password_env.as_deref(),
                a.catalog,
                a.profile,
                a.waivers,
                match (a.tar, a.tar_only) {
                    (_, true) => PackForm::Tar,
                    (true, false) => PackForm::FolderAndTar,
                    (false, false) => PackForm::Folder,
                },
            ),
            _ => {
                return Err(Fatal(
                    "pack: give --evidence, --results, --out and --key".into(),
                ))
            }
        },
    };
    pack_outcome(outcome)
}

/// Prints a pack command's outcome: exit 0 when it passed, 1 when a pack or its inputs
/// failed their checks, 2 (Fatal) when the command could not run.
fn pack_outcome(r: Result<assay::pack::cli::Outcome, assay::pack::PackError>) -> Result<u8, Fatal> {
    match r {
        Ok(o) => {
            print!("{}", o.stdout);
            let _ = std::io::stdout().flush();
            for line in &o.stderr {
                eprintln!("assay: {line}");
            }
            Ok(if o.ok { EXIT_PASS } else { EXIT_GATE })
        }
        Err(assay::pack::PackError::Refused(problems)) => {
            for p in &problems {
                eprintln!("assay: {p}");
            }
            eprintln!("assay: nothing was packed ({} problem(s))", problems.len());
            Ok(EXIT_GATE)
        }
        Err(e) => Err(Fatal(e.to_string())),
    }
}
