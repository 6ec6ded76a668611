# assay.net judges network exposure: ports seen open from the internet (net.ports),
# ingress firewall rules that admit the whole internet (net.firewall), and public IP
# addresses on cloud resources (cloud.resources). A fact the evidence lacks is an error
# finding, never a pass; an internal scan says nothing about internet exposure.
package assay.net

import rego.v1

import data.assay.lib

scans := lib.docs("net.ports")

firewalls := lib.docs("net.firewall")

inventories := lib.docs("cloud.resources")

ports_text(ps) := concat(", ", [sprintf("%v", [p]) | some p in ps])

# ---------------------------------------------------------------------------
# Observed ports (net.ports), shared by net.only-allowed-ports-public and
# net.no-public-admin-database-port
# ---------------------------------------------------------------------------

# vantage is where the scan ran from; an absent or null vantage means the internet.
vantage(d) := d.body.vantage if is_string(d.body.vantage)

vantage(d) := "internet" if is_null(object.get(d.body, "vantage", null))

internet_scan(d) if vantage(d) == "internet"

scan_ports(d) := d.body.ports if {
	is_array(d.body.ports)
	count(d.body.ports) > 0
}

# port_label names a port the way people read it: 5432/postgresql, else 5432/tcp.
port_label(p) := sprintf("%v/%s", [p.port, p.service]) if service_known(p)

port_label(p) := sprintf("%v/%s", [p.port, p.protocol]) if {
	not service_known(p)
	is_string(p.protocol)
}

port_label(p) := sprintf("%v", [p.port]) if {
	not service_known(p)
	not is_string(p.protocol)
}

service_known(p) if {
	is_string(p.service)
	trim_space(p.service) != ""
}

port_protocol(p) := p.protocol if is_string(p.protocol)

port_protocol(p) := "tcp" if not is_string(p.protocol)

# open_ports are the well-formed entries of a scan whose state is open.
open_ports(d) := [p |
	some p in scan_ports(d)
	is_number(p.port)
	p.state == "open"
]

# scan_unknowns are the facts a port scan lacks: no port list, an entry without a port
# number or state, a vantage that is neither internet nor internal.
scan_unknowns(d) := {"the evidence lists no scanned ports; the exposure of this target is unknown"} if {
	internet_scan(d)
	not scan_ports(d)
}

scan_unknowns(d) := {sprintf("port entry %d has no port number or state (%v); rescan", [i + 1, p]) |
	some i, p in scan_ports(d)
	not port_entry_ok(p)
} if {
	internet_scan(d)
	scan_ports(d)
}

scan_unknowns(d) := {sprintf("unknown scan vantage %v; it must be internet or internal", [d.body.vantage])} if {
	not vantage(d) in {"internet", "internal"}
}

port_entry_ok(p) if {
	is_number(p.port)
	is_string(p.state)
}

internal_note(d) := sprintf("this scan ran from an internal vantage point, which says nothing about internet exposure; scan %v from outside the network (e.g. nmap -Pn -p- from a host on the internet)", [object.get(d.body, "address", d.subject)])

# scan_facts are the facts of each scan that the port rules need, derived once per
# evaluation: vantage (null when it is not a string), ports (the port list, [] when there
# is none), open (the open ports), scanned (the set of scanned port numbers) and unknowns.
scan_facts := [scan_fact(d) | some d in scans]

scan_fact(d) := {
	"d": d,
	"vantage": vantage_or_null(d),
	"ports": ps,
	"open": open_ports(d),
	"scanned": {p.port | some p in ps},
	"unknowns": {msg | some msg in scan_unknowns(d)},
} if {
	ps := scan_port_list(d)
}

vantage_or_null(d) := v if {
	v := vantage(d)
} else := null

scan_port_list(d) := ps if {
	ps := scan_ports(d)
} else := []

# net.only-allowed-ports-public

allowed_ports_observed contains lib.unknown(d.subject, "parameter allowed_ports is missing or not a list of port numbers") if {
	not number_list(input.params.allowed_ports)
	some d in scans
}

allowed_ports_observed contains lib.not_applicable(x.d.subject, internal_note(x.d)) if {
	some x in scan_facts
	x.vantage == "internal"
}

allowed_ports_observed contains lib.unknown(x.d.subject, msg) if {
	some x in scan_facts
	some msg in x.unknowns
}

allowed_ports_observed contains lib.fail(x.d.subject, msg) if {
	allowed := input.params.allowed_ports
	number_list(allowed)
	allowed_text := ports_text(allowed)
	some x in scan_facts
	x.vantage == "internet"
	some p in x.open
	not p.port in allowed
	msg := sprintf("%s is open to the internet, but only %s may be; close it or drop it at the firewall (e.g. nft add rule inet filter input %s dport %v drop)", [port_label(p), allowed_text, port_protocol(p), p.port])
}

