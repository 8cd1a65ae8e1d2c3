package main

// Every fix runs on a finding placed in the type-checked package. A generator
// returns a fix, a refusal (the shape matched but the change is not provably
// safe: the Explain page says why), or neither (the shape does not match).

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
)

type generator struct {
	id  string
	run func(s *site) (*proposal, string)
}

// proposal is a fix before its splices become edits.
type proposal struct {
	title     string
	preferred bool
	ch        *changes
}

var generators = []generator{
	{"prealloc-slice", preallocSlice},
	{"map-size-hint", mapSizeHint},
	{"string-builder", stringBuilder},
	{"strconv", strconvFormat},
	{"loop-var-copy", loopVarCopy},
	{"closure-arg", closureArg},
	{"return-by-value", returnByValue},
	{"buffer-pool", bufferPool},
	{"pool-put-pointer", poolPutPointer},
	{"clone-subslice", cloneSubslice},
}

func fixesFor(pkg *Package, fr findingRequest, goVersion string) (out findingFixes) {
	out.Key = fr.Key
	out.Fixes, out.Refusals = []Fix{}, []string{}
	f := pkg.fileOf(fr.Finding.Path)
	if f == nil {
		out.Refusals = append(out.Refusals, "the file is not part of the package as type-checked here (an external test package, or left out by build constraints)")
		return out
	}
	if pkg.Broken != "" {
		out.Refusals = append(out.Refusals, pkg.Broken)
		return out
	}
	pos := posOf(f, fr.Finding.Line, fr.Finding.Column)
	if !pos.IsValid() {
		return out
	}
	s := &site{pkg: pkg, file: f, pos: pos, path: enclosing(f.AST, pos), f: fr.Finding, goV: goMinor(goVersion), measured: fr.Measured}
	for _, g := range generators {
		func() {
			defer func() {
				if r := recover(); r != nil {
					out.Errors = append(out.Errors, fmt.Sprintf("%s: %v", g.id, r))
				}
			}()
			p, why := g.run(s)
			if why != "" {
				if !contains(out.Refusals, why) {
					out.Refusals = append(out.Refusals, why)
				}
				return
			}
			if p == nil {
				return
			}
			texts, edits, err := p.ch.result()
			if err == nil {
				err = typeChecks(pkg, texts)
			}
			if err != nil {
				out.Errors = append(out.Errors, fmt.Sprintf("%s: %v", g.id, err))
				return
			}
			out.Fixes = append(out.Fixes, Fix{ID: g.id, Title: p.title, Edits: edits, IsPreferred: p.preferred})
		}()
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ---- facts about variables, found with go/types ----

// objOf is the variable an identifier declares or uses.
func objOf(info *types.Info, id *ast.Ident) types.Object {
	if o := info.Defs[id]; o != nil {
		return o
	}
	return info.Uses[id]
}

// identsOf lists every use (not the declaration) of obj in the package.
func identsOf(pkg *Package, obj types.Object) []*ast.Ident {
	var out []*ast.Ident
	for id, o := range pkg.Info.Uses {
		if o == obj {
			out = append(out, id)
		}
	}
	return out
}

// usesIn lists the uses of obj inside n.
func usesIn(info *types.Info, n ast.Node, obj types.Object) []*ast.Ident {
	var out []*ast.Ident
	ast.Inspect(n, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && info.Uses[id] == obj {
			out = append(out, id)
		}
		return true
	})
	return out
}

// storageRoot follows e through parentheses, value field selections and array
// indexing to the variable whose own memory e is part of; nil when e reaches
// memory through a pointer, slice or map (or is not a variable at all).
func storageRoot(info *types.Info, e ast.Expr) types.Object {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			if v, ok := objOf(info, x).(*types.Var); ok {
				return v
			}
			return nil
		case *ast.SelectorExpr:
			sel := info.Selections[x]
			if sel == nil || sel.Kind() != types.FieldVal || sel.Indirect() {
				return nil
			}
			if _, ptr := info.TypeOf(x.X).Underlying().(*types.Pointer); ptr {
				return nil
			}
			e = x.X
		case *ast.IndexExpr:
			if _, arr := info.TypeOf(x.X).Underlying().(*types.Array); !arr {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

// mutation finds, inside n, a change to obj's own memory: an assignment or
// ++/-- to it (or a part of it), its address taken, or a pointer-receiver
// method called on it (which takes its address). Returns what it found.
func mutation(info *types.Info, n ast.Node, obj types.Object) (ast.Node, string) {
	all := mutations(info, n, obj, true)
	if len(all) == 0 {
		return nil, ""
	}
	return all[0].at, all[0].what
}

type mutationSite struct {
	at   ast.Node
	what string
}

func mutations(info *types.Info, n ast.Node, obj types.Object, firstOnly bool) []mutationSite {
	var out []mutationSite
	var at ast.Node
	var what string
	hit := func(e ast.Expr) bool { return storageRoot(info, e) == obj }
	ast.Inspect(n, func(x ast.Node) bool {
		if at != nil {
			out = append(out, mutationSite{at, what})
			at = nil
			if firstOnly {
				return false
			}
		}
		if firstOnly && len(out) > 0 {
			return false
		}
		switch x := x.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok && x.Tok == token.DEFINE && info.Defs[id] != nil {
					continue
				}
				if hit(l) {
					at, what = x, "assigns"
				}
			}
		case *ast.IncDecStmt:
			if hit(x.X) {
				at, what = x, "assigns"
			}
		case *ast.RangeStmt:
			if x.Tok == token.ASSIGN && ((x.Key != nil && hit(x.Key)) || (x.Value != nil && hit(x.Value))) {
				at, what = x, "assigns"
			}
		case *ast.UnaryExpr:
			if x.Op == token.AND && hit(x.X) {
				at, what = x, "takes the address of"
			}
		case *ast.SelectorExpr:
			if sel := info.Selections[x]; sel != nil && sel.Kind() == types.MethodVal {
				if _, ptrRecv := sel.Obj().(*types.Func).Type().(*types.Signature).Recv().Type().(*types.Pointer); ptrRecv {
					if _, isPtr := info.TypeOf(x.X).Underlying().(*types.Pointer); !isPtr && hit(x.X) {
						at, what = x, "calls a pointer-receiver method on"
					}
				}
			}
		}
		return true
	})
	if at != nil && (!firstOnly || len(out) == 0) {
		out = append(out, mutationSite{at, what})
	}
	return out
}

// containsLock reports whether copying a value of type t copies a lock, as
// `go vet`'s copylocks sees it: a type whose pointer has Lock and Unlock
// (sync.Mutex, sync.WaitGroup's noCopy, atomic values), in a field or array element.
func containsLock(t types.Type) (string, bool) {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) (string, bool)
	walk = func(t types.Type) (string, bool) {
		if seen[t] {
			return "", false
		}
		seen[t] = true
		if _, ok := t.(*types.Named); ok {
			ms := types.NewMethodSet(types.NewPointer(t))
			if ms.Lookup(nil, "Lock") != nil && ms.Lookup(nil, "Unlock") != nil {
				if n := t.(*types.Named); n.Obj().Pkg() != nil {
					return n.Obj().Pkg().Name() + "." + n.Obj().Name(), true
				}
				return t.String(), true
			}
		}
		switch u := t.Underlying().(type) {
		case *types.Struct:
			for i := 0; i < u.NumFields(); i++ {
				if name, ok := walk(u.Field(i).Type()); ok {
					return name, true
				}
			}
		case *types.Array:
			return walk(u.Elem())
		}
		return "", false
	}
	return walk(t)
}

