# Tests for assay.http: security headers on https:// responses and http -> https redirects.
package assay.http_test

import rego.v1

import data.assay.http

good_headers := {
	"strict-transport-security": "max-age=31536000; includeSubDomains",
	"content-security-policy": "default-src 'self'",
	"x-content-type-options": "nosniff",
	"referrer-policy": "strict-origin-when-cross-origin",
	"content-type": "text/html; charset=utf-8",
}

resp(url, status, location, headers) := {
	"kind": "http.headers",
	"subject": url,
	"collected_at": "2026-11-25T03:00:00Z",
	"source": "probe",
	"body": {"url": url, "status": status, "location": location, "headers": headers},
}

inp(params, docs) := {"control": {"id": "http.test"}, "params": params, "now": "2026-11-25T06:00:00Z", "evidence": docs}

header_params := {"required_headers": ["strict-transport-security", "content-security-policy", "x-content-type-options", "referrer-policy"]}

statuses(fs) := [x.status | some x in fs]

with_status(fs, s) := {x | some x in fs; x.status == s}

https_ok := resp("https://app.cloudset.net/", 200, null, good_headers)

http_ok := resp("http://app.cloudset.net/", 301, "https://app.cloudset.net/", {})

# ---------------------------------------------------------------- security_headers

test_security_headers_pass if {
	fs := http.security_headers with input as inp(header_params, [https_ok])
	fs == {{"subject": "https://app.cloudset.net/", "status": "pass", "message": "sends every required security header (content-security-policy, referrer-policy, strict-transport-security, x-content-type-options)"}}
}

test_security_headers_missing_header_fails_once_each if {
	headers := object.remove(good_headers, ["content-security-policy", "referrer-policy"])
	fs := http.security_headers with input as inp(header_params, [resp("https://app.cloudset.net/", 200, null, headers)])
	count(fs) == 2
	statuses(fs) == ["fail", "fail"]
	some x in fs
	x.message == "the content-security-policy header is missing; send e.g. \"Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\""
}

test_security_headers_empty_value_counts_as_missing if {
	headers := object.union(good_headers, {"referrer-policy": "  "})
	fs := http.security_headers with input as inp(header_params, [resp("https://app.cloudset.net/", 200, null, headers)])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "the referrer-policy header is missing")
}

test_security_headers_nosniff_value_checked if {
	headers := object.union(good_headers, {"x-content-type-options": "sniff-please"})
	fs := http.security_headers with input as inp(header_params, [resp("https://app.cloudset.net/", 200, null, headers)])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	x.message == "x-content-type-options is \"sniff-please\", not nosniff; send \"X-Content-Type-Options: nosniff\""
}

test_security_headers_nosniff_case_insensitive if {
	headers := object.union(good_headers, {"x-content-type-options": " NoSniff "})
	fs := http.security_headers with input as inp(header_params, [resp("https://app.cloudset.net/", 200, null, headers)])
	statuses(fs) == ["pass"]
}

test_security_headers_nosniff_checked_even_when_not_required if {
	headers := {"x-content-type-options": "off"}
	fs := http.security_headers with input as inp({"required_headers": []}, [resp("https://app.cloudset.net/", 200, null, headers)])
	statuses(fs) == ["fail"]
}

test_security_headers_empty_required_list_passes if {
	fs := http.security_headers with input as inp({"required_headers": []}, [resp("https://app.cloudset.net/", 200, null, {})])
	fs == {{"subject": "https://app.cloudset.net/", "status": "pass", "message": "sends every required security header (none are required)"}}
}

test_security_headers_param_names_are_case_insensitive if {
	fs := http.security_headers with input as inp({"required_headers": ["Content-Security-Policy"]}, [https_ok])
	statuses(fs) == ["pass"]
}

test_security_headers_unknown_header_hint if {
	fs := http.security_headers with input as inp({"required_headers": ["x-custom-guard"]}, [https_ok])
	some x in fs
	x.message == "the x-custom-guard header is missing; add it to every response (web server or application config)"
}

test_security_headers_http_url_not_applicable if {
	fs := http.security_headers with input as inp(header_params, [https_ok, http_ok])
	count(fs) == 2
	{x.subject | some x in with_status(fs, "pass")} == {"https://app.cloudset.net/"}
	{x.subject | some x in with_status(fs, "not_applicable")} == {"http://app.cloudset.net/"}
}

test_security_headers_only_http_urls_star_not_applicable if {
	fs := http.security_headers with input as inp(header_params, [http_ok])
	count(fs) == 2
	statuses(fs) == ["not_applicable", "not_applicable"]
	some x in fs
	x.subject == "*"
}