allowed_ports_observed contains lib.pass(x.d.subject, sprintf("%s (%d ports scanned from the internet, allowed: %s)", [open_text(x.open), count(x.ports), allowed_text])) if {
	allowed := input.params.allowed_ports
	number_list(allowed)
	allowed_text := ports_text(allowed)
	some x in scan_facts
	x.vantage == "internet"
	count(x.unknowns) == 0
	every p in x.open {
		p.port in allowed
	}
}

open_text(open) := sprintf("open: %s, all allowed", [concat(", ", [port_label(p) | some p in open])]) if count(open) > 0

open_text(open) := "no open port" if count(open) == 0

number_list(xs) if {
	is_array(xs)
	every x in xs {
		is_number(x)
	}
}

# net.no-public-admin-database-port

no_sensitive_ports_observed contains lib.unknown(d.subject, "parameter sensitive_ports is missing or not a list of port numbers") if {
	not number_list(input.params.sensitive_ports)
	some d in scans
}

no_sensitive_ports_observed contains lib.not_applicable(x.d.subject, internal_note(x.d)) if {
	some x in scan_facts
	x.vantage == "internal"
}

no_sensitive_ports_observed contains lib.unknown(x.d.subject, msg) if {
	some x in scan_facts
	some msg in x.unknowns
}

# A sensitive port the scan did not cover is unknown, not closed.
no_sensitive_ports_observed contains lib.unknown(d.subject, sprintf("sensitive ports %s were not scanned, so their exposure is unknown; include them in the scan (e.g. nmap -Pn -p %s %v)", [ports_text(missing), concat(",", [sprintf("%v", [p]) | some p in missing]), object.get(d.body, "address", d.subject)])) if {
	sensitive := input.params.sensitive_ports
	number_list(sensitive)
	some x in scan_facts
	x.vantage == "internet"
	count(x.ports) > 0
	d := x.d
	missing := sort({p | some p in sensitive; not p in x.scanned})
	count(missing) > 0
}

no_sensitive_ports_observed contains lib.fail(x.d.subject, msg) if {
	sensitive := input.params.sensitive_ports
	number_list(sensitive)
	sens := {p | some p in sensitive}
	some x in scan_facts
	x.vantage == "internet"
	some p in x.open
	p.port in sens
	msg := sprintf("%s is open to the internet; administration and database ports must never be public: close it or allow it only from a VPN or bastion address (e.g. nft add rule inet filter input ip saddr != 10.8.0.0/24 %s dport %v drop)", [port_label(p), port_protocol(p), p.port])
}

no_sensitive_ports_observed contains lib.pass(x.d.subject, sprintf("none of the %d sensitive ports is open to the internet (%d ports scanned)", [count(sens), count(x.ports)])) if {
	sensitive := input.params.sensitive_ports
	number_list(sensitive)
	sens := {p | some p in sensitive}
	some x in scan_facts
	x.vantage == "internet"
	count(x.unknowns) == 0
	every p in sens {
		p in x.scanned
	}
	every p in x.open {
		not p.port in sens
	}
}

# ---------------------------------------------------------------------------
# Configured firewall rules (net.firewall), shared by net.firewall-only-allowed-ports
# and net.firewall-no-world-sensitive-ports
# ---------------------------------------------------------------------------

# world_source holds for a source that admits every address.
world_source(s) if {
	is_string(s)
	lower(trim_space(s)) in {"any", "*", "all", "anywhere", "internet", "0.0.0.0", "::", "0/0"}
}

world_source(s) if {
	is_string(s)
	endswith(trim_space(s), "/0")
}

rules(d) := d.body.rules if is_array(d.body.rules)

# ingress_allow holds for an allow rule on incoming traffic.
ingress_allow(r) if {
	is_string(r.direction)
	is_string(r.action)
	lower(r.direction) == "ingress"
	lower(r.action) == "allow"
}

# world_admits holds for an ingress allow rule that admits the internet on a protocol with
# ports; with well-formed ranges (open_rule below) the rule is open to the world.
world_admits(r) if {
	ingress_allow(r)
	is_array(r.sources)
	has_world_source(r)
	is_string(r.protocol)
	not lower(r.protocol) in {"icmp", "icmpv6", "ipv6-icmp"}
}

has_world_source(r) if {
	some s in r.sources
	world_source(s)
}

