# Tests for assay.net: observed ports, configured firewall rules and public IPs.
package assay.net_test

import rego.v1

import data.assay.net

sensitive := [21, 22, 23, 135, 139, 445, 1433, 1521, 2375, 2379, 3306, 3389, 5432, 5900, 5984, 6379, 9200, 9300, 11211, 27017]

allowed_params := {"allowed_ports": [80, 443]}

sensitive_params := {"sensitive_ports": sensitive}

inp(params, docs) := {"control": {"id": "net.test"}, "params": params, "now": "2026-11-25T06:00:00Z", "evidence": docs}

doc(kind, subject, body) := {"kind": kind, "subject": subject, "collected_at": "2026-11-25T03:00:00Z", "source": "probe", "body": body}

statuses(fs) := [x.status | some x in fs]

with_status(fs, s) := {x | some x in fs; x.status == s}

# ---------------------------------------------------------------- net.ports

port(n, state, service) := {"port": n, "protocol": "tcp", "state": state, "service": service}

# every sensitive port scanned and closed, plus 80 and 443 open.
closed_sensitive := [port(p, "closed", null) | some p in sensitive]

web_open := [port(80, "open", "http"), port(443, "open", "https")]

scan(subject, vantage, ports) := doc("net.ports", subject, {"target": subject, "address": "203.0.113.10", "vantage": vantage, "ports": ports})

good_scan := scan("app.coloom.example", "internet", array.concat(web_open, closed_sensitive))

test_allowed_ports_observed_pass if {
	fs := net.allowed_ports_observed with input as inp(allowed_params, [good_scan])
	fs == {{"subject": "app.coloom.example", "status": "pass", "message": "open: 80/http, 443/https, all allowed (22 ports scanned from the internet, allowed: 80, 443)"}}
}

test_allowed_ports_observed_fail_names_service if {
	ports := array.concat(web_open, [port(5432, "open", "postgresql"), {"port": 8080, "protocol": "tcp", "state": "open"}, port(22, "filtered", "ssh")])
	fs := net.allowed_ports_observed with input as inp(allowed_params, [scan("db.coloom.example", "internet", ports)])
	count(fs) == 2
	statuses(fs) == ["fail", "fail"]
	some a in fs
	a.message == "5432/postgresql is open to the internet, but only 80, 443 may be; close it or drop it at the firewall (e.g. nft add rule inet filter input tcp dport 5432 drop)"
	some b in fs
	startswith(b.message, "8080/tcp is open to the internet")
}

test_allowed_ports_observed_no_open_port_passes if {
	fs := net.allowed_ports_observed with input as inp(allowed_params, [scan("x.example", "internet", [port(80, "closed", null)])])
	fs == {{"subject": "x.example", "status": "pass", "message": "no open port (1 ports scanned from the internet, allowed: 80, 443)"}}
}

test_allowed_ports_observed_absent_vantage_means_internet if {
	body := object.remove(good_scan.body, ["vantage"])
	d := doc("net.ports", "app.coloom.example", object.union(body, {"ports": [port(6379, "open", "redis")]}))
	fs := net.allowed_ports_observed with input as inp(allowed_params, [d])
	statuses(fs) == ["fail"]
}

test_allowed_ports_observed_internal_not_applicable if {
	d := scan("db.internal", "internal", [port(5432, "open", "postgresql")])
	fs := net.allowed_ports_observed with input as inp(allowed_params, [d])
	count(fs) == 1
	some x in fs
	x.status == "not_applicable"
	x.subject == "db.internal"
	contains(x.message, "says nothing about internet exposure")
}

test_allowed_ports_observed_unknown_vantage_is_error if {
	fs := net.allowed_ports_observed with input as inp(allowed_params, [scan("x.example", "vpn", web_open)])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "unknown scan vantage vpn")
}

