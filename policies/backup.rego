# Backup: whether each backup repository has a fresh snapshot, is encrypted, has been
# restored successfully in a recent test, and keeps snapshots long enough. Judges
# backup.snapshots. Ages are measured from the run's time (input.now).
package assay.backup

import rego.v1

import data.assay.lib

# recent: the newest snapshot is at most params.max_age_hours old.
recent contains f if {
	max_hours := input.params.max_age_hours
	some d in lib.docs("backup.snapshots")
	f := recent_finding(d, max_hours, snapshot_order(d))
}

# encrypted: the repository encrypts its snapshots.
encrypted contains lib.pass(d.subject, msg) if {
	some d in lib.docs("backup.snapshots")
	d.body.encrypted == true
	msg := sprintf("backup repository %s is encrypted (%s)", [d.subject, tool_name(d)])
}

encrypted contains lib.fail(d.subject, msg) if {
	some d in lib.docs("backup.snapshots")
	d.body.encrypted == false
	msg := sprintf("backup repository %s is not encrypted; create an encrypted repository (restic always encrypts; borg init --encryption=repokey-blake2; pgbackrest repo1-cipher-type=aes-256-cbc; AWS Backup vault with a KMS key) and move the snapshots there", [d.subject])
}

encrypted contains lib.unknown(d.subject, "the evidence does not say whether the backup repository is encrypted (encrypted is missing)") if {
	some d in lib.docs("backup.snapshots")
	not is_boolean(d.body.encrypted)
}

# restore_tested: the newest successful restore test is at most
# params.max_days_since_test days old, and no later restore test failed.
restore_tested contains f if {
	max_days := input.params.max_days_since_test
	some d in lib.docs("backup.snapshots")
	f := restore_finding(d, max_days, test_order(d))
}

# retention: snapshots are kept at least params.min_retention_days days. Shown by any of:
# the oldest snapshot is at least that old, retention.keep_within_days is at least that,
# or retention.keep_daily is at least that.
retention contains f if {
	min_days := input.params.min_retention_days
	some d in lib.docs("backup.snapshots")
	f := retention_finding(d, min_days, snapshot_order(d))
}

# --- helpers -----------------------------------------------------------------

