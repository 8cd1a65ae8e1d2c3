package main

// strconv: fmt boxes every argument in an interface, which moves it to the heap;
// formatting one integer or joining strings needs no fmt at all:
//   fmt.Sprintf("%d", n)       ->  strconv.Itoa(n)
//   fmt.Sprintf("%s-%d", a, b) ->  a + "-" + strconv.FormatInt(b, 10)
// Only for %s, %d and %% with arguments whose types fmt formats without
// calling a method (no Format, String or Error), so the output is the same.

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

func strconvFormat(s *site) (*proposal, string) {
	if s.f.Kind != "escapes-to-heap" {
		return nil, ""
	}
	info := s.pkg.Info
	var call *ast.CallExpr
	var fn string
	for _, n := range s.path {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			continue
		}
		if name := fmtFunc(info, c.Fun); name == "Sprintf" || name == "Sprint" {
			// The finding must be one of the call's arguments.
			for _, a := range c.Args {
				if a.Pos() <= s.pos && s.pos < a.End() {
					call, fn = c, name
				}
			}
			if call != nil {
				break
			}
		}
	}
	if call == nil {
		for _, e := range s.f.Explanation {
			if strings.Contains(e.Message, "fmt.Sprint") {
				return nil, "the fmt call is in a function the compiler inlined here; the fix belongs where that call is written (its own finding offers it)"
			}
		}
		return nil, ""
	}
	if call.Ellipsis.IsValid() {
		return nil, ""
	}
	type piece struct {
		lit  string
		arg  ast.Expr
		verb byte
	}
	var pieces []piece
	if fn == "Sprintf" {
		if len(call.Args) == 0 {
			return nil, ""
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return nil, ""
		}
		format, err := strconv.Unquote(lit.Value)
		if err != nil {
			return nil, ""
		}
		argi := 1
		text := ""
		for i := 0; i < len(format); i++ {
			if format[i] != '%' {
				text += format[i : i+1]
				continue
			}
			if i+1 >= len(format) {
				return nil, ""
			}
			i++
			switch v := format[i]; v {
			case '%':
				text += "%"
			case 's', 'd':
				if text != "" {
					pieces = append(pieces, piece{lit: text})
					text = ""
				}
				if argi >= len(call.Args) {
					return nil, ""
				}
				pieces = append(pieces, piece{arg: call.Args[argi], verb: v})
				argi++
			default:
				return nil, ""
			}
		}
		if text != "" {
			pieces = append(pieces, piece{lit: text})
		}
		if argi != len(call.Args) {
			return nil, ""
		}
	} else {
		for _, a := range call.Args {
			pieces = append(pieces, piece{arg: a, verb: 'v'})
		}
	}
	if len(pieces) == 0 {
		return nil, ""
	}
	ch := newChanges(s.pkg)
	var parts []string
	kinds := []bool{} // true: formatted by strconv
	for _, p := range pieces {
		if p.arg == nil {
			parts = append(parts, strconv.Quote(p.lit))
			kinds = append(kinds, false)
			continue
		}
		tv := info.Types[p.arg]
		t := tv.Type
		if t == nil {
			return nil, ""
		}
		if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			t = types.Default(t)
		}
		if m := fmtMethod(t); m != "" {
			return nil, fmt.Sprintf("%s has a %s method, which fmt calls; strconv would not", s.text(p.arg), m)
		}
		b, ok := t.Underlying().(*types.Basic)
		if !ok {
			if p.verb == 'v' {
				return nil, ""
			}
			return nil, fmt.Sprintf("%s is a %s, formatted with %%%c", s.text(p.arg), types.TypeString(t, nil), p.verb)
		}
		named := !types.Identical(t, types.Typ[b.Kind()])
		arg := s.text(p.arg)
		switch {
		case b.Info()&types.IsString != 0:
			if p.verb == 'd' {
				return nil, fmt.Sprintf("%s is a %s, formatted with %%d", arg, types.TypeString(t, nil))
			}
			if named {
				arg = "string(" + arg + ")"
			} else if needsParens(p.arg) {
				arg = "(" + arg + ")"
			}
			parts = append(parts, arg)
			kinds = append(kinds, false)
		case b.Info()&types.IsInteger != 0:
			if p.verb == 's' {
				return nil, fmt.Sprintf("%s is a %s, formatted with %%s", arg, types.TypeString(t, nil))
			}
			sc, why := ch.importName(s.file, "strconv", call.Pos())
			if why != "" {
				return nil, why
			}
			unsigned := b.Info()&types.IsUnsigned != 0
			switch {
			case b.Kind() == types.Int && !named:
				parts = append(parts, fmt.Sprintf("%s.Itoa(%s)", sc, arg))
			case b.Kind() == types.Int:
				parts = append(parts, fmt.Sprintf("%s.Itoa(int(%s))", sc, arg))
			case b.Kind() == types.Int64 && !named:
				parts = append(parts, fmt.Sprintf("%s.FormatInt(%s, 10)", sc, arg))
			case b.Kind() == types.Uint64 && !named:
				parts = append(parts, fmt.Sprintf("%s.FormatUint(%s, 10)", sc, arg))
			case unsigned:
				parts = append(parts, fmt.Sprintf("%s.FormatUint(uint64(%s), 10)", sc, arg))
			default:
				parts = append(parts, fmt.Sprintf("%s.FormatInt(int64(%s), 10)", sc, arg))
			}
			kinds = append(kinds, true)
		default:
			if p.verb == 'v' {
				return nil, ""
			}
			return nil, fmt.Sprintf("%s is a %s, formatted with %%%c", arg, types.TypeString(t, nil), p.verb)
		}
	}
	// Sprint puts a space between operands when neither is a string.
	if fn == "Sprint" {
		for i := 1; i < len(kinds); i++ {
			if kinds[i] && kinds[i-1] {
				return nil, ""
			}
		}
	}
	repl := strings.Join(parts, " + ")
	if len(parts) > 1 && len(s.path) > 0 && needsParensAround(s.pathTo(call)) {
		repl = "(" + repl + ")"
	}
	ch.replace(call.Pos(), call.End(), repl)
	// Drop the fmt import when this was its last use in the file.
	others := 0
	for id, o := range info.Uses {
		if pn, ok := o.(*types.PkgName); ok && pn.Imported().Path() == "fmt" && s.file.Tok.Base() <= int(id.Pos()) && int(id.Pos()) <= s.file.Tok.Base()+s.file.Tok.Size() {
			if id.Pos() < call.Pos() || id.Pos() >= call.End() {
				others++
			}
		}
	}
	if others == 0 {
		ch.dropImport(s.file, "fmt")
	}
	what := "concatenation"
	if len(parts) == 1 && kinds[0] {
		what = parts[0][:strings.Index(parts[0], "(")]
	}
	format := "…"
	if fn == "Sprintf" {
		format = s.text(call.Args[0]) + ", …"
	}
	return &proposal{title: fmt.Sprintf("Replace fmt.%s(%s) with %s", fn, format, what), preferred: true, ch: ch}, ""
}

