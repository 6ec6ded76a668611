# Encryption: whether stored data is encrypted at rest (cloud.resources) and whether
# databases require TLS from their clients (db.tls): TLS on, no plaintext access rules,
# a modern minimum protocol, and every open connection encrypted.
package assay.encryption

import rego.v1

import data.assay.lib

# at_rest: every resource with stores_data true has encrypted_at_rest true; one
# finding per resource (subject: resource id). A resource whose stores_data is unknown
# is judged too. An account without data-storing resources is not_applicable.
at_rest contains f if {
	some d in lib.docs("cloud.resources")
	some f in at_rest_findings(d)
}

# db_tls_required: the database has TLS enabled, no access rule accepts a plaintext
# connection, and its minimum protocol is at least params.min_protocol (TLSv1 <
# TLSv1.1 < TLSv1.2 < TLSv1.3).
db_tls_required contains f if {
	wanted := input.params.min_protocol
	some d in lib.docs("db.tls")
	some f in db_tls_findings(d, wanted)
}

# db_connections_encrypted: at collection time, every client connection used TLS
# (connections.encrypted == connections.total). No connections at all is not_applicable.
db_connections_encrypted contains f if {
	some d in lib.docs("db.tls")
	f := connections_finding(d)
}

# --- helpers -----------------------------------------------------------------

resources(d) := d.body.resources if {
	is_array(d.body.resources)
} else := []

resource_id(d, r, i) := r.id if {
	is_string(r.id)
} else := sprintf("%s resource #%d", [d.subject, i])

resource_label(r) := r.type if {
	is_string(r.type)
} else := "type unknown"

in_scope(r) if not r.stores_data == false

at_rest_findings(d) := {lib.unknown(d.subject, "the evidence has no list of resources (resources is missing or not an array)")} if {
	not is_array(d.body.resources)
} else := {lib.not_applicable(d.subject, msg)} if {
	count([r | some r in resources(d); in_scope(r)]) == 0
	msg := sprintf("%s has no resources that store data, so there is nothing to encrypt at rest", [d.subject])
} else := {at_rest_finding(d, r, i) | some i, r in resources(d); in_scope(r)}

at_rest_finding(d, r, i) := lib.pass(resource_id(d, r, i), msg) if {
	r.encrypted_at_rest == true
	msg := sprintf("%s (%s) is encrypted at rest", [resource_id(d, r, i), resource_label(r)])
} else := lib.unknown(resource_id(d, r, i), msg) if {
	not is_boolean(r.encrypted_at_rest)
	msg := sprintf("it is unknown whether %s (%s) is encrypted at rest (encrypted_at_rest is missing)", [resource_id(d, r, i), resource_label(r)])
} else := lib.unknown(resource_id(d, r, i), msg) if {
	not r.stores_data == true
	msg := sprintf("%s (%s) is not encrypted at rest and the evidence does not say whether it stores data (stores_data is missing)", [resource_id(d, r, i), resource_label(r)])
} else := lib.fail(resource_id(d, r, i), msg) if {
	msg := sprintf("%s (%s) stores data but is not encrypted at rest; turn on encryption (S3: default bucket encryption SSE-KMS; RDS/EBS: create an encrypted copy from a snapshot and switch over; servers: LUKS volumes)", [resource_id(d, r, i), resource_label(r)])
}

# tls_rank orders protocol names as engines print them: TLSv1, TLSv1.0, TLSv1.1,
# TLSv1.2, TLSv1.3 (also TLS1_2, tls1.2; case-insensitive). Unknown names are undefined.
tls_ranks := {"sslv3": 0, "tls1": 1, "tls1.0": 1, "tls1.1": 2, "tls1.2": 3, "tls1.3": 4}

tls_rank(v) := tls_ranks[n] if {
	is_string(v)
	n := replace(replace(replace(lower(trim_space(v)), "tlsv", "tls"), "_", "."), " ", "")
}

db_tls_findings(d, wanted) := {lib.unknown(d.subject, sprintf("params.min_protocol %v is not a TLS version; use one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3", [wanted]))} if {
	not tls_rank(wanted)
} else := problems if {
	problems := db_tls_problems(d, wanted)
	count(problems) > 0
} else := {lib.pass(d.subject, msg)} if {
	msg := sprintf("%s requires TLS: TLS is on, no access rule accepts plaintext, and the minimum protocol %s is at least %s", [d.subject, d.body.min_protocol, wanted])
}

