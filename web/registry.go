package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"beredskap"
)

// An area is one part of the site, declared in one place: the pages it
// renders, the links it adds to the staff navigation and the routes it
// serves. siteAreas lists every area; NewServer registers their routes and
// renders their pages with Server.render.
//
// To add a page: put its template in templates/ (it defines "content"),
// add the file to its area's Pages and its route to the area's Routes,
// and, when staff reach it from the navigation, a navLink to Links.
type area struct {
	// Name identifies the area in errors.
	Name string
	// Enabled says whether the server serves the area; nil means always.
	// A disabled area has no routes and no links.
	Enabled func(cfg *Config) bool
	// Public pages may be indexed by search engines; every other page is
	// sent with X-Robots-Tag: noindex.
	Public bool
	// Wide pages get the wide content column (lists and tables); the
	// others the narrow column that suits reading and forms.
	Wide bool
	// Pages are the area's templates in templates/. Each is parsed with
	// layout.html, fields.html and every *_parts.html.
	Pages []string
	// Links are the area's entries in the staff navigation and on the
	// staff home page, in order.
	Links []navLink
	// Routes registers the area's routes on the server.
	Routes func(s *Server)
}

// navLink is one page in the staff navigation.
type navLink struct {
	// Group is the navigation group the link is shown in; its title is
	// the text of "nav.group."+Group. The home page has none.
	Group string
	Path  string
	// Key is the text of the link; Key+".hint" says on the staff home
	// page what the page is for.
	Key string
	// Allowed says whether the actor's role may use the page.
	Allowed func(a *beredskap.Actor) bool
}

// siteAreas returns every area of the site. The order is the order of the
// staff navigation's groups.
func siteAreas() []area {
	return []area{
		publicArea(), authArea(), staffArea(), caseArea(), followUpArea(), municipalArea(), hotelArea(),
		citizenArea(), retentionArea(),
	}
}

// can returns a navLink.Allowed that asks whether the actor may do p in
// their own municipality (anywhere, for national roles).
func can(p beredskap.Permission) func(*beredskap.Actor) bool {
	return func(a *beredskap.Actor) bool { return beredskap.Can(a, p, a.Municipality()) }
}

// sharedTemplates are the files parsed with every page: the layout, the
// form controls and the parts of each area.
func sharedTemplates() []string {
	parts, err := fs.Glob(templateFiles, "templates/*_parts.html")
	if err != nil {
		panic(err)
	}
	return append([]string{"templates/layout.html", "templates/fields.html"}, parts...)
}

// pageTemplate is a parsed page and the area it belongs to.
type pageTemplate struct {
	t    *template.Template
	area *area
}

// loadTemplates parses the pages of every area. It fails when a template
// file belongs to no area or to two, so that a page cannot be forgotten.
func loadTemplates(areas []area) (map[string]pageTemplate, error) {
	shared := sharedTemplates()
	ts := map[string]pageTemplate{}
	for i := range areas {
		a := &areas[i]
		for _, name := range a.Pages {
			if prev, dup := ts[name]; dup {
				return nil, fmt.Errorf("web: page %s is in areas %s and %s", name, prev.area.Name, a.Name)
			}
			t, err := template.New(name).ParseFS(templateFiles, append(slices.Clone(shared), "templates/"+name)...)
			if err != nil {
				return nil, err
			}
			ts[name] = pageTemplate{t: t, area: a}
		}
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, file := range files {
		if name := path.Base(file); !slices.Contains(shared, file) {
			if _, ok := ts[name]; !ok {
				return nil, fmt.Errorf("web: template %s belongs to no area", name)
			}
		}
	}
	return ts, nil
}

// render renders the page name with data, in the layout, into a buffer
// first, so that a template error becomes a clean error page rather than
// half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := s.pages.render(w, status, name, data); err != nil {
		s.Error(w, r, err)
	}
}

// render executes the page name into a buffer and writes it with status,
// or returns the error without writing anything.
func (p *pages) render(w http.ResponseWriter, status int, name string, data any) error {
	pt, ok := p.tmpl[name]
	if !ok {
		return fmt.Errorf("web: no page %s", name)
	}
	if frame, ok := data.(interface{ page() *Page }); ok {
		frame.page().Wide = pt.area.Wide
	}
	var buf bytes.Buffer
	if err := pt.t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !pt.area.Public {
		w.Header().Set("X-Robots-Tag", "noindex")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// siteMenu is the bar of a logged-in person: who they are, the pages they
// may use grouped by area, and the logout button.
type siteMenu struct {
	Label      string // the navigation's accessible name
	Who        string // "Logged in as …"
	Groups     []navGroup
	Logout     string // where the logout form posts
	LogoutID   string
	LogoutText string
	CSRF       string
}

// navGroup is one group of the navigation row, such as the hotel pages.
type navGroup struct {
	Title string
	Links []staffLink
}

// staffMenu returns the navigation of a staff page at current for the
// frame's actor, and the same links (without the home page) as tasks for
// the staff home page. The link whose path is the longest prefix of
// current is marked as the current page.
func (s *Server) staffMenu(f *staffFrame, current string) (*siteMenu, []staffLink) {
	m := &siteMenu{
		Label:      f.T("staff.nav.label"),
		Who:        f.T("staff.nav.who", "name", f.Actor.User.Name(), "role", f.Role(f.Actor.Role())),
		Logout:     "/logout?lang=" + f.Lang,
		LogoutID:   "logout",
		LogoutText: f.T("staff.nav.logout"),
		CSRF:       f.CSRF,
	}
	type found struct {
		group string
		link  staffLink
		path  string
	}
	var links []found
	best := -1
	for _, a := range s.pages.areas {
		if a.Enabled != nil && !a.Enabled(&s.cfg) {
			continue
		}
		for _, l := range a.Links {
			if l.Allowed != nil && !l.Allowed(f.Actor) {
				continue
			}
			if slices.ContainsFunc(links, func(x found) bool { return x.path == l.Path }) {
				continue
			}
			links = append(links, found{group: l.Group, path: l.Path, link: staffLink{
				Href: f.Href(l.Path), Text: f.T(l.Key), Hint: f.T(l.Key + ".hint"),
			}})
			i := len(links) - 1
			if current == l.Path || strings.HasPrefix(current, l.Path+"/") {
				if best < 0 || len(l.Path) > len(links[best].path) {
					best = i
				}
			}
		}
	}
	if best >= 0 {
		links[best].link.Current = true
	}
	var tasks []staffLink
	groups := map[string]int{}
	for _, l := range links {
		if l.path != "/staff" {
			tasks = append(tasks, l.link)
		}
		i, ok := groups[l.group]
		if !ok {
			i = len(m.Groups)
			groups[l.group] = i
			g := navGroup{}
			if l.group != "" {
				g.Title = f.T("nav.group." + l.group)
			}
			m.Groups = append(m.Groups, g)
		}
		m.Groups[i].Links = append(m.Groups[i].Links, l.link)
	}
	return m, tasks
}
