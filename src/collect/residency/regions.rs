//! Where a cloud region keeps its data: the table in `data/regions.yaml`, and the
//! providers' many spellings of a location (availability zones, data-centre names,
//! display names) reduced to the region that table knows.
//!
//! A location this module cannot place is `None` — the caller records the country as
//! unknown, which a residency control reports as an error. Nothing is guessed from a
//! name's look (`eu-…` is not "in the EU": `eu-central-2` is Zurich).

use std::collections::HashMap;
use std::sync::OnceLock;

/// The table, as shipped.
const TABLE: &str = include_str!("../../../data/regions.yaml");

/// Member states of the European Union (ISO 3166-1 alpha-2; Greece is `GR`).
const EU: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// The EEA members outside the EU.
const EEA_ONLY: [&str; 3] = ["IS", "LI", "NO"];

/// The jurisdictions a country belongs to: `EU` and `EEA` for an EU member, `EEA` for
/// Iceland, Liechtenstein and Norway, none otherwise.
pub fn jurisdictions(country: &str) -> Vec<&'static str> {
    if EU.contains(&country) {
        vec!["EU", "EEA"]
    } else if EEA_ONLY.contains(&country) {
        vec!["EEA"]
    } else {
        Vec::new()
    }
}

/// A located region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The region as the table names it (`eu-central-1` for `eu-central-1b`).
    pub region: String,
    /// The one country the data lives in; `None` for a location spanning several.
    pub country: Option<String>,
    /// The city or area, for reports.
    pub place: Option<String>,
    /// Jurisdictions every possible country of the location belongs to.
    pub jurisdictions: Vec<&'static str>,
}

/// The region table.
#[derive(Debug)]
pub struct Regions {
    single: HashMap<(String, String), (String, String)>,
    multi: HashMap<(String, String), Vec<String>>,
}

impl Regions {
    /// The shipped table (parsed once; a unit test keeps it parseable).
    pub fn builtin() -> &'static Regions {
        static R: OnceLock<Regions> = OnceLock::new();
        R.get_or_init(|| Regions::parse(TABLE).expect("data/regions.yaml is valid"))
    }

    /// Parses a table in the shape of `data/regions.yaml`.
    pub fn parse(text: &str) -> Result<Regions, String> {
        type Raw = HashMap<String, HashMap<String, Vec<String>>>;
        let mut raw: HashMap<String, serde_yaml_ng::Value> =
            serde_yaml_ng::from_str(text).map_err(|e| format!("regions table: {e}"))?;
        let multi_raw: HashMap<String, HashMap<String, Vec<String>>> = match raw.remove("multi") {
            Some(v) => {
                serde_yaml_ng::from_value(v).map_err(|e| format!("regions table: multi: {e}"))?
            }
            None => HashMap::new(),
        };
        let single_raw: Raw = raw
            .into_iter()
            .map(|(p, v)| {
                serde_yaml_ng::from_value(v)
                    .map(|m| (p.clone(), m))
                    .map_err(|e| format!("regions table: {p}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        let mut single = HashMap::new();
        for (provider, regions) in single_raw {
            for (region, v) in regions {
                let [country, place] = v.as_slice() else {
                    return Err(format!(
                        "regions table: {provider}.{region}: expected [COUNTRY, place]"
                    ));
                };
                check_country(country, &provider, &region)?;
                single.insert((provider.clone(), region), (country.clone(), place.clone()));
            }
        }
        let mut multi = HashMap::new();
        for (provider, regions) in multi_raw {
            for (region, countries) in regions {
                for c in &countries {
                    check_country(c, &provider, &region)?;
                }
                multi.insert((provider.clone(), region), countries);
            }
        }
        Ok(Regions { single, multi })
    }

    /// The number of single-country regions per provider, for reports and tests.
    pub fn count(&self, provider: &str) -> usize {
        self.single.keys().filter(|(p, _)| p == provider).count()
    }

    /// Places `location` of `provider` (any of the names [`provider_key`] knows), or
    /// `None` when neither the table nor its zone and data-centre spellings know it.
    pub fn locate(&self, provider: &str, location: &str) -> Option<Place> {
        let provider = provider_key(provider)?;
        let loc = location.trim().to_ascii_lowercase();
        if loc.is_empty() {
            return None;
        }
        for candidate in candidates(provider, &loc) {
            let key = (provider.to_string(), candidate.clone());
            if let Some((country, place)) = self.single.get(&key) {
                return Some(Place {
                    region: candidate,
                    jurisdictions: jurisdictions(country),
                    country: Some(country.clone()),
                    place: Some(place.clone()),
                });
            }
            if let Some(countries) = self.multi.get(&key) {
                let country = match countries.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                };
                // A jurisdiction holds for a multi-region only if it holds for every
                // country the provider may put the data in.
                let mut common = countries
                    .first()
                    .map(|c| jurisdictions(c))
                    .unwrap_or_default();
                for c in countries {
                    let js = jurisdictions(c);
                    common.retain(|j| js.contains(j));
                }
                return Some(Place {
                    region: candidate,
                    country,
                    place: None,
                    jurisdictions: common,
                });
            }
        }
        None
    }
}

fn check_country(c: &str, provider: &str, region: &str) -> Result<(), String> {
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(format!(
            "regions table: {provider}.{region}: {c:?} is not an ISO 3166-1 alpha-2 code"
        ))
    }
}

/// The table's name for a provider, from the names Terraform providers, CLIs and people
/// use; `None` for a provider the table does not cover.
pub fn provider_key(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "aws" | "amazon" => "aws",
        "gcp" | "google" | "google-beta" | "gcloud" => "gcp",
        "azure" | "azurerm" => "azure",
        "oracle" | "oci" => "oracle",
        "hetzner" | "hcloud" => "hetzner",
        "ovh" | "ovhcloud" => "ovh",
        "scaleway" | "scw" => "scaleway",
        "ionos" | "ionoscloud" => "ionos",
        "digitalocean" | "do" => "digitalocean",
        _ => return None,
    })
}

