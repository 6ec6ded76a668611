//! The SSL Labs–style grade of a `tls.endpoint` body: the three category scores of the
//! SSL Server Rating Guide (protocol 30 %, key exchange 30 %, cipher 40 %), the caps its
//! later revisions added, A+ for a long HSTS policy, and T / M for certificate problems.
//!
//! Every rule, its source and every way assay's grade can differ from SSL Labs' is in
//! `docs/tls-grading.md`; change the two together.
//!
//! A fact the body does not carry is taken as the worst case the rule tells apart and is
//! named in a cap (`*_unknown`), so an endpoint that was only half measured can never
//! reach a good grade by omission.

use chrono::{DateTime, Utc};

use super::body::{Cap, Certificate, CipherSuite, Grade, Protocol, TlsEndpoint};

/// The HSTS `max-age` needed for A+: SSL Labs' `LONG_MAX_AGE` (180 days), which its
/// rating guide words as "at least 6 months".
pub const HSTS_LONG_MAX_AGE: u64 = 15_552_000;

/// Grades from worst to best, so `min` picks the worse one. M and T sit below F as in
/// `policies/tls.rego`'s `grade_rank`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    M,
    T,
    F,
    E,
    D,
    C,
    B,
    AMinus,
    A,
    APlus,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::M => "M",
            Level::T => "T",
            Level::F => "F",
            Level::E => "E",
            Level::D => "D",
            Level::C => "C",
            Level::B => "B",
            Level::AMinus => "A-",
            Level::A => "A",
            Level::APlus => "A+",
        }
    }

    /// The guide's score → letter table.
    fn from_score(score: u32) -> Level {
        match score {
            80.. => Level::A,
            65..=79 => Level::B,
            50..=64 => Level::C,
            35..=49 => Level::D,
            20..=34 => Level::E,
            _ => Level::F,
        }
    }

    /// T and M replace the letter instead of capping it.
    fn is_trust(self) -> bool {
        matches!(self, Level::M | Level::T)
    }
}

struct Limit {
    level: Level,
    id: &'static str,
    reason: String,
}

#[derive(Default)]
struct Limits(Vec<Limit>);

impl Limits {
    fn add(&mut self, level: Level, id: &'static str, reason: impl Into<String>) {
        self.0.push(Limit {
            level,
            id,
            reason: reason.into(),
        });
    }
}

/// Grades `body` as SSL Labs would from the same facts; `now` decides certificate validity.
pub fn grade(body: &TlsEndpoint, now: DateTime<Utc>) -> Grade {
    let suites = &body.cipher_suites;
    // A suite accepted under a protocol proves the protocol is offered, whatever the flags say.
    let offered: Vec<Protocol> = Protocol::ALL
        .into_iter()
        .filter(|&p| body.protocols.offers(p) || suites.iter().any(|s| s.protocol == p))
        .collect();
    if offered.is_empty() || suites.is_empty() {
        return nothing_usable(offered.is_empty(), suites.is_empty());
    }

    let mut limits = Limits::default();
    let protocol_score = protocol_score(&offered);
    protocol_limits(&offered, suites, &mut limits);
    let cipher_score = cipher_score(suites);
    cipher_limits(suites, &mut limits);
    let key_exchange_score = key_exchange(body, suites, &mut limits);
    renegotiation_limits(body, &offered, &mut limits);
    certificate_limits(body.certificate.as_ref(), now, &mut limits);
    hsts_limits(body, &mut limits);

    // "A zero in any category will push the overall score to zero."
    let score = if protocol_score == 0 || key_exchange_score == 0 || cipher_score == 0 {
        0
    } else {
        (protocol_score * 30 + key_exchange_score * 30 + cipher_score * 40) / 100
    };
    let score_grade = Level::from_score(score);

    // A+ is A with nothing at all held against it (no cap, no warning, long HSTS).
    let start = if score_grade == Level::A {
        Level::APlus
    } else {
        score_grade
    };
    let would_be = limits
        .0
        .iter()
        .map(|l| l.level)
        .filter(|l| !l.is_trust())
        .fold(start, Ord::min);
    let trust = limits
        .0
        .iter()
        .map(|l| l.level)
        .filter(|l| l.is_trust())
        .min();
    let letter = trust.unwrap_or(would_be);

    limits.0.sort_by_key(|l| l.level);
    let caps = limits
        .0
        .into_iter()
        .map(|l| {
            let reason = if l.level.is_trust() {
                format!(
                    "{}; without the certificate problems the grade would be {}",
                    l.reason,
                    would_be.as_str()
                )
            } else {
                l.reason
            };
            Cap {
                grade: l.level.as_str().to_string(),
                id: l.id.to_string(),
                reason,
            }
        })
        .collect();

    Grade {
        grade: letter.as_str().to_string(),
        score,
        protocol_score,
        key_exchange_score,
        cipher_score,
        caps,
        score_grade: score_grade.as_str().to_string(),
    }
}

