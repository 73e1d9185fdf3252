package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"beredskap/web"
)

// sourceFunc is a function or method of the module's code.
type sourceFunc struct {
	decl *ast.FuncDecl
	dir  string
}

// auditSource is the module's non-test code, parsed, for walking what its
// audit entries hold.
type auditSource struct {
	fset  *token.FileSet
	funcs map[string][]sourceFunc // by directory/name
	files []*ast.File
	dirOf map[*ast.File]string
}

// auditSample is one value an audit entry's object or detail can take,
// with dynamic parts stood in for (x, 7, an instant), and where it is made.
type auditSample struct {
	text, where string
}

// parseModule parses every non-test Go file of the module, leaving out
// the directories named in skip.
func parseModule(t *testing.T, skip ...string) *auditSource {
	t.Helper()
	src := &auditSource{fset: token.NewFileSet(), funcs: map[string][]sourceFunc{}, dirOf: map[*ast.File]string{}}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != ".." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || slices.Contains(skip, name)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(src.fset, path, nil, 0)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		src.files = append(src.files, f)
		src.dirOf[f] = dir
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Body != nil {
				src.funcs[dir+"/"+fn.Name.Name] = append(src.funcs[dir+"/"+fn.Name.Name], sourceFunc{fn, dir})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// sampleCap bounds the samples one expression gives.
const sampleCap = 64

// evaluator finds the values a string expression of one function can take.
type evaluator struct {
	src   *auditSource
	fn    *ast.FuncDecl
	dir   string
	env   map[string][]string // bound parameters and closure arguments
	depth int
}

// eval returns the values e can take, with every part the source does not
// fix stood in for: "x" for text, "7" for a number, an RFC 3339 instant or
// a day for a formatted time.
func (v *evaluator) eval(e ast.Expr) []string {
	if v.depth > 12 {
		return []string{"x"}
	}
	v.depth++
	defer func() { v.depth-- }()
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, _ := strconv.Unquote(e.Value)
			return []string{s}
		}
		return []string{e.Value}
	case *ast.ParenExpr:
		return v.eval(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return cross(v.eval(e.X), v.eval(e.Y))
		}
	case *ast.Ident:
		if vals, ok := v.env[e.Name]; ok {
			return vals
		}
		if vals := v.local(e.Name); len(vals) > 0 {
			return vals
		}
	case *ast.CallExpr:
		return v.call(e)
	}
	return []string{"x"}
}

// local returns the values of a variable of the function: every value
// assigned to it (a parameter's value is x), each with the text later
// appended to it (+=) in turn. An assignment that uses the variable
// itself sees the values of the others.
func (v *evaluator) local(name string) []string {
	var self []ast.Expr
	var base, appended []string
	if _, ok := paramIndex(v.fn)[name]; ok {
		base = []string{"x"}
	}
	ast.Inspect(v.fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				id, ok := lhs.(*ast.Ident)
				if !ok || id.Name != name {
					continue
				}
				switch {
				case n.Tok == token.ADD_ASSIGN && len(n.Rhs) == 1:
					appended = append(appended, v.eval(n.Rhs[0])...)
				case len(n.Rhs) == len(n.Lhs) && mentions(n.Rhs[i], name):
					self = append(self, n.Rhs[i])
				case len(n.Rhs) == len(n.Lhs):
					base = append(base, v.eval(n.Rhs[i])...)
				case len(n.Rhs) == 1:
					if call, ok := n.Rhs[0].(*ast.CallExpr); ok {
						base = append(base, v.returns(call, i)...)
					}
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if id.Name == name && i < len(n.Values) {
					base = append(base, v.eval(n.Values[i])...)
				}
			}
		}
		return true
	})
	if len(base) == 0 {
		return nil
	}
	if len(self) > 0 {
		inner := &evaluator{src: v.src, fn: v.fn, dir: v.dir, env: map[string][]string{name: base}, depth: v.depth}
		for k, vals := range v.env {
			inner.env[k] = vals
		}
		for _, e := range self {
			base = append(base, inner.eval(e)...)
		}
	}
	out := slices.Clone(base)
	for _, b := range base {
		all := b
		for _, a := range appended {
			out = append(out, b+a)
			all += a
		}
		out = append(out, all)
	}
	return capped(out)
}

