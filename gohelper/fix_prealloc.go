package main

// prealloc-slice: a slice grown by append, one element per iteration of a loop
// whose length is known, gets that capacity up front:
//   s := []T{}  ->  s := make([]T, 0, len(xs))
//   var s []T   ->  var s []T; if len(xs) > 0 { s = make([]T, 0, len(xs)) }   (stays nil when xs is empty)
// map-size-hint: a map filled in such a loop gets a size hint:
//   make(map[K]V)  ->  make(map[K]V, len(xs))

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

func preallocSlice(s *site) (*proposal, string) {
	if s.f.Kind != "escapes-to-heap" && s.f.Kind != "does-not-escape" {
		return nil, ""
	}
	call := appendCallAt(s)
	if call == nil || len(s.path) < 2 {
		return nil, ""
	}
	info := s.pkg.Info
	// s = append(s, x)
	var assign *ast.AssignStmt
	for _, n := range s.path {
		if a, ok := n.(*ast.AssignStmt); ok {
			assign = a
			break
		}
	}
	if assign == nil || assign.Tok != token.ASSIGN || len(assign.Lhs) != 1 || len(assign.Rhs) != 1 || unparen(assign.Rhs[0]) != call {
		return nil, ""
	}
	lhs, ok := assign.Lhs[0].(*ast.Ident)
	if !ok || len(call.Args) == 0 {
		return nil, ""
	}
	first, ok := call.Args[0].(*ast.Ident)
	obj, _ := info.Uses[lhs].(*types.Var)
	if !ok || obj == nil || info.Uses[first] != obj {
		return nil, ""
	}
	name := obj.Name()
	loop, body, top := loopAround(s.path)
	if loop == nil {
		return nil, ""
	}
	over := lengthOf(info, loop)
	if over == nil {
		return nil, ""
	}
	if top != assign {
		return nil, fmt.Sprintf("the append to %s is conditional, so how many elements it gets is not known", name)
	}
	if len(call.Args) != 2 || call.Ellipsis.IsValid() {
		return nil, fmt.Sprintf("each iteration appends other than one element to %s", name)
	}
	fnBody := s.funcBody()
	decl, declList, declIdx, elem, isNil := sliceDecl(s, obj)
	if decl == nil {
		return nil, ""
	}
	_, loopIdx := stmtIndex(s.pathTo(loop), loop)
	loopList, _ := stmtIndex(s.pathTo(loop), loop)
	if loopIdx < 0 || !sameList(loopList, declList) || loopIdx <= declIdx {
		return nil, ""
	}
	for _, st := range declList[declIdx+1 : loopIdx] {
		if len(usesIn(info, st, obj)) > 0 {
			return nil, fmt.Sprintf("%s is used between its declaration and the loop", name)
		}
	}
	// len, cap or nil-ness observed anywhere changes meaning with spare capacity.
	for _, id := range usesIn(info, fnBody, obj) {
		p := s.pathTo(id)
		if len(p) < 2 {
			continue
		}
		switch parent := p[1].(type) {
		case *ast.CallExpr:
			if isBuiltin(info, parent.Fun, "len") || isBuiltin(info, parent.Fun, "cap") {
				return nil, fmt.Sprintf("the length, capacity or nil-ness of %s is used, and preallocating changes what it is before and during the loop", name)
			}
		case *ast.BinaryExpr:
			return nil, fmt.Sprintf("the length, capacity or nil-ness of %s is used, and preallocating changes what it is before and during the loop", name)
		}
	}
	if x := exits(body); x != nil {
		return nil, fmt.Sprintf("the loop can end an iteration early (line %d), so how many elements %s gets is not known", s.line(x.Pos()), name)
	}
	// Inside the loop, s may only be appended to itself or indexed: another slice
	// sharing the backing array would see (and be overwritten by) the spare capacity.
	for _, id := range usesIn(info, body, obj) {
		p := s.pathTo(id)
		switch parent := p[1].(type) {
		case *ast.AssignStmt:
			if parent == assign {
				continue
			}
		case *ast.CallExpr:
			if parent == call && len(call.Args) > 0 && call.Args[0] == id {
				continue
			}
		case *ast.IndexExpr:
			if parent.X == id {
				continue
			}
		}
		return nil, fmt.Sprintf("%s is shared inside the loop (line %d); with spare capacity, later appends would write into memory the other slice can see", name, s.line(id.Pos()))
	}
	if why := movable(info, over, declList, declIdx, loopIdx, fnBody); why != "" {
		return nil, why
	}
	ch := newChanges(s.pkg)
	n := s.text(over)
	mk := fmt.Sprintf("make(%s, 0, len(%s))", elem, n)
	title := fmt.Sprintf("Preallocate %s: %s", name, mk)
	if isNil {
		ch.insert(decl.End(), fmt.Sprintf("\nif len(%s) > 0 {\n%s = %s\n}", n, name, mk))
		title += fmt.Sprintf(" (still nil when %s is empty)", n)
	} else {
		ch.replace(decl.Pos(), decl.End(), fmt.Sprintf("%s := %s", name, mk))
	}
	return &proposal{title: title, preferred: true, ch: ch}, ""
}

