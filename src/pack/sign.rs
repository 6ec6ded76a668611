//! Keys and signatures: Ed25519 in minisign's file formats.
//!
//! Why minisign: its formats are small, documented and stable, signatures carry a key ID
//! (so "signed with another key" is told apart from "tampered"), and a *trusted comment*
//! that is signed too. Most of all, an auditor who does not want to trust assay can check
//! a pack with the standalone tool: `minisign -Vm MANIFEST -x MANIFEST.sig -p KEY.pub`.
//! The `minisign` crate is by minisign's author and writes byte-compatible key and
//! signature files, including password-protected secret keys (scrypt).
//!
//! - `NAME.pub`: `untrusted comment: minisign public key <ID>` and one base64 line.
//! - `NAME.key`: minisign's secret key box, mode 0600, unencrypted unless a password is
//!   given through an environment variable (assay never prompts and never prints a
//!   secret). Unencrypted keys suit CI, where the file itself is the secret.
//! - `MANIFEST.sig`: a prehashed (`ED`, BLAKE2b-512) minisign signature of `MANIFEST`.
//!
//! Every signature file is checked for shape before it reaches the crate, which would
//! index past the end of a short global signature.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use super::PackError;

/// The largest key or signature file read (bytes).
const MAX_KEY_FILE: u64 = 64 * 1024;

/// A key pair written by [`generate`].
#[derive(Debug, Clone)]
pub struct KeyFiles {
    /// The secret key file (mode 0600).
    pub secret: PathBuf,
    /// The public key file.
    pub public: PathBuf,
    /// The key ID, as minisign prints it (16 hex digits).
    pub key_id: String,
    /// The public key's base64 line (what `minisign -P` takes).
    pub public_base64: String,
    /// Whether the secret key is password-protected.
    pub encrypted: bool,
}

/// A secret key ready to sign. Deliberately not `Debug`: the crate's `Debug` of a secret
/// key prints its bytes.
pub struct SigningKey {
    sk: minisign::SecretKey,
    pk: minisign::PublicKey,
    id: String,
}

/// A public key to verify with.
#[derive(Debug, Clone)]
pub struct VerifyingKey {
    pk: minisign::PublicKey,
    id: String,
    /// Where it was read from.
    pub file: PathBuf,
}

/// Why a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigProblem {
    /// The file is not a minisign signature.
    Malformed(String),
    /// Made with another key than the one given.
    WrongKey {
        /// Key ID in the signature.
        signed_by: String,
        /// Key ID of the public key given.
        key: String,
    },
    /// Same key ID, but the signature does not match the data.
    Bad,
}

impl std::fmt::Display for SigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigProblem::Malformed(m) => write!(f, "not a minisign signature: {m}"),
            SigProblem::WrongKey { signed_by, key } => write!(
                f,
                "signed by key ID {signed_by}, but the public key given is key ID {key}: \
                 the pack was re-signed with another key, or this is the wrong public key"
            ),
            SigProblem::Bad => write!(
                f,
                "bad signature: MANIFEST or the signature was changed after signing"
            ),
        }
    }
}

/// minisign's key ID: the 8 key-number bytes as a little-endian u64, in upper-case hex.
fn key_id(keynum: &[u8]) -> String {
    let mut b = [0u8; 8];
    for (d, s) in b.iter_mut().zip(keynum) {
        *d = *s;
    }
    format!("{:016X}", u64::from_le_bytes(b))
}

fn crate_err(what: &str, e: minisign::PError) -> PackError {
    PackError::Usage(format!("{what}: {e}"))
}

