//! Writing files so that a reader never sees half of one.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Writes `bytes` to `path` atomically: into a temporary file in the same folder, flushed
/// to disk, then renamed over the target. A crash leaves the old file or the new one,
/// never a torn mix, which matters for results and evidence manifests that auditors keep.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The folder `target` (as given, relative to the working directory) as seen from the
/// folder that will hold `file`, for links in a written report. `None` when `target` is
/// absolute (such a link already works from anywhere), when either folder cannot be
/// resolved, or when the two share nothing but the root: then the path as given is as
/// good as any.
pub fn relative_from(target: &str, file: &Path) -> Option<String> {
    if Path::new(target).is_absolute() {
        return None;
    }
    let to = std::fs::canonicalize(target).ok()?;
    let from = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => std::fs::canonicalize(d).ok()?,
        _ => std::env::current_dir().ok()?,
    };
    let to: Vec<Component> = to.components().collect();
    let from: Vec<Component> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    if common <= 1 {
        return None;
    }
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c.as_os_str());
    }
    let rel = rel.to_str()?.to_string();
    Some(if rel.is_empty() { ".".into() } else { rel })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_seen_from_where_the_report_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("ev/tls")).unwrap();
        std::fs::create_dir_all(root.join("out/html")).unwrap();
        let here = std::env::current_dir().unwrap();
        // Paths relative to the working directory, as a user gives them.
        let rel = |p: &Path| {
            let mut up = PathBuf::new();
            for _ in here.components().skip(1) {
                up.push("..");
            }
            up.join(p.strip_prefix("/").unwrap()).display().to_string()
        };
        let ev = rel(&root.join("ev"));
        assert_eq!(
            relative_from(&ev, &root.join("out/html/report.html")).as_deref(),
            Some("../../ev")
        );
        assert_eq!(
            relative_from(&ev, &root.join("report.html")).as_deref(),
            Some("ev")
        );
        assert_eq!(
            relative_from(&ev, &root.join("ev/report.html")).as_deref(),
            Some(".")
        );
        // Absolute, missing, or an output folder that does not exist: as given.
        assert_eq!(
            relative_from(&root.join("ev").display().to_string(), &root.join("r.html")),
            None
        );
        assert_eq!(relative_from("no/such/folder", &root.join("r.html")), None);
        assert_eq!(relative_from(&ev, &root.join("nowhere/r.html")), None);
    }
}
