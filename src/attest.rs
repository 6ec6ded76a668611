//! Attestations: a person vouching for a manual control (`assay attest`).
//!
//! Training, background screening or an incident-response plan cannot be probed; the
//! catalog marks such controls `manual`, and they are judged from an `attestation`
//! evidence document: who vouches, for what statement, since when and until when, and the
//! SHA-256 of the proof they attached. The check reports a valid one as `attested`, never
//! as `pass`, so nobody mistakes a person's word for a measurement.
//!
//! Times are UTC. An expiry given as a bare date means the end of that day in UTC, and the
//! document records the exact instant, so every later report recomputes expiry from the
//! same value whatever the reader's time zone.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::catalog::Catalog;
use crate::evidence::{Collector, Document, SCHEMA};

/// What the person attests.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The manual control's id.
    pub control: &'a str,
    /// Who attests (name, role, contact).
    pub by: &'a str,
    /// What they state is true.
    pub statement: &'a str,
    /// A file backing the statement (a training report, a signed plan).
    pub proof: Option<&'a Path>,
    /// RFC 3339 instant or `YYYY-MM-DD` (the end of that day, UTC).
    pub expires: &'a str,
    /// A link to the supporting document or ticket.
    pub reference: Option<&'a str>,
    /// When the attestation is made.
    pub now: DateTime<Utc>,
}

/// Why an attestation was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AttestError {
    /// The catalog has no such control.
    #[error("there is no control '{0}' in the catalog (assay catalog list shows them)")]
    UnknownControl(String),
    /// The control is measured, not attested.
    #[error("{id} is not a manual control: it is judged from {kinds} evidence, and a person's word cannot replace that measurement")]
    NotManual {
        /// The control id.
        id: String,
        /// Its evidence kinds.
        kinds: String,
    },
    /// A required text is empty.
    #[error("--{0} must not be empty")]
    Empty(&'static str),
    /// The expiry cannot be read.
    #[error("--expires '{0}' is neither an RFC 3339 instant (2027-06-30T00:00:00Z) nor a date (2027-06-30)")]
    BadExpiry(String),
    /// The expiry is not after now.
    #[error(
        "--expires {expires} is not after now ({now}): an attestation must be valid for some time"
    )]
    Expired {
        /// The expiry instant.
        expires: String,
        /// The current instant.
        now: String,
    },
    /// The proof file cannot be read.
    #[error("{path}: cannot read the proof file: {message}")]
    Proof {
        /// The file.
        path: String,
        /// The OS error.
        message: String,
    },
}

/// Reads `--expires`: an RFC 3339 instant (any offset, kept in UTC) or a date, meaning the
/// attestation holds through that whole day in UTC.
pub fn parse_expiry(s: &str) -> Result<DateTime<Utc>, AttestError> {
    let s = s.trim();
    if let Ok(t) = crate::timefmt::parse_instant(s) {
        return Ok(t);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| AttestError::BadExpiry(s.to_string()))
}

/// SHA-256 and size of a file, streamed.
fn hash_file(path: &Path) -> Result<(String, u64), AttestError> {
    let err = |e: std::io::Error| AttestError::Proof {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut f = std::fs::File::open(path).map_err(err)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(err)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        h.update(&buf[..n]);
    }
    Ok((crate::evidence::hex(&h.finalize()), total))
}