engine_name(d) := d.body.engine if {
	is_string(d.body.engine)
} else := "unknown"

ssl_hint(d) := "set ssl = on in postgresql.conf" if {
	engine_name(d) == "postgresql"
} else := "set require_secure_transport = ON and configure ssl_cert/ssl_key" if {
	engine_name(d) in {"mysql", "mariadb"}
} else := "turn on TLS in the server configuration"

plaintext_hint(d) := "change host lines in pg_hba.conf to hostssl (or add hostnossl ... reject) and reload" if {
	engine_name(d) == "postgresql"
} else := "require TLS for every account (ALTER USER ... REQUIRE SSL) or set require_secure_transport = ON" if {
	engine_name(d) in {"mysql", "mariadb"}
} else := "make every access rule require TLS"

min_protocol_hint(d, wanted) := sprintf("set ssl_min_protocol_version = '%s' in postgresql.conf", [wanted]) if {
	engine_name(d) == "postgresql"
} else := sprintf("set tls_version to %s and newer only", [wanted]) if {
	engine_name(d) in {"mysql", "mariadb"}
} else := sprintf("set the minimum TLS version to %s", [wanted])

db_tls_problems(d, wanted) := ssl_problems(d) | plaintext_problems(d) | protocol_problems(d, wanted)

ssl_problems(d) := {lib.fail(d.subject, sprintf("%s accepts connections without TLS (ssl_enabled false); %s", [d.subject, ssl_hint(d)]))} if {
	d.body.ssl_enabled == false
} else := {lib.unknown(d.subject, "the evidence does not say whether TLS is enabled on the database (ssl_enabled is missing)")} if {
	not is_boolean(d.body.ssl_enabled)
} else := set()

plaintext_problems(d) := {lib.fail(d.subject, msg)} if {
	is_number(d.body.plaintext_rules)
	d.body.plaintext_rules > 0
	msg := sprintf("%s has %v access rule(s) that accept connections without TLS; %s", [d.subject, d.body.plaintext_rules, plaintext_hint(d)])
} else := {lib.unknown(d.subject, "the evidence does not say how many access rules accept plaintext connections (plaintext_rules is missing)")} if {
	not is_number(d.body.plaintext_rules)
} else := set()

# protocol_problems: only judged when TLS is on (with TLS off the fail above says it all).
protocol_problems(d, wanted) := set() if {
	d.body.ssl_enabled == false
} else := {lib.unknown(d.subject, "the evidence does not name the minimum TLS protocol the database accepts (min_protocol is missing)")} if {
	not is_string(d.body.min_protocol)
} else := {lib.unknown(d.subject, sprintf("the minimum TLS protocol %q of %s is not a known TLS version", [d.body.min_protocol, d.subject]))} if {
	not tls_rank(d.body.min_protocol)
} else := {lib.fail(d.subject, msg)} if {
	tls_rank(d.body.min_protocol) < tls_rank(wanted)
	msg := sprintf("%s accepts %s, below the minimum %s; %s and reload", [d.subject, d.body.min_protocol, wanted, min_protocol_hint(d, wanted)])
} else := set()

connections_finding(d) := lib.unknown(d.subject, "the evidence does not count the database's connections (connections.total or connections.encrypted is missing)") if {
	not is_number(d.body.connections.total)
} else := lib.unknown(d.subject, "the evidence does not count the database's connections (connections.total or connections.encrypted is missing)") if {
	not is_number(d.body.connections.encrypted)
} else := lib.not_applicable(d.subject, sprintf("%s had no client connections when the evidence was collected", [d.subject])) if {
	d.body.connections.total == 0
} else := lib.pass(d.subject, msg) if {
	d.body.connections.encrypted == d.body.connections.total
	msg := sprintf("all %v client connections to %s use TLS", [d.body.connections.total, d.subject])
} else := lib.fail(d.subject, msg) if {
	d.body.connections.encrypted < d.body.connections.total
	msg := sprintf("%v of %v client connections to %s do not use TLS; make the server refuse plaintext (see encryption.db-tls-required) and set sslmode=verify-full (or ssl-mode=VERIFY_IDENTITY) in the clients' connection strings", [d.body.connections.total - d.body.connections.encrypted, d.body.connections.total, d.subject])
} else := lib.unknown(d.subject, sprintf("the evidence counts more encrypted connections (%v) than connections (%v) for %s", [d.body.connections.encrypted, d.body.connections.total, d.subject]))
