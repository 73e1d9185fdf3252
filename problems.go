package beredskap

// Problems collects field problems while a value is validated.
type Problems []Problem

// Add records a problem with a field.
func (ps *Problems) Add(field, reason, message string) {
	*ps = append(*ps, Problem{Field: field, Reason: reason, Message: message})
}

// Err returns nil when no problem was recorded, and otherwise an EINVALID
// *Error whose Field, Reason and Message are those of the first problem.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	first := ps[0]
	return &Error{Code: EINVALID, Field: first.Field, Reason: first.Reason, Message: first.Message, Problems: ps}
}
