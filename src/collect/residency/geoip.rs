//! Endpoints placed by a GeoIP database: every address a host name resolves to is looked
//! up in a MaxMind DB file that the user supplies (GeoLite2/GeoIP2 Country or City, or any
//! MMDB whose records carry `country.iso_code`), giving `cloud.resources` evidence with
//! one resource per endpoint.
//!
//! # What an endpoint's entry says
//! - `addresses`: every address the host resolved to, each with the `country` the
//!   database gives it, the database `network` that matched, and `located_from`: `country`
//!   (where the network is used), or `registered_country` when the record has no
//!   `country` — then the address is placed where its network is registered, which a note
//!   on the endpoint says, because that is not necessarily where it is;
//! - `country`: the one country all addresses agree on; null when they disagree (the list
//!   `countries` says which), when the database does not know an address (private and
//!   loopback addresses are in no real GeoIP database), or when the host does not resolve
//!   (`error` says why). A residency control reports a null country as an error, never a
//!   pass;
//! - `jurisdictions`: those every address's country belongs to (an endpoint in DE and FR
//!   is in the EU), none when an address is unplaced;
//! - `stores_data`: from the caller, true unless the inventory says otherwise — an
//!   endpoint listed for residency is one that receives customer data;
//! - `located_by: "geoip"`; the document body names the database (`database`: file,
//!   SHA-256, `database_type`, `build_epoch` as RFC 3339) so an auditor sees which database
//!   placed it, and how old it was.

use std::collections::BTreeSet;
use std::net::{IpAddr, ToSocketAddrs};
use std::path::Path;

use maxminddb::{PathElement, Reader};
use serde_json::{json, Value};

use super::regions::jurisdictions;

/// The collector name written into the evidence.
pub const COLLECTOR: &str = "assay-residency";

/// The subject of the endpoints' document (`provider:account`).
pub const SUBJECT: &str = "geoip:endpoints";

/// Host names resolved at the same time.
const RESOLVE_AT_ONCE: usize = 16;

/// Why a database could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeoipError {
    /// The file is missing, unreadable, or not a MaxMind DB.
    #[error("{file}: not a usable MaxMind DB file: {message}")]
    Open {
        /// The database file.
        file: String,
        /// What was wrong.
        message: String,
    },
    /// The file opened, but looking an address up failed (a corrupt search tree or record).
    #[error("{file}: looking up {address}: {message} (the database file is corrupt)")]
    Lookup {
        /// The database file.
        file: String,
        /// The address looked up.
        address: IpAddr,
        /// What the reader said.
        message: String,
    },
}

/// An opened MaxMind DB file.
pub struct Database {
    reader: Reader<Vec<u8>>,
    file: String,
    sha256: String,
}

/// Where the database places one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// ISO 3166-1 alpha-2, or `None` when the database has no usable country for it.
    pub country: Option<String>,
    /// `country` or `registered_country`: the record field the country came from.
    pub from: Option<&'static str>,
    /// The database network that matched (`127.0.0.0/25`).
    pub network: Option<String>,
    /// Why there is no country, or a caveat about the one given.
    pub note: Option<String>,
}