/// The spellings to try, most specific first.
fn candidates(provider: &str, loc: &str) -> Vec<String> {
    let mut out = vec![loc.to_string()];
    let mut push = |s: &str| {
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    match provider {
        // eu-central-1a (availability zone), us-east-1-bos-1a (Local Zone).
        "aws" => {
            push(loc.trim_end_matches(|c: char| c.is_ascii_lowercase()));
            let parts: Vec<&str> = loc.split('-').collect();
            if parts.len() > 3 {
                push(&parts[..3].join("-"));
            }
        }
        // europe-west3-b (zone).
        "gcp" => {
            if let Some((region, zone)) = loc.rsplit_once('-') {
                if zone.len() == 1 {
                    push(region);
                }
            }
        }
        // "Germany West Central" (display name).
        "azure" => push(&loc.replace([' ', '-'], "")),
        // "Uocm:EU-FRANKFURT-1-AD-1" (availability domain).
        "oracle" => {
            let tail = loc.rsplit(':').next().unwrap_or(loc);
            push(tail);
            if let Some(i) = tail.find("-ad-") {
                push(&tail[..i]);
            }
        }
        // fsn1-dc14 (data centre).
        "hetzner" => push(loc.split("-dc").next().unwrap_or(loc)),
        // GRA11, DE1, eu-west-par-a.
        "ovh" => {
            push(loc.trim_end_matches(|c: char| c.is_ascii_digit()));
            if let Some((region, zone)) = loc.rsplit_once('-') {
                if zone.len() == 1 {
                    push(region);
                }
            }
        }
        // fr-par-2 (zone).
        "scaleway" => {
            if let Some((region, zone)) = loc.rsplit_once('-') {
                if zone.bytes().all(|b| b.is_ascii_digit()) {
                    push(region);
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(provider: &str, loc: &str) -> Option<String> {
        Regions::builtin().locate(provider, loc)?.country
    }

    #[test]
    fn the_table_parses_and_covers_every_provider() {
        let r = Regions::builtin();
        for (p, at_least) in [
            ("aws", 35),
            ("gcp", 40),
            ("azure", 50),
            ("oracle", 40),
            ("hetzner", 6),
            ("ovh", 10),
            ("scaleway", 3),
            ("ionos", 8),
            ("digitalocean", 14),
        ] {
            assert!(r.count(p) >= at_least, "{p}: {}", r.count(p));
        }
    }

    #[test]
    fn zones_and_data_centres_reduce_to_their_region() {
        for (p, loc, want) in [
            ("aws", "eu-central-1", "DE"),
            ("aws", "eu-central-1b", "DE"),
            ("aws", "eu-central-2", "CH"),
            ("aws", "us-east-1-bos-1a", "US"),
            ("google", "europe-west3-b", "DE"),
            ("gcp", "EUROPE-WEST10", "DE"),
            ("azurerm", "Germany West Central", "DE"),
            ("azure", "westeurope", "NL"),
            ("oci", "Uocm:EU-FRANKFURT-1-AD-1", "DE"),
            ("hcloud", "fsn1-dc14", "DE"),
            ("hcloud", "hel1", "FI"),
            ("ovh", "GRA11", "FR"),
            ("ovh", "DE1", "DE"),
            ("scaleway", "fr-par-2", "FR"),
            ("ionos", "de/fra", "DE"),
            ("digitalocean", "fra1", "DE"),
            ("gcp", "US", "US"),
        ] {
            assert_eq!(country(p, loc).as_deref(), Some(want), "{p} {loc}");
        }
    }

    #[test]
    fn unknown_and_multi_country_locations_have_no_country() {
        assert_eq!(Regions::builtin().locate("aws", "eu-middle-9"), None);
        assert_eq!(Regions::builtin().locate("aws", ""), None);
        assert_eq!(Regions::builtin().locate("vultr", "fra"), None);
        let eu = Regions::builtin().locate("gcp", "EU").unwrap();
        assert_eq!(eu.country, None);
        assert_eq!(eu.jurisdictions, ["EU", "EEA"]);
        let ch = Regions::builtin().locate("aws", "eu-central-2").unwrap();
        assert!(
            ch.jurisdictions.is_empty(),
            "Switzerland is neither EU nor EEA"
        );
        assert_eq!(jurisdictions("NO"), ["EEA"]);
    }

    #[test]
    fn bad_tables_are_refused_with_the_entry() {
        let e = Regions::parse("aws:\n  x-1: [Germany, Frankfurt]\n").unwrap_err();
        assert!(e.contains("aws.x-1"), "{e}");
        let e = Regions::parse("aws:\n  x-1: [DE]\n").unwrap_err();
        assert!(e.contains("expected [COUNTRY, place]"), "{e}");
    }
}