// mentions reports whether e uses the name.
func mentions(e ast.Expr, name string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

// field returns the values assigned (=) to the field of a variable in the
// function, such as rec.Detail.
func (v *evaluator) field(x, name string) []string {
	var out []string
	ast.Inspect(v.fn.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok == token.ADD_ASSIGN || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == name {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == x {
					out = append(out, v.eval(as.Rhs[i])...)
				}
			}
		}
		return true
	})
	return out
}

// call returns the values of a call: fmt.Sprintf with its verbs filled,
// the string functions and conversions the audit code uses, a time's
// Format, and the returns of a function of the same package.
func (v *evaluator) call(c *ast.CallExpr) []string {
	name := calleeName(c.Fun)
	pkg := ""
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if x, ok := sel.X.(*ast.Ident); ok {
			pkg = x.Name
		}
	}
	arg := func(i int) []string {
		if i < len(c.Args) {
			return v.eval(c.Args[i])
		}
		return []string{"x"}
	}
	switch {
	case pkg == "fmt" && name == "Sprintf":
		return v.sprintf(c)
	case pkg == "strings" && (name == "TrimSpace" || name == "TrimPrefix" || name == "TrimSuffix"):
		return arg(0)
	case pkg == "strings" && name == "Join":
		return v.join(c)
	case pkg == "strconv" && name == "Quote":
		return mapAll(arg(0), strconv.Quote)
	case pkg == "strconv":
		return []string{"7"}
	case name == "string" && len(c.Args) == 1:
		return arg(0)
	case name == "Format" && len(c.Args) == 1:
		if layout := calleeName(c.Args[0]); layout == "RFC3339" || layout == "RFC3339Nano" {
			return []string{"2021-02-22T23:00:00Z"}
		}
		return []string{"2021-02-22"}
	case name == "String" && len(c.Args) == 0:
		return []string{"x"}
	}
	if pkg == "" || pkg == "s" || pkg == "a" {
		if vals := v.returns(c, 0); len(vals) > 0 {
			return vals
		}
	}
	return []string{"x"}
}

// sprintf fills the verbs of a literal format with the values of its
// arguments: numbers as 7, booleans as true, %q quoted.
func (v *evaluator) sprintf(c *ast.CallExpr) []string {
	var out []string
	for _, format := range v.eval(c.Args[0]) {
		i, argi := 0, 1
		parts := []string{""}
		for _, loc := range verbPattern.FindAllStringIndex(format, -1) {
			parts = cross(parts, []string{format[i:loc[0]]})
			i = loc[1]
			k := format[loc[1]-1]
			if k == '%' {
				parts = cross(parts, []string{"%"})
				continue
			}
			vals := []string{"x"}
			if argi < len(c.Args) {
				vals = v.eval(c.Args[argi])
			}
			argi++
			switch k {
			case 'd':
				vals = []string{"7"}
			case 't':
				vals = []string{"true"}
			case 'q':
				vals = mapAll(vals, strconv.Quote)
			}
			parts = cross(parts, vals)
		}
		out = append(out, cross(parts, []string{format[i:]})...)
	}
	return capped(out)
}