impl Database {
    /// Reads the whole file and checks its metadata; a missing, truncated or foreign file
    /// is an error naming it.
    pub fn open(path: &Path) -> Result<Database, GeoipError> {
        let file = path.display().to_string();
        let open = |message: String| GeoipError::Open {
            file: file.clone(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| open(e.to_string()))?;
        let sha256 = crate::evidence::bytes_hash(&bytes);
        let reader = Reader::from_source(bytes).map_err(|e| open(e.to_string()))?;
        let m = reader.metadata();
        if m.binary_format_major_version != 2 {
            return Err(open(format!(
                "binary format version {}.{} (assay reads version 2)",
                m.binary_format_major_version, m.binary_format_minor_version
            )));
        }
        Ok(Database {
            reader,
            file,
            sha256,
        })
    }

    /// The database as the evidence names it: file, SHA-256, type, build time, IP version.
    pub fn describe(&self) -> Value {
        let m = self.reader.metadata();
        let built = i64::try_from(m.build_epoch)
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map(|t| crate::timefmt::format_instant(&t));
        json!({
            "file": self.file,
            "sha256": self.sha256,
            "database_type": m.database_type,
            "build_epoch": built,
            "ip_version": m.ip_version,
        })
    }

    /// Places `address`: the record's `country.iso_code`, else its
    /// `registered_country.iso_code` (flagged), else nothing.
    pub fn locate(&self, address: IpAddr) -> Result<Placed, GeoipError> {
        // A v4-mapped address (::ffff:192.0.2.1) is the IPv4 address.
        let address = match address {
            IpAddr::V6(v6) => v6
                .to_ipv4_mapped()
                .map(IpAddr::V4)
                .unwrap_or(IpAddr::V6(v6)),
            v4 => v4,
        };
        let m = self.reader.metadata();
        if address.is_ipv6() && m.ip_version == 4 {
            return Ok(Placed {
                country: None,
                from: None,
                network: None,
                note: Some(format!(
                    "{address}: the database ({}) holds IPv4 networks only",
                    m.database_type
                )),
            });
        }
        let failed = |e: maxminddb::MaxMindDbError| GeoipError::Lookup {
            file: self.file.clone(),
            address,
            message: e.to_string(),
        };
        let found = self.reader.lookup(address).map_err(failed)?;
        let network = found.network().ok().map(|n| n.to_string());
        if !found.has_data() {
            return Ok(Placed {
                country: None,
                from: None,
                network: None,
                note: Some(format!(
                    "{address} is not in the database ({})",
                    m.database_type
                )),
            });
        }
        for from in ["country", "registered_country"] {
            let code: Option<String> = found
                .decode_path(&[PathElement::Key(from), PathElement::Key("iso_code")])
                .map_err(failed)?;
            let Some(code) = code else { continue };
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Ok(Placed {
                    country: None,
                    from: None,
                    network,
                    note: Some(format!(
                        "{address}: the database gives {from}.iso_code {code:?}, not an ISO 3166-1 alpha-2 code"
                    )),
                });
            }
            let note = (from == "registered_country").then(|| {
                format!("{address} is placed by the country its network is registered in ({code}); the database gives no country where it is used")
            });
            return Ok(Placed {
                country: Some(code),
                from: Some(from),
                network,
                note,
            });
        }
        Ok(Placed {
            country: None,
            from: None,
            network,
            note: Some(format!(
                "{address}: the database's record has neither country nor registered_country (is {} a country database?)",
                m.database_type
            )),
        })
    }
}

/// One endpoint to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// A host name or address, as given (`app.example.com`, `203.0.113.7`, `[::1]:443`).
    pub host: String,
    /// Whether it receives customer data.
    pub stores_data: bool,
}

/// The host of an endpoint as given: `host`, `host:port`, `[v6]:port`, a bare IPv6
/// address, or a URL (`https://host:port/path`).
pub fn host_of(endpoint: &str) -> &str {
    let e = endpoint.trim();
    let e = e.split_once("://").map_or(e, |(_, rest)| rest);
    let e = e.split(['/', '?', '#']).next().unwrap_or(e);
    let e = e.rsplit_once('@').map_or(e, |(_, host)| host);
    if let Some(rest) = e.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    if e.parse::<IpAddr>().is_ok() {
        return e;
    }
    match e.rsplit_once(':') {
        Some((h, port)) if !h.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => e,
    }
}

/// The addresses `host` resolves to (the address itself for an IP), sorted.
pub fn resolve(host: &str) -> Result<Vec<IpAddr>, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let found: BTreeSet<IpAddr> = (host, 0)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .map(|a| a.ip())
        .collect();
    if found.is_empty() {
        return Err(format!("{host} resolves to no address"));
    }
    Ok(found.into_iter().collect())
}

/// The `cloud.resources` body for `endpoints`, each resolved with [`resolve`] and placed
/// by `db`. An endpoint that does not resolve is an entry with `error` and no country,
/// never left out.
pub fn locate_all(db: &Database, endpoints: &[Endpoint]) -> Result<Value, GeoipError> {
    locate_with(db, endpoints, resolve)
}

/// [`locate_all`] with the resolver given (tests resolve without DNS).
pub fn locate_with<F>(
    db: &Database,
    endpoints: &[Endpoint],
    resolver: F,
) -> Result<Value, GeoipError>
where
    F: Fn(&str) -> Result<Vec<IpAddr>, String> + Sync,
{
    // One entry per host: the first mention decides, a later `stores_data: true` wins
    // (data received anywhere counts).
    let mut unique: Vec<Endpoint> = Vec::new();
    for e in endpoints {
        let host = host_of(&e.host).to_string();
        match unique.iter_mut().find(|u| u.host == host) {
            Some(u) => u.stores_data |= e.stores_data,
            None => unique.push(Endpoint {
                host,
                stores_data: e.stores_data,
            }),
        }
    }
    // Resolution waits on DNS; a few at a time keeps a long list from taking minutes.
    let mut resolved: Vec<Result<Vec<IpAddr>, String>> = Vec::with_capacity(unique.len());
    for chunk in unique.chunks(RESOLVE_AT_ONCE) {
        let resolver = &resolver;
        let got: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|e| s.spawn(move || resolver(&e.host)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("the resolver panicked".to_string()))
                })
                .collect()
        });
        resolved.extend(got);
    }
    let mut resources = Vec::with_capacity(unique.len());
    for (e, addrs) in unique.iter().zip(resolved) {
        resources.push(endpoint_entry(db, e, addrs)?);
    }
    Ok(json!({
        "provider": "geoip",
        "account": "endpoints",
        "located_by": "geoip",
        "database": db.describe(),
        "resources": resources,
    }))
}

