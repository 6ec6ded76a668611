package assay.identity_test

import rego.v1

import data.assay.identity

# --- fixtures ----------------------------------------------------------------

now := "2026-11-25T06:00:00Z"

users_doc(subject, users) := {
	"kind": "identity.users",
	"subject": subject,
	"collected_at": "2026-11-25T05:00:00Z",
	"source": "probe",
	"body": {"provider": "github", "org": "acme", "users": users},
}

users_input(docs, excluded) := {
	"control": {"id": "identity.mfa-all-users"},
	"params": {"excluded_accounts": excluded},
	"now": now,
	"evidence": docs,
}

plain_input(docs) := {"control": {"id": "identity.x"}, "params": {}, "now": now, "evidence": docs}

user(login, human, admin, mfa) := {"login": login, "human": human, "admin": admin, "root": false, "mfa": mfa}

org_doc(body) := {"kind": "identity.org", "subject": "github:acme", "collected_at": "2026-11-25T05:00:00Z", "source": "probe", "body": body}

sshd_doc(body) := {"kind": "host.sshd", "subject": "web-1", "collected_at": "2026-11-25T05:00:00Z", "source": "probe", "body": object.union({"host": "web-1", "permit_root_login": "no"}, body)}

statuses(fs) := sort([x.status | some x in fs])

# --- mfa_all_users -----------------------------------------------------------

test_mfa_all_users_pass_ignores_machine_accounts if {
	docs := [users_doc("github:acme", [
		user("alice", true, true, true),
		user("bob", true, false, true),
		user("deploy-bot", false, false, false),
	])]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	count(fs) == 1
	some x in fs
	x.status == "pass"
	x.subject == "github:acme"
	contains(x.message, "all 2 human users")
}

test_mfa_all_users_fail_per_user if {
	docs := [users_doc("github:acme", [
		user("alice", true, true, true),
		user("bob", true, false, false),
		user("carol", true, false, false),
	])]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	statuses(fs) == ["fail", "fail"]
	some x in fs
	contains(x.message, "human user bob has no two-factor authentication")
	some y in fs
	contains(y.message, "carol")
}

test_mfa_all_users_excluded_account_is_skipped_case_insensitively if {
	docs := [users_doc("github:acme", [user("alice", true, true, true), user("Break-Glass", true, false, false)])]
	fs := identity.mfa_all_users with input as users_input(docs, [{"login": "break-glass", "reason": "sealed envelope"}])
	count(fs) == 1
	some x in fs
	x.status == "pass"
	contains(x.message, "all 1 human users")
	contains(x.message, "excluded by params.excluded_accounts: Break-Glass")
}

test_mfa_all_users_exclusion_of_other_login_does_not_help if {
	docs := [users_doc("github:acme", [user("bob", true, false, false)])]
	fs := identity.mfa_all_users with input as users_input(docs, [{"login": "alice", "reason": "x"}])
	statuses(fs) == ["fail"]
}

test_mfa_all_users_missing_mfa_is_error if {
	docs := [users_doc("github:acme", [{"login": "alice", "human": true, "admin": false}])]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "alice")
}

test_mfa_all_users_null_mfa_is_error if {
	docs := [users_doc("github:acme", [user("alice", true, false, null)])]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	statuses(fs) == ["error"]
}

test_mfa_all_users_unknown_human_without_mfa_is_error if {
	docs := [users_doc("github:acme", [{"login": "ci", "admin": false, "mfa": false}])]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "human is missing")
}

test_mfa_all_users_unknown_human_with_mfa_is_fine if {
	docs := [users_doc("github:acme", [user("alice", true, false, true), {"login": "ci", "admin": false, "mfa": true}])]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	statuses(fs) == ["pass"]
}

test_mfa_all_users_missing_users_is_error if {
	docs := [{"kind": "identity.users", "subject": "okta:acme", "body": {"provider": "okta", "org": "acme"}}]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	count(fs) == 1
	some x in fs
	x.status == "error"
	x.subject == "okta:acme"
}

test_mfa_all_users_no_humans_is_not_applicable if {
	docs := [users_doc("github:acme", [user("deploy-bot", false, false, false)])]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	statuses(fs) == ["not_applicable"]
}

