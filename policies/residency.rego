# Residency: whether data stays in the countries it is promised to stay in. Judges the
# country of every data-storing cloud resource (cloud.resources) and of every backup
# repository (backup.snapshots) against params.allowed_countries (ISO 3166-1 alpha-2).
package assay.residency

import rego.v1

import data.assay.lib

# resources_in_allowed_countries: every resource with stores_data true is located in
# one of params.allowed_countries; one finding per resource (subject: resource id). A
# resource whose stores_data is unknown is judged too (unknown is never good). An
# account without data-storing resources is not_applicable.
resources_in_allowed_countries contains f if {
	allowed := country_set(input.params.allowed_countries)
	juris := country_set(jurisdictions_param)
	some d in lib.docs("cloud.resources")
	some f in resource_findings(d, allowed, juris)
}

# jurisdictions_param: params.allowed_jurisdictions (e.g. ["EU"]); a resource whose
# evidence places it in one of them passes even without a single country (a multi-region
# such as GCP's `EU`). Absent means none: only countries count.
default jurisdictions_param := []

jurisdictions_param := input.params.allowed_jurisdictions

# backups_in_allowed_countries: every backup repository's location.country is one of
# params.allowed_countries.
backups_in_allowed_countries contains f if {
	allowed := country_set(input.params.allowed_countries)
	some d in lib.docs("backup.snapshots")
	f := backup_finding(d, allowed)
}

# --- helpers -----------------------------------------------------------------

# country_set is the upper-cased set of allowed country codes.
country_set(codes) := {upper(c) | some c in codes; is_string(c)} if {
	is_array(codes)
} else := set()

allowed_text(allowed) := concat(", ", sort(allowed)) if {
	count(allowed) > 0
} else := "(none)"

resources(d) := d.body.resources if {
	is_array(d.body.resources)
} else := []

resource_id(d, r, i) := r.id if {
	is_string(r.id)
} else := sprintf("%s resource #%d", [d.subject, i])

resource_label(r) := sprintf("%s, %s", [r.type, r.region]) if {
	is_string(r.type)
	is_string(r.region)
} else := r.type if {
	is_string(r.type)
} else := "type unknown"

in_scope(r) if not r.stores_data == false

resource_findings(d, allowed, juris) := {lib.unknown(d.subject, "the evidence has no list of resources (resources is missing or not an array)")} if {
	not is_array(d.body.resources)
} else := {lib.not_applicable(d.subject, msg)} if {
	count([r | some r in resources(d); in_scope(r)]) == 0
	msg := sprintf("%s has no resources that store data, so there is nothing whose location matters", [d.subject])
} else := {f |
	some i, r in d.body.resources
	not r.stores_data == false
	id := resource_id(d, r, i)
	v := resource_verdict(r, allowed, juris)
	f := {"subject": id, "status": v[0], "message": concat("", [v[1], id, v[2]])}
}

# resource_jurisdictions: the upper-cased jurisdictions the evidence names for r.
resource_jurisdictions(r) := {upper(j) | some j in r.jurisdictions; is_string(j)} if {
	is_array(r.jurisdictions)
} else := set()

# resource_verdict judges resource r: [status, text before its id, text after its id].
# Why message parts rather than a lib.pass/lib.fail finding per
# branch: each Rego function call costs about 10 µs in regorus, and an estate of 50,000
# resources paid for six of them per resource (see benches/residency.rs).
resource_verdict(r, allowed, juris) := ["pass", "", msg] if {
	is_string(r.country)
	upper(r.country) in allowed
	msg := sprintf(" (%s) keeps its data in %s, an allowed country", [resource_label(r), upper(r.country)])
} else := ["pass", "", msg] if {
	inside := resource_jurisdictions(r) & juris
	count(inside) > 0
	msg := sprintf(" (%s) keeps its data in the %s jurisdiction, which is allowed", [resource_label(r), concat("/", sort(inside))])
} else := ["error", "", msg] if {
	not is_string(r.country)
	is_array(r.countries)
	count(r.countries) > 1
	msg := sprintf(" (%s) keeps data in several countries (%s), so no single country can be allowed; list each address or move them all into allowed countries", [resource_label(r), concat(", ", sort(r.countries))])
} else := ["error", "the country of ", msg] if {
	not is_string(r.country)
	msg := sprintf(" (%s) is unknown (country is missing)", [resource_label(r)])
} else := ["error", "", msg] if {
	not r.stores_data == true
	msg := sprintf(" (%s) is in %s, outside %s, and the evidence does not say whether it stores data (stores_data is missing)", [resource_label(r), upper(r.country), allowed_text(allowed)])
} else := ["fail", "", msg] if {
	msg := sprintf(" (%s) stores data in %s, but only %s is allowed; move it to a region in an allowed country (e.g. AWS eu-central-1 Frankfurt for DE) and delete the copy, or set stores_data false in the inventory if it holds no data", [resource_label(r), upper(r.country), allowed_text(allowed)])
}

backup_location_text(d) := sprintf("%s, %s", [upper(d.body.location.country), d.body.location.region]) if {
	is_string(d.body.location.region)
} else := upper(d.body.location.country)

backup_finding(d, allowed) := lib.unknown(d.subject, msg) if {
	not is_string(d.body.location.country)
	msg := sprintf("the country where backup repository %s is stored is unknown (location.country is missing)", [d.subject])
} else := lib.pass(d.subject, msg) if {
	upper(d.body.location.country) in allowed
	msg := sprintf("backup repository %s is stored in %s, an allowed country", [d.subject, backup_location_text(d)])
} else := lib.fail(d.subject, msg) if {
	msg := sprintf("backup repository %s is stored in %s, but only %s is allowed; create a repository in an allowed country (e.g. a bucket in eu-central-1 for DE), copy the snapshots there (restic copy / borg transfer) and delete the old repository", [d.subject, backup_location_text(d), allowed_text(allowed)])
}
