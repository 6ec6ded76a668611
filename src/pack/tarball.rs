//! A pack as one `.tar.gz`: written from the pack folder, read back as a stream.
//!
//! Writing: every file under one top-level folder named after the pack, as plain regular
//! files (mode 0644, owner 0, one fixed mtime), so `tar xzf` gives back the folder and
//! nothing else. The gzip stream is a series of independent members compressed on all
//! cores, and each file is hashed as it is read: a file that is not what `MANIFEST` says
//! stops the tarball.
//!
//! Reading never unpacks. Each entry is checked and hashed as it streams past, and only
//! the small files that verification reads (`MANIFEST`, `pack.json`, the catalog …) are
//! kept in memory, each up to a bound. Whatever a hostile or damaged archive holds is a
//! problem naming the tarball and the entry, never a file on disk: an absolute path or a
//! `..` component, a symbolic or hard link, a device, a pipe, an entry outside the pack
//! folder, a duplicate, a name that is not UTF-8, more than [`MAX_ENTRIES`] entries,
//! data after the end of the archive, or a stream cut short (the gzip trailer's CRC and
//! length are checked by reading to the very end).

use std::collections::btree_map::Entry;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::manifest::{check_rel_path, hash_stream};
use super::verify::{keep, View, KEEP_MAX};
use super::PackError;
use crate::evidence::hex;

/// The most entries a pack tarball may have.
pub const MAX_ENTRIES: usize = 5_000_000;
/// The most bytes read after the end-of-archive marker (tar pads to 10 KiB records).
const MAX_TRAILER: u64 = 1024 * 1024;

/// Bytes of the tar stream compressed into one gzip member. Members are independent, so
/// every core compresses its own; gzip readers (`gzip -d`, `tar xzf`, [`MultiGzDecoder`])
/// read concatenated members as one stream (RFC 1952 §2.2). Deflate looks back only
/// 32 KiB, so cutting the stream every 1 MiB costs little ratio.
const MEMBER_BYTES: usize = 1 << 20;
/// Tar bytes gathered before they are handed to the compressors: enough for a member per
/// core and then some, little enough that two windows in flight are nothing to memory.
const WINDOW_BYTES: usize = 16 * MEMBER_BYTES;
/// zlib level 3: on evidence JSON within 10% of the default level's size at about twice
/// its speed; level 1 (zlib-rs' quick mode) loses a third of the ratio.
const LEVEL: u32 = 3;

/// Where one tarball entry's bytes come from.
#[derive(Debug)]
pub enum Source {
    /// A file on disk, read as it is written; with the SHA-256 it must have, when that is
    /// already recorded (a mismatch aborts the tarball).
    File {
        /// The file.
        path: PathBuf,
        /// Its expected SHA-256.
        sha256: Option<String>,
    },
    /// Bytes in memory.
    Bytes(Vec<u8>),
}

