# Resilience: whether a database cluster keeps enough healthy copies of its data, spread
# over enough failure zones, with replicas that keep up with the primary. Judges
# db.replication.
#
# Health of a member: a member is healthy when its state is "streaming", "online" or
# "connected" (how engines report a replica that receives changes); the primary is also
# healthy when its state is "running", "online" or "primary" (how engines report the
# primary itself). Any other state ("stopped", "catchup", "down", ...) is unhealthy. A
# member without a state is unknown: it is neither counted as a copy nor ruled out, so
# it turns a would-be fail into an error.
package assay.resilience

import rego.v1

import data.assay.lib

# min_copies: the cluster holds at least params.min_copies healthy copies of the data,
# counting the primary ("three replicas of all user data" = three healthy members).
min_copies contains f if {
	required := input.params.min_copies
	some d in lib.docs("db.replication")
	f := copies_finding(d, required)
}

# zone_spread: the healthy members sit in at least params.min_zones distinct zones.
zone_spread contains f if {
	required := input.params.min_zones
	some d in lib.docs("db.replication")
	some f in zone_findings(d, required)
}

# replication_lag: every replica (every member whose role is not "primary") is at most
# params.max_lag_seconds behind the primary.
replication_lag contains f if {
	max_lag := input.params.max_lag_seconds
	some d in lib.docs("db.replication")
	some f in lag_findings(d, max_lag)
}

# --- helpers -----------------------------------------------------------------

healthy_states := {"streaming", "online", "connected"}

primary_states := {"running", "online", "primary"}

healthy(m) if {
	is_string(m.state)
	lower(m.state) in healthy_states
}

healthy(m) if {
	m.role == "primary"
	is_string(m.state)
	lower(m.state) in primary_states
}

state_unknown(m) if not is_string(m.state)

member_name(m, i) := m.name if {
	is_string(m.name)
} else := sprintf("member #%d", [i])

healthy_names(d) := sort([member_name(m, i) | some i, m in d.body.members; healthy(m)])

unknown_state_names(d) := sort([member_name(m, i) | some i, m in d.body.members; state_unknown(m)])

unhealthy_list(d) := concat(", ", sort([sprintf("%s is %q", [member_name(m, i), m.state]) |
	some i, m in d.body.members
	not healthy(m)
	not state_unknown(m)
]))

members_known(d) if is_array(d.body.members)

no_members_message := "the evidence has no list of cluster members (members is missing or not an array)"

copies_finding(d, required) := lib.unknown(d.subject, no_members_message) if {
	not members_known(d)
} else := lib.pass(d.subject, msg) if {
	names := healthy_names(d)
	count(names) >= required
	msg := sprintf("%s keeps %d healthy copies of the data (%s), %d required", [d.subject, count(names), concat(", ", names), required])
} else := lib.unknown(d.subject, msg) if {
	names := healthy_names(d)
	unknown := unknown_state_names(d)
	count(names) + count(unknown) >= required
	msg := sprintf("%s has %d healthy copies, %d required, and the state of %s is unknown (state is missing)", [d.subject, count(names), required, concat(", ", unknown)])
} else := lib.fail(d.subject, msg) if {
	names := healthy_names(d)
	msg := sprintf("%s keeps only %d healthy copies of the data, %d required%s; repair the unhealthy members or add replicas", [d.subject, count(names), required, unhealthy_note(d)])
}

unhealthy_note(d) := sprintf(" (%s)", [unhealthy_list(d)]) if {
	unhealthy_list(d) != ""
} else := ""

# known_zones: the zones of the members that are healthy and name their zone.
known_zones(d) := {m.zone | some m in d.body.members; healthy(m); is_string(m.zone)}

# uncertain members could still add a zone: healthy ones without a zone, and ones
# whose state is unknown.
zone_uncertain(m) if {
	healthy(m)
	not is_string(m.zone)
}

zone_uncertain(m) if state_unknown(m)

# max_possible_zones is how many zones there could be if every uncertain member were
# healthy and in a zone of its own.
max_possible_zones(d) := count(known_zones(d) | {m.zone | some m in d.body.members; state_unknown(m); is_string(m.zone)}) + count([m | some m in d.body.members; zone_uncertain(m); not is_string(m.zone)])

zone_findings(d, required) := {lib.unknown(d.subject, no_members_message)} if {
	not members_known(d)
} else := {lib.pass(d.subject, msg)} if {
	zones := known_zones(d)
	count(zones) >= required
	msg := sprintf("the healthy members of %s span %d zones (%s), %d required", [d.subject, count(zones), concat(", ", sort(zones)), required])
} else := {lib.fail(d.subject, msg)} if {
	max_possible_zones(d) < required
	msg := sprintf("the healthy members of %s are in %d zone(s)%s, %d required; place a replica in another availability zone", [d.subject, count(known_zones(d)), zone_list_note(d), required])
} else := {lib.unknown(d.subject, msg) |
	some i, m in d.body.members
	zone_uncertain(m)
	msg := zone_uncertain_message(d, m, i, required)
}

zone_list_note(d) := sprintf(" (%s)", [concat(", ", sort(known_zones(d)))]) if {
	count(known_zones(d)) > 0
} else := ""

zone_uncertain_message(d, m, i, required) := msg if {
	state_unknown(m)
	msg := sprintf("the state of member %s of %s is unknown (state is missing), so it is unknown whether %d zones hold healthy copies", [member_name(m, i), d.subject, required])
} else := sprintf("the zone of healthy member %s of %s is unknown (zone is missing), so it is unknown whether %d zones hold healthy copies", [member_name(m, i), d.subject, required])

is_replica(m) if not m.role == "primary"

lag_findings(d, max_lag) := {lib.unknown(d.subject, no_members_message)} if {
	not members_known(d)
} else := {lib.not_applicable(d.subject, sprintf("%s has no replicas, so there is no replication lag to judge", [d.subject]))} if {
	count([m | some m in d.body.members; is_replica(m)]) == 0
} else := fs if {
	problems := lag_problems(d, max_lag)
	count(problems) > 0
	fs := problems
} else := {lib.pass(d.subject, msg)} if {
	lags := [m.lag_seconds | some m in d.body.members; is_replica(m)]
	msg := sprintf("all %d replicas of %s are within the %vs lag limit (largest lag %vs)", [count(lags), d.subject, max_lag, max(lags)])
}

lag_problems(d, max_lag) := {lib.fail(d.subject, msg) |
	some i, m in d.body.members
	is_replica(m)
	is_number(m.lag_seconds)
	m.lag_seconds > max_lag
	msg := sprintf("replica %s of %s is %vs behind the primary, limit %vs; check its network, disk and replay load (pg_stat_replication / SHOW REPLICA STATUS)", [member_name(m, i), d.subject, m.lag_seconds, max_lag])
} | {lib.unknown(d.subject, msg) |
	some i, m in d.body.members
	is_replica(m)
	not is_number(m.lag_seconds)
	msg := sprintf("the replication lag of replica %s of %s is unknown (lag_seconds is missing)", [member_name(m, i), d.subject])
}
