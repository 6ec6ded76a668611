package assay.resilience_test

import rego.v1

import data.assay.resilience

# --- fixtures ----------------------------------------------------------------

params := {"min_copies": 3, "min_zones": 2, "max_lag_seconds": 30}

cluster(subject, members) := {
	"kind": "db.replication",
	"subject": subject,
	"collected_at": "2026-11-25T05:00:00Z",
	"source": "probe",
	"body": {"cluster": subject, "engine": "postgresql", "members": members},
}

inp(docs) := {"control": {"id": "resilience.x"}, "params": params, "now": "2026-11-25T06:00:00Z", "evidence": docs}

member(name, role, zone, state, lag) := {"name": name, "role": role, "zone": zone, "state": state, "lag_seconds": lag}

good_members := [
	member("pg-1", "primary", "eu-central-1a", "running", null),
	member("pg-2", "replica", "eu-central-1b", "streaming", 0.5),
	member("pg-3", "replica", "eu-central-1c", "streaming", 2),
]

statuses(fs) := sort([x.status | some x in fs])

# --- min_copies --------------------------------------------------------------

test_min_copies_pass_counts_primary if {
	fs := resilience.min_copies with input as inp([cluster("pg-main", good_members)])
	fs == {{"subject": "pg-main", "status": "pass", "message": "pg-main keeps 3 healthy copies of the data (pg-1, pg-2, pg-3), 3 required"}}
}

test_min_copies_fail_names_unhealthy_member if {
	members := [
		member("pg-1", "primary", "eu-central-1a", "running", null),
		member("pg-2", "replica", "eu-central-1b", "streaming", 0),
		member("pg-3", "replica", "eu-central-1c", "stopped", null),
	]
	fs := resilience.min_copies with input as inp([cluster("pg-main", members)])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "only 2 healthy copies")
	contains(x.message, `pg-3 is "stopped"`)
}

test_min_copies_primary_running_is_healthy_but_replica_running_is_not if {
	members := [
		member("a", "primary", "z1", "running", null),
		member("b", "replica", "z2", "running", 0),
		member("c", "replica", "z3", "online", 0),
	]
	fs := resilience.min_copies with input as inp([cluster("c1", members)]) with input.params.min_copies as 2
	statuses(fs) == ["pass"]
	fs3 := resilience.min_copies with input as inp([cluster("c1", members)])
	statuses(fs3) == ["fail"]
}

test_min_copies_boundary_and_param if {
	fs := resilience.min_copies with input as inp([cluster("c1", good_members)]) with input.params.min_copies as 4
	statuses(fs) == ["fail"]
}

test_min_copies_unknown_state_is_error_when_it_could_decide if {
	members := [
		member("pg-1", "primary", "a", "running", null),
		member("pg-2", "replica", "b", "streaming", 0),
		{"name": "pg-3", "role": "replica", "zone": "c"},
	]
	fs := resilience.min_copies with input as inp([cluster("c1", members)])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "pg-3")
}

test_min_copies_unknown_state_cannot_rescue_a_clear_fail if {
	members := [member("pg-1", "primary", "a", "running", null), {"name": "pg-2", "role": "replica"}]
	fs := resilience.min_copies with input as inp([cluster("c1", members)])
	statuses(fs) == ["fail"]
}

test_min_copies_no_members_fails if {
	fs := resilience.min_copies with input as inp([cluster("c1", [])])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "only 0 healthy copies")
}

test_min_copies_missing_members_is_error if {
	doc := {"kind": "db.replication", "subject": "c1", "body": {"cluster": "c1"}}
	fs := resilience.min_copies with input as inp([doc])
	statuses(fs) == ["error"]
}

test_min_copies_several_clusters if {
	fs := resilience.min_copies with input as inp([cluster("c1", good_members), cluster("c2", [member("x", "primary", "a", "online", null)])])
	{[x.subject, x.status] | some x in fs} == {["c1", "pass"], ["c2", "fail"]}
}

# --- zone_spread -------------------------------------------------------------

test_zone_spread_pass if {
	fs := resilience.zone_spread with input as inp([cluster("pg-main", good_members)])
	fs == {{"subject": "pg-main", "status": "pass", "message": "the healthy members of pg-main span 3 zones (eu-central-1a, eu-central-1b, eu-central-1c), 2 required"}}
}

test_zone_spread_fail_single_zone if {
	members := [
		member("a", "primary", "eu-central-1a", "running", null),
		member("b", "replica", "eu-central-1a", "streaming", 0),
		member("c", "replica", "eu-central-1b", "stopped", null),
	]
	fs := resilience.zone_spread with input as inp([cluster("c1", members)])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "1 zone(s) (eu-central-1a), 2 required")
}

test_zone_spread_null_zone_is_error_when_it_could_decide if {
	members := [
		member("a", "primary", "eu-central-1a", "running", null),
		member("b", "replica", null, "streaming", 0),
	]
	fs := resilience.zone_spread with input as inp([cluster("c1", members)])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "zone of healthy member b")
}

