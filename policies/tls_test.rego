# Tests for assay.tls: for every rule a pass, a fail and the edge cases (missing facts,
# boundary values, several endpoints, bad params).
package assay.tls_test

import rego.v1

import data.assay.tls

now := "2026-11-25T06:00:00Z"

# good_body is an endpoint that satisfies every TLS control with the default params.
good_body := {
	"host": "app.coloom.example",
	"port": 443,
	"address": "203.0.113.10",
	"protocols": {"ssl3": false, "tls1_0": false, "tls1_1": false, "tls1_2": true, "tls1_3": true},
	"cipher_suites": [
		{"name": "TLS_AES_128_GCM_SHA256", "protocol": "tls1_3", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": 128},
		{"name": "TLS_CHACHA20_POLY1305_SHA256", "protocol": "tls1_3", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": 256},
		{"name": "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "protocol": "tls1_2", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": 256},
	],
	"dh_bits": null,
	"certificate": {
		"subject": "CN=app.coloom.example",
		"sans": ["app.coloom.example", "www.coloom.example"],
		"issuer": "CN=R11,O=Let's Encrypt,C=US",
		"not_before": "2026-10-01T00:00:00Z",
		"not_after": "2026-12-30T06:00:00Z",
		"key_type": "EC",
		"key_bits": 256,
		"signature_algorithm": "ecdsa-with-SHA384",
		"trusted": true,
		"hostname_match": true,
		"chain_complete": true,
		"self_signed": false,
	},
	"grade": {"grade": "A", "score": 93, "caps": []},
	"hsts": {"max_age": 31536000, "include_subdomains": true, "preload": false},
}

ep(subject, body) := {
	"kind": "tls.endpoint",
	"subject": subject,
	"collected_at": "2026-11-25T03:00:00Z",
	"source": "probe",
	"body": body,
}

inp(params, docs) := {"control": {"id": "tls.test"}, "params": params, "now": now, "evidence": docs}

# one(body) is a single endpoint app.coloom.example:443 with the given body.
one(body) := [ep("app.coloom.example:443", body)]

# patch replaces top-level body fields.
patch(fields) := object.union(good_body, fields)

# cert replaces the certificate with good_body's certificate plus/minus fields.
cert(add, drop) := object.union(object.remove(good_body, ["certificate"]), {"certificate": object.union(object.remove(good_body.certificate, drop), add)})

# suites replaces the cipher suites.
suites(ss) := object.union(object.remove(good_body, ["cipher_suites"]), {"cipher_suites": ss})

statuses(fs) := [x.status | some x in fs]

with_status(fs, s) := {x | some x in fs; x.status == s}

grade_params := {"min_grade": "A"}

proto_params := {"min_protocol": "tls1_2"}

cipher_params := {"min_cipher_bits": 128, "require_aead": true}

validity_params := {"min_days_left": 14}

key_params := {"min_rsa_bits": 2048, "min_ec_bits": 256}

hsts_params := {"min_max_age": 15552000, "require_include_subdomains": false}

# ---------------------------------------------------------------- min_grade

test_min_grade_pass if {
	fs := tls.min_grade with input as inp(grade_params, one(good_body))
	fs == {{"subject": "app.coloom.example:443", "status": "pass", "message": "grade A meets the required A"}}
}

test_min_grade_better_grade_passes if {
	fs := tls.min_grade with input as inp(grade_params, one(patch({"grade": {"grade": "A+"}})))
	statuses(fs) == ["pass"]
}

test_min_grade_fail_names_caps if {
	body := patch({"grade": {"grade": "B", "score": 80, "caps": [{"grade": "B", "reason": "TLS 1.0 and TLS 1.1 supported"}, {"grade": "B", "reason": "no forward secrecy with some clients"}]}})
	fs := tls.min_grade with input as inp(grade_params, one(body))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "grade B is below the required A")
	contains(x.message, "TLS 1.0 and TLS 1.1 supported (caps the grade at B)")
	contains(x.message, "no forward secrecy with some clients")
}

test_min_grade_fail_without_caps if {
	fs := tls.min_grade with input as inp(grade_params, one(patch({"grade": {"grade": "A-", "score": 85, "caps": null}})))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "no grade cap was reported")
}

