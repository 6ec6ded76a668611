//! Identity collectors: who can sign in, and whether a second factor guards them.
//!
//! Each provider has its own file. A collector reads the provider's source of truth
//! (an API, a credential report, `sshd -T`) and writes `identity.users`, `identity.org`
//! or `host.sshd` evidence; it never judges, and a page it could not read makes the
//! evidence incomplete rather than quietly shorter.

pub mod aws;
pub mod entra;
pub mod github;
pub mod gitlab;
pub mod google;
pub mod http;
pub mod inventory;
pub mod live;
pub mod okta;
pub mod sshd;
