package assay.backup_test

import rego.v1

import data.assay.backup

# --- fixtures ----------------------------------------------------------------

params := {"max_age_hours": 26, "max_days_since_test": 90, "min_retention_days": 30}

now := "2026-11-25T06:00:00Z"

repo(subject, body) := {
	"kind": "backup.snapshots",
	"subject": subject,
	"collected_at": "2026-11-25T05:00:00Z",
	"source": "probe",
	"body": object.union(
		{
			"repository": subject,
			"tool": "restic",
			"encrypted": true,
			"location": {"country": "DE", "region": "fsn1"},
			"snapshots": [
				{"id": "a1", "time": "2026-10-01T02:00:00Z"},
				{"id": "c3", "time": "2026-11-25T02:00:00Z"},
				{"id": "b2", "time": "2026-11-24T02:00:00Z"},
			],
			"retention": {"keep_daily": 7, "keep_weekly": 4},
			"restore_tests": [
				{"time": "2026-09-01T10:00:00Z", "success": false},
				{"time": "2026-11-01T10:00:00Z", "success": true, "snapshot": "a1"},
			],
		},
		body,
	),
}

inp(docs) := {"control": {"id": "backup.x"}, "params": params, "now": now, "evidence": docs}

statuses(fs) := sort([x.status | some x in fs])

# --- recent ------------------------------------------------------------------

test_recent_pass_uses_newest_snapshot_whatever_the_order if {
	fs := backup.recent with input as inp([repo("s3:backups", {})])
	fs == {{"subject": "s3:backups", "status": "pass", "message": "newest snapshot c3 of s3:backups was taken at 2026-11-25T02:00:00Z, 4.0 hours ago (limit 26 hours)"}}
}

test_recent_fail_when_too_old if {
	doc := repo("r1", {"snapshots": [{"id": "old", "time": "2026-11-23T06:00:00Z"}]})
	fs := backup.recent with input as inp([doc])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "48.0 hours ago, limit 26 hours")
}

test_recent_boundary_is_pass if {
	doc := repo("r1", {"snapshots": [{"id": "s", "time": "2026-11-24T04:00:00Z"}]})
	fs := backup.recent with input as inp([doc])
	statuses(fs) == ["pass"]
}

test_recent_just_over_boundary_fails if {
	doc := repo("r1", {"snapshots": [{"id": "s", "time": "2026-11-24T03:59:00Z"}]})
	fs := backup.recent with input as inp([doc])
	statuses(fs) == ["fail"]
}

test_recent_no_snapshots_fails if {
	fs := backup.recent with input as inp([repo("r1", {"snapshots": []})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "has no snapshots")
}

test_recent_missing_snapshots_is_error if {
	fs := backup.recent with input as inp([repo("r1", {"snapshots": null})])
	statuses(fs) == ["error"]
}

test_recent_undated_snapshot_is_error_when_nothing_fresh if {
	doc := repo("r1", {"snapshots": [{"id": "x", "time": "2026-11-01T00:00:00Z"}, {"id": "y"}]})
	fs := backup.recent with input as inp([doc])
	statuses(fs) == ["error"]
}

test_recent_malformed_time_is_error_not_abort if {
	fs := backup.recent with input as inp([repo("r1", {"snapshots": [{"id": "y", "time": "yesterday"}]})])
	statuses(fs) == ["error"]
}

test_recent_undated_snapshot_ignored_when_a_fresh_one_exists if {
	doc := repo("r1", {"snapshots": [{"id": "x", "time": "2026-11-25T01:00:00Z"}, {"id": "y"}]})
	fs := backup.recent with input as inp([doc])
	statuses(fs) == ["pass"]
}

test_recent_honours_offsets if {
	doc := repo("r1", {"snapshots": [{"id": "x", "time": "2026-11-24T06:30:00+02:00"}]})
	fs := backup.recent with input as inp([doc])
	some x in fs
	x.status == "pass"
	contains(x.message, "taken at 2026-11-24T06:30:00+02:00, 25.5 hours ago")
	fs25 := backup.recent with input as inp([doc]) with input.params.max_age_hours as 25
	statuses(fs25) == ["fail"]
}

test_recent_several_repositories if {
	fs := backup.recent with input as inp([repo("r1", {}), repo("r2", {"snapshots": []})])
	{[x.subject, x.status] | some x in fs} == {["r1", "pass"], ["r2", "fail"]}
}

# --- encrypted ---------------------------------------------------------------

test_encrypted_pass if {
	fs := backup.encrypted with input as inp([repo("r1", {})])
	fs == {{"subject": "r1", "status": "pass", "message": "backup repository r1 is encrypted (restic)"}}
}

test_encrypted_fail if {
	fs := backup.encrypted with input as inp([repo("r1", {"encrypted": false, "tool": "borg"})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "borg init --encryption")
}

test_encrypted_null_is_error if {
	fs := backup.encrypted with input as inp([repo("r1", {"encrypted": null})])
	statuses(fs) == ["error"]
}

test_encrypted_absent_is_error if {
	doc := {"kind": "backup.snapshots", "subject": "r1", "body": {"repository": "r1"}}
	fs := backup.encrypted with input as inp([doc])
	statuses(fs) == ["error"]
}

# --- restore_tested ----------------------------------------------------------

test_restore_tested_pass if {
	fs := backup.restore_tested with input as inp([repo("r1", {})])
	fs == {{"subject": "r1", "status": "pass", "message": "the newest restore test of r1 succeeded at 2026-11-01T10:00:00Z (snapshot a1), 23.8 days ago (limit 90 days)"}}
}

test_restore_tested_too_old_fails if {
	doc := repo("r1", {"restore_tests": [{"time": "2026-05-01T00:00:00Z", "success": true}]})
	fs := backup.restore_tested with input as inp([doc])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "limit 90 days")
	contains(x.message, "restic restore latest")
}

test_restore_tested_newest_failed_fails_and_names_last_success if {
	doc := repo("r1", {"restore_tests": [
		{"time": "2026-11-01T00:00:00Z", "success": true},
		{"time": "2026-11-20T00:00:00Z", "success": false, "snapshot": "c3"},
	]})
	fs := backup.restore_tested with input as inp([doc])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "at 2026-11-20T00:00:00Z (snapshot c3), failed (last success: 2026-11-01T00:00:00Z)")
}