// block statement lists: the list and index holding stmt, if any.
func stmtIndex(path []ast.Node, stmt ast.Stmt) ([]ast.Stmt, int) {
	for _, n := range path {
		var list []ast.Stmt
		switch b := n.(type) {
		case *ast.BlockStmt:
			list = b.List
		case *ast.CaseClause:
			list = b.Body
		case *ast.CommClause:
			list = b.Body
		default:
			continue
		}
		for i, x := range list {
			if x == stmt {
				return list, i
			}
			if l, ok := x.(*ast.LabeledStmt); ok && l.Stmt == stmt {
				return list, i
			}
		}
	}
	return nil, -1
}

// loopAround is the innermost for/range loop around the path's start, and the
// statement of its body that holds the start (nil when it is not directly in the body).
func loopAround(path []ast.Node) (loop ast.Stmt, body *ast.BlockStmt, top ast.Stmt) {
	var prev, prev2 ast.Node
	for _, n := range path {
		switch l := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return nil, nil, nil
		case *ast.RangeStmt:
			if prev == l.Body {
				top, _ = prev2.(ast.Stmt)
				return l, l.Body, top
			}
		case *ast.ForStmt:
			if prev == l.Body {
				top, _ = prev2.(ast.Stmt)
				return l, l.Body, top
			}
		}
		prev2, prev = prev, n
	}
	return nil, nil, nil
}