test_security_headers_missing_headers_object_is_error if {
	doc := resp("https://app.cloudset.net/", 200, null, null)
	fs := http.security_headers with input as inp(header_params, [doc])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "no headers object")
}

test_security_headers_missing_url_is_error if {
	doc := object.union(https_ok, {"body": {"url": null}})
	fs := http.security_headers with input as inp(header_params, [doc])
	statuses(fs) == ["error"]
}

test_security_headers_bad_param_is_error if {
	fs := http.security_headers with input as inp({"required_headers": "content-security-policy"}, [https_ok])
	statuses(fs) == ["error"]
}

test_security_headers_several_subjects if {
	fs := http.security_headers with input as inp(header_params, [
		https_ok,
		resp("https://api.cloudset.net/", 200, null, {}),
	])
	count(with_status(fs, "pass")) == 1
	count(with_status(fs, "fail")) == 4
	{x.subject | some x in with_status(fs, "fail")} == {"https://api.cloudset.net/"}
}

# ---------------------------------------------------------------- redirect_https

test_redirect_https_pass if {
	fs := http.redirect_https with input as inp({}, [http_ok])
	fs == {{"subject": "http://app.cloudset.net/", "status": "pass", "message": "redirects (301) to https://app.cloudset.net/"}}
}

test_redirect_https_all_redirect_codes_pass if {
	fs := http.redirect_https with input as inp({}, [
		resp("http://a.example/", 302, "https://a.example/", {}),
		resp("http://b.example/", 307, "HTTPS://b.example/", {}),
		resp("http://c.example/", 308, "https://c.example/", {}),
	])
	statuses(fs) == ["pass", "pass", "pass"]
}

test_redirect_https_200_fails if {
	fs := http.redirect_https with input as inp({}, [resp("http://app.cloudset.net/", 200, null, {})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "answers 200 over plain http instead of redirecting to https://")
}

test_redirect_https_303_fails if {
	fs := http.redirect_https with input as inp({}, [resp("http://app.cloudset.net/", 303, "https://app.cloudset.net/", {})])
	statuses(fs) == ["fail"]
}

test_redirect_https_to_http_fails if {
	fs := http.redirect_https with input as inp({}, [resp("http://app.cloudset.net/", 301, "http://www.cloudset.net/", {})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	startswith(x.message, "redirects (301) to http://www.cloudset.net/, which is not an https:// URL")
}

test_redirect_https_relative_location_fails if {
	fs := http.redirect_https with input as inp({}, [resp("http://app.cloudset.net/", 302, "/login", {})])
	statuses(fs) == ["fail"]
}

test_redirect_https_missing_location_is_error if {
	fs := http.redirect_https with input as inp({}, [resp("http://app.cloudset.net/", 301, null, {})])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "Location is unknown")
}

test_redirect_https_missing_status_is_error if {
	fs := http.redirect_https with input as inp({}, [resp("http://app.cloudset.net/", null, "https://app.cloudset.net/", {})])
	statuses(fs) == ["error"]
}

test_redirect_https_https_urls_out_of_scope if {
	fs := http.redirect_https with input as inp({}, [https_ok])
	count(fs) == 2
	statuses(fs) == ["not_applicable", "not_applicable"]
	some x in fs
	x.subject == "*"
}

test_redirect_https_mixed_urls if {
	fs := http.redirect_https with input as inp({}, [https_ok, http_ok, resp("http://old.cloudset.net/", 200, null, {})])
	count(fs) == 3
	{x.subject | some x in with_status(fs, "pass")} == {"http://app.cloudset.net/"}
	{x.subject | some x in with_status(fs, "fail")} == {"http://old.cloudset.net/"}
	{x.subject | some x in with_status(fs, "not_applicable")} == {"https://app.cloudset.net/"}
}

test_redirect_https_missing_url_is_error if {
	doc := {"kind": "http.headers", "subject": "x", "collected_at": "2026-11-25T03:00:00Z", "source": "probe", "body": {"status": 301}}
	fs := http.redirect_https with input as inp({}, [doc])
	statuses(fs) == ["error"]
}

test_no_evidence_no_findings if {
	count(http.redirect_https) == 0 with input as inp({}, [])
	count(http.security_headers) == 0 with input as inp(header_params, [])
}

test_security_headers_url_without_scheme_not_applicable if {
	d := resp("app.cloudset.net/", 200, null, good_headers)
	fs := http.security_headers with input as inp(header_params, [d])
	count(fs) == 2
	statuses(fs) == ["not_applicable", "not_applicable"]
}