/// Writes the tarball `to`: each `(path, source)` in order, under the top-level folder
/// `root`, as plain regular files (mode 0644, owner 0, one fixed mtime), so `tar xzf`
/// gives back the pack folder and nothing else.
///
/// One thread reads the files, hashes them and lays out the tar stream; the cores
/// compress it a member at a time, and the members are written in order. It is written
/// to a hidden sibling first and renamed into place, so a failed run leaves no tarball.
pub fn write(to: &Path, root: &str, entries: Vec<(String, Source)>) -> Result<(), PackError> {
    let name = to
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pack.tar.gz".into());
    let tmp = to.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| -> Result<(), PackError> {
        let file = File::create(&tmp).map_err(PackError::io(&tmp))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let laid_out = std::thread::scope(|scope| {
            let producer = scope.spawn(move || lay_out(root, entries, tx));
            let mut written = Ok(());
            for window in rx {
                let members: Vec<std::io::Result<Vec<u8>>> =
                    window.par_chunks(MEMBER_BYTES).map(compress).collect();
                written = members
                    .into_iter()
                    .try_for_each(|m| out.write_all(&m?))
                    .map_err(PackError::io(&tmp));
                if written.is_err() {
                    break; // dropping rx stops the producer at its next window
                }
            }
            let produced = producer
                .join()
                .unwrap_or_else(|_| Err(PackError::Usage("the tar writer failed".into())));
            written.and(produced)
        });
        laid_out?;
        let file = out.into_inner().map_err(|e| PackError::Io {
            path: tmp.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(PackError::io(&tmp))?;
        std::fs::rename(&tmp, to).map_err(PackError::io(to))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// One gzip member holding `chunk`.
fn compress(chunk: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gz = GzEncoder::new(Vec::with_capacity(chunk.len() / 2), Compression::new(LEVEL));
    gz.write_all(chunk)?;
    gz.finish()
}

/// Collects the tar stream into windows of [`WINDOW_BYTES`] and sends each on.
struct Windows {
    buf: Vec<u8>,
    tx: SyncSender<Vec<u8>>,
}

impl Windows {
    fn send(&mut self) -> std::io::Result<()> {
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(WINDOW_BYTES));
        self.tx
            .send(full)
            .map_err(|_| std::io::Error::other("the tarball's writer stopped"))
    }
}

impl Write for Windows {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = WINDOW_BYTES.saturating_sub(self.buf.len());
        let n = data.len().min(room.max(1));
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= WINDOW_BYTES {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Hashes and counts what is read through it.
struct Hashing<R> {
    inner: R,
    sha: Sha256,
    n: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let got = self.inner.read(buf)?;
        self.sha.update(&buf[..got]);
        self.n += got as u64;
        Ok(got)
    }
}

/// Lays out the tar stream of `entries` and sends it, window by window, to `tx`.
fn lay_out(
    root: &str,
    entries: Vec<(String, Source)>,
    tx: SyncSender<Vec<u8>>,
) -> Result<(), PackError> {
    let mut b = tar::Builder::new(Windows {
        buf: Vec::with_capacity(WINDOW_BYTES),
        tx,
    });
    let mtime = chrono::Utc::now().timestamp().max(0) as u64;
    let header = |len: u64| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(len);
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(mtime);
        h
    };
    for (rel, source) in entries {
        let name = format!("{root}/{rel}");
        match source {
            Source::Bytes(bytes) => {
                let mut h = header(bytes.len() as u64);
                b.append_data(&mut h, &name, bytes.as_slice())
                    .map_err(|e| PackError::Usage(format!("{name}: cannot write: {e}")))?;
            }
            Source::File { path, sha256 } => {
                let f = File::open(&path).map_err(PackError::io(&path))?;
                let len = f.metadata().map_err(PackError::io(&path))?.len();
                let mut h = header(len);
                let mut data = Hashing {
                    inner: f.take(len),
                    sha: Sha256::new(),
                    n: 0,
                };
                b.append_data(&mut h, &name, &mut data)
                    .map_err(PackError::io(&path))?;
                let got = hex(&data.sha.finalize());
                if data.n != len || sha256.as_ref().is_some_and(|want| *want != got) {
                    return Err(PackError::Refused(vec![format!(
                        "{}: changed while it was being packed, or since its hash was recorded: \
                         its SHA-256 is now {got} ({} bytes)",
                        path.display(),
                        data.n
                    )]));
                }
            }
        }
    }
    let mut w = b
        .into_inner()
        .map_err(|e| PackError::Usage(format!("{root}: cannot finish the archive: {e}")))?;
    if !w.buf.is_empty() {
        w.send().map_err(|e| PackError::Usage(e.to_string()))?;
    }
    Ok(())
}

/// Reads the tarball at `path` into a [`View`]: every regular file's hash, the small
/// files verification reads, and every problem found on the way.
pub fn read_view(path: &Path) -> Result<View, PackError> {
    let file = File::open(path).map_err(PackError::io(path))?;
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut view = View::default();
    let mut ar = tar::Archive::new(EofAware {
        inner: MultiGzDecoder::new(BufReader::with_capacity(1 << 20, file)),
        eof: false,
    });
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => {
            view.problem(&label, format!("not a readable .tar.gz: {e}"));
            return Ok(view);
        }
    };
    let mut root: Option<String> = None;
    let mut count = 0usize;
    let mut cut = false;
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                view.problem(
                    &label,
                    format!("truncated or corrupt after {count} entries: {e}"),
                );
                cut = true;
                break;
            }
        };
        count += 1;
        if count > MAX_ENTRIES {
            view.problem(
                &label,
                format!("more than {MAX_ENTRIES} entries: not read further"),
            );
            cut = true;
            break;
        }
        let raw = entry.path_bytes().into_owned();
        let Ok(name) = String::from_utf8(raw) else {
            view.problem(&label, format!("entry {count}: its name is not UTF-8"));
            continue;
        };
        let kind = entry.header().entry_type();
        if kind == tar::EntryType::XGlobalHeader {
            continue; // pax metadata for the whole archive (git archive writes one)
        }
        let mut name = name.as_str();
        while let Some(rest) = name.strip_prefix("./") {
            name = rest;
        }
        let is_dir = kind == tar::EntryType::Directory;
        let name = if is_dir {
            name.trim_end_matches('/')
        } else {
            name
        };
        if name.is_empty() || name == "." {
            continue;
        }
        if name.starts_with('/') {
            view.problem(&label, format!("{name}: absolute path: refused"));
            continue;
        }
        let root = root.get_or_insert_with(|| match name.split_once('/') {
            Some((first, _)) => first.to_string(),
            None if is_dir => name.to_string(),
            None => String::new(),
        });
        let rel = if root.is_empty() {
            name
        } else if name == root.as_str() && is_dir {
            continue;
        } else {
            match name
                .strip_prefix(root.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(r) => r,
                None => {
                    view.problem(
                        &label,
                        format!("{name}: outside the pack folder {root}/: refused"),
                    );
                    continue;
                }
            }
        };
        if let Err(e) = check_rel_path(rel) {
            view.problem(&label, format!("{name}: {e}: refused"));
            continue;
        }
        match kind {
            tar::EntryType::Directory => continue,
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            other => {
                view.problem(
                    rel,
                    format!(
                        "is {} in {label}: a pack holds only regular files",
                        entry_kind(other)
                    ),
                );
                continue;
            }
        }
        let size = entry.size();
        let keep_it = keep(rel);
        if keep_it && size > KEEP_MAX {
            view.problem(
                rel,
                format!("{size} bytes: larger than the {KEEP_MAX} bytes allowed"),
            );
        }
        let mut kept = Vec::new();
        let hashed = if keep_it && size <= KEEP_MAX {
            kept.reserve(size as usize);
            hash_stream(&mut entry, |c| {
                kept.extend_from_slice(c);
                Ok(())
            })
        } else {
            hash_stream(&mut entry, |_| Ok(()))
        };
        let (hash, n) = match hashed {
            Ok(r) => r,
            Err(e) => {
                view.problem(&label, format!("truncated or corrupt in {rel}: {e}"));
                cut = true;
                break;
            }
        };
        if n != size {
            view.problem(
                &label,
                format!("truncated: {rel} holds {n} of its {size} bytes"),
            );
            cut = true;
            break;
        }
        match view.files.entry(rel.to_string()) {
            Entry::Occupied(_) => {
                view.problem(rel, format!("appears twice in {label}: refused"));
                continue;
            }
            Entry::Vacant(v) => {
                v.insert(hash);
            }
        }
        view.bytes += n;
        if keep_it && size <= KEEP_MAX {
            view.kept.insert(rel.to_string(), kept);
        }
    }
    if !cut {
        // Read to the end: the gzip trailer (CRC, length) is checked only there, and
        // nothing may follow the end-of-archive marker but zeros. The tar reader stops
        // quietly at end of input where a header should be, and a stream of gzip members
        // cut between two members is still valid gzip, so the marker's two zero blocks
        // (the reader has taken the first) are what proves the archive whole.
        let inner = ar.into_inner();
        let ended_early = inner.eof;
        let mut rest = inner.take(MAX_TRAILER + 1);
        let mut tail = Vec::new();
        match rest.read_to_end(&mut tail) {
            _ if ended_early => view.problem(
                &label,
                format!("truncated after {count} entries: the end-of-archive marker is missing"),
            ),
            Err(e) => view.problem(&label, format!("truncated or corrupt at the end: {e}")),
            Ok(n) if n < 512 => view.problem(
                &label,
                format!("truncated after {count} entries: the end-of-archive marker is incomplete"),
            ),
            Ok(n) if n as u64 > MAX_TRAILER || tail.iter().any(|b| *b != 0) => view.problem(
                &label,
                "data after the end of the archive: refused".to_string(),
            ),
            Ok(_) => {}
        }
    }
    view.label = label;
    Ok(view)
}

