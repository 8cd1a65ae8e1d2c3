package main

// The "outline" op: what `heaplens check` and the editor's assertions need to know
// about Go files, read with Go's own parser and scanner: each top-level function
// (qualified name, the lines of its doc comment, signature and body, its body's
// tokens for matching a renamed function) and each line comment (where, and whether
// code precedes it on its line, so a directive knows which line it is about).
//
// Request:  {"id":1,"op":"outline","files":[{"path":"/abs/f.go","text":"package p..."}]}
// Response: {"id":1,"outlines":[{"path":"/abs/f.go","funcs":[...],"comments":[...]}]}

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

type outlineFile struct {
	Path string `json:"path"`
	Text string `json:"text"`
}

type fileOutline struct {
	Path     string        `json:"path"`
	Funcs    []funcOutline `json:"funcs"`
	Comments []lineComment `json:"comments"`
	// Error is the first syntax error; what parsed before it is still outlined.
	Error string `json:"error,omitempty"`
}

type funcOutline struct {
	// Name is `F`, `(*T).M` or `T.M` (type parameters dropped).
	Name string `json:"name"`
	// Lines are 1-based: the `func` keyword, the doc comment's first line (or Line),
	// the body's opening and closing braces.
	Line     int      `json:"line"`
	DocLine  int      `json:"docLine"`
	BodyLine int      `json:"bodyLine"`
	EndLine  int      `json:"endLine"`
	Tokens   []string `json:"tokens"`
}

type lineComment struct {
	Line int `json:"line"`
	// Column is 0-based, in UTF-16 code units (LSP positions).
	Column    int    `json:"column"`
	Text      string `json:"text"`
	AfterCode bool   `json:"afterCode"`
}

func outlineAll(files []outlineFile) []fileOutline {
	out := make([]fileOutline, 0, len(files))
	for _, f := range files {
		out = append(out, outline(f.Path, f.Text))
	}
	return out
}

func outline(path, text string) fileOutline {
	res := fileOutline{Path: path, Funcs: []funcOutline{}, Comments: []lineComment{}}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, text, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		res.Error = err.Error()
	}
	if file != nil {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			// A declaration without a body (implemented in assembly) holds no code.
			if !ok || fd.Body == nil {
				continue
			}
			line := fset.Position(fd.Type.Func).Line
			doc := line
			if fd.Doc != nil {
				doc = fset.Position(fd.Doc.Pos()).Line
			}
			res.Funcs = append(res.Funcs, funcOutline{
				Name:     outlineName(fd),
				Line:     line,
				DocLine:  doc,
				BodyLine: fset.Position(fd.Body.Lbrace).Line,
				EndLine:  fset.Position(fd.Body.Rbrace).Line,
				Tokens:   bodyTokens(text, fset.Position(fd.Body.Lbrace).Offset, fset.Position(fd.Body.Rbrace).Offset+1),
			})
		}
	}
	res.Comments = lineComments(text)
	return res
}

func outlineName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := false
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = true, s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	name := "?"
	if id, ok := t.(*ast.Ident); ok {
		name = id.Name
	}
	if star {
		return "(*" + name + ")." + fd.Name.Name
	}
	return name + "." + fd.Name.Name
}

// bodyTokens are the tokens of text[from:to]: identifiers and numbers as written,
// operators, and string and rune literals as their quote alone (their contents do
// not make two functions alike). Comments and inserted semicolons are left out.
func bodyTokens(text string, from, to int) []string {
	toks := []string{}
	if from < 0 || to > len(text) || from >= to {
		return toks
	}
	src := []byte(text[from:to])
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile("", -1, len(src)), src, func(token.Position, string) {}, 0)
	for {
		_, tok, lit := s.Scan()
		switch {
		case tok == token.EOF:
			return toks
		case tok == token.SEMICOLON && lit == "\n":
		case tok == token.STRING || tok == token.CHAR:
			toks = append(toks, lit[:1])
		case tok.IsLiteral():
			toks = append(toks, lit)
		default:
			toks = append(toks, tok.String())
		}
	}
}

// lineComments lists every `//` comment and whether code precedes it on its line
// (a multi-line raw string ending on that line counts as code there).
func lineComments(text string) []lineComment {
	out := []lineComment{}
	src := []byte(text)
	fset := token.NewFileSet()
	tf := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(tf, src, func(token.Position, string) {}, scanner.ScanComments)
	codeLine := 0
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		p := tf.Position(pos)
		if tok == token.COMMENT {
			if strings.HasPrefix(lit, "//") {
				out = append(out, lineComment{Line: p.Line, Column: utf16Column(text, p.Offset-(p.Column-1), p.Offset), Text: lit, AfterCode: codeLine == p.Line})
			}
			continue
		}
		end := p.Offset + len(lit)
		if lit == "" {
			end = p.Offset + len(tok.String())
		}
		if end > len(src) {
			end = len(src)
		}
		codeLine = tf.Position(tf.Pos(end)).Line
	}
}

func utf16Column(text string, lineStart, offset int) int {
	n := 0
	for _, r := range text[lineStart:offset] {
		if r == utf8.RuneError {
			n++
			continue
		}
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}
