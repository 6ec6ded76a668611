# assay.tls judges TLS endpoints (evidence kind tls.endpoint): the SSL Labs-style grade,
# the offered protocol versions, the accepted cipher suites (forward secrecy, strength,
# AEAD), the server certificate (expiry, trust, hostname, key size) and the HSTS header.
# Every rule emits one finding per endpoint at least; a fact the evidence lacks is an
# error finding, never a pass.
package assay.tls

import rego.v1

import data.assay.lib

# grade_rank orders grades best (0) to worst; T (untrusted certificate) and M (name
# mismatch) rank below F.
grade_rank := {"A+": 0, "A": 1, "A-": 2, "B": 3, "C": 4, "D": 5, "E": 6, "F": 7, "T": 8, "M": 9}

# protocol_order lists the protocol keys of the evidence, oldest first.
protocol_order := ["ssl3", "tls1_0", "tls1_1", "tls1_2", "tls1_3"]

protocol_rank := {"ssl3": 0, "tls1_0": 1, "tls1_1": 2, "tls1_2": 3, "tls1_3": 4}

protocol_name := {"ssl3": "SSL 3.0", "tls1_0": "TLS 1.0", "tls1_1": "TLS 1.1", "tls1_2": "TLS 1.2", "tls1_3": "TLS 1.3"}

# nginx_protocol is how nginx's ssl_protocols directive spells each protocol.
nginx_protocol := {"ssl3": "SSLv3", "tls1_0": "TLSv1", "tls1_1": "TLSv1.1", "tls1_2": "TLSv1.2", "tls1_3": "TLSv1.3"}

endpoints := lib.docs("tls.endpoint")

# ---------------------------------------------------------------------------
# tls.min-grade
# ---------------------------------------------------------------------------

min_grade contains lib.unknown(d.subject, "parameter min_grade is missing or not a grade; use one of A+, A, A-, B, C, D, E, F") if {
	some d in endpoints
	not valid_grade(input.params.min_grade)
}

min_grade contains lib.unknown(d.subject, "the evidence has no grade; rate the endpoint (testssl.sh --json or an SSL Labs scan) before judging it") if {
	some d in endpoints
	not is_string(d.body.grade.grade)
}

min_grade contains lib.unknown(d.subject, sprintf("the evidence has grade %q, which is not a known grade (A+, A, A-, B, C, D, E, F, T, M)", [d.body.grade.grade])) if {
	some d in endpoints
	is_string(d.body.grade.grade)
	not valid_grade(d.body.grade.grade)
}

min_grade contains lib.fail(d.subject, msg) if {
	some d in endpoints
	want := input.params.min_grade
	valid_grade(want)
	got := d.body.grade.grade
	valid_grade(got)
	grade_rank[got] > grade_rank[want]
	msg := sprintf("grade %s is below the required %s%s", [got, want, caps_text(d)])
}

min_grade contains lib.pass(d.subject, sprintf("grade %s meets the required %s", [got, want])) if {
	some d in endpoints
	want := input.params.min_grade
	valid_grade(want)
	got := d.body.grade.grade
	valid_grade(got)
	grade_rank[got] <= grade_rank[want]
}

valid_grade(g) if is_number(grade_rank[g])

# caps_text names what held the grade down (grade.caps[].reason), so the fail says what to fix.
caps_text(d) := sprintf("; capped by: %s", [concat("; ", reasons)]) if {
	reasons := cap_reasons(d)
	count(reasons) > 0
}

caps_text(d) := "; no grade cap was reported, so the score itself is too low (see the scan's protocol, key exchange and cipher scores)" if {
	count(cap_reasons(d)) == 0
}

cap_reasons(d) := [text |
	some c in grade_caps(d)
	text := cap_text(c)
]

grade_caps(d) := d.body.grade.caps if is_array(d.body.grade.caps)

grade_caps(d) := [] if not is_array(d.body.grade.caps)

