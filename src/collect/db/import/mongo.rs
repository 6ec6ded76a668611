//! MongoDB `rs.status()` (`replSetGetStatus`) as `db.replication` evidence: one document
//! per replica set, subject `mongo:<set>`, engine `mongodb`, tool `mongosh`, dated by the
//! output's own `date` (the server's clock when it answered).
//!
//! The input is JSON as mongosh prints it: `mongosh --quiet --json=relaxed --eval
//! 'rs.status()'` (Extended JSON: `{"$date": "…"}`, `{"$timestamp": …}`), canonical
//! Extended JSON (`{"$numberLong": "…"}`, `{"$date": {"$numberLong": "…"}}`), or
//! `JSON.stringify(rs.status())` (dates as ISO strings). The shell's own display
//! (`ISODate(…)`, `Timestamp(…)`) is not JSON and is refused.
//!
//! # Mapping
//! - members are `members[]`, except arbiters (`ARBITER`): an arbiter votes but holds no
//!   data, so it is no copy; their names are kept in `arbiters`. An arbiter that is down
//!   reports `(not reachable/healthy)` like any member and cannot be told apart: it is
//!   then listed as an unhealthy replica, which can never make a verdict better;
//! - role `primary` for `PRIMARY`, else `replica`;
//! - state: with `health` 1, `PRIMARY` → `primary` and `SECONDARY` → `streaming` (a
//!   secondary applies the primary's oplog), any other state its lower-cased `stateStr`
//!   (`recovering`, `startup2`, `rollback` …); with `health` 0 the lower-cased `stateStr`
//!   (`(not reachable/healthy)`), or `unreachable` should it still say PRIMARY or
//!   SECONDARY: the member did not answer the heartbeat, whatever it last said;
//! - `lag_seconds`: the primary's `optimeDate` minus the member's, never below 0 (a
//!   secondary's optime can be newer than the primary's last heartbeat), the way
//!   `rs.printSecondaryReplicationInfo()` measures it. `null` when there is no healthy
//!   primary to measure against, when the member is not healthy, or when its optime is
//!   the epoch (no oplog applied yet, as during an initial sync): lag from 1970 is not a
//!   lag. A delayed secondary (`secondaryDelaySecs`, in `rs.conf()`) shows its delay as lag;
//! - zone: `rs.status()` has none (zones are replica set tags, in `rs.conf()`), so every
//!   zone is `null` and `resilience.replicas-across-zones` errors where a zone could
//!   change the verdict.
//!
//! Member facts: `health`, `state_str`, `optime_date`, `sync_source`, `self`, and
//! `last_heartbeat_message` when there is one. A set reporting two healthy primaries is
//! `incomplete` (the lag is measured against the one with the newer optime).

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::{body, member, parse_json, At, ImportError, Parsed, KIND};

const HINT: &str = "the JSON of `mongosh --quiet --json=relaxed --eval 'rs.status()'`";

impl<'a> At<'a> {
    /// A number, plain or as Extended JSON (`{"$numberInt": "1"}`, `$numberLong`,
    /// `$numberDouble`).
    fn ejson_number(&self) -> Result<f64, ImportError> {
        if let Some(n) = self.v.as_f64() {
            return Ok(n);
        }
        if let Some(o) = self.v.as_object() {
            for key in ["$numberInt", "$numberLong", "$numberDouble"] {
                if let Some(s) = o.get(key).and_then(Value::as_str) {
                    if let Ok(n) = s.parse::<f64>() {
                        return Ok(n);
                    }
                }
            }
        }
        Err(self.err(format!(
            "expected a number (or {{\"$numberLong\": \"…\"}}), found {}",
            crate::evidence::json_type_name(self.v)
        )))
    }

    /// An instant: an ISO 8601 string, `{"$date": "…"}`, `{"$date": {"$numberLong":
    /// "<ms>"}}` or `{"$date": <ms>}`.
    fn ejson_date(&self) -> Result<DateTime<Utc>, ImportError> {
        let bad = || self.err("expected a date (an ISO 8601 string or {\"$date\": …})".to_string());
        let v = match self.v.as_object().and_then(|o| o.get("$date")) {
            Some(d) => d,
            None => self.v,
        };
        if let Some(s) = v.as_str() {
            return DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| self.err(format!("{s:?} is not an ISO 8601 date: {e}")));
        }
        if v.is_object() || v.is_number() {
            let ms = At {
                v,
                path: self.path.clone(),
            }
            .ejson_number()
            .map_err(|_| bad())?;
            return DateTime::from_timestamp_millis(ms as i64).ok_or_else(bad);
        }
        Err(bad())
    }
}

/// One `members[]` entry as far as the mapping needs it.
struct Member<'a> {
    name: &'a str,
    state_str: &'a str,
    healthy: bool,
    optime: Option<DateTime<Utc>>,
    facts: Map<String, Value>,
}

