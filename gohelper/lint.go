package main

// Memory lints: shapes the compiler says nothing about (a delete loop does not
// allocate; a builder that grows in a loop is not an escape), found with go/ast
// and go/types over the package's own (non-test) files. Each is a finding of
// its own kind; its fix is made and proven like the escape fixes: formatted by
// go/format, and the edited package type-checked again before it is offered.
//
// Request:  {"id":2,"op":"lint","dir":"/abs/pkg","goVersion":"1.21","overlay":{...}}
// Response: {"id":2,"lints":[{"id":"clear-map","path":...,"range":...,"message":...,"fixes":[...],"refusals":[...]}]}

import (
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/token"
	"strings"
)

type Lint struct {
	ID       string   `json:"id"`
	Path     string   `json:"path"`
	Range    Range    `json:"range"`
	Message  string   `json:"message"`
	Fixes    []Fix    `json:"fixes"`
	Refusals []string `json:"refusals"`
	Errors   []string `json:"errors,omitempty"`
}

// lintHit is one finding of a lint pass before its proposals become edits.
type lintHit struct {
	at       ast.Node
	message  string
	fix      *proposal // nil when refused (refusals say why)
	refusals []string
}

type linter struct {
	id  string
	run func(s *site) []lintHit
}

var linters = []linter{
	{"clear-map", lintClearMap},
	{"remake-map", lintRemakeMap},
	{"pool-put-reset", lintPoolReset},
	{"builder-grow", lintBuilderGrow},
}

func lintPackage(pkg *Package, goVersion string) []Lint {
	out := []Lint{}
	if pkg.Broken != "" {
		return out
	}
	for _, f := range pkg.Files {
		if strings.HasSuffix(f.Path, "_test.go") || ast.IsGenerated(f.AST) {
			continue
		}
		goV := goMinor(goVersion)
		if fv := fileGoVersion(f.AST); fv > 0 && fv < goV {
			goV = fv // a //go:build go1.N line sets the file's language version
		}
		lines := newLineMap(f.Src)
		for _, l := range linters {
			s := &site{pkg: pkg, file: f, pos: f.AST.Pos(), path: []ast.Node{f.AST}, goV: goV}
			var hits []lintHit
			var crash string
			func() {
				defer func() {
					if r := recover(); r != nil {
						crash = fmt.Sprintf("%s: %v", l.id, r)
					}
				}()
				hits = l.run(s)
			}()
			if crash != "" {
				out = append(out, Lint{ID: l.id, Path: f.Path, Errors: []string{crash}, Fixes: []Fix{}, Refusals: []string{}})
				continue
			}
			for _, h := range hits {
				lt := Lint{ID: l.id, Path: f.Path, Message: h.message, Fixes: []Fix{}, Refusals: h.refusals,
					Range: Range{lines.pos(f.Tok.Offset(h.at.Pos())), lines.pos(f.Tok.Offset(lintEnd(h.at)))}}
				if lt.Refusals == nil {
					lt.Refusals = []string{}
				}
				if h.fix != nil {
					texts, edits, err := h.fix.ch.result()
					if err == nil {
						err = typeChecks(pkg, texts)
					}
					if err != nil {
						lt.Errors = append(lt.Errors, fmt.Sprintf("%s: %v", l.id, err))
					} else {
						lt.Fixes = append(lt.Fixes, Fix{ID: l.id, Title: h.fix.title, Edits: edits, IsPreferred: h.fix.preferred})
					}
				}
				out = append(out, lt)
			}
		}
	}
	return out
}

// lintEnd keeps a diagnostic on one line: a loop is marked by its header.
func lintEnd(n ast.Node) token.Pos {
	switch x := n.(type) {
	case *ast.RangeStmt:
		return x.Body.Lbrace
	case *ast.ForStmt:
		return x.Body.Lbrace
	}
	return n.End()
}

// funcBodies calls fn for every function body in the file with the path to it.
func funcBodies(f *ast.File, fn func(body *ast.BlockStmt)) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncDecl:
			if x.Body != nil {
				fn(x.Body)
			}
		case *ast.FuncLit:
			fn(x.Body)
		}
		return true
	})
}

// siteAt is a site for a node of the lint's file (the path the fix helpers use).
func siteAt(s *site, n ast.Node) *site {
	return &site{pkg: s.pkg, file: s.file, pos: n.Pos(), path: enclosing(s.file.AST, n.Pos()), goV: s.goV}
}

// hasLinkname: a go:linkname anywhere in the package lets other packages reach its names.
func hasLinkname(pkg *Package) bool {
	for _, f := range pkg.Files {
		for _, cg := range f.AST.Comments {
			for _, c := range cg.List {
				if strings.HasPrefix(c.Text, "//go:linkname") {
					return true
				}
			}
		}
	}
	return false
}

// fileGoVersion is the minor version a file's //go:build line requires, 0 when none.
func fileGoVersion(f *ast.File) int {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			if e, err := constraint.Parse(c.Text); err == nil {
				return goMinor(constraint.GoVersion(e))
			}
		}
	}
	return 0
}
