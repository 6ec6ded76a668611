package assay.residency_test

import rego.v1

import data.assay.residency

# --- fixtures ----------------------------------------------------------------

inp(docs) := {"control": {"id": "residency.x"}, "params": {"allowed_countries": ["DE"]}, "now": "2026-11-25T06:00:00Z", "evidence": docs}

account(subject, resources) := {
	"kind": "cloud.resources",
	"subject": subject,
	"collected_at": "2026-11-25T05:00:00Z",
	"source": "import:aws",
	"body": {"provider": "aws", "account": subject, "resources": resources},
}

res(id, country, stores) := {"id": id, "type": "aws_s3_bucket", "region": "eu-central-1", "country": country, "stores_data": stores, "encrypted_at_rest": true, "public_ip": null}

backup_repo(subject, location) := {
	"kind": "backup.snapshots",
	"subject": subject,
	"collected_at": "2026-11-25T05:00:00Z",
	"source": "probe",
	"body": {"repository": subject, "tool": "restic", "encrypted": true, "location": location, "snapshots": [], "restore_tests": []},
}

statuses(fs) := sort([x.status | some x in fs])

# --- resources_in_allowed_countries -----------------------------------------

test_resources_pass_per_resource if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [res("bucket-a", "DE", true), res("db-b", "de", true)])])
	fs == {
		{"subject": "bucket-a", "status": "pass", "message": "bucket-a (aws_s3_bucket, eu-central-1) keeps its data in DE, an allowed country"},
		{"subject": "db-b", "status": "pass", "message": "db-b (aws_s3_bucket, eu-central-1) keeps its data in DE, an allowed country"},
	}
}

test_resources_fail_outside if {
	r := object.union(res("logs-us", "US", true), {"region": "us-east-1"})
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [res("bucket-a", "DE", true), r])])
	{[x.subject, x.status] | some x in fs} == {["bucket-a", "pass"], ["logs-us", "fail"]}
	some x in fs
	x.status == "fail"
	contains(x.message, "logs-us (aws_s3_bucket, us-east-1) stores data in US, but only DE is allowed")
}

test_resources_not_storing_data_are_out_of_scope if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [res("cdn", "US", false), res("bucket-a", "DE", true)])])
	{[x.subject, x.status] | some x in fs} == {["bucket-a", "pass"]}
}

test_resources_none_in_scope_is_not_applicable if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [res("cdn", "US", false)])])
	fs == {{"subject": "aws:1", "status": "not_applicable", "message": "aws:1 has no resources that store data, so there is nothing whose location matters"}}
}

test_resources_empty_list_is_not_applicable if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [])])
	statuses(fs) == ["not_applicable"]
}

test_resources_null_country_is_error if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [res("bucket-a", null, true)])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	x.subject == "bucket-a"
}

test_resources_unknown_stores_data_outside_is_error if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [{"id": "vm-1", "type": "server", "country": "FR"}])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "stores_data is missing")
	contains(x.message, "vm-1 (server) is in FR")
}

test_resources_unknown_stores_data_inside_passes if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [{"id": "vm-1", "type": "server", "country": "DE"}])])
	statuses(fs) == ["pass"]
}

test_resources_several_allowed_countries if {
	docs := [account("aws:1", [res("a", "AT", true), res("b", "CH", true)])]
	fs := residency.resources_in_allowed_countries with input as inp(docs) with input.params.allowed_countries as ["de", "AT"]
	{[x.subject, x.status] | some x in fs} == {["a", "pass"], ["b", "fail"]}
	some x in fs
	x.status == "fail"
	contains(x.message, "only AT, DE is allowed")
}

test_resources_empty_allow_list_fails_everything if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [res("a", "DE", true)])]) with input.params.allowed_countries as []
	some x in fs
	x.status == "fail"
	contains(x.message, "only (none) is allowed")
}

test_resources_missing_list_is_error if {
	doc := {"kind": "cloud.resources", "subject": "aws:1", "body": {"provider": "aws"}}
	fs := residency.resources_in_allowed_countries with input as inp([doc])
	fs == {{"subject": "aws:1", "status": "error", "message": "the evidence has no list of resources (resources is missing or not an array)"}}
}

test_resources_missing_id_uses_account_and_index if {
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [{"type": "server", "country": "DE", "stores_data": true}])])
	some x in fs
	x.subject == "aws:1 resource #0"
}

