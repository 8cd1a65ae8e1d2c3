// Exact underlines for compiler findings: the compiler reports a finding at one
// position inside an expression (the `(` of a call or conversion, the `{` of a
// composite literal, the `&` of `&T{}`, the dot of a selector, the operator of
// `a + b`); this finds, with go/parser, the expression whose compiler position
// that is and answers its whole extent. Parsing only (no type checking), so it
// costs milliseconds per file and works on files that do not type-check.
//
// Request:  {"id":1,"op":"ranges","rangeFiles":[{"path":"/abs/f.go","text":"…optional unsaved text…",
//
//	"at":[{"line":12,"col":9,"subject":"make([]int, n)"}]}]}
//
// Response: {"id":1,"ranges":[[{"line":12,"col":2,"endLine":12,"endCol":17}, {}]]}
//
//	one list per file, one entry per position, in order; {} where no expression was found.
package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"strings"
)

type rangeFile struct {
	Path string       `json:"path"`
	Text *string      `json:"text,omitempty"`
	At   []rangeQuery `json:"at"`
}

type rangeQuery struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Subject string `json:"subject,omitempty"`
}

// exprRange is 1-based lines and byte columns, the end exclusive; zero when not found.
type exprRange struct {
	Line    int `json:"line,omitempty"`
	Col     int `json:"col,omitempty"`
	EndLine int `json:"endLine,omitempty"`
	EndCol  int `json:"endCol,omitempty"`
}

// maxRangeFileBytes bounds what one file may cost (the server caps files it reads at 16 MiB too).
const maxRangeFileBytes = 16 << 20

func rangesFor(files []rangeFile) [][]exprRange {
	out := make([][]exprRange, len(files))
	for i, f := range files {
		out[i] = fileRanges(f)
	}
	return out
}

func fileRanges(f rangeFile) []exprRange {
	res := make([]exprRange, len(f.At))
	var src []byte
	if f.Text != nil {
		src = []byte(*f.Text)
	} else {
		st, err := os.Stat(f.Path)
		if err != nil || st.Size() > maxRangeFileBytes {
			return res
		}
		if src, err = os.ReadFile(f.Path); err != nil {
			return res
		}
	}
	fset := token.NewFileSet()
	// A file with syntax errors still yields a partial tree; positions in it are still exact.
	file, _ := parser.ParseFile(fset, f.Path, src, parser.SkipObjectResolution)
	if file == nil {
		return res
	}
	tf := fset.File(file.Pos())
	// Wanted offsets, each with the queries at it.
	want := map[int][]int{}
	for i, q := range f.At {
		if off, ok := offsetOf(tf, src, q.Line, q.Col); ok {
			want[off] = append(want[off], i)
		}
	}
	// Candidates per offset: every expression whose compiler position is there, with its parents.
	found := map[int][]ast.Expr{}
	var stack []ast.Node
	parents := map[ast.Expr]ast.Node{}
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if e, ok := n.(ast.Expr); ok {
			if len(stack) > 0 {
				parents[e] = stack[len(stack)-1]
			}
			if p := compilerPos(e, src, tf); p.IsValid() {
				off := tf.Offset(p)
				if _, ok := want[off]; ok {
					found[off] = append(found[off], e)
				}
			}
		}
		stack = append(stack, n)
		return true
	})
	for off, idx := range want {
		cands := found[off]
		for _, i := range idx {
			e := pick(cands, f.At[i].Subject)
			if e == nil {
				continue
			}
			e = widenConversion(e, parents, f.At[i].Subject)
			s, t := fset.Position(e.Pos()), fset.Position(e.End())
			res[i] = exprRange{Line: s.Line, Col: s.Column, EndLine: t.Line, EndCol: t.Column}
		}
	}
	return res
}

// offsetOf turns a 1-based line and byte column into a file offset.
func offsetOf(tf *token.File, src []byte, line, col int) (int, bool) {
	if line < 1 || line > tf.LineCount() || col < 1 {
		return 0, false
	}
	off := tf.Offset(tf.LineStart(line)) + col - 1
	return off, off < len(src)
}

// compilerPos is where cmd/compile's syntax tree puts an expression (see
// cmd/compile/internal/syntax/parser.go): at the operator, bracket or brace
// that makes it, not where its text starts. Types never allocate: no position.
func compilerPos(e ast.Expr, src []byte, tf *token.File) token.Pos {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Pos()
	case *ast.BasicLit:
		return x.Pos()
	case *ast.CompositeLit:
		return x.Lbrace
	case *ast.FuncLit:
		return x.Pos()
	case *ast.CallExpr:
		return x.Lparen
	case *ast.IndexExpr:
		return x.Lbrack
	case *ast.IndexListExpr:
		return x.Lbrack
	case *ast.SliceExpr:
		return x.Lbrack
	case *ast.StarExpr:
		return x.Star
	case *ast.UnaryExpr:
		return x.OpPos
	case *ast.BinaryExpr:
		return x.OpPos
	case *ast.KeyValueExpr:
		return x.Colon
	case *ast.SelectorExpr:
		return dotBefore(x.Sel.Pos(), x.X.End(), src, tf)
	case *ast.TypeAssertExpr:
		return dotBefore(x.Lparen, x.X.End(), src, tf)
	}
	return token.NoPos
}

// dotBefore finds the `.` between the end of an operand and what follows it
// (`x.\n\tSel` puts newlines between them).
func dotBefore(p, min token.Pos, src []byte, tf *token.File) token.Pos {
	for off := tf.Offset(p) - 1; off >= 0 && off >= tf.Offset(min); off-- {
		if src[off] == '.' {
			return tf.Pos(off)
		}
	}
	return token.NoPos
}

// pick chooses among expressions at one compiler position: the outermost, except
// that an identifier the subject names exactly wins (the operand `x` of `x.f`).
func pick(cands []ast.Expr, subject string) ast.Expr {
	if len(cands) == 0 {
		return nil
	}
	for _, c := range cands {
		if id, ok := c.(*ast.Ident); ok && id.Name == subject {
			return c
		}
	}
	// ast.Inspect visits parents first.
	return cands[0]
}

// widenConversion: the compiler reports a conversion (`string(v)`, `any(x)`) at
// its operand when the operand is what is boxed or copied; the subject then names
// the whole conversion, and so does the underline.
func widenConversion(e ast.Expr, parents map[ast.Expr]ast.Node, subject string) ast.Expr {
	call, ok := parents[e].(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || call.Args[0] != e || subject == "" {
		return e
	}
	// The compiler writes a type that is not a name in parentheses: ([]byte)(s).
	fun, sub := compact(types.ExprString(call.Fun)), compact(subject)
	if strings.HasPrefix(sub, fun+"(") || strings.HasPrefix(sub, "("+fun+")(") {
		return call
	}
	return e
}

func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
}