/// Writes a new key pair to `NAME.key` and `NAME.pub` (`out` = NAME). Refuses to replace
/// either file. With a password the secret key is encrypted as minisign does (scrypt).
pub fn generate(out: &Path, password: Option<String>) -> Result<KeyFiles, PackError> {
    let name = out.as_os_str().to_string_lossy();
    if name.is_empty() || name.ends_with('/') {
        return Err(PackError::Usage(format!(
            "--out {name}: give a file name prefix, e.g. --out keys/audit (writes keys/audit.key and keys/audit.pub)"
        )));
    }
    let secret = PathBuf::from(format!("{name}.key"));
    let public = PathBuf::from(format!("{name}.pub"));
    for p in [&secret, &public] {
        if p.exists() || p.symlink_metadata().is_ok() {
            return Err(PackError::Usage(format!(
                "{}: already exists; assay never replaces a key (delete it first, or choose another --out)",
                p.display()
            )));
        }
    }
    if let Some(parent) = secret.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            return Err(PackError::Usage(format!(
                "{}: no such folder",
                parent.display()
            )));
        }
    }
    let encrypted = password.is_some();
    let kp = match password {
        Some(pw) => minisign::KeyPair::generate_encrypted_keypair(Some(pw)),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| crate_err("generating the key", e))?;
    let id = key_id(kp.pk.keynum());
    let sk_box = kp
        .sk
        .to_box(Some(&format!(
            "assay secret key {id} ({}); keep it secret",
            if encrypted {
                "encrypted"
            } else {
                "not encrypted"
            }
        )))
        .map_err(|e| crate_err("encoding the secret key", e))?;
    let pk_box = kp
        .pk
        .to_box()
        .map_err(|e| crate_err("encoding the public key", e))?;
    write_new(&secret, sk_box.to_string().as_bytes(), 0o600)?;
    if let Err(e) = write_new(&public, pk_box.to_string().as_bytes(), 0o644) {
        let _ = std::fs::remove_file(&secret);
        return Err(e);
    }
    Ok(KeyFiles {
        secret,
        public,
        key_id: id,
        public_base64: kp.pk.to_base64(),
        encrypted,
    })
}

/// Creates `path` (which must not exist) with `mode` from the start, so a secret key is
/// never readable by others, not even for a moment.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), PackError> {
    let io = |source| PackError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)
}

fn read_small(path: &Path, what: &str) -> Result<String, PackError> {
    let meta = std::fs::metadata(path).map_err(|source| PackError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_file() || meta.len() > MAX_KEY_FILE {
        return Err(PackError::Usage(format!(
            "{}: not a {what} file (not a regular file of at most {MAX_KEY_FILE} bytes)",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(|source| PackError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes)
        .map_err(|_| PackError::Usage(format!("{}: not a {what} file", path.display())))
}

/// The base64 payload lines of a minisign file, after its `untrusted comment:` line.
fn payload_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("untrusted comment:"))
        .collect()
}

fn b64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .ok()
}

/// Reads a secret key. An encrypted key needs `password` (assay never prompts); a key
/// file that others may read is reported in the returned warning.
pub fn load_secret(
    path: &Path,
    password: Option<String>,
) -> Result<(SigningKey, Option<String>), PackError> {
    let text = read_small(path, "minisign secret key")?;
    let bad = || {
        PackError::Usage(format!(
            "{}: not a minisign secret key (make one with `assay key generate --out NAME`)",
            path.display()
        ))
    };
    let lines = payload_lines(&text);
    let [line] = lines.as_slice() else {
        return Err(bad());
    };
    let raw = b64(line).ok_or_else(bad)?;
    // sig_alg(2) kdf_alg(2) chk_alg(2) salt(32) ops(8) mem(8) keynum(8) sk(64) chk(32)
    if raw.len() != 158 || &raw[..2] != b"Ed" {
        if raw.len() == 42 {
            return Err(PackError::Usage(format!(
                "{}: this is a public key; signing needs the secret key (NAME.key)",
                path.display()
            )));
        }
        return Err(bad());
    }
    let encrypted = raw[2..4] != [0, 0];
    let sk_box = minisign::SecretKeyBox::from_string(&text).map_err(|_| bad())?;
    let sk = match (encrypted, password) {
        (true, Some(pw)) => minisign::SecretKey::from_box(sk_box, Some(pw)).map_err(|e| {
            PackError::Usage(format!("{}: cannot decrypt the secret key: {e}", path.display()))
        })?,
        (true, None) => {
            return Err(PackError::Usage(format!(
                "{}: the secret key is password-protected: give --password-env VAR with the password in the environment variable VAR",
                path.display()
            )))
        }
        (false, _) => minisign::SecretKey::from_unencrypted_box(sk_box).map_err(|e| {
            PackError::Usage(format!("{}: unusable secret key: {e}", path.display()))
        })?,
    };
    let pk = minisign::PublicKey::from_secret_key(&sk).map_err(|_| bad())?;
    let id = key_id(pk.keynum());
    let mut warning = None;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            let mode = m.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                warning = Some(format!(
                    "{}: the secret key is readable by others (mode {mode:o}); run chmod 600 {}",
                    path.display(),
                    path.display()
                ));
            }
        }
    }
    Ok((SigningKey { sk, pk, id }, warning))
}