/// The `attestation` evidence document for `req`, after checking that the control is a
/// manual one of `catalog` and that the attestation is valid for some time.
pub fn attestation(catalog: &Catalog, req: &Request<'_>) -> Result<Document, AttestError> {
    let c = catalog
        .get(req.control)
        .ok_or_else(|| AttestError::UnknownControl(req.control.to_string()))?;
    if !c.manual {
        return Err(AttestError::NotManual {
            id: c.id.clone(),
            kinds: c.evidence.join(", "),
        });
    }
    let by = req.by.trim();
    if by.is_empty() {
        return Err(AttestError::Empty("by"));
    }
    let statement = req.statement.trim();
    if statement.is_empty() {
        return Err(AttestError::Empty("statement"));
    }
    let now = req.now;
    let until = parse_expiry(req.expires)?;
    if until <= now {
        return Err(AttestError::Expired {
            expires: crate::timefmt::format_instant(&until),
            now: crate::timefmt::format_instant(&now),
        });
    }
    let proof = match req.proof {
        Some(p) => {
            let (sha256, bytes) = hash_file(p)?;
            let file = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string());
            json!({"file": file, "sha256": sha256, "bytes": bytes})
        }
        None => serde_json::Value::Null,
    };
    // Seconds precision, like every other instant assay writes.
    let now = now - Duration::nanoseconds(now.timestamp_subsec_nanos() as i64);
    Ok(Document {
        schema: SCHEMA.to_string(),
        kind: "attestation".into(),
        subject: c.id.clone(),
        collected_at: now,
        collector: Collector {
            name: "assay-attest".into(),
            version: crate::VERSION.to_string(),
        },
        source: "manual".into(),
        body: json!({
            "control": c.id,
            "statement": statement,
            "attested_by": by,
            "attested_at": crate::timefmt::format_instant(&now),
            "valid_until": crate::timefmt::format_instant(&until),
            "reference": req.reference.map(str::trim).filter(|r| !r.is_empty()),
            "proof": proof,
        }),
        sha256: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::Bundle;

    fn catalog() -> Catalog {
        Catalog::load(Bundle::builtin()).expect("the built-in catalog loads")
    }

    fn at(s: &str) -> DateTime<Utc> {
        crate::timefmt::parse_instant(s).unwrap()
    }

    fn req<'a>(control: &'a str, expires: &'a str) -> Request<'a> {
        Request {
            control,
            by: "Maria Krause, MD",
            statement: "All staff completed the 2026 training.",
            proof: None,
            expires,
            reference: Some("https://wiki.example/training"),
            now: at("2026-11-25T10:00:00.750Z"),
        }
    }

    #[test]
    fn a_date_means_the_end_of_that_day_in_utc() {
        assert_eq!(
            parse_expiry("2027-06-30").unwrap(),
            at("2027-07-01T00:00:00Z")
        );
        assert_eq!(
            parse_expiry("2027-06-30T23:00:00-02:00").unwrap(),
            at("2027-07-01T01:00:00Z")
        );
        assert!(matches!(
            parse_expiry("30.06.2027"),
            Err(AttestError::BadExpiry(_))
        ));
    }

    #[test]
    fn writes_who_what_when_until() {
        let d = attestation(&catalog(), &req("org.security-training", "2027-06-30")).unwrap();
        assert_eq!(d.kind, "attestation");
        assert_eq!(d.subject, "org.security-training");
        assert_eq!(d.source, "manual");
        assert_eq!(d.body["attested_at"], "2026-11-25T10:00:00Z");
        assert_eq!(d.body["valid_until"], "2027-07-01T00:00:00Z");
        assert_eq!(d.body["attested_by"], "Maria Krause, MD");
        assert_eq!(d.body["proof"], serde_json::Value::Null);
    }

    #[test]
    fn refuses_measured_unknown_expired_and_empty() {
        let c = catalog();
        assert!(matches!(
            attestation(&c, &req("tls.min-grade", "2027-01-01")),
            Err(AttestError::NotManual { .. })
        ));
        assert!(matches!(
            attestation(&c, &req("org.nope", "2027-01-01")),
            Err(AttestError::UnknownControl(_))
        ));
        assert!(matches!(
            attestation(&c, &req("org.security-training", "2026-11-24")),
            Err(AttestError::Expired { .. })
        ));
        let mut r = req("org.security-training", "2027-01-01");
        r.by = "  ";
        assert_eq!(attestation(&c, &r), Err(AttestError::Empty("by")));
    }

    #[test]
    fn the_proof_is_hashed_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("training.pdf");
        std::fs::write(&p, b"abc").unwrap();
        let mut r = req("org.security-training", "2027-01-01");
        r.proof = Some(&p);
        let d = attestation(&catalog(), &r).unwrap();
        assert_eq!(
            d.body["proof"],
            json!({"file": "training.pdf", "bytes": 3,
                   "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})
        );
        let missing = dir.path().join("gone.pdf");
        r.proof = Some(&missing);
        let e = attestation(&catalog(), &r).unwrap_err();
        assert!(e.to_string().contains("gone.pdf"), "{e}");
    }
}
