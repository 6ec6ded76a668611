//! A pack as one `.tar.gz`: written from the pack folder, read back as a stream.
//!
//! Writing: every file under one top-level folder named after the pack, in `MANIFEST`
//! order, as plain regular files (mode 0644, owner 0, one fixed mtime), so `tar xzf`
//! gives back the folder and nothing else.
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
use std::io::{BufReader, BufWriter, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

use super::manifest::{check_rel_path, hash_stream, Manifest, MANIFEST, SIGNATURE};
use super::verify::{keep, View, KEEP_MAX};
use super::PackError;

/// The most entries a pack tarball may have.
pub const MAX_ENTRIES: usize = 5_000_000;
/// The most bytes read after the end-of-archive marker (tar pads to 10 KiB records).
const MAX_TRAILER: u64 = 1024 * 1024;

/// Writes the pack folder `dir` as the tarball `to`, under the top-level folder `root`.
pub fn write(dir: &Path, root: &str, to: &Path, manifest: &Manifest) -> Result<(), PackError> {
    let name = to
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pack.tar.gz".into());
    let tmp = to.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| -> Result<(), PackError> {
        let file = File::create(&tmp).map_err(PackError::io(&tmp))?;
        let gz = GzEncoder::new(
            BufWriter::with_capacity(1 << 20, file),
            Compression::default(),
        );
        let mut b = tar::Builder::new(gz);
        let mtime = chrono::Utc::now().timestamp().max(0) as u64;
        let names = [MANIFEST, SIGNATURE]
            .into_iter()
            .chain(manifest.entries.keys().map(String::as_str));
        for rel in names {
            let src = dir.join(rel);
            let f = File::open(&src).map_err(PackError::io(&src))?;
            let len = f.metadata().map_err(PackError::io(&src))?.len();
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(len);
            h.set_mode(0o644);
            h.set_uid(0);
            h.set_gid(0);
            h.set_mtime(mtime);
            b.append_data(&mut h, format!("{root}/{rel}"), f)
                .map_err(PackError::io(&src))?;
        }
        let gz = b.into_inner().map_err(PackError::io(&tmp))?;
        let w = gz.finish().map_err(PackError::io(&tmp))?;
        let file = w.into_inner().map_err(|e| PackError::Io {
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

/// Reads the tarball at `path` into a [`View`]: every regular file's hash, the small
/// files verification reads, and every problem found on the way.
pub fn read_view(path: &Path) -> Result<View, PackError> {
    let file = File::open(path).map_err(PackError::io(path))?;
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut view = View::default();
    let mut ar = tar::Archive::new(MultiGzDecoder::new(BufReader::with_capacity(1 << 20, file)));
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
        // nothing may follow the end-of-archive marker but zeros.
        let mut rest = ar.into_inner().take(MAX_TRAILER + 1);
        let mut tail = Vec::new();
        match rest.read_to_end(&mut tail) {
            Err(e) => view.problem(&label, format!("truncated or corrupt at the end: {e}")),
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

fn entry_kind(t: tar::EntryType) -> &'static str {
    match t {
        tar::EntryType::Symlink => "a symbolic link",
        tar::EntryType::Link => "a hard link",
        tar::EntryType::Char | tar::EntryType::Block => "a device file",
        tar::EntryType::Fifo => "a named pipe",
        _ => "not a regular file",
    }
}