impl SigningKey {
    /// The key ID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Signs `data` (prehashed minisign signature) with `trusted_comment`, and checks the
    /// signature with the public half before returning its file text.
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> Result<String, PackError> {
        let untrusted = format!("assay evidence pack signature, key ID {}", self.id);
        let sb = minisign::sign(
            Some(&self.pk),
            &self.sk,
            std::io::Cursor::new(data),
            Some(trusted_comment),
            Some(&untrusted),
        )
        .map_err(|e| crate_err("signing MANIFEST", e))?;
        Ok(sb.to_string())
    }

    /// The public half, to verify with.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            pk: self.pk.clone(),
            id: self.id.clone(),
            file: PathBuf::new(),
        }
    }
}

/// Reads a public key file (minisign's two lines, or just the base64 line).
pub fn load_public(path: &Path) -> Result<VerifyingKey, PackError> {
    let text = read_small(path, "minisign public key")?;
    let lines = payload_lines(&text);
    let raw = match lines.as_slice() {
        [line] => b64(line),
        _ => None,
    };
    match raw {
        Some(r) if r.len() == 42 && &r[..2] == b"Ed" => {
            let pk = minisign::PublicKey::from_bytes(&r).map_err(|e| {
                PackError::Usage(format!("{}: unusable public key: {e}", path.display()))
            })?;
            let id = key_id(pk.keynum());
            Ok(VerifyingKey {
                pk,
                id,
                file: path.to_path_buf(),
            })
        }
        Some(r) if r.len() == 158 => Err(PackError::Usage(format!(
            "{}: this is a secret key; verifying needs the public key (NAME.pub) — and the secret key should not leave its owner",
            path.display()
        ))),
        _ => Err(PackError::Usage(format!(
            "{}: not a minisign public key (expected the NAME.pub written by `assay key generate`)",
            path.display()
        ))),
    }
}

impl VerifyingKey {
    /// The key ID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Verifies the signature file text `sig` over `data`; returns the trusted comment.
    pub fn verify(&self, data: &[u8], sig: &str) -> Result<String, SigProblem> {
        let signed_by = check_shape(sig)?;
        if signed_by != self.id {
            return Err(SigProblem::WrongKey {
                signed_by,
                key: self.id.clone(),
            });
        }
        let sb = minisign::SignatureBox::from_string(sig)
            .map_err(|e| SigProblem::Malformed(e.to_string()))?;
        if !sb.is_prehashed() {
            return Err(SigProblem::Malformed(
                "legacy (not prehashed) signature; assay writes only prehashed ones".into(),
            ));
        }
        minisign::verify(
            &self.pk,
            &sb,
            std::io::Cursor::new(data),
            true,
            false,
            false,
        )
        .map_err(|_| SigProblem::Bad)?;
        sb.trusted_comment()
            .map_err(|e| SigProblem::Malformed(e.to_string()))
    }
}

