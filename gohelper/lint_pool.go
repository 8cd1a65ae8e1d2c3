package main

// pool-put-reset: a buffer put back into a sync.Pool with its contents. The
// next Get that does not Reset appends to them (wrong output, and a buffer that
// grows every round). Resetting before Put changes nothing a correct program
// can see: a pool may hand out a fresh New() value at any Get (it drops its
// items at every GC), so when New makes an empty buffer every Get must already
// cope with one.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

func isStringsBuilder(t types.Type) bool { return isNamedType(t, "strings", "Builder") }

// resettable: *T with a method Reset() (no arguments, no results).
func resettable(t types.Type) (types.Type, bool) {
	p, ok := t.(*types.Pointer)
	if !ok {
		return nil, false
	}
	obj, _, _ := types.LookupFieldOrMethod(p, true, nil, "Reset")
	fn, ok := obj.(*types.Func)
	if !ok {
		return nil, false
	}
	sig := fn.Type().(*types.Signature)
	return p.Elem(), sig.Params().Len() == 0 && sig.Results().Len() == 0
}

// resetCall: is n the statement `x.Reset()`?
func resetCall(info *types.Info, n ast.Node, x types.Object) bool {
	es, ok := n.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Reset" {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && info.Uses[id] == x
}

func lintPoolReset(s *site) []lintHit {
	info := s.pkg.Info
	var hits []lintHit
	funcBodies(s.file.AST, func(body *ast.BlockStmt) {
		ast.Inspect(body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false // its own body is visited on its own
			}
			var call *ast.CallExpr
			deferred := false
			switch st := n.(type) {
			case *ast.ExprStmt:
				call, _ = st.X.(*ast.CallExpr)
			case *ast.DeferStmt:
				call, deferred = st.Call, true
			}
			if call == nil || len(call.Args) != 1 {
				return true
			}
			pool, op := poolCall(info, call)
			if pool == nil || op != "Put" {
				return true
			}
			xid, ok := call.Args[0].(*ast.Ident)
			if !ok {
				return true
			}
			x, ok := info.Uses[xid].(*types.Var)
			if !ok || x.Parent() == s.pkg.Types.Scope() {
				return true
			}
			elem, ok := resettable(x.Type())
			if !ok {
				return true
			}
			reset := false
			ast.Inspect(body, func(m ast.Node) bool {
				if resetCall(info, m, x) {
					reset = true
				}
				return !reset
			})
			if reset || everyGetResets(s.pkg, pool) {
				return true
			}
			stmt := n.(ast.Stmt)
			h := lintHit{at: call, message: fmt.Sprintf("%s goes back into %s without Reset: the next Get that does not reset it appends to the old contents", x.Name(), pool.Name())}
			if why := putResetRefusal(s, body, stmt, x, elem, pool, deferred); why != "" {
				h.refusals = []string{why}
			} else {
				ch := newChanges(s.pkg)
				if deferred {
					ch.replace(call.Pos(), call.End(), fmt.Sprintf("func() {\n%s.Reset()\n%s\n}()", x.Name(), s.text(call)))
				} else {
					ch.insert(stmt.Pos(), fmt.Sprintf("%s.Reset()\n", x.Name()))
				}
				h.fix = &proposal{title: fmt.Sprintf("Reset %s before putting it back into %s", x.Name(), pool.Name()), preferred: true, ch: ch}
			}
			hits = append(hits, h)
			return true
		})
	})
	return hits
}

// everyGetResets: every `v := P.Get().(*T)` in the package is followed at once by v.Reset().
func everyGetResets(pkg *Package, pool *types.Var) bool {
	info := pkg.Info
	if pool.Exported() {
		return false
	}
	gets := 0
	for _, id := range identsOf(pkg, pool) {
		f := pkg.fileAt(id.Pos())
		path := enclosing(f.AST, id.Pos())
		// id ← P.Get ← P.Get() ← .(*T) ← v := …
		if len(path) < 5 {
			return false
		}
		if sel, ok := path[1].(*ast.SelectorExpr); !ok || sel.Sel.Name != "Get" {
			continue
		}
		gets++
		as, ok := path[4].(*ast.AssignStmt)
		if _, ta := path[3].(*ast.TypeAssertExpr); !ok || !ta || len(as.Lhs) != 1 {
			return false
		}
		lid, ok := as.Lhs[0].(*ast.Ident)
		if !ok {
			return false
		}
		v := objOf(info, lid)
		list, i := stmtIndex(path[4:], as)
		if v == nil || i < 0 || i+1 >= len(list) || !resetCall(info, list[i+1], v) {
			return false
		}
	}
	return gets > 0
}

