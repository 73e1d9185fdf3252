package hotel

import (
	"strconv"

	"beredskap"
)

// record returns the audit record of a's action on object with the
// receipts it touched.
func record(a *beredskap.Actor, action, object, detail string, receipts ...string) beredskap.AuditRecord {
	rec := beredskap.RecordFor(a, action, object, beredskap.OutcomeOK)
	rec.Detail = detail
	if len(receipts) > 0 {
		rec.Subjects = receipts
	}
	return rec
}

// hotelObject, stayObject and dispensationObject name audit objects.
func hotelObject(id int64) string        { return "hotel:" + strconv.FormatInt(id, 10) }
func stayObject(id int64) string         { return "stay:" + strconv.FormatInt(id, 10) }
func dispensationObject(id int64) string { return "dispensation:" + strconv.FormatInt(id, 10) }
