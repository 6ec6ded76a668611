# Helpers shared by every assay policy: how a finding looks, and how evidence is read.
package assay.lib

import rego.v1

# docs(kind) is the evidence of one kind, in input order.
docs(kind) := [d | some d in input.evidence; d.kind == kind]

# finding builds the object every control rule returns.
finding(subject, status, message) := {"subject": subject, "status": status, "message": message}

pass(subject, message) := finding(subject, "pass", message)

fail(subject, message) := finding(subject, "fail", message)

# unknown is used when the evidence lacks a fact the control needs: unknown is never good.
unknown(subject, message) := finding(subject, "error", message)

not_applicable(subject, message) := finding(subject, "not_applicable", message)

# now_ns is the evaluation time, fixed per run so results are reproducible.
now_ns := time.parse_rfc3339_ns(input.now)

# age_hours is how many hours ago an RFC 3339 time was, relative to the run's time.
age_hours(ts) := (now_ns - time.parse_rfc3339_ns(ts)) / 3600000000000

# days_until is how many days from the run's time until an RFC 3339 time (negative if past).
days_until(ts) := (time.parse_rfc3339_ns(ts) - now_ns) / 86400000000000
