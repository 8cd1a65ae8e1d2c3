package main

// string-builder: a string built by `+=` in a loop copies everything built so
// far on every iteration; a strings.Builder appends in place:
//   s := ""  /  s += a + ","  /  return s
//   var s strings.Builder  /  s.WriteString(a); s.WriteString(",")  /  return s.String()
// with s.Grow(n) before the loop after a length-summing pass when the loop over a
// []string only appends the element and string literals (the final size is known).

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

func stringBuilder(s *site) (*proposal, string) {
	if s.f.Kind != "escapes-to-heap" && s.f.Kind != "does-not-escape" {
		return nil, ""
	}
	info := s.pkg.Info
	var plus *ast.AssignStmt
	for _, n := range s.path {
		if a, ok := n.(*ast.AssignStmt); ok {
			plus = a
			break
		}
		if isStmt(n) {
			break
		}
	}
	if plus == nil || plus.Tok != token.ADD_ASSIGN || len(plus.Lhs) != 1 {
		return nil, ""
	}
	id, ok := plus.Lhs[0].(*ast.Ident)
	if !ok {
		return nil, ""
	}
	obj, _ := info.Uses[id].(*types.Var)
	if obj == nil || !types.Identical(obj.Type(), types.Typ[types.String]) {
		return nil, ""
	}
	name := obj.Name()
	loop, _, _ := loopAround(s.path)
	if loop == nil {
		return nil, ""
	}
	fnBody := s.funcBody()
	// The declaration: s := "lit", var s string, var s = "lit", in this function.
	var decl ast.Stmt
	var init ast.Expr
	ast.Inspect(fnBody, func(n ast.Node) bool {
		switch d := n.(type) {
		case *ast.AssignStmt:
			if d.Tok == token.DEFINE && len(d.Lhs) == 1 && len(d.Rhs) == 1 {
				if l, ok := d.Lhs[0].(*ast.Ident); ok && info.Defs[l] == obj {
					decl, init = d, d.Rhs[0]
				}
			}
		case *ast.DeclStmt:
			if g, ok := d.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR && len(g.Specs) == 1 {
				vs := g.Specs[0].(*ast.ValueSpec)
				if len(vs.Names) == 1 && info.Defs[vs.Names[0]] == obj && len(vs.Values) <= 1 {
					decl = d
					if len(vs.Values) == 1 {
						init = vs.Values[0]
					}
				}
			}
		}
		return decl == nil
	})
	if decl == nil {
		return nil, ""
	}
	if init != nil {
		if lit, ok := init.(*ast.BasicLit); !ok || lit.Kind != token.STRING {
			return nil, fmt.Sprintf("%s starts from something other than a string literal", name)
		}
	}
	if _, idx := stmtIndex(s.pathTo(decl), decl); idx < 0 {
		return nil, ""
	}
	if decl.Pos() > loop.Pos() {
		return nil, ""
	}
	ch := newChanges(s.pkg)
	var pluses []*ast.AssignStmt
	for _, u := range usesIn(info, fnBody, obj) {
		p := s.pathTo(u)
		for _, n := range p {
			if _, ok := n.(*ast.FuncLit); ok {
				return nil, fmt.Sprintf("a closure uses %s", name)
			}
		}
		switch parent := p[1].(type) {
		case *ast.AssignStmt:
			if parent.Tok == token.ADD_ASSIGN && len(parent.Lhs) == 1 && parent.Lhs[0] == u {
				if len(usesIn(info, parent.Rhs[0], obj)) > 0 {
					return nil, fmt.Sprintf("%s is read while it is built", name)
				}
				pluses = append(pluses, parent)
				continue
			}
		case *ast.ReturnStmt:
			ch.insert(u.End(), ".String()")
			continue
		}
		return nil, fmt.Sprintf("%s is used other than by += and return (line %d), so turning it into a strings.Builder would need more than a local change", name, s.line(u.Pos()))
	}
	sb, why := ch.importName(s.file, "strings", s.pos)
	if why != "" {
		return nil, why
	}
	newDecl := fmt.Sprintf("var %s %s.Builder", name, sb)
	if init != nil && init.(*ast.BasicLit).Value != `""` && init.(*ast.BasicLit).Value != "``" {
		newDecl += fmt.Sprintf("\n%s.WriteString(%s)", name, s.text(init))
	}
	ch.replace(decl.Pos(), decl.End(), newDecl)
	var inLoop [][]ast.Expr
	for _, a := range pluses {
		ops := concatOperands(info, a.Rhs[0])
		parts := make([]string, len(ops))
		for i, o := range ops {
			parts[i] = fmt.Sprintf("%s.WriteString(%s)", name, s.text(o))
		}
		ch.replace(a.Pos(), a.End(), strings.Join(parts, "\n"))
		if a.Pos() > loop.Pos() && a.End() < loop.End() {
			inLoop = append(inLoop, ops)
		}
	}
	title := fmt.Sprintf("Build %s with a strings.Builder", name)
	if growSize(s, ch, loop, name, pluses, inLoop, init) {
		title += ", sized up front"
	}
	return &proposal{title: title, preferred: true, ch: ch}, ""
}