# ranges is a rule's port ranges; no port list means every port.
ranges(r) := [{"from": 0, "to": 65535, "all": true}] if no_port_list(r)

ranges(r) := [{"from": rg.from, "to": range_end(rg), "all": false} | some rg in r.ports] if {
	is_array(r.ports)
	count(r.ports) > 0
	every rg in r.ports {
		range_ok(rg)
	}
}

no_port_list(r) if is_null(object.get(r, "ports", null))

no_port_list(r) if {
	is_array(r.ports)
	count(r.ports) == 0
}

range_end(rg) := rg.to if is_number(rg.to)

range_end(rg) := rg.from if is_null(object.get(rg, "to", null))

range_ok(rg) if {
	is_number(rg.from)
	is_number(range_end(rg))
	range_end(rg) >= rg.from
}

rule_label(i, r) := sprintf("ingress rule #%d (%q)", [i + 1, r.description]) if is_string(r.description)

rule_label(i, r) := sprintf("ingress rule #%d", [i + 1]) if not is_string(r.description)

world_sources(r) := concat(", ", [s | some s in r.sources; world_source(s)])

# any_protocol holds for the protocol names that match every protocol.
any_protocol(proto) if proto in {"any", "all"}

range_text(rg, proto) := sprintf("every %s port", [proto]) if {
	rg.all
	not any_protocol(proto)
}

range_text(rg, proto) := "every port of every protocol" if {
	rg.all
	any_protocol(proto)
}

range_text(rg, proto) := sprintf("%s%s", [span_text(rg), proto_suffix(proto)]) if not rg.all

span_text(rg) := sprintf("%v", [rg.from]) if rg.from == rg.to

span_text(rg) := sprintf("%v-%v", [rg.from, rg.to]) if rg.from != rg.to

proto_suffix(proto) := sprintf("/%s", [proto]) if not any_protocol(proto)

proto_suffix(proto) := " (any protocol)" if any_protocol(proto)

# exposed_text names sensitive ports of one rule: "tcp ports 22, 3306" or "port 22 (any protocol)".
exposed_text(ports, proto) := sprintf("%s %s %s", [proto, port_word(ports), ports_text(ports)]) if not any_protocol(proto)

exposed_text(ports, proto) := sprintf("%s %s (any protocol)", [port_word(ports), ports_text(ports)]) if any_protocol(proto)

port_word(ports) := "port" if count(ports) == 1

port_word(ports) := "ports" if count(ports) != 1

# fw_unknown holds [subject, message] for each fact a firewall control needs but lacks.
fw_unknown contains [d.subject, "the evidence has no rule list; the firewall's rules are unknown"] if {
	some d in firewalls
	not rules(d)
}

fw_unknown contains [d.subject, msg] if {
	some d in firewalls
	some i, r in rules(d)
	msg := rule_unknown(i, r)
}

# rule_unknown is what one rule leaves unknown, if anything (at most one fact per rule):
# its direction or action; for an ingress allow rule, its sources; for one that admits the
# internet, its protocol or, with a protocol, its port list.
rule_unknown(i, r) := sprintf("rule #%d has no direction or action; whether it admits traffic is unknown", [i + 1]) if {
	not direction_action_known(r)
} else := ingress_unknown(i, r) if {
	ingress_allow(r)
}

ingress_unknown(i, r) := sprintf("%s lists no sources; whether it is open to the internet is unknown", [rule_label(i, r)]) if {
	not has_sources(r)
} else := world_unknown(i, r) if {
	has_world_source(r)
}

world_unknown(i, r) := sprintf("%s admits %s but its protocol is unknown", [rule_label(i, r), world_sources(r)]) if {
	not is_string(r.protocol)
} else := sprintf("%s admits %s but its port list is malformed (%v); each entry needs numeric from (and to >= from)", [rule_label(i, r), world_sources(r), r.ports]) if {
	not ranges(r)
}

direction_action_known(r) if {
	is_string(r.direction)
	is_string(r.action)
}

has_sources(r) if {
	is_array(r.sources)
	count(r.sources) > 0
}

fw_unknowns(d) := {msg | some [s, msg] in fw_unknown; s == d.subject}

# fw_facts are the facts of each firewall that the firewall rules need, derived once per
# evaluation: unknowns, rule_count, and open (one entry per ingress allow rule that admits
# the internet: its label, protocol in lower case, world sources and port ranges).
fw_facts := [fw_fact(d) | some d in firewalls]

fw_fact(d) := {
	"d": d,
	"unknowns": fw_unknowns(d),
	"rule_count": rule_count(d),
	"open": [open_rule(i, r) | some i, r in rules(d)],
}

