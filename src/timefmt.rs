//! Instants and durations as assay reads and writes them: RFC 3339 in UTC, and ages such
//! as `26h` or `7d`.
//!
//! Every instant a user gives must carry an explicit offset. A bare date such as
//! `2026-12-31` is rejected rather than guessed, because guessing the time zone is how
//! waivers end up expiring a day early or late.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Parses an RFC 3339 instant with an explicit offset and converts it to UTC.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("'{s}' is not an RFC 3339 instant with offset, e.g. 2026-12-31T00:00:00Z ({e})")
        })
}

/// Formats an instant as RFC 3339 in UTC with a `Z` suffix, seconds precision.
pub fn format_instant(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Serde helpers for RFC 3339 instants that insist on an explicit offset.
pub mod rfc3339 {
    use super::*;

    /// Serialises as RFC 3339 UTC.
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        format_instant(t).serialize(s)
    }

    /// Deserialises an RFC 3339 instant with offset.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        parse_instant(&s).map_err(serde::de::Error::custom)
    }
}

/// How old evidence may be: a whole number of hours or days (`26h`, `7d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxAge {
    hours: u32,
}

impl MaxAge {
    /// The age in hours.
    pub fn hours(self) -> u32 {
        self.hours
    }

    /// The age as a chrono duration.
    pub fn duration(self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.hours))
    }
}

impl FromStr for MaxAge {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "'{s}' is not an age (expected a whole number of hours or days, e.g. 26h or 7d)"
            )
        };
        // Split off the last character, not the last byte: `7д` must be an error, not a panic.
        let cut = s.char_indices().last().map(|(i, _)| i).unwrap_or(0);
        let (num, unit) = s.split_at(cut);
        let n: u32 = num.parse().map_err(|_| bad())?;
        let hours = match unit {
            "h" => n,
            "d" => n.checked_mul(24).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        if hours == 0 {
            return Err(format!("'{s}' is zero: evidence could never be fresh"));
        }
        Ok(MaxAge { hours })
    }
}

impl fmt::Display for MaxAge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hours.is_multiple_of(24) {
            write!(f, "{}d", self.hours / 24)
        } else {
            write!(f, "{}h", self.hours)
        }
    }
}

impl Serialize for MaxAge {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_string().serialize(s)
    }
}

impl<'de> Deserialize<'de> for MaxAge {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_need_an_offset() {
        assert!(parse_instant("2026-12-31").is_err());
        assert!(parse_instant("2026-12-31T00:00:00").is_err());
        let t = parse_instant("2026-12-31T01:00:00+01:00").unwrap();
        assert_eq!(format_instant(&t), "2026-12-31T00:00:00Z");
    }

    #[test]
    fn ages() {
        assert_eq!("26h".parse::<MaxAge>().unwrap().hours(), 26);
        assert_eq!("7d".parse::<MaxAge>().unwrap().hours(), 168);
        assert_eq!("7d".parse::<MaxAge>().unwrap().to_string(), "7d");
        for bad in ["", "d", "7", "7w", "-1d", "0h", "99999999999d", "7д", "д"] {
            assert!(bad.parse::<MaxAge>().is_err(), "{bad}");
        }
    }
}