// exits reports a statement in the loop body that can end an iteration or the
// loop early (break, continue, goto, return), outside nested functions and
// outside the nested loops/switches an unlabeled break or continue belongs to.
func exits(body *ast.BlockStmt) ast.Node {
	var found ast.Node
	var walk func(n ast.Node, inLoop, inSwitch bool)
	walk = func(n ast.Node, inLoop, inSwitch bool) {
		ast.Inspect(n, func(x ast.Node) bool {
			if found != nil || x == nil || x == n {
				return found == nil
			}
			switch x := x.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				walk(x, true, inSwitch)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(x, inLoop, true)
				return false
			case *ast.ReturnStmt:
				found = x
			case *ast.BranchStmt:
				switch {
				case x.Label != nil || x.Tok == token.GOTO:
					found = x
				case x.Tok == token.BREAK && !inLoop && !inSwitch:
					found = x
				case x.Tok == token.CONTINUE && !inLoop:
					found = x
				}
			}
			return found == nil
		})
	}
	walk(body, false, false)
	return found
}

// lengthOf is what `len(...)` the loop's iteration count is, when it is exactly
// that: `for … range X` over a slice, array, map or string (a string ranges at
// most len(X) times), or `for i := 0; i < len(X); i++` with i unchanged in the body.
func lengthOf(info *types.Info, loop ast.Stmt) ast.Expr {
	switch l := loop.(type) {
	case *ast.RangeStmt:
		t := info.TypeOf(l.X)
		if t == nil {
			return nil
		}
		u := t.Underlying()
		if p, ok := u.(*types.Pointer); ok {
			if _, arr := p.Elem().Underlying().(*types.Array); arr {
				return l.X
			}
			return nil
		}
		switch u := u.(type) {
		case *types.Slice, *types.Array, *types.Map:
			return l.X
		case *types.Basic:
			if u.Info()&types.IsString != 0 {
				return l.X
			}
		}
	case *ast.ForStmt:
		init, ok := l.Init.(*ast.AssignStmt)
		if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
			return nil
		}
		i, ok := init.Lhs[0].(*ast.Ident)
		zero, ok2 := init.Rhs[0].(*ast.BasicLit)
		if !ok || !ok2 || zero.Value != "0" {
			return nil
		}
		iv := info.Defs[i]
		cond, ok := l.Cond.(*ast.BinaryExpr)
		if !ok || cond.Op != token.LSS {
			return nil
		}
		if ci, ok := cond.X.(*ast.Ident); !ok || info.Uses[ci] != iv {
			return nil
		}
		call, ok := cond.Y.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 || !isBuiltin(info, call.Fun, "len") {
			return nil
		}
		post, ok := l.Post.(*ast.IncDecStmt)
		if !ok || post.Tok != token.INC {
			return nil
		}
		if pi, ok := post.X.(*ast.Ident); !ok || info.Uses[pi] != iv {
			return nil
		}
		if at, _ := mutation(info, l.Body, iv); at != nil {
			return nil
		}
		if root := rootVar(info, call.Args[0]); root == nil {
			return nil
		} else if at, _ := mutation(info, l.Body, root); at != nil {
			return nil
		}
		return call.Args[0]
	}
	return nil
}

