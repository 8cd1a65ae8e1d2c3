package main

// pool-put-pointer: sync.Pool stores `any`; putting a slice (or any non-pointer)
// boxes it, which allocates on every Put. Keeping a pointer to the slice in the
// pool does not:
//   New: func() any { return make([]byte, 0, 64) }  ->  New: func() any { b := make([]byte, 0, 64); return &b }
//   b := pool.Get().([]byte)                         ->  bp := pool.Get().(*[]byte); b := *bp
//   pool.Put(b)                                      ->  *bp = b; pool.Put(bp)
// Only when every use of the pool is visible and of that shape: an unexported
// package-level pool whose New returns the value; in each function, one
// `v := pool.Get().(T)` statement, then Puts (as plain statements, not deferred)
// of values of type T after it in the same function.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

func isSyncPool(t types.Type) bool { return isNamedType(t, "sync", "Pool") }

// poolCall: is call `P.Get()` / `P.Put(x)` on a package-level pool P? The pool and the method name.
func poolCall(info *types.Info, call *ast.CallExpr) (*types.Var, string) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil, ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil, ""
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || !isSyncPool(v.Type()) || (sel.Sel.Name != "Get" && sel.Sel.Name != "Put") {
		return nil, ""
	}
	return v, sel.Sel.Name
}

