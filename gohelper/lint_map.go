package main

// clear-map: `for k := range m { delete(m, k) }` is clear(m) (Go 1.21).
// remake-map: maps never shrink; a map emptied (clear or a delete loop) in a
// long-lived place keeps the buckets of its largest size. `m = make(…)` lets
// them go, but only this one reference sees the new map, so it is offered only
// when nothing else can hold the old one.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// mapEmptying is a statement that empties a map: a delete loop or clear(m).
type mapEmptying struct {
	stmt ast.Stmt
	m    ast.Expr // the map expression
	loop bool
}

func mapEmptyings(s *site) []mapEmptying {
	info := s.pkg.Info
	var out []mapEmptying
	ast.Inspect(s.file.AST, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.RangeStmt:
			if m := deleteLoop(info, x); m != nil {
				out = append(out, mapEmptying{x, m, true})
			}
		case *ast.ExprStmt:
			if call, ok := x.X.(*ast.CallExpr); ok && isBuiltin(info, call.Fun, "clear") && len(call.Args) == 1 {
				if _, ok := info.TypeOf(call.Args[0]).Underlying().(*types.Map); ok {
					out = append(out, mapEmptying{x, call.Args[0], false})
				}
			}
		}
		return true
	})
	return out
}

// deleteLoop: is r `for k := range M { delete(M, k) }`, M a variable or field chain? M.
func deleteLoop(info *types.Info, r *ast.RangeStmt) ast.Expr {
	if r.Tok != token.DEFINE || r.Key == nil || len(r.Body.List) != 1 {
		return nil
	}
	if r.Value != nil {
		if id, ok := r.Value.(*ast.Ident); !ok || id.Name != "_" {
			return nil
		}
	}
	if _, ok := info.TypeOf(r.X).Underlying().(*types.Map); !ok {
		return nil
	}
	key, ok := r.Key.(*ast.Ident)
	if !ok || info.Defs[key] == nil {
		return nil
	}
	es, ok := r.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return nil
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok || !isBuiltin(info, call.Fun, "delete") || len(call.Args) != 2 {
		return nil
	}
	if k, ok := call.Args[1].(*ast.Ident); !ok || info.Uses[k] != info.Defs[key] {
		return nil
	}
	root := rootVar(info, r.X)
	if root == nil || rootVar(info, call.Args[0]) != root || types.ExprString(call.Args[0]) != types.ExprString(r.X) {
		return nil
	}
	return r.X
}

// holdsNaN: can a key of type t be NaN (which delete cannot remove and clear does)?
func holdsNaN(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsFloat|types.IsComplex) != 0
	case *types.Interface:
		return true
	case *types.Array:
		return holdsNaN(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if holdsNaN(u.Field(i).Type()) {
				return true
			}
		}
	case *types.Pointer, *types.Chan:
		return false
	}
	return false
}

func lintClearMap(s *site) []lintHit {
	if s.goV < 21 {
		return nil // clear needs go 1.21: nothing to offer, nothing worth a line
	}
	var hits []lintHit
	for _, e := range mapEmptyings(s) {
		if !e.loop {
			continue
		}
		m := types.ExprString(e.m)
		h := lintHit{at: e.stmt, message: fmt.Sprintf("This loop deletes every key of %s: clear(%s) does it in one call", m, m)}
		kt := s.pkg.Info.TypeOf(e.m).Underlying().(*types.Map).Key()
		if holdsNaN(kt) {
			h.refusals = []string{fmt.Sprintf("the key type %s can hold NaN, which delete cannot remove but clear does: clear(%s) would change what is left in the map", kt, m)}
		} else {
			ch := newChanges(s.pkg)
			ch.replace(e.stmt.Pos(), e.stmt.End(), fmt.Sprintf("clear(%s)", s.text(e.m)))
			h.fix = &proposal{title: fmt.Sprintf("Replace the delete loop with clear(%s)", m), preferred: true, ch: ch}
		}
		hits = append(hits, h)
	}
	return hits
}

func lintRemakeMap(s *site) []lintHit {
	info := s.pkg.Info
	var hits []lintHit
	for _, e := range mapEmptyings(s) {
		var place types.Object
		switch x := unparen(e.m).(type) {
		case *ast.Ident:
			if v, ok := info.Uses[x].(*types.Var); ok && v.Parent() == s.pkg.Types.Scope() {
				place = v
			}
		case *ast.SelectorExpr:
			if sel := info.Selections[x]; sel != nil && sel.Kind() == types.FieldVal {
				place = sel.Obj()
			}
		}
		if place == nil {
			continue // a local map dies with its function
		}
		m := types.ExprString(e.m)
		how := "clear"
		if e.loop {
			how = "this delete loop"
		}
		h := lintHit{at: e.stmt, message: fmt.Sprintf("%s keeps the buckets of its largest size after %s (maps never shrink): re-making it lets the memory go", m, how)}
		why := remakeRefusal(s, place, e)
		if why != "" {
			h.refusals = []string{why}
		} else {
			ss := siteAt(s, e.stmt)
			tt, why := typeText(ss, info.TypeOf(e.m))
			if why != "" {
				h.refusals = []string{"the map's type cannot be spelled in this file: " + why}
			} else {
				ch := newChanges(s.pkg)
				ch.replace(e.stmt.Pos(), e.stmt.End(), fmt.Sprintf("%s = make(%s)", s.text(e.m), tt))
				// Not preferred: the next fill allocates the map again, which is worth it after a peak, not for a map refilled to the same size every time.
				h.fix = &proposal{title: fmt.Sprintf("Re-make %s (%s = make(%s)): frees its peak size, the next fill allocates again", m, m, tt), ch: ch}
			}
		}
		hits = append(hits, h)
	}
	return hits
}