// isNamedType: is t the named type pkgPath.name (not a pointer to it)?
func isNamedType(t types.Type, pkgPath, name string) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkgPath && n.Obj().Name() == name
}

func isBuiltin(info *types.Info, fun ast.Expr, name string) bool {
	id, ok := unparen(fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

// rootVar is the variable at the root of a chain of identifiers and field
// selectors (x, x.f, x.f.g), or nil for anything else (calls, indexing).
func rootVar(info *types.Info, e ast.Expr) *types.Var {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			v, _ := info.Uses[x].(*types.Var)
			return v
		case *ast.SelectorExpr:
			if sel := info.Selections[x]; sel == nil || sel.Kind() != types.FieldVal {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

// throughPointer: does evaluating the chain dereference a pointer (and so may panic on nil)?
func throughPointer(info *types.Info, e ast.Expr) bool {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.SelectorExpr:
			if sel := info.Selections[x]; sel != nil && sel.Indirect() {
				return true
			}
			if _, ok := info.TypeOf(x.X).Underlying().(*types.Pointer); ok {
				return true
			}
			e = x.X
		default:
			return false
		}
	}
}

// movable: can `len(x)` be evaluated at statement index `from` of list instead of
// at the loop (index `to`) with the same value and no new panic? x's root is
// declared before, nothing in between assigns it or takes its address, and a chain
// through a pointer needs the loop to follow at once.
func movable(info *types.Info, x ast.Expr, list []ast.Stmt, from, to int, fnBody ast.Node) string {
	root := rootVar(info, x)
	if root == nil {
		return "the loop's length is not a plain variable or field"
	}
	if root.Pos() >= list[from].Pos() && root.Parent() != nil && root.Parent() != root.Pkg().Scope() {
		return fmt.Sprintf("%s is declared after the place where the size would be given", root.Name())
	}
	for _, st := range list[from+1 : to] {
		if at, _ := mutation(info, st, root); at != nil {
			return fmt.Sprintf("%s changes between there and the loop", root.Name())
		}
		if throughPointer(info, x) {
			return "the length is read through a pointer, and statements between the declaration and the loop may depend on it being set"
		}
	}
	if fnBody != nil {
		if at, what := mutation(info, fnBody, root); at != nil && what == "takes the address of" {
			return fmt.Sprintf("the address of %s is taken, so it may change out of sight", root.Name())
		}
	}
	return ""
}

func exprString(s *site, e ast.Node) string { return s.text(e) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

var _ = strings.TrimSpace

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// typeChecks type-checks the package again with the edited texts: a fix that
// does not compile is a bug in HeapLens, never something to offer.
func typeChecks(pkg *Package, texts map[string][]byte) error {
	// The package's own file set and importer: export data is read once per package.
	fset := pkg.Fset
	var files []*ast.File
	for _, f := range pkg.Files {
		src := f.Src
		if t, ok := texts[f.Path]; ok {
			src = t
		}
		af, err := parser.ParseFile(fset, f.Path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, af)
	}
	var first error
	if pkg.verifyImp == nil {
		pkg.verifyImp = pkg.importer(fset)
	}
	conf := types.Config{Importer: pkg.verifyImp, FakeImportC: true, Error: func(err error) {
		if first == nil {
			first = err
		}
	}}
	_, _ = conf.Check(pkg.Types.Path(), fset, files, nil)
	if first != nil {
		return fmt.Errorf("the edited package does not type-check: %v", first)
	}
	return nil
}