test_min_grade_t_and_m_are_worse_than_f if {
	fs := tls.min_grade with input as inp({"min_grade": "F"}, [
		ep("t.example:443", patch({"grade": {"grade": "T", "caps": [{"grade": "T", "reason": "certificate not trusted"}]}})),
		ep("m.example:443", patch({"grade": {"grade": "M"}})),
		ep("f.example:443", patch({"grade": {"grade": "F"}})),
	])
	count(fs) == 3
	{x.subject | some x in with_status(fs, "fail")} == {"t.example:443", "m.example:443"}
	{x.subject | some x in with_status(fs, "pass")} == {"f.example:443"}
}

test_min_grade_missing_is_error if {
	fs := tls.min_grade with input as inp(grade_params, one(object.remove(good_body, ["grade"])))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "no grade")
}

test_min_grade_null_grade_is_error if {
	fs := tls.min_grade with input as inp(grade_params, one(patch({"grade": null})))
	statuses(fs) == ["error"]
}

test_min_grade_unknown_letter_is_error if {
	fs := tls.min_grade with input as inp(grade_params, one(patch({"grade": {"grade": "Z"}})))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "\"Z\"")
}

test_min_grade_bad_param_is_error if {
	fs := tls.min_grade with input as inp({"min_grade": "A++"}, one(good_body))
	statuses(fs) == ["error"]
}

test_min_grade_several_subjects if {
	fs := tls.min_grade with input as inp(grade_params, [
		ep("a.example:443", good_body),
		ep("b.example:443", patch({"grade": {"grade": "C"}})),
	])
	count(fs) == 2
	{x.subject | some x in with_status(fs, "pass")} == {"a.example:443"}
	{x.subject | some x in with_status(fs, "fail")} == {"b.example:443"}
}

# ---------------------------------------------------------------- min_protocol

test_min_protocol_pass if {
	fs := tls.min_protocol with input as inp(proto_params, one(good_body))
	fs == {{"subject": "app.coloom.example:443", "status": "pass", "message": "offers only TLS 1.2, TLS 1.3 (minimum TLS 1.2)"}}
}

test_min_protocol_fail_per_old_protocol if {
	# Clozer's "TLS version 1.0 or higher": TLS 1.0 and 1.1 still offered.
	body := patch({"protocols": {"ssl3": false, "tls1_0": true, "tls1_1": true, "tls1_2": true, "tls1_3": false}})
	fs := tls.min_protocol with input as inp(proto_params, one(body))
	count(fs) == 2
	statuses(fs) == ["fail", "fail"]
	some a in fs
	a.message == "TLS 1.0 is offered; disable it and allow only TLS 1.2 and newer (nginx: ssl_protocols TLSv1.2 TLSv1.3;)"
	some b in fs
	startswith(b.message, "TLS 1.1 is offered")
}

test_min_protocol_ssl3_fails if {
	body := patch({"protocols": {"ssl3": true, "tls1_0": false, "tls1_1": false, "tls1_2": true, "tls1_3": true}})
	fs := tls.min_protocol with input as inp(proto_params, one(body))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "SSL 3.0 is offered")
}

test_min_protocol_nothing_modern_offered if {
	body := patch({"protocols": {"ssl3": false, "tls1_0": true, "tls1_1": false, "tls1_2": false, "tls1_3": false}})
	fs := tls.min_protocol with input as inp(proto_params, one(body))
	count(fs) == 2
	some x in fs
	x.message == "no protocol at or above TLS 1.2 is offered; enable TLSv1.2 TLSv1.3"
}

test_min_protocol_missing_old_key_is_error if {
	body := object.union(object.remove(good_body, ["protocols"]), {"protocols": {"tls1_0": false, "tls1_1": false, "tls1_2": true, "tls1_3": true}})
	fs := tls.min_protocol with input as inp(proto_params, one(body))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "SSL 3.0")
}

