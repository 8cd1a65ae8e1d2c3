package main

// The compiler's finding, as the language server parsed it (server/src/escape/types.ts),
// and where it is in the type-checked syntax.

import (
	"go/ast"
	"go/token"
	"strings"
)

type Finding struct {
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	Kind        string `json:"kind"`
	Message     string `json:"message"`
	Subject     string `json:"subject"`
	Explanation []Step `json:"explanation"`
}

type Step struct {
	Message string `json:"message"`
	Role    string `json:"role"`
	At      *struct {
		Path   string `json:"path"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	} `json:"at"`
}

// site is a finding placed in a package: its file, position and the syntax around it.
type site struct {
	pkg  *Package
	file *File
	pos  token.Pos
	// path from the innermost node containing pos out to the file.
	path     []ast.Node
	f        Finding
	goV      int // minor version of the module's go directive, 0 when unknown
	measured string
}

// posOf turns a 1-based line and byte column into a position in the file.
func posOf(f *File, line, col int) token.Pos {
	if line < 1 || line > f.Tok.LineCount() {
		return token.NoPos
	}
	if col < 1 {
		col = 1
	}
	start := f.Tok.LineStart(line)
	off := f.Tok.Offset(start) + col - 1
	if off > f.Tok.Size() {
		return token.NoPos
	}
	return f.Tok.Pos(off)
}

// enclosing lists the nodes containing pos, innermost first.
func enclosing(root ast.Node, pos token.Pos) []ast.Node {
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		if n.Pos() <= pos && pos < n.End() {
			stack = append(stack, n)
			return true
		}
		return false
	})
	for i, j := 0, len(stack)-1; i < j; i, j = i+1, j-1 {
		stack[i], stack[j] = stack[j], stack[i]
	}
	return stack
}

func (s *site) funcDecl() *ast.FuncDecl {
	for _, n := range s.path {
		if fd, ok := n.(*ast.FuncDecl); ok {
			return fd
		}
	}
	return nil
}

// funcBody is the innermost function (declaration or literal) around the finding.
func (s *site) funcBody() *ast.BlockStmt {
	for _, n := range s.path {
		switch n := n.(type) {
		case *ast.FuncDecl:
			return n.Body
		case *ast.FuncLit:
			return n.Body
		}
	}
	return nil
}

func goMinor(v string) int {
	v = strings.TrimPrefix(v, "go")
	if !strings.HasPrefix(v, "1.") {
		return 0
	}
	n := 0
	for _, c := range v[2:] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func (s *site) text(n ast.Node) string {
	return string(s.file.Src[s.file.Tok.Offset(n.Pos()):s.file.Tok.Offset(n.End())])
}

func (s *site) line(p token.Pos) int { return s.pkg.Fset.Position(p).Line }