# valid_time holds for an RFC 3339 timestamp that time.parse_rfc3339_ns can read, so a
# malformed time is reported as unknown instead of aborting the evaluation.
valid_time(ts) if {
	is_string(ts)
	regex.match(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`, ts)
}

tool_name(d) := d.body.tool if {
	is_string(d.body.tool)
} else := "tool unknown"

# one_decimal prints a number with one decimal ("4.0", "23.8"), also for whole numbers.
one_decimal(x) := sprintf("%s%d.%d", [sign, floor(t / 10), t % 10]) if {
	t := round(abs(x) * 10)
	sign := negative_sign(x, t)
}

negative_sign(x, t) := "-" if {
	x < 0
	t > 0
} else := ""

snapshot_label(s) := s.id if {
	is_string(s.id)
} else := "(no id)"

# snapshots and restore_tests are the body's lists, or [] when absent or malformed (the
# rules report that separately; regorus errors on `some x in null`).
snapshots(d) := d.body.snapshots if {
	is_array(d.body.snapshots)
} else := []

restore_tests(d) := d.body.restore_tests if {
	is_array(d.body.restore_tests)
} else := []

# snapshot_order is [time in ns, index] of every snapshot with a readable time, sorted:
# the snapshots oldest first, equal times in input order. Each time is checked and
# parsed once per document; the rules pass the order to the helpers below.
snapshot_order(d) := sort([[time.parse_rfc3339_ns(s.time), i] |
	some i, s in snapshots(d)
	valid_time(s.time)
])

# undated_count is the number of snapshots without a readable time.
undated_count(d, order) := count(snapshots(d)) - count(order)

newest_snapshot(d, order) := snapshots(d)[order[count(order) - 1][1]] if count(order) > 0

oldest_snapshot(d, order) := snapshots(d)[order[0][1]] if count(order) > 0

recent_finding(d, max_hours, order) := lib.unknown(d.subject, "the evidence has no list of snapshots (snapshots is missing or not an array)") if {
	not is_array(d.body.snapshots)
} else := lib.fail(d.subject, msg) if {
	count(d.body.snapshots) == 0
	msg := sprintf("backup repository %s has no snapshots; run the backup job (e.g. restic backup / borg create) and schedule it at least every %v hours", [d.subject, max_hours])
} else := lib.pass(d.subject, msg) if {
	s := newest_snapshot(d, order)
	age := lib.age_hours(s.time)
	age <= max_hours
	msg := sprintf("newest snapshot %s of %s was taken at %s, %s hours ago (limit %v hours)", [snapshot_label(s), d.subject, s.time, one_decimal(age), max_hours])
} else := lib.unknown(d.subject, msg) if {
	n := undated_count(d, order)
	n > 0
	msg := sprintf("%d snapshot(s) of %s have no readable time and no dated snapshot is younger than %v hours", [n, d.subject, max_hours])
} else := lib.fail(d.subject, msg) if {
	s := newest_snapshot(d, order)
	msg := sprintf("newest snapshot %s of %s was taken at %s, %s hours ago, limit %v hours; check that the backup job still runs (systemctl list-timers, cron, the backup tool's log)", [snapshot_label(s), d.subject, s.time, one_decimal(lib.age_hours(s.time)), max_hours])
}

# test_order is [time in ns, index] of every restore test with a readable time and a
# success flag, sorted: the tests oldest first, equal times in input order.
test_order(d) := sort([[time.parse_rfc3339_ns(t.time), i] |
	some i, t in restore_tests(d)
	valid_test(t)
])

valid_test(t) if {
	valid_time(t.time)
	is_boolean(t.success)
}

malformed_tests(d, order) := count(restore_tests(d)) - count(order)

newest_test(d, order) := restore_tests(d)[order[count(order) - 1][1]] if count(order) > 0

newest_success(d, order) := restore_tests(d)[ok[count(ok) - 1][1]] if {
	ok := [o | some o in order; restore_tests(d)[o[1]].success == true]
	count(ok) > 0
}

days_ago(ts) := 0 - lib.days_until(ts)

test_label(t) := sprintf("%s (snapshot %s)", [t.time, t.snapshot]) if {
	is_string(t.snapshot)
} else := t.time

restore_hint := "restore the newest snapshot into a scratch location and verify it (restic restore latest --target /tmp/restore-test; borg extract --dry-run; pgbackrest restore --target-action=promote on a test host), then record the test"

restore_finding(d, max_days, order) := lib.unknown(d.subject, "the evidence has no list of restore tests (restore_tests is missing or not an array)") if {
	not is_array(d.body.restore_tests)
} else := lib.pass(d.subject, msg) if {
	s := newest_success(d, order)
	newest_test(d, order) == s
	days_ago(s.time) <= max_days
	msg := sprintf("the newest restore test of %s succeeded at %s, %s days ago (limit %v days)", [d.subject, test_label(s), one_decimal(days_ago(s.time)), max_days])
} else := lib.unknown(d.subject, msg) if {
	n := malformed_tests(d, order)
	n > 0
	msg := sprintf("%d restore test(s) of %s lack a readable time or success flag, and the readable ones do not show a successful test within %v days", [n, d.subject, max_days])
} else := lib.fail(d.subject, msg) if {
	count(d.body.restore_tests) == 0
	msg := sprintf("no restore test of %s is recorded; %s", [d.subject, restore_hint])
} else := lib.fail(d.subject, msg) if {
	t := newest_test(d, order)
	t.success == false
	msg := sprintf("the newest restore test of %s, at %s, failed%s%s; fix the cause and %s", [d.subject, test_label(t), test_error_note(t), last_success_note(d, order), restore_hint])
} else := lib.fail(d.subject, msg) if {
	s := newest_success(d, order)
	msg := sprintf("the newest successful restore test of %s was at %s, %s days ago, limit %v days; %s", [d.subject, test_label(s), one_decimal(days_ago(s.time)), max_days, restore_hint])
}

# test_error_note is the recorded reason of a failed test (assay's restore tests record
# one), or nothing.
test_error_note(t) := sprintf(": %s", [t.error]) if {
	is_string(t.error)
	t.error != ""
} else := ""

last_success_note(d, order) := sprintf(" (last success: %s)", [newest_success(d, order).time]) if {
	newest_success(d, order)
} else := " (no restore test has ever succeeded)"

retention_reasons(d, min_days, order) := [r |
	some r in [oldest_reason(d, min_days, order), within_reason(d, min_days), daily_reason(d, min_days)]
	r != ""
]

oldest_reason(d, min_days, order) := sprintf("the oldest snapshot %s is %s days old", [snapshot_label(s), one_decimal(days_ago(s.time))]) if {
	s := oldest_snapshot(d, order)
	days_ago(s.time) >= min_days
} else := ""

within_reason(d, min_days) := sprintf("the retention policy keeps every snapshot of the last %v days", [d.body.retention.keep_within_days]) if {
	is_number(d.body.retention.keep_within_days)
	d.body.retention.keep_within_days >= min_days
} else := ""

daily_reason(d, min_days) := sprintf("the retention policy keeps %v daily snapshots", [d.body.retention.keep_daily]) if {
	is_number(d.body.retention.keep_daily)
	d.body.retention.keep_daily >= min_days
} else := ""

history_note(d, order) := sprintf("the oldest snapshot is %s days old", [one_decimal(days_ago(oldest_snapshot(d, order).time))]) if {
	oldest_snapshot(d, order)
} else := "there is no dated snapshot"

policy_note(d) := sprintf("keep_within_days %v, keep_daily %v", [object.get(d.body.retention, "keep_within_days", null), object.get(d.body.retention, "keep_daily", null)])

retention_finding(d, min_days, order) := lib.pass(d.subject, msg) if {
	reasons := retention_reasons(d, min_days, order)
	count(reasons) > 0
	msg := sprintf("%s keeps snapshots for at least %v days: %s", [d.subject, min_days, concat("; ", reasons)])
} else := lib.unknown(d.subject, msg) if {
	not is_object(d.body.retention)
	msg := sprintf("the evidence has no retention policy for %s and %s, so it is unknown whether snapshots are kept %v days", [d.subject, history_note(d, order), min_days])
} else := lib.fail(d.subject, msg) if {
	msg := sprintf("%s may not keep snapshots for %v days: the retention policy has %s and %s; keep at least %v days (restic forget --keep-within %vd; borg prune --keep-within %vd; pgbackrest repo1-retention-full-type=time repo1-retention-full=%v)", [d.subject, min_days, policy_note(d), history_note(d, order), min_days, min_days, min_days, min_days])
}

# point_in_time_recovery: every database backup can be replayed to a point in time:
# `pitr` true and at least one snapshot to replay from. File-level tools have no such
# notion.
point_in_time_recovery contains f if {
	some d in lib.docs("backup.snapshots")
	f := pitr_backup_finding(d)
}

# file_level_tools keep copies of files, not a database's write-ahead log.
file_level_tools := {"restic", "borg"}

pitr_backup_finding(d) := lib.not_applicable(d.subject, msg) if {
	tool_name(d) in file_level_tools
	not d.body.pitr == true
	msg := sprintf("%s keeps file-level snapshots (%s); point-in-time recovery is judged on the database's own backups", [d.subject, tool_name(d)])
} else := lib.unknown(d.subject, msg) if {
	not is_boolean(d.body.pitr)
	msg := sprintf("the evidence does not say whether backup repository %s can recover to a point in time (pitr is missing)", [d.subject])
} else := lib.fail(d.subject, msg) if {
	d.body.pitr == false
	msg := sprintf("backup repository %s (%s) keeps no write-ahead log or continuous backup, so it restores only to its snapshots; archive the WAL (pgbackrest archive-push) or enable continuous backup (AWS Backup EnableContinuousBackup)", [d.subject, tool_name(d)])
} else := lib.fail(d.subject, msg) if {
	count(snapshots(d)) == 0
	msg := sprintf("backup repository %s archives the write-ahead log but holds no base backup to replay it from; run a full backup", [d.subject])
} else := lib.pass(d.subject, msg) if {
	msg := sprintf("backup repository %s (%s) archives the write-ahead log / continuous backups over %d base backup(s), so it can recover to a point in time", [d.subject, tool_name(d), count(snapshots(d))])
}