cap_text(c) := sprintf("%s (caps the grade at %s)", [c.reason, c.grade]) if {
	is_string(c.reason)
	is_string(c.grade)
}

cap_text(c) := c.reason if {
	is_string(c.reason)
	not is_string(c.grade)
}

# ---------------------------------------------------------------------------
# tls.min-protocol-1-2
# ---------------------------------------------------------------------------

min_protocol contains lib.unknown(d.subject, "parameter min_protocol is missing or not a protocol; use one of ssl3, tls1_0, tls1_1, tls1_2, tls1_3") if {
	some d in endpoints
	not valid_protocol(input.params.min_protocol)
}

min_protocol contains lib.unknown(d.subject, "the evidence has no protocols object; the offered protocol versions are unknown") if {
	some d in endpoints
	not is_object(d.body.protocols)
}

# One fail per offered protocol below the minimum.
min_protocol contains lib.fail(d.subject, msg) if {
	some d in endpoints
	limit := input.params.min_protocol
	valid_protocol(limit)
	some p in protocol_order
	protocol_rank[p] < protocol_rank[limit]
	d.body.protocols[p] == true
	msg := sprintf("%s is offered; disable it and allow only %s and newer (nginx: ssl_protocols %s;)", [protocol_name[p], protocol_name[limit], nginx_protocols_from(limit)])
}

# A protocol below the minimum whose state the evidence does not give is unknown, not absent.
min_protocol contains lib.unknown(d.subject, sprintf("whether %s is offered is unknown (protocols.%s is missing); rescan with all protocol versions", [protocol_name[p], p])) if {
	some d in endpoints
	limit := input.params.min_protocol
	valid_protocol(limit)
	is_object(d.body.protocols)
	some p in protocol_order
	protocol_rank[p] < protocol_rank[limit]
	not is_boolean(d.body.protocols[p])
}

min_protocol contains lib.fail(d.subject, sprintf("no protocol at or above %s is offered; enable %s", [protocol_name[limit], nginx_protocols_from(limit)])) if {
	some d in endpoints
	limit := input.params.min_protocol
	valid_protocol(limit)
	is_object(d.body.protocols)
	count(offered_from(d.body.protocols, limit)) == 0
	count(unknown_from(d.body.protocols, limit)) == 0
}

min_protocol contains lib.unknown(d.subject, sprintf("none of %s is reported as offered and %s is unknown; rescan with all protocol versions", [concat(", ", names_from(limit)), concat(", ", unknown_from(d.body.protocols, limit))])) if {
	some d in endpoints
	limit := input.params.min_protocol
	valid_protocol(limit)
	is_object(d.body.protocols)
	count(offered_from(d.body.protocols, limit)) == 0
	count(unknown_from(d.body.protocols, limit)) > 0
}

min_protocol contains lib.pass(d.subject, sprintf("offers only %s (minimum %s)", [concat(", ", offered_from(d.body.protocols, limit)), protocol_name[limit]])) if {
	some d in endpoints
	limit := input.params.min_protocol
	valid_protocol(limit)
	is_object(d.body.protocols)
	count(offered_from(d.body.protocols, limit)) > 0
	count(below_not_off(d.body.protocols, limit)) == 0
}

valid_protocol(p) if is_number(protocol_rank[p])

# offered_from names the offered protocols at or above limit, oldest first.
offered_from(protocols, limit) := [protocol_name[p] |
	some p in protocol_order
	protocol_rank[p] >= protocol_rank[limit]
	protocols[p] == true
]

# unknown_from names the protocols at or above limit whose state is not given.
unknown_from(protocols, limit) := [protocol_name[p] |
	some p in protocol_order
	protocol_rank[p] >= protocol_rank[limit]
	not is_boolean(protocols[p])
]

# below_not_off lists protocols below limit that are not known to be disabled.
below_not_off(protocols, limit) := [p |
	some p in protocol_order
	protocol_rank[p] < protocol_rank[limit]
	not protocols[p] == false
]

