package web_test

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// actionCode is the form of an audited action: dotted words in snake_case.
var actionCode = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

// auditActions returns every audited action of the module's code, found in
// its source: the literals given as the action to beredskap.RecordFor,
// Forbidden, a transaction's Deny and the Action of an AuditRecord literal,
// and, where a function passes one of its own parameters there, the
// literals its callers give that parameter (followed until nothing new is
// found). An action that reaches these only through a variable assigned a
// literal in the same function is found through that assignment.
func auditActions(t *testing.T) []string {
	t.Helper()
	src := parseModule(t)

	// sinks are the functions (directory/name) whose argument at an index
	// is an audited action.
	sinks := map[string]int{"../RecordFor": 1, "../Forbidden": 0, "../Deny": 2}
	found := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, f := range src.files {
			dir := src.dirOf[f]
			imports := importDirs(f)
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				params := paramIndex(fn)
				literals := assignedLiterals(fn.Body)
				record := func(e ast.Expr) {
					switch e := e.(type) {
					case *ast.BasicLit:
						if s, err := strconv.Unquote(e.Value); err == nil && e.Kind == token.STRING {
							found[s] = true
						}
					case *ast.Ident:
						for _, s := range literals[e.Name] {
							found[s] = true
						}
						if i, ok := params[e.Name]; ok {
							if _, ok := sinks[dir+"/"+fn.Name.Name]; !ok {
								sinks[dir+"/"+fn.Name.Name] = i
								changed = true
							}
						}
					}
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.CallExpr:
						if i, ok := sinkIndex(sinks, imports, dir, n.Fun); ok && i < len(n.Args) {
							record(n.Args[i])
						}
					case *ast.CompositeLit:
						if calleeName(n.Type) != "AuditRecord" {
							return true
						}
						for _, el := range n.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Action" {
									record(kv.Value)
								}
							}
						}
					}
					return true
				})
			}
		}
	}
	var out []string
	for s := range found {
		if !actionCode.MatchString(s) {
			t.Errorf("audited action %q is not a dotted code", s)
			continue
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// sinkIndex returns the index of the argument of interest of the function
// fun calls, when it is one of sinks (directory/name): fun is a function
// of dir, a function of a package f imports (imports, see importDirs), or
// a method, taken as any function of that name.
func sinkIndex(sinks map[string]int, imports map[string]string, dir string, fun ast.Expr) (int, bool) {
	switch fun := fun.(type) {
	case *ast.Ident:
		i, ok := sinks[dir+"/"+fun.Name]
		return i, ok
	case *ast.SelectorExpr:
		if x, ok := fun.X.(*ast.Ident); ok && imports[x.Name] != "" {
			i, ok := sinks[imports[x.Name]+"/"+fun.Sel.Name]
			return i, ok
		}
		for k, i := range sinks {
			if strings.HasSuffix(k, "/"+fun.Sel.Name) {
				return i, true
			}
		}
	}
	return 0, false
}

// importDirs maps the names f imports packages of this module under to
// their directories relative to web/.
func importDirs(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if p != "beredskap" && !strings.HasPrefix(p, "beredskap/") {
			continue
		}
		name := filepath.Base(p)
		if im.Name != nil {
			name = im.Name.Name
		}
		m[name] = filepath.Join("..", strings.TrimPrefix(strings.TrimPrefix(p, "beredskap"), "/"))
	}
	return m
}

// calleeName returns the name of a called function or a type: f, x.f.
func calleeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// paramIndex maps the names of fn's parameters to their positions.
func paramIndex(fn *ast.FuncDecl) map[string]int {
	m := map[string]int{}
	i := 0
	for _, field := range fn.Type.Params.List {
		if len(field.Names) == 0 {
			i++
		}
		for _, n := range field.Names {
			m[n.Name] = i
			i++
		}
	}
	return m
}

// assignedLiterals maps the variables of body to the string literals
// assigned to them.
func assignedLiterals(body *ast.BlockStmt) map[string][]string {
	m := map[string][]string{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				id, ok := lhs.(*ast.Ident)
				if !ok || i >= len(n.Rhs) {
					continue
				}
				if lit, ok := n.Rhs[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					m[id.Name] = append(m[id.Name], s)
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if i < len(n.Values) {
					if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						m[id.Name] = append(m[id.Name], s)
					}
				}
			}
		}
		return true
	})
	return m
}

// TestEveryAuditActionHasWords checks that every action the code audits
// is named in words in every language of the staff pages, so that the
// audit log never shows a code.
func TestEveryAuditActionHasWords(t *testing.T) {
	actions := auditActions(t)
	// The walk must find the actions of every area; a broken walk that
	// finds few would pass otherwise.
	for _, want := range []string{"login", "registration.read", "stay.allocate", "followup.report", "citizen_letter.print", "retention.purge", "token.create"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the source walk did not find the action %q (found %d)", want, len(actions))
		}
	}
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		for _, a := range actions {
			text, ok := loc["staff.action."+a]
			switch {
			case !ok:
				t.Errorf("%s: no words for the audited action %q (key staff.action.%s)", lang, a, a)
			case actionCode.MatchString(text) && strings.ContainsAny(text, "._"):
				t.Errorf("%s: the action %q is named by a code %q", lang, a, text)
			}
		}
	}
}