test_min_protocol_null_old_key_is_error if {
	body := patch({"protocols": {"tls1_0": null}})
	fs := tls.min_protocol with input as inp(proto_params, one(body))
	statuses(fs) == ["error"]
}

test_min_protocol_missing_protocols_is_error if {
	fs := tls.min_protocol with input as inp(proto_params, one(object.remove(good_body, ["protocols"])))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "no protocols")
}

test_min_protocol_unknown_modern_and_none_offered_is_error if {
	body := object.union(object.remove(good_body, ["protocols"]), {"protocols": {"ssl3": false, "tls1_0": false, "tls1_1": false, "tls1_2": false}})
	fs := tls.min_protocol with input as inp(proto_params, one(body))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "TLS 1.3 is unknown")
}

test_min_protocol_only_tls13_required if {
	fs := tls.min_protocol with input as inp({"min_protocol": "tls1_3"}, one(good_body))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	x.message == "TLS 1.2 is offered; disable it and allow only TLS 1.3 and newer (nginx: ssl_protocols TLSv1.3;)"
}

test_min_protocol_bad_param_is_error if {
	fs := tls.min_protocol with input as inp({"min_protocol": "TLSv1.2"}, one(good_body))
	statuses(fs) == ["error"]
}

test_min_protocol_several_subjects if {
	fs := tls.min_protocol with input as inp(proto_params, [
		ep("a.example:443", good_body),
		ep("b.example:443", patch({"protocols": {"tls1_1": true}})),
	])
	count(fs) == 2
	{x.subject | some x in with_status(fs, "pass")} == {"a.example:443"}
	{x.subject | some x in with_status(fs, "fail")} == {"b.example:443"}
}

# ---------------------------------------------------------------- forward_secrecy

test_forward_secrecy_pass if {
	fs := tls.forward_secrecy with input as inp({}, one(good_body))
	count(fs) == 1
	some x in fs
	x.status == "pass"
	contains(x.message, "all 3 accepted cipher suites")
}

test_forward_secrecy_fail_per_suite_across_protocols if {
	rsa := "TLS_RSA_WITH_AES_128_GCM_SHA256"
	body := suites(array.concat(good_body.cipher_suites, [
		{"name": rsa, "protocol": "tls1_2", "kx": "RSA", "forward_secrecy": false, "aead": true, "bits": 128},
		{"name": "TLS_RSA_WITH_AES_256_CBC_SHA", "protocol": "tls1_2", "kx": "RSA", "forward_secrecy": false, "aead": false, "bits": 256},
		{"name": "TLS_RSA_WITH_AES_256_CBC_SHA", "protocol": "tls1_0", "kx": "RSA", "forward_secrecy": false, "aead": false, "bits": 256},
	]))
	fs := tls.forward_secrecy with input as inp({}, one(body))
	count(fs) == 2
	statuses(fs) == ["fail", "fail"]
	some x in fs
	startswith(x.message, "TLS_RSA_WITH_AES_256_CBC_SHA (TLS 1.0, TLS 1.2; key exchange RSA) has no forward secrecy")
}

test_forward_secrecy_empty_suites_is_error if {
	fs := tls.forward_secrecy with input as inp({}, one(suites([])))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "no accepted cipher suites")
}

test_forward_secrecy_missing_suites_is_error if {
	fs := tls.forward_secrecy with input as inp({}, one(object.remove(good_body, ["cipher_suites"])))
	statuses(fs) == ["error"]
}