test_allowed_ports_observed_empty_ports_is_error if {
	fs := net.allowed_ports_observed with input as inp(allowed_params, [scan("x.example", "internet", [])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "no scanned ports")
}

test_allowed_ports_observed_missing_ports_is_error if {
	d := doc("net.ports", "x.example", {"target": "x.example", "vantage": "internet"})
	fs := net.allowed_ports_observed with input as inp(allowed_params, [d])
	statuses(fs) == ["error"]
}

test_allowed_ports_observed_entry_without_state_is_error_not_pass if {
	fs := net.allowed_ports_observed with input as inp(allowed_params, [scan("x.example", "internet", [port(80, "open", "http"), {"port": 8443, "protocol": "tcp"}])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	startswith(x.message, "port entry 2 has no port number or state")
}

test_allowed_ports_observed_bad_param_is_error if {
	fs := net.allowed_ports_observed with input as inp({"allowed_ports": ["80"]}, [good_scan])
	statuses(fs) == ["error"]
}

test_allowed_ports_observed_several_subjects if {
	fs := net.allowed_ports_observed with input as inp(allowed_params, [
		good_scan,
		scan("db.coloom.example", "internet", [port(3306, "open", "mysql")]),
		scan("db.internal", "internal", [port(3306, "open", "mysql")]),
	])
	count(fs) == 3
	{x.subject | some x in with_status(fs, "pass")} == {"app.coloom.example"}
	{x.subject | some x in with_status(fs, "fail")} == {"db.coloom.example"}
	{x.subject | some x in with_status(fs, "not_applicable")} == {"db.internal"}
}

test_no_sensitive_ports_observed_pass if {
	fs := net.no_sensitive_ports_observed with input as inp(sensitive_params, [good_scan])
	fs == {{"subject": "app.coloom.example", "status": "pass", "message": "none of the 20 sensitive ports is open to the internet (22 ports scanned)"}}
}

test_no_sensitive_ports_observed_fail_per_port if {
	ports := array.concat(web_open, [
		port(p, "closed", null) |
			some p in sensitive
			not p in {22, 5432}
	])
	all_ports := array.concat(ports, [port(22, "open", "ssh"), port(5432, "open", "postgresql")])
	fs := net.no_sensitive_ports_observed with input as inp(sensitive_params, [scan("db.coloom.example", "internet", all_ports)])
	count(fs) == 2
	statuses(fs) == ["fail", "fail"]
	some x in fs
	startswith(x.message, "5432/postgresql is open to the internet; administration and database ports must never be public")
}

test_no_sensitive_ports_observed_unscanned_is_error if {
	fs := net.no_sensitive_ports_observed with input as inp({"sensitive_ports": [22, 3306, 5432]}, [scan("x.example", "internet", [port(22, "closed", "ssh")])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	x.message == "sensitive ports 3306, 5432 were not scanned, so their exposure is unknown; include them in the scan (e.g. nmap -Pn -p 3306,5432 203.0.113.10)"
}

test_no_sensitive_ports_observed_unscanned_and_open_reports_both if {
	fs := net.no_sensitive_ports_observed with input as inp({"sensitive_ports": [22, 3306]}, [scan("x.example", "internet", [port(22, "open", "ssh")])])
	count(fs) == 2
	count(with_status(fs, "fail")) == 1
	count(with_status(fs, "error")) == 1
}

test_no_sensitive_ports_observed_internal_not_applicable if {
	fs := net.no_sensitive_ports_observed with input as inp(sensitive_params, [scan("db.internal", "internal", [port(5432, "open", "postgresql")])])
	statuses(fs) == ["not_applicable"]
}

test_no_sensitive_ports_observed_empty_scan_is_error if {
	fs := net.no_sensitive_ports_observed with input as inp(sensitive_params, [scan("x.example", "internet", [])])
	statuses(fs) == ["error"]
}

test_no_sensitive_ports_observed_bad_param_is_error if {
	fs := net.no_sensitive_ports_observed with input as inp({"sensitive_ports": 22}, [good_scan])
	statuses(fs) == ["error"]
}

# ---------------------------------------------------------------- net.firewall

fw(subject, rules) := doc("net.firewall", subject, {"asset": subject, "format": "nftables", "rules": rules})

rule(direction, action, protocol, ports, sources, description) := {
	"direction": direction,
	"action": action,
	"protocol": protocol,
	"ports": ports,
	"sources": sources,
	"description": description,
}

web_rule := rule("ingress", "allow", "tcp", [{"from": 80, "to": 80}, {"from": 443, "to": 443}], ["0.0.0.0/0", "::/0"], "web")

ssh_vpn_rule := rule("ingress", "allow", "tcp", [{"from": 22, "to": 22}], ["10.8.0.0/24"], "ssh from vpn")

good_fw := fw("web-1", [
	web_rule,
	ssh_vpn_rule,
	rule("ingress", "allow", "icmp", [], ["0.0.0.0/0"], "ping"),
	rule("egress", "allow", "any", [], ["0.0.0.0/0"], "out"),
	rule("ingress", "deny", "any", [], ["0.0.0.0/0"], "default deny"),
])

test_allowed_ports_configured_pass if {
	fs := net.allowed_ports_configured with input as inp(allowed_params, [good_fw])
	fs == {{"subject": "web-1", "status": "pass", "message": "1 ingress rules admit the internet, all on allowed ports (80, 443)"}}
}

test_allowed_ports_configured_no_world_rule_passes if {
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [ssh_vpn_rule])])
	fs == {{"subject": "db-1", "status": "pass", "message": "no ingress rule admits the internet (1 rules)"}}
}

test_allowed_ports_configured_empty_rules_passes if {
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [])])
	statuses(fs) == ["pass"]
}

