//! Waiting for a tool assay started (restic, borg, pgbackrest, terraform) without letting
//! it hang a collection, and without a full pipe stalling it: stdout and stderr are read
//! on their own threads while the child runs.

use std::io::Read;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// Why a started tool gave no result.
#[derive(Debug)]
pub(crate) enum WaitError {
    /// It ran past the deadline and was killed.
    TimedOut,
    /// Waiting on it failed.
    Wait(std::io::Error),
}

/// Waits for `child` (spawned with piped stdout and stderr) at most `timeout`, killing it
/// then; returns its status, stdout and stderr.
pub(crate) fn wait_bounded(
    child: &mut Child,
    timeout: Duration,
) -> Result<(ExitStatus, Vec<u8>, Vec<u8>), WaitError> {
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut b);
            }
            b
        })
    };
    let out_t = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err_t = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(WaitError::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(WaitError::Wait(e)),
        }
    };
    Ok((
        status,
        out_t.join().unwrap_or_default(),
        err_t.join().unwrap_or_default(),
    ))
}