test_forward_secrecy_unknown_flag_is_error if {
	body := suites([{"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "protocol": "tls1_2", "kx": "ECDHE", "aead": true, "bits": 128}])
	fs := tls.forward_secrecy with input as inp({}, one(body))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (entry 1)")
}

test_forward_secrecy_tls13_without_flag_passes if {
	body := suites([{"name": "TLS_AES_256_GCM_SHA384", "protocol": "tls1_3", "kx": "ECDHE", "aead": true, "bits": 256}])
	fs := tls.forward_secrecy with input as inp({}, one(body))
	statuses(fs) == ["pass"]
}

# ---------------------------------------------------------------- strong_ciphers

test_strong_ciphers_pass if {
	fs := tls.strong_ciphers with input as inp(cipher_params, one(good_body))
	fs == {{"subject": "app.coloom.example:443", "status": "pass", "message": "all 3 accepted cipher suites are strong (no RC4, 3DES, DES, NULL, EXPORT or anonymous suites, at least 128-bit keys, AEAD only)"}}
}

test_strong_ciphers_weak_names_fail if {
	body := suites([
		{"name": "TLS_RSA_WITH_RC4_128_SHA", "protocol": "tls1_2", "kx": "RSA", "forward_secrecy": false, "aead": false, "bits": 128},
		{"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "protocol": "tls1_2", "kx": "RSA", "forward_secrecy": false, "aead": false, "bits": 112},
		{"name": "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "protocol": "tls1_2", "kx": "DH", "forward_secrecy": true, "aead": true, "bits": 128},
		{"name": "TLS_RSA_WITH_NULL_SHA256", "protocol": "tls1_2", "kx": "RSA", "forward_secrecy": false, "aead": false, "bits": 128},
	])
	fs := tls.strong_ciphers with input as inp({"min_cipher_bits": 0, "require_aead": false}, one(body))
	count(fs) == 4
	every x in fs {
		x.status == "fail"
		contains(x.message, "is a broken cipher")
	}
}

test_weak_cipher_name_patterns if {
	tls.weak_cipher_name("TLS_RSA_EXPORT_WITH_RC4_40_MD5")
	tls.weak_cipher_name("TLS_RSA_WITH_DES_CBC_SHA")
	tls.weak_cipher_name("DES-CBC3-SHA")
	tls.weak_cipher_name("EXP-RC4-MD5")
	tls.weak_cipher_name("ADH-AES128-SHA")
	tls.weak_cipher_name("AECDH-AES256-SHA")
	not tls.weak_cipher_name("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
	not tls.weak_cipher_name("ECDHE-RSA-AES256-GCM-SHA384")
	not tls.weak_cipher_name("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256")
	not tls.weak_cipher_name("DHE-DSS-AES128-SHA")
}

test_strong_ciphers_short_keys_fail if {
	body := suites([{"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "protocol": "tls1_2", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": 128}])
	fs := tls.strong_ciphers with input as inp({"min_cipher_bits": 256, "require_aead": true}, one(body))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	x.message == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (TLS 1.2) uses 128-bit keys, below the required 256 bits; remove it from the server's cipher list"
}

test_strong_ciphers_bits_boundary_passes if {
	fs := tls.strong_ciphers with input as inp({"min_cipher_bits": 128, "require_aead": true}, one(good_body))
	statuses(fs) == ["pass"]
}

test_strong_ciphers_cbc_fails_when_aead_required if {
	cbc := {"name": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "protocol": "tls1_2", "kx": "ECDHE", "forward_secrecy": true, "aead": false, "bits": 128}
	body := suites(array.concat(good_body.cipher_suites, [cbc]))
	fs := tls.strong_ciphers with input as inp(cipher_params, one(body))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 (TLS 1.2) is not an AEAD suite")
}

test_strong_ciphers_cbc_allowed_when_aead_not_required if {
	cbc := {"name": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "protocol": "tls1_2", "kx": "ECDHE", "forward_secrecy": true, "aead": false, "bits": 128}
	body := suites(array.concat(good_body.cipher_suites, [cbc]))
	fs := tls.strong_ciphers with input as inp({"min_cipher_bits": 128, "require_aead": false}, one(body))
	statuses(fs) == ["pass"]
}

test_strong_ciphers_tls13_needs_no_aead_flag if {
	body := suites([{"name": "TLS_AES_128_GCM_SHA256", "protocol": "tls1_3", "kx": "ECDHE", "forward_secrecy": true, "bits": 128}])
	fs := tls.strong_ciphers with input as inp(cipher_params, one(body))
	statuses(fs) == ["pass"]
}

test_strong_ciphers_unknown_aead_is_error if {
	body := suites([{"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "protocol": "tls1_2", "kx": "ECDHE", "forward_secrecy": true, "bits": 128}])
	fs := tls.strong_ciphers with input as inp(cipher_params, one(body))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "AEAD is unknown")
}

test_strong_ciphers_unknown_bits_and_name_are_errors if {
	body := suites([{"protocol": "tls1_2", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": 128}, {"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "protocol": "tls1_2", "kx": "ECDHE", "forward_secrecy": true, "aead": true, "bits": null}])
	fs := tls.strong_ciphers with input as inp(cipher_params, one(body))
	count(fs) == 2
	statuses(fs) == ["error", "error"]
}

test_strong_ciphers_empty_is_error if {
	fs := tls.strong_ciphers with input as inp(cipher_params, one(suites([])))
	statuses(fs) == ["error"]
}

test_strong_ciphers_bad_param_is_error if {
	fs := tls.strong_ciphers with input as inp({"min_cipher_bits": "128", "require_aead": true}, one(good_body))
	statuses(fs) == ["error"]
}

# ---------------------------------------------------------------- cert_validity

test_cert_validity_pass if {
	fs := tls.cert_validity with input as inp(validity_params, one(good_body))
	fs == {{"subject": "app.coloom.example:443", "status": "pass", "message": "the certificate is valid until 2026-12-30T06:00:00Z (35 days left, at least 14 required)"}}
}

test_cert_validity_expired if {
	fs := tls.cert_validity with input as inp(validity_params, one(cert({"not_after": "2026-11-01T00:00:00Z"}, [])))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "the certificate expired on 2026-11-01T00:00:00Z")
}

test_cert_validity_expiring_soon if {
	fs := tls.cert_validity with input as inp(validity_params, one(cert({"not_after": "2026-12-05T06:00:00Z"}, [])))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "the certificate expires on 2026-12-05T06:00:00Z, in 10 days (fewer than the required 14)")
}

test_cert_validity_boundary_exactly_min_days_passes if {
	fs := tls.cert_validity with input as inp(validity_params, one(cert({"not_after": "2026-12-09T06:00:00Z"}, [])))
	statuses(fs) == ["pass"]
}

test_cert_validity_just_below_min_days_fails if {
	fs := tls.cert_validity with input as inp(validity_params, one(cert({"not_after": "2026-12-09T05:59:59Z"}, [])))
	statuses(fs) == ["fail"]
}

test_cert_validity_missing_not_after_is_error if {
	fs := tls.cert_validity with input as inp(validity_params, one(cert({}, ["not_after"])))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "not_after")
}

test_cert_validity_garbage_not_after_is_error if {
	fs := tls.cert_validity with input as inp(validity_params, one(cert({"not_after": "Dec 30 2026"}, [])))
	statuses(fs) == ["error"]
}

test_cert_validity_missing_certificate_is_error if {
	fs := tls.cert_validity with input as inp(validity_params, one(object.remove(good_body, ["certificate"])))
	statuses(fs) == ["error"]
}

test_cert_validity_several_subjects if {
	fs := tls.cert_validity with input as inp(validity_params, [
		ep("a.example:443", good_body),
		ep("b.example:443", cert({"not_after": "2026-11-20T00:00:00Z"}, [])),
	])
	count(fs) == 2
	{x.subject | some x in with_status(fs, "fail")} == {"b.example:443"}
}

# ---------------------------------------------------------------- cert_trusted

test_cert_trusted_pass if {
	fs := tls.cert_trusted with input as inp({}, one(good_body))
	statuses(fs) == ["pass"]
}

test_cert_trusted_self_signed_fails if {
	fs := tls.cert_trusted with input as inp({}, one(cert({"trusted": false, "self_signed": true, "issuer": "CN=app.coloom.example"}, [])))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "not trusted")
	contains(x.message, "self-signed")
}

test_cert_trusted_incomplete_chain_fails if {
	fs := tls.cert_trusted with input as inp({}, one(cert({"chain_complete": false}, [])))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "chain is incomplete")
}

test_cert_trusted_both_problems_two_fails if {
	fs := tls.cert_trusted with input as inp({}, one(cert({"trusted": false, "chain_complete": false}, [])))
	statuses(fs) == ["fail", "fail"]
	every x in fs {
		not contains(x.message, "self-signed")
	}
}

test_cert_trusted_missing_flags_are_errors if {
	fs := tls.cert_trusted with input as inp({}, one(cert({}, ["trusted", "chain_complete"])))
	statuses(fs) == ["error", "error"]
}

test_cert_trusted_missing_chain_flag_is_error_not_pass if {
	fs := tls.cert_trusted with input as inp({}, one(cert({}, ["chain_complete"])))
	statuses(fs) == ["error"]
}

# ---------------------------------------------------------------- cert_hostname

test_cert_hostname_pass if {
	fs := tls.cert_hostname with input as inp({}, one(good_body))
	fs == {{"subject": "app.coloom.example:443", "status": "pass", "message": "the certificate covers app.coloom.example"}}
}

test_cert_hostname_fail_names_sans if {
	fs := tls.cert_hostname with input as inp({}, one(cert({"hostname_match": false, "sans": ["other.example"]}, [])))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "names other.example")
	contains(x.message, "does not cover app.coloom.example")
}

test_cert_hostname_fail_without_sans if {
	fs := tls.cert_hostname with input as inp({}, one(cert({"hostname_match": false}, ["sans"])))
	count(fs) == 1
	some x in fs
	contains(x.message, "none listed")
}

test_cert_hostname_missing_is_error if {
	fs := tls.cert_hostname with input as inp({}, one(cert({"hostname_match": null}, [])))
	statuses(fs) == ["error"]
}

test_cert_hostname_uses_subject_without_host if {
	fs := tls.cert_hostname with input as inp({}, one(object.remove(good_body, ["host"])))
	some x in fs
	x.message == "the certificate covers app.coloom.example:443"
}

# ---------------------------------------------------------------- cert_key

test_cert_key_pass_ec if {
	fs := tls.cert_key with input as inp(key_params, one(good_body))
	fs == {{"subject": "app.coloom.example:443", "status": "pass", "message": "the certificate has a 256-bit EC key (at least 256 required)"}}
}

test_cert_key_pass_rsa_boundary if {
	fs := tls.cert_key with input as inp(key_params, one(cert({"key_type": "RSA", "key_bits": 2048}, [])))
	statuses(fs) == ["pass"]
}

test_cert_key_fail_rsa_1024 if {
	fs := tls.cert_key with input as inp(key_params, one(cert({"key_type": "RSA", "key_bits": 1024}, [])))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "the certificate has a 1024-bit RSA key, below the required 2048 bits")
}

test_cert_key_fail_ec_224 if {
	fs := tls.cert_key with input as inp(key_params, one(cert({"key_type": "EC", "key_bits": 224}, [])))
	statuses(fs) == ["fail"]
}

test_cert_key_ed25519_passes if {
	fs := tls.cert_key with input as inp(key_params, one(cert({"key_type": "Ed25519"}, ["key_bits"])))
	fs == {{"subject": "app.coloom.example:443", "status": "pass", "message": "the certificate has an Ed25519 key"}}
}

test_cert_key_dsa_fails if {
	fs := tls.cert_key with input as inp(key_params, one(cert({"key_type": "DSA", "key_bits": 2048}, [])))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "DSA key, which is not accepted")
}