/// No protocol or no suite: F, never a pass by omission.
fn nothing_usable(no_protocols: bool, no_suites: bool) -> Grade {
    let mut caps = Vec::new();
    if no_protocols {
        caps.push(Cap {
            grade: "F".into(),
            id: "no_protocols".into(),
            reason: "no protocol version (SSL 3.0 to TLS 1.3) completed a handshake, so nothing usable \
                     was offered; check that TLS is enabled on this port, or rescan if the scan was cut short"
                .into(),
        });
    }
    if no_suites {
        caps.push(Cap {
            grade: "F".into(),
            id: "no_cipher_suites".into(),
            reason: "no accepted cipher suite is recorded, so nothing usable was offered; enable TLS 1.2/1.3 \
                     with ECDHE and AES-GCM or ChaCha20-Poly1305 suites, or rescan if the scan was cut short"
                .into(),
        });
    }
    Grade {
        grade: "F".into(),
        score: 0,
        protocol_score: 0,
        key_exchange_score: 0,
        cipher_score: 0,
        caps,
        score_grade: "F".into(),
    }
}

// ---------------------------------------------------------------------------
// Protocols
// ---------------------------------------------------------------------------

/// The guide's protocol table; TLS 1.3 (newer than the table) scores as TLS 1.2.
fn protocol_points(p: Protocol) -> u32 {
    match p {
        Protocol::Ssl3 => 80,
        Protocol::Tls10 => 90,
        Protocol::Tls11 => 95,
        Protocol::Tls12 | Protocol::Tls13 => 100,
    }
}

/// Average of the best and the worst protocol offered.
fn protocol_score(offered: &[Protocol]) -> u32 {
    let best = offered
        .iter()
        .map(|&p| protocol_points(p))
        .max()
        .unwrap_or(0);
    let worst = offered
        .iter()
        .map(|&p| protocol_points(p))
        .min()
        .unwrap_or(0);
    (best + worst) / 2
}

fn protocol_limits(offered: &[Protocol], suites: &[CipherSuite], limits: &mut Limits) {
    let has = |p: Protocol| offered.contains(&p);

    if has(Protocol::Ssl3) {
        if offered.iter().all(|&p| p == Protocol::Ssl3) {
            limits.add(
                Level::F,
                "ssl3_only",
                "SSL 3.0 is the best protocol offered; enable TLS 1.2 and TLS 1.3 and disable SSL 3.0 \
                 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)",
            );
        }
        let ssl3: Vec<&CipherSuite> = suites
            .iter()
            .filter(|s| s.protocol == Protocol::Ssl3)
            .collect();
        let cbc = ssl3.iter().any(|s| is_cbc(s));
        if cbc || ssl3.is_empty() {
            let why = if cbc {
                "with CBC suites"
            } else {
                "and its suites are not recorded, so CBC is assumed"
            };
            limits.add(
                Level::C,
                "ssl3",
                format!(
                    "SSL 3.0 is offered {why}, which is vulnerable to POODLE; disable SSL 3.0 \
                     (nginx: ssl_protocols TLSv1.2 TLSv1.3;)"
                ),
            );
        } else {
            limits.add(
                Level::B,
                "ssl3",
                "SSL 3.0 is offered (obsolete and insecure); disable it (nginx: ssl_protocols TLSv1.2 TLSv1.3;)",
            );
        }
    }

    let old: Vec<&str> = [Protocol::Tls10, Protocol::Tls11]
        .into_iter()
        .filter(|&p| has(p))
        .map(Protocol::name)
        .collect();
    if !old.is_empty() {
        limits.add(
            Level::B,
            "tls1_0_or_1_1",
            match old.as_slice() {
                [one] => format!(
                    "{one} is offered; browsers removed TLS 1.0 and 1.1 in 2020, so disable it \
                     (nginx: ssl_protocols TLSv1.2 TLSv1.3;)"
                ),
                _ => format!(
                    "{} are offered; browsers removed them in 2020, so disable them \
                     (nginx: ssl_protocols TLSv1.2 TLSv1.3;)",
                    old.join(" and ")
                ),
            },
        );
    }

    if !has(Protocol::Tls12) && !has(Protocol::Tls13) {
        limits.add(
            Level::C,
            "no_tls1_2",
            "neither TLS 1.2 nor TLS 1.3 is offered; enable them (nginx: ssl_protocols TLSv1.2 TLSv1.3;)",
        );
    }
    if !has(Protocol::Tls13) {
        limits.add(
            Level::AMinus,
            "no_tls1_3",
            "TLS 1.3 is not offered; enable it (nginx: ssl_protocols TLSv1.2 TLSv1.3; needs OpenSSL 1.1.1 or newer)",
        );
    }

    // An offered protocol without a single recorded suite hides what it accepts. TLS 1.3
    // is exempt: all of its suites are AEAD with at least 128-bit keys.
    let blind: Vec<&str> = offered
        .iter()
        .filter(|&&p| p != Protocol::Tls13 && !suites.iter().any(|s| s.protocol == p))
        .map(|&p| p.name())
        .collect();
    if !blind.is_empty() {
        limits.add(
            Level::F,
            "suites_unknown",
            format!(
                "{} offered but no accepted cipher suite is recorded for it, so weak, export or NULL \
                 suites cannot be ruled out; rescan with cipher suite enumeration for every protocol",
                if blind.len() == 1 { format!("{} is", blind[0]) } else { format!("{} are", blind.join(", ")) }
            ),
        );
    }
}

// ---------------------------------------------------------------------------
// Cipher suites
// ---------------------------------------------------------------------------

/// Name tokens, upper-cased, split on `_` and `-` so IANA and OpenSSL spellings both work.
fn tokens(s: &CipherSuite) -> impl Iterator<Item = String> + '_ {
    s.name.split(['_', '-']).map(|t| t.to_ascii_uppercase())
}

