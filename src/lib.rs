//! assay: a security-controls compliance engine.
//!
//! The data flow is `evidence/ → check → results → report`:
//!
//! - [`catalog`] reads the control catalog (YAML), profiles and framework mappings, and
//!   validates them against the policies.
//! - [`policy`] compiles the Rego policies with regorus, evaluates control rules and runs
//!   the policies' own unit tests.
//! - [`evidence`] is the evidence document model, its canonical hash, the per-kind JSON
//!   schemas and the evidence folder with its manifest.
//! - [`check`] judges the selected controls against an evidence folder and keeps the
//!   verdicts honest: missing, stale or failed evidence is an error, never a pass.
//! - [`attest`] writes a person's attestation for a manual control.
//! - [`waiver`] reads waivers and decides, at a given instant, which still apply.
//! - [`report`] renders a result as a table, JSON, JUnit, SARIF or Markdown, and the
//!   framework view (criteria → controls → status).
//! - [`diff`] compares two results per control and subject (new failures, fixes, moved
//!   evidence) for `assay diff` and the `check --baseline` gate.
//! - [`pack`] seals evidence, results and the catalog they were judged with into a signed
//!   evidence pack, verifies packs, and indexes the packs of an audit period.

pub mod attest;
pub mod bundle;
pub mod catalog;
pub mod check;
pub mod collect;
pub mod diff;
pub mod evidence;
pub mod fsutil;
pub mod pack;
pub mod policy;
pub mod report;
pub mod severity;
pub mod timefmt;
pub mod waiver;

/// The version of assay, written into evidence and results.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
