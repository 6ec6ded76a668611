//! nmap XML (`nmap -oX`) as `net.ports` evidence, tool `nmap`.
//!
//! # Mapping
//! - one document per `/nmaprun/host` whose `status/@state` is `up` (or that has no
//!   status): a host nmap reported `down` was not scanned, so it yields no document rather
//!   than an empty, reassuring port list;
//! - subject and `address`: the host's IPv4 address, else its IPv6 address (`mac`
//!   addresses are ignored); a host with neither is an error. `target`: the first
//!   `hostnames/hostname` of type `user` (the name the user gave), else the first host
//!   name, else the address;
//! - `vantage` is left out: the XML does not say where the scan ran from. An absent
//!   vantage means `internet` (see `docs/evidence.md`), so a scan run from inside the
//!   network must be imported with its vantage set by the caller;
//! - `ports`: every `ports/port` with `{port, protocol, state, service}`; `service` is
//!   `service/@name` (absent when nmap gave none). States: `open`, `closed` and `filtered`
//!   as they are; `open|filtered` and `closed|filtered` (no answer, so nmap cannot tell)
//!   become `filtered`; `unfiltered` (an ACK scan reached the port but cannot say whether
//!   it is open) is left out, so that port counts as not scanned and its exposure stays
//!   unknown instead of passing as closed. Protocols other than `tcp` and `udp` (`sctp`,
//!   `ip`) cannot be expressed and are an error;
//! - ports nmap summarised in `extraports` (e.g. "997 closed ports") are listed with the
//!   extraports state when `extrareasons` names them (`proto` and `ports`, nmap 7.92 and
//!   later); older nmap gives only their count, so those ports count as not scanned;
//! - ports are sorted by protocol, then number;
//! - `version`: `/nmaprun/@version`; `collected_at`: `/nmaprun/@start` (Unix seconds) as
//!   RFC 3339 UTC.
//!
//! Parsed with `quick-xml`, which expands no custom entities; a malformed document is an
//! error naming the line and element.

use std::collections::BTreeMap;

use chrono::DateTime;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::{json, Value};

use super::{ImportError, Parsed};

