package assay.lib_test

import rego.v1

import data.assay.lib

test_docs_filters_by_kind if {
	ds := lib.docs("a") with input as {"evidence": [{"kind": "a", "subject": "x"}, {"kind": "b", "subject": "y"}]}
	count(ds) == 1
	ds[0].subject == "x"
}

test_finding_shape if {
	lib.fail("s", "m") == {"subject": "s", "status": "fail", "message": "m"}
	lib.unknown("s", "m").status == "error"
}

test_age_hours if {
	lib.age_hours("2026-11-25T00:00:00Z") == 6 with input as {"now": "2026-11-25T06:00:00Z"}
}

test_days_until_negative_when_past if {
	lib.days_until("2026-11-24T06:00:00Z") == -1 with input as {"now": "2026-11-25T06:00:00Z"}
}