fn has_token(s: &CipherSuite, wanted: &[&str]) -> bool {
    tokens(s).any(|t| wanted.contains(&t.as_str()))
}

fn is_export(s: &CipherSuite) -> bool {
    has_token(s, &["EXPORT", "EXPORT1024", "EXP", "EXP1024"])
}

fn is_anonymous(s: &CipherSuite) -> bool {
    s.kx.to_ascii_uppercase().contains("ANON") || has_token(s, &["ANON", "ADH", "AECDH"])
}

fn is_rc4(s: &CipherSuite) -> bool {
    has_token(s, &["RC4"])
}

/// 3DES, DES, IDEA and RC2 have 64-bit blocks (Sweet32).
fn is_64bit_block(s: &CipherSuite) -> bool {
    has_token(s, &["3DES", "DES", "DES40", "CBC3", "IDEA", "RC2"])
}

fn is_cbc(s: &CipherSuite) -> bool {
    has_token(s, &["CBC", "CBC3"]) || is_64bit_block(s)
}

/// TLS 1.3 suites are AEAD and (EC)DHE by definition, whatever a collector recorded.
fn is_aead(s: &CipherSuite) -> bool {
    s.aead || s.protocol == Protocol::Tls13
}

fn is_forward_secret(s: &CipherSuite) -> bool {
    s.forward_secrecy || s.protocol == Protocol::Tls13
}

/// The guide's cipher strength table.
fn cipher_points(bits: u16) -> u32 {
    match bits {
        0 => 0,
        1..=127 => 20,
        128..=255 => 80,
        _ => 100,
    }
}

/// Average of the strongest and the weakest accepted cipher.
fn cipher_score(suites: &[CipherSuite]) -> u32 {
    let best = suites.iter().map(|s| s.bits).max().unwrap_or(0);
    let worst = suites.iter().map(|s| s.bits).min().unwrap_or(0);
    (cipher_points(best) + cipher_points(worst)) / 2
}

/// "A, B and 3 more", so a reason stays one line however many suites match.
fn name_list<'a>(suites: impl Iterator<Item = &'a CipherSuite>) -> String {
    let mut names: Vec<&str> = suites.map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    match names.len() {
        0..=3 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    }
}

fn cipher_limits(suites: &[CipherSuite], limits: &mut Limits) {
    let null = || suites.iter().filter(|s| s.bits == 0);
    if null().next().is_some() {
        limits.add(
            Level::F,
            "null_cipher",
            format!("NULL (unencrypted) suites are accepted: {}; remove them from the server's cipher list", name_list(null())),
        );
    }
    let export = || suites.iter().filter(|s| is_export(s));
    if export().next().is_some() {
        limits.add(
            Level::F,
            "export",
            format!(
                "export-grade suites are accepted (FREAK/Logjam): {}; remove them (OpenSSL cipher string: !EXPORT)",
                name_list(export())
            ),
        );
    }
    let anon = || suites.iter().filter(|s| is_anonymous(s));
    if anon().next().is_some() {
        limits.add(
            Level::F,
            "anonymous",
            format!(
                "anonymous (unauthenticated) key exchange is accepted, open to man-in-the-middle: {}; \
                 remove it (OpenSSL cipher string: !aNULL)",
                name_list(anon())
            ),
        );
    }
    let weak = || {
        suites
            .iter()
            .filter(|s| s.bits > 0 && s.bits < 112 && !is_export(s))
    };
    if weak().next().is_some() {
        limits.add(
            Level::F,
            "weak_cipher",
            format!(
                "suites with keys under 112 bits are accepted: {}; remove them",
                name_list(weak())
            ),
        );
    }
    let rc4 = || suites.iter().filter(|s| is_rc4(s));
    if rc4().next().is_some() {
        let modern = rc4().any(|s| s.protocol >= Protocol::Tls11);
        let (level, with) = if modern {
            (Level::C, "with TLS 1.1 or newer")
        } else {
            (Level::B, "with old protocols")
        };
        limits.add(
            level,
            "rc4",
            format!(
                "RC4 is accepted {with}: {}; remove RC4 (OpenSSL cipher string: !RC4)",
                name_list(rc4())
            ),
        );
    }
    let sweet32 = || {
        suites
            .iter()
            .filter(|s| is_64bit_block(s) && s.protocol >= Protocol::Tls11)
    };
    if sweet32().next().is_some() {
        limits.add(
            Level::C,
            "block_64bit",
            format!(
                "64-bit block ciphers (Sweet32) are accepted with TLS 1.1 or newer: {}; remove 3DES, DES, \
                 IDEA and RC2 (OpenSSL cipher string: !3DES:!DES:!IDEA:!RC2)",
                name_list(sweet32())
            ),
        );
    }
    if !suites.iter().any(is_forward_secret) {
        limits.add(
            Level::B,
            "no_forward_secrecy",
            "no accepted suite has forward secrecy; enable ECDHE suites \
             (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) and TLS 1.3",
        );
    }
    if !suites.iter().any(is_aead) {
        limits.add(
            Level::B,
            "no_aead",
            "no accepted suite is AEAD (AES-GCM, AES-CCM or ChaCha20-Poly1305); enable them with TLS 1.2 \
             (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) and TLS 1.3",
        );
    }
}