// concatOperands splits a + b + c (string concatenation) into its operands.
func concatOperands(info *types.Info, e ast.Expr) []ast.Expr {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		if t := info.TypeOf(b); t != nil {
			if bt, ok := t.Underlying().(*types.Basic); ok && bt.Info()&types.IsString != 0 {
				return append(concatOperands(info, b.X), concatOperands(info, b.Y)...)
			}
		}
	}
	return []ast.Expr{e}
}

// growSize adds the length-summing pass and Grow when the loop ranges over a
// []string and its body is nothing but += of the element and literals.
func growSize(s *site, ch *changes, loop ast.Stmt, name string, pluses []*ast.AssignStmt, inLoop [][]ast.Expr, init ast.Expr) bool {
	info := s.pkg.Info
	r, ok := loop.(*ast.RangeStmt)
	if !ok || r.Value == nil {
		return false
	}
	if t, ok := info.TypeOf(r.X).(*types.Slice); !ok || !types.Identical(t.Elem(), types.Typ[types.String]) {
		return false
	}
	val, ok := r.Value.(*ast.Ident)
	if !ok || val.Name == "_" {
		return false
	}
	vobj := info.Defs[val]
	if len(r.Body.List) != len(inLoop) || len(inLoop) == 0 {
		return false
	}
	for _, st := range r.Body.List {
		if !containsStmt(pluses, st) {
			return false
		}
	}
	elems, fixed := 0, 0
	for _, ops := range inLoop {
		for _, o := range ops {
			if id, ok := o.(*ast.Ident); ok && info.Uses[id] == vobj {
				elems++
				continue
			}
			tv := info.Types[o]
			if _, lit := o.(*ast.BasicLit); !lit || tv.Value == nil || tv.Value.Kind() != constant.String {
				return false
			}
			fixed += len(constant.StringVal(tv.Value))
		}
	}
	initLen := 0
	if init != nil {
		v, err := strconv.Unquote(init.(*ast.BasicLit).Value)
		if err != nil {
			return false
		}
		initLen = len(v)
	}
	size := name + "Len"
	if sc := innermostScope(s.pkg, s.file, loop.Pos()); sc == nil {
		return false
	} else if _, o := sc.LookupParent(size, loop.Pos()); o != nil {
		return false
	}
	for _, id := range identNames(s.funcBody()) {
		if id == size {
			return false
		}
	}
	terms := make([]string, 0, elems+1)
	for i := 0; i < elems; i++ {
		terms = append(terms, fmt.Sprintf("len(%s)", val.Name))
	}
	if fixed > 0 {
		terms = append(terms, strconv.Itoa(fixed))
	}
	if len(terms) == 0 {
		return false
	}
	ch.insert(loop.Pos(), fmt.Sprintf("%s := %d\nfor _, %s := range %s {\n%s += %s\n}\n%s.Grow(%s)\n",
		size, initLen, val.Name, s.text(r.X), size, strings.Join(terms, " + "), name, size))
	return true
}

func containsStmt(xs []*ast.AssignStmt, st ast.Stmt) bool {
	for _, x := range xs {
		if ast.Stmt(x) == st {
			return true
		}
	}
	return false
}

func identNames(n ast.Node) []string {
	var out []string
	ast.Inspect(n, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok {
			out = append(out, id.Name)
		}
		return true
	})
	return out
}