func fmtFunc(info *types.Info, fun ast.Expr) string {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	f, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok || f.Pkg() == nil || f.Pkg().Path() != "fmt" {
		return ""
	}
	return f.Name()
}

// fmtMethod: the method fmt would call on a value of type t instead of printing it plainly.
func fmtMethod(t types.Type) string {
	ms := types.NewMethodSet(t)
	for _, m := range []string{"Format", "Error", "String", "GoString"} {
		if ms.Lookup(nil, m) != nil {
			return m
		}
		// A pointer method is not called on a value stored in an interface.
	}
	return ""
}

// needsParens: a string argument that would bind differently inside a + chain.
func needsParens(e ast.Expr) bool {
	switch e.(type) {
	case *ast.Ident, *ast.BasicLit, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr, *ast.SliceExpr, *ast.ParenExpr, *ast.CompositeLit:
		return false
	case *ast.BinaryExpr:
		return false // only + yields a string, and + is associative on strings
	}
	return true
}

// needsParensAround: the call sits where a + chain would bind to its neighbours
// (x[i], x.f, x[:n] on the result).
func needsParensAround(path []ast.Node) bool {
	if len(path) < 2 {
		return false
	}
	switch p := path[1].(type) {
	case *ast.SelectorExpr, *ast.IndexExpr, *ast.SliceExpr, *ast.TypeAssertExpr, *ast.StarExpr, *ast.UnaryExpr:
		return true
	case *ast.CallExpr:
		return p.Fun == path[0]
	}
	return false
}

var _ = constant.String