test_cert_key_missing_type_is_error if {
	fs := tls.cert_key with input as inp(key_params, one(cert({}, ["key_type"])))
	statuses(fs) == ["error"]
}

test_cert_key_non_string_type_is_error if {
	fs := tls.cert_key with input as inp(key_params, one(cert({"key_type": 5}, [])))
	statuses(fs) == ["error"]
}

test_cert_key_missing_bits_is_error if {
	fs := tls.cert_key with input as inp(key_params, one(cert({"key_type": "RSA"}, ["key_bits"])))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "RSA key is unknown")
}

test_cert_key_bad_param_is_error if {
	fs := tls.cert_key with input as inp({"min_rsa_bits": 2048}, one(good_body))
	statuses(fs) == ["error"]
}

# ---------------------------------------------------------------- hsts

test_hsts_pass if {
	fs := tls.hsts with input as inp(hsts_params, one(good_body))
	fs == {{"subject": "app.coloom.example:443", "status": "pass", "message": "Strict-Transport-Security max-age=31536000 (at least 15552000 required), includeSubDomains"}}
}

test_hsts_null_fails if {
	fs := tls.hsts with input as inp(hsts_params, one(patch({"hsts": null})))
	fs == {{"subject": "app.coloom.example:443", "status": "fail", "message": "no Strict-Transport-Security header; send \"Strict-Transport-Security: max-age=31536000\""}}
}