test_allowed_ports_configured_fail_single_port if {
	r := rule("ingress", "allow", "tcp", [{"from": 5432, "to": 5432}], ["0.0.0.0/0"], "postgres")
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [web_rule, r])])
	fs == {{"subject": "db-1", "status": "fail", "message": "ingress rule #2 (\"postgres\") admits 5432/tcp from 0.0.0.0/0, outside the allowed ports 80, 443; restrict its sources or remove it"}}
}

test_allowed_ports_configured_empty_ports_means_all if {
	r := rule("ingress", "allow", "tcp", [], ["::/0"], null)
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	x.message == "ingress rule #1 admits every tcp port from ::/0, outside the allowed ports 80, 443; restrict its sources or remove it"
}

test_allowed_ports_configured_absent_ports_means_all if {
	r := object.remove(rule("ingress", "allow", "udp", [], ["0.0.0.0/0"], "udp"), ["ports"])
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	statuses(fs) == ["fail"]
}

test_allowed_ports_configured_protocol_any_counts if {
	r := rule("ingress", "allow", "any", [], ["any"], "allow all")
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	count(fs) == 1
	some x in fs
	contains(x.message, "admits every port of every protocol from any")
}

test_allowed_ports_configured_range_partly_outside_fails if {
	r := rule("ingress", "allow", "tcp", [{"from": 443, "to": 444}], ["*"], "tls range")
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "admits 443-444/tcp from *")
}

test_allowed_ports_configured_range_inside_passes if {
	r := rule("ingress", "allow", "tcp", [{"from": 80, "to": 81}], ["0.0.0.0/0"], "web range")
	fs := net.allowed_ports_configured with input as inp({"allowed_ports": [80, 81, 443]}, [fw("db-1", [r])])
	statuses(fs) == ["pass"]
}

test_allowed_ports_configured_missing_to_is_single_port if {
	r := rule("ingress", "allow", "tcp", [{"from": 443}], ["0.0.0.0/0"], "https")
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("web-1", [r])])
	statuses(fs) == ["pass"]
}

test_allowed_ports_configured_restricted_source_ignored if {
	r := rule("ingress", "allow", "tcp", [{"from": 5432, "to": 5432}], ["10.0.0.0/8", "192.168.0.0/16"], "db from lan")
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	statuses(fs) == ["pass"]
}

test_allowed_ports_configured_missing_sources_is_error if {
	r := object.remove(rule("ingress", "allow", "tcp", [], [], "x"), ["sources"])
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "lists no sources")
}

test_allowed_ports_configured_missing_direction_is_error if {
	r := object.remove(web_rule, ["direction"])
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	statuses(fs) == ["error"]
}

test_allowed_ports_configured_malformed_ports_is_error if {
	r := rule("ingress", "allow", "tcp", [{"from": "ssh"}], ["0.0.0.0/0"], "bad")
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "port list is malformed")
}

test_allowed_ports_configured_missing_protocol_is_error if {
	r := object.remove(web_rule, ["protocol"])
	fs := net.allowed_ports_configured with input as inp(allowed_params, [fw("db-1", [r])])
	statuses(fs) == ["error"]
}

test_allowed_ports_configured_missing_rules_is_error if {
	d := doc("net.firewall", "db-1", {"asset": "db-1", "format": "aws-sg"})
	fs := net.allowed_ports_configured with input as inp(allowed_params, [d])
	statuses(fs) == ["error"]
}

test_allowed_ports_configured_several_subjects if {
	bad := fw("db-1", [rule("ingress", "allow", "tcp", [{"from": 3306, "to": 3306}], ["0.0.0.0/0"], "mysql")])
	fs := net.allowed_ports_configured with input as inp(allowed_params, [good_fw, bad])
	count(fs) == 2
	{x.subject | some x in with_status(fs, "pass")} == {"web-1"}
	{x.subject | some x in with_status(fs, "fail")} == {"db-1"}
}

test_no_sensitive_ports_configured_pass if {
	fs := net.no_sensitive_ports_configured with input as inp(sensitive_params, [good_fw])
	fs == {{"subject": "web-1", "status": "pass", "message": "no ingress rule opens any of the 20 sensitive ports to the internet (5 rules)"}}
}

