package main

// builder-grow: a strings.Builder or bytes.Buffer written in a loop over a
// slice of strings (or byte slices) whose total length is known before the
// loop: each element and constant text, every iteration. One length-summing
// pass and one Grow replace the doublings (as strings.Join does).

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"strings"
	"unicode/utf8"
)

func lintBuilderGrow(s *site) []lintHit {
	info := s.pkg.Info
	var hits []lintHit
	funcBodies(s.file.AST, func(body *ast.BlockStmt) {
		ast.Inspect(body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			r, ok := n.(*ast.RangeStmt)
			if !ok {
				return true
			}
			if h, ok := growHit(s, body, r); ok {
				_ = info
				hits = append(hits, h)
			}
			return true
		})
	})
	return hits
}

// growHit: is r a loop over []string / [][]byte that only writes its element
// and constants into one local builder?
func growHit(s *site, fnBody *ast.BlockStmt, r *ast.RangeStmt) (lintHit, bool) {
	info := s.pkg.Info
	var elemIsBytes bool
	switch t := info.TypeOf(r.X).Underlying().(type) {
	case *types.Slice:
		elemIsBytes = isByteSlice(t.Elem())
		if !elemIsBytes && !isString(t.Elem()) {
			return lintHit{}, false
		}
	case *types.Array:
		elemIsBytes = isByteSlice(t.Elem())
		if !elemIsBytes && !isString(t.Elem()) {
			return lintHit{}, false
		}
	default:
		return lintHit{}, false
	}
	val, ok := r.Value.(*ast.Ident)
	if !ok || val.Name == "_" || len(r.Body.List) == 0 {
		return lintHit{}, false
	}
	vobj := info.Defs[val]
	var b *types.Var
	elems, fixed := 0, 0
	for _, st := range r.Body.List {
		es, ok := st.(*ast.ExprStmt)
		if !ok {
			return lintHit{}, false
		}
		call, ok := es.X.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return lintHit{}, false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return lintHit{}, false
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok {
			return lintHit{}, false
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || (b != nil && v != b) {
			return lintHit{}, false
		}
		b = v
		arg := call.Args[0]
		isElem := false
		if aid, ok := arg.(*ast.Ident); ok && info.Uses[aid] == vobj {
			isElem = true
		}
		tv := info.Types[arg]
		switch sel.Sel.Name {
		case "WriteString":
			if isElem && !elemIsBytes {
				elems++
			} else if tv.Value != nil && tv.Value.Kind() == constant.String {
				fixed += len(constant.StringVal(tv.Value))
			} else {
				return lintHit{}, false
			}
		case "Write":
			if !isElem || !elemIsBytes {
				return lintHit{}, false
			}
			elems++
		case "WriteByte":
			if tv.Value == nil {
				return lintHit{}, false
			}
			fixed++
		case "WriteRune":
			if tv.Value == nil {
				return lintHit{}, false
			}
			c, ok := constant.Int64Val(tv.Value)
			if !ok {
				return lintHit{}, false
			}
			fixed += utf8.RuneLen(rune(c))
		default:
			return lintHit{}, false
		}
	}
	perIter := fixed
	if b == nil || elems == 0 {
		return lintHit{}, false
	}
	// A local strings.Builder or bytes.Buffer value (a pointer could be nil, and Grow would panic where the empty loop did not).
	if b.Parent() == s.pkg.Types.Scope() || b.Pos() < fnBody.Pos() || b.Pos() > fnBody.End() || (!isStringsBuilder(b.Type()) && !isBytesBuffer(b.Type())) {
		return lintHit{}, false
	}
	// Already grown somewhere in the function: leave it.
	grown := false
	ast.Inspect(fnBody, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Grow" {
			if id, ok := sel.X.(*ast.Ident); ok && info.Uses[id] == b {
				grown = true
			}
		}
		return !grown
	})
	if grown || exits(r.Body) != nil {
		return lintHit{}, false
	}
	xs := types.ExprString(r.X)
	h := lintHit{at: r, message: fmt.Sprintf("%s grows several times in this loop; its final size is known before it (the lengths of %s): Grow it once", b.Name(), xs)}
	list, idx := stmtIndex(enclosing(fnBody, r.Pos()), r)
	if idx < 0 {
		h.refusals = []string{"the loop is not a statement of a block (labelled or in a case), so there is nowhere to put the length pass"}
		return h, true
	}
	// Constant writes right after the loop (a closing newline) are part of the final size too.
	for _, st := range list[idx+1:] {
		n, ok := constWrite(info, st, b)
		if !ok {
			break
		}
		fixed += n
	}
	if rootVar(info, r.X) == nil {
		h.refusals = []string{fmt.Sprintf("%s is not a variable or field, so it cannot be ranged over twice with the same result", xs)}
		return h, true
	}
	size := b.Name() + "Len"
	if sc := innermostScope(s.pkg, s.file, r.Pos()); sc == nil {
		return lintHit{}, false
	} else if _, o := sc.LookupParent(size, r.Pos()); o != nil || identNamed(fnBody, size) {
		h.refusals = []string{fmt.Sprintf("the name %s is taken in this function", size)}
		return h, true
	}
	terms := make([]string, 0, elems+1)
	for i := 0; i < elems; i++ {
		terms = append(terms, fmt.Sprintf("len(%s)", val.Name))
	}
	if perIter > 0 {
		terms = append(terms, fmt.Sprint(perIter))
	}
	grow := size
	if fixed > perIter {
		grow = fmt.Sprintf("%s + %d", size, fixed-perIter)
	}
	ch := newChanges(s.pkg)
	ch.insert(r.Pos(), fmt.Sprintf("%s := 0\nfor _, %s := range %s {\n%s += %s\n}\n%s.Grow(%s)\n",
		size, val.Name, s.text(r.X), size, strings.Join(terms, " + "), b.Name(), grow))
	h.fix = &proposal{title: fmt.Sprintf("Grow %s once to the total length of %s", b.Name(), xs), preferred: true, ch: ch}
	return h, true
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

func isByteSlice(t types.Type) bool {
	sl, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := sl.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// constWrite: is st `b.WriteString("…")`, `b.WriteByte(c)` or `b.WriteRune(r)` of a constant? Its length.
func constWrite(info *types.Info, st ast.Stmt, b *types.Var) (int, bool) {
	es, ok := st.(*ast.ExprStmt)
	if !ok {
		return 0, false
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return 0, false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return 0, false
	}
	if id, ok := sel.X.(*ast.Ident); !ok || info.Uses[id] != b {
		return 0, false
	}
	tv := info.Types[call.Args[0]]
	if tv.Value == nil {
		return 0, false
	}
	switch sel.Sel.Name {
	case "WriteString":
		if tv.Value.Kind() == constant.String {
			return len(constant.StringVal(tv.Value)), true
		}
	case "WriteByte":
		return 1, true
	case "WriteRune":
		if c, ok := constant.Int64Val(tv.Value); ok {
			return utf8.RuneLen(rune(c)), true
		}
	}
	return 0, false
}
