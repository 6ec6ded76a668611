//! The TLS collector: what a server offers (protocols, cipher suites, key exchange,
//! certificate, HSTS) and the SSL Labs–style grade computed from it.
//!
//! - [`body`]: the `tls.endpoint` evidence body, typed.
//! - [`suites`]: the cipher suite registry (IANA ids, names and properties).
//! - [`grade`]: the grade, its score parts and every cap, from a body.
//! - [`wire`]: hand-built ClientHello messages and a strict parser for the replies.

pub mod body;
pub mod cert;
pub mod endpoint;
pub mod grade;
pub mod https;
pub mod import;
pub mod probe;
pub mod run;
pub mod suites;
pub mod wire;