names_from(limit) := [protocol_name[p] |
	some p in protocol_order
	protocol_rank[p] >= protocol_rank[limit]
]

nginx_protocols_from(limit) := concat(" ", [nginx_protocol[p] |
	some p in protocol_order
	protocol_rank[p] >= protocol_rank[limit]
])

# ---------------------------------------------------------------------------
# Cipher suites, shared by tls.forward-secrecy and tls.strong-ciphers-only
# ---------------------------------------------------------------------------

# suites is the non-empty list of accepted cipher suites of an endpoint.
suites(d) := d.body.cipher_suites if {
	is_array(d.body.cipher_suites)
	count(d.body.cipher_suites) > 0
}

# suite_where names the protocols a suite was accepted with, e.g. "TLS 1.0, TLS 1.2".
suite_where(ss, name) := concat(", ", sort({label |
	some s in ss
	s.name == name
	label := protocol_label(s.protocol)
}))

protocol_label(p) := protocol_name[p]

protocol_label(p) := sprintf("%v", [p]) if not protocol_name[p]

# ---------------------------------------------------------------------------
# tls.forward-secrecy
# ---------------------------------------------------------------------------

forward_secrecy contains lib.unknown(d.subject, "the evidence lists no accepted cipher suites; forward secrecy cannot be judged") if {
	some d in endpoints
	not suites(d)
}

forward_secrecy contains lib.unknown(d.subject, msg) if {
	some d in endpoints
	ss := suites(d)
	some msg in fs_unknowns(ss)
}

forward_secrecy contains lib.fail(d.subject, msg) if {
	some d in endpoints
	ss := suites(d)
	some msg in fs_failures(ss)
}

forward_secrecy contains lib.pass(d.subject, sprintf("all %d accepted cipher suites use a forward-secret key exchange (ECDHE, DHE or TLS 1.3)", [count({s.name | some s in ss})])) if {
	some d in endpoints
	ss := suites(d)
	count(fs_unknowns(ss)) == 0
	count(fs_failures(ss)) == 0
}

fs_failures(ss) := {msg |
	some s in ss
	s.forward_secrecy == false
	msg := sprintf("%s (%s; key exchange %v) has no forward secrecy; remove static-RSA key exchange suites and keep only ECDHE/DHE suites (nginx: ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;)", [s.name, suite_where(ss, s.name), object.get(s, "kx", "unknown")])
}

fs_unknowns(ss) := {msg |
	some i, s in ss
	not is_boolean(s.forward_secrecy)
	not s.protocol == "tls1_3"
	msg := sprintf("whether cipher suite %v (entry %d) has forward secrecy is unknown (forward_secrecy missing)", [object.get(s, "name", "without a name"), i + 1])
}

# ---------------------------------------------------------------------------
# tls.strong-ciphers-only
# ---------------------------------------------------------------------------

strong_ciphers contains lib.unknown(d.subject, "the evidence lists no accepted cipher suites; cipher strength cannot be judged") if {
	some d in endpoints
	not suites(d)
}

strong_ciphers contains lib.unknown(d.subject, "parameters min_cipher_bits (a number) and require_aead (true or false) are missing or invalid") if {
	some d in endpoints
	not cipher_params_valid(input.params.min_cipher_bits, input.params.require_aead)
}

strong_ciphers contains lib.unknown(d.subject, msg) if {
	some d in endpoints
	ss := suites(d)
	bits := input.params.min_cipher_bits
	aead := input.params.require_aead
	cipher_params_valid(bits, aead)
	some msg in cipher_unknowns(ss, aead)
}

strong_ciphers contains lib.fail(d.subject, msg) if {
	some d in endpoints
	ss := suites(d)
	bits := input.params.min_cipher_bits
	aead := input.params.require_aead
	cipher_params_valid(bits, aead)
	some msg in cipher_failures(ss, bits, aead)
}

