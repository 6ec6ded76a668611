package assay.encryption_test

import rego.v1

import data.assay.encryption

# --- fixtures ----------------------------------------------------------------

inp(docs) := {"control": {"id": "encryption.x"}, "params": {"min_protocol": "TLSv1.2"}, "now": "2026-11-25T06:00:00Z", "evidence": docs}

account(subject, resources) := {
	"kind": "cloud.resources",
	"subject": subject,
	"collected_at": "2026-11-25T05:00:00Z",
	"source": "import:aws",
	"body": {"provider": "aws", "account": subject, "resources": resources},
}

res(id, stores, encrypted) := {"id": id, "type": "aws_db_instance", "region": "eu-central-1", "country": "DE", "stores_data": stores, "encrypted_at_rest": encrypted}

db(subject, body) := {
	"kind": "db.tls",
	"subject": subject,
	"collected_at": "2026-11-25T05:00:00Z",
	"source": "probe",
	"body": object.union(
		{
			"instance": subject,
			"engine": "postgresql",
			"ssl_enabled": true,
			"min_protocol": "TLSv1.2",
			"plaintext_rules": 0,
			"connections": {"total": 12, "encrypted": 12},
		},
		body,
	),
}

statuses(fs) := sort([x.status | some x in fs])

# --- at_rest -----------------------------------------------------------------

test_at_rest_pass if {
	fs := encryption.at_rest with input as inp([account("aws:1", [res("db-1", true, true)])])
	fs == {{"subject": "db-1", "status": "pass", "message": "db-1 (aws_db_instance) is encrypted at rest"}}
}

test_at_rest_fail_per_resource if {
	fs := encryption.at_rest with input as inp([account("aws:1", [res("db-1", true, true), res("db-2", true, false), res("db-3", true, false)])])
	{[x.subject, x.status] | some x in fs} == {["db-1", "pass"], ["db-2", "fail"], ["db-3", "fail"]}
	some x in fs
	x.subject == "db-2"
	contains(x.message, "stores data but is not encrypted at rest")
}