func poolPutPointer(s *site) (*proposal, string) {
	if s.f.Kind != "escapes-to-heap" {
		return nil, ""
	}
	info := s.pkg.Info
	var put *ast.CallExpr
	for _, n := range s.path {
		if c, ok := n.(*ast.CallExpr); ok {
			put = c
			break
		}
	}
	if put == nil || len(put.Args) != 1 || !(put.Args[0].Pos() <= s.pos && s.pos < put.Args[0].End()) {
		return nil, ""
	}
	pool, method := poolCall(info, put)
	if pool == nil || method != "Put" {
		return nil, ""
	}
	t := info.TypeOf(put.Args[0])
	if _, ok := t.Underlying().(*types.Slice); !ok {
		return nil, "" // pointers, maps, chans and funcs do not allocate when boxed; other values are left alone
	}
	name := pool.Name()
	if pool.Parent() != s.pkg.Types.Scope() || ast.IsExported(name) {
		return nil, fmt.Sprintf("%s is not an unexported package-level pool, so not every Get and Put of it can be seen", name)
	}
	ch := newChanges(s.pkg)
	tt, why := typeText(s, t)
	if why != "" {
		return nil, why
	}
	// The declaration: var P = sync.Pool{New: func() any { return EXPR }}.
	var newRet *ast.ReturnStmt
	var declFile *File
	for _, f := range s.pkg.Files {
		for _, d := range f.AST.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if s.pkg.Info.Defs[n] != pool || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.CompositeLit)
					if !ok {
						return nil, fmt.Sprintf("%s is not declared as a sync.Pool literal", name)
					}
					for _, el := range lit.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if k, _ := kv.Key.(*ast.Ident); ok && k != nil && k.Name == "New" {
							fl, ok := kv.Value.(*ast.FuncLit)
							if ok && len(fl.Body.List) == 1 {
								if r, ok := fl.Body.List[0].(*ast.ReturnStmt); ok && len(r.Results) == 1 && types.Identical(info.TypeOf(r.Results[0]), t) {
									newRet, declFile = r, f
								}
							}
						}
					}
				}
			}
		}
	}
	if newRet == nil {
		return nil, fmt.Sprintf("%s's New does not simply return a %s", name, tt)
	}
	if identNamed(newRet.Results[0], "b") {
		return nil, ""
	}
	_ = declFile
	ch.replace(newRet.Pos(), newRet.End(), fmt.Sprintf("b := %s\nreturn &b", s.text(newRet.Results[0])))
	// Every other use: a Get statement or a Put statement, Gets first in each function.
	type fnUses struct {
		get  *ast.AssignStmt
		v    types.Object
		puts []*ast.CallExpr
	}
	byFn := map[ast.Node]*fnUses{}
	var order []ast.Node
	for _, id := range identsOf(s.pkg, pool) {
		fs := &site{pkg: s.pkg, file: s.pkg.fileAt(id.Pos())}
		p := fs.pathTo(id)
		if len(p) < 4 {
			return nil, fmt.Sprintf("%s is used other than by Get and Put (line %d)", name, s.pkg.Fset.Position(id.Pos()).Line)
		}
		call, ok := p[2].(*ast.CallExpr)
		if !ok || call.Fun != p[1] {
			return nil, fmt.Sprintf("%s is used other than by Get and Put (line %d)", name, s.pkg.Fset.Position(id.Pos()).Line)
		}
		fn := enclosingFunc(p)
		u := byFn[fn]
		if u == nil {
			u = &fnUses{}
			byFn[fn] = u
			order = append(order, fn)
		}
		_, m := poolCall(info, call)
		switch m {
		case "Get":
			ta, ok := p[3].(*ast.TypeAssertExpr)
			var a *ast.AssignStmt
			if ok && len(p) > 4 {
				a, _ = p[4].(*ast.AssignStmt)
			}
			if a == nil || a.Tok != token.DEFINE || len(a.Lhs) != 1 || a.Rhs[0] != ta || !types.Identical(info.TypeOf(ta), t) || u.get != nil {
				return nil, fmt.Sprintf("a Get of %s is not one `v := %s.Get().(%s)` per function (line %d)", name, name, tt, s.pkg.Fset.Position(id.Pos()).Line)
			}
			u.get, u.v = a, info.Defs[a.Lhs[0].(*ast.Ident)]
		case "Put":
			if _, ok := p[3].(*ast.ExprStmt); !ok || len(call.Args) != 1 || !types.Identical(info.TypeOf(call.Args[0]), t) {
				return nil, fmt.Sprintf("a Put of %s is deferred or not a plain statement (line %d)", name, s.pkg.Fset.Position(id.Pos()).Line)
			}
			u.puts = append(u.puts, call)
		default:
			return nil, fmt.Sprintf("%s is used other than by Get and Put (line %d)", name, s.pkg.Fset.Position(id.Pos()).Line)
		}
	}
	for _, fn := range order {
		u := byFn[fn]
		if u.get == nil {
			return nil, fmt.Sprintf("%s is Put in a function that did not Get from it", name)
		}
		vname := u.v.Name()
		pname := vname + "p"
		if sc := innermostScope(s.pkg, s.pkg.fileAt(u.get.Pos()), u.get.Pos()); sc != nil {
			if _, o := sc.LookupParent(pname, u.get.Pos()); o != nil {
				return nil, ""
			}
		}
		for _, n := range identNames(fn) {
			if n == pname {
				return nil, ""
			}
		}
		for _, put := range u.puts {
			if put.Pos() < u.get.End() || !sameFuncLevel(s, u.get, put) {
				return nil, fmt.Sprintf("a Put of %s comes before its Get or in another block of statements", name)
			}
		}
		ta := u.get.Rhs[0].(*ast.TypeAssertExpr)
		ch.replace(u.get.Pos(), u.get.End(), fmt.Sprintf("%s := %s.(*%s)\n%s := *%s", pname, s.textIn(ta.X), tt, vname, pname))
		for _, put := range u.puts {
			ch.replace(put.Pos(), put.End(), fmt.Sprintf("*%s = %s\n%s.Put(%s)", pname, s.textIn(put.Args[0]), name, pname))
		}
	}
	return &proposal{title: fmt.Sprintf("Keep a pointer in %s (*%s), so Put does not allocate", name, tt), preferred: true, ch: ch}, ""
}

// sameFuncLevel: b is not inside a closure that a is outside of.
func sameFuncLevel(s *site, a, b ast.Node) bool {
	fs := &site{pkg: s.pkg, file: s.pkg.fileAt(a.Pos())}
	return enclosingFunc(fs.pathTo(a)) == enclosingFunc((&site{pkg: s.pkg, file: s.pkg.fileAt(b.Pos())}).pathTo(b))
}

func identNamed(n ast.Node, name string) bool {
	for _, x := range identNames(n) {
		if x == name {
			return true
		}
	}
	return false
}

// textIn is the source text of a node of any file of the package.
func (s *site) textIn(n ast.Node) string {
	f := s.pkg.fileAt(n.Pos())
	return string(f.Src[f.Tok.Offset(n.Pos()):f.Tok.Offset(n.End())])
}
