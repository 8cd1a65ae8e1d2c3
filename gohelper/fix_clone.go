package main

// clone-subslice: a small sub-slice of a large buffer that is KEPT (stored in a
// global, a struct field or a map, directly or by append) keeps the whole buffer
// alive. The copy goes where it is kept, nowhere else:
//   seen = append(seen, h)    ->  seen = append(seen, bytes.Clone(h))      (go >= 1.20, []byte)
//   x.hdr = msg[:16]          ->  x.hdr = append([]T(nil), msg[:16]...)    (otherwise)
// A sub-slice only passed to a call (r.Read(dst[off:])) or returned is never
// touched. Refused when the kept copy would miss writes the shared memory got:
// the buffer (or the local holding the sub-slice) written or handed to a call
// after the store, or anything in the package writing through the kept place.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

func cloneSubslice(s *site) (*proposal, string) {
	if !strings.HasPrefix(s.f.Kind, "leaking-param") && s.f.Kind != "escapes-to-heap" && s.f.Kind != "moved-to-heap" {
		return nil, ""
	}
	var step *Step
	heap := false
	for i, e := range s.f.Explanation {
		m := strings.TrimSpace(e.Message)
		if e.Role == "from" && strings.HasPrefix(m, "from ") && strings.Contains(m, " (slice) at ") && e.At != nil {
			step = &s.f.Explanation[i]
		}
		if e.Role == "flow" && strings.HasPrefix(m, "flow: {heap} ← ") {
			heap = true
		}
	}
	if step == nil || !heap || step.At.Path != s.f.Path {
		return nil, ""
	}
	at := posOf(s.file, step.At.Line, step.At.Column)
	if !at.IsValid() {
		return nil, ""
	}
	info := s.pkg.Info
	path := enclosing(s.file.AST, at)
	var sl *ast.SliceExpr
	for _, n := range path {
		if x, ok := n.(*ast.SliceExpr); ok {
			sl = x
			break
		}
	}
	if sl == nil || sl.Slice3 {
		return nil, ""
	}
	st, ok := info.TypeOf(sl.X).Underlying().(*types.Slice)
	if !ok {
		return nil, ""
	}
	base := s.text(sl.X)
	fnBody := (&site{path: s.pathTo(sl)}).funcBody()
	if fnBody == nil {
		return nil, ""
	}
	// The expressions to copy: the sub-slice where it is stored, or the local
	// holding it where that local is stored.
	var stores []store
	var local *types.Var
	sp := s.pathTo(sl)
	if a, ok := sp[1].(*ast.AssignStmt); ok && a.Tok == token.DEFINE && len(a.Lhs) == 1 && len(a.Rhs) == 1 {
		if id, ok := a.Lhs[0].(*ast.Ident); ok {
			local, _ = info.Defs[id].(*types.Var)
		}
	}
	var exprs []ast.Expr
	if local != nil {
		for _, u := range usesIn(info, fnBody, local) {
			exprs = append(exprs, u)
		}
	} else {
		exprs = []ast.Expr{sl}
	}
	for _, e := range exprs {
		if kept, stmt := keptAt(s, e); kept != nil {
			stores = append(stores, store{e, kept, stmt})
		}
	}
	if len(stores) == 0 {
		return nil, "" // only passed to calls, returned, or used locally: nothing is kept here
	}
	// After the (first) store, nothing in this function may write the buffer or the local.
	first := stores[0].stmt.End()
	watch := []types.Object{}
	if v := rootVar(info, sl.X); v != nil {
		watch = append(watch, v)
	} else {
		return nil, fmt.Sprintf("%s is not a plain variable, so writes to it cannot be followed", base)
	}
	if local != nil {
		watch = append(watch, local)
	}
	for _, v := range watch {
		for _, u := range usesIn(info, fnBody, v) {
			if u.Pos() < first {
				continue
			}
			if why := writesThrough(s, u, st, 0); why != "" && !strings.HasPrefix(why, "returned") {
				return nil, fmt.Sprintf("%s is %s after %s is kept, and a copy would no longer see that", v.Name(), why, s.text(sl))
			}
		}
	}
	// Nothing in the package writes through the kept place.
	for _, k := range uniqueKept(stores) {
		for _, u := range identsOf(s.pkg, k) {
			fs := &site{pkg: s.pkg, file: s.pkg.fileAt(u.Pos())}
			if why := writesThrough(fs, u, st, 0); why != "" {
				return nil, fmt.Sprintf("%s (%s:%d) is %s, and a copy stored there would no longer share that with %s", k.Name(), baseName(fs.file.Path), s.pkg.Fset.Position(u.Pos()).Line, why, base)
			}
		}
	}
	ch := newChanges(s.pkg)
	useClone := false
	if b, ok := st.Elem().(*types.Basic); ok && b.Kind() == types.Byte && s.goV >= 20 {
		useClone = true
	}
	elem, why := typeText(s, st.Elem())
	if why != "" && !useClone {
		return nil, why
	}
	for _, st := range stores {
		text := s.text(st.expr)
		if useClone {
			name, why := ch.importName(s.file, "bytes", st.expr.Pos())
			if why != "" {
				return nil, why
			}
			ch.replace(st.expr.Pos(), st.expr.End(), fmt.Sprintf("%s.Clone(%s)", name, text))
		} else {
			ch.replace(st.expr.Pos(), st.expr.End(), fmt.Sprintf("append([]%s(nil), %s...)", elem, text))
		}
	}
	small := isConst(info, sl.Low) && isConst(info, sl.High) && sl.High != nil
	title := fmt.Sprintf("Copy %s where it is kept, so the rest of %s can be freed", s.text(sl), base)
	if s.measured != "" {
		title += fmt.Sprintf(" (%s on this line)", s.measured)
	}
	return &proposal{title: title, preferred: small, ch: ch}, ""
}