// verbPattern finds the verbs of a format.
var verbPattern = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// join returns the value of strings.Join(parts, sep) where parts is a
// local slice: its literal elements, those appended to it, and those a
// local closure (add(k, v)) appends when called, joined in source order.
func (v *evaluator) join(c *ast.CallExpr) []string {
	id, ok := c.Args[0].(*ast.Ident)
	if !ok {
		return []string{"x"}
	}
	sep := v.eval(c.Args[1])[0]
	var elems []string
	first := func(vals []string) {
		if len(vals) > 0 {
			elems = append(elems, vals[0])
		}
	}
	appendsTo := func(e *evaluator, n ast.Node) {
		call, ok := n.(*ast.CallExpr)
		if !ok || calleeName(call.Fun) != "append" || len(call.Args) < 2 {
			return
		}
		if x, ok := call.Args[0].(*ast.Ident); ok && x.Name == id.Name {
			for _, a := range call.Args[1:] {
				first(e.eval(a))
			}
		}
	}
	ast.Inspect(v.fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if x, ok := lhs.(*ast.Ident); ok && x.Name == id.Name && i < len(n.Rhs) {
					if lit, ok := n.Rhs[i].(*ast.CompositeLit); ok {
						for _, el := range lit.Elts {
							first(v.eval(el))
						}
					}
				}
			}
		case *ast.CallExpr:
			if fun, ok := n.Fun.(*ast.Ident); ok {
				if lit := v.closure(fun.Name); lit != nil {
					e := v.bind(lit.Type, n)
					ast.Inspect(lit.Body, func(m ast.Node) bool {
						appendsTo(e, m)
						return true
					})
					return false
				}
			}
			appendsTo(v, n)
		}
		return true
	})
	return []string{strings.Join(elems, sep)}
}

// closure returns the function literal assigned to a local name.
func (v *evaluator) closure(name string) *ast.FuncLit {
	var lit *ast.FuncLit
	ast.Inspect(v.fn.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
			for i, lhs := range as.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && id.Name == name {
					if fl, ok := as.Rhs[i].(*ast.FuncLit); ok {
						lit = fl
					}
				}
			}
		}
		return lit == nil
	})
	return lit
}

// bind returns an evaluator of the same function whose names include the
// parameters of ft bound to the values of call's arguments.
func (v *evaluator) bind(ft *ast.FuncType, call *ast.CallExpr) *evaluator {
	env := v.args(ft, call)
	for k, vals := range v.env {
		if _, ok := env[k]; !ok {
			env[k] = vals
		}
	}
	return &evaluator{src: v.src, fn: v.fn, dir: v.dir, env: env, depth: v.depth}
}

// args maps the parameters of ft to the values of call's arguments.
func (v *evaluator) args(ft *ast.FuncType, call *ast.CallExpr) map[string][]string {
	env := map[string][]string{}
	i := 0
	for _, field := range ft.Params.List {
		for _, n := range field.Names {
			env[n.Name] = []string{"x"}
			if i < len(call.Args) {
				env[n.Name] = v.eval(call.Args[i])
			}
			i++
		}
	}
	return env
}

// returns gives the values at index i of what the functions (or methods)
// of the package named like the callee return, with their parameters bound
// to the call's arguments.
func (v *evaluator) returns(c *ast.CallExpr, i int) []string {
	var out []string
	for _, f := range v.src.funcs[v.dir+"/"+calleeName(c.Fun)] {
		callee := &evaluator{src: v.src, fn: f.decl, dir: f.dir, depth: v.depth + 1, env: v.args(f.decl.Type, c)}
		ast.Inspect(f.decl.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				if i < len(n.Results) {
					for _, s := range callee.eval(n.Results[i]) {
						if s != "" {
							out = append(out, s)
						}
					}
				}
			}
			return true
		})
	}
	return capped(out)
}

// cross returns every concatenation of a value of a with one of b.
func cross(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return capped(out)
}

// capped keeps at most sampleCap distinct values.
func capped(vals []string) []string {
	slices.Sort(vals)
	vals = slices.Compact(vals)
	if len(vals) > sampleCap {
		vals = vals[:sampleCap]
	}
	return vals
}

// mapAll applies f to each value.
func mapAll(vals []string, f func(string) string) []string {
	out := make([]string, len(vals))
	for i, s := range vals {
		out[i] = f(s)
	}
	return out
}

