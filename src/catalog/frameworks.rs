//! The compliance frameworks a control maps to, the shape of their criterion ids, and the
//! titles of the criteria our catalog uses (for the framework view of a report).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A compliance framework that controls map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// AICPA SOC 2, Trust Services Criteria 2017 (revised points of focus 2022).
    Soc2,
    /// ISO/IEC 27001:2022 Annex A.
    Iso27001,
    /// BSI Cloud Computing Compliance Criteria Catalogue C5:2020.
    C5,
    /// PCI DSS v4.0.
    Pci,
    /// NIST SP 800-53 Revision 5.
    Nist,
}

impl Framework {
    /// Every framework, in report order.
    pub const ALL: [Framework; 5] = [
        Framework::Soc2,
        Framework::Iso27001,
        Framework::C5,
        Framework::Pci,
        Framework::Nist,
    ];

    /// The key used in YAML and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Framework::Soc2 => "soc2",
            Framework::Iso27001 => "iso27001",
            Framework::C5 => "c5",
            Framework::Pci => "pci",
            Framework::Nist => "nist",
        }
    }

    /// The framework's full name, for reports.
    pub fn title(self) -> &'static str {
        match self {
            Framework::Soc2 => "SOC 2 Trust Services Criteria (2017)",
            Framework::Iso27001 => "ISO/IEC 27001:2022 Annex A",
            Framework::C5 => "BSI C5:2020",
            Framework::Pci => "PCI DSS v4.0",
            Framework::Nist => "NIST SP 800-53 Rev. 5",
        }
    }

    /// Whether `id` is a well-formed criterion id of this framework. This checks the
    /// shape and the numbering ranges the framework uses, so `CC6.11` or `A.8.99` are
    /// caught as typos; it does not prove that the criterion fits the control.
    pub fn is_valid_id(self, id: &str) -> bool {
        match self {
            Framework::Soc2 => soc2_ok(id),
            Framework::Iso27001 => iso_ok(id),
            Framework::C5 => c5_ok(id),
            Framework::Pci => pci_ok(id),
            Framework::Nist => nist_ok(id),
        }
    }

    /// What a well-formed id of this framework looks like, for error messages.
    pub fn id_hint(self) -> &'static str {
        match self {
            Framework::Soc2 => "CC1.1–CC9.2, A1.1–A1.3, C1.1–C1.2, PI1.1–PI1.5 or P1.1–P8.1",
            Framework::Iso27001 => "A.5.1–A.5.37, A.6.1–A.6.8, A.7.1–A.7.14 or A.8.1–A.8.34",
            Framework::C5 => "AREA-NN with AREA one of OIS SP HR AM PS OPS IDM CRY COS PI DEV SSO SIM BCM COM INQ PSS",
            Framework::Pci => "a requirement number such as 4.2.1 or 8.4.2 (1–12)",
            Framework::Nist => "a control such as SC-8, IA-2(1) (families AC AT AU CA CM CP IA IR MA MP PE PL PM PS PT RA SA SC SI SR)",
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Framework {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Framework::ALL
            .into_iter()
            .find(|f| f.key() == s)
            .ok_or_else(|| {
                format!("unknown framework '{s}' (expected soc2, iso27001, c5, pci or nist)")
            })
    }
}

fn split_num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `PREFIX<major>.<minor>` with minor in 1..=max_minor(major).
fn dotted(
    id: &str,
    prefix: &str,
    majors: std::ops::RangeInclusive<u32>,
    max_minor: impl Fn(u32) -> u32,
) -> bool {
    let Some(rest) = id.strip_prefix(prefix) else {
        return false;
    };
    let Some((a, b)) = rest.split_once('.') else {
        return false;
    };
    match (split_num(a), split_num(b)) {
        (Some(a), Some(b)) => majors.contains(&a) && b >= 1 && b <= max_minor(a),
        _ => false,
    }
}

fn soc2_ok(id: &str) -> bool {
    // Common criteria CC1–CC9 with their published number of points.
    let cc = |m: u32| match m {
        1 => 5,
        2 => 3,
        3 => 4,
        4 => 2,
        5 => 3,
        6 => 8,
        7 => 5,
        8 => 1,
        9 => 2,
        _ => 0,
    };
    dotted(id, "CC", 1..=9, cc)
        || dotted(id, "A", 1..=1, |_| 3)
        || dotted(id, "C", 1..=1, |_| 2)
        || dotted(id, "PI", 1..=1, |_| 5)
        || dotted(id, "P", 1..=8, |m| match m {
            1 => 1,
            2 => 1,
            3 => 2,
            4 => 3,
            5 => 2,
            6 => 7,
            7 => 1,
            8 => 1,
            _ => 0,
        })
}