func isConst(info *types.Info, e ast.Expr) bool {
	if e == nil {
		return true
	}
	return info.Types[e].Value != nil
}

type store struct {
	expr ast.Expr
	kept types.Object
	stmt ast.Stmt
}

func uniqueKept(stores []store) []types.Object {
	var out []types.Object
	for _, s := range stores {
		dup := false
		for _, o := range out {
			dup = dup || o == s.kept
		}
		if !dup {
			out = append(out, s.kept)
		}
	}
	return out
}

// keptAt: is e stored where it outlives the call — assigned to a global, a field
// or a map element, or appended to one? The place (global or field) and the statement.
func keptAt(s *site, e ast.Expr) (types.Object, ast.Stmt) {
	info := s.pkg.Info
	p := s.pathTo(e)
	if len(p) < 2 {
		return nil, nil
	}
	var rhs ast.Expr = e
	parent := p[1]
	if call, ok := parent.(*ast.CallExpr); ok && isBuiltin(info, call.Fun, "append") && !call.Ellipsis.IsValid() && len(call.Args) > 1 && call.Args[0] != e && len(p) > 2 {
		rhs, parent = call, p[2]
	}
	a, ok := parent.(*ast.AssignStmt)
	if !ok || a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 || a.Rhs[0] != rhs {
		return nil, nil
	}
	if call, ok := rhs.(*ast.CallExpr); ok {
		// D = append(D, …, e, …): the same place on both sides.
		if types.ExprString(call.Args[0]) != types.ExprString(a.Lhs[0]) {
			return nil, nil
		}
	}
	return keptPlace(info, a.Lhs[0]), a
}

// keptPlace: the global variable or struct field an assignment target is part of.
func keptPlace(info *types.Info, lhs ast.Expr) types.Object {
	for {
		switch x := lhs.(type) {
		case *ast.ParenExpr:
			lhs = x.X
		case *ast.IndexExpr:
			if _, ok := info.TypeOf(x.X).Underlying().(*types.Map); !ok {
				return nil
			}
			lhs = x.X
		case *ast.Ident:
			if v, ok := info.Uses[x].(*types.Var); ok && v.Parent() == v.Pkg().Scope() {
				return v
			}
			return nil
		case *ast.SelectorExpr:
			if sel := info.Selections[x]; sel != nil && sel.Kind() == types.FieldVal {
				return sel.Obj()
			}
			if v, ok := info.Uses[x.Sel].(*types.Var); ok {
				return v // another package's global
			}
			return nil
		default:
			return nil
		}
	}
}