// auditValues returns the values the module's code gives audit entries'
// objects and details. Objects are the argument given to
// beredskap.RecordFor, a transaction's Deny, and the helpers passing their
// parameter there; details are what is assigned to the Detail of a
// record made by one of those (or an AuditRecord literal), and what
// callers give a helper that assigns its parameter to it.
func auditValues(t *testing.T, src *auditSource) (objects, details []auditSample) {
	t.Helper()
	objectSinks := map[string]int{"../RecordFor": 2, "../Deny": 3}
	detailSinks := map[string]int{}
	seen := map[auditSample]bool{}
	add := func(out *[]auditSample, v *evaluator, e ast.Expr) {
		where := src.fset.Position(e.Pos())
		for _, s := range v.eval(e) {
			sample := auditSample{s, filepath.Base(where.Filename) + ":" + strconv.Itoa(where.Line)}
			if !seen[sample] {
				seen[sample] = true
				*out = append(*out, sample)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		objects, details = nil, nil
		clear(seen)
		for _, f := range src.files {
			dir := src.dirOf[f]
			imports := importDirs(f)
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				v := &evaluator{src: src, fn: fn, dir: dir}
				params := paramIndex(fn)
				records := recordVars(fn)
				// toSink records e, or makes fn a sink when e is one of
				// its parameters.
				toSink := func(sinks map[string]int, out *[]auditSample, e ast.Expr) {
					if id, ok := e.(*ast.Ident); ok {
						if i, ok := params[id.Name]; ok {
							if _, ok := sinks[dir+"/"+fn.Name.Name]; !ok {
								sinks[dir+"/"+fn.Name.Name] = i
								changed = true
							}
							return
						}
					}
					add(out, v, e)
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.CallExpr:
						if i, ok := sinkIndex(objectSinks, imports, dir, n.Fun); ok && i < len(n.Args) {
							toSink(objectSinks, &objects, n.Args[i])
						}
						if i, ok := sinkIndex(detailSinks, imports, dir, n.Fun); ok && i < len(n.Args) {
							toSink(detailSinks, &details, n.Args[i])
						}
					case *ast.AssignStmt:
						for i, lhs := range n.Lhs {
							sel, ok := lhs.(*ast.SelectorExpr)
							if !ok || i >= len(n.Rhs) || len(n.Lhs) != len(n.Rhs) {
								continue
							}
							if x, ok := sel.X.(*ast.Ident); !ok || !records[x.Name] {
								continue
							}
							switch sel.Sel.Name {
							case "Detail":
								if n.Tok == token.ADD_ASSIGN {
									where := src.fset.Position(n.Pos())
									for _, s := range cross(v.field(sel.X.(*ast.Ident).Name, "Detail"), v.eval(n.Rhs[i])) {
										details = append(details, auditSample{s, filepath.Base(where.Filename) + ":" + strconv.Itoa(where.Line)})
									}
									continue
								}
								// A detail made from a parameter is
								// evaluated as each caller gives it.
								callers := src.callers(fn, dir)
								if _, isParam := params[calleeName(n.Rhs[i])]; len(callers) == 0 || isParam {
									toSink(detailSinks, &details, n.Rhs[i])
								}
								for _, caller := range callers {
									add(&details, caller, n.Rhs[i])
								}
							case "Object":
								toSink(objectSinks, &objects, n.Rhs[i])
							}
						}
					case *ast.CompositeLit:
						if calleeName(n.Type) != "AuditRecord" {
							return true
						}
						for _, el := range n.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								switch calleeName(kv.Key) {
								case "Detail":
									toSink(detailSinks, &details, kv.Value)
								case "Object":
									toSink(objectSinks, &objects, kv.Value)
								}
							}
						}
					}
					return true
				})
			}
		}
	}
	return objects, details
}

// callers returns, for each call of fn in the module, an evaluator of fn
// whose parameters are bound to that call's arguments.
func (src *auditSource) callers(fn *ast.FuncDecl, dir string) []*evaluator {
	var out []*evaluator
	for _, f := range src.files {
		for _, decl := range f.Decls {
			caller, ok := decl.(*ast.FuncDecl)
			if !ok || caller.Body == nil || src.dirOf[f] != dir {
				continue
			}
			v := &evaluator{src: src, fn: caller, dir: dir}
			ast.Inspect(caller.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && calleeName(call.Fun) == fn.Name.Name && len(call.Args) == len(paramIndex(fn)) {
					out = append(out, &evaluator{src: src, fn: fn, dir: dir, env: v.args(fn.Type, call)})
				}
				return true
			})
		}
	}
	return out
}