fn iso_ok(id: &str) -> bool {
    dotted(id, "A.", 5..=8, |m| match m {
        5 => 37,
        6 => 8,
        7 => 14,
        8 => 34,
        _ => 0,
    })
}

const C5_AREAS: [&str; 17] = [
    "OIS", "SP", "HR", "AM", "PS", "OPS", "IDM", "CRY", "COS", "PI", "DEV", "SSO", "SIM", "BCM",
    "COM", "INQ", "PSS",
];

fn c5_ok(id: &str) -> bool {
    let Some((area, n)) = id.split_once('-') else {
        return false;
    };
    C5_AREAS.contains(&area) && n.len() == 2 && split_num(n).is_some_and(|n| n >= 1)
}

fn pci_ok(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return false;
    }
    let nums: Option<Vec<u32>> = parts.iter().map(|p| split_num(p)).collect();
    match nums {
        Some(n) => match n.split_first() {
            Some((major, rest)) => (1..=12).contains(major) && rest.iter().all(|&x| x >= 1),
            None => false,
        },
        None => false,
    }
}

const NIST_FAMILIES: [&str; 20] = [
    "AC", "AT", "AU", "CA", "CM", "CP", "IA", "IR", "MA", "MP", "PE", "PL", "PM", "PS", "PT", "RA",
    "SA", "SC", "SI", "SR",
];

fn nist_ok(id: &str) -> bool {
    let Some((fam, rest)) = id.split_once('-') else {
        return false;
    };
    if !NIST_FAMILIES.contains(&fam) {
        return false;
    }
    let (base, enh) = match rest.split_once('(') {
        Some((b, e)) => match e.strip_suffix(')') {
            Some(e) => (b, Some(e)),
            None => return false,
        },
        None => (rest, None),
    };
    split_num(base).is_some_and(|n| n >= 1)
        && enh.is_none_or(|e| split_num(e).is_some_and(|n| n >= 1))
}