fn read_member<'a>(m: &At<'a>) -> Result<Member<'a>, ImportError> {
    let health = m.get("health")?.ejson_number()?;
    let optime = match m.opt("optimeDate")? {
        Some(d) => Some(d.ejson_date()?),
        None => None,
    };
    let mut facts = Map::new();
    facts.insert("health".into(), json!(health));
    let state_str = m.get("stateStr")?.str()?;
    facts.insert("state_str".into(), json!(state_str));
    facts.insert(
        "optime_date".into(),
        json!(optime.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))),
    );
    let sync = match m.opt_str("syncSourceHost")? {
        Some(s) => Some(s),
        None => m.opt_str("syncingTo")?,
    };
    facts.insert("sync_source".into(), json!(sync.filter(|s| !s.is_empty())));
    if let Some(s) = m.opt_bool("self")? {
        facts.insert("self".into(), json!(s));
    }
    if let Some(msg) = m.opt_str("lastHeartbeatMessage")? {
        if !msg.is_empty() {
            facts.insert("last_heartbeat_message".into(), json!(msg));
        }
    }
    Ok(Member {
        name: m.get("name")?.str()?,
        state_str,
        healthy: health == 1.0,
        optime,
        facts,
    })
}

/// Parses `rs.status()` JSON: one document for the replica set.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root = parse_json(text, HINT)?;
    let top = At::root(&root);
    if let Some(ok) = top.opt("ok")? {
        if ok.ejson_number()? != 1.0 {
            let why = top.opt_str("errmsg")?.unwrap_or("no errmsg");
            return Err(ok.err(format!("rs.status() failed: {why}")));
        }
    }
    let set = top.get("set")?.str()?;
    let date = match top.opt("date")? {
        Some(d) => Some(d.ejson_date()?),
        None => None,
    };
    let mut all = Vec::new();
    for m in top.get("members")?.arr()? {
        all.push(read_member(&m)?);
    }
    let (arbiters, data): (Vec<Member<'_>>, Vec<Member<'_>>) =
        all.into_iter().partition(|m| m.state_str == "ARBITER");
    let primaries: Vec<&Member<'_>> = data
        .iter()
        .filter(|m| m.healthy && m.state_str == "PRIMARY")
        .collect();
    let primary_optime = primaries.iter().filter_map(|m| m.optime).max();

    let mut members = Vec::new();
    for m in &data {
        let is_primary = m.state_str == "PRIMARY";
        let state = match (m.healthy, m.state_str) {
            (true, "PRIMARY") => "primary".to_string(),
            (true, "SECONDARY") => "streaming".to_string(),
            (false, "PRIMARY" | "SECONDARY") => "unreachable".to_string(),
            (_, other) => other.to_lowercase(),
        };
        let lag = if is_primary {
            Some(0.0)
        } else {
            match (primary_optime, m.optime) {
                (Some(p), Some(o)) if m.healthy && o.timestamp_millis() != 0 => {
                    Some(((p - o).num_milliseconds().max(0)) as f64 / 1000.0)
                }
                _ => None,
            }
        };
        members.push(member(
            m.name,
            if is_primary { "primary" } else { "replica" },
            None,
            &state,
            lag,
            m.facts.clone(),
        ));
    }

    let mut extra = Map::new();
    extra.insert(
        "arbiters".into(),
        json!(arbiters.iter().map(|m| m.name).collect::<Vec<_>>()),
    );
    let mut notes = vec![
        "rs.status() names no zones (they are replica set tags in rs.conf()): every zone is null"
            .to_string(),
    ];
    if primaries.is_empty() {
        notes.push("no healthy PRIMARY in rs.status(): replication lag cannot be measured".into());
    }
    extra.insert("notes".into(), json!(notes));
    if primaries.len() > 1 {
        extra.insert(
            "incomplete".into(),
            json!(format!(
                "{} members report PRIMARY ({}); lag is measured against the newest optime",
                primaries.len(),
                primaries
                    .iter()
                    .map(|m| m.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
    Ok(vec![Parsed {
        kind: KIND,
        subject: format!("mongo:{set}"),
        body: body(set, "mongodb", members, extra),
        tool: "mongosh",
        version: None,
        collected_at: date.map(|d| crate::timefmt::format_instant(&d)),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, health: Value, state_str: &str, optime: Value) -> Value {
        json!({"_id": 0, "name": name, "health": health, "state": 2, "stateStr": state_str,
               "uptime": 100, "optimeDate": optime, "syncSourceHost": "", "configVersion": 3})
    }

    fn states(p: &Parsed) -> Vec<(String, String, String, Value)> {
        super::super::member_rows(&p.body)
            .into_iter()
            .map(|(n, r, s, _, l)| (n, r, s, l))
            .collect()
    }

    #[test]
    fn states_lag_and_arbiters_from_relaxed_extended_json() {
        let text = json!({
            "set": "rs0",
            "date": {"$date": "2026-11-24T09:00:05.120Z"},
            "myState": 1,
            "members": [
                m("a:27017", json!(1), "PRIMARY", json!({"$date": "2026-11-24T09:00:04.000Z"})),
                m("b:27017", json!(1), "SECONDARY", json!({"$date": "2026-11-24T09:00:01.500Z"})),
                m("c:27017", json!(1), "SECONDARY", json!({"$date": "2026-11-24T09:00:05.000Z"})),
                m("d:27017", json!(0), "(not reachable/healthy)", json!({"$date": "1970-01-01T00:00:00Z"})),
                m("e:27017", json!(1), "STARTUP2", json!({"$date": "1970-01-01T00:00:00Z"})),
                m("f:27017", json!(1), "ARBITER", Value::Null),
            ],
            "ok": 1
        })
        .to_string();
        let docs = parse(&text).unwrap();
        let d = &docs[0];
        assert_eq!(d.subject, "mongo:rs0");
        assert_eq!(d.collected_at.as_deref(), Some("2026-11-24T09:00:05Z"));
        assert_eq!(
            states(d),
            vec![
                (
                    "a:27017".into(),
                    "primary".into(),
                    "primary".into(),
                    json!(0.0)
                ),
                (
                    "b:27017".into(),
                    "replica".into(),
                    "streaming".into(),
                    json!(2.5)
                ),
                // newer than the primary's last heartbeat: no negative lag
                (
                    "c:27017".into(),
                    "replica".into(),
                    "streaming".into(),
                    json!(0.0)
                ),
                (
                    "d:27017".into(),
                    "replica".into(),
                    "(not reachable/healthy)".into(),
                    Value::Null
                ),
                (
                    "e:27017".into(),
                    "replica".into(),
                    "startup2".into(),
                    Value::Null
                ),
            ]
        );
        assert_eq!(d.body["arbiters"], json!(["f:27017"]));
        assert!(d.body["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["zone"].is_null()));
    }

    #[test]
    fn canonical_extended_json_and_json_stringify_are_read_alike() {
        let canonical = json!({
            "set": "rs1",
            "date": {"$date": {"$numberLong": "1795510805000"}},
            "members": [
                m("a", json!({"$numberDouble": "1.0"}), "PRIMARY", json!({"$date": {"$numberLong": "1795510800000"}})),
                m("b", json!({"$numberDouble": "1.0"}), "SECONDARY", json!({"$date": {"$numberLong": "1795510680000"}})),
            ],
            "ok": {"$numberDouble": "1.0"}
        })
        .to_string();
        let stringified = json!({
            "set": "rs1",
            "date": "2026-11-24T09:00:05.000Z",
            "members": [
                m("a", json!(1), "PRIMARY", json!("2026-11-24T09:00:00.000Z")),
                m("b", json!(1), "SECONDARY", json!("2026-11-24T08:58:00.000Z")),
            ],
            "ok": 1
        })
        .to_string();
        let a = parse(&canonical).unwrap();
        let b = parse(&stringified).unwrap();
        assert_eq!(a, b);
        assert_eq!(states(&a[0])[1].3, json!(120.0));
    }

    #[test]
    fn without_a_healthy_primary_no_lag_is_measured() {
        let text = json!({
            "set": "rs0",
            "members": [
                m("a", json!(0), "PRIMARY", json!("2026-11-24T09:00:00Z")),
                m("b", json!(1), "SECONDARY", json!("2026-11-24T09:00:00Z")),
            ],
            "ok": 1
        })
        .to_string();
        let d = &parse(&text).unwrap()[0];
        assert_eq!(d.collected_at, None);
        let s = states(d);
        assert_eq!(s[0].2, "unreachable");
        assert_eq!(s[1].3, Value::Null);
        assert!(d.body["notes"].to_string().contains("no healthy PRIMARY"));
    }

    #[test]
    fn bad_input_names_the_path() {
        let e = parse(
            r#"{"set": "rs0", "members": [{"name": "a", "health": "1", "stateStr": "PRIMARY"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.at, "members[0].health");
        let e = parse(r#"{"set": "rs0", "members": [{"name": "a", "health": 1, "stateStr": "PRIMARY", "optimeDate": "yesterday"}]}"#)
            .unwrap_err();
        assert_eq!(e.at, "members[0].optimeDate");
        let e = parse(r#"{"ok": 0, "errmsg": "no replset config has been received", "code": 94}"#)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ok: rs.status() failed: no replset config has been received"
        );
        let e = parse("{\n  set: 'rs0',\n  date: ISODate('2026-11-24T09:00:00Z')\n}").unwrap_err();
        assert_eq!(e.at, "line 2");
        assert!(e.message.contains("--json=relaxed"), "{e}");
    }
}