test_mfa_all_users_empty_users_is_not_applicable if {
	fs := identity.mfa_all_users with input as users_input([users_doc("github:acme", [])], [])
	statuses(fs) == ["not_applicable"]
}

test_mfa_all_users_several_subjects if {
	docs := [
		users_doc("github:acme", [user("alice", true, true, true)]),
		users_doc("okta:acme", [user("bob", true, false, false)]),
	]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	fs == {
		{"subject": "github:acme", "status": "pass", "message": "all 1 human users in github:acme have two-factor authentication"},
		{"subject": "okta:acme", "status": "fail", "message": "human user bob has no two-factor authentication; enrol a second factor (TOTP, WebAuthn) or remove the account"},
	}
}

test_mfa_all_users_ignores_other_kinds if {
	docs := [users_doc("github:acme", [user("alice", true, true, true)]), org_doc({"mfa_required": false})]
	fs := identity.mfa_all_users with input as users_input(docs, [])
	statuses(fs) == ["pass"]
}

# --- mfa_admins --------------------------------------------------------------

test_mfa_admins_pass if {
	docs := [users_doc("github:acme", [user("alice", true, true, true), user("bob", true, false, false)])]
	fs := identity.mfa_admins with input as users_input(docs, [])
	count(fs) == 1
	some x in fs
	x.status == "pass"
	contains(x.message, "all 1 admins")
}

test_mfa_admins_machine_admin_without_mfa_fails if {
	docs := [users_doc("github:acme", [user("alice", true, true, true), user("terraform", false, true, false)])]
	fs := identity.mfa_admins with input as users_input(docs, [])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "admin terraform has no two-factor authentication")
}

test_mfa_admins_excluded_admin_passes if {
	docs := [users_doc("github:acme", [user("alice", true, true, true), user("terraform", false, true, false)])]
	fs := identity.mfa_admins with input as users_input(docs, [{"login": "terraform", "reason": "API token, no interactive login"}])
	statuses(fs) == ["pass"]
}

test_mfa_admins_no_admins_is_not_applicable if {
	docs := [users_doc("github:acme", [user("bob", true, false, false)])]
	fs := identity.mfa_admins with input as users_input(docs, [])
	count(fs) == 1
	some x in fs
	x.status == "not_applicable"
	contains(x.message, "no admins")
}

test_mfa_admins_unknown_admin_flag_without_mfa_is_error if {
	docs := [users_doc("github:acme", [{"login": "svc", "human": false, "mfa": false}])]
	fs := identity.mfa_admins with input as users_input(docs, [])
	statuses(fs) == ["error"]
}

test_mfa_admins_admin_with_missing_mfa_is_error if {
	docs := [users_doc("github:acme", [{"login": "alice", "human": true, "admin": true}])]
	fs := identity.mfa_admins with input as users_input(docs, [])
	statuses(fs) == ["error"]
}

# --- root_mfa ----------------------------------------------------------------

test_root_mfa_pass if {
	docs := [users_doc("aws:123456789012", [{"login": "root", "human": true, "admin": true, "root": true, "mfa": true}, user("ops", true, true, false)])]
	fs := identity.root_mfa with input as plain_input(docs)
	count(fs) == 1
	some x in fs
	x.status == "pass"
	x.subject == "aws:123456789012"
}

test_root_mfa_fail if {
	docs := [users_doc("aws:123456789012", [{"login": "root", "human": true, "admin": true, "root": true, "mfa": false}])]
	fs := identity.root_mfa with input as plain_input(docs)
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "root account root has no two-factor authentication")
}

test_root_mfa_root_without_mfa_fact_is_error if {
	docs := [users_doc("aws:123456789012", [{"login": "root", "human": true, "admin": true, "root": true, "mfa": null}])]
	fs := identity.root_mfa with input as plain_input(docs)
	statuses(fs) == ["error"]
}

