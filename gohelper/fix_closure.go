package main

// loop-var-copy and closure-arg: a goroutine or deferred closure that captures
// a variable by reference moves it to the heap (and, for a loop variable before
// Go 1.22, shares one variable between all iterations).
//   loop-var-copy (pre-1.22 loop variables): `p := p` first in the loop body, what
//     Go 1.22 does by itself; preferred.
//   closure-arg: `go func(p T) {…}(p)`: never preferred (the go statement wraps the
//     call in one more closure holding the copy: an allocation per goroutine).
// Refused when a closure changes the variable, takes its address or calls a
// pointer-receiver method on it (or on a field of it), when copying it copies a
// lock (go vet's copylocks), and when it changes after the closure is made.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

type capture struct {
	obj      *types.Var
	closures []*ast.FuncLit
	calls    []*ast.CallExpr
	// loop declaring the variable in its header, when it is a pre-1.22 shared loop variable.
	loop ast.Stmt
	body *ast.BlockStmt
}

func analyseCapture(s *site) (*capture, string) {
	var name string
	switch s.f.Kind {
	case "moved-to-heap":
		name = s.f.Subject
	case "closure-capture":
		if i := strings.Index(s.f.Message, "capturing by ref: "); i >= 0 {
			name = strings.Fields(s.f.Message[i+len("capturing by ref: "):])[0]
		}
	}
	if name == "" || len(s.path) == 0 {
		return nil, ""
	}
	id, ok := s.path[0].(*ast.Ident)
	if !ok || id.Name != name {
		return nil, ""
	}
	info := s.pkg.Info
	obj, _ := info.Defs[id].(*types.Var)
	if obj == nil {
		return nil, ""
	}
	fnBody := s.funcBody()
	c := &capture{obj: obj}
	// Every closure using it must be started with go or defer, right where it is written.
	var bad ast.Node
	ast.Inspect(fnBody, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok || bad != nil {
			return bad == nil
		}
		if len(usesIn(info, lit.Body, obj)) == 0 {
			return true
		}
		p := s.pathTo(lit)
		call, ok := p[1].(*ast.CallExpr)
		if ok && call.Fun == lit && len(p) > 2 {
			switch p[2].(type) {
			case *ast.GoStmt, *ast.DeferStmt:
				c.closures = append(c.closures, lit)
				c.calls = append(c.calls, call)
				return false
			}
		}
		bad = lit
		return false
	})
	if bad != nil {
		return nil, fmt.Sprintf("a closure that is not started with go or defer also uses %s (line %d)", name, s.line(bad.Pos()))
	}
	if len(c.closures) == 0 {
		return nil, ""
	}
	for _, lit := range c.closures {
		if at, what := mutation(info, lit.Body, obj); at != nil {
			if what == "calls a pointer-receiver method on" {
				return nil, fmt.Sprintf("the closure calls a pointer-receiver method on %s (line %d), which changes the variable itself, and a copy would hide that change", s.text(at), s.line(at.Pos()))
			}
			return nil, fmt.Sprintf("the closure changes %s (or takes its address), and a copy would hide that change", name)
		}
		if lit.Type.Params != nil && len(lit.Type.Params.List) > 0 {
			if _, ok := lit.Type.Params.List[len(lit.Type.Params.List)-1].Type.(*ast.Ellipsis); ok {
				return nil, ""
			}
		}
	}
	if lock, ok := containsLock(obj.Type()); ok {
		return nil, fmt.Sprintf("%s holds a %s, which must not be copied (go vet copylocks)", name, lock)
	}
	// A loop variable declared in the loop's header?
	for _, n := range s.path[1:] {
		switch l := n.(type) {
		case *ast.RangeStmt:
			if l.Tok == token.DEFINE && (isIdentOf(info, l.Key, obj) || isIdentOf(info, l.Value, obj)) {
				c.loop, c.body = l, l.Body
			}
		case *ast.ForStmt:
			if a, ok := l.Init.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
				for _, x := range a.Lhs {
					if isIdentOf(info, x, obj) {
						c.loop, c.body = l, l.Body
						if at, _ := mutation(info, l.Body, obj); at != nil {
							return nil, fmt.Sprintf("the loop body changes %s, which also drives the loop", name)
						}
					}
				}
			}
		}
		if _, init := n.(*ast.AssignStmt); c.loop != nil || (isStmt(n) && !init) {
			break
		}
	}
	if c.loop == nil || s.goV >= 22 || s.goV == 0 {
		c.loop, c.body = nil, nil
	}
	// Changes outside the closures: a copy made when the closure starts would not see
	// one made later, or one made earlier in a loop around the closure (next iteration).
	for _, m := range mutations(info, fnBody, obj, false) {
		if inAny(m.at, c.closures) {
			continue
		}
		if c.loop != nil && m.at.Pos() >= c.body.Pos() && m.at.End() <= c.body.End() {
			return nil, fmt.Sprintf("the loop body changes %s (line %d) outside the closure", name, s.line(m.at.Pos()))
		}
		if c.loop != nil && !(m.at.Pos() >= c.body.Pos() && m.at.End() <= c.body.End()) {
			continue // the loop header
		}
		if m.at.Pos() >= c.closures[0].Pos() || sharesLoop(s, m.at, c.closures, obj) {
			return nil, fmt.Sprintf("%s is changed after the closure is made (line %d), which a copy would not see", name, s.line(m.at.Pos()))
		}
	}
	return c, ""
}

