# Manual controls: practices no probe can measure (training, screening, an incident
# response plan) are proven by an attestation, a person vouching for the control until
# a date. Judges attestation documents; assay passes only those whose subject is the
# control being checked, and reports `manual` itself when there is none.
package assay.manual

import rego.v1

import data.assay.lib

# attested: the attestation names this control (body.control == input.control.id),
# says who attested it and when, and is still valid (valid_until later than now).
attested contains f if {
	some d in lib.docs("attestation")
	f := attestation_finding(d)
}

# --- helpers -----------------------------------------------------------------

# valid_time holds for an RFC 3339 timestamp that time.parse_rfc3339_ns can read, so a
# malformed time is reported as unknown instead of aborting the evaluation.
valid_time(ts) if {
	is_string(ts)
	regex.match(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`, ts)
}

non_empty_string(s) if {
	is_string(s)
	trim_space(s) != ""
}

reference_note(d) := sprintf("; reference: %s", [d.body.reference]) if {
	non_empty_string(d.body.reference)
} else := ""

renew_hint := "review the practice, then record a new attestation with a later valid_until (assay evidence import)"

attestation_finding(d) := lib.unknown(d.subject, msg) if {
	not d.body.control == input.control.id
	msg := sprintf("the attestation filed for %s names control %v, not %v; record an attestation for the right control", [d.subject, object.get(d.body, "control", null), input.control.id])
} else := lib.unknown(d.subject, "the attestation does not say who attested it (attested_by is missing)") if {
	not non_empty_string(d.body.attested_by)
} else := lib.unknown(d.subject, "the attestation has no readable date (attested_at is missing or not RFC 3339)") if {
	not valid_time(d.body.attested_at)
} else := lib.unknown(d.subject, "the attestation has no readable expiry (valid_until is missing or not RFC 3339)") if {
	not valid_time(d.body.valid_until)
} else := lib.unknown(d.subject, sprintf("the attestation is dated %s, after the time of this run; correct attested_at", [d.body.attested_at])) if {
	time.parse_rfc3339_ns(d.body.attested_at) > lib.now_ns
} else := lib.pass(d.subject, msg) if {
	time.parse_rfc3339_ns(d.body.valid_until) > lib.now_ns
	msg := sprintf("attested by %s on %s, valid until %s%s", [d.body.attested_by, d.body.attested_at, d.body.valid_until, reference_note(d)])
} else := lib.fail(d.subject, sprintf("the attestation by %s expired on %s; %s", [d.body.attested_by, d.body.valid_until, renew_hint]))