test_no_sensitive_ports_configured_fail_names_ports if {
	r := rule("ingress", "allow", "tcp", [{"from": 22, "to": 22}, {"from": 3300, "to": 3400}], ["0.0.0.0/0"], "admin")
	fs := net.no_sensitive_ports_configured with input as inp(sensitive_params, [fw("db-1", [web_rule, r])])
	fs == {{"subject": "db-1", "status": "fail", "message": "ingress rule #2 (\"admin\") opens tcp ports 22, 3306, 3389 to 0.0.0.0/0; allow administration and database ports only from a VPN or bastion CIDR, or remove the rule"}}
}

test_no_sensitive_ports_configured_all_ports_rule_fails if {
	r := rule("ingress", "allow", "any", [], ["0.0.0.0/0"], "everything")
	fs := net.no_sensitive_ports_configured with input as inp({"sensitive_ports": [22]}, [fw("db-1", [r])])
	fs == {{"subject": "db-1", "status": "fail", "message": "ingress rule #1 (\"everything\") opens port 22 (any protocol) to 0.0.0.0/0; allow administration and database ports only from a VPN or bastion CIDR, or remove the rule"}}
}

test_no_sensitive_ports_configured_vpn_source_passes if {
	fs := net.no_sensitive_ports_configured with input as inp(sensitive_params, [fw("db-1", [ssh_vpn_rule])])
	statuses(fs) == ["pass"]
}

test_no_sensitive_ports_configured_deny_and_egress_ignored if {
	fs := net.no_sensitive_ports_configured with input as inp(sensitive_params, [fw("db-1", [
		rule("ingress", "deny", "tcp", [{"from": 22, "to": 22}], ["0.0.0.0/0"], "deny ssh"),
		rule("egress", "allow", "tcp", [{"from": 5432, "to": 5432}], ["0.0.0.0/0"], "out"),
	])])
	statuses(fs) == ["pass"]
}