/// Notes when its reader has run dry.
struct EofAware<R> {
    inner: R,
    eof: bool,
}

impl<R: Read> Read for EofAware<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.eof = true;
        }
        Ok(n)
    }
}

fn entry_kind(t: tar::EntryType) -> &'static str {
    match t {
        tar::EntryType::Symlink => "a symbolic link",
        tar::EntryType::Link => "a hard link",
        tar::EntryType::Char | tar::EntryType::Block => "a device file",
        tar::EntryType::Fifo => "a named pipe",
        _ => "not a regular file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::manifest::sha256_hex;

    /// Bytes that do not compress away, so the stream spans several members and windows.
    fn noise(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn a_stream_of_many_members_reads_back_whole_with_assay_and_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let big = noise(7, WINDOW_BYTES + 3 * MEMBER_BYTES + 12_345);
        let on_disk = dir.path().join("big.bin");
        std::fs::write(&on_disk, &big).unwrap();
        let small = noise(9, 777);
        let to = dir.path().join("p.tar.gz");
        let entries = vec![
            ("a/small.bin".to_string(), Source::Bytes(small.clone())),
            (
                "a/big.bin".to_string(),
                Source::File {
                    path: on_disk.clone(),
                    sha256: Some(sha256_hex(&big)),
                },
            ),
            ("empty".to_string(), Source::Bytes(Vec::new())),
        ];
        write(&to, "p", entries).unwrap();

        let view = read_view(&to).unwrap();
        assert!(view.problems.is_empty(), "{:?}", view.problems);
        assert_eq!(view.files["a/small.bin"], sha256_hex(&small));
        assert_eq!(view.files["a/big.bin"], sha256_hex(&big));
        assert_eq!(view.files["empty"], sha256_hex(b""));
        assert_eq!(view.bytes, (big.len() + small.len()) as u64);

        // gzip itself reads the concatenated members as one stream, and tar unpacks it.
        let out = dir.path().join("x");
        std::fs::create_dir(&out).unwrap();
        let o = std::process::Command::new("tar")
            .arg("xzf")
            .arg(&to)
            .current_dir(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(std::fs::read(out.join("p/a/big.bin")).unwrap(), big);
        assert_eq!(std::fs::read(out.join("p/a/small.bin")).unwrap(), small);
        assert!(!dir.path().read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("partial")));
    }

    /// `tar` bytes gzipped as one member.
    fn gz(tar: &[u8]) -> Vec<u8> {
        compress(tar).unwrap()
    }

    #[test]
    fn an_archive_without_its_end_marker_is_truncated_even_if_gzip_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(3);
        h.set_mode(0o644);
        b.append_data(&mut h, "p/a.txt", &b"abc"[..]).unwrap();
        let whole = b.into_inner().unwrap();
        // Whole: one entry, then two zero blocks.
        let ok = dir.path().join("ok.tar.gz");
        std::fs::write(&ok, gz(&whole)).unwrap();
        let v = read_view(&ok).unwrap();
        assert!(v.problems.is_empty(), "{:?}", v.problems);
        assert_eq!(v.files["a.txt"], sha256_hex(b"abc"));
        // Cut where a gzip member could end: before the marker, or inside it.
        for (name, keep, why) in [
            (
                "none.tar.gz",
                whole.len() - 1024,
                "end-of-archive marker is missing",
            ),
            (
                "half.tar.gz",
                whole.len() - 512,
                "end-of-archive marker is incomplete",
            ),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, gz(&whole[..keep])).unwrap();
            let v = read_view(&p).unwrap();
            let all = format!("{:?}", v.problems);
            assert!(all.contains(why), "{name}: {all}");
        }
    }

    #[test]
    fn a_file_that_is_not_what_was_recorded_stops_the_tarball() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("doc.json");
        std::fs::write(&f, b"{\"edited\": true}").unwrap();
        let to = dir.path().join("p.tar.gz");
        let entries = vec![
            (
                "first".to_string(),
                Source::Bytes(noise(3, 2 * WINDOW_BYTES)),
            ),
            (
                "evidence/doc.json".to_string(),
                Source::File {
                    path: f.clone(),
                    sha256: Some(sha256_hex(b"{\"original\": true}")),
                },
            ),
        ];
        let err = write(&to, "p", entries).unwrap_err().to_string();
        assert!(
            err.contains("doc.json: changed while it was being packed"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "neither the tarball nor a partial one is left"
        );

        // A file that cannot be read is named too.
        let entries = vec![(
            "gone".to_string(),
            Source::File {
                path: dir.path().join("gone.json"),
                sha256: None,
            },
        )];
        let err = write(&to, "p", entries).unwrap_err().to_string();
        assert!(err.contains("gone.json"), "{err}");
        assert!(!to.exists());
    }
}