// ---------------------------------------------------------------------------
// Key exchange
// ---------------------------------------------------------------------------

/// The guide's key exchange table, for RSA-equivalent bits.
fn key_points(bits: u32) -> u32 {
    match bits {
        0..=511 => 20,
        512..=1023 => 40,
        1024..=2047 => 80,
        2048..=4095 => 90,
        _ => 100,
    }
}

/// RSA/DH-equivalent strength of an elliptic-curve size (NIST SP 800-57 Part 1, table 2),
/// with slack so x25519 (253–256 bits) and P-521 land where their security level does.
fn ec_equivalent(bits: u32) -> u32 {
    match bits {
        500.. => 15360,
        380..=499 => 7680,
        250..=379 => 3072,
        220..=249 => 2048,
        160..=219 => 1024,
        112..=159 => 512,
        _ => bits,
    }
}

/// Which ephemeral group sizes this suite depends on.
fn uses_ffdh(s: &CipherSuite) -> bool {
    let kx = s.kx.to_ascii_uppercase();
    !kx.contains("ECDH") && kx.contains("DH")
}

fn uses_ecdh(s: &CipherSuite) -> bool {
    s.kx.to_ascii_uppercase().contains("ECDH")
}

/// Sizes of the named groups the server accepted, as a fallback for `dh_bits`/`ecdh_bits`.
/// `(finite_field, bits)`; hybrid post-quantum groups count by their classical part.
fn group_size(name: &str) -> Option<(bool, u32)> {
    let n = name.to_ascii_lowercase();
    if let Some(rest) = n.strip_prefix("ffdhe") {
        return rest.parse().ok().map(|b| (true, b));
    }
    let ec = if n.contains("x448") {
        448
    } else if n.contains("25519") {
        255
    } else if n.contains("521") {
        521
    } else if n.contains("384") {
        384
    } else if n.contains("256") {
        256
    } else if n.contains("224") {
        224
    } else if n.contains("192") {
        192
    } else {
        return None;
    };
    Some((false, ec))
}

fn smallest_group(groups: &[String], finite_field: bool) -> Option<u32> {
    groups
        .iter()
        .filter_map(|g| group_size(g))
        .filter(|&(ff, _)| ff == finite_field)
        .map(|(_, b)| b)
        .min()
}

/// The certificate key's RSA-equivalent strength; `None` when the body does not say.
fn certificate_strength(c: &Certificate) -> Option<u32> {
    match c.key_type.to_ascii_uppercase().as_str() {
        "ED25519" => Some(3072),
        "ED448" => Some(7680),
        _ if c.key_bits == 0 => None,
        "EC" | "ECDSA" => Some(ec_equivalent(c.key_bits)),
        // RSA, DSA and any type we do not know: read the size as finite-field bits, the
        // weakest reading.
        _ => Some(c.key_bits),
    }
}

/// The key exchange score from the weakest of certificate key, DH group and ECDH group,
/// and the caps for each that is weak or unmeasured.
fn key_exchange(body: &TlsEndpoint, suites: &[CipherSuite], limits: &mut Limits) -> u32 {
    let mut weakest: Option<u32> = None;
    let mut note = |bits: u32| weakest = Some(weakest.map_or(bits, |w| w.min(bits)));

    if let Some(cert) = &body.certificate {
        match certificate_strength(cert) {
            Some(eq) => {
                note(eq);
                let what = format!("{}-bit {}", cert.key_bits, if cert.key_type.is_empty() { "unknown-type" } else { &cert.key_type });
                if eq < 2048 {
                    let level = if eq < 1024 { Level::F } else { Level::B };
                    limits.add(
                        level,
                        "key_too_small",
                        format!(
                            "the certificate has a {what} key ({} under 2048-bit RSA strength); reissue it with a \
                             stronger key (openssl req -newkey rsa:3072, or certbot --key-type ecdsa)",
                            if eq < 1024 { "insecure:" } else { "weak:" }
                        ),
                    );
                }
            }
            None => limits.add(
                Level::F,
                "key_unknown",
                format!(
                    "the size of the certificate's {} key is not recorded, so its strength is unknown; rescan",
                    if cert.key_type.is_empty() { "(type unknown)" } else { &cert.key_type }
                ),
            ),
        }
    }

    if suites.iter().any(uses_ffdh) {
        match body.dh_bits.or_else(|| smallest_group(&body.groups, true)) {
            Some(bits) => {
                note(bits);
                if bits < 2048 {
                    let (level, word) = if bits < 1024 { (Level::F, "insecure") } else { (Level::B, "weak") };
                    limits.add(
                        level,
                        "weak_dh",
                        format!(
                            "DHE suites use a {bits}-bit Diffie-Hellman group ({word}, Logjam); use a 2048-bit \
                             or larger group (nginx: ssl_dhparam with openssl dhparam 2048 output) or drop DHE suites"
                        ),
                    );
                }
            }
            None => limits.add(
                Level::F,
                "dh_unknown",
                "DHE suites are accepted but the Diffie-Hellman group size is not recorded, so a group \
                 under 1024 bits cannot be ruled out; rescan",
            ),
        }
    }

    if suites.iter().any(uses_ecdh) {
        match body.ecdh_bits.or_else(|| smallest_group(&body.groups, false)) {
            Some(bits) => {
                let eq = ec_equivalent(bits);
                note(eq);
                if eq < 2048 {
                    let (level, word) = if eq < 1024 { (Level::F, "insecure") } else { (Level::B, "weak") };
                    limits.add(
                        level,
                        "weak_ecdh",
                        format!(
                            "ECDHE uses a {bits}-bit curve ({word}: under 2048-bit RSA strength); offer only \
                             x25519, secp256r1 or stronger (nginx: ssl_ecdh_curve X25519:prime256v1:secp384r1;)"
                        ),
                    );
                }
            }
            None => limits.add(
                Level::F,
                "ecdh_unknown",
                "ECDHE suites are accepted but the curve size is not recorded, so a weak curve cannot be \
                 ruled out; rescan",
            ),
        }
    }

    let mut points = weakest.map_or(0, key_points);
    // The guide: exportable key exchange 40 %, anonymous key exchange 0 %.
    if suites.iter().any(is_export) {
        points = points.min(40);
    }
    if suites.iter().any(is_anonymous) {
        points = 0;
    }
    points
}