strong_ciphers contains lib.pass(d.subject, sprintf("all %d accepted cipher suites are strong (no RC4, 3DES, DES, NULL, EXPORT or anonymous suites, at least %v-bit keys%s)", [count({s.name | some s in ss}), bits, aead_note(aead)])) if {
	some d in endpoints
	ss := suites(d)
	bits := input.params.min_cipher_bits
	aead := input.params.require_aead
	cipher_params_valid(bits, aead)
	count(cipher_unknowns(ss, aead)) == 0
	count(cipher_failures(ss, bits, aead)) == 0
}

cipher_params_valid(bits, aead) if {
	is_number(bits)
	is_boolean(aead)
}

aead_note(true) := ", AEAD only"

aead_note(false) := ""

# weak_cipher_name matches IANA and OpenSSL names of broken ciphers: RC4, 3DES, DES,
# NULL encryption, EXPORT grade and anonymous (unauthenticated) key exchange.
weak_cipher_name(name) if regex.match(`(?i)(RC4|3DES|DES[-_]CBC3|(^|[-_])DES([-_]|$)|DES40|NULL|EXPORT|(^|[-_])EXP|_anon_|(^|[-_])A(EC)?DH[-_])`, name)

cipher_failures(ss, bits, aead) := (weak_name_failures(ss) | short_key_failures(ss, bits)) | non_aead_failures(ss, aead)

# weak_names are the distinct suite names of the endpoints that weak_cipher_name matches,
# so the regular expression runs once per distinct name rather than once per suite.
weak_names := {n | some n in suite_names; weak_cipher_name(n)}

suite_names := {s.name | some d in endpoints; some s in suites(d); is_string(s.name)}

weak_name_failures(ss) := {msg |
	some s in ss
	is_string(s.name)
	s.name in weak_names
	msg := sprintf("%s (%s) is a broken cipher (RC4, 3DES, DES, NULL, EXPORT or anonymous); remove it from the server's cipher list (nginx: ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;)", [s.name, suite_where(ss, s.name)])
}

short_key_failures(ss, bits) := {msg |
	some s in ss
	is_number(s.bits)
	s.bits < bits
	msg := sprintf("%v (%s) uses %v-bit keys, below the required %v bits; remove it from the server's cipher list", [object.get(s, "name", "a suite without a name"), suite_where(ss, object.get(s, "name", null)), s.bits, bits])
}

# TLS 1.3 suites are AEAD by definition; every older suite must be AEAD when required.
non_aead_failures(ss, true) := {msg |
	some s in ss
	not s.protocol == "tls1_3"
	s.aead == false
	msg := sprintf("%v (%s) is not an AEAD suite (CBC or stream cipher); offer only AES-GCM, AES-CCM or ChaCha20-Poly1305 suites", [object.get(s, "name", "a suite without a name"), suite_where(ss, object.get(s, "name", null))])
}

non_aead_failures(ss, false) := set()

cipher_unknowns(ss, aead) := (name_unknowns(ss) | bits_unknowns(ss)) | aead_unknowns(ss, aead)

name_unknowns(ss) := {sprintf("cipher suite entry %d has no name; its strength is unknown", [i + 1]) |
	some i, s in ss
	not is_string(s.name)
}

bits_unknowns(ss) := {sprintf("the key size of %v (entry %d) is unknown (bits missing)", [object.get(s, "name", "a suite without a name"), i + 1]) |
	some i, s in ss
	not is_number(s.bits)
}

aead_unknowns(ss, true) := {sprintf("whether %v (entry %d) is AEAD is unknown (aead missing)", [object.get(s, "name", "a suite without a name"), i + 1]) |
	some i, s in ss
	not s.protocol == "tls1_3"
	not is_boolean(s.aead)
}

aead_unknowns(ss, false) := set()

# ---------------------------------------------------------------------------
# Certificate
# ---------------------------------------------------------------------------