test_zone_spread_null_zone_ignored_when_enough_zones_known if {
	members := [
		member("a", "primary", "z1", "running", null),
		member("b", "replica", "z2", "streaming", 0),
		member("c", "replica", null, "streaming", 0),
	]
	fs := resilience.zone_spread with input as inp([cluster("c1", members)])
	statuses(fs) == ["pass"]
}

test_zone_spread_null_zone_cannot_rescue_a_clear_fail if {
	members := [member("a", "primary", "z1", "running", null), member("b", "replica", null, "streaming", 0)]
	fs := resilience.zone_spread with input as inp([cluster("c1", members)]) with input.params.min_zones as 3
	statuses(fs) == ["fail"]
}

test_zone_spread_unhealthy_members_do_not_count if {
	members := [member("a", "primary", "z1", "running", null), member("b", "replica", "z2", "down", null)]
	fs := resilience.zone_spread with input as inp([cluster("c1", members)])
	statuses(fs) == ["fail"]
}

test_zone_spread_unknown_state_in_new_zone_is_error if {
	members := [member("a", "primary", "z1", "running", null), {"name": "b", "role": "replica", "zone": "z2"}]
	fs := resilience.zone_spread with input as inp([cluster("c1", members)])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "state of member b")
}

test_zone_spread_empty_members_fails if {
	fs := resilience.zone_spread with input as inp([cluster("c1", [])])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "0 zone(s), 2 required")
}

test_zone_spread_missing_members_is_error if {
	fs := resilience.zone_spread with input as inp([{"kind": "db.replication", "subject": "c1", "body": {}}])
	statuses(fs) == ["error"]
}

# --- replication_lag ---------------------------------------------------------

test_replication_lag_pass if {
	fs := resilience.replication_lag with input as inp([cluster("pg-main", good_members)])
	fs == {{"subject": "pg-main", "status": "pass", "message": "all 2 replicas of pg-main are within the 30s lag limit (largest lag 2s)"}}
}

test_replication_lag_boundary_is_pass if {
	members := [member("a", "primary", "z1", "running", null), member("b", "replica", "z2", "streaming", 30)]
	fs := resilience.replication_lag with input as inp([cluster("c1", members)])
	statuses(fs) == ["pass"]
}

test_replication_lag_fail_per_replica if {
	members := [
		member("a", "primary", "z1", "running", null),
		member("b", "replica", "z2", "streaming", 31),
		member("c", "replica", "z3", "streaming", 120),
	]
	fs := resilience.replication_lag with input as inp([cluster("c1", members)])
	statuses(fs) == ["fail", "fail"]
	some x in fs
	contains(x.message, "replica c of c1 is 120s behind the primary, limit 30s")
}

test_replication_lag_null_lag_is_error if {
	members := [member("a", "primary", "z1", "running", null), member("b", "replica", "z2", "streaming", null)]
	fs := resilience.replication_lag with input as inp([cluster("c1", members)])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "replica b")
}

test_replication_lag_fail_and_error_together if {
	members := [
		member("a", "primary", "z1", "running", null),
		member("b", "replica", "z2", "streaming", 99),
		{"name": "c", "role": "replica", "zone": "z3", "state": "streaming"},
	]
	fs := resilience.replication_lag with input as inp([cluster("c1", members)])
	statuses(fs) == ["error", "fail"]
}

test_replication_lag_no_replicas_is_not_applicable if {
	fs := resilience.replication_lag with input as inp([cluster("c1", [member("a", "primary", "z1", "running", null)])])
	count(fs) == 1
	some x in fs
	x.status == "not_applicable"
	x.subject == "c1"
}

test_replication_lag_missing_members_is_error if {
	fs := resilience.replication_lag with input as inp([{"kind": "db.replication", "subject": "c1", "body": {"members": null}}])
	statuses(fs) == ["error"]
}

test_replication_lag_member_without_role_counts_as_replica if {
	members := [member("a", "primary", "z1", "running", null), {"name": "b", "zone": "z2", "state": "streaming", "lag_seconds": 45}]
	fs := resilience.replication_lag with input as inp([cluster("c1", members)])
	statuses(fs) == ["fail"]
}

# --- robustness --------------------------------------------------------------

test_malformed_bodies_do_not_abort if {
	docs := [
		{"kind": "db.replication", "subject": "a", "body": {"members": null}},
		{"kind": "db.replication", "subject": "b", "body": {"members": [null, 3, {"name": 7, "role": null, "state": 1, "zone": 2, "lag_seconds": "x"}]}},
	]
	i := inp(docs)
	{[x.subject, x.status] | some x in resilience.min_copies} == {["a", "error"], ["b", "error"]} with input as i
	{[x.subject, x.status] | some x in resilience.zone_spread} == {["a", "error"], ["b", "error"]} with input as i
	{[x.subject, x.status] | some x in resilience.replication_lag} == {["a", "error"], ["b", "error"]} with input as i
}