rule_count(d) := count(rules(d)) if {
	rules(d)
} else := 0

# open_rule describes a rule that is open to the world: it admits the internet and its
# port ranges are well formed (computed once here, used by both firewall controls).
open_rule(i, r) := {"label": rule_label(i, r), "proto": lower(r.protocol), "sources": world_sources(r), "ranges": rgs} if {
	world_admits(r)
	rgs := ranges(r)
}

# net.firewall-only-allowed-ports

allowed_ports_configured contains lib.unknown(d.subject, "parameter allowed_ports is missing or not a list of port numbers") if {
	not number_list(input.params.allowed_ports)
	some d in firewalls
}

allowed_ports_configured contains lib.unknown(x.d.subject, msg) if {
	some x in fw_facts
	some msg in x.unknowns
}

allowed_ports_configured contains lib.fail(x.d.subject, msg) if {
	allowed := input.params.allowed_ports
	number_list(allowed)
	some x in fw_facts
	some msg in allowed_port_failures(x.open, allowed)
}

allowed_ports_configured contains lib.pass(x.d.subject, sprintf("%d ingress rules admit the internet, all on allowed ports (%s)", [n, ports_text(allowed)])) if {
	allowed := input.params.allowed_ports
	number_list(allowed)
	some x in fw_facts
	count(x.unknowns) == 0
	n := count(x.open)
	n > 0
	count(allowed_port_failures(x.open, allowed)) == 0
}

allowed_ports_configured contains lib.pass(x.d.subject, sprintf("no ingress rule admits the internet (%d rules)", [x.rule_count])) if {
	number_list(input.params.allowed_ports)
	some x in fw_facts
	count(x.unknowns) == 0
	count(x.open) == 0
}

allowed_port_failures(open, allowed) := {msg |
	some o in open
	some rg in o.ranges
	not range_allowed(rg, allowed)
	msg := sprintf("%s admits %s from %s, outside the allowed ports %s; restrict its sources or remove it", [o.label, range_text(rg, o.proto), o.sources, ports_text(allowed)])
}

# range_allowed holds when every port of the range is in the allowed list.
range_allowed(rg, allowed) if count({p | some p in allowed; p >= rg.from; p <= rg.to}) == (rg.to - rg.from) + 1

# net.firewall-no-world-sensitive-ports

no_sensitive_ports_configured contains lib.unknown(d.subject, "parameter sensitive_ports is missing or not a list of port numbers") if {
	not number_list(input.params.sensitive_ports)
	some d in firewalls
}

no_sensitive_ports_configured contains lib.unknown(x.d.subject, msg) if {
	some x in fw_facts
	some msg in x.unknowns
}

no_sensitive_ports_configured contains lib.fail(x.d.subject, msg) if {
	sensitive := input.params.sensitive_ports
	number_list(sensitive)
	sens := {p | some p in sensitive}
	some x in fw_facts
	some msg in sensitive_port_failures(x.open, sens)
}

no_sensitive_ports_configured contains lib.pass(x.d.subject, sprintf("no ingress rule opens any of the %d sensitive ports to the internet (%d rules)", [count(sens), x.rule_count])) if {
	sensitive := input.params.sensitive_ports
	number_list(sensitive)
	sens := {p | some p in sensitive}
	some x in fw_facts
	count(x.unknowns) == 0
	count(sensitive_port_failures(x.open, sens)) == 0
}

# One fail per world-open rule, naming every sensitive port it opens.
sensitive_port_failures(open, sens) := {msg |
	some o in open
	exposed := sort({p |
		some rg in o.ranges
		some p in sens
		rg.from <= p
		p <= rg.to
	})
	count(exposed) > 0
	msg := sprintf("%s opens %s to %s; allow administration and database ports only from a VPN or bastion CIDR, or remove the rule", [o.label, exposed_text(exposed, o.proto), o.sources])
}

# ---------------------------------------------------------------------------
# net.no-public-ip (cloud.resources)
# ---------------------------------------------------------------------------

resources(d) := d.body.resources if is_array(d.body.resources)

no_public_ip contains lib.unknown(d.subject, "the evidence has no resource list; whether resources have public IP addresses is unknown") if {
	some d in inventories
	not resources(d)
}

no_public_ip contains lib.not_applicable(d.subject, "the account lists no resources") if {
	some d in inventories
	count(resources(d)) == 0
}

no_public_ip contains lib.unknown(d.subject, sprintf("resource entry %d has no id; it cannot be judged", [i + 1])) if {
	some d in inventories
	some i, r in resources(d)
	not resource_id(r)
}