test_hsts_absent_is_error if {
	fs := tls.hsts with input as inp(hsts_params, one(object.remove(good_body, ["hsts"])))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "unknown")
}

test_hsts_short_max_age_fails if {
	fs := tls.hsts with input as inp(hsts_params, one(patch({"hsts": {"max_age": 300}})))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "Strict-Transport-Security max-age=300 is shorter than the required 15552000 seconds")
}

test_hsts_boundary_max_age_passes if {
	fs := tls.hsts with input as inp(hsts_params, one(patch({"hsts": {"max_age": 15552000, "include_subdomains": false}})))
	statuses(fs) == ["pass"]
}

test_hsts_include_subdomains_required if {
	params := {"min_max_age": 15552000, "require_include_subdomains": true}
	fs := tls.hsts with input as inp(params, one(patch({"hsts": {"max_age": 31536000, "include_subdomains": false}})))
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "lacks includeSubDomains")
	contains(x.message, "max-age=31536000; includeSubDomains")
}

test_hsts_include_subdomains_unknown_when_required_is_error if {
	params := {"min_max_age": 15552000, "require_include_subdomains": true}
	body := object.union(object.remove(good_body, ["hsts"]), {"hsts": {"max_age": 31536000}})
	fs := tls.hsts with input as inp(params, one(body))
	statuses(fs) == ["error"]
}

