//! What to scan: host names, IPv4/IPv6 addresses and CIDR ranges, expanded to addresses,
//! with a ceiling so that a typo (`10.0.0.0/8` for `/28`) cannot turn into a scan of
//! sixteen million hosts.

use std::net::IpAddr;

/// One address to scan and the name the user gave for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanTarget {
    /// As the user wrote it (host name, address or range).
    pub target: String,
    /// The address.
    pub address: IpAddr,
}

/// Expands `specs` to addresses, resolving names, and refuses more than `max` addresses
/// unless `confirmed`. Duplicates are scanned once.
pub async fn expand(
    specs: &[String],
    max: usize,
    confirmed: bool,
) -> Result<Vec<ScanTarget>, String> {
    let mut out: Vec<ScanTarget> = Vec::new();
    let mut count: usize = 0;
    for spec in specs {
        let spec = spec.trim();
        if let Some((net, bits)) = spec.split_once('/') {
            let ip: IpAddr = net
                .parse()
                .map_err(|_| format!("target '{spec}': '{net}' is not an IP address"))?;
            let bits: u32 = bits
                .parse()
                .map_err(|_| format!("target '{spec}': '{bits}' is not a prefix length"))?;
            let width = if ip.is_ipv4() { 32 } else { 128 };
            if bits > width {
                return Err(format!(
                    "target '{spec}': prefix /{bits} is longer than {width} bits"
                ));
            }
            let host_bits = width - bits;
            let size: u128 = if host_bits >= 127 {
                u128::MAX
            } else {
                1u128 << host_bits
            };
            count = count.saturating_add(usize::try_from(size).unwrap_or(usize::MAX));
            check(count, max, confirmed, spec)?;
            let base = match ip {
                IpAddr::V4(v) => u128::from(u32::from(v)) & !(size - 1),
                IpAddr::V6(v) => u128::from(v) & !(size.wrapping_sub(1)),
            };
            for i in 0..size {
                let n = base + i;
                let address = match ip {
                    IpAddr::V4(_) => {
                        IpAddr::V4(std::net::Ipv4Addr::from(u32::try_from(n).unwrap_or(0)))
                    }
                    IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::from(n)),
                };
                out.push(ScanTarget {
                    target: spec.to_string(),
                    address,
                });
            }
        } else if let Ok(address) = spec
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            count += 1;
            check(count, max, confirmed, spec)?;
            out.push(ScanTarget {
                target: spec.to_string(),
                address,
            });
        } else {
            if spec.is_empty() || spec.contains(|c: char| c.is_whitespace() || c == '/' || c == ':')
            {
                return Err(format!(
                    "target '{spec}': expected a host name, an IP address or a CIDR range"
                ));
            }
            let addrs: Vec<IpAddr> = tokio::net::lookup_host((spec, 0))
                .await
                .map_err(|e| format!("target '{spec}': cannot resolve: {e}"))?
                .map(|a| a.ip())
                .collect();
            for address in addrs {
                count += 1;
                check(count, max, confirmed, spec)?;
                out.push(ScanTarget {
                    target: spec.to_string(),
                    address,
                });
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|t| seen.insert(t.address));
    Ok(out)
}

/// The most addresses one run will ever scan, confirmed or not: beyond it the list itself
/// would not fit in memory (an IPv6 /64 has 2^64 addresses).
pub const HARD_MAX: usize = 1 << 20;

fn check(count: usize, max: usize, confirmed: bool, spec: &str) -> Result<(), String> {
    if count > HARD_MAX {
        return Err(format!(
            "the targets expand to more than {HARD_MAX} addresses (at '{spec}'); split the scan"
        ));
    }
    if count > max && !confirmed {
        return Err(format!(
            "the targets expand to more than {max} addresses (at '{spec}'); check the ranges, or raise --max-addresses / pass --yes to confirm"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(specs: &[&str], max: usize, yes: bool) -> Result<Vec<String>, String> {
        let specs: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(expand(&specs, max, yes))
            .map(|v| v.into_iter().map(|t| t.address.to_string()).collect())
    }

    #[test]
    fn ranges_addresses_and_limits() {
        assert_eq!(
            run(&["127.0.0.0/30"], 10, false).unwrap(),
            ["127.0.0.0", "127.0.0.1", "127.0.0.2", "127.0.0.3"]
        );
        assert_eq!(run(&["127.0.0.5/30"], 10, false).unwrap()[0], "127.0.0.4");
        assert_eq!(
            run(&["::1", "[::1]", "127.0.0.1"], 10, false).unwrap(),
            ["::1", "127.0.0.1"]
        );
        assert_eq!(run(&["::1/127"], 10, false).unwrap(), ["::", "::1"]);
        assert!(run(&["10.0.0.0/16"], 256, false)
            .unwrap_err()
            .contains("more than 256 addresses"));
        assert!(run(&["10.0.0.0/8"], 256, true)
            .unwrap_err()
            .contains("split the scan"));
        assert_eq!(run(&["127.0.0.0/24"], 10, true).unwrap().len(), 256);
        assert!(run(&["::/0"], 10, false).is_err());
        assert!(run(&["::/64"], 10, true)
            .unwrap_err()
            .contains("split the scan"));
        for bad in ["1.2.3.4/33", "x/8", "1.2.3.4/x", "a b", ""] {
            assert!(run(&[bad], 10, false).is_err(), "{bad}");
        }
        assert_eq!(
            run(&["localhost"], 10, false)
                .unwrap()
                .iter()
                .filter(|a| *a == "127.0.0.1")
                .count(),
            1
        );
    }
}