// recordVars returns the names of fn's variables that hold an audit
// record: those assigned the result of a call of a function whose name
// ends in "record" or "RecordFor".
func recordVars(fn *ast.FuncDecl) map[string]bool {
	m := map[string]bool{}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			id, ok := lhs.(*ast.Ident)
			if !ok {
				continue
			}
			if call, ok := as.Rhs[i].(*ast.CallExpr); ok {
				if name := strings.ToLower(calleeName(call.Fun)); strings.HasSuffix(name, "record") || name == "recordfor" {
					m[id.Name] = true
				}
			}
		}
		return true
	})
	return m
}

// rawAuditText finds what an audit entry stores but a person must not
// read: key=value pairs, objects written kind:id, and ISO instants.
var rawAuditText = regexp.MustCompile(`\b[a-z][a-z_]*=\S|\b[a-z][a-z_]*:[a-z0-9]|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}`)

// TestEveryAuditDetailHasWords finds in the source every form of detail
// and object the code writes into audit entries (see auditValues) and
// checks that each clause of each detail, and each kind of object, has
// words in every language of the staff pages: a key=value pair whose key
// has no label, a phrase the audit page does not know or a kind of object
// without a name fails, as does words that still hold a pair, a kind:id
// or an ISO instant. A clause that is only a value the code does not fix
// (a reason typed by a person: "x") is shown as written.
func TestEveryAuditDetailHasWords(t *testing.T) {
	// The test stores of storetest/ are left out: their entries only ever
	// exist inside a test.
	objects, details := auditValues(t, parseModule(t, "storetest"))
	// The walk must reach the details of every area and follow values
	// through helpers, variables and callers; a broken walk that finds
	// few would pass otherwise.
	for _, want := range []string{
		"report=7 outcome=x breach=true notice=true",                         // followup, Sprintf
		"failed attempts on this account from this address wait until 2021-", // staff login, a variable
		"7 rows: closed before 2021-02-22T23:00:00Z",                         // retention, a parameter's callers
		"hotel 7, nights ",                          // hotel, the record helper
		"letter for case x to print and post",       // citizen letters
		"municipality=x arrival_from=x",             // a filter joined from parts
		"code accepted; access reopened for case x", // clauses
	} {
		if !slices.ContainsFunc(details, func(s auditSample) bool { return strings.Contains(s.text, want) }) {
			t.Errorf("the source walk found no detail holding %q (found %d)", want, len(details))
		}
	}
	for _, want := range []string{"plan:7", "rule_version:x", "access_order:7", "citizen_case:7", "retention:x", "municipalities:all"} {
		if !slices.ContainsFunc(objects, func(s auditSample) bool { return s.text == want }) {
			t.Errorf("the source walk found no object %q (found %d)", want, len(objects))
		}
	}
	for _, lang := range staffLanguages {
		for _, d := range details {
			for _, clause := range strings.Split(d.text, "; ") {
				if strings.Trim(clause, "x7 ") == "" {
					continue
				}
				text, known := web.AuditClause(lang, clause)
				if !known {
					t.Errorf("%s: %s: no words for the audit detail %q (shown as %q)", lang, d.where, clause, text)
				} else if raw := rawAuditText.FindString(text); raw != "" {
					t.Errorf("%s: %s: the audit detail %q is shown as %q, with %q", lang, d.where, clause, text, raw)
				}
			}
		}
		for _, o := range objects {
			if o.text == "" || o.text == "x" {
				continue
			}
			text, known := web.AuditObject(lang, o.text)
			if !known {
				t.Errorf("%s: %s: no words for the audit object %q (shown as %q)", lang, o.where, o.text, text)
			} else if raw := rawAuditText.FindString(text); raw != "" {
				t.Errorf("%s: %s: the audit object %q is shown as %q, with %q", lang, o.where, o.text, text, raw)
			}
		}
	}
}