test_root_mfa_no_root_is_not_applicable if {
	docs := [users_doc("github:acme", [{"login": "alice", "human": true, "admin": true, "mfa": false}, user("bob", true, false, false)])]
	fs := identity.root_mfa with input as plain_input(docs)
	count(fs) == 1
	some x in fs
	x.status == "not_applicable"
	x.subject == "github:acme"
}

test_root_mfa_missing_users_is_error if {
	docs := [{"kind": "identity.users", "subject": "aws:1", "body": {"users": null}}]
	fs := identity.root_mfa with input as plain_input(docs)
	statuses(fs) == ["error"]
}

# --- mfa_org_enforced --------------------------------------------------------

test_mfa_org_enforced_pass if {
	fs := identity.mfa_org_enforced with input as plain_input([org_doc({"provider": "github", "org": "acme", "mfa_required": true})])
	fs == {{"subject": "github:acme", "status": "pass", "message": "github enforces two-factor authentication for every member of acme"}}
}

test_mfa_org_enforced_fail if {
	fs := identity.mfa_org_enforced with input as plain_input([org_doc({"provider": "github", "org": "acme", "mfa_required": false})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "does not require two-factor authentication")
}

test_mfa_org_enforced_missing_is_error if {
	fs := identity.mfa_org_enforced with input as plain_input([org_doc({"provider": "github", "org": "acme"})])
	statuses(fs) == ["error"]
}

test_mfa_org_enforced_null_is_error if {
	fs := identity.mfa_org_enforced with input as plain_input([org_doc({"provider": "github", "org": "acme", "mfa_required": null})])
	statuses(fs) == ["error"]
}

test_mfa_org_enforced_falls_back_to_subject_in_message if {
	fs := identity.mfa_org_enforced with input as plain_input([org_doc({"mfa_required": true})])
	some x in fs
	x.message == "github:acme enforces two-factor authentication for every member of github:acme"
}

# --- ssh_second_factor -------------------------------------------------------

test_ssh_second_factor_pass if {
	docs := [sshd_doc({"authentication_methods": ["publickey,keyboard-interactive:pam"]})]
	fs := identity.ssh_second_factor with input as plain_input(docs)
	fs == {{"subject": "web-1", "status": "pass", "message": "every sshd login on web-1 needs two factors (AuthenticationMethods publickey,keyboard-interactive:pam)"}}
}

test_ssh_second_factor_any_fails if {
	fs := identity.ssh_second_factor with input as plain_input([sshd_doc({"authentication_methods": ["any"]})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "AuthenticationMethods any")
}

test_ssh_second_factor_one_weak_alternative_fails if {
	docs := [sshd_doc({"authentication_methods": ["publickey,password", "publickey"]})]
	fs := identity.ssh_second_factor with input as plain_input(docs)
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, `alternative "publickey"`)
}

test_ssh_second_factor_same_method_twice_is_one_factor if {
	fs := identity.ssh_second_factor with input as plain_input([sshd_doc({"authentication_methods": ["publickey,publickey"]})])
	statuses(fs) == ["fail"]
}

test_ssh_second_factor_submethods_count_once if {
	docs := [sshd_doc({"authentication_methods": ["keyboard-interactive:pam,keyboard-interactive:bsdauth"]})]
	fs := identity.ssh_second_factor with input as plain_input(docs)
	statuses(fs) == ["fail"]
}

test_ssh_second_factor_missing_is_error if {
	fs := identity.ssh_second_factor with input as plain_input([sshd_doc({"password_authentication": false})])
	statuses(fs) == ["error"]
}

test_ssh_second_factor_empty_list_is_error if {
	fs := identity.ssh_second_factor with input as plain_input([sshd_doc({"authentication_methods": []})])
	statuses(fs) == ["error"]
}

test_ssh_second_factor_several_hosts if {
	docs := [
		sshd_doc({"authentication_methods": ["publickey,password"]}),
		object.union(sshd_doc({"authentication_methods": ["any"]}), {"subject": "db-1"}),
	]
	fs := identity.ssh_second_factor with input as plain_input(docs)
	{[x.subject, x.status] | some x in fs} == {["web-1", "pass"], ["db-1", "fail"]}
}

# --- ssh_password_disabled ---------------------------------------------------

test_ssh_password_disabled_pass if {
	docs := [sshd_doc({"password_authentication": false, "kbd_interactive_authentication": false, "authentication_methods": ["any"]})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	fs == {{"subject": "web-1", "status": "pass", "message": "sshd on web-1 does not accept passwords as a single factor (PasswordAuthentication no, KbdInteractiveAuthentication no)"}}
}

test_ssh_password_disabled_password_on_fails if {
	docs := [sshd_doc({"password_authentication": true, "kbd_interactive_authentication": false, "authentication_methods": ["any"]})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "PasswordAuthentication no")
}

test_ssh_password_disabled_kbd_as_second_factor_passes if {
	docs := [sshd_doc({"password_authentication": false, "kbd_interactive_authentication": true, "authentication_methods": ["publickey,keyboard-interactive:pam"]})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	count(fs) == 1
	some x in fs
	x.status == "pass"
	contains(x.message, "keyboard-interactive only after publickey")
}

test_ssh_password_disabled_kbd_alone_fails if {
	docs := [sshd_doc({"password_authentication": false, "kbd_interactive_authentication": true, "authentication_methods": ["any"]})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "keyboard-interactive")
}

test_ssh_password_disabled_kbd_with_one_alternative_lacking_publickey_fails if {
	docs := [sshd_doc({"password_authentication": false, "kbd_interactive_authentication": true, "authentication_methods": ["publickey,keyboard-interactive", "password,keyboard-interactive"]})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	statuses(fs) == ["fail"]
}

test_ssh_password_disabled_both_on_two_fails if {
	docs := [sshd_doc({"password_authentication": true, "kbd_interactive_authentication": true, "authentication_methods": ["any"]})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	statuses(fs) == ["fail", "fail"]
}

test_ssh_password_disabled_missing_password_fact_is_error if {
	docs := [sshd_doc({"kbd_interactive_authentication": false, "authentication_methods": ["any"]})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "password_authentication")
}

test_ssh_password_disabled_missing_kbd_fact_is_error if {
	docs := [sshd_doc({"password_authentication": false, "authentication_methods": ["any"]})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	statuses(fs) == ["error"]
}

test_ssh_password_disabled_kbd_on_without_methods_is_error if {
	docs := [sshd_doc({"password_authentication": false, "kbd_interactive_authentication": true})]
	fs := identity.ssh_password_disabled with input as plain_input(docs)
	statuses(fs) == ["error"]
}

# --- robustness --------------------------------------------------------------

test_malformed_bodies_do_not_abort if {
	docs := [
		{"kind": "identity.users", "subject": "u", "body": {"users": [null, 7, {"login": 5, "human": "yes", "admin": null, "root": "no", "mfa": "sometimes"}]}},
		{"kind": "identity.org", "subject": "o", "body": null},
		{"kind": "host.sshd", "subject": "h", "body": {"authentication_methods": [1, null], "password_authentication": "no", "kbd_interactive_authentication": null}},
	]
	i := {"control": {"id": "identity.x"}, "params": {"excluded_accounts": null}, "now": now, "evidence": docs}
	count(identity.mfa_all_users) > 0 with input as i
	count(identity.mfa_admins) > 0 with input as i
	count(identity.root_mfa) > 0 with input as i
	statuses(identity.mfa_org_enforced) == ["error"] with input as i
	statuses(identity.ssh_second_factor) == ["error"] with input as i
	statuses(identity.ssh_password_disabled) == ["error", "error"] with input as i
}

# --- ssh_root_login ------------------------------------------------------------

root_input(docs, allowed) := {"control": {"id": "identity.ssh-root-login"}, "params": {"allowed": allowed}, "now": now, "evidence": docs}

test_ssh_root_login_no_passes if {
	fs := identity.ssh_root_login with input as root_input([sshd_doc({})], ["no"])
	fs == {{"subject": "web-1", "status": "pass", "message": "sshd on web-1: PermitRootLogin no"}}
}

test_ssh_root_login_yes_fails if {
	fs := identity.ssh_root_login with input as root_input([sshd_doc({"permit_root_login": "yes"})], ["no"])
	fs == {{"subject": "web-1", "status": "fail", "message": "sshd on web-1 lets root log in (PermitRootLogin yes; allowed: no); set PermitRootLogin no in sshd_config, log in as a named user and use sudo, then reload sshd"}}
}

test_ssh_root_login_key_only_fails_by_default if {
	fs := identity.ssh_root_login with input as root_input([sshd_doc({"permit_root_login": "without-password"})], ["no"])
	[g] := [h | some h in fs]
	g.status == "fail"
}

test_ssh_root_login_spellings_of_prohibit_password_are_one if {
	fs := identity.ssh_root_login with input as root_input([sshd_doc({"permit_root_login": "without-password"})], ["no", "prohibit-password"])
	fs == {{"subject": "web-1", "status": "pass", "message": "sshd on web-1: PermitRootLogin without-password"}}
}

test_ssh_root_login_missing_is_error if {
	docs := [{"kind": "host.sshd", "subject": "web-2", "collected_at": "2026-11-25T05:00:00Z", "source": "probe", "body": {"host": "web-2"}}]
	fs := identity.ssh_root_login with input as root_input(docs, ["no"])
	fs == {{"subject": "web-2", "status": "error", "message": "the evidence does not say whether sshd lets root log in (permit_root_login is missing)"}}
}

# --- mfa_admins with admin null (AWS credential report without admin data) -----

aws_report_doc(users) := users_doc("aws:123456789012", users)

test_mfa_admins_null_admin_without_mfa_is_error_not_pass if {
	docs := [aws_report_doc([
		{"login": "<root_account>", "human": true, "admin": true, "root": true, "mfa": true},
		{"login": "bob", "human": true, "admin": null, "root": false, "mfa": false},
	])]
	fs := identity.mfa_admins with input as users_input(docs, [])
	statuses(fs) == ["error"]
	some x in fs
	contains(x.message, "account bob has no two-factor authentication and the evidence does not say whether it is a admin")
}

test_mfa_admins_null_admin_with_mfa_passes_for_the_known_admins if {
	docs := [aws_report_doc([
		{"login": "<root_account>", "human": true, "admin": true, "root": true, "mfa": true},
		{"login": "alice", "human": true, "admin": null, "root": false, "mfa": true},
	])]
	fs := identity.mfa_admins with input as users_input(docs, [])
	statuses(fs) == ["pass"]
}

# --- exclusions need a reason; admin groups -----------------------------------

test_exclusion_without_reason_is_not_applied_and_errors if {
	docs := [users_doc("github:acme", [user("alice", true, true, true), user("break-glass", true, true, false)])]
	fs := identity.mfa_admins with input as users_input(docs, [{"login": "break-glass"}, {"login": "x", "reason": "  "}])
	statuses(fs) == ["error", "error", "fail"]
	some x in fs
	x.status == "fail"
	contains(x.message, "admin break-glass has no two-factor authentication")
	some y in fs
	y.status == "error"
	contains(y.message, `params.excluded_accounts entry {"login":"break-glass"} is not applied`)
	fs2 := identity.mfa_all_users with input as users_input(docs, [{"login": "break-glass"}])
	statuses(fs2) == ["error", "fail"]
}

admins_input(docs, groups) := {
	"control": {"id": "identity.mfa-admins"},
	"params": {"excluded_accounts": [], "admin_groups": groups},
	"now": now,
	"evidence": docs,
}

test_admin_groups_count_as_admins if {
	docs := [users_doc("okta:acme", [
		object.union(user("alice", true, false, true), {"groups": ["Everyone", "Super-Admins"]}),
		object.union(user("bob", true, false, false), {"groups": ["Everyone", "super-admins"]}),
		object.union(user("carol", true, false, false), {"groups": ["Everyone"]}),
		user("dave", true, false, false),
	])]
	fs := identity.mfa_admins with input as admins_input(docs, ["Super-Admins"])
	statuses(fs) == ["fail"]
	some x in fs
	contains(x.message, "admin bob has no two-factor authentication")
	none := identity.mfa_admins with input as admins_input(docs, [])
	statuses(none) == ["not_applicable"]
}
