//! Network exposure: what is reachable (`net.ports`, observed by scanning or imported from
//! nmap) and what the rules allow (`net.firewall`, imported from firewall configuration).

pub mod collect;
pub mod import;
pub mod scan;
pub mod targets;
