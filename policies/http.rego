# assay.http judges recorded HTTP responses (evidence kind http.headers): that https://
# pages send the required security headers, and that http:// URLs redirect to https://.
# A response whose URL is out of a rule's scope gets not_applicable; a fact the evidence
# lacks (url, status, headers, Location) is an error finding, never a pass.
package assay.http

import rego.v1

import data.assay.lib

responses := lib.docs("http.headers")

# scheme is the lower-case URL scheme of a response ("https", "http" or another).
scheme(d) := lower(split(d.body.url, "://")[0]) if {
	is_string(d.body.url)
	contains(d.body.url, "://")
}

scheme(d) := "" if {
	is_string(d.body.url)
	not contains(d.body.url, "://")
}

no_url(d) if not is_string(d.body.url)

# example_header shows a sensible value for the common security headers.
example_header := {
	"strict-transport-security": "Strict-Transport-Security: max-age=31536000; includeSubDomains",
	"content-security-policy": "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'",
	"x-content-type-options": "X-Content-Type-Options: nosniff",
	"referrer-policy": "Referrer-Policy: strict-origin-when-cross-origin",
	"x-frame-options": "X-Frame-Options: DENY",
	"permissions-policy": "Permissions-Policy: camera=(), microphone=(), geolocation=()",
	"cross-origin-opener-policy": "Cross-Origin-Opener-Policy: same-origin",
}

# ---------------------------------------------------------------------------
# http.security-headers
# ---------------------------------------------------------------------------

security_headers contains lib.unknown(d.subject, "parameter required_headers is missing or not a list of header names") if {
	some d in responses
	not header_list(input.params.required_headers)
}

security_headers contains lib.unknown(d.subject, "the evidence has no url; the response cannot be judged") if {
	some d in responses
	no_url(d)
}

security_headers contains lib.not_applicable(d.subject, sprintf("%s is not an https:// URL; security headers are judged on https:// responses (plain http is covered by http.redirect-to-https)", [d.body.url])) if {
	some d in responses
	scheme(d) != "https"
}

security_headers contains lib.not_applicable("*", "no https:// response in the evidence; security headers are judged on https:// URLs only") if {
	count(responses) > 0
	every d in responses {
		scheme(d) != "https"
	}
}

security_headers contains lib.unknown(d.subject, "the evidence has no headers object; the response's headers are unknown") if {
	some d in responses
	scheme(d) == "https"
	not is_object(d.body.headers)
}

# One fail per required header that is missing or empty.
security_headers contains lib.fail(d.subject, sprintf("the %s header is missing%s", [h, header_hint(h)])) if {
	some d in responses
	scheme(d) == "https"
	is_object(d.body.headers)
	required := input.params.required_headers
	header_list(required)
	some name in required
	h := lower(name)
	not has_header(d.body.headers, h)
}

security_headers contains lib.fail(d.subject, sprintf("x-content-type-options is %q, not nosniff; send \"X-Content-Type-Options: nosniff\"", [v])) if {
	some d in responses
	scheme(d) == "https"
	is_object(d.body.headers)
	v := d.body.headers["x-content-type-options"]
	not nosniff(v)
	has_header(d.body.headers, "x-content-type-options")
}

security_headers contains lib.pass(d.subject, sprintf("sends every required security header (%s)", [required_text(required)])) if {
	some d in responses
	scheme(d) == "https"
	is_object(d.body.headers)
	required := input.params.required_headers
	header_list(required)
	every name in required {
		has_header(d.body.headers, lower(name))
	}
	nosniff_ok(d.body.headers)
}

required_text(required) := concat(", ", sort({lower(h) | some h in required})) if count(required) > 0

required_text(required) := "none are required" if count(required) == 0

header_list(hs) if {
	is_array(hs)
	every h in hs {
		is_string(h)
	}
}

# has_header holds when the (lower-case) header is present with a non-empty value.
has_header(headers, h) if {
	v := headers[h]
	is_string(v)
	trim_space(v) != ""
}

nosniff(v) if {
	is_string(v)
	lower(trim_space(v)) == "nosniff"
}

nosniff_ok(headers) if not has_header(headers, "x-content-type-options")

nosniff_ok(headers) if nosniff(headers["x-content-type-options"])

header_hint(h) := sprintf("; send e.g. \"%s\"", [example_header[h]]) if example_header[h]

header_hint(h) := "; add it to every response (web server or application config)" if not example_header[h]

# ---------------------------------------------------------------------------
# http.redirect-to-https
# ---------------------------------------------------------------------------

redirect_statuses := {301, 302, 307, 308}

redirect_https contains lib.unknown(d.subject, "the evidence has no url; the response cannot be judged") if {
	some d in responses
	no_url(d)
}

redirect_https contains lib.not_applicable(d.subject, sprintf("%s is not an http:// URL; only plain http URLs must redirect to https://", [d.body.url])) if {
	some d in responses
	scheme(d) != "http"
}

redirect_https contains lib.not_applicable("*", "no http:// URL in the evidence; redirects to https:// are judged on plain http URLs only") if {
	count(responses) > 0
	every d in responses {
		scheme(d) != "http"
	}
}

redirect_https contains lib.unknown(d.subject, "the evidence has no HTTP status; whether the URL redirects is unknown") if {
	some d in responses
	scheme(d) == "http"
	not is_number(d.body.status)
}

redirect_https contains lib.fail(d.subject, sprintf("answers %v over plain http instead of redirecting to https://; add a permanent redirect (nginx: return 301 https://$host$request_uri;)", [d.body.status])) if {
	some d in responses
	scheme(d) == "http"
	is_number(d.body.status)
	not d.body.status in redirect_statuses
}

redirect_https contains lib.unknown(d.subject, sprintf("redirects with status %v but the Location is unknown (location missing)", [d.body.status])) if {
	some d in responses
	scheme(d) == "http"
	d.body.status in redirect_statuses
	not is_string(d.body.location)
}

redirect_https contains lib.fail(d.subject, sprintf("redirects (%v) to %s, which is not an https:// URL; redirect to https:// directly (nginx: return 301 https://$host$request_uri;)", [d.body.status, d.body.location])) if {
	some d in responses
	scheme(d) == "http"
	d.body.status in redirect_statuses
	is_string(d.body.location)
	not https_location(d.body.location)
}

redirect_https contains lib.pass(d.subject, sprintf("redirects (%v) to %s", [d.body.status, d.body.location])) if {
	some d in responses
	scheme(d) == "http"
	d.body.status in redirect_statuses
	https_location(d.body.location)
}

https_location(loc) if {
	is_string(loc)
	startswith(lower(loc), "https://")
}
