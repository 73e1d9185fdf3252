package web

// municipalOpenAPI returns the paths and schemas of the municipalities'
// follow-up API.
func municipalOpenAPI(internal map[string]any) (paths, schemas map[string]any) {
	return map[string]any{}, map[string]any{}
}
