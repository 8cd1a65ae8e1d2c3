package main

// buffer-pool: a bytes.Buffer made on every call of a hot function is allocated
// (and grown) again each time; a sync.Pool next to the function reuses one:
//   var buf bytes.Buffer  ->  buf := renderBuffers.Get().(*bytes.Buffer)
//                             buf.Reset()
//                             defer renderBuffers.Put(buf)
// Only when the buffer provably does not outlive the call: used by methods that
// neither keep nor hand out its memory, passed only as the io.Writer of calls that
// keep nothing, its bytes leaving only as a copy (buf.String(), string(buf.Bytes()),
// bytes.Clone(buf.Bytes())); no closure uses it; not declared inside a loop.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"unicode"
)

var safeBufferMethods = map[string]bool{"Write": true, "WriteString": true, "WriteByte": true, "WriteRune": true, "Len": true, "Cap": true, "Grow": true, "Reset": true, "String": true, "Truncate": true, "ReadFrom": true, "WriteTo": true, "Available": true}

// writerFuncs write to their first io.Writer argument and keep nothing.
var writerFuncs = map[string]bool{"fmt.Fprint": true, "fmt.Fprintf": true, "fmt.Fprintln": true, "io.WriteString": true, "io.Copy": true, "io.CopyN": true, "encoding/binary.Write": true}

func isBytesBuffer(t types.Type) bool { return isNamedType(t, "bytes", "Buffer") }

func bufferPool(s *site) (*proposal, string) {
	info := s.pkg.Info
	fd := s.funcDecl()
	if fd == nil || len(s.path) == 0 {
		return nil, ""
	}
	var obj *types.Var
	var decl ast.Stmt
	pointer := false
	switch s.f.Kind {
	case "moved-to-heap":
		id, ok := s.path[0].(*ast.Ident)
		if !ok {
			return nil, ""
		}
		obj, _ = info.Defs[id].(*types.Var)
		if obj == nil || !isBytesBuffer(obj.Type()) {
			return nil, ""
		}
		if len(s.path) > 3 {
			vs, ok1 := s.path[1].(*ast.ValueSpec)
			d, ok2 := s.path[3].(*ast.DeclStmt)
			if ok1 && ok2 && len(d.Decl.(*ast.GenDecl).Specs) == 1 && len(vs.Values) == 0 && len(vs.Names) == 1 {
				decl = d
			}
		}
	case "escapes-to-heap":
		// buf := new(bytes.Buffer) / buf := &bytes.Buffer{}
		for _, n := range s.path {
			if a, ok := n.(*ast.AssignStmt); ok {
				if a.Tok == token.DEFINE && len(a.Lhs) == 1 && len(a.Rhs) == 1 && isNewBuffer(info, a.Rhs[0]) {
					if id, ok := a.Lhs[0].(*ast.Ident); ok {
						obj, _ = info.Defs[id].(*types.Var)
						decl, pointer = a, true
					}
				}
				break
			}
		}
	}
	if obj == nil || decl == nil {
		return nil, ""
	}
	name := obj.Name()
	for _, n := range s.pathTo(decl)[1:] {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return nil, fmt.Sprintf("%s is made inside a loop; a deferred Put would keep every iteration's buffer until the function returns", name)
		case *ast.FuncLit:
			return nil, ""
		}
	}
	ch := newChanges(s.pkg)
	for _, u := range usesIn(info, fd.Body, obj) {
		p := s.pathTo(u)
		for _, n := range p {
			if _, ok := n.(*ast.FuncLit); ok {
				return nil, fmt.Sprintf("a closure uses %s and could outlive the call", name)
			}
		}
		if sel, ok := p[1].(*ast.SelectorExpr); ok && sel.X == u {
			m := sel.Sel.Name
			if safeBufferMethods[m] {
				continue
			}
			if m == "Bytes" && len(p) > 3 && copiesBytes(info, p[3], p[2]) {
				continue
			}
			if m == "Bytes" {
				return nil, fmt.Sprintf("%s.Bytes() hands out the buffer's memory; returning it to a pool would let the next caller overwrite it", name)
			}
			return nil, fmt.Sprintf("%s.%s may keep or hand out the buffer (line %d)", name, m, s.line(u.Pos()))
		}
		arg := ast.Node(u)
		k := 1
		if !pointer {
			if un, ok := p[1].(*ast.UnaryExpr); ok && un.Op == token.AND {
				arg, k = un, 2
			} else {
				return nil, fmt.Sprintf("%s is used in a way that may keep it (line %d); returning it to a pool would let the next caller overwrite it", name, s.line(u.Pos()))
			}
		}
		if call, ok := p[k].(*ast.CallExpr); ok && len(call.Args) > 0 && call.Args[0] == arg && writerFuncs[calleeName(info, call)] {
			if !pointer {
				ch.replace(arg.Pos(), u.Pos(), "")
			}
			continue
		}
		return nil, fmt.Sprintf("%s is used in a way that may keep it (line %d); returning it to a pool would let the next caller overwrite it", name, s.line(u.Pos()))
	}
	f := s.file
	bytesName, why := ch.importName(f, "bytes", fd.Pos())
	if why != "" {
		return nil, why
	}
	syncName, why := ch.importName(f, "sync", fd.Pos())
	if why != "" {
		return nil, why
	}
	pool := poolName(s, fd)
	ch.replace(decl.Pos(), decl.End(), fmt.Sprintf("%s := %s.Get().(*%s.Buffer)\n%s.Reset()\ndefer %s.Put(%s)", name, pool, bytesName, name, pool, name))
	anyT := "interface{}"
	if s.goV >= 18 {
		anyT = "any"
	}
	at := fd.Pos()
	if fd.Doc != nil {
		at = fd.Doc.Pos()
	}
	ch.insert(at, fmt.Sprintf("// %s reuses %s's buffers between calls.\nvar %s = %s.Pool{New: func() %s { return new(%s.Buffer) }}\n\n", pool, fd.Name.Name, pool, syncName, anyT, bytesName))
	title := fmt.Sprintf("Reuse %s through a sync.Pool", name)
	if s.measured != "" {
		title += fmt.Sprintf(" (%s on this line)", s.measured)
	}
	return &proposal{title: title, preferred: s.measured != "", ch: ch}, ""
}