/// Checks that `sig` is four minisign lines with payloads of the right lengths and
/// returns the key ID it names.
pub fn check_shape(sig: &str) -> Result<String, SigProblem> {
    let m = |s: &str| SigProblem::Malformed(s.to_string());
    if sig.len() as u64 > MAX_KEY_FILE {
        return Err(m("file too large"));
    }
    let lines: Vec<&str> = sig.lines().collect();
    if lines.len() != 4 {
        return Err(m(&format!(
            "expected 4 lines (untrusted comment, signature, trusted comment, global signature), found {}",
            lines.len()
        )));
    }
    if !lines[0].starts_with("untrusted comment: ") {
        return Err(m("line 1 does not start with 'untrusted comment: '"));
    }
    if !lines[2].starts_with("trusted comment: ") {
        return Err(m("line 3 does not start with 'trusted comment: '"));
    }
    let sig_bytes = b64(lines[1]).ok_or_else(|| m("line 2 is not base64"))?;
    if sig_bytes.len() != 74 || !matches!(&sig_bytes[..2], b"ED" | b"Ed") {
        return Err(m("line 2 is not an Ed25519 signature"));
    }
    match b64(lines[3]) {
        Some(g) if g.len() == 64 => {}
        _ => return Err(m("line 4 is not a 64-byte global signature")),
    }
    Ok(key_id(&sig_bytes[2..10]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_sign_verify_and_every_failure() {
        let dir = tempfile::tempdir().unwrap();
        let a = generate(&dir.path().join("a"), None).unwrap();
        let b = generate(&dir.path().join("b"), None).unwrap();
        assert!(generate(&dir.path().join("a"), None)
            .unwrap_err()
            .to_string()
            .contains("already exists"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&a.secret).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (sk, warning) = load_secret(&a.secret, None).unwrap();
        assert!(warning.is_none());
        assert_eq!(sk.id(), a.key_id);
        let sig = sk.sign(b"hello\n", "assay test").unwrap();
        let pk_a = load_public(&a.public).unwrap();
        let pk_b = load_public(&b.public).unwrap();
        assert_eq!(pk_a.verify(b"hello\n", &sig).unwrap(), "assay test");
        assert_eq!(pk_a.verify(b"hello!\n", &sig), Err(SigProblem::Bad));
        assert!(matches!(
            pk_b.verify(b"hello\n", &sig),
            Err(SigProblem::WrongKey { .. })
        ));
        // A cut-short global signature is malformed, not a panic.
        let mut lines: Vec<&str> = sig.lines().collect();
        lines[3] = "AAAA";
        let short = lines.join("\n");
        assert!(matches!(
            pk_a.verify(b"hello\n", &short),
            Err(SigProblem::Malformed(_))
        ));
        // Keys in the wrong place are named.
        assert!(load_public(&a.secret)
            .unwrap_err()
            .to_string()
            .contains("this is a secret key"));
        assert!(load_secret(&a.public, None)
            .err()
            .unwrap()
            .to_string()
            .contains("this is a public key"));
    }

    #[test]
    fn encrypted_keys_need_their_password() {
        let dir = tempfile::tempdir().unwrap();
        let k = generate(&dir.path().join("k"), Some("correct horse".into())).unwrap();
        assert!(k.encrypted);
        let need = load_secret(&k.secret, None).err().unwrap().to_string();
        assert!(need.contains("password-protected"), "{need}");
        let wrong = load_secret(&k.secret, Some("wrong".into()))
            .err()
            .unwrap()
            .to_string();
        assert!(wrong.contains("cannot decrypt"), "{wrong}");
        let (sk, _) = load_secret(&k.secret, Some("correct horse".into())).unwrap();
        let sig = sk.sign(b"x", "c").unwrap();
        assert!(load_public(&k.public).unwrap().verify(b"x", &sig).is_ok());
    }
}