func isIdentOf(info *types.Info, e ast.Expr, obj types.Object) bool {
	id, ok := e.(*ast.Ident)
	return ok && info.Defs[id] == obj
}

func loopVarCopy(s *site) (*proposal, string) {
	c, why := analyseCapture(s)
	if c == nil || c.loop == nil {
		return nil, why
	}
	name := c.obj.Name()
	ch := newChanges(s.pkg)
	ch.insert(c.body.Lbrace+1, fmt.Sprintf("\n%s := %s", name, name))
	return &proposal{title: fmt.Sprintf("Copy %s per iteration (%s := %s) so the closure captures it by value", name, name, name), preferred: true, ch: ch}, ""
}

func closureArg(s *site) (*proposal, string) {
	c, why := analyseCapture(s)
	if c == nil {
		return nil, why
	}
	name := c.obj.Name()
	typ, why := typeText(s, c.obj.Type())
	if why != "" {
		return nil, why
	}
	ch := newChanges(s.pkg)
	for i, lit := range c.closures {
		params := lit.Type.Params
		sep := ""
		if params.NumFields() > 0 {
			sep = ", "
		}
		for _, f := range params.List {
			for _, n := range f.Names {
				if n.Name == name {
					return nil, fmt.Sprintf("the closure already has a parameter named %s", name)
				}
			}
		}
		ch.insert(params.Closing, fmt.Sprintf("%s%s %s", sep, name, typ))
		call := c.calls[i]
		sep = ""
		if len(call.Args) > 0 {
			sep = ", "
		}
		ch.insert(call.Rparen, sep+name)
	}
	return &proposal{title: fmt.Sprintf("Pass %s to the %s as an argument", name, plural(len(c.closures), "closure", "closures")), preferred: false, ch: ch}, ""
}

// typeText spells t in the site's file, or says why it cannot without a new import.
func typeText(s *site, t types.Type) (string, string) {
	why := ""
	q := func(p *types.Package) string {
		if p == s.pkg.Types {
			return ""
		}
		for _, spec := range s.file.AST.Imports {
			if strings.Trim(spec.Path.Value, "\"`") == p.Path() {
				if spec.Name != nil {
					if spec.Name.Name == "_" || spec.Name.Name == "." {
						break
					}
					return spec.Name.Name
				}
				return p.Name()
			}
		}
		why = fmt.Sprintf("its type mentions package %s, which this file does not import", p.Path())
		return p.Name()
	}
	text := types.TypeString(t, q)
	if why != "" {
		return "", why
	}
	if strings.Contains(text, "struct{") || strings.Contains(text, "interface{") && strings.Contains(text, ";") {
		// Spelled out literal types are fine, but unexported names of other packages are not.
	}
	return text, ""
}

func inAny(n ast.Node, lits []*ast.FuncLit) bool {
	for _, l := range lits {
		if n.Pos() >= l.Pos() && n.End() <= l.End() {
			return true
		}
	}
	return false
}

// sharesLoop: is there a loop, inside obj's scope, around both n and one of the closures?
func sharesLoop(s *site, n ast.Node, lits []*ast.FuncLit, obj types.Object) bool {
	for _, p := range s.pathTo(n) {
		switch p.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if obj.Pos() >= p.Pos() && obj.Pos() < p.End() {
				return false
			}
			for _, l := range lits {
				if l.Pos() >= p.Pos() && l.End() <= p.End() {
					return true
				}
			}
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		}
	}
	return false
}