// ---------------------------------------------------------------------------
// Renegotiation, certificate, HSTS
// ---------------------------------------------------------------------------

/// TLS 1.3 has no renegotiation; every older protocol needs RFC 5746.
fn renegotiation_limits(body: &TlsEndpoint, offered: &[Protocol], limits: &mut Limits) {
    if !offered.iter().any(|&p| p < Protocol::Tls13) {
        return;
    }
    match body.secure_renegotiation {
        Some(true) => {}
        Some(false) => limits.add(
            Level::F,
            "insecure_renegotiation",
            "secure renegotiation (RFC 5746) is not supported, so any renegotiation the server allows is \
             insecure (CVE-2009-3555) and assay cannot tell whether it allows one; upgrade the TLS library",
        ),
        None => limits.add(
            Level::F,
            "renegotiation_unknown",
            "whether secure renegotiation (RFC 5746) is supported is not recorded, so insecure \
             renegotiation cannot be ruled out; rescan",
        ),
    }
}

fn certificate_limits(cert: Option<&Certificate>, now: DateTime<Utc>, limits: &mut Limits) {
    let Some(c) = cert else {
        limits.add(
            Level::T,
            "cert_missing",
            "no certificate is recorded, so the server's identity is unverified; rescan",
        );
        return;
    };
    if !c.hostname_match {
        limits.add(
            Level::M,
            "hostname_mismatch",
            format!(
                "the certificate (names: {}) is not valid for the probed host name; issue one whose subjectAltName covers it",
                if c.sans.is_empty() { "none listed".to_string() } else { c.sans.join(", ") }
            ),
        );
    }
    if !c.trusted {
        if c.self_signed {
            limits.add(
                Level::T,
                "cert_self_signed",
                "the certificate is self-signed and not trusted; install one from a public CA (e.g. certbot certonly -d <host>)",
            );
        } else {
            limits.add(
                Level::T,
                "cert_untrusted",
                format!(
                    "the certificate chain (issuer {}) does not validate to a trusted root; install a certificate \
                     from a public CA and serve its full chain",
                    if c.issuer.is_empty() { "unknown" } else { &c.issuer }
                ),
            );
        }
    }
    let after = DateTime::parse_from_rfc3339(&c.not_after);
    let before = DateTime::parse_from_rfc3339(&c.not_before);
    if after.is_err() || before.is_err() {
        limits.add(
            Level::T,
            "cert_date_invalid",
            format!(
                "the certificate's validity dates ({:?} to {:?}) are not RFC 3339 times, so its validity is unknown; rescan",
                c.not_before, c.not_after
            ),
        );
    }
    if let Ok(t) = after {
        if t.with_timezone(&Utc) < now {
            limits.add(
                Level::T,
                "cert_expired",
                format!("the certificate expired on {}; renew it (e.g. certbot renew) and reload the server", c.not_after),
            );
        }
    }
    if let Ok(t) = before {
        if t.with_timezone(&Utc) > now {
            limits.add(
                Level::T,
                "cert_not_yet_valid",
                format!("the certificate is not valid before {}; check the server's clock and the certificate", c.not_before),
            );
        }
    }
    if !c.chain_complete {
        limits.add(
            Level::B,
            "cert_chain_incomplete",
            "the server does not send every intermediate certificate; serve the full chain \
             (nginx: ssl_certificate /etc/letsencrypt/live/<name>/fullchain.pem;)",
        );
    }
    let sig = c.signature_algorithm.to_ascii_lowercase();
    if sig.contains("md5") || sig.contains("md2") {
        limits.add(
            Level::F,
            "cert_weak_signature",
            format!(
                "the certificate is signed with {} (insecure); reissue it with SHA-256",
                c.signature_algorithm
            ),
        );
    } else if sig.contains("sha1") || sig.contains("sha-1") {
        limits.add(
            Level::T,
            "cert_sha1",
            format!(
                "the certificate is signed with {}; browsers distrust SHA-1 certificates, so reissue it with SHA-256",
                c.signature_algorithm
            ),
        );
    }
}