// readOnlyFuncs read their []byte arguments and keep nothing.
var readOnlyFuncs = map[string]bool{
	"bytes.Equal": true, "bytes.Compare": true, "bytes.HasPrefix": true, "bytes.HasSuffix": true, "bytes.Index": true,
	"bytes.IndexByte": true, "bytes.Contains": true, "bytes.Clone": true, "bytes.Count": true, "encoding/hex.EncodeToString": true,
	"fmt.Sprint": true, "fmt.Sprintf": true, "fmt.Sprintln": true, "fmt.Print": true, "fmt.Printf": true, "fmt.Println": true,
	"fmt.Fprint": true, "fmt.Fprintf": true, "fmt.Fprintln": true, "fmt.Errorf": true, "unicode/utf8.Valid": true,
	"log.Print": true, "log.Printf": true, "log.Println": true, "log.Fatal": true, "log.Fatalf": true, "log.Panicf": true,
}

// writesThrough says how the use u (of a variable holding, or containing, slices
// of type t) may write the memory those slices share — "" when it only reads.
// Local aliases (v := u, for _, v := range u) are followed.
func writesThrough(s *site, u ast.Expr, t *types.Slice, depth int) string {
	info := s.pkg.Info
	p := s.pathTo(u)
	var e ast.Expr = u
	i := 1
	// Up through parens, indexing and slicing of the same memory.
	elem := false
	for ; i < len(p) && !elem; i++ {
		switch x := p[i].(type) {
		case *ast.ParenExpr:
			e = x
			continue
		case *ast.IndexExpr:
			if x.X == e && isSliceOf(info.TypeOf(x.X), t) {
				e, elem = x, true // one element of the bytes
				continue
			}
			if x.X == e {
				if _, ok := info.TypeOf(x.X).Underlying().(*types.Map); ok || isSliceOf(info.TypeOf(x.X), t) || containsSlice(info.TypeOf(x), t) {
					e = x
					continue
				}
			}
		case *ast.SliceExpr:
			if x.X == e {
				e = x
				continue
			}
		case *ast.SelectorExpr:
			if x.X == e && containsSlice(info.TypeOf(x), t) {
				e = x
				continue
			}
		}
		break
	}
	line := s.pkg.Fset.Position(u.Pos()).Line
	if i >= len(p) {
		return ""
	}
	if elem {
		switch x := p[i].(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if l == e {
					return fmt.Sprintf("written (line %d)", line)
				}
			}
		case *ast.IncDecStmt:
			return fmt.Sprintf("written (line %d)", line)
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				return fmt.Sprintf("addressed (line %d)", line)
			}
		}
		return ""
	}
	et := info.TypeOf(e)
	if !containsSlice(et, t) && !isSliceOf(et, t) {
		return "" // an element read out of the bytes, or a field of no interest
	}
	switch x := p[i].(type) {
	case *ast.AssignStmt:
		for _, l := range x.Lhs {
			if l == e {
				if _, ok := e.(*ast.IndexExpr); ok && types.Identical(info.TypeOf(e), t.Elem()) {
					return fmt.Sprintf("written (line %d)", line)
				}
				return "" // the variable itself is replaced, not the memory
			}
		}
		// e on the right: aliased into a local (followed) or elsewhere (refused).
		for k, r := range x.Rhs {
			if r != e || len(x.Lhs) != len(x.Rhs) {
				continue
			}
			if id, ok := x.Lhs[k].(*ast.Ident); ok && depth < 3 {
				if v, ok := objOf(info, id).(*types.Var); ok && v.Parent() != v.Pkg().Scope() {
					fs := &site{pkg: s.pkg, file: s.file}
					for _, w := range usesIn(info, enclosingFunc(p), v) {
						if w.Pos() > x.End() || true {
							if why := writesThrough(fs, w, t, depth+1); why != "" {
								return why
							}
						}
					}
					return ""
				}
			}
			if id, ok := x.Lhs[k].(*ast.Ident); ok && id.Name == "_" {
				return ""
			}
			return fmt.Sprintf("copied somewhere else (line %d)", line)
		}
		return fmt.Sprintf("used in an assignment (line %d)", line)
	case *ast.IncDecStmt:
		return fmt.Sprintf("written (line %d)", line)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return fmt.Sprintf("addressed (line %d)", line)
		}
		return ""
	case *ast.RangeStmt:
		if x.X == e {
			if x.Value == nil || x.Tok != token.DEFINE || !containsSlice(info.TypeOf(x.Value), t) && !isSliceOf(info.TypeOf(x.Value), t) {
				return ""
			}
			if id, ok := x.Value.(*ast.Ident); ok && depth < 3 {
				if v, ok := info.Defs[id].(*types.Var); ok {
					for _, w := range usesIn(info, x.Body, v) {
						if why := writesThrough(s, w, t, depth+1); why != "" {
							return why
						}
					}
					return ""
				}
			}
		}
		return fmt.Sprintf("ranged over with assignment (line %d)", line)
	case *ast.CallExpr:
		if x.Fun == e {
			return ""
		}
		if isBuiltin(info, x.Fun, "len") || isBuiltin(info, x.Fun, "cap") {
			return ""
		}
		if isBuiltin(info, x.Fun, "copy") {
			if len(x.Args) == 2 && x.Args[1] == e {
				return ""
			}
			return fmt.Sprintf("copied into (line %d)", line)
		}
		if isBuiltin(info, x.Fun, "append") {
			if len(x.Args) > 0 && x.Args[0] == e {
				// append(D, …) writes D's spare capacity: the kept bytes only when D is the bytes.
				if types.Identical(info.TypeOf(e), t) {
					return fmt.Sprintf("appended to in place (line %d)", line)
				}
				return ""
			}
			if x.Ellipsis.IsValid() {
				return ""
			}
			return fmt.Sprintf("appended into another slice (line %d)", line)
		}
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() {
			if b, ok := tv.Type.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
				return ""
			}
		}
		if readOnlyFuncs[calleeName(info, x)] {
			return ""
		}
		if sel, ok := unparen(x.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Write" {
			if selection := info.Selections[sel]; selection != nil && selection.Kind() == types.MethodVal {
				return "" // io.Writer: "Write must not modify the slice data"
			}
		}
		if sel, ok := unparen(x.Fun).(*ast.SelectorExpr); ok {
			// testing's and log's formatting methods (t.Fatalf, l.Printf) only read their arguments.
			if selection := info.Selections[sel]; selection != nil && selection.Kind() == types.MethodVal && selection.Obj().Pkg() != nil {
				if p := selection.Obj().Pkg().Path(); p == "testing" || p == "log" {
					return ""
				}
			}
		}
		return fmt.Sprintf("passed to %s (line %d), which may write through it", types.ExprString(x.Fun), line)
	case *ast.ReturnStmt:
		return fmt.Sprintf("returned (line %d)", line)
	case *ast.CompositeLit, *ast.KeyValueExpr, *ast.SendStmt:
		return fmt.Sprintf("stored somewhere else (line %d)", line)
	case *ast.BinaryExpr:
		return ""
	case *ast.ExprStmt:
		return ""
	}
	return fmt.Sprintf("used in a way that cannot be followed (line %d)", line)
}

func enclosingFunc(p []ast.Node) ast.Node {
	for _, n := range p {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return n
		}
	}
	return p[len(p)-1]
}

func isSliceOf(x types.Type, t *types.Slice) bool {
	return x != nil && types.Identical(x.Underlying(), t)
}

// containsSlice: can a value of type x hold slices of type t (directly, in
// slices, arrays, maps, pointers or struct fields)?
func containsSlice(x types.Type, t *types.Slice) bool {
	seen := map[types.Type]bool{}
	var walk func(x types.Type) bool
	walk = func(x types.Type) bool {
		if x == nil || seen[x] {
			return false
		}
		seen[x] = true
		if types.Identical(x.Underlying(), t) {
			return true
		}
		switch u := x.Underlying().(type) {
		case *types.Slice:
			return walk(u.Elem())
		case *types.Array:
			return walk(u.Elem())
		case *types.Map:
			return walk(u.Elem())
		case *types.Pointer:
			return walk(u.Elem())
		case *types.Struct:
			for i := 0; i < u.NumFields(); i++ {
				if walk(u.Field(i).Type()) {
					return true
				}
			}
		}
		return false
	}
	return walk(x)
}
