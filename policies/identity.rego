# Identity: who can sign in and how strongly. Judges identity.users (MFA for every
# human user, every admin and every root account), identity.org (MFA enforced for
# the whole org) and host.sshd (a second factor for every SSH login, no password
# logins).
package assay.identity

import rego.v1

import data.assay.lib

# mfa_all_users: every human account has MFA, except accounts listed in
# params.excluded_accounts ({login, reason}). Machine accounts (human false) are out
# of scope; an account whose human flag is unknown and that has no MFA is an error.
mfa_all_users contains f if {
	excluded := excluded_logins(input.params.excluded_accounts)
	some d in lib.docs("identity.users")
	some f in user_mfa_findings(d, excluded, "human", "human user")
}

# mfa_admins: every admin account, human or not, has MFA, except accounts listed in
# params.excluded_accounts. Members of a group named in params.admin_groups (matched
# case-insensitively against the user's `groups` fact) count as admins too.
mfa_admins contains f if {
	excluded := excluded_logins(input.params.excluded_accounts)
	groups := admin_group_set(default_admin_groups)
	some d in lib.docs("identity.users")
	some f in user_mfa_findings(with_group_admins(d, groups), excluded, "admin", "admin")
}

# An exclusion must say why: an excluded_accounts entry without a login and a non-empty
# reason is not applied, and the control errors until it is fixed.
mfa_all_users contains f if {
	some d in lib.docs("identity.users")
	some f in exclusion_problems(d, input.params.excluded_accounts)
}

mfa_admins contains f if {
	some d in lib.docs("identity.users")
	some f in exclusion_problems(d, input.params.excluded_accounts)
}

# root_mfa: every account the provider marks as root/owner has MFA. A document without
# any root account is not_applicable.
root_mfa contains f if {
	some d in lib.docs("identity.users")
	some f in user_mfa_findings(d, set(), "root", "root account")
}

# mfa_org_enforced: the provider enforces MFA for every member of the org.
mfa_org_enforced contains lib.pass(d.subject, msg) if {
	some d in lib.docs("identity.org")
	d.body.mfa_required == true
	msg := sprintf("%s enforces two-factor authentication for every member of %s", [provider_name(d), org_name(d)])
}

mfa_org_enforced contains lib.fail(d.subject, msg) if {
	some d in lib.docs("identity.org")
	d.body.mfa_required == false
	msg := sprintf("%s does not require two-factor authentication for members of %s; turn on the org-wide 2FA requirement (GitHub: Settings > Authentication security > Require two-factor authentication; Okta/Entra: an MFA sign-on policy for all users)", [provider_name(d), org_name(d)])
}

mfa_org_enforced contains lib.unknown(d.subject, "the evidence does not say whether the provider enforces two-factor authentication (mfa_required is missing or not a boolean)") if {
	some d in lib.docs("identity.org")
	not is_boolean(d.body.mfa_required)
}

# ssh_second_factor: every alternative in sshd's AuthenticationMethods names at least
# two different methods (e.g. "publickey,keyboard-interactive:pam"), so no login
# succeeds with a single factor. ["any"] (the default) means a single factor suffices.
ssh_second_factor contains f if {
	some d in lib.docs("host.sshd")
	some f in ssh_second_factor_findings(d)
}

# ssh_password_disabled: PasswordAuthentication is off, and keyboard-interactive is
# only enabled as a second factor, i.e. every AuthenticationMethods alternative also
# requires publickey.
ssh_password_disabled contains f if {
	some d in lib.docs("host.sshd")
	some f in ssh_password_findings(d)
}

# ssh_root_login: sshd's PermitRootLogin is one of params.allowed (default ["no"]).
# "without-password" is the older spelling of "prohibit-password"; either allows both.
ssh_root_login contains f if {
	some d in lib.docs("host.sshd")
	some f in ssh_root_login_findings(d, input.params.allowed)
}

# --- helpers -----------------------------------------------------------------

# excluded_logins is the set of lower-cased logins of the excluded_accounts entries that
# carry a reason.
excluded_logins(accounts) := {lower(a.login) | some a in accounts; valid_exclusion(a)} if {
	is_array(accounts)
} else := set()

valid_exclusion(a) if {
	is_string(a.login)
	is_string(a.reason)
	trim_space(a.reason) != ""
}

exclusion_problems(d, accounts) := {lib.unknown(d.subject, msg) |
	is_array(accounts)
	some a in accounts
	not valid_exclusion(a)
	msg := sprintf("params.excluded_accounts entry %s is not applied: every excluded account needs a login and a reason, e.g. {login: break-glass, reason: \"sealed credentials in the safe\"}", [json.marshal(a)])
}