fn endpoint_entry(
    db: &Database,
    e: &Endpoint,
    addrs: Result<Vec<IpAddr>, String>,
) -> Result<Value, GeoipError> {
    let mut r = json!({
        "id": e.host,
        "type": "endpoint",
        "stores_data": e.stores_data,
        "located_by": "geoip",
        "addresses": [],
        "countries": [],
        "country": null,
        "jurisdictions": [],
    });
    let addrs = match addrs {
        Ok(a) => a,
        Err(msg) => {
            r["error"] = json!(msg);
            return Ok(r);
        }
    };
    let mut notes = Vec::new();
    let mut countries = BTreeSet::new();
    let mut unplaced = false;
    let mut entries = Vec::new();
    for a in addrs {
        let p = db.locate(a)?;
        match &p.country {
            Some(c) => {
                countries.insert(c.clone());
            }
            None => unplaced = true,
        }
        notes.extend(p.note.clone());
        entries.push(json!({
            "address": a.to_string(),
            "country": p.country,
            "network": p.network,
            "located_from": p.from,
        }));
    }
    let country = match (unplaced, countries.len()) {
        (false, 1) => countries.iter().next().cloned(),
        _ => None,
    };
    if !unplaced && countries.len() > 1 {
        notes.push(format!(
            "the addresses of {} are in {} countries ({}): no single country",
            e.host,
            countries.len(),
            countries.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    // The jurisdictions every address is in; none when one is unplaced.
    let common: Vec<&str> = if unplaced {
        Vec::new()
    } else {
        let mut it = countries.iter().map(|c| jurisdictions(c));
        let first = it.next().unwrap_or_default();
        it.fold(first, |mut acc, js| {
            acc.retain(|j| js.contains(j));
            acc
        })
    };
    r["addresses"] = json!(entries);
    r["countries"] = json!(countries);
    r["country"] = json!(country);
    r["jurisdictions"] = json!(common);
    if !notes.is_empty() {
        r["note"] = json!(notes.join("; "));
    }
    Ok(r)
}

// The test MMDB writer, shared with the integration tests.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../../tests/common/mmdb.rs"]
mod mmdb;

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path) -> Database {
        let mut w = mmdb::Writer::new(6, 28);
        w.insert("127.0.0.0/25", mmdb::country("DE"));
        w.insert("127.0.0.128/26", mmdb::country("FR"));
        w.insert("127.0.0.192/26", mmdb::country("US"));
        w.insert("::1/128", mmdb::country("DE"));
        w.insert(
            "10.0.0.0/8",
            mmdb::map(vec![(
                "registered_country",
                mmdb::map(vec![("iso_code", mmdb::s("NL"))]),
            )]),
        );
        w.insert("10.1.0.0/16", mmdb::map(vec![("city", mmdb::s("nowhere"))]));
        let p = dir.join("t.mmdb");
        std::fs::write(&p, w.to_bytes()).unwrap();
        Database::open(&p).unwrap()
    }

    fn fake(host: &str) -> Result<Vec<IpAddr>, String> {
        let v = |s: &[&str]| Ok(s.iter().map(|a| a.parse().unwrap()).collect());
        match host {
            "de.test" => v(&["127.0.0.10", "::1"]),
            "spread.test" => v(&["127.0.0.10", "127.0.0.200"]),
            "eu.test" => v(&["127.0.0.10", "127.0.0.130"]),
            "half.test" => v(&["127.0.0.10", "192.0.2.1"]),
            // No real lookup: tests send no DNS query off the machine.
            "unresolvable.test" => {
                Err("cannot resolve unresolvable.test: Name or service not known".into())
            }
            h => resolve(h),
        }
    }

    fn ep(host: &str) -> Endpoint {
        Endpoint {
            host: host.into(),
            stores_data: true,
        }
    }

    #[test]
    fn endpoints_get_one_country_only_when_every_address_agrees() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let eps: Vec<Endpoint> = [
            "https://de.test:8443/x",
            "spread.test",
            "eu.test",
            "half.test",
            "10.2.3.4",
            "10.1.2.3",
            "unresolvable.test",
        ]
        .into_iter()
        .map(ep)
        .collect();
        let body = locate_with(&db, &eps, fake).unwrap();
        let r = body["resources"].as_array().unwrap();
        assert_eq!(r[0]["id"], "de.test");
        assert_eq!(r[0]["country"], "DE");
        assert_eq!(r[0]["addresses"][0]["network"], "127.0.0.0/25");
        assert_eq!(r[0]["jurisdictions"], json!(["EU", "EEA"]));
        assert_eq!(
            (r[1]["country"].clone(), r[1]["countries"].clone()),
            (Value::Null, json!(["DE", "US"]))
        );
        assert_eq!(r[1]["jurisdictions"], json!([]));
        assert!(r[1]["note"].as_str().unwrap().contains("no single country"));
        assert_eq!(r[2]["country"], Value::Null);
        assert_eq!(
            r[2]["jurisdictions"],
            json!(["EU", "EEA"]),
            "DE and FR are both EU"
        );
        assert_eq!(
            (r[3]["country"].clone(), r[3]["jurisdictions"].clone()),
            (Value::Null, json!([])),
            "an address the database does not know leaves the endpoint unplaced"
        );
        assert!(r[3]["note"]
            .as_str()
            .unwrap()
            .contains("192.0.2.1 is not in the database"));
        assert_eq!(r[4]["country"], "NL");
        assert_eq!(r[4]["addresses"][0]["located_from"], "registered_country");
        assert!(r[4]["note"].as_str().unwrap().contains("registered"));
        assert_eq!(r[5]["country"], Value::Null, "a record without a country");
        assert_eq!(r[6]["country"], Value::Null);
        assert!(r[6]["error"]
            .as_str()
            .unwrap()
            .contains("unresolvable.test"));
        assert_eq!(body["database"]["build_epoch"], "2026-11-01T00:00:00Z");
        assert_eq!(body["database"]["database_type"], "assay-test-country");
        assert_eq!(body["database"]["sha256"].as_str().unwrap().len(), 64);
    }

    #[test]
    fn hosts_are_taken_from_every_spelling() {
        for (given, host) in [
            ("app.example.com", "app.example.com"),
            ("app.example.com:443", "app.example.com"),
            ("https://u@app.example.com:8443/a?b", "app.example.com"),
            ("[::1]:443", "::1"),
            ("::1", "::1"),
            ("2001:db8::7", "2001:db8::7"),
            ("127.0.0.1:80", "127.0.0.1"),
        ] {
            assert_eq!(host_of(given), host, "{given}");
        }
        assert_eq!(
            resolve("127.0.0.9").unwrap(),
            ["127.0.0.9".parse::<IpAddr>().unwrap()]
        );
        assert!(resolve("localhost")
            .unwrap()
            .iter()
            .all(|a| a.is_loopback()));
    }

    #[test]
    fn a_truncated_or_foreign_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        let bytes = std::fs::read(dir.path().join("t.mmdb")).unwrap();
        let cut = dir.path().join("cut.mmdb");
        std::fs::write(&cut, &bytes[..bytes.len() - 40]).unwrap();
        let e = Database::open(&cut).err().unwrap().to_string();
        assert!(
            e.contains("cut.mmdb") && e.contains("not a usable MaxMind DB"),
            "{e}"
        );
        let e = Database::open(&dir.path().join("missing.mmdb"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("missing.mmdb"), "{e}");
        // A search tree whose root points far past the data: the lookup fails, named.
        let mut bad = bytes.clone();
        bad[..7].fill(0xff);
        let broken = dir.path().join("broken.mmdb");
        std::fs::write(&broken, &bad).unwrap();
        let e = Database::open(&broken)
            .and_then(|d| d.locate("127.0.0.1".parse().unwrap()))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("broken.mmdb"), "{e}");
        drop(db);
    }

    #[test]
    fn an_ipv4_database_leaves_ipv6_addresses_unplaced() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = mmdb::Writer::new(4, 24);
        w.insert("127.0.0.0/24", mmdb::country("DE"));
        let p = dir.path().join("v4.mmdb");
        std::fs::write(&p, w.to_bytes()).unwrap();
        let db = Database::open(&p).unwrap();
        assert_eq!(
            db.locate("127.0.0.1".parse().unwrap())
                .unwrap()
                .country
                .as_deref(),
            Some("DE")
        );
        assert_eq!(
            db.locate("::ffff:127.0.0.1".parse().unwrap())
                .unwrap()
                .country
                .as_deref(),
            Some("DE"),
            "a v4-mapped address is its IPv4 address"
        );
        let p6 = db.locate("::1".parse().unwrap()).unwrap();
        assert_eq!(p6.country, None);
        assert!(p6.note.unwrap().contains("IPv4 networks only"));
    }
}