/// The title of a criterion, where assay knows it (the criteria our catalog maps to).
pub fn criterion_title(fw: Framework, id: &str) -> Option<&'static str> {
    let table: &[(&str, &str)] = match fw {
        Framework::Soc2 => &[
            ("CC7.3", "Evaluation of security events"),

            (
                "CC6.1",
                "Logical access security software, infrastructure and architectures",
            ),
            ("CC6.2", "User registration and authorization"),
            ("CC6.3", "Role-based access and least privilege"),
            (
                "CC6.6",
                "Protection against threats from outside system boundaries",
            ),
            (
                "CC6.7",
                "Restriction of transmission, movement and removal of information",
            ),
            (
                "CC6.8",
                "Prevention and detection of unauthorized or malicious software",
            ),
            (
                "CC7.1",
                "Detection of configuration changes and new vulnerabilities",
            ),
            ("CC7.2", "Monitoring of system components for anomalies"),
            ("CC7.4", "Incident response"),
            ("CC7.5", "Recovery from identified security incidents"),
            (
                "CC1.4",
                "Commitment to attract, develop and retain competent individuals",
            ),
            (
                "CC2.2",
                "Internal communication of information security responsibilities",
            ),
            ("CC9.1", "Risk mitigation for business disruptions"),
            ("A1.1", "Capacity management"),
            (
                "A1.2",
                "Environmental protections, software, data backup and recovery infrastructure",
            ),
            ("A1.3", "Recovery plan testing"),
            (
                "C1.1",
                "Identification and maintenance of confidential information",
            ),
            ("C1.2", "Disposal of confidential information"),
            ("P4.2", "Retention of personal information"),
            // The organisational controls behind the statement profiles (profiles/*.yaml).
            ("CC8.1", "Changes to infrastructure, data and software are authorized, tested and approved"),
            ("CC9.2", "Vendor and business partner risk management"),
            ("P4.3", "Secure disposal of personal information"),
        ],
        Framework::Iso27001 => &[
            ("A.8.16", "Monitoring activities"),

            ("A.5.15", "Access control"),
            ("A.5.17", "Authentication information"),
            ("A.5.23", "Information security for use of cloud services"),
            (
                "A.5.24",
                "Information security incident management planning and preparation",
            ),
            ("A.5.26", "Response to information security incidents"),
            ("A.5.29", "Information security during disruption"),
            ("A.5.30", "ICT readiness for business continuity"),
            (
                "A.5.31",
                "Legal, statutory, regulatory and contractual requirements",
            ),
            ("A.5.33", "Protection of records"),
            ("A.5.34", "Privacy and protection of PII"),
            ("A.6.1", "Screening"),
            (
                "A.6.3",
                "Information security awareness, education and training",
            ),
            ("A.8.2", "Privileged access rights"),
            ("A.8.5", "Secure authentication"),
            ("A.8.9", "Configuration management"),
            ("A.8.13", "Information backup"),
            ("A.8.14", "Redundancy of information processing facilities"),
            ("A.8.20", "Networks security"),
            ("A.8.21", "Security of network services"),
            ("A.8.22", "Segregation of networks"),
            ("A.8.24", "Use of cryptography"),
            ("A.8.26", "Application security requirements"),
            ("A.5.18", "Access rights"),
            ("A.5.19", "Information security in supplier relationships"),
            ("A.5.22", "Monitoring, review and change management of supplier services"),
            ("A.8.8", "Management of technical vulnerabilities"),
            ("A.8.10", "Information deletion"),
            ("A.8.15", "Logging"),
            ("A.8.25", "Secure development life cycle"),
            ("A.8.28", "Secure coding"),
            ("A.8.29", "Security testing in development and acceptance"),
            ("A.8.31", "Separation of development, test and production environments"),
        ],
        Framework::C5 => &[
            ("BCM-03", "Planning business continuity"),
            ("COM-01", "Identification of applicable legal, regulatory, self-imposed or contractual requirements"),
            ("COS-05", "Networks for administration"),
            ("IDM-06", "Privileged access rights"),

            (
                "CRY-01",
                "Policy for the use of encryption mechanisms and key management",
            ),
            (
                "CRY-02",
                "Encryption of data for transmission (transport encryption)",
            ),
            ("CRY-03", "Encryption of sensitive data for storage"),
            ("CRY-04", "Secure key management"),
            ("IDM-08", "Confidentiality of authentication information"),
            ("IDM-09", "Authentication mechanisms"),
            ("OPS-06", "Data backup and recovery – concept"),
            ("OPS-07", "Data backup and recovery – monitoring"),
            ("OPS-08", "Data backup and recovery – regular testing"),
            ("OPS-09", "Data backup and recovery – storage"),
            ("COS-01", "Technical safeguards"),
            (
                "COS-02",
                "Security requirements for connections in the cloud service provider's network",
            ),
            (
                "COS-03",
                "Monitoring of connections in the cloud service provider's network",
            ),
            (
                "COS-06",
                "Segregation of data traffic in jointly used network environments",
            ),
            ("PSS-12", "Locations of data processing and storage"),
            (
                "BCM-04",
                "Verification, updating and testing of the business continuity",
            ),
            ("HR-01", "Verification of qualification and trustworthiness"),
            ("HR-03", "Security training and awareness programme"),
            ("SIM-01", "Policy for security incident management"),
            ("DEV-01", "Policies for the development and procurement of information systems"),
            ("DEV-06", "Testing changes"),
            ("IDM-01", "Policy for user accounts and access rights"),
            ("IDM-05", "Regular review of access rights"),
            ("OPS-10", "Logging and monitoring – concept"),
            ("OPS-13", "Logging and monitoring – identification of events"),
            ("OPS-22", "Testing and documentation of known vulnerabilities"),
            ("PI-03", "Secure deletion of data"),
            ("SSO-01", "Policies and instructions for controlling and monitoring third parties"),
            ("SSO-04", "Monitoring of compliance with requirements"),
        ],
        Framework::Pci => &[
            ("1.2.1", "Configuration standards for NSC rulesets are defined and implemented"),
            ("1.4.4", "System components storing cardholder data are not directly accessible from untrusted networks"),
            ("6.4.3", "Payment page scripts are managed"),
            ("12.7.1", "Personnel are screened prior to hire"),

            ("1.3.1", "Inbound traffic to the CDE is restricted"),
            (
                "1.4.1",
                "NSCs are implemented between trusted and untrusted networks",
            ),
            (
                "1.4.2",
                "Inbound traffic from untrusted networks is restricted",
            ),
            ("3.5.1", "PAN is rendered unreadable wherever it is stored"),
            (
                "4.2.1",
                "Strong cryptography protects PAN during transmission",
            ),
            (
                "8.2.2",
                "Shared and generic accounts are used only by exception and managed",
            ),
            ("8.3.1", "User access is authenticated"),
            (
                "8.4.1",
                "MFA for non-console administrative access into the CDE",
            ),
            ("8.4.2", "MFA for all access into the CDE"),
            ("8.4.3", "MFA for remote network access"),
            ("12.6.1", "A formal security awareness program"),
            ("12.10.1", "An incident response plan exists"),
            ("3.2.1", "Account data storage is kept to a minimum through retention and disposal"),
            ("6.2.1", "Bespoke and custom software is developed securely"),
            ("6.2.3", "Bespoke and custom software is reviewed prior to release"),
            ("6.3.3", "Security patches are installed within one month of release"),
            ("7.2.1", "An access control model grants least privileges"),
            ("7.2.4", "User accounts and access privileges are reviewed every six months"),
            ("10.2.1", "Audit logs are enabled and active for all system components"),
            ("10.4.1", "Audit logs are reviewed at least once daily"),
            ("11.3.1", "Internal vulnerability scans are performed at least every three months"),
            ("12.8.4", "Third-party service providers' PCI DSS compliance is monitored at least yearly"),
        ],
        Framework::Nist => &[
            ("CM-6", "Configuration settings"),
            ("CP-9(1)", "Testing for reliability and integrity"),
            ("CP-9(8)", "Cryptographic protection"),
            ("IA-5", "Authenticator management"),
            ("IR-4", "Incident handling"),
            ("SC-18", "Mobile code"),
            ("SC-36", "Distributed processing and storage"),
            ("SC-7(3)", "Access points"),
            ("SC-7(5)", "Deny by default — allow by exception"),

            ("AC-6(2)", "Non-privileged access for nonsecurity functions"),
            ("AC-17", "Remote access"),
            ("AT-2", "Literacy training and awareness"),
            ("CM-7", "Least functionality"),
            ("CP-4", "Contingency plan testing"),
            ("CP-6", "Alternate storage site"),
            ("CP-9", "System backup"),
            ("CP-10", "System recovery and reconstitution"),
            (
                "IA-2",
                "Identification and authentication (organizational users)",
            ),
            (
                "IA-2(1)",
                "Multi-factor authentication to privileged accounts",
            ),
            (
                "IA-2(2)",
                "Multi-factor authentication to non-privileged accounts",
            ),
            ("IR-8", "Incident response plan"),
            ("PS-3", "Personnel screening"),
            ("SA-9(5)", "Processing, storage, and service location"),
            ("SC-7", "Boundary protection"),
            ("SC-8", "Transmission confidentiality and integrity"),
            ("SC-8(1)", "Cryptographic protection"),
            ("SC-12", "Cryptographic key establishment and management"),
            ("SC-13", "Cryptographic protection"),
            ("SC-17", "Public key infrastructure certificates"),
            ("SC-23", "Session authenticity"),
            ("SC-28", "Protection of information at rest"),
            ("SC-28(1)", "Cryptographic protection"),
            ("AC-2", "Account management"),
            ("AC-6", "Least privilege"),
            ("AU-2", "Event logging"),
            ("AU-6", "Audit record review, analysis, and reporting"),
            ("RA-5", "Vulnerability monitoring and scanning"),
            ("SA-9", "External system services"),
            ("SA-11", "Developer testing and evaluation"),
            ("SA-15", "Development process, standards, and tools"),
            ("SI-2", "Flaw remediation"),
            ("SI-4", "System monitoring"),
            ("SI-12", "Information management and retention"),
            ("SR-6", "Supplier assessments and reviews"),
        ],
    };
    table.iter().find(|(k, _)| *k == id).map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for (fw, good, bad) in [
            (
                Framework::Soc2,
                &["CC6.1", "CC6.8", "A1.2", "C1.1", "PI1.5", "P4.2"][..],
                &["CC6.9", "CC10.1", "cc6.1", "A1.4", "CC6"][..],
            ),
            (
                Framework::Iso27001,
                &["A.8.24", "A.5.37", "A.6.1"][..],
                &["A.8.35", "A.9.1", "8.24", "A.5.0"][..],
            ),
            (
                Framework::C5,
                &["CRY-02", "OPS-06", "PSS-12"][..],
                &["CRY-2", "XYZ-01", "CRY-00"][..],
            ),
            (
                Framework::Pci,
                &["4.2.1", "8.4.2", "12.10.1", "1"][..],
                &["13.1", "4..2", "4.2.1.1.1", "x"][..],
            ),
            (
                Framework::Nist,
                &["SC-8", "IA-2(1)", "SA-9(5)"][..],
                &["SC-0", "XX-1", "IA-2(", "SC8"][..],
            ),
        ] {
            for g in good {
                assert!(fw.is_valid_id(g), "{fw} {g}");
            }
            for b in bad {
                assert!(!fw.is_valid_id(b), "{fw} {b}");
            }
        }
    }

    #[test]
    fn every_builtin_mapping_has_a_title() {
        let catalog = crate::catalog::Catalog::load(crate::bundle::Bundle::builtin()).unwrap();
        let mut missing = Vec::new();
        for c in &catalog.controls {
            for (fw, ids) in &c.frameworks {
                for id in ids {
                    if criterion_title(*fw, id).is_none() {
                        missing.push(format!("{fw} {id} ({})", c.id));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "criteria without a title for the framework view: {missing:?}"
        );
    }
}