/// Parses `nmap -oX` output.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut run: Option<(Option<String>, Option<String>)> = None;
    let mut hosts: Vec<Host> = Vec::new();
    let mut host: Option<Host> = None;
    let mut port: Option<PortEntry> = None;
    let mut extra_state: Option<State> = None;
    let mut expanded = 0usize;
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            let line = line_at(text, reader.error_position());
            ImportError::new(format!("line {line}"), format!("not well-formed XML: {e}"))
        })?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                match name.as_str() {
                    "port" if stack.len() == 3 => {
                        if let (Some(p), Some(h)) = (port.take(), host.as_mut()) {
                            h.listed.push(p);
                        }
                    }
                    "extraports" if stack.len() == 3 => extra_state = None,
                    "host" if stack.len() == 1 => {
                        if let Some(h) = host.take() {
                            hosts.push(h);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        // The line is counted only for an error: counting it for every element would make
        // a large scan quadratic.
        let at = || format!("line {}, <{name}>", line_at(text, pos));
        let attrs = attributes(e, &at)?;
        let get = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let need = |key: &str| {
            get(key).ok_or_else(|| ImportError::new(at(), format!("missing attribute {key}")))
        };
        let parent = stack.last().map(String::as_str);
        match (stack.len(), parent, name.as_str()) {
            (0, _, "nmaprun") => {
                let start = match get("start") {
                    Some(s) => Some(unix_time(s).ok_or_else(|| {
                        ImportError::new(at(), format!("start {s:?} is not a Unix time in seconds"))
                    })?),
                    None => None,
                };
                run = Some((get("version").map(str::to_string), start));
            }
            (0, _, other) => {
                return Err(ImportError::new(
                    at(),
                    format!(
                        "expected the root element <nmaprun> of nmap -oX output, found <{other}>"
                    ),
                ))
            }
            (1, _, "host") if !empty => {
                host = Some(Host {
                    pos,
                    up: true,
                    ..Host::default()
                })
            }
            (2, Some("host"), "status") => {
                if let Some(h) = host.as_mut() {
                    h.up = need("state")? == "up";
                }
            }
            (2, Some("host"), "address") => {
                if let Some(h) = host.as_mut() {
                    let addr = need("addr")?.to_string();
                    match get("addrtype").unwrap_or("ipv4") {
                        "ipv4" if h.ipv4.is_none() => h.ipv4 = Some(addr),
                        "ipv6" if h.ipv6.is_none() => h.ipv6 = Some(addr),
                        _ => {}
                    }
                }
            }
            (3, Some("hostnames"), "hostname") => {
                if let Some(h) = host.as_mut() {
                    let n = need("name")?.to_string();
                    if get("type") == Some("user") && h.user_name.is_none() {
                        h.user_name = Some(n.clone());
                    }
                    if h.any_name.is_none() {
                        h.any_name = Some(n);
                    }
                }
            }
            (3, Some("ports"), "port") if host.is_some() => {
                let protocol = protocol(need("protocol")?, &at)?;
                let id = need("portid")?;
                let number = id.parse::<u16>().map_err(|_| {
                    ImportError::new(at(), format!("portid {id:?} is not a port number 0-65535"))
                })?;
                let entry = PortEntry {
                    port: number,
                    protocol,
                    state: None,
                    service: None,
                    pos,
                };
                match (empty, host.as_mut()) {
                    (true, Some(h)) => h.listed.push(entry),
                    _ => port = Some(entry),
                }
            }
            (3, Some("ports"), "extraports") => extra_state = Some(state(need("state")?, &at)?),
            (4, Some("extraports"), "extrareasons") => {
                // nmap 7.92 and later name the summarised ports; older versions only count them.
                if let (Some(h), Some(st), Some(list)) = (host.as_mut(), extra_state, get("ports"))
                {
                    let protocol = protocol(need("proto")?, &at)?;
                    for (from, to) in port_list(list).ok_or_else(|| {
                        ImportError::new(
                            at(),
                            format!(
                                "ports {list:?} is not a list of ports and ranges like 7,9,25-26"
                            ),
                        )
                    })? {
                        expanded += usize::from(to - from) + 1;
                        if expanded > MAX_EXPANDED {
                            return Err(ImportError::new(
                                at(),
                                format!("the extraports lists name more than {MAX_EXPANDED} ports"),
                            ));
                        }
                        for n in from..=to {
                            h.extra.push(((protocol, n), st));
                        }
                    }
                }
            }
            (4, Some("port"), "state") => {
                if let Some(p) = port.as_mut() {
                    p.state = Some(state(need("state")?, &at)?);
                }
            }
            (4, Some("port"), "service") => {
                if let Some(p) = port.as_mut() {
                    p.service = get("name").map(str::to_string);
                }
            }
            _ => {}
        }
        if !empty {
            stack.push(name);
        }
    }
    if let Some(open) = stack.last() {
        return Err(ImportError::new(
            format!("line {}", line_at(text, text.len() as u64)),
            format!("the document ends inside <{open}>: the file is truncated"),
        ));
    }
    let (version, collected_at) = run.ok_or_else(|| {
        ImportError::new("line 1", "no <nmaprun> element: expected nmap -oX output")
    })?;
    let mut docs = Vec::new();
    for h in hosts.into_iter().filter(|h| h.up) {
        let address = h.ipv4.or(h.ipv6).ok_or_else(|| {
            ImportError::new(
                at_of(text, h.pos, "host"),
                "a host with no ipv4 or ipv6 <address>: expected one",
            )
        })?;
        let target = h
            .user_name
            .or(h.any_name)
            .unwrap_or_else(|| address.clone());
        let mut by_port: BTreeMap<(&str, u16), (State, Option<String>)> = BTreeMap::new();
        for (key, st) in h.extra {
            by_port.insert(key, (st, None));
        }
        for p in h.listed {
            let st = p.state.ok_or_else(|| {
                ImportError::new(at_of(text, p.pos, "port"), "a port with no <state> element")
            })?;
            by_port.insert((p.protocol, p.port), (st, p.service));
        }
        let ports: Vec<Value> = by_port
            .into_iter()
            .filter_map(|((protocol, port), (st, service))| match st {
                State::Known(state) => Some(json!({
                    "port": port,
                    "protocol": protocol,
                    "state": state,
                    "service": service,
                })),
                State::Unknown => None,
            })
            .collect();
        docs.push(Parsed {
            kind: "net.ports",
            subject: address.clone(),
            body: json!({ "target": target, "address": address, "ports": Value::Array(ports) }),
            tool: "nmap",
            version: version.clone(),
            collected_at: collected_at.clone(),
        });
    }
    Ok(docs)
}

/// The most ports that `extraports` lists may name in one document (two full scans of
/// every tcp and udp port of 16 hosts); a bound so a few bytes cannot demand gigabytes.
const MAX_EXPANDED: usize = 16 * 2 * 65_536;

#[derive(Default)]
struct Host {
    /// Where the element starts (a byte offset), for errors.
    pos: u64,
    up: bool,
    ipv4: Option<String>,
    ipv6: Option<String>,
    user_name: Option<String>,
    any_name: Option<String>,
    listed: Vec<PortEntry>,
    extra: Vec<((&'static str, u16), State)>,
}

struct PortEntry {
    port: u16,
    protocol: &'static str,
    state: Option<State>,
    service: Option<String>,
    /// Where the element starts (a byte offset), for errors.
    pos: u64,
}

#[derive(Clone, Copy)]
enum State {
    Known(&'static str),
    Unknown,
}

/// An nmap port state as a `net.ports` state; `Unknown` for `unfiltered`.
fn state(s: &str, at: &dyn Fn() -> String) -> Result<State, ImportError> {
    Ok(match s {
        "open" => State::Known("open"),
        "closed" => State::Known("closed"),
        "filtered" | "open|filtered" | "closed|filtered" => State::Known("filtered"),
        "unfiltered" => State::Unknown,
        other => {
            return Err(ImportError::new(
                at(),
                format!("unknown port state {other:?} (expected open, closed, filtered, open|filtered, closed|filtered or unfiltered)"),
            ))
        }
    })
}

fn protocol(s: &str, at: &dyn Fn() -> String) -> Result<&'static str, ImportError> {
    match s {
        "tcp" => Ok("tcp"),
        "udp" => Ok("udp"),
        other => Err(ImportError::new(
            at(),
            format!("protocol {other:?} cannot be expressed in net.ports (tcp or udp expected)"),
        )),
    }
}

/// `7,9,25-26` as ranges; `None` when malformed.
fn port_list(s: &str) -> Option<Vec<(u16, u16)>> {
    s.split(',')
        .map(|part| {
            let part = part.trim();
            let (f, t) = part.split_once('-').unwrap_or((part, part));
            let (f, t): (u16, u16) = (f.trim().parse().ok()?, t.trim().parse().ok()?);
            (f <= t).then_some((f, t))
        })
        .collect()
}

fn attributes(
    e: &BytesStart<'_>,
    at: &dyn Fn() -> String,
) -> Result<Vec<(String, String)>, ImportError> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| ImportError::new(at(), format!("malformed attribute: {err}")))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|err| ImportError::new(at(), format!("attribute {key}: {err}")))?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}

