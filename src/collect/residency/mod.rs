//! Residency: where the data lives. `regions.rs` places a provider's region in a country
//! and jurisdiction; importers turn inventories (Terraform state, …) into
//! `cloud.resources` evidence with a country for every resource, or an honest null.

pub mod regions;
pub mod terraform;