test_no_sensitive_ports_configured_unknown_protocol_is_error if {
	r := rule("ingress", "allow", null, [{"from": 22, "to": 22}], ["0.0.0.0/0"], "ssh")
	fs := net.no_sensitive_ports_configured with input as inp(sensitive_params, [fw("db-1", [r])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "protocol is unknown")
}

test_no_sensitive_ports_configured_bad_param_is_error if {
	fs := net.no_sensitive_ports_configured with input as inp({}, [good_fw])
	statuses(fs) == ["error"]
}

test_world_source_forms if {
	net.world_source("0.0.0.0/0")
	net.world_source("::/0")
	net.world_source("any")
	net.world_source(" ANY ")
	net.world_source("*")
	not net.world_source("10.0.0.0/8")
	not net.world_source("203.0.113.0/24")
	not net.world_source(null)
}

# ---------------------------------------------------------------- cloud.resources

res(id, ip) := {"id": id, "type": "server", "region": "fsn1", "country": "DE", "stores_data": true, "encrypted_at_rest": true, "public_ip": ip}

cloud(resources) := doc("cloud.resources", "aws:123456789012", {"provider": "aws", "account": "123456789012", "resources": resources})

test_no_public_ip_pass_per_resource if {
	fs := net.no_public_ip with input as inp({}, [cloud([res("i-1", null), res("i-2", null)])])
	fs == {
		{"subject": "i-1", "status": "pass", "message": "i-1 (server) has no public IP address"},
		{"subject": "i-2", "status": "pass", "message": "i-2 (server) has no public IP address"},
	}
}

test_no_public_ip_fail if {
	fs := net.no_public_ip with input as inp({}, [cloud([res("i-1", null), res("i-2", "198.51.100.7")])])
	count(fs) == 2
	some x in with_status(fs, "fail")
	x.subject == "i-2"
	startswith(x.message, "i-2 (server in 123456789012) has the public IP address 198.51.100.7; remove it")
}

test_no_public_ip_missing_field_is_error if {
	fs := net.no_public_ip with input as inp({}, [cloud([object.remove(res("i-1", null), ["public_ip"])])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	x.subject == "i-1"
	contains(x.message, "public_ip missing")
}

test_no_public_ip_wrong_type_is_error if {
	fs := net.no_public_ip with input as inp({}, [cloud([res("i-1", true)])])
	statuses(fs) == ["error"]
}

test_no_public_ip_resource_without_id_is_error if {
	fs := net.no_public_ip with input as inp({}, [cloud([object.remove(res("i-1", null), ["id"])])])
	count(fs) == 1
	some x in fs
	x.status == "error"
	x.subject == "aws:123456789012"
}

test_no_public_ip_empty_account_not_applicable if {
	fs := net.no_public_ip with input as inp({}, [cloud([])])
	fs == {{"subject": "aws:123456789012", "status": "not_applicable", "message": "the account lists no resources"}}
}

test_no_public_ip_missing_resources_is_error if {
	d := doc("cloud.resources", "aws:1", {"provider": "aws", "account": "1"})
	fs := net.no_public_ip with input as inp({}, [d])
	statuses(fs) == ["error"]
}

test_no_public_ip_several_accounts if {
	fs := net.no_public_ip with input as inp({}, [
		cloud([res("i-1", null)]),
		doc("cloud.resources", "hetzner:p1", {"provider": "hetzner", "account": "p1", "resources": [res("srv-9", "2001:db8::1")]}),
	])
	count(fs) == 2
	{x.subject | some x in with_status(fs, "fail")} == {"srv-9"}
}

test_no_evidence_no_findings if {
	count(net.allowed_ports_observed) == 0 with input as inp(allowed_params, [])
	count(net.no_sensitive_ports_configured) == 0 with input as inp(sensitive_params, [])
	count(net.no_public_ip) == 0 with input as inp({}, [])
}

test_port_label_forms if {
	net.port_label({"port": 5432, "protocol": "tcp", "service": "postgresql"}) == "5432/postgresql"
	net.port_label({"port": 5432, "protocol": "udp", "service": ""}) == "5432/udp"
	net.port_label({"port": 5432}) == "5432"
}

# net.observed-matches-configured

agree_scan(target, open) := {"kind": "net.ports", "subject": "203.0.113.10", "body": {
	"target": target,
	"address": "203.0.113.10",
	"vantage": "internet",
	"ports": [{"port": p, "protocol": "tcp", "state": "open", "service": null} | some p in open],
}}

agree_fw(asset, rules) := {"kind": "net.firewall", "subject": asset, "body": {"asset": asset, "format": "nftables", "rules": rules}}

world_rule(proto, from, to) := {
	"direction": "ingress", "action": "allow", "protocol": proto,
	"ports": [{"from": from, "to": to}], "sources": ["0.0.0.0/0", "::/0"], "description": null,
}

test_agree_pass_when_every_open_port_is_admitted if {
	f := net.observed_configured_agree with input as {"params": {}, "evidence": [
		agree_scan("web.example", [80, 443]),
		agree_fw("web.example", [world_rule("tcp", 80, 80), world_rule("tcp", 443, 443)]),
	]}
	count(f) == 1
	some x in f
	x.status == "pass"
	contains(x.message, "web.example")
}

test_agree_fail_names_the_port_no_rule_admits if {
	f := net.observed_configured_agree with input as {"params": {}, "evidence": [
		agree_scan("web.example", [443, 5432]),
		agree_fw("web.example", [world_rule("tcp", 443, 443)]),
	]}
	count(f) == 1
	some x in f
	x.status == "fail"
	contains(x.message, "5432")
}

test_agree_restricted_source_does_not_admit_the_world if {
	restricted := object.union(world_rule("tcp", 22, 22), {"sources": ["10.0.0.0/8"]})
	f := net.observed_configured_agree with input as {"params": {}, "evidence": [
		agree_scan("web.example", [22]),
		agree_fw("web.example", [restricted]),
	]}
	some x in f
	x.status == "fail"
}

test_agree_protocol_any_and_ranges_cover_ports if {
	f := net.observed_configured_agree with input as {"params": {}, "evidence": [
		agree_scan("web.example", [8080]),
		agree_fw("web.example", [world_rule("any", 8000, 8100)]),
	]}
	some x in f
	x.status == "pass"
}

test_agree_without_firewall_evidence_is_an_error if {
	f := net.observed_configured_agree with input as {"params": {}, "evidence": [agree_scan("web.example", [443])]}
	count(f) == 1
	some x in f
	x.status == "error"
	contains(x.message, "no net.firewall evidence")
}

test_agree_internal_scan_is_not_applicable if {
	scan := json.patch(agree_scan("web.example", [5432]), [{"op": "replace", "path": "/body/vantage", "value": "internal"}])
	f := net.observed_configured_agree with input as {"params": {}, "evidence": [scan, agree_fw("web.example", [])]}
	count(f) == 1
	some x in f
	x.status == "not_applicable"
}

test_agree_matches_the_asset_by_address if {
	f := net.observed_configured_agree with input as {"params": {}, "evidence": [
		agree_scan("web.example", [443]),
		agree_fw("203.0.113.10", [world_rule("tcp", 443, 443)]),
	]}
	some x in f
	x.status == "pass"
}
