//! A small MaxMind DB (MMDB, format 2.0) writer, so tests can place loopback addresses in
//! countries without shipping a real GeoIP database.
//!
//! The file is what the spec (<https://maxmind.github.io/MaxMind-DB/>) describes: a binary
//! search tree of `node_count` nodes, each two records of 24, 28 or 32 bits (a record is
//! a node number, `node_count` for "no data", or `node_count + 16 + offset` into the data
//! section); 16 zero bytes; the data section (maps, strings, unsigned integers, …, each
//! behind a control byte of type and size); then `\xAB\xCD\xEFMaxMind.com` and the
//! metadata map. IPv4 networks in an IPv6 tree sit under `::/96`, where readers look for
//! them. No pointers and no IPv4 aliases (`::ffff:0:0/96`): tests do not need them.
//!
//! Self-contained (no `super::`), because the library's unit tests include it too.

use std::net::IpAddr;

/// A value in the data section.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Str(String),
    Double(f64),
    U16(u16),
    U32(u32),
    U64(u64),
    Bool(bool),
    Map(Vec<(String, Data)>),
    Array(Vec<Data>),
}

/// A string value.
pub fn s(v: &str) -> Data {
    Data::Str(v.to_string())
}

/// A map value.
pub fn map(pairs: Vec<(&str, Data)>) -> Data {
    Data::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A GeoLite2-Country-shaped record placing a network in `iso`.
pub fn country(iso: &str) -> Data {
    map(vec![
        (
            "continent",
            map(vec![("code", s(if iso == "US" { "NA" } else { "EU" }))]),
        ),
        (
            "country",
            map(vec![
                ("geoname_id", Data::U32(1)),
                ("iso_code", s(iso)),
                ("names", map(vec![("en", s(iso))])),
            ]),
        ),
        ("registered_country", map(vec![("iso_code", s(iso))])),
    ])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rec {
    Empty,
    Node(usize),
    Data(usize),
}

/// Networks and their records, written out by [`Writer::to_bytes`].
pub struct Writer {
    ip_version: u16,
    record_size: u16,
    /// The metadata's `database_type`.
    pub database_type: String,
    /// The metadata's `build_epoch` (seconds since 1970; default 2026-11-01T00:00:00Z).
    pub build_epoch: u64,
    nodes: Vec<[Rec; 2]>,
    data: Vec<Data>,
}

impl Writer {
    /// An empty database of `ip_version` 4 or 6 with records of `record_size` 24, 28 or 32 bits.
    pub fn new(ip_version: u16, record_size: u16) -> Writer {
        assert!(matches!(ip_version, 4 | 6), "ip_version {ip_version}");
        assert!(
            matches!(record_size, 24 | 28 | 32),
            "record_size {record_size}"
        );
        Writer {
            ip_version,
            record_size,
            database_type: "assay-test-country".into(),
            build_epoch: 1_793_491_200,
            nodes: vec![[Rec::Empty; 2]],
            data: Vec::new(),
        }
    }

    /// Maps the network `cidr` (`127.0.0.0/25`, `::1/128`) to `value`. A later, more
    /// specific network inside an earlier one splits it.
    pub fn insert(&mut self, cidr: &str, value: Data) {
        let (addr, len) = cidr.split_once('/').expect("ADDRESS/PREFIX");
        let addr: IpAddr = addr.parse().expect("an IP address");
        let len: u32 = len.parse().expect("a prefix length");
        let (bits, width, len) = match (addr, self.ip_version) {
            (IpAddr::V4(a), 4) => (u128::from(u32::from(a)), 32, len),
            (IpAddr::V4(a), _) => (u128::from(u32::from(a)), 128, 96 + len),
            (IpAddr::V6(a), 6) => (u128::from(a), 128, len),
            (IpAddr::V6(_), _) => panic!("an IPv6 network in an IPv4 database"),
        };
        assert!((1..=width).contains(&len), "prefix length of {cidr}");
        self.data.push(value);
        let d = self.data.len() - 1;
        let mut node = 0;
        for i in 0..len {
            let bit = ((bits >> (width - 1 - i)) & 1) as usize;
            if i == len - 1 {
                self.nodes[node][bit] = Rec::Data(d);
                break;
            }
            node = match self.nodes[node][bit] {
                Rec::Node(n) => n,
                other => {
                    // Below an empty record a new branch; below a data record, the
                    // same data on both sides, so the rest of the network keeps it.
                    self.nodes.push([other, other]);
                    let n = self.nodes.len() - 1;
                    self.nodes[node][bit] = Rec::Node(n);
                    n
                }
            };
        }
    }

    /// The file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let node_count = self.nodes.len() as u64;
        let mut data = Vec::new();
        let mut offsets = Vec::new();
        for v in &self.data {
            offsets.push(data.len() as u64);
            encode(v, &mut data);
        }
        let value = |r: Rec| match r {
            Rec::Empty => node_count,
            Rec::Node(n) => n as u64,
            Rec::Data(d) => node_count + 16 + offsets[d],
        };
        let max = 1u64 << self.record_size;
        let mut out = Vec::new();
        for n in &self.nodes {
            let (l, r) = (value(n[0]), value(n[1]));
            assert!(
                l < max && r < max,
                "the tree outgrows {}-bit records",
                self.record_size
            );
            match self.record_size {
                24 => {
                    out.extend_from_slice(&l.to_be_bytes()[5..]);
                    out.extend_from_slice(&r.to_be_bytes()[5..]);
                }
                28 => {
                    // Three low bytes of the left record, a byte of both records' top
                    // nibbles (left's high), three low bytes of the right record.
                    out.extend_from_slice(&l.to_be_bytes()[5..]);
                    out.push(((((l >> 24) & 0x0f) << 4) | ((r >> 24) & 0x0f)) as u8);
                    out.extend_from_slice(&r.to_be_bytes()[5..]);
                }
                _ => {
                    out.extend_from_slice(&l.to_be_bytes()[4..]);
                    out.extend_from_slice(&r.to_be_bytes()[4..]);
                }
            }
        }
        out.extend_from_slice(&[0u8; 16]);
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
        let metadata = map(vec![
            ("binary_format_major_version", Data::U16(2)),
            ("binary_format_minor_version", Data::U16(0)),
            ("build_epoch", Data::U64(self.build_epoch)),
            ("database_type", s(&self.database_type)),
            ("description", map(vec![("en", s("assay test database"))])),
            ("ip_version", Data::U16(self.ip_version)),
            ("languages", Data::Array(vec![s("en")])),
            ("node_count", Data::U32(node_count as u32)),
            ("record_size", Data::U16(self.record_size)),
        ]);
        encode(&metadata, &mut out);
        out
    }
}

/// Data section types (the spec's numbers).
const STRING: u8 = 2;
const DOUBLE: u8 = 3;
const UINT16: u8 = 5;
const UINT32: u8 = 6;
const MAP: u8 = 7;
const UINT64: u8 = 9;
const ARRAY: u8 = 11;
const BOOLEAN: u8 = 14;

fn encode(v: &Data, out: &mut Vec<u8>) {
    match v {
        Data::Str(x) => {
            header(out, STRING, x.len());
            out.extend_from_slice(x.as_bytes());
        }
        Data::Double(x) => {
            header(out, DOUBLE, 8);
            out.extend_from_slice(&x.to_be_bytes());
        }
        Data::U16(x) => uint(out, UINT16, u64::from(*x)),
        Data::U32(x) => uint(out, UINT32, u64::from(*x)),
        Data::U64(x) => uint(out, UINT64, *x),
        Data::Bool(x) => header(out, BOOLEAN, usize::from(*x)),
        Data::Map(pairs) => {
            header(out, MAP, pairs.len());
            for (k, v) in pairs {
                encode(&Data::Str(k.clone()), out);
                encode(v, out);
            }
        }
        Data::Array(items) => {
            header(out, ARRAY, items.len());
            for v in items {
                encode(v, out);
            }
        }
    }
}

/// An unsigned integer in as few big-endian bytes as it needs (zero takes none).
fn uint(out: &mut Vec<u8>, kind: u8, n: u64) {
    let bytes = n.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    header(out, kind, 8 - skip);
    out.extend_from_slice(&bytes[skip..]);
}

/// The control byte (type in the top three bits, or 0 and an extended type byte for
/// types above 7) and the size: below 29 in the control byte, else 29/30/31 and 1/2/3
/// more bytes holding size − 29, − 285, − 65,821.
fn header(out: &mut Vec<u8>, kind: u8, size: usize) {
    let (small, extra): (u8, Vec<u8>) = if size < 29 {
        (size as u8, Vec::new())
    } else if size < 285 {
        (29, vec![(size - 29) as u8])
    } else if size < 65_821 {
        (30, ((size - 285) as u16).to_be_bytes().to_vec())
    } else {
        (31, ((size - 65_821) as u32).to_be_bytes()[1..].to_vec())
    };
    if kind <= 7 {
        out.push((kind << 5) | small);
    } else {
        out.push(small);
        out.push(kind - 7);
    }
    out.extend_from_slice(&extra);
}

#[cfg(test)]
mod tests {
    use super::*;
    use maxminddb::{PathElement, Reader};

    fn iso(r: &Reader<Vec<u8>>, ip: &str) -> Option<String> {
        r.lookup(ip.parse().unwrap())
            .unwrap()
            .decode_path(&[PathElement::Key("country"), PathElement::Key("iso_code")])
            .unwrap()
    }

    /// Every tree shape and record size this writer produces reads back with the
    /// maxminddb crate: countries, matched networks, misses, metadata, and values whose
    /// sizes need one, two and three extra size bytes.
    #[test]
    fn the_maxminddb_crate_reads_what_the_writer_wrote() {
        for ip_version in [4u16, 6] {
            for record_size in [24u16, 28, 32] {
                let mut w = Writer::new(ip_version, record_size);
                w.insert("127.0.0.0/25", country("DE"));
                w.insert("127.0.0.128/25", country("US"));
                w.insert("127.0.0.64/26", country("FR"));
                let long = "x".repeat(70_000);
                w.insert(
                    "10.0.0.0/8",
                    map(vec![
                        ("a", s(&"y".repeat(40))),
                        ("b", s(&"z".repeat(300))),
                        ("c", s(&long)),
                        ("n", Data::U64(u64::MAX)),
                        ("f", Data::Double(1.5)),
                        ("t", Data::Bool(true)),
                        ("l", Data::Array((0..40).map(Data::U32).collect())),
                    ]),
                );
                if ip_version == 6 {
                    w.insert("::1/128", country("DE"));
                    w.insert("2001:db8::/32", country("NL"));
                }
                let r = Reader::from_source(w.to_bytes())
                    .unwrap_or_else(|e| panic!("v{ip_version}/{record_size}: {e}"));
                let case = format!("v{ip_version}/{record_size}");
                let m = r.metadata();
                assert_eq!(
                    (
                        m.ip_version,
                        m.record_size,
                        m.database_type.as_str(),
                        m.build_epoch
                    ),
                    (ip_version, record_size, "assay-test-country", 1_793_491_200),
                    "{case}"
                );
                assert_eq!(iso(&r, "127.0.0.10").as_deref(), Some("DE"), "{case}");
                assert_eq!(iso(&r, "127.0.0.70").as_deref(), Some("FR"), "{case}");
                assert_eq!(iso(&r, "127.0.0.63").as_deref(), Some("DE"), "{case}");
                assert_eq!(iso(&r, "127.0.0.200").as_deref(), Some("US"), "{case}");
                let hit = r.lookup("127.0.0.200".parse().unwrap()).unwrap();
                assert_eq!(
                    hit.network().unwrap().to_string(),
                    "127.0.0.128/25",
                    "{case}"
                );
                let miss = r.lookup("127.0.1.1".parse().unwrap()).unwrap();
                assert!(!miss.has_data(), "{case}");
                assert!(
                    !r.lookup("192.0.2.1".parse().unwrap()).unwrap().has_data(),
                    "{case}"
                );
                let big = r.lookup("10.9.9.9".parse().unwrap()).unwrap();
                let get = |k: &str| -> serde_json::Value {
                    big.decode_path(&[PathElement::Key(k)]).unwrap().unwrap()
                };
                assert_eq!(get("a").as_str().unwrap().len(), 40, "{case}");
                assert_eq!(get("b").as_str().unwrap().len(), 300, "{case}");
                assert_eq!(get("c").as_str().unwrap().len(), 70_000, "{case}");
                assert_eq!(get("n"), serde_json::json!(u64::MAX), "{case}");
                assert_eq!(get("f"), serde_json::json!(1.5), "{case}");
                assert_eq!(get("t"), serde_json::json!(true), "{case}");
                assert_eq!(get("l").as_array().unwrap().len(), 40, "{case}");
                if ip_version == 6 {
                    assert_eq!(iso(&r, "::1").as_deref(), Some("DE"), "{case}");
                    assert_eq!(iso(&r, "2001:db8:1::5").as_deref(), Some("NL"), "{case}");
                    assert_eq!(iso(&r, "::2"), None, "{case}");
                }
                r.verify().unwrap_or_else(|e| panic!("{case}: verify: {e}"));
            }
        }
    }
}