test_resources_several_accounts if {
	docs := [account("aws:1", [res("a", "DE", true)]), account("hetzner:2", [res("b", "FI", true)])]
	fs := residency.resources_in_allowed_countries with input as inp(docs)
	{[x.subject, x.status] | some x in fs} == {["a", "pass"], ["b", "fail"]}
}

# --- backups_in_allowed_countries -------------------------------------------

test_backups_pass if {
	fs := residency.backups_in_allowed_countries with input as inp([backup_repo("s3:backups", {"country": "DE", "region": "eu-central-1"})])
	fs == {{"subject": "s3:backups", "status": "pass", "message": "backup repository s3:backups is stored in DE, eu-central-1, an allowed country"}}
}

test_backups_fail if {
	fs := residency.backups_in_allowed_countries with input as inp([backup_repo("b2:backups", {"country": "US"})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "is stored in US, but only DE is allowed")
}

test_backups_absent_location_is_error if {
	fs := residency.backups_in_allowed_countries with input as inp([backup_repo("r", null)])
	statuses(fs) == ["error"]
}

test_backups_location_without_country_is_error if {
	fs := residency.backups_in_allowed_countries with input as inp([backup_repo("r", {"region": "fsn1"})])
	statuses(fs) == ["error"]
}

test_backups_case_insensitive if {
	fs := residency.backups_in_allowed_countries with input as inp([backup_repo("r", {"country": "de"})])
	statuses(fs) == ["pass"]
}

test_backups_several_repositories if {
	fs := residency.backups_in_allowed_countries with input as inp([backup_repo("r1", {"country": "DE"}), backup_repo("r2", {"country": "NL"})])
	{[x.subject, x.status] | some x in fs} == {["r1", "pass"], ["r2", "fail"]}
}

test_malformed_bodies_do_not_abort if {
	docs := [
		{"kind": "cloud.resources", "subject": "a", "body": {"resources": null}},
		{"kind": "backup.snapshots", "subject": "b", "body": {"location": null}},
	]
	i := object.union(inp(docs), {"params": {"allowed_countries": null}})
	statuses(residency.resources_in_allowed_countries) == ["error"] with input as i
	statuses(residency.backups_in_allowed_countries) == ["error"] with input as i
}

# --- allowed_jurisdictions ----------------------------------------------------

juris_inp(docs, countries, juris) := {"control": {"id": "residency.x"}, "params": {"allowed_countries": countries, "allowed_jurisdictions": juris}, "now": "2026-11-25T06:00:00Z", "evidence": docs}

test_a_multi_region_passes_by_jurisdiction_only_when_allowed if {
	eu := {"id": "gcs-eu", "type": "google_storage_bucket", "region": "eu", "country": null, "jurisdictions": ["EU", "EEA"], "stores_data": true}
	fs := residency.resources_in_allowed_countries with input as juris_inp([account("gcp:p", [eu])], [], ["eu"])
	fs == {{"subject": "gcs-eu", "status": "pass", "message": "gcs-eu (google_storage_bucket, eu) keeps its data in the EU jurisdiction, which is allowed"}}
	gs := residency.resources_in_allowed_countries with input as juris_inp([account("gcp:p", [eu])], ["DE"], [])
	statuses(gs) == ["error"]
}

test_a_country_outside_the_jurisdiction_fails if {
	ch := {"id": "db-zrh", "type": "aws_db_instance", "region": "eu-central-2", "country": "CH", "jurisdictions": [], "stores_data": true}
	fs := residency.resources_in_allowed_countries with input as juris_inp([account("aws:1", [ch, res("b", "DE", true)])], ["DE"], ["EU"])
	statuses(fs) == ["fail", "pass"]
}

# Ids, types and regions come from evidence: a `%` in them is text, never a format verb.
test_resources_message_keeps_percent_signs if {
	r := object.union(res("bucket-%s", "US", true), {"type": "odd%dtype", "region": "us-%v-1"})
	fs := residency.resources_in_allowed_countries with input as inp([account("aws:1", [r])])
	some f in fs
	f.status == "fail"
	f.subject == "bucket-%s"
	startswith(f.message, "bucket-%s (odd%dtype, us-%v-1) stores data in US, but only DE is allowed")
}

# An endpoint whose addresses lie in several countries has no single country: an error
# that names them, never a pass.
test_resources_several_countries_is_error_naming_them if {
	r := object.union(res("api.example", null, true), {"type": "endpoint", "countries": ["US", "DE"]})
	fs := residency.resources_in_allowed_countries with input as inp([account("geoip:endpoints", [r])])
	some f in fs
	f.status == "error"
	contains(f.message, "several countries (DE, US)")
}