// remakeRefusal says why `m = make(…)` could differ from emptying m in place,
// or "" when m is the only reference to its map: an unexported package-level
// variable whose every use indexes, deletes from, clears, measures, ranges over
// or compares it with nil, or assigns it a fresh map.
func remakeRefusal(s *site, place types.Object, e mapEmptying) string {
	pkg, info := s.pkg, s.pkg.Info
	name := place.Name()
	v, ok := place.(*types.Var)
	if !ok {
		return ""
	}
	if v.IsField() {
		return fmt.Sprintf("%s is a struct field: every copy of the struct shares the map, and re-making it in one leaves the others holding the old one; re-make it where you know no copy exists", name)
	}
	if v.Exported() {
		return fmt.Sprintf("%s is exported: other packages may hold the map, and would keep the old contents", name)
	}
	if hasLinkname(pkg) {
		return "the package uses go:linkname, so other packages may reach " + name
	}
	for file, src := range pkg.Excluded {
		if bytes.Contains(src, []byte(name)) {
			return fmt.Sprintf("%s, a file built only for other platforms or tags, mentions %s", file, name)
		}
	}
	for _, f := range pkg.Files {
		var bad string
		ast.Inspect(f.AST, func(n ast.Node) bool {
			if bad != "" {
				return false
			}
			switch x := n.(type) {
			case *ast.ValueSpec:
				for i, id := range x.Names {
					if info.Defs[id] == v && i < len(x.Values) && !freshMap(info, x.Values[i]) {
						bad = fmt.Sprintf("%s starts as %s, a map that something else may also hold", name, types.ExprString(x.Values[i]))
					}
				}
			case *ast.RangeStmt:
				if id, ok := unparen(x.X).(*ast.Ident); ok && info.Uses[id] == v {
					if e.stmt.Pos() >= x.Body.Pos() && e.stmt.End() <= x.Body.End() {
						bad = fmt.Sprintf("%s is emptied inside a range over it: clear stops the range, a new map would not", name)
					} else if c := callIn(info, x.Body); c != nil {
						bad = fmt.Sprintf("a range over %s at line %d calls %s, which could empty %s mid-loop: clear would stop that range, a new map would not", name, pkg.Fset.Position(x.Pos()).Line, types.ExprString(c.Fun), name)
					}
				}
			}
			return true
		})
		if bad != "" {
			return bad
		}
	}
	for _, id := range identsOf(pkg, v) {
		f := pkg.fileAt(id.Pos())
		path := enclosing(f.AST, id.Pos())
		if len(path) < 2 {
			continue
		}
		if !plainMapUse(info, path[1], id) {
			return fmt.Sprintf("%s is used as a value at %s:%d (passed, stored or returned), so another reference may share the map and keep the old contents", name, baseName(f.Path), pkg.Fset.Position(id.Pos()).Line)
		}
	}
	return ""
}

// plainMapUse: the use id of the map variable, with parent p, neither hands the map out nor aliases it.
func plainMapUse(info *types.Info, p ast.Node, id *ast.Ident) bool {
	switch x := p.(type) {
	case *ast.IndexExpr:
		return x.X == id
	case *ast.CallExpr:
		for _, b := range []string{"delete", "clear", "len"} {
			if isBuiltin(info, x.Fun, b) && len(x.Args) > 0 && x.Args[0] == id {
				return true
			}
		}
	case *ast.RangeStmt:
		return x.X == id
	case *ast.BinaryExpr:
		other := x.Y
		if x.Y == id {
			other = x.X
		}
		tv, ok := info.Types[other]
		return ok && tv.IsNil()
	case *ast.AssignStmt:
		if x.Tok != token.ASSIGN || len(x.Lhs) != len(x.Rhs) {
			return false
		}
		for i, l := range x.Lhs {
			if l == id {
				return freshMap(info, x.Rhs[i])
			}
		}
	}
	return false
}

// freshMap: does e make a map nothing else holds (make, a literal, nil)?
func freshMap(info *types.Info, e ast.Expr) bool {
	switch x := unparen(e).(type) {
	case *ast.CallExpr:
		return isBuiltin(info, x.Fun, "make")
	case *ast.CompositeLit:
		return true
	}
	tv, ok := info.Types[e]
	return ok && tv.IsNil()
}

// callIn is a call in n that is not a builtin or a conversion, or nil.
func callIn(info *types.Info, n ast.Node) *ast.CallExpr {
	var found *ast.CallExpr
	ast.Inspect(n, func(x ast.Node) bool {
		if found != nil {
			return false
		}
		c, ok := x.(*ast.CallExpr)
		if !ok {
			return true
		}
		if tv, ok := info.Types[c.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
			return true
		}
		found = c
		return false
	})
	return found
}
