package web

// OpenAPIJSON returns the OpenAPI document a server serves, with the SMS
// provider's webhook when smsReceipts, without a server URL, for the tests
// that check answers against it.
func OpenAPIJSON(smsReceipts bool) []byte { return mustOpenAPI("test", "", smsReceipts) }
