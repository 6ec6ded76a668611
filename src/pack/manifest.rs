//! `MANIFEST`: the list of every file in a pack with its SHA-256, and the hashing that
//! fills it.
//!
//! The format is exactly what `sha256sum` prints and reads (`<64 hex>  <path>\n`, two
//! spaces, paths relative to the pack, `/` separators, sorted bytewise, one line per
//! file), so an auditor can run `sha256sum -c MANIFEST` inside an unpacked pack with no
//! assay at all. Paths are restricted to what that format can carry without escapes: no
//! control characters, no backslash, no `.`/`..` or empty components, not absolute.
//!
//! Hashing is the expensive part of packing and verifying 100,000 documents, so files are
//! hashed in parallel on every core (rayon), each one streamed through a fixed buffer:
//! a gigabyte of evidence never sits in memory.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::evidence::hex;

/// The manifest's file name at the top of a pack.
pub const MANIFEST: &str = "MANIFEST";
/// The detached signature over [`MANIFEST`].
pub const SIGNATURE: &str = "MANIFEST.sig";
/// The longest relative path a pack may hold (bytes).
pub const MAX_PATH: usize = 1024;
/// The read buffer of one hashing thread.
const BUF: usize = 256 * 1024;

/// Path → SHA-256 (lowercase hex) of every file of a pack except `MANIFEST` and
/// `MANIFEST.sig`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Sorted by path (a `BTreeMap` orders `String`s bytewise, as `sort` in the C locale).
    pub entries: BTreeMap<String, String>,
}

impl Manifest {
    /// The file's text: one `sha256sum` line per entry, sorted.
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(self.entries.len() * 120);
        for (path, hash) in &self.entries {
            s.push_str(hash);
            s.push_str("  ");
            s.push_str(path);
            s.push('\n');
        }
        s
    }

    /// Parses a manifest. Every malformed line is reported (`line N: what`), so a hand
    /// edit is named precisely; the well-formed lines are kept.
    pub fn parse(text: &str) -> (Manifest, Vec<String>) {
        let mut m = Manifest::default();
        let mut errors = Vec::new();
        if !text.is_empty() && !text.ends_with('\n') {
            errors.push("the last line has no newline (the file was cut short?)".to_string());
        }
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let Some((hash, path)) = line.split_once("  ") else {
                errors.push(format!(
                    "line {n}: expected '<sha256>  <path>' (two spaces), found {line:?}"
                ));
                continue;
            };
            if !is_sha256(hash) {
                errors.push(format!(
                    "line {n}: '{hash}' is not a SHA-256 (64 lowercase hex digits)"
                ));
                continue;
            }
            if let Err(e) = check_rel_path(path) {
                errors.push(format!("line {n}: {path:?}: {e}"));
                continue;
            }
            if path == MANIFEST || path == SIGNATURE {
                errors.push(format!("line {n}: {path} cannot list itself"));
                continue;
            }
            if m.entries
                .insert(path.to_string(), hash.to_string())
                .is_some()
            {
                errors.push(format!("line {n}: {path} is listed twice"));
            }
        }
        (m, errors)
    }
}

/// Whether `s` is 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks that `p` is a relative path a pack may hold: not empty, not absolute, `/`
/// separated, no empty, `.` or `..` component, no backslash or control character, at most
/// [`MAX_PATH`] bytes. Whatever passes can be joined to the pack folder without leaving it.
pub fn check_rel_path(p: &str) -> Result<(), String> {
    if p.is_empty() {
        return Err("empty path".into());
    }
    if p.len() > MAX_PATH {
        return Err(format!("path longer than {MAX_PATH} bytes"));
    }
    if p.starts_with('/') {
        return Err("absolute path".into());
    }
    if p.contains('\\') {
        return Err("backslash in path".into());
    }
    if p.chars().any(char::is_control) {
        return Err("control character in path".into());
    }
    for c in p.split('/') {
        match c {
            "" => return Err("empty path component ('//' or a trailing '/')".into()),
            "." | ".." => return Err(format!("'{c}' component: the path could leave the pack")),
            _ => {}
        }
    }
    Ok(())
}

/// The SHA-256 (hex) of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = RefCell::new(vec![0; BUF]);
}