/// `line N, <element>` for an element starting at byte offset `pos`.
fn at_of(text: &str, pos: u64, element: &str) -> String {
    format!("line {}, <{element}>", line_at(text, pos))
}

/// The 1-based line of byte offset `pos`.
fn line_at(text: &str, pos: u64) -> usize {
    let end = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}

/// Unix seconds as RFC 3339 UTC.
fn unix_time(s: &str) -> Option<String> {
    let secs: i64 = s.trim().parse().ok()?;
    DateTime::from_timestamp(secs, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCAN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
<!-- Nmap 7.94SVN scan initiated Wed Nov 25 06:00:00 2026 as: nmap -sT -oX - -p 22,80,443,5432,8000-8002 www.example.com 192.0.2.20 2001:db8::5 -->
<nmaprun scanner="nmap" args="nmap -sT -oX - -p 22,80,443,5432,8000-8002 www.example.com 192.0.2.20" start="1795586400" startstr="Wed Nov 25 06:00:00 2026" version="7.94SVN" xmloutputversion="1.05">
<scaninfo type="connect" protocol="tcp" numservices="7" services="22,80,443,5432,8000-8002"/>
<verbose level="0"/>
<debugging level="0"/>
<hosthint><status state="up" reason="unknown-response" reason_ttl="0"/>
<address addr="192.0.2.10" addrtype="ipv4"/>
<hostnames>
<hostname name="ignored.example" type="user"/>
</hostnames>
</hosthint>
<host starttime="1795586400" endtime="1795586401"><status state="up" reason="syn-ack" reason_ttl="0"/>
<address addr="192.0.2.10" addrtype="ipv4"/>
<address addr="00:16:3E:12:34:56" addrtype="mac" vendor="Xensource"/>
<hostnames>
<hostname name="web1.example.net" type="PTR"/>
<hostname name="www.example.com" type="user"/>
</hostnames>
<ports><extraports state="closed" count="3">
<extrareasons reason="conn-refused" count="3" proto="tcp" ports="8000-8002"/>
</extraports>
<port protocol="tcp" portid="443"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="https" method="table" conf="3"/></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh" product="OpenSSH" version="9.2p1" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe></service></port>
<port protocol="tcp" portid="80"><state state="filtered" reason="no-response" reason_ttl="0"/><service name="http" method="table" conf="3"/></port>
<port protocol="tcp" portid="5432"><state state="unfiltered" reason="reset" reason_ttl="0"/></port>
</ports>
<times srtt="310" rttvar="162" to="100000"/>
</host>
<host starttime="1795586400" endtime="1795586402"><status state="up" reason="echo-reply" reason_ttl="57"/>
<address addr="2001:db8::5" addrtype="ipv6"/>
<hostnames>
</hostnames>
<ports><extraports state="closed" count="2">
<extrareasons reason="conn-refused" count="2"/>
</extraports>
<port protocol="udp" portid="53"><state state="open|filtered" reason="no-response" reason_ttl="0"/><service name="domain" method="table" conf="3"/></port>
<port protocol="tcp" portid="22"><state state="closed" reason="conn-refused" reason_ttl="0"/></port>
</ports>
</host>
<host><status state="down" reason="no-response" reason_ttl="0"/>
<address addr="192.0.2.20" addrtype="ipv4"/>
</host>
<runstats><finished time="1795586402" timestr="Wed Nov 25 06:00:02 2026" summary="Nmap done: 3 IP addresses (2 hosts up) scanned in 2.05 seconds" elapsed="2.05" exit="success"/><hosts up="2" down="1" total="3"/>
</runstats>
</nmaprun>
"#;

    #[test]
    fn hosts_and_ports() {
        let docs = parse(SCAN).unwrap();
        assert_eq!(docs.len(), 2, "the down host yields nothing");
        let d = &docs[0];
        assert_eq!(d.kind, "net.ports");
        assert_eq!(d.subject, "192.0.2.10");
        assert_eq!(d.tool, "nmap");
        assert_eq!(d.version.as_deref(), Some("7.94SVN"));
        assert_eq!(d.collected_at.as_deref(), Some("2026-11-25T06:00:00Z"));
        assert_eq!(d.body["target"], "www.example.com");
        assert_eq!(d.body["address"], "192.0.2.10");
        assert!(d.body.get("vantage").is_none());
        assert_eq!(
            d.body["ports"],
            json!([
                {"port": 22, "protocol": "tcp", "state": "open", "service": "ssh"},
                {"port": 80, "protocol": "tcp", "state": "filtered", "service": "http"},
                {"port": 443, "protocol": "tcp", "state": "open", "service": "https"},
                {"port": 8000, "protocol": "tcp", "state": "closed", "service": null},
                {"port": 8001, "protocol": "tcp", "state": "closed", "service": null},
                {"port": 8002, "protocol": "tcp", "state": "closed", "service": null},
            ]),
            "unfiltered 5432 is left out"
        );
    }

    #[test]
    fn ipv6_host_without_names() {
        let docs = parse(SCAN).unwrap();
        let d = &docs[1];
        assert_eq!(d.subject, "2001:db8::5");
        assert_eq!(d.body["target"], "2001:db8::5");
        assert_eq!(
            d.body["ports"],
            json!([
                {"port": 22, "protocol": "tcp", "state": "closed", "service": null},
                {"port": 53, "protocol": "udp", "state": "filtered", "service": "domain"},
            ])
        );
    }

    #[test]
    fn malformed() {
        let e = parse("<nmaprun version=\"7.94\">\n<host>\n<status state=\"up\"/>\n</nmaprun>")
            .unwrap_err();
        assert!(e.at.starts_with("line 4"), "{e}");
        assert!(e.message.starts_with("not well-formed XML"), "{e}");

        let e = parse("<nmaprun>\n<host><address addr=\"192.0.2.1\"/><ports>\n<port protocol=\"tcp\" portid=\"70000\"><state state=\"open\"/></port></ports></host></nmaprun>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3, <port>: portid \"70000\" is not a port number 0-65535"
        );

        let e = parse("<nmaprun>\n<host><address addr=\"192.0.2.1\"/><ports><port protocol=\"tcp\" portid=\"22\"><state state=\"half-open\"/></port></ports></host></nmaprun>").unwrap_err();
        assert_eq!(e.at, "line 2, <state>");
        assert!(
            e.message.contains("unknown port state \"half-open\""),
            "{e}"
        );

        let e = parse("<nmaprun>\n<host><address addr=\"192.0.2.1\"/><ports><port protocol=\"sctp\" portid=\"22\"/></ports></host></nmaprun>").unwrap_err();
        assert!(e.message.contains("\"sctp\" cannot be expressed"), "{e}");

        let e = parse("<nmaprun>\n<host><address addr=\"192.0.2.1\"/><ports><port protocol=\"tcp\" portid=\"22\"/></ports></host></nmaprun>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, <port>: a port with no <state> element"
        );

        let e =
            parse("<nmaprun>\n<host><status state=\"up\"/><ports/></host></nmaprun>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, <host>: a host with no ipv4 or ipv6 <address>: expected one"
        );

        let e = parse("<nmaprun>\n<host>").unwrap_err();
        assert!(e.message.contains("ends inside <host>"), "{e}");

        let e = parse(r#"{"not": "xml"}"#).unwrap_err();
        assert!(
            e.message.contains("expected the root element <nmaprun>")
                || e.message.contains("no <nmaprun>"),
            "{e}"
        );

        let e = parse("<nmaprun start=\"soon\"></nmaprun>").unwrap_err();
        assert!(e.message.contains("not a Unix time"), "{e}");

        let e = parse("<nmaprun><host><address addr=\"192.0.2.1\"/><ports><extraports state=\"closed\"><extrareasons proto=\"tcp\" ports=\"9-7\"/></extraports></ports></host></nmaprun>").unwrap_err();
        assert!(e.message.contains("not a list of ports"), "{e}");

        let e = parse("<nmaprun><host><address addr=\"&bogus;\"/></host></nmaprun>").unwrap_err();
        assert!(e.message.starts_with("attribute addr"), "{e}");
    }

    #[test]
    fn expansion_is_bounded() {
        let reason = "<extrareasons proto=\"tcp\" ports=\"0-65535\"/>".repeat(40);
        let xml = format!("<nmaprun><host><address addr=\"192.0.2.1\"/><ports><extraports state=\"closed\">{reason}</extraports></ports></host></nmaprun>");
        let e = parse(&xml).unwrap_err();
        assert!(e.message.contains("more than"), "{e}");
    }
}
