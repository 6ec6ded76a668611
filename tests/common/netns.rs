//! Test hosts in network namespaces that the test makes itself (`ip netns`, veth, a
//! bridge), each with its own nftables firewall and listening sockets.
//!
//! Why namespaces: a firewall that drops packets is the one thing loopback cannot show —
//! the kernel answers every loopback SYN — and a port scanner's `filtered` verdict must be
//! tested against a real drop. The hosts live in 198.18.0.0/15 (RFC 2544, set aside for
//! benchmarking networks) and in the unique-local fd00:a55a::/32, so no scan here can
//! reach anything but the hosts made here.
//!
//! Used by `tests/ports_netns.rs` and `benches/ports.rs` through `#[path]`, so that the
//! other test crates do not carry it. Needs root, `ip` (iproute2) and `nft` (nftables);
//! `scripts/test` installs both.

#![allow(dead_code)] // each user takes only some of it

use std::net::{Ipv4Addr, Ipv6Addr, TcpListener};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// A firewall that accepts TCP only to the given ports and drops everything else without
/// an answer, as "firewalls restrict access to all ports except 80 and 443" promises.
/// IPv6 neighbour discovery is let through, as on any working IPv6 host: without it no
/// address on the link can be resolved and every port looks dropped.
pub fn drop_all_but(ports: &[u16]) -> String {
    let list: Vec<String> = ports.iter().map(u16::to_string).collect();
    format!(
        "table inet filter {{
  chain input {{
    type filter hook input priority 0; policy drop;
    iif \"lo\" accept
    ct state established,related accept
    icmpv6 type {{ nd-neighbor-solicit, nd-neighbor-advert }} accept
    tcp dport {{ {} }} accept
  }}
}}
",
        list.join(", ")
    )
}

/// Hosts on one bridge in the root namespace; the test process reaches them from there.
/// Dropping it deletes every namespace and link it made.
pub struct Lab {
    tag: String,
    bridge: String,
    base: u32,
    slot: u32,
    hosts: Vec<String>,
}

impl Lab {
    /// Makes `n` hosts (at most 1000). Each lab takes its own /22 of 198.18.0.0/15, so
    /// tests running side by side do not collide.
    pub fn new(n: usize) -> Result<Lab, String> {
        assert!(n <= 1000, "a lab holds at most 1000 hosts");
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let seq = NEXT.fetch_add(1, Ordering::Relaxed);
        let slot = (std::process::id().wrapping_mul(7).wrapping_add(seq)) % 128;
        let tag = format!("as{}x{seq}", std::process::id() % 100_000);
        let base = u32::from(Ipv4Addr::new(198, 18, 0, 0)) + slot * 1024;
        let mut lab = Lab {
            bridge: format!("{tag}br"),
            tag,
            base,
            slot,
            hosts: Vec::new(),
        };
        let gw = lab.gateway();
        // nodad: duplicate address detection would hold a fresh IPv6 address back for a
        // second or two, and nothing else can have these addresses.
        let mut root = format!(
            "link add {br} type bridge\naddress add {gw}/22 dev {br}\naddress add {gw6}/64 dev {br} nodad\nlink set {br} up\n",
            br = lab.bridge,
            gw6 = lab.v6(1),
        );
        for i in 0..n {
            let ns = format!("{}-{i}", lab.tag);
            root += &format!(
                "netns add {ns}\nlink add {t}h{i} type veth peer name eth0 netns {ns}\nlink set {t}h{i} master {br} up\n",
                t = lab.tag,
                br = lab.bridge
            );
            lab.hosts.push(ns);
        }
        ip(&[], &root)?;
        for (i, ns) in lab.hosts.iter().enumerate() {
            ip(
                &["-n", ns],
                &format!(
                    "link set lo up\naddress add {}/22 dev eth0\naddress add {}/64 dev eth0 nodad\nlink set eth0 up\nroute add default via {gw}\n",
                    lab.address(i),
                    lab.address6(i),
                ),
            )?;
        }
        Ok(lab)
    }

    /// The root namespace's address on the bridge.
    pub fn gateway(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.base + 1)
    }

    /// The address of host `i`.
    pub fn address(&self, i: usize) -> Ipv4Addr {
        Ipv4Addr::from(self.base + 2 + i as u32)
    }

    /// The IPv6 address of host `i`.
    pub fn address6(&self, i: usize) -> Ipv6Addr {
        self.v6(2 + i as u32)
    }

    fn v6(&self, n: u32) -> Ipv6Addr {
        Ipv6Addr::new(0xfd00, 0xa55a, self.slot as u16, 0, 0, 0, 0, n as u16)
    }

    /// Host `i`'s namespace name (for `ip netns exec`).
    pub fn namespace(&self, i: usize) -> &str {
        &self.hosts[i]
    }

    /// Loads an nftables ruleset into host `i`.
    pub fn firewall(&self, i: usize, ruleset: &str) -> Result<(), String> {
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.hosts[i], "nft", "-f", "-"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("ip netns exec … nft: {e}"))?;
        use std::io::Write;
        child
            .stdin
            .take()
            .ok_or("nft: no stdin")?
            .write_all(ruleset.as_bytes())
            .map_err(|e| format!("nft: {e}"))?;
        let out = child.wait_with_output().map_err(|e| format!("nft: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "nft -f in {}: {}",
                self.hosts[i],
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }

    /// Listens on `port` inside host `i`, accepting and closing every connection (an
    /// unserved backlog would fill up and turn an open port silent).
    pub fn listen(&self, i: usize, port: u16) -> Result<(), String> {
        let path = format!("/run/netns/{}", self.hosts[i]);
        // setns changes only the calling thread, so bind on a thread of its own; the
        // socket stays in that namespace wherever it is used afterwards.
        let l = std::thread::spawn(move || -> Result<TcpListener, String> {
            let f = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
            // SAFETY: setns with a valid namespace fd affects only this thread.
            if unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                return Err(format!("setns {path}: {}", std::io::Error::last_os_error()));
            }
            // [::] takes IPv4 too (bindv6only is off by default).
            TcpListener::bind((Ipv6Addr::UNSPECIFIED, port))
                .map_err(|e| format!("bind {port}: {e}"))
        })
        .join()
        .map_err(|_| "listener thread panicked".to_string())??;
        std::thread::spawn(move || {
            for s in l.incoming() {
                drop(s);
            }
        });
        Ok(())
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let mut script = String::new();
        for ns in &self.hosts {
            script += &format!("netns delete {ns}\n");
        }
        script += &format!("link delete {}\n", self.bridge);
        let _ = ip(&["-force"], &script);
    }
}

/// Runs `ip [ARGS] -batch -` with `script` on stdin.
fn ip(args: &[&str], script: &str) -> Result<(), String> {
    use std::io::Write;
    let mut child = Command::new("ip")
        .args(args)
        .args(["-batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("ip: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("ip: no stdin")?
        .write_all(script.as_bytes())
        .map_err(|e| format!("ip: {e}"))?;
    let out = child.wait_with_output().map_err(|e| format!("ip: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}