/// Streams `r` through SHA-256, also giving every chunk to `sink`. Returns the hash and
/// the number of bytes read.
pub fn hash_stream<R: Read>(
    mut r: R,
    mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<(String, u64)> {
    BUFFER.with(|b| {
        let mut buf = b.borrow_mut();
        let mut h = Sha256::new();
        let mut n = 0u64;
        loop {
            let got = match r.read(&mut buf[..]) {
                Ok(0) => break,
                Ok(got) => got,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            h.update(&buf[..got]);
            sink(&buf[..got])?;
            n += got as u64;
        }
        Ok((hex(&h.finalize()), n))
    })
}

/// The SHA-256 and size of the file at `path`, streamed.
pub fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    hash_stream(File::open(path)?, |_| Ok(()))
}

/// Copies `src` to the new file `dst` (which must not exist) and returns the SHA-256 and
/// size of the bytes written: reading once, the hash is of exactly what the copy holds.
pub fn copy_and_hash(src: &Path, dst: &Path) -> std::io::Result<(String, u64)> {
    let input = File::open(src)?;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dst)?;
    let r = hash_stream(input, |chunk| out.write_all(chunk))?;
    out.flush()?;
    Ok(r)
}

/// What a walk of a folder found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular files, relative paths with `/` separators, sorted.
    pub files: Vec<String>,
    /// Everything else (links, devices, sockets, unreadable or non-UTF-8 names): the
    /// relative path and what it is.
    pub others: Vec<(String, String)>,
}

/// Lists the folder `root` recursively without following symbolic links.
pub fn walk(root: &Path) -> std::io::Result<Walk> {
    let mut w = Walk::default();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                w.others.push((
                    format!("{prefix}{}", name.to_string_lossy()),
                    "a name that is not UTF-8".into(),
                ));
                continue;
            };
            let rel = format!("{prefix}{name}");
            let ft = entry.file_type()?;
            if ft.is_dir() {
                stack.push((entry.path(), format!("{rel}/")));
            } else if ft.is_file() {
                w.files.push(rel);
            } else {
                w.others.push((rel, file_type_name(&ft).into()));
            }
        }
    }
    w.files.sort();
    w.others.sort();
    Ok(w)
}

/// What a non-regular file is, for messages.
fn file_type_name(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_block_device() || ft.is_char_device() {
            return "a device file";
        }
        if ft.is_fifo() {
            return "a named pipe";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_then_parse_round_trips_and_matches_sha256sum() {
        let mut m = Manifest::default();
        m.entries.insert("results.json".into(), sha256_hex(b"r"));
        m.entries
            .insert("evidence/a b.json".into(), sha256_hex(b""));
        let text = m.render();
        assert_eq!(
            text.lines().next(),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  evidence/a b.json")
        );
        let (back, errors) = Manifest::parse(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back, m);
    }

    #[test]
    fn malformed_lines_are_named() {
        let good = sha256_hex(b"x");
        let text = format!(
            "{good}  a\n{good} b\nnothex  c\n{good}  ../etc/passwd\n{good}  a\n{good}  MANIFEST\n{good}  /abs"
        );
        let (m, errors) = Manifest::parse(&text);
        assert_eq!(m.entries.len(), 1);
        let all = errors.join("\n");
        for want in [
            "last line has no newline",
            "line 2: expected",
            "line 3: 'nothex'",
            "line 4: \"../etc/passwd\": '..' component",
            "line 5: a is listed twice",
            "line 6: MANIFEST cannot list itself",
            "line 7: \"/abs\": absolute path",
        ] {
            assert!(all.contains(want), "{want} not in:\n{all}");
        }
    }

    #[test]
    fn paths() {
        for ok in [
            "a",
            "evidence/tls.endpoint/x--20260101T000000Z.json",
            "a b/c",
        ] {
            assert!(check_rel_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "/a", "a//b", "a/", "./a", "a/../b", "..", "a\\b", "a\nb", "a\0b",
        ] {
            assert!(check_rel_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_rel_path(&"x".repeat(MAX_PATH + 1)).is_err());
    }

    #[test]
    fn copy_hashes_what_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        let data: Vec<u8> = (0..(BUF * 2 + 17)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&src, &data).unwrap();
        let dst = dir.path().join("dst");
        let (h, n) = copy_and_hash(&src, &dst).unwrap();
        assert_eq!(
            (h.as_str(), n),
            (sha256_hex(&data).as_str(), data.len() as u64)
        );
        assert_eq!(std::fs::read(&dst).unwrap(), data);
        assert_eq!(hash_file(&dst).unwrap().0, h);
        // Never overwrites.
        assert!(copy_and_hash(&src, &dst).is_err());
    }
}
