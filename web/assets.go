package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"beredskap"
)

// assetFiles are Designsystemet's CSS (see assets/README.md) and the site's
// own small stylesheet.
//
//go:embed assets/*.css
var assetFiles embed.FS

// stylesheetNames are linked from every page, in this order: the theme's
// variables, the components, then the site's layout.
var stylesheetNames = []string{"theme-digdir.css", "designsystemet.css", "site.css"}

// stylesheets returns the URLs of the stylesheets with a digest of their
// content, so that they can be cached for a year and still change.
var stylesheets = sync.OnceValue(func() []string {
	var urls []string
	for _, name := range stylesheetNames {
		data, err := assetFiles.ReadFile("assets/" + name)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(data)
		urls = append(urls, "/assets/"+name+"?v="+hex.EncodeToString(sum[:6]))
	}
	return urls
})

// handleAsset serves the embedded assets under /assets/ with long cache
// lifetimes; their URLs change with their content (see stylesheets).
func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/assets/")
	if info, err := fs.Stat(assetFiles, "assets/"+name); err != nil || info.IsDir() || strings.Contains(name, "/") {
		s.Error(w, r, beredskap.Errorf(beredskap.ENOTFOUND, "no such asset"))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeFileFS(w, r, assetFiles, "assets/"+name)
}