func putResetRefusal(s *site, body *ast.BlockStmt, put ast.Stmt, x *types.Var, elem types.Type, pool *types.Var, deferred bool) string {
	info := s.pkg.Info
	if !isBytesBuffer(elem) && !isStringsBuilder(elem) {
		return fmt.Sprintf("%s.Reset is %s's own method: HeapLens does not know what it keeps or drops", x.Name(), elem)
	}
	if why := poolNewFresh(s.pkg, pool, elem); why != "" {
		return why
	}
	if isBytesBuffer(elem) {
		for _, id := range usesIn(info, body, x) {
			p := enclosing(body, id.Pos())
			if len(p) > 2 {
				if sel, ok := p[1].(*ast.SelectorExpr); ok && (sel.Sel.Name == "Bytes" || sel.Sel.Name == "Next" || sel.Sel.Name == "AvailableBuffer") {
					if !copiesBytes(info, p[3], p[2]) {
						return fmt.Sprintf("%s.%s() hands out the buffer's memory: after Reset the next user of the pooled buffer writes over it", x.Name(), sel.Sel.Name)
					}
				}
			}
		}
	}
	// A closure may run after the Put (a deferred func, a goroutine) and see the reset buffer.
	var inClosure *ast.Ident
	ast.Inspect(body, func(n ast.Node) bool {
		if fl, ok := n.(*ast.FuncLit); ok && inClosure == nil {
			if ids := usesIn(info, fl, x); len(ids) > 0 {
				inClosure = ids[0]
			}
			return false
		}
		return inClosure == nil
	})
	if inClosure != nil {
		return fmt.Sprintf("a closure uses %s (line %d) and may run after the Put", x.Name(), s.line(inClosure.Pos()))
	}
	if deferred {
		if at, _ := mutation(info, body, x); at != nil {
			return fmt.Sprintf("%s is assigned after it is declared, so a deferred Reset could reset another buffer than the one put", x.Name())
		}
		return ""
	}
	for _, id := range usesIn(info, body, x) {
		if id.Pos() > put.End() {
			return fmt.Sprintf("%s is used after the Put (line %d)", x.Name(), s.line(id.Pos()))
		}
	}
	// A Put inside a loop the buffer outlives: the next iteration uses it again.
	for _, n := range enclosing(body, put.Pos()) {
		switch l := n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if x.Pos() < l.Pos() {
				return fmt.Sprintf("the Put is in a loop and %s is declared outside it, so later iterations use it after the Put", x.Name())
			}
		}
	}
	return ""
}

// poolNewFresh: does the pool's New make an empty value (new(T) or &T{})? "" when it does.
func poolNewFresh(pkg *Package, pool *types.Var, elem types.Type) string {
	info := pkg.Info
	var spec *ast.ValueSpec
	var val ast.Expr
	for _, f := range pkg.Files {
		ast.Inspect(f.AST, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, id := range vs.Names {
					if info.Defs[id] == pool && i < len(vs.Values) {
						spec, val = vs, vs.Values[i]
					}
				}
			}
			return spec == nil
		})
	}
	no := fmt.Sprintf("%s.New does not simply return a new empty %s, so a Get may rely on what was put", pool.Name(), elem)
	lit, ok := unparen(val).(*ast.CompositeLit)
	if spec == nil || !ok {
		return no
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok || !identNamed(kv.Key, "New") {
			continue
		}
		fl, ok := kv.Value.(*ast.FuncLit)
		if !ok || len(fl.Body.List) != 1 {
			return no
		}
		ret, ok := fl.Body.List[0].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			return no
		}
		switch r := unparen(ret.Results[0]).(type) {
		case *ast.CallExpr:
			if isBuiltin(info, r.Fun, "new") && len(r.Args) == 1 && types.Identical(info.TypeOf(r.Args[0]), elem) {
				return ""
			}
		case *ast.UnaryExpr:
			if cl, ok := r.X.(*ast.CompositeLit); ok && r.Op == token.AND && len(cl.Elts) == 0 && types.Identical(info.TypeOf(cl), elem) {
				return ""
			}
		}
		return no
	}
	return no
}