test_restore_tested_failed_test_names_its_error if {
	doc := repo("r1", {"restore_tests": [
		{"time": "2026-11-01T00:00:00Z", "success": true, "snapshot": "b2", "files": 12, "bytes": 4096, "by": "assay"},
		{"time": "2026-11-24T00:00:00Z", "success": false, "snapshot": "c3", "files": 0, "bytes": 0, "by": "assay", "error": "`restic restore` failed: ciphertext verification failed"},
	]})
	fs := backup.restore_tested with input as inp([doc])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "(snapshot c3), failed: `restic restore` failed: ciphertext verification failed (last success: 2026-11-01T00:00:00Z)")
}

test_restore_tested_assay_record_passes if {
	doc := repo("r1", {"restore_tests": [{"time": "2026-11-24T00:00:00Z", "success": true, "snapshot": "c3", "files": 12, "bytes": 4096, "by": "assay", "method": "restic restore --verify"}]})
	fs := backup.restore_tested with input as inp([doc])
	statuses(fs) == ["pass"]
}

test_restore_tested_never_succeeded if {
	doc := repo("r1", {"restore_tests": [{"time": "2026-11-20T00:00:00Z", "success": false}]})
	fs := backup.restore_tested with input as inp([doc])
	some x in fs
	x.status == "fail"
	contains(x.message, "no restore test has ever succeeded")
}

test_restore_tested_none_recorded_fails if {
	fs := backup.restore_tested with input as inp([repo("r1", {"restore_tests": []})])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "no restore test of r1 is recorded")
}

test_restore_tested_missing_is_error if {
	fs := backup.restore_tested with input as inp([repo("r1", {"restore_tests": null})])
	statuses(fs) == ["error"]
}

test_restore_tested_malformed_entry_is_error_when_not_passing if {
	doc := repo("r1", {"restore_tests": [{"time": "2026-01-01T00:00:00Z", "success": true}, {"time": "2026-11-20T00:00:00Z"}]})
	fs := backup.restore_tested with input as inp([doc])
	statuses(fs) == ["error"]
}

test_restore_tested_boundary if {
	doc := repo("r1", {"restore_tests": [{"time": "2026-08-27T06:00:00Z", "success": true}]})
	fs := backup.restore_tested with input as inp([doc])
	statuses(fs) == ["pass"]
	fs2 := backup.restore_tested with input as inp([doc]) with input.params.max_days_since_test as 89
	statuses(fs2) == ["fail"]
}

# --- retention ---------------------------------------------------------------

test_retention_pass_by_history if {
	fs := backup.retention with input as inp([repo("r1", {})])
	fs == {{"subject": "r1", "status": "pass", "message": "r1 keeps snapshots for at least 30 days: the oldest snapshot a1 is 55.2 days old"}}
}

test_retention_pass_by_keep_within if {
	doc := repo("r1", {"snapshots": [{"id": "n", "time": "2026-11-25T00:00:00Z"}], "retention": {"keep_within_days": 35}})
	fs := backup.retention with input as inp([doc])
	count(fs) == 1
	some x in fs
	x.status == "pass"
	contains(x.message, "keeps every snapshot of the last 35 days")
}