func isNewBuffer(info *types.Info, e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.CallExpr:
		return isBuiltin(info, x.Fun, "new") && len(x.Args) == 1 && isBytesBuffer(info.TypeOf(x.Args[0]))
	case *ast.UnaryExpr:
		if lit, ok := x.X.(*ast.CompositeLit); ok && x.Op == token.AND && len(lit.Elts) == 0 {
			return isBytesBuffer(info.TypeOf(lit))
		}
	}
	return false
}

// copiesBytes: is `inner` (buf.Bytes()) the argument of a call that copies it
// (string(…), bytes.Clone(…), append([]byte(nil), …...))?
func copiesBytes(info *types.Info, outer ast.Node, inner ast.Node) bool {
	call, ok := outer.(*ast.CallExpr)
	if !ok {
		return false
	}
	if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
		if b, ok := tv.Type.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
			return true
		}
	}
	if calleeName(info, call) == "bytes.Clone" {
		return true
	}
	if isBuiltin(info, call.Fun, "append") && len(call.Args) == 2 && call.Args[1] == inner && call.Ellipsis.IsValid() {
		if tv, ok := info.Types[call.Args[0]]; ok && tv.IsNil() {
			return true
		}
		if conv, ok := call.Args[0].(*ast.CallExpr); ok && len(conv.Args) == 1 {
			if tv, ok := info.Types[conv.Args[0]]; ok && tv.IsNil() {
				return true
			}
		}
	}
	return false
}

// calleeName is "pkgpath.Func" for a call of a package-level function.
func calleeName(info *types.Info, call *ast.CallExpr) string {
	var id *ast.Ident
	switch f := unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return ""
	}
	fn, ok := info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Type().(*types.Signature).Recv() != nil {
		return ""
	}
	return fn.Pkg().Path() + "." + fn.Name()
}

func poolName(s *site, fd *ast.FuncDecl) string {
	recv := ""
	if fd.Recv != nil && len(fd.Recv.List) == 1 {
		t := fd.Recv.List[0].Type
		if st, ok := t.(*ast.StarExpr); ok {
			t = st.X
		}
		if ix, ok := t.(*ast.IndexExpr); ok {
			t = ix.X
		}
		if id, ok := t.(*ast.Ident); ok {
			recv = id.Name
		}
	}
	base := lowerFirst(recv + upperFirst(fd.Name.Name) + "Buffers")
	name := base
	for i := 2; nameTaken(s.pkg, name); i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	return name
}

func nameTaken(pkg *Package, name string) bool {
	if pkg.Types.Scope().Lookup(name) != nil {
		return true
	}
	for id := range pkg.Info.Defs {
		if id.Name == name {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToLower(r)) + s[i+len(string(r)):]
	}
	return s
}

func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