test_at_rest_null_is_error if {
	fs := encryption.at_rest with input as inp([account("aws:1", [res("db-1", true, null)])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "encrypted_at_rest is missing")
}

test_at_rest_absent_is_error if {
	fs := encryption.at_rest with input as inp([account("aws:1", [{"id": "vol-1", "type": "aws_ebs_volume", "stores_data": true}])])
	statuses(fs) == ["error"]
}

test_at_rest_out_of_scope_resources_ignored if {
	fs := encryption.at_rest with input as inp([account("aws:1", [res("lb", false, false), res("db-1", true, true)])])
	{[x.subject, x.status] | some x in fs} == {["db-1", "pass"]}
}

test_at_rest_unknown_stores_data_unencrypted_is_error if {
	fs := encryption.at_rest with input as inp([account("aws:1", [{"id": "vm", "type": "server", "encrypted_at_rest": false}])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "stores_data is missing")
}

test_at_rest_nothing_in_scope_is_not_applicable if {
	fs := encryption.at_rest with input as inp([account("aws:1", [res("lb", false, false)])])
	fs == {{"subject": "aws:1", "status": "not_applicable", "message": "aws:1 has no resources that store data, so there is nothing to encrypt at rest"}}
}

test_at_rest_missing_resources_is_error if {
	fs := encryption.at_rest with input as inp([{"kind": "cloud.resources", "subject": "aws:1", "body": {}}])
	statuses(fs) == ["error"]
}

test_at_rest_several_accounts if {
	fs := encryption.at_rest with input as inp([account("aws:1", [res("a", true, true)]), account("aws:2", [res("b", true, false)])])
	{[x.subject, x.status] | some x in fs} == {["a", "pass"], ["b", "fail"]}
}

# --- db_tls_required ---------------------------------------------------------

test_db_tls_pass if {
	fs := encryption.db_tls_required with input as inp([db("pg-main", {"min_protocol": "TLSv1.3"})])
	fs == {{"subject": "pg-main", "status": "pass", "message": "pg-main requires TLS: TLS is on, no access rule accepts plaintext, and the minimum protocol TLSv1.3 is at least TLSv1.2"}}
}

test_db_tls_boundary_protocol_passes if {
	fs := encryption.db_tls_required with input as inp([db("pg-main", {})])
	statuses(fs) == ["pass"]
}

test_db_tls_ssl_off_fails_without_protocol_noise if {
	fs := encryption.db_tls_required with input as inp([db("pg-main", {"ssl_enabled": false, "min_protocol": null})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "set ssl = on in postgresql.conf")
}

test_db_tls_plaintext_rules_fail if {
	fs := encryption.db_tls_required with input as inp([db("pg-main", {"plaintext_rules": 3})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "has 3 access rule(s) that accept connections without TLS; change host lines in pg_hba.conf to hostssl")
}

test_db_tls_old_protocol_fails if {
	fs := encryption.db_tls_required with input as inp([db("mysql-1", {"engine": "mysql", "min_protocol": "TLSv1"})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "mysql-1 accepts TLSv1, below the minimum TLSv1.2")
}

test_db_tls_protocol_names_normalised if {
	fs := encryption.db_tls_required with input as inp([db("m", {"min_protocol": "TLS1_2"})]) with input.params.min_protocol as "tlsv1.2"
	statuses(fs) == ["pass"]
	fs11 := encryption.db_tls_required with input as inp([db("m", {"min_protocol": "TLSv1.1"})])
	statuses(fs11) == ["fail"]
	fs13 := encryption.db_tls_required with input as inp([db("m", {"min_protocol": "TLSv1.2"})]) with input.params.min_protocol as "TLSv1.3"
	statuses(fs13) == ["fail"]
}

test_db_tls_null_protocol_is_error if {
	fs := encryption.db_tls_required with input as inp([db("pg-main", {"min_protocol": null})])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "min_protocol is missing")
}

test_db_tls_unknown_protocol_is_error if {
	fs := encryption.db_tls_required with input as inp([db("pg-main", {"min_protocol": "modern"})])
	statuses(fs) == ["error"]
}

test_db_tls_missing_facts_are_errors if {
	doc := {"kind": "db.tls", "subject": "pg", "body": {"instance": "pg"}}
	fs := encryption.db_tls_required with input as inp([doc])
	statuses(fs) == ["error", "error", "error"]
}

test_db_tls_every_violation_reported if {
	fs := encryption.db_tls_required with input as inp([db("pg", {"plaintext_rules": 1, "min_protocol": "TLSv1.1"})])
	statuses(fs) == ["fail", "fail"]
}

test_db_tls_bad_param_is_error if {
	fs := encryption.db_tls_required with input as inp([db("pg", {})]) with input.params.min_protocol as "1.2"
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "params.min_protocol")
}

test_db_tls_several_instances if {
	fs := encryption.db_tls_required with input as inp([db("a", {}), db("b", {"ssl_enabled": false})])
	{[x.subject, x.status] | some x in fs} == {["a", "pass"], ["b", "fail"]}
}

# --- db_connections_encrypted ------------------------------------------------

test_connections_pass if {
	fs := encryption.db_connections_encrypted with input as inp([db("pg", {})])
	fs == {{"subject": "pg", "status": "pass", "message": "all 12 client connections to pg use TLS"}}
}

test_connections_fail if {
	fs := encryption.db_connections_encrypted with input as inp([db("pg", {"connections": {"total": 12, "encrypted": 9}})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "3 of 12 client connections to pg do not use TLS")
}

test_connections_zero_is_not_applicable if {
	fs := encryption.db_connections_encrypted with input as inp([db("pg", {"connections": {"total": 0, "encrypted": 0}})])
	statuses(fs) == ["not_applicable"]
}

test_connections_missing_is_error if {
	fs := encryption.db_connections_encrypted with input as inp([db("pg", {"connections": null})])
	statuses(fs) == ["error"]
	fs2 := encryption.db_connections_encrypted with input as inp([db("pg", {"connections": {"total": 4}})])
	statuses(fs2) == ["error"]
}

test_connections_inconsistent_counts_are_error if {
	fs := encryption.db_connections_encrypted with input as inp([db("pg", {"connections": {"total": 2, "encrypted": 5}})])
	statuses(fs) == ["error"]
}

test_connections_several_instances if {
	fs := encryption.db_connections_encrypted with input as inp([db("a", {}), db("b", {"connections": {"total": 1, "encrypted": 0}})])
	{[x.subject, x.status] | some x in fs} == {["a", "pass"], ["b", "fail"]}
}

test_malformed_bodies_do_not_abort if {
	docs := [
		{"kind": "cloud.resources", "subject": "a", "body": {"resources": null}},
		{"kind": "db.tls", "subject": "b", "body": {"ssl_enabled": null, "min_protocol": 5, "plaintext_rules": null, "connections": null}},
	]
	i := inp(docs)
	statuses(encryption.at_rest) == ["error"] with input as i
	statuses(encryption.db_tls_required) == ["error", "error", "error"] with input as i
	statuses(encryption.db_connections_encrypted) == ["error"] with input as i
}

test_db_tls_hints_follow_the_engine if {
	fs := encryption.db_tls_required with input as inp([db("my", {"engine": "mysql", "ssl_enabled": false, "plaintext_rules": 2})])
	some a in fs
	contains(a.message, "require_secure_transport = ON and configure ssl_cert")
	some b in fs
	contains(b.message, "ALTER USER ... REQUIRE SSL")
	fs2 := encryption.db_tls_required with input as inp([db("r", {"engine": "redis", "ssl_enabled": false, "plaintext_rules": 1})])
	some c in fs2
	contains(c.message, "turn on TLS in the server configuration")
	some e in fs2
	contains(e.message, "make every access rule require TLS")
}
