package web

// followUpOpenAPI returns the paths and schemas of the control centre's and
// the labour inspectorate's API.
func followUpOpenAPI(internal map[string]any) (paths, schemas map[string]any) {
	return map[string]any{}, map[string]any{}
}