# admin_group_set is the set of lower-cased group names in params.admin_groups.
admin_group_set(groups) := {lower(g) | some g in groups; is_string(g)} if {
	is_array(groups)
} else := set()

# An absent admin_groups param (a profile or test that predates it) means none.
default_admin_groups := input.params.admin_groups if {
	is_array(input.params.admin_groups)
} else := []

# with_group_admins marks the members of an admin group as admins.
with_group_admins(d, groups) := d if {
	count(groups) == 0
} else := object.union(d, {"body": {"users": [group_admin(u, groups) | some u in d.body.users]}}) if {
	is_array(d.body.users)
} else := d

group_admin(u, groups) := object.union(u, {"admin": true}) if {
	is_array(u.groups)
	some g in u.groups
	is_string(g)
	lower(g) in groups
} else := u

provider_name(d) := d.body.provider if {
	is_string(d.body.provider)
} else := d.subject

org_name(d) := d.body.org if {
	is_string(d.body.org)
} else := d.subject

user_login(u, i) := u.login if {
	is_string(u.login)
} else := sprintf("user #%d (no login)", [i])

is_excluded(u, excluded) if {
	is_string(u.login)
	lower(u.login) in excluded
}

# in_scope: flag is true for this user; maybe_in_scope: the flag is unknown. For
# "root", an absent flag means the provider has no root concept for this account.
in_scope(u, flag) if u[flag] == true

maybe_in_scope(u, flag) if {
	flag != "root"
	not is_boolean(u[flag])
}

# user_mfa_findings judges one identity.users document for one kind of account
# (flag "human", "admin" or "root").
user_mfa_findings(d, excluded, flag, what) := fs if {
	is_array(d.body.users)
	problems := user_mfa_fails(d, excluded, flag, what) | user_mfa_unknowns(d, excluded, flag, what)
	fs := problems | user_mfa_summary(d, excluded, flag, what, problems)
} else := {lib.unknown(d.subject, "the evidence has no list of users (users is missing or not an array)")}

user_mfa_fails(d, excluded, flag, what) := {lib.fail(d.subject, msg) |
	some i, u in d.body.users
	in_scope(u, flag)
	not is_excluded(u, excluded)
	u.mfa == false
	msg := sprintf("%s %s has no two-factor authentication; enrol a second factor (TOTP, WebAuthn) or remove the account", [what, user_login(u, i)])
}

user_mfa_unknowns(d, excluded, flag, what) := {lib.unknown(d.subject, msg) |
	some i, u in d.body.users
	in_scope(u, flag)
	not is_excluded(u, excluded)
	not is_boolean(u.mfa)
	msg := sprintf("the MFA status of %s %s is unknown (mfa is missing)", [what, user_login(u, i)])
} | {lib.unknown(d.subject, msg) |
	some i, u in d.body.users
	maybe_in_scope(u, flag)
	not is_excluded(u, excluded)
	not u.mfa == true
	msg := sprintf("account %s has no two-factor authentication and the evidence does not say whether it is a %s (%s is missing)", [user_login(u, i), what, flag])
}

# user_mfa_summary is the pass (or not_applicable) of a document without problems.
user_mfa_summary(d, excluded, flag, what, problems) := set() if {
	count(problems) > 0
} else := {lib.not_applicable(d.subject, msg)} if {
	checked := [u | some u in d.body.users; in_scope(u, flag); not is_excluded(u, excluded)]
	count(checked) == 0
	msg := sprintf("no %s to check in %s%s", [plural(what), d.subject, excluded_note(d, excluded, flag)])
} else := {lib.pass(d.subject, msg)} if {
	checked := [u | some u in d.body.users; in_scope(u, flag); not is_excluded(u, excluded)]
	msg := sprintf("all %d %s in %s have two-factor authentication%s", [count(checked), plural(what), d.subject, excluded_note(d, excluded, flag)])
}

plural(what) := concat("", [what, "s"])

# excluded_note names the in-scope accounts that were skipped because they are excluded.
excluded_note(d, excluded, flag) := note if {
	skipped := sort([u.login | some u in d.body.users; in_scope(u, flag); is_excluded(u, excluded)])
	count(skipped) > 0
	note := sprintf(" (excluded by params.excluded_accounts: %s)", [concat(", ", skipped)])
} else := ""

# ssh_methods_of is the set of distinct method names of one AuthenticationMethods
# alternative, without submethods ("keyboard-interactive:pam" -> "keyboard-interactive").
ssh_methods_of(alternative) := {m |
	some part in split(alternative, ",")
	m := split(trim_space(part), ":")[0]
	m != ""
}

