//! The pack commands as the CLI runs them: each takes plain arguments and returns what to
//! print and whether it passed, so `main.rs` only parses flags and maps outcomes to exit
//! codes (0 all is well, 1 something is wrong with a pack or its inputs, 2 bad usage).

use std::path::{Path, PathBuf};

use super::create::{create, CreateOptions, PackForm};
use super::period::{build, render, IndexFormat, Period};
use super::sign::{generate, load_public};
use super::verify::{verify, SignatureCheck};
use super::PackError;

/// What a command prints and whether it passed.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// For standard output.
    pub stdout: String,
    /// For standard error, one line each (warnings, reasons for failing).
    pub stderr: Vec<String>,
    /// Exit 0 when true, 1 when false.
    pub ok: bool,
}

/// The password in the environment variable `var`, if one was named.
fn password(var: Option<&str>) -> Result<Option<String>, PackError> {
    let Some(var) = var else { return Ok(None) };
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => Ok(Some(p)),
        Ok(_) => Err(PackError::Usage(format!(
            "--password-env {var}: the environment variable {var} is empty"
        ))),
        Err(_) => Err(PackError::Usage(format!(
            "--password-env {var}: the environment variable {var} is not set"
        ))),
    }
}

/// `assay key generate --out NAME [--password-env VAR]`.
pub fn key_generate(out: &Path, password_env: Option<&str>) -> Result<Outcome, PackError> {
    let k = generate(out, password(password_env)?)?;
    let stdout = format!(
        "wrote {} (secret key{}, mode 0600: keep it secret, never share or print it)\n\
         wrote {} (public key, key ID {}: give it to whoever verifies your packs)\n\
         public key: {}\n\
         sign:   assay pack --evidence DIR --results results.json --out PACK --key {}\n\
         verify: assay pack verify PACK --key {}\n\
         \x20       minisign -Vm PACK/MANIFEST -x PACK/MANIFEST.sig -p {}\n",
        k.secret.display(),
        if k.encrypted {
            ", password-protected"
        } else {
            ", not encrypted"
        },
        k.public.display(),
        k.key_id,
        k.public_base64,
        k.secret.display(),
        k.public.display(),
        k.public.display(),
    );
    Ok(Outcome {
        stdout,
        stderr: Vec::new(),
        ok: true,
    })
}

/// `assay pack --evidence … --results … --out … --key …`.
#[allow(clippy::too_many_arguments)]
pub fn pack(
    evidence: PathBuf,
    results: PathBuf,
    out: PathBuf,
    key: PathBuf,
    password_env: Option<&str>,
    catalog: Option<PathBuf>,
    profile: Option<PathBuf>,
    waivers: Option<PathBuf>,
    form: PackForm,
) -> Result<Outcome, PackError> {
    let created = create(&CreateOptions {
        evidence,
        results,
        out,
        key,
        password: password(password_env)?,
        catalog,
        profile,
        waivers,
        form,
    })?;
    Ok(Outcome {
        stdout: created.render(),
        stderr: created
            .warnings
            .iter()
            .map(|w| format!("warning: {w}"))
            .collect(),
        ok: true,
    })
}

fn signature_check(key: Option<&Path>, no_signature: bool) -> Result<SignatureCheck, PackError> {
    Ok(match (key, no_signature) {
        (Some(k), _) => SignatureCheck::Key(load_public(k)?),
        (None, true) => SignatureCheck::Skip,
        (None, false) => SignatureCheck::NoKey,
    })
}

/// `assay pack verify PACK [--key PUB | --no-signature]`.
pub fn pack_verify(
    pack: &Path,
    key: Option<&Path>,
    no_signature: bool,
) -> Result<Outcome, PackError> {
    let check = signature_check(key, no_signature)?;
    let report = verify(pack, &check)?;
    let mut stderr = Vec::new();
    if no_signature {
        stderr.push(
            "warning: --no-signature: the signature was NOT checked; anyone could have rewritten this pack and its MANIFEST"
                .to_string(),
        );
    }
    Ok(Outcome {
        stdout: report.render(),
        stderr,
        ok: report.ok(),
    })
}

/// `assay pack index --period FROM..TO PACK… [--key PUB | --no-signature] [--format F]`.
pub fn pack_index(
    period: &str,
    packs: &[PathBuf],
    key: Option<&Path>,
    no_signature: bool,
    format: IndexFormat,
) -> Result<Outcome, PackError> {
    let period: Period = period
        .parse()
        .map_err(|e| PackError::Usage(format!("--period: {e}")))?;
    if packs.is_empty() {
        return Err(PackError::Usage(
            "no packs: name pack folders, .tar.gz files or folders holding them".into(),
        ));
    }
    let check = signature_check(key, no_signature)?;
    let index = build(&period, packs, &check)?;
    Ok(Outcome {
        stdout: render(&index, format)?,
        stderr: index.reasons(),
        ok: index.ok(),
    })
}