# rfc3339 holds for a timestamp time.parse_rfc3339_ns can read.
rfc3339(s) if {
	is_string(s)
	regex.match(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`, s)
}

# tls.cert-not-expiring

cert_validity contains lib.unknown(d.subject, "parameter min_days_left is missing or not a number") if {
	some d in endpoints
	not is_number(input.params.min_days_left)
}

cert_validity contains lib.unknown(d.subject, "the certificate's expiry date is unknown (certificate.not_after missing or not an RFC 3339 time)") if {
	some d in endpoints
	not rfc3339(d.body.certificate.not_after)
}

cert_validity contains lib.fail(d.subject, sprintf("the certificate expired on %s; renew it now (e.g. certbot renew) and reload the server", [not_after])) if {
	some d in endpoints
	is_number(input.params.min_days_left)
	not_after := d.body.certificate.not_after
	rfc3339(not_after)
	lib.days_until(not_after) < 0
}

cert_validity contains lib.fail(d.subject, msg) if {
	some d in endpoints
	limit := input.params.min_days_left
	is_number(limit)
	not_after := d.body.certificate.not_after
	rfc3339(not_after)
	days := lib.days_until(not_after)
	days >= 0
	days < limit
	msg := sprintf("the certificate expires on %s, in %d days (fewer than the required %v); renew it (e.g. certbot renew) and check that automatic renewal runs", [not_after, floor(days), limit])
}

cert_validity contains lib.pass(d.subject, sprintf("the certificate is valid until %s (%d days left, at least %v required)", [not_after, floor(days), limit])) if {
	some d in endpoints
	limit := input.params.min_days_left
	is_number(limit)
	not_after := d.body.certificate.not_after
	rfc3339(not_after)
	days := lib.days_until(not_after)
	days >= limit
}

# tls.cert-trusted

cert_trusted contains lib.unknown(d.subject, "whether the certificate is trusted is unknown (certificate.trusted missing)") if {
	some d in endpoints
	not is_boolean(d.body.certificate.trusted)
}

cert_trusted contains lib.unknown(d.subject, "whether the certificate chain is complete is unknown (certificate.chain_complete missing)") if {
	some d in endpoints
	not is_boolean(d.body.certificate.chain_complete)
}

cert_trusted contains lib.fail(d.subject, sprintf("the certificate (issuer %v) is not trusted by public root stores%s; install a certificate from a public CA (e.g. certbot certonly --webroot -d %v)", [issuer(d), self_signed_note(d), host(d)])) if {
	some d in endpoints
	d.body.certificate.trusted == false
}

cert_trusted contains lib.fail(d.subject, "the certificate chain is incomplete (intermediate certificates missing); serve the full chain (nginx: ssl_certificate /etc/letsencrypt/live/<name>/fullchain.pem;)") if {
	some d in endpoints
	d.body.certificate.chain_complete == false
}

cert_trusted contains lib.pass(d.subject, sprintf("the certificate (issuer %v) is trusted and its chain is complete", [issuer(d)])) if {
	some d in endpoints
	d.body.certificate.trusted == true
	d.body.certificate.chain_complete == true
}

issuer(d) := object.get(d.body.certificate, "issuer", "unknown")

host(d) := d.body.host if is_string(d.body.host)

host(d) := d.subject if not is_string(d.body.host)

self_signed_note(d) := "; it is self-signed" if d.body.certificate.self_signed == true

self_signed_note(d) := "" if not d.body.certificate.self_signed == true

# tls.cert-hostname-match

cert_hostname contains lib.unknown(d.subject, "whether the certificate matches the host name is unknown (certificate.hostname_match missing)") if {
	some d in endpoints
	not is_boolean(d.body.certificate.hostname_match)
}

cert_hostname contains lib.fail(d.subject, sprintf("the certificate (subject %v, names %s) does not cover %v; issue a certificate whose subjectAltName includes %v", [object.get(d.body.certificate, "subject", "unknown"), cert_names(d), host(d), host(d)])) if {
	some d in endpoints
	d.body.certificate.hostname_match == false
}

cert_hostname contains lib.pass(d.subject, sprintf("the certificate covers %v", [host(d)])) if {
	some d in endpoints
	d.body.certificate.hostname_match == true
}

cert_names(d) := concat(", ", [sprintf("%v", [n]) | some n in d.body.certificate.sans]) if {
	is_array(d.body.certificate.sans)
	count(d.body.certificate.sans) > 0
}

cert_names(d) := "none listed" if not has_sans(d)

has_sans(d) if {
	is_array(d.body.certificate.sans)
	count(d.body.certificate.sans) > 0
}

# tls.cert-key-strength

cert_key contains lib.unknown(d.subject, "parameters min_rsa_bits and min_ec_bits are missing or not numbers") if {
	some d in endpoints
	not key_params_valid(input.params.min_rsa_bits, input.params.min_ec_bits)
}

cert_key contains lib.unknown(d.subject, "the certificate's key type is unknown (certificate.key_type missing)") if {
	some d in endpoints
	not is_string(d.body.certificate.key_type)
}

cert_key contains lib.unknown(d.subject, sprintf("the size of the certificate's %s key is unknown (certificate.key_bits missing)", [d.body.certificate.key_type])) if {
	some d in endpoints
	key_family(d.body.certificate.key_type) in {"RSA", "EC"}
	not is_number(d.body.certificate.key_bits)
}

cert_key contains lib.fail(d.subject, msg) if {
	some d in endpoints
	key_params_valid(input.params.min_rsa_bits, input.params.min_ec_bits)
	fam := key_family(d.body.certificate.key_type)
	limit := key_minimum(fam, input.params.min_rsa_bits, input.params.min_ec_bits)
	bits := d.body.certificate.key_bits
	is_number(bits)
	bits < limit
	msg := sprintf("the certificate has a %v-bit %s key, below the required %v bits; issue a new certificate with a stronger key (e.g. certbot --key-type ecdsa --elliptic-curve secp256r1, or openssl req -newkey rsa:3072)", [bits, fam, limit])
}

cert_key contains lib.fail(d.subject, sprintf("the certificate has a %s key, which is not accepted; use RSA (at least %v bits), EC (at least %v bits) or Ed25519", [d.body.certificate.key_type, input.params.min_rsa_bits, input.params.min_ec_bits])) if {
	some d in endpoints
	key_params_valid(input.params.min_rsa_bits, input.params.min_ec_bits)
	key_family(d.body.certificate.key_type) == "other"
}

cert_key contains lib.pass(d.subject, sprintf("the certificate has a %v-bit %s key (at least %v required)", [bits, fam, limit])) if {
	some d in endpoints
	key_params_valid(input.params.min_rsa_bits, input.params.min_ec_bits)
	fam := key_family(d.body.certificate.key_type)
	limit := key_minimum(fam, input.params.min_rsa_bits, input.params.min_ec_bits)
	bits := d.body.certificate.key_bits
	is_number(bits)
	bits >= limit
}

cert_key contains lib.pass(d.subject, sprintf("the certificate has an %s key", [d.body.certificate.key_type])) if {
	some d in endpoints
	key_params_valid(input.params.min_rsa_bits, input.params.min_ec_bits)
	key_family(d.body.certificate.key_type) == "EdDSA"
}

key_params_valid(rsa, ec) if {
	is_number(rsa)
	is_number(ec)
}

# key_family maps the evidence's key_type to RSA, EC, EdDSA (fixed strength) or other.
key_family(t) := "RSA" if {
	is_string(t)
	upper(t) == "RSA"
}

key_family(t) := "EC" if {
	is_string(t)
	upper(t) in {"EC", "ECDSA"}
}

key_family(t) := "EdDSA" if {
	is_string(t)
	upper(t) in {"ED25519", "ED448"}
}

key_family(t) := "other" if {
	is_string(t)
	not upper(t) in {"RSA", "EC", "ECDSA", "ED25519", "ED448"}
}

key_minimum("RSA", rsa, _) := rsa

key_minimum("EC", _, ec) := ec

# ---------------------------------------------------------------------------
# tls.hsts
# ---------------------------------------------------------------------------

hsts contains lib.unknown(d.subject, "parameters min_max_age (a number) and require_include_subdomains (true or false) are missing or invalid") if {
	some d in endpoints
	not hsts_params_valid(input.params.min_max_age, input.params.require_include_subdomains)
}

hsts contains lib.unknown(d.subject, "whether a Strict-Transport-Security header is sent is unknown (hsts missing from the evidence)") if {
	some d in endpoints
	not "hsts" in object.keys(d.body)
}

hsts contains lib.unknown(d.subject, sprintf("the evidence's hsts is %v, not an object or null", [d.body.hsts])) if {
	some d in endpoints
	not is_object(d.body.hsts)
	not is_null(d.body.hsts)
	"hsts" in object.keys(d.body)
}

hsts contains lib.fail(d.subject, sprintf("no Strict-Transport-Security header; send %s", [hsts_example(limit, sub)])) if {
	some d in endpoints
	limit := input.params.min_max_age
	sub := input.params.require_include_subdomains
	hsts_params_valid(limit, sub)
	is_null(d.body.hsts)
}

hsts contains lib.unknown(d.subject, "the Strict-Transport-Security max-age is unknown (hsts.max_age missing)") if {
	some d in endpoints
	is_object(d.body.hsts)
	not is_number(d.body.hsts.max_age)
}

hsts contains lib.fail(d.subject, sprintf("Strict-Transport-Security max-age=%v is shorter than the required %v seconds; send %s", [d.body.hsts.max_age, limit, hsts_example(limit, sub)])) if {
	some d in endpoints
	limit := input.params.min_max_age
	sub := input.params.require_include_subdomains
	hsts_params_valid(limit, sub)
	is_number(d.body.hsts.max_age)
	d.body.hsts.max_age < limit
}

hsts contains lib.unknown(d.subject, "whether Strict-Transport-Security has includeSubDomains is unknown (hsts.include_subdomains missing)") if {
	some d in endpoints
	input.params.require_include_subdomains == true
	is_object(d.body.hsts)
	not is_boolean(d.body.hsts.include_subdomains)
}

hsts contains lib.fail(d.subject, sprintf("Strict-Transport-Security lacks includeSubDomains, which is required; send %s", [hsts_example(limit, sub)])) if {
	some d in endpoints
	limit := input.params.min_max_age
	sub := input.params.require_include_subdomains
	hsts_params_valid(limit, sub)
	sub == true
	d.body.hsts.include_subdomains == false
}

hsts contains lib.pass(d.subject, sprintf("Strict-Transport-Security max-age=%v (at least %v required)%s", [d.body.hsts.max_age, limit, subdomains_note(d.body.hsts)])) if {
	some d in endpoints
	limit := input.params.min_max_age
	sub := input.params.require_include_subdomains
	hsts_params_valid(limit, sub)
	is_number(d.body.hsts.max_age)
	d.body.hsts.max_age >= limit
	subdomains_ok(d.body.hsts, sub)
}

hsts_params_valid(limit, sub) if {
	is_number(limit)
	is_boolean(sub)
}

subdomains_ok(_, false) := true

subdomains_ok(h, true) if h.include_subdomains == true

subdomains_note(h) := ", includeSubDomains" if h.include_subdomains == true

subdomains_note(h) := "" if not h.include_subdomains == true

hsts_example(limit, true) := sprintf("\"Strict-Transport-Security: max-age=%v; includeSubDomains\"", [max([31536000, limit])])

hsts_example(limit, false) := sprintf("\"Strict-Transport-Security: max-age=%v\"", [max([31536000, limit])])