/// HSTS only decides A+ (and, when disabled, A-); an absent header is no penalty.
fn hsts_limits(body: &TlsEndpoint, limits: &mut Limits) {
    let example = "send \"Strict-Transport-Security: max-age=31536000\" (nginx: add_header Strict-Transport-Security \"max-age=31536000\" always;)";
    match body.hsts {
        None => limits.add(
            Level::A,
            "hsts_unknown",
            "whether a Strict-Transport-Security header is sent was not measured; A+ needs one with max-age of at least 15552000 seconds",
        ),
        Some(None) => limits.add(
            Level::A,
            "hsts_missing",
            format!("no Strict-Transport-Security header; A+ needs max-age of at least 15552000 seconds (180 days): {example}"),
        ),
        Some(Some(h)) if h.max_age == 0 => limits.add(
            Level::AMinus,
            "hsts_disabled",
            format!("Strict-Transport-Security has max-age=0, which disables HSTS; {example}"),
        ),
        Some(Some(h)) if h.max_age < HSTS_LONG_MAX_AGE => limits.add(
            Level::A,
            "hsts_short",
            format!(
                "Strict-Transport-Security max-age={} is under the 15552000 seconds (180 days) A+ needs; {example}",
                h.max_age
            ),
        ),
        Some(Some(_)) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::tls::body::{Hsts, Protocols};

    /// A suite whose kx, forward secrecy and AEAD follow from its IANA name, so a case only
    /// states the name, the protocol and the key size.
    fn suite(protocol: Protocol, name: &str, bits: u16) -> CipherSuite {
        let kx = if protocol == Protocol::Tls13 {
            "ECDHE".to_string()
        } else {
            let middle = name
                .strip_prefix("TLS_")
                .unwrap_or(name)
                .split("_WITH_")
                .next()
                .unwrap_or("");
            if middle.contains("anon") {
                middle.to_string()
            } else {
                middle.split('_').next().unwrap_or("").to_string()
            }
        };
        CipherSuite {
            name: name.to_string(),
            protocol,
            forward_secrecy: kx.starts_with("ECDHE") || kx.starts_with("DHE"),
            aead: protocol == Protocol::Tls13
                || ["GCM", "CCM", "CHACHA20"].iter().any(|a| name.contains(a)),
            kx,
            bits,
        }
    }

    fn protocols(list: &[Protocol]) -> Protocols {
        let mut p = Protocols::default();
        for &x in list {
            p.set(x, true);
        }
        p
    }

    /// TLS 1.2 + 1.3, ECDHE + AEAD only, RSA-2048 from a public CA, HSTS for a year.
    fn modern() -> TlsEndpoint {
        use Protocol::*;
        TlsEndpoint {
            host: "app.example.com".into(),
            port: 443,
            protocols: protocols(&[Tls12, Tls13]),
            cipher_suites: vec![
                suite(Tls13, "TLS_AES_128_GCM_SHA256", 128),
                suite(Tls13, "TLS_AES_256_GCM_SHA384", 256),
                suite(Tls13, "TLS_CHACHA20_POLY1305_SHA256", 256),
                suite(Tls12, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 128),
                suite(Tls12, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 256),
            ],
            ecdh_bits: Some(253),
            groups: vec!["x25519".into(), "secp256r1".into()],
            secure_renegotiation: Some(true),
            certificate: Some(Certificate {
                subject: "CN=app.example.com".into(),
                sans: vec!["app.example.com".into()],
                issuer: "CN=R11, O=Let's Encrypt, C=US".into(),
                not_before: "2026-10-01T00:00:00Z".into(),
                not_after: "2026-12-30T00:00:00Z".into(),
                key_type: "RSA".into(),
                key_bits: 2048,
                signature_algorithm: "sha256WithRSAEncryption".into(),
                trusted: true,
                hostname_match: true,
                chain_complete: true,
                self_signed: false,
                days_left: None,
            }),
            hsts: Some(Some(Hsts {
                max_age: 31_536_000,
                include_subdomains: true,
                preload: false,
            })),
            ..TlsEndpoint::default()
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T06:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn cert(b: &mut TlsEndpoint) -> &mut Certificate {
        b.certificate.get_or_insert_with(Certificate::default)
    }

    fn tls12_only(b: &mut TlsEndpoint) {
        b.protocols.tls1_3 = false;
        b.cipher_suites.retain(|s| s.protocol != Protocol::Tls13);
    }

    type Case = (
        &'static str,
        fn(&mut TlsEndpoint),
        &'static str,
        &'static [&'static str],
    );

    fn hsts(max_age: u64) -> Option<Option<Hsts>> {
        Some(Some(Hsts {
            max_age,
            include_subdomains: false,
            preload: false,
        }))
    }

    fn add(b: &mut TlsEndpoint, p: Protocol, name: &str, bits: u16) {
        b.cipher_suites.push(suite(p, name, bits));
    }

    /// (what, change to `modern()`, grade, cap ids in any order). Adding a case is adding a row.
    #[rustfmt::skip]
    const CASES: &[Case] = &[
        ("modern, HSTS one year", |_| {}, "A+", &[]),
        ("modern, no HSTS header", |b| b.hsts = Some(None), "A", &["hsts_missing"]),
        ("HSTS not measured", |b| b.hsts = None, "A", &["hsts_unknown"]),
        ("HSTS one day", |b| b.hsts = hsts(86_400), "A", &["hsts_short"]),
        ("HSTS exactly 180 days", |b| b.hsts = hsts(HSTS_LONG_MAX_AGE), "A+", &[]),
        ("HSTS max-age=0", |b| b.hsts = hsts(0), "A-", &["hsts_disabled"]),
        ("TLS 1.2 only, otherwise modern", tls12_only, "A-", &["no_tls1_3"]),
        ("TLS 1.3 only", |b| {
            b.protocols.tls1_2 = false;
            b.cipher_suites.retain(|s| s.protocol == Protocol::Tls13);
            b.secure_renegotiation = None;
        }, "A+", &[]),
        ("no AEAD (TLS 1.2 CBC only)", |b| {
            tls12_only(b);
            b.cipher_suites.clear();
            add(b, Protocol::Tls12, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 128);
            add(b, Protocol::Tls12, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 256);
        }, "B", &["no_aead", "no_tls1_3"]),
        ("TLS 1.0 enabled", |b| add(b, Protocol::Tls10, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 128), "B", &["tls1_0_or_1_1"]),
        ("TLS 1.0 and 1.1 enabled", |b| {
            add(b, Protocol::Tls10, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 128);
            add(b, Protocol::Tls11, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 128);
        }, "B", &["tls1_0_or_1_1"]),
        ("RSA key exchange only", |b| {
            tls12_only(b);
            b.cipher_suites.clear();
            add(b, Protocol::Tls12, "TLS_RSA_WITH_AES_128_GCM_SHA256", 128);
            add(b, Protocol::Tls12, "TLS_RSA_WITH_AES_256_GCM_SHA384", 256);
            b.ecdh_bits = None;
        }, "B", &["no_forward_secrecy", "no_tls1_3"]),
        ("3DES with TLS 1.2", |b| add(b, Protocol::Tls12, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", 112), "C", &["block_64bit"]),
        ("3DES with TLS 1.0 only", |b| add(b, Protocol::Tls10, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 112), "B", &["tls1_0_or_1_1"]),
        ("1024-bit DH", |b| {
            add(b, Protocol::Tls12, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 128);
            b.dh_bits = Some(1024);
        }, "B", &["weak_dh"]),
        ("512-bit DH", |b| {
            add(b, Protocol::Tls12, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 128);
            b.dh_bits = Some(512);
        }, "F", &["weak_dh"]),
        ("2048-bit DH", |b| {
            add(b, Protocol::Tls12, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 128);
            b.dh_bits = Some(2048);
        }, "A+", &[]),
        ("DH size from the ffdhe group name", |b| {
            add(b, Protocol::Tls12, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 128);
            b.groups.push("ffdhe2048".into());
        }, "A+", &[]),
        ("DH size not recorded", |b| add(b, Protocol::Tls12, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 128), "F", &["dh_unknown"]),
        ("ECDH size from the group names", |b| b.ecdh_bits = None, "A+", &[]),
        ("ECDH size not recorded", |b| {
            b.ecdh_bits = None;
            b.groups.clear();
        }, "F", &["ecdh_unknown"]),
        ("160-bit curve", |b| b.ecdh_bits = Some(160), "B", &["weak_ecdh"]),
        ("expired certificate", |b| cert(b).not_after = "2026-01-01T00:00:00Z".into(), "T", &["cert_expired"]),
        ("certificate not yet valid", |b| cert(b).not_before = "2027-01-01T00:00:00Z".into(), "T", &["cert_not_yet_valid"]),
        ("unparsable expiry date", |b| cert(b).not_after = "Dec 30 2026".into(), "T", &["cert_date_invalid"]),
        ("self-signed certificate", |b| {
            cert(b).self_signed = true;
            cert(b).trusted = false;
        }, "T", &["cert_self_signed"]),
        ("untrusted certificate", |b| cert(b).trusted = false, "T", &["cert_untrusted"]),
        ("no certificate recorded", |b| b.certificate = None, "T", &["cert_missing"]),
        ("wrong host name", |b| cert(b).hostname_match = false, "M", &["hostname_mismatch"]),
        ("wrong host name and self-signed", |b| {
            cert(b).hostname_match = false;
            cert(b).self_signed = true;
            cert(b).trusted = false;
        }, "M", &["hostname_mismatch", "cert_self_signed"]),
        ("incomplete chain", |b| cert(b).chain_complete = false, "B", &["cert_chain_incomplete"]),
        ("RSA-1024 key", |b| cert(b).key_bits = 1024, "B", &["key_too_small"]),
        ("RSA-512 key", |b| cert(b).key_bits = 512, "F", &["key_too_small"]),
        ("ECDSA P-256 key", |b| {
            cert(b).key_type = "EC".into();
            cert(b).key_bits = 256;
        }, "A+", &[]),
        ("key size not recorded", |b| cert(b).key_bits = 0, "F", &["key_unknown"]),
        ("MD5 signature", |b| cert(b).signature_algorithm = "md5WithRSAEncryption".into(), "F", &["cert_weak_signature"]),
        ("SHA-1 signature", |b| cert(b).signature_algorithm = "sha1WithRSAEncryption".into(), "T", &["cert_sha1"]),
        ("SSL 3.0 with CBC (POODLE)", |b| add(b, Protocol::Ssl3, "TLS_RSA_WITH_AES_128_CBC_SHA", 128), "C", &["ssl3"]),
        ("SSL 3.0 with RC4 only", |b| add(b, Protocol::Ssl3, "TLS_RSA_WITH_RC4_128_SHA", 128), "B", &["ssl3", "rc4"]),
        ("SSL 3.0 flagged, no suites", |b| b.protocols.ssl3 = true, "F", &["ssl3", "suites_unknown"]),
        ("SSL 3.0 only", |b| {
            b.protocols = protocols(&[Protocol::Ssl3]);
            b.cipher_suites.clear();
            add(b, Protocol::Ssl3, "TLS_RSA_WITH_AES_128_CBC_SHA", 128);
            b.ecdh_bits = None;
        }, "F", &["ssl3_only", "ssl3", "no_tls1_2", "no_tls1_3", "no_forward_secrecy", "no_aead"]),
        ("RC4 with TLS 1.2", |b| add(b, Protocol::Tls12, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", 128), "C", &["rc4"]),
        ("RC4 with TLS 1.0 only", |b| add(b, Protocol::Tls10, "TLS_RSA_WITH_RC4_128_SHA", 128), "B", &["rc4", "tls1_0_or_1_1"]),
        ("export suite", |b| add(b, Protocol::Tls10, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", 40), "F", &["export", "tls1_0_or_1_1"]),
        ("anonymous key exchange", |b| {
            add(b, Protocol::Tls12, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", 128);
            b.dh_bits = Some(2048);
        }, "F", &["anonymous"]),
        ("NULL cipher", |b| add(b, Protocol::Tls12, "TLS_ECDHE_RSA_WITH_NULL_SHA", 0), "F", &["null_cipher"]),
        ("single DES", |b| add(b, Protocol::Tls12, "TLS_RSA_WITH_DES_CBC_SHA", 56), "F", &["weak_cipher", "block_64bit"]),
        ("no secure renegotiation", |b| b.secure_renegotiation = Some(false), "F", &["insecure_renegotiation"]),
        ("renegotiation not measured", |b| b.secure_renegotiation = None, "F", &["renegotiation_unknown"]),
        ("TLS 1.2 flagged, no suites", |b| b.cipher_suites.retain(|s| s.protocol == Protocol::Tls13), "F", &["suites_unknown"]),
        ("no cipher suites", |b| b.cipher_suites.clear(), "F", &["no_cipher_suites"]),
        ("no protocols", |b| {
            b.protocols = Protocols::default();
            b.cipher_suites.clear();
        }, "F", &["no_protocols", "no_cipher_suites"]),
    ];

    #[test]
    fn grade_cases() {
        let mut failures = Vec::new();
        for (what, change, want, want_caps) in CASES {
            let mut body = modern();
            change(&mut body);
            let g = grade(&body, now());
            let mut got: Vec<&str> = g.caps.iter().map(|c| c.id.as_str()).collect();
            got.sort_unstable();
            let mut want_ids = want_caps.to_vec();
            want_ids.sort_unstable();
            if g.grade != *want || got != want_ids {
                failures.push(format!(
                    "{what}: got {} {got:?}, want {want} {want_ids:?}",
                    g.grade
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn grade_scores_follow_the_guide() {
        let g = grade(&modern(), now());
        // Protocol (100+100)/2, key exchange RSA-2048 → 90, cipher (256→100 + 128→80)/2.
        assert_eq!(
            (g.protocol_score, g.key_exchange_score, g.cipher_score),
            (100, 90, 90)
        );
        assert_eq!((g.score, g.score_grade.as_str()), (93, "A"));

        let mut b = modern();
        b.cipher_suites.push(suite(
            Protocol::Tls10,
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            128,
        ));
        let g = grade(&b, now());
        assert_eq!(
            (g.protocol_score, g.score, g.score_grade.as_str()),
            (95, 91, "A")
        );

        // A zero category zeroes the score: anonymous key exchange scores 0.
        let mut b = modern();
        b.cipher_suites.push(suite(
            Protocol::Tls12,
            "TLS_DH_anon_WITH_AES_128_GCM_SHA256",
            128,
        ));
        b.dh_bits = Some(2048);
        let g = grade(&b, now());
        assert_eq!(
            (g.key_exchange_score, g.score, g.score_grade.as_str()),
            (0, 0, "F")
        );
    }

    #[test]
    fn grade_caps_are_worst_first_and_trust_caps_name_the_grade_otherwise() {
        let mut b = modern();
        cert(&mut b).not_after = "2026-01-01T00:00:00Z".into();
        b.cipher_suites.push(suite(
            Protocol::Tls10,
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            128,
        ));
        b.hsts = Some(None);
        let g = grade(&b, now());
        assert_eq!(g.grade, "T");
        let levels: Vec<&str> = g.caps.iter().map(|c| c.grade.as_str()).collect();
        assert_eq!(levels, ["T", "B", "A"]);
        assert!(
            g.caps[0].reason.ends_with("the grade would be B"),
            "{}",
            g.caps[0].reason
        );
        assert!(g.caps.iter().all(|c| !c.reason.is_empty()));
    }

    #[test]
    fn grade_treats_suites_as_proof_of_protocol() {
        // The flags say TLS 1.2 only, but a TLS 1.0 suite was accepted.
        let mut b = modern();
        b.cipher_suites.push(suite(
            Protocol::Tls10,
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            128,
        ));
        b.protocols.tls1_0 = false;
        let g = grade(&b, now());
        assert_eq!(g.grade, "B");
        assert!(g.caps.iter().any(|c| c.id == "tls1_0_or_1_1"));
    }
}
