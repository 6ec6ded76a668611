//! Turning a scan into `net.ports` evidence: one document per address.

use std::net::IpAddr;

use serde_json::json;

use super::scan::PortResult;
use super::targets::ScanTarget;
use crate::evidence::Document;

/// Where a scan ran from. Exposure controls judge only `internet` scans: an internal scan
/// says nothing about what the internet can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Vantage {
    /// From outside the network, as an attacker would.
    Internet,
    /// From inside the network.
    Internal,
}

impl Vantage {
    /// The name used in evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            Vantage::Internet => "internet",
            Vantage::Internal => "internal",
        }
    }
}

/// One `net.ports` document per scanned address.
pub fn documents(
    results: &[(IpAddr, Vec<PortResult>)],
    targets: &[ScanTarget],
    vantage: Vantage,
) -> Vec<Document> {
    results
        .iter()
        .map(|(ip, ports)| {
            let target = targets.iter().find(|t| t.address == *ip).map(|t| t.target.clone()).unwrap_or_else(|| ip.to_string());
            let ports: Vec<serde_json::Value> = ports
                .iter()
                .map(|p| json!({"port": p.port, "protocol": "tcp", "state": p.state.as_str(), "service": p.service}))
                .collect();
            Document::probed("net.ports", ip.to_string(), "assay-ports", json!({"target": target, "address": ip.to_string(), "vantage": vantage.as_str(), "ports": ports}))
        })
        .collect()
}