no_public_ip contains lib.unknown(r.id, sprintf("whether %s (%v) has a public IP address is unknown (public_ip missing; the collector must write null when there is none)", [r.id, object.get(r, "type", "unknown type")])) if {
	some d in inventories
	some r in resources(d)
	resource_id(r)
	not "public_ip" in object.keys(r)
}

no_public_ip contains lib.unknown(r.id, sprintf("public_ip of %s is %v, not an address or null", [r.id, r.public_ip])) if {
	some d in inventories
	some r in resources(d)
	resource_id(r)
	"public_ip" in object.keys(r)
	not is_string(r.public_ip)
	not is_null(r.public_ip)
}

no_public_ip contains lib.fail(r.id, sprintf("%s (%v in %v) has the public IP address %s; remove it (e.g. aws ec2 disassociate-address, hcloud primary-ip unassign) and reach the resource through a load balancer, VPN or bastion host", [r.id, object.get(r, "type", "unknown type"), object.get(d.body, "account", d.subject), r.public_ip])) if {
	some d in inventories
	some r in resources(d)
	resource_id(r)
	is_string(r.public_ip)
	trim_space(r.public_ip) != ""
}

no_public_ip contains lib.pass(r.id, sprintf("%s (%v) has no public IP address", [r.id, object.get(r, "type", "unknown type")])) if {
	some d in inventories
	some r in resources(d)
	resource_id(r)
	no_ip(r.public_ip)
}

resource_id(r) if {
	is_string(r.id)
	r.id != ""
}

no_ip(ip) if is_null(ip)

no_ip(ip) if {
	is_string(ip)
	trim_space(ip) == ""
}

# net.observed-matches-configured: every port a scan from the internet finds open must be
# admitted from the whole internet by the configured rules of the same asset. A port open
# in the scan that no rule admits means the rules on file are not the rules in force (or
# traffic takes another path): either way the configuration cannot be trusted as evidence.

observed_configured_agree contains lib.not_applicable(x.d.subject, internal_note(x.d)) if {
	some x in scan_facts
	x.vantage == "internal"
}

observed_configured_agree contains lib.unknown(x.d.subject, msg) if {
	some x in scan_facts
	x.vantage == "internet"
	some msg in x.unknowns
}

observed_configured_agree contains lib.unknown(x.d.subject, sprintf("no net.firewall evidence names %v as its asset; import its rules to compare them with the scan", [scan_name(x.d)])) if {
	some x in scan_facts
	x.vantage == "internet"
	count(x.unknowns) == 0
	count(firewalls_of(x.d)) == 0
}

observed_configured_agree contains lib.fail(x.d.subject, msg) if {
	some x in scan_facts
	x.vantage == "internet"
	count(x.unknowns) == 0
	fws := firewalls_of(x.d)
	count(fws) > 0
	some p in x.open
	not admitted(fws, p)
	msg := sprintf("%s is open to the internet but no configured ingress rule of %s admits it from 0.0.0.0/0 or ::/0: the rules on file are not the rules in force, or traffic reaches the host another way; find the path and update the rules", [port_label(p), concat(", ", sort([f.subject | some f in fws]))])
}

observed_configured_agree contains lib.pass(x.d.subject, sprintf("every open port (%s) is admitted by the configured rules of %s", [open_list, concat(", ", sort([f.subject | some f in fws]))])) if {
	some x in scan_facts
	x.vantage == "internet"
	count(x.unknowns) == 0
	fws := firewalls_of(x.d)
	count(fws) > 0
	every p in x.open {
		admitted(fws, p)
	}
	open_list := concat(", ", [port_label(p) | some p in x.open])
}

# scan_name is how a scan names its host: the target, else the address, else the subject.
scan_name(d) := d.body.target if is_string(d.body.target)

scan_name(d) := object.get(d.body, "address", d.subject) if not is_string(d.body.target)

# firewalls_of lists the firewall documents whose asset is the scanned target or address.
firewalls_of(d) := [f |
	some f in firewalls
	is_string(f.body.asset)
	f.body.asset in {scan_name(d), object.get(d.body, "address", ""), d.subject}
]

# admitted holds when some world-open ingress allow rule covers the port and protocol.
admitted(fws, p) if {
	some f in fws
	some r in rules(f)
	world_admits(r)
	some rg in ranges(r)
	rg.from <= p.port
	p.port <= rg.to
	protocol_covers(r.protocol, port_protocol(p))
}

protocol_covers(rule_proto, _) if any_protocol(lower(rule_proto))

protocol_covers(rule_proto, proto) if lower(rule_proto) == lower(proto)
