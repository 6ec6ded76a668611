//! Collectors: code that measures the real thing and writes evidence.
//!
//! Each area has its own folder (`tls/`, later `ports/`, `identity/` …). A collector
//! never decides pass or fail — that is the policies' job — it records facts, and it
//! records a failure to measure as `body.error`, never as a good-looking absence.

pub mod backup;
pub mod db;
pub mod identity;
pub mod inventory;
pub(crate) mod json_at;
pub mod net;
pub(crate) mod process;
pub mod residency;
pub mod tls;