ssh_alternatives_known(d) if {
	is_array(d.body.authentication_methods)
	count(d.body.authentication_methods) > 0
	every a in d.body.authentication_methods {
		is_string(a)
	}
}

ssh_second_factor_findings(d) := fs if {
	ssh_alternatives_known(d)
	fails := {lib.fail(d.subject, msg) |
		some a in d.body.authentication_methods
		count(ssh_methods_of(a)) < 2
		msg := ssh_single_factor_message(d, a)
	}
	fs := fails | ssh_second_factor_pass(d, fails)
} else := {lib.unknown(d.subject, "the evidence does not list sshd's AuthenticationMethods (authentication_methods is missing, empty or malformed)")}

ssh_single_factor_message(d, a) := msg if {
	a == "any"
	msg := sprintf("sshd on %s accepts a login with a single factor (AuthenticationMethods any); set AuthenticationMethods publickey,keyboard-interactive:pam (or publickey,password) in sshd_config and reload sshd", [d.subject])
} else := sprintf("sshd on %s accepts a login with a single factor (AuthenticationMethods alternative %q); require two methods, e.g. AuthenticationMethods publickey,keyboard-interactive:pam", [d.subject, a])

ssh_second_factor_pass(d, fails) := set() if {
	count(fails) > 0
} else := {lib.pass(d.subject, sprintf("every sshd login on %s needs two factors (AuthenticationMethods %s)", [d.subject, concat(" ", d.body.authentication_methods)]))}

ssh_password_findings(d) := fs if {
	problems := ssh_password_fails(d) | ssh_password_unknowns(d)
	count(problems) > 0
	fs := problems
} else := {lib.pass(d.subject, sprintf("sshd on %s does not accept passwords as a single factor (PasswordAuthentication no%s)", [d.subject, ssh_kbd_note(d)]))}

ssh_kbd_note(d) := ", keyboard-interactive only after publickey" if {
	d.body.kbd_interactive_authentication == true
} else := ", KbdInteractiveAuthentication no"

ssh_password_fails(d) := {lib.fail(d.subject, msg) |
	d.body.password_authentication == true
	msg := sprintf("sshd on %s accepts password logins (PasswordAuthentication yes); set PasswordAuthentication no in sshd_config and reload sshd", [d.subject])
} | {lib.fail(d.subject, msg) |
	d.body.kbd_interactive_authentication == true
	ssh_alternatives_known(d)
	some a in d.body.authentication_methods
	not "publickey" in ssh_methods_of(a)
	msg := sprintf("sshd on %s allows keyboard-interactive (password) logins without a public key (AuthenticationMethods alternative %q); set KbdInteractiveAuthentication no, or require publickey first: AuthenticationMethods publickey,keyboard-interactive:pam", [d.subject, a])
}

ssh_password_unknowns(d) := {lib.unknown(d.subject, "the evidence does not say whether sshd accepts passwords (password_authentication is missing)") |
	not is_boolean(d.body.password_authentication)
} | {lib.unknown(d.subject, "the evidence does not say whether sshd allows keyboard-interactive logins (kbd_interactive_authentication is missing)") |
	not is_boolean(d.body.kbd_interactive_authentication)
} | {lib.unknown(d.subject, "keyboard-interactive is enabled but the evidence does not list AuthenticationMethods, so it is unknown whether it is only a second factor") |
	d.body.kbd_interactive_authentication == true
	not ssh_alternatives_known(d)
}

ssh_root_spellings(v) := {"prohibit-password", "without-password"} if {
	v in {"prohibit-password", "without-password"}
} else := {v}

ssh_root_allowed(allowed) := {s | some a in allowed; is_string(a); some s in ssh_root_spellings(lower(a))} if {
	is_array(allowed)
} else := {"no"}

ssh_root_login_findings(d, allowed) := {lib.pass(d.subject, msg)} if {
	is_string(d.body.permit_root_login)
	lower(d.body.permit_root_login) in ssh_root_allowed(allowed)
	msg := sprintf("sshd on %s: PermitRootLogin %s", [d.subject, d.body.permit_root_login])
} else := {lib.fail(d.subject, msg)} if {
	is_string(d.body.permit_root_login)
	msg := sprintf("sshd on %s lets root log in (PermitRootLogin %s; allowed: %s); set PermitRootLogin no in sshd_config, log in as a named user and use sudo, then reload sshd", [d.subject, d.body.permit_root_login, concat(", ", sort(ssh_root_allowed(allowed)))])
} else := {lib.unknown(d.subject, "the evidence does not say whether sshd lets root log in (permit_root_login is missing)")}
