package main

// return-by-value: a small struct returned by pointer, when every caller copies
// it at once (`s := *summarize(xs)`), is allocated on the heap for nothing.
// Returning it by value keeps it on the stack. Only for unexported funcs, all of
// whose uses are in the package's files (tests included, and files other build
// constraints would select are searched too), each one `*f(…)`.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

const maxFields = 8

func returnByValue(s *site) (*proposal, string) {
	if s.f.Kind != "moved-to-heap" && s.f.Kind != "escapes-to-heap" {
		return nil, ""
	}
	returned := false
	for _, e := range s.f.Explanation {
		if strings.Contains(e.Message, "(return)") {
			returned = true
		}
	}
	fd := s.funcDecl()
	if !returned || fd == nil || fd.Type.Results == nil || len(fd.Type.Results.List) != 1 || len(fd.Type.Results.List[0].Names) > 1 {
		return nil, ""
	}
	for _, n := range s.path {
		if _, ok := n.(*ast.FuncLit); ok {
			return nil, ""
		}
	}
	info := s.pkg.Info
	star, ok := fd.Type.Results.List[0].Type.(*ast.StarExpr)
	if !ok {
		return nil, ""
	}
	named, ok := info.TypeOf(star.X).(*types.Named)
	if !ok || named.Obj().Pkg() != s.pkg.Types {
		return nil, ""
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return nil, ""
	}
	typeName := named.Obj().Name()
	// The subject: `moved to heap: s` (a local) or `&T{…} escapes to heap`.
	var subject *types.Var
	if s.f.Kind == "moved-to-heap" {
		id, ok := s.path[0].(*ast.Ident)
		if !ok {
			return nil, ""
		}
		subject, _ = info.Defs[id].(*types.Var)
		if subject == nil || !types.Identical(subject.Type(), named) {
			return nil, ""
		}
	} else if !strings.HasPrefix(s.f.Subject, "&"+typeName+"{") {
		return nil, ""
	}
	if fd.Recv != nil || ast.IsExported(fd.Name.Name) {
		return nil, fmt.Sprintf("%s is exported or a method, so callers outside this package may rely on the pointer", fd.Name.Name)
	}
	if fd.Type.TypeParams != nil {
		return nil, ""
	}
	if st.NumFields() > maxFields {
		return nil, fmt.Sprintf("%s has %d fields; copying it may cost more than the allocation", typeName, st.NumFields())
	}
	if lock, ok := containsLock(named); ok {
		return nil, fmt.Sprintf("%s holds a %s, which must not be copied (go vet copylocks)", typeName, lock)
	}
	ch := newChanges(s.pkg)
	// Every return hands back the subject's address or a literal's.
	var bad ast.Node
	returns := 0
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok || bad != nil {
			return false
		}
		r, ok := n.(*ast.ReturnStmt)
		if !ok {
			return true
		}
		if len(r.Results) != 1 {
			bad = r
			return false
		}
		u, ok := unparen(r.Results[0]).(*ast.UnaryExpr)
		if !ok || u.Op != token.AND {
			bad = r
			return false
		}
		switch x := unparen(u.X).(type) {
		case *ast.Ident:
			if subject == nil || info.Uses[x] != subject {
				bad = r
				return false
			}
		case *ast.CompositeLit:
			if !types.Identical(info.TypeOf(x), named) {
				bad = r
				return false
			}
		default:
			bad = r
			return false
		}
		ch.replace(u.Pos(), u.X.Pos(), "")
		returns++
		return false
	})
	if bad != nil {
		what := s.text(bad)
		if r := bad.(*ast.ReturnStmt); len(r.Results) == 1 {
			what = s.text(r.Results[0])
		}
		return nil, fmt.Sprintf("%s also returns %s, which has no value form", fd.Name.Name, what)
	}
	if subject != nil {
		// Its address must not be kept by anything but the returns: no other &s, no
		// pointer-receiver method on it, no closure that could outlive the call.
		for _, m := range mutations(info, fd.Body, subject, false) {
			if m.what == "assigns" {
				continue
			}
			if u, ok := m.at.(*ast.UnaryExpr); ok && isReturned(s, u) {
				continue
			}
			return nil, fmt.Sprintf("%s %s %s (line %d), which may keep a pointer to it", fd.Name.Name, m.what, subject.Name(), s.line(m.at.Pos()))
		}
		var inClosure bool
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.FuncLit); ok && len(usesIn(info, lit, subject)) > 0 {
				inClosure = true
			}
			return !inClosure
		})
		if inClosure {
			return nil, fmt.Sprintf("a closure uses %s", subject.Name())
		}
	}
	ch.replace(star.Pos(), star.X.Pos(), "")
	// Every use in the package is a call dereferenced at once.
	fobj := info.Defs[fd.Name]
	callers := 0
	for _, id := range identsOf(s.pkg, fobj) {
		f := s.pkg.fileAt(id.Pos())
		fs := &site{pkg: s.pkg, file: f}
		p := fs.pathTo(id)
		call, ok := p[1].(*ast.CallExpr)
		if !ok || call.Fun != id || len(p) < 3 {
			return nil, fmt.Sprintf("%s is used other than by a call (%s:%d)", fd.Name.Name, baseName(f.Path), s.pkg.Fset.Position(id.Pos()).Line)
		}
		deref, ok := p[2].(*ast.StarExpr)
		if !ok {
			return nil, fmt.Sprintf("%s is used without copying its result at once (%s, line %d)", fd.Name.Name, baseName(f.Path), s.pkg.Fset.Position(id.Pos()).Line)
		}
		ch.replace(deref.Pos(), call.Pos(), "")
		callers++
	}
	for name, src := range s.pkg.Excluded {
		if bytes.Contains(src, []byte(fd.Name.Name)) {
			return nil, fmt.Sprintf("%s, a file built only for other platforms or tags, mentions %s", name, fd.Name.Name)
		}
	}
	for _, f := range s.pkg.Files {
		if bytes.Contains(f.Src, []byte("go:linkname")) && bytes.Contains(f.Src, []byte(fd.Name.Name)) {
			return nil, fmt.Sprintf("%s may be reached by go:linkname", fd.Name.Name)
		}
	}
	_ = returns
	return &proposal{title: fmt.Sprintf("Return %s by value (updates %d %s)", typeName, callers, plural(callers, "caller", "callers")), preferred: true, ch: ch}, ""
}

func isReturned(s *site, u *ast.UnaryExpr) bool {
	p := s.pathTo(u)
	if len(p) < 2 {
		return false
	}
	_, ok := p[1].(*ast.ReturnStmt)
	return ok
}

func baseName(p string) string { return p[strings.LastIndexAny(p, `/\`)+1:] }