func appendCallAt(s *site) *ast.CallExpr {
	for _, n := range s.path {
		if c, ok := n.(*ast.CallExpr); ok {
			if isBuiltin(s.pkg.Info, c.Fun, "append") {
				return c
			}
			return nil
		}
	}
	return nil
}

// sliceDecl finds obj's declaration as a statement: `var s []T`, `var s = []T{}`,
// `s := []T{}`, `s := make([]T, 0)`. isNil: the declared slice is nil.
func sliceDecl(s *site, obj *types.Var) (decl ast.Stmt, list []ast.Stmt, idx int, elem string, isNil bool) {
	var found ast.Stmt
	ast.Inspect(s.funcBody(), func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch d := n.(type) {
		case *ast.DeclStmt:
			g, ok := d.Decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR || len(g.Specs) != 1 {
				return true
			}
			vs := g.Specs[0].(*ast.ValueSpec)
			if len(vs.Names) == 1 && s.pkg.Info.Defs[vs.Names[0]] == obj {
				switch {
				case len(vs.Values) == 0 && vs.Type != nil:
					found, elem, isNil = d, s.text(vs.Type), true
				case len(vs.Values) == 1:
					if t := emptySlice(s, vs.Values[0]); t != "" {
						found, elem = d, t
					}
				}
			}
		case *ast.AssignStmt:
			if d.Tok == token.DEFINE && len(d.Lhs) == 1 && len(d.Rhs) == 1 {
				if id, ok := d.Lhs[0].(*ast.Ident); ok && s.pkg.Info.Defs[id] == obj {
					if t := emptySlice(s, d.Rhs[0]); t != "" {
						found, elem = d, t
					}
				}
			}
		}
		return true
	})
	if found == nil {
		return nil, nil, -1, "", false
	}
	list, idx = stmtIndex(s.pathTo(found), found)
	if idx < 0 {
		return nil, nil, -1, "", false
	}
	return found, list, idx, elem, isNil
}

// emptySlice: the type text of `[]T{}` or `make([]T, 0)`.
func emptySlice(s *site, e ast.Expr) string {
	switch x := e.(type) {
	case *ast.CompositeLit:
		if at, ok := x.Type.(*ast.ArrayType); ok && at.Len == nil && len(x.Elts) == 0 {
			return s.text(x.Type)
		}
	case *ast.CallExpr:
		if isBuiltin(s.pkg.Info, x.Fun, "make") && len(x.Args) == 2 {
			if at, ok := x.Args[0].(*ast.ArrayType); ok && at.Len == nil {
				if lit, ok := x.Args[1].(*ast.BasicLit); ok && lit.Value == "0" {
					return s.text(x.Args[0])
				}
			}
		}
	}
	return ""
}

