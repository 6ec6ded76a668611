package assay.manual_test

import rego.v1

import data.assay.manual

# --- fixtures ----------------------------------------------------------------

attestation(control, body) := {
	"kind": "attestation",
	"subject": control,
	"collected_at": "2026-03-01T09:00:00Z",
	"source": "manual",
	"body": object.union(
		{
			"control": control,
			"statement": "All employees completed the 2026 security awareness training.",
			"attested_by": "Jana Weber (CISO)",
			"attested_at": "2026-03-01T09:00:00Z",
			"valid_until": "2027-03-01T00:00:00Z",
			"reference": "https://wiki.example/training-2026",
		},
		body,
	),
}

inp(control, docs) := {"control": {"id": control}, "params": {}, "now": "2026-11-25T06:00:00Z", "evidence": docs}

statuses(fs) := sort([x.status | some x in fs])

# --- attested ----------------------------------------------------------------

test_attested_pass_names_person_and_date if {
	fs := manual.attested with input as inp("org.security-training", [attestation("org.security-training", {})])
	fs == {{"subject": "org.security-training", "status": "pass", "message": "attested by Jana Weber (CISO) on 2026-03-01T09:00:00Z, valid until 2027-03-01T00:00:00Z; reference: https://wiki.example/training-2026"}}
}

test_attested_pass_without_reference if {
	doc := attestation("org.background-screening", {"reference": null})
	fs := manual.attested with input as inp("org.background-screening", [doc])
	fs == {{"subject": "org.background-screening", "status": "pass", "message": "attested by Jana Weber (CISO) on 2026-03-01T09:00:00Z, valid until 2027-03-01T00:00:00Z"}}
}

test_attested_expired_fails if {
	doc := attestation("org.incident-response-plan", {"valid_until": "2026-11-01T00:00:00Z"})
	fs := manual.attested with input as inp("org.incident-response-plan", [doc])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "expired on 2026-11-01T00:00:00Z")
}

test_attested_expiring_exactly_now_fails if {
	doc := attestation("org.security-training", {"valid_until": "2026-11-25T06:00:00Z"})
	fs := manual.attested with input as inp("org.security-training", [doc])
	statuses(fs) == ["fail"]
}

test_attested_offsets_are_compared_in_utc if {
	# 07:30+02:00 is 05:30Z, half an hour before the run
	doc := attestation("org.security-training", {"valid_until": "2026-11-25T07:30:00+02:00"})
	fs := manual.attested with input as inp("org.security-training", [doc])
	statuses(fs) == ["fail"]
}

test_attested_wrong_control_is_error if {
	doc := attestation("org.security-training", {"control": "org.background-screening"})
	fs := manual.attested with input as inp("org.security-training", [doc])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "names control org.background-screening, not org.security-training")
}

test_attested_missing_control_is_error if {
	doc := attestation("org.security-training", {"control": null})
	fs := manual.attested with input as inp("org.security-training", [doc])
	statuses(fs) == ["error"]
}

test_attested_missing_valid_until_is_error if {
	doc := attestation("org.security-training", {"valid_until": null})
	fs := manual.attested with input as inp("org.security-training", [doc])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "valid_until")
}

test_attested_malformed_valid_until_is_error if {
	doc := attestation("org.security-training", {"valid_until": "next March"})
	fs := manual.attested with input as inp("org.security-training", [doc])
	statuses(fs) == ["error"]
}

test_attested_missing_person_is_error if {
	doc := attestation("org.security-training", {"attested_by": "  "})
	fs := manual.attested with input as inp("org.security-training", [doc])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "attested_by")
}

test_attested_missing_date_is_error if {
	doc := attestation("org.security-training", {"attested_at": null})
	fs := manual.attested with input as inp("org.security-training", [doc])
	statuses(fs) == ["error"]
}

test_attested_in_the_future_is_error if {
	doc := attestation("org.security-training", {"attested_at": "2026-12-01T00:00:00Z"})
	fs := manual.attested with input as inp("org.security-training", [doc])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "after the time of this run")
}

test_attested_ignores_other_kinds if {
	docs := [attestation("org.security-training", {}), {"kind": "identity.org", "subject": "github:acme", "body": {}}]
	fs := manual.attested with input as inp("org.security-training", docs)
	statuses(fs) == ["pass"]
}

test_attested_no_evidence_no_findings if {
	fs := manual.attested with input as inp("org.security-training", [])
	count(fs) == 0
}

test_attested_impossible_date_is_error if {
	doc := attestation("org.security-training", {"valid_until": "2027-13-01T00:00:00Z"})
	fs := manual.attested with input as inp("org.security-training", [doc])
	statuses(fs) == ["error"]
}