test_hsts_missing_max_age_is_error if {
	body := object.union(object.remove(good_body, ["hsts"]), {"hsts": {"include_subdomains": true}})
	fs := tls.hsts with input as inp(hsts_params, one(body))
	statuses(fs) == ["error"]
}

test_hsts_several_subjects if {
	fs := tls.hsts with input as inp(hsts_params, [
		ep("a.example:443", good_body),
		ep("b.example:443", patch({"hsts": null})),
		ep("c.example:443", object.remove(good_body, ["hsts"])),
	])
	count(fs) == 3
	{x.subject | some x in with_status(fs, "pass")} == {"a.example:443"}
	{x.subject | some x in with_status(fs, "fail")} == {"b.example:443"}
	{x.subject | some x in with_status(fs, "error")} == {"c.example:443"}
}

# ---------------------------------------------------------------- all rules

test_no_evidence_no_findings if {
	inp0 := inp({}, [])
	count(tls.min_grade) == 0 with input as inp0
	count(tls.hsts) == 0 with input as inp0
}

test_min_grade_cap_without_grade_letter if {
	body := patch({"grade": {"grade": "B", "caps": [{"reason": "weak key exchange"}]}})
	fs := tls.min_grade with input as inp(grade_params, one(body))
	some x in fs
	x.message == "grade B is below the required A; capped by: weak key exchange"
}

test_hsts_wrong_type_is_error if {
	fs := tls.hsts with input as inp(hsts_params, one(patch({"hsts": "max-age=300"})))
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "not an object or null")
}