func sameList(a, b []ast.Stmt) bool {
	return len(a) > 0 && len(a) == len(b) && &a[0] == &b[0]
}

// pathTo is the enclosing path of a node of the site's file, innermost first.
func (s *site) pathTo(n ast.Node) []ast.Node {
	p := enclosing(s.file.AST, n.Pos())
	for i, x := range p {
		if x == n {
			return p[i:]
		}
	}
	return p
}

func mapSizeHint(s *site) (*proposal, string) {
	if s.f.Kind != "escapes-to-heap" && s.f.Kind != "does-not-escape" {
		return nil, ""
	}
	info := s.pkg.Info
	var mk *ast.CallExpr
	for _, n := range s.path {
		if c, ok := n.(*ast.CallExpr); ok {
			mk = c
			break
		}
	}
	if mk == nil || !isBuiltin(info, mk.Fun, "make") || len(mk.Args) != 1 {
		return nil, ""
	}
	if _, ok := info.TypeOf(mk.Args[0]).Underlying().(*types.Map); !ok {
		return nil, ""
	}
	// m := make(...) / m = make(...) / var m = make(...)
	var obj types.Object
	var stmt ast.Stmt
	for _, n := range s.path[1:] {
		switch d := n.(type) {
		case *ast.AssignStmt:
			if len(d.Lhs) == 1 && len(d.Rhs) == 1 && d.Rhs[0] == mk {
				if id, ok := d.Lhs[0].(*ast.Ident); ok {
					obj, stmt = objOf(info, id), d
				}
			}
		case *ast.DeclStmt:
			if g, ok := d.Decl.(*ast.GenDecl); ok && len(g.Specs) == 1 {
				if vs, ok := g.Specs[0].(*ast.ValueSpec); ok && len(vs.Names) == 1 && len(vs.Values) == 1 && vs.Values[0] == mk {
					obj, stmt = info.Defs[vs.Names[0]], d
				}
			}
		}
		if stmt != nil || isStmt(n) {
			break
		}
	}
	if obj == nil {
		return nil, ""
	}
	list, idx := stmtIndex(s.pathTo(stmt), stmt)
	if idx < 0 {
		return nil, ""
	}
	// The first later loop of the same block that stores into the map.
	for j := idx + 1; j < len(list); j++ {
		loop := list[j]
		if l, ok := loop.(*ast.LabeledStmt); ok {
			loop = l.Stmt
		}
		var body *ast.BlockStmt
		switch l := loop.(type) {
		case *ast.RangeStmt:
			body = l.Body
		case *ast.ForStmt:
			body = l.Body
		default:
			if len(usesIn(info, list[j], obj)) > 0 {
				return nil, ""
			}
			continue
		}
		stores := false
		for _, st := range body.List {
			if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.ASSIGN && len(a.Lhs) == 1 {
				if ix, ok := a.Lhs[0].(*ast.IndexExpr); ok {
					if id, ok := ix.X.(*ast.Ident); ok && info.Uses[id] == obj {
						stores = true
					}
				}
			}
		}
		if !stores {
			return nil, ""
		}
		over := lengthOf(info, loop)
		if over == nil {
			return nil, ""
		}
		if x := exits(body); x != nil {
			return nil, fmt.Sprintf("the loop can end an iteration early (line %d), so how many entries the map gets is not known", s.line(x.Pos()))
		}
		if why := movable(info, over, list, idx, j, s.funcBody()); why != "" {
			return nil, why
		}
		ch := newChanges(s.pkg)
		n := s.text(over)
		ch.insert(mk.Args[0].End(), fmt.Sprintf(", len(%s)", n))
		return &proposal{title: fmt.Sprintf("Size %s for len(%s) entries", obj.Name(), n), preferred: true, ch: ch}, ""
	}
	return nil, ""
}

func isStmt(n ast.Node) bool { _, ok := n.(ast.Stmt); return ok }