test_retention_pass_by_keep_daily_boundary if {
	doc := repo("r1", {"snapshots": [], "retention": {"keep_daily": 30}})
	fs := backup.retention with input as inp([doc])
	count(fs) == 1
	some x in fs
	x.status == "pass"
	contains(x.message, "keeps 30 daily snapshots")
}

test_retention_fail_explains_policy_and_history if {
	doc := repo("r1", {"snapshots": [{"id": "n", "time": "2026-11-15T06:00:00Z"}], "retention": {"keep_daily": 7, "keep_weekly": 4}})
	fs := backup.retention with input as inp([doc])
	count(fs) == 1
	some x in fs
	x.status == "fail"
	contains(x.message, "keep_within_days null, keep_daily 7")
	contains(x.message, "the oldest snapshot is 10.0 days old")
	contains(x.message, "restic forget --keep-within 30d")
}

test_retention_unknown_policy_and_short_history_is_error if {
	doc := repo("r1", {"snapshots": [{"id": "n", "time": "2026-11-15T06:00:00Z"}], "retention": null})
	fs := backup.retention with input as inp([doc])
	count(fs) == 1
	some x in fs
	x.status == "error"
	contains(x.message, "no retention policy")
}

test_retention_unknown_policy_but_long_history_passes if {
	fs := backup.retention with input as inp([repo("r1", {"retention": null})])
	statuses(fs) == ["pass"]
}

test_retention_no_snapshots_and_short_policy_fails if {
	fs := backup.retention with input as inp([repo("r1", {"snapshots": [], "retention": {"keep_within_days": 7}})])
	some x in fs
	x.status == "fail"
	contains(x.message, "there is no dated snapshot")
}

test_retention_several_reasons_joined if {
	fs := backup.retention with input as inp([repo("r1", {"retention": {"keep_within_days": 30, "keep_daily": 60}})])
	some x in fs
	x.status == "pass"
	contains(x.message, "55.2 days old; the retention policy keeps every snapshot of the last 30 days; the retention policy keeps 60 daily snapshots")
}

# --- robustness --------------------------------------------------------------

test_malformed_bodies_do_not_abort if {
	doc := {"kind": "backup.snapshots", "subject": "r", "body": {
		"encrypted": null,
		"snapshots": null,
		"retention": null,
		"restore_tests": null,
	}}
	doc2 := {"kind": "backup.snapshots", "subject": "r2", "body": {
		"snapshots": [null, {"time": 5}, {"id": 1, "time": "2026-13-99"}],
		"retention": {"keep_daily": "30", "keep_within_days": null},
		"restore_tests": [null, {"time": null, "success": "yes"}],
	}}
	i := inp([doc, doc2])
	statuses(backup.recent) == ["error", "error"] with input as i
	statuses(backup.encrypted) == ["error", "error"] with input as i
	statuses(backup.restore_tested) == ["error", "error"] with input as i
	{[x.subject, x.status] | some x in backup.retention} == {["r", "error"], ["r2", "fail"]} with input as i
}

test_recent_snapshot_slightly_in_the_future_passes if {
	doc := repo("r1", {"snapshots": [{"id": "skew", "time": "2026-11-25T07:30:00Z"}]})
	fs := backup.recent with input as inp([doc])
	some x in fs
	x.status == "pass"
	contains(x.message, "-1.5 hours ago")
}

# --- point_in_time_recovery ---------------------------------------------------

pitr_statuses(docs) := {f.subject: f.status | some f in backup.point_in_time_recovery with input as inp(docs)}

test_pitr_wal_archive_with_a_base_backup_passes if {
	pitr_statuses([repo("pgbackrest:main", {"tool": "pgbackrest", "pitr": true})]) == {"pgbackrest:main": "pass"}
}

test_pitr_without_archive_fails if {
	pitr_statuses([repo("pgbackrest:main", {"tool": "pgbackrest", "pitr": false})]) == {"pgbackrest:main": "fail"}
}

test_pitr_archive_without_base_backup_fails if {
	pitr_statuses([repo("pgbackrest:main", {"tool": "pgbackrest", "pitr": true, "snapshots": []})]) == {"pgbackrest:main": "fail"}
}

test_pitr_unknown_on_a_database_backup_is_error if {
	pitr_statuses([repo("aws-backup:v", {"tool": "aws-backup"}), repo("pgbackrest:x", {"tool": "pgbackrest", "pitr": "yes"})]) == {"aws-backup:v": "error", "pgbackrest:x": "error"}
}

test_pitr_file_level_tools_are_not_applicable if {
	pitr_statuses([repo("restic:r", {}), repo("borg:b", {"tool": "borg"})]) == {"restic:r": "not_applicable", "borg:b": "not_applicable"}
}
