package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"beredskap"
)

// operation declares one operation of the JSON API: its route, what it
// takes and what it answers. The error answers every operation of its kind
// gives are added when the document is built.
type operation struct {
	route   string // method and path, as the server's routes name them
	id      string // the operationId
	summary string
	// staff says that the operation needs a staff API token: it may
	// answer 401, and 503 when the database cannot check the token.
	staff  bool
	params []*openapi3.Parameter
	// body is the schema of the JSON request body. An operation with one
	// may answer 400, 413 and 415.
	body    *openapi3.SchemaRef
	answers []answer
	// errors describe the error answers (schema Error) by status: who may
	// not (403), what is not found (404), and any other. They take the
	// place of the descriptions added by default.
	errors map[int]string
	// plain says that the operation answers only as listed, not with the
	// Error schema (not even 500).
	plain bool
}

// answer is an answer of an operation.
type answer struct {
	status      int
	description string
	content     openapi3.Content
	headers     openapi3.Headers
}

// The descriptions of the error answers added by default.
const (
	internalText     = "Internal error; error.request_id identifies it in the logs."
	unauthorizedText = "No bearer token, or one that is unknown, revoked or expired."
	invalidBodyText  = "The body is not valid; error.field names the first wrong field and error.problems every one."
	tooLargeText     = "The body is over 1 MiB."
	notJSONText      = "The Content-Type is not application/json."
	badQueryText     = "A query parameter is wrong; error.field names it."
	unavailableText  = "The database cannot take work now, as during a failover; nothing was done. Try again after " +
		"the seconds of Retry-After."
)

// bearer is the security requirement of the staff API.
var bearer = openapi3.SecurityRequirements{{"bearer": []string{}}}

// build returns the operation's method, path and OpenAPI operation.
func (o operation) build() (method, path string, op *openapi3.Operation) {
	method, path, _ = strings.Cut(o.route, " ")
	op = &openapi3.Operation{OperationID: o.id, Summary: o.summary, Responses: openapi3.NewResponses()}
	for _, p := range o.params {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: p})
	}
	if o.staff {
		op.Security = &bearer
	}
	if o.body != nil {
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(o.body)}
	}
	answers := slices.Clone(o.answers)
	for status, text := range o.errorAnswers() {
		answers = append(answers, errorAnswer(status, text))
	}
	for _, a := range answers {
		r := openapi3.NewResponse().WithDescription(a.description)
		if len(a.content) > 0 {
			r.WithContent(a.content)
		}
		r.Headers = a.headers
		op.Responses.Set(strconv.Itoa(a.status), &openapi3.ResponseRef{Value: r})
	}
	return method, path, op
}

// errorAnswers returns the descriptions of the operation's error answers by
// status: those every operation of its kind gives, and its own.
func (o operation) errorAnswers() map[int]string {
	if o.plain {
		return nil
	}
	errors := map[int]string{500: internalText}
	if o.staff {
		errors[401], errors[503] = unauthorizedText, unavailableText
	}
	if o.body != nil {
		errors[400], errors[413], errors[415] = invalidBodyText, tooLargeText, notJSONText
	}
	maps.Copy(errors, o.errors)
	return errors
}

// errorAnswer returns an error answer of status (schema Error). A 503
// says in Retry-After when to try again.
func errorAnswer(status int, description string) answer {
	a := answer{status: status, description: description, content: jsonOf(ref("Error"))}
	if status == http.StatusServiceUnavailable {
		seconds := openapi3.NewIntegerSchema().WithMin(1)
		a.headers = openapi3.Headers{"Retry-After": {Value: &openapi3.Header{Parameter: openapi3.Parameter{
			Description: "Seconds to wait before trying again.", Required: true, Schema: seconds.NewRef()}}}}
	}
	return a
}

// jsonOf returns JSON content of the schema s.
func jsonOf(s *openapi3.SchemaRef) openapi3.Content { return openapi3.NewContentWithJSONSchemaRef(s) }

// jsonAnswer returns an answer of status whose body is the component
// schema named schema.
func jsonAnswer(status int, description, schema string) answer {
	return answer{status: status, description: description, content: jsonOf(ref(schema))}
}

// emptyAnswer returns an answer of status without a body.
func emptyAnswer(status int, description string) answer {
	return answer{status: status, description: description}
}

// fileAnswer returns an answer of 200 whose body is the component schema
// named schema (none when empty), or with a format query parameter a file
// of one of mediaTypes.
func fileAnswer(description, schema string, mediaTypes ...string) answer {
	content := openapi3.NewContent()
	if schema != "" {
		content = jsonOf(ref(schema))
	}
	for _, m := range mediaTypes {
		content[m] = openapi3.NewMediaType().WithSchema(fileSchema(m))
	}
	return answer{status: 200, description: description, content: content}
}

// textAnswer returns an answer of status in plain text.
func textAnswer(status int, description string) answer {
	text := openapi3.NewMediaType().WithSchema(fileSchema("text/plain"))
	return answer{status: status, description: description, content: openapi3.Content{"text/plain": text}}
}

// fileSchema returns the schema of a file of mediaType: text is a string,
// anything else binary.
func fileSchema(mediaType string) *openapi3.Schema {
	if strings.HasPrefix(mediaType, "text/") {
		return openapi3.NewStringSchema()
	}
	return binary()
}

// The media types of the files the API gives.
const (
	csvType  = "text/csv"
	pdfType  = "application/pdf"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// query returns an optional query parameter.
func query(name, description string, s *openapi3.Schema) *openapi3.Parameter {
	return openapi3.NewQueryParameter(name).WithDescription(description).WithSchema(s)
}

// pathParam returns a parameter of the path.
func pathParam(name, description string, s *openapi3.Schema) *openapi3.Parameter {
	return openapi3.NewPathParameter(name).WithDescription(description).WithSchema(s)
}

// idParam returns the path parameter that names a stored object by id.
func idParam(name, description string) *openapi3.Parameter {
	return pathParam(name, description, positiveID())
}

// pageSize returns the limit parameter of a list of at most 200.
func pageSize(description string) *openapi3.Parameter {
	return query("limit", description, openapi3.NewIntegerSchema().WithMin(1).WithMax(beredskap.MaxPageSize))
}

// paging returns filters and the parameters of a list read a page at a
// time.
func paging(filters ...*openapi3.Parameter) []*openapi3.Parameter {
	return append(slices.Clip(filters), pageSize("Page size, 1 to 200; 50 when absent."),
		query("page_token", "The next_page_token of the previous page.", openapi3.NewStringSchema()))
}
