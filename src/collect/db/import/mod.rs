//! `assay evidence import --from kubectl|rds|mongo FILE…`: `db.replication` evidence from
//! what Kubernetes, AWS RDS and MongoDB already report about their copies of the data, for
//! clusters that `assay collect replicas` cannot (or may not) log in to.
//!
//! The documents have the shape the live collector writes (see [`super::cluster_body`]):
//! `cluster`, `engine`, `members[{name, role, zone, state, lag_seconds}]` and extra facts.
//! Each source knows less than a database's own replication view, and the importers say so
//! rather than fill the gap with a good value:
//!
//! - a member whose role the source cannot tell (Kubernetes pods, Aurora instances) is a
//!   `replica` with `role_known: false`, never a guessed `primary`;
//! - a lag the source does not report is `null`, so `resilience.replication-lag` is an
//!   error for that member (not assessed), never a pass;
//! - a zone the source does not report is `null`, so `resilience.replicas-across-zones`
//!   errors when that member could change the verdict;
//! - a member the source names but does not describe (a read replica missing from the
//!   file, a desired pod that was never created) is listed with a state that says so
//!   (`not-in-input`, `missing`): it is never a healthy copy.
//!
//! Every importer fails with the JSON path that was wrong (`DBInstances[2].MultiAZ:
//! expected a boolean, found string`) and imports nothing from such a file.

pub mod kubectl;
pub mod mongo;
pub mod rds;

use serde_json::{Map, Value};

pub(crate) use crate::collect::json_at::At;
pub use crate::collect::net::import::{ImportError, Parsed};

/// The evidence kind every importer here writes.
pub const KIND: &str = "db.replication";

/// Parses JSON text, naming the line and column of a syntax error; `hint` says what
/// input was expected.
fn parse_json(text: &str, hint: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| {
        ImportError::new(
            format!("line {}", e.line()),
            format!(
                "not valid JSON (column {}): {e}; expected {hint}",
                e.column()
            ),
        )
    })
}

/// One member of the `members` list, in the order the schema lists the fields; `facts`
/// are added after them (they never replace one of the five).
fn member(
    name: &str,
    role: &str,
    zone: Option<&str>,
    state: &str,
    lag_seconds: Option<f64>,
    facts: Map<String, Value>,
) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), Value::from(name));
    m.insert("role".into(), Value::from(role));
    m.insert("zone".into(), zone.map_or(Value::Null, Value::from));
    m.insert("state".into(), Value::from(state));
    m.insert(
        "lag_seconds".into(),
        lag_seconds.map_or(Value::Null, Value::from),
    );
    for (k, v) in facts {
        m.entry(k).or_insert(v);
    }
    Value::Object(m)
}

/// A `db.replication` body: the three fields policies need, then the extra facts.
fn body(cluster: &str, engine: &str, members: Vec<Value>, extra: Map<String, Value>) -> Value {
    let mut b = Map::new();
    b.insert("cluster".into(), Value::from(cluster));
    b.insert("engine".into(), Value::from(engine));
    b.insert("members".into(), Value::Array(members));
    for (k, v) in extra {
        b.entry(k).or_insert(v);
    }
    Value::Object(b)
}

/// `(name, role, state, zone, lag_seconds)` of every member of a `db.replication` body,
/// for the importers' tests.
#[cfg(test)]
pub(super) fn member_rows(body: &Value) -> Vec<(String, String, String, Value, Value)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    body["members"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                text(&m["name"]),
                text(&m["role"]),
                text(&m["state"]),
                m["zone"].clone(),
                m["lag_seconds"].clone(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_name_where_the_input_is_wrong() {
        let v = json!({"A": [{"B": "x"}, {"B": 7}]});
        let top = At::root(&v);
        let items = top.get("A").unwrap().arr().unwrap();
        assert_eq!(items[0].get("B").unwrap().str().unwrap(), "x");
        let e = items[1].get("B").unwrap().str().unwrap_err();
        assert_eq!(e.to_string(), "A[1].B: expected a string, found a number");
        let e = items[1].get("C").unwrap_err();
        assert_eq!(e.to_string(), "A[1].C: missing (expected a value here)");
        let e = top.get("A").unwrap().get("x").unwrap_err();
        assert_eq!(e.to_string(), "A: expected an object, found an array");
        assert_eq!(top.opt_bool("Z").unwrap(), None);
    }

    #[test]
    fn bad_json_names_the_line_and_what_was_expected() {
        let e = parse_json("{\n\"a\": ,\n}", "rs.status() JSON").unwrap_err();
        assert_eq!(e.at, "line 2");
        assert!(e.message.contains("rs.status() JSON"), "{e}");
    }

    #[test]
    fn a_member_keeps_the_five_fields_before_its_facts() {
        let mut facts = Map::new();
        facts.insert("state".into(), json!("overwritten?"));
        facts.insert("node".into(), json!("n1"));
        let m = member("a", "replica", None, "online", None, facts);
        assert_eq!(
            m,
            json!({"name": "a", "role": "replica", "zone": null, "state": "online",
                   "lag_seconds": null, "node": "n1"})
        );
    }
}
