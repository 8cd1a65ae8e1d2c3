package main

// Edits: a fix describes its change as byte splices in the package's files;
// here they are applied, the whole file is run through go/format (so the
// result is gofmt-clean however the splice was spaced, and imports are
// sorted), and the difference to the original is sent back as line-sized LSP
// text edits.

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

type Fix struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Edits       []Edit `json:"edits"`
	IsPreferred bool   `json:"isPreferred"`
}

type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

type Edit struct {
	Path    string `json:"path"`
	Range   Range  `json:"range"`
	NewText string `json:"newText"`
}

type splice struct {
	from, to int
	text     string
}

// changes collects splices per file.
type changes struct {
	pkg   *Package
	files []*File
	by    map[*File][]splice
}

func newChanges(pkg *Package) *changes { return &changes{pkg: pkg, by: map[*File][]splice{}} }

func (c *changes) replace(from, to token.Pos, text string) {
	f := c.pkg.fileAt(from)
	if f == nil {
		panic("edit outside the package's files")
	}
	if _, ok := c.by[f]; !ok {
		c.files = append(c.files, f)
	}
	c.by[f] = append(c.by[f], splice{f.Tok.Offset(from), f.Tok.Offset(to), text})
}

func (c *changes) insert(at token.Pos, text string) { c.replace(at, at, text) }

func (c *changes) delete(n ast.Node) { c.replace(n.Pos(), n.End(), "") }

// result applies and formats every file's splices: the new texts, and the LSP edits.
func (c *changes) result() (map[string][]byte, []Edit, error) {
	texts := map[string][]byte{}
	var edits []Edit
	for _, f := range c.files {
		ss := c.by[f]
		sort.SliceStable(ss, func(i, j int) bool { return ss[i].from < ss[j].from })
		var b bytes.Buffer
		last := 0
		for _, s := range ss {
			if s.from < last {
				return nil, nil, errors.New("overlapping edits")
			}
			b.Write(f.Src[last:s.from])
			b.WriteString(s.text)
			last = s.to
		}
		b.Write(f.Src[last:])
		out := b.Bytes()
		formatted, err := format.Source(out)
		if err != nil {
			return nil, nil, fmt.Errorf("the edited %s does not parse: %v", f.Path, err)
		}
		// A file that was not gofmt-clean is not reformatted as a side effect.
		if isFormatted(f) {
			out = formatted
		}
		texts[f.Path] = out
		edits = append(edits, lineEdits(f.Path, f.Src, out)...)
	}
	return texts, edits, nil
}

var formattedCache = map[[32]byte]bool{}

func isFormatted(f *File) bool {
	key := sha256.Sum256(f.Src)
	if v, ok := formattedCache[key]; ok {
		return v
	}
	out, err := format.Source(f.Src)
	v := err == nil && bytes.Equal(out, f.Src)
	formattedCache[key] = v
	return v
}

// lineEdits turns old -> new into edits of whole lines (common lines kept, an LCS
// over the changed middle when it is small).
func lineEdits(path string, old, new []byte) []Edit {
	a := splitLines(old)
	b := splitLines(new)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	type hunk struct{ a0, a1, b0, b1 int }
	var hunks []hunk
	if len(am)*len(bm) <= 250000 {
		// LCS table over the middle.
		n, m := len(am), len(bm)
		t := make([][]int32, n+1)
		for i := range t {
			t[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if am[i] == bm[j] {
					t[i][j] = t[i+1][j+1] + 1
				} else if t[i+1][j] >= t[i][j+1] {
					t[i][j] = t[i+1][j]
				} else {
					t[i][j] = t[i][j+1]
				}
			}
		}
		i, j := 0, 0
		cur := hunk{-1, -1, -1, -1}
		flush := func() {
			if cur.a0 >= 0 {
				hunks = append(hunks, cur)
				cur = hunk{-1, -1, -1, -1}
			}
		}
		for i < n || j < m {
			if i < n && j < m && am[i] == bm[j] {
				flush()
				i++
				j++
				continue
			}
			if cur.a0 < 0 {
				cur = hunk{i, i, j, j}
			}
			if j < m && (i == n || t[i][j+1] >= t[i+1][j]) {
				j++
				cur.b1 = j
			} else {
				i++
				cur.a1 = i
			}
		}
		flush()
	} else {
		hunks = []hunk{{0, len(am), 0, len(bm)}}
	}
	lm := newLineMap(old)
	var edits []Edit
	offsetOfLine := func(k int) int { // byte offset of line k of a (k may be len(a))
		off := 0
		for _, l := range a[:k] {
			off += len(l)
		}
		return off
	}
	for _, h := range hunks {
		if h.a1 < h.a0 {
			h.a1 = h.a0
		}
		if h.b1 < h.b0 {
			h.b1 = h.b0
		}
		from := offsetOfLine(pre + h.a0)
		to := offsetOfLine(pre + h.a1)
		edits = append(edits, Edit{Path: path, Range: Range{lm.pos(from), lm.pos(to)}, NewText: strings.Join(bm[h.b0:h.b1], "")})
	}
	return edits
}

func splitLines(b []byte) []string {
	s := strings.SplitAfter(string(b), "\n")
	if len(s) > 0 && s[len(s)-1] == "" {
		s = s[:len(s)-1]
	}
	return s
}

// lineMap converts byte offsets to LSP positions (0-based line, UTF-16 column).
type lineMap struct {
	src    []byte
	starts []int
}

func newLineMap(src []byte) *lineMap {
	m := &lineMap{src: src, starts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			m.starts = append(m.starts, i+1)
		}
	}
	return m
}

func (m *lineMap) pos(off int) Position {
	line := sort.Search(len(m.starts), func(i int) bool { return m.starts[i] > off }) - 1
	col := 0
	for s := m.src[m.starts[line]:off]; len(s) > 0; {
		r, n := utf8.DecodeRune(s)
		s = s[n:]
		if r >= 0x10000 {
			col += 2
		} else {
			col++
		}
	}
	return Position{line, col}
}

// importName is the name under which `path` can be used at pos in file f,
// adding the import when the file lacks it; "" and a reason when the name is taken.
func (c *changes) importName(f *File, path string, pos token.Pos) (string, string) {
	for _, spec := range f.AST.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		if p != path {
			continue
		}
		if spec.Name == nil {
			name := path[strings.LastIndex(path, "/")+1:]
			return name, c.nameFree(f, name, pos, path)
		}
		if spec.Name.Name != "_" && spec.Name.Name != "." {
			return spec.Name.Name, c.nameFree(f, spec.Name.Name, pos, path)
		}
	}
	name := path[strings.LastIndex(path, "/")+1:]
	if why := c.nameFree(f, name, pos, path); why != "" {
		return "", why
	}
	for _, fs := range c.pkg.Files {
		if fs != f && fs.AST.Name.Name == f.AST.Name.Name {
			_ = fs
		}
	}
	var decl *ast.GenDecl
	for _, d := range f.AST.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			decl = g
			break
		}
	}
	switch {
	case decl != nil && decl.Lparen.IsValid():
		c.insert(decl.Lparen+1, "\n\t"+strconv.Quote(path))
	case decl != nil:
		c.insert(decl.End(), "\nimport "+strconv.Quote(path))
	default:
		c.insert(f.AST.Name.End(), "\n\nimport "+strconv.Quote(path))
	}
	return name, ""
}

// nameFree: is `name` free (or already the package `path`) at pos?
func (c *changes) nameFree(f *File, name string, pos token.Pos, path string) string {
	scope := innermostScope(c.pkg, f, pos)
	if scope == nil {
		return ""
	}
	if _, obj := scope.LookupParent(name, pos); obj != nil {
		if pn, ok := obj.(*types.PkgName); ok && pn.Imported().Path() == path {
			return ""
		}
		return fmt.Sprintf("the name %s already means something else here, so package %s cannot be used under it", name, path)
	}
	return ""
}

func innermostScope(pkg *Package, f *File, pos token.Pos) *types.Scope {
	fileScope := pkg.Info.Scopes[f.AST]
	if fileScope == nil {
		return nil
	}
	return fileScope.Innermost(pos)
}

// dropImport removes the import of `path` from f.
func (c *changes) dropImport(f *File, path string) {
	for _, d := range f.AST.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			continue
		}
		for _, spec := range g.Specs {
			is := spec.(*ast.ImportSpec)
			if p, _ := strconv.Unquote(is.Path.Value); p != path {
				continue
			}
			if len(g.Specs) == 1 {
				c.delete(g)
			} else {
				c.delete(is)
			}
			return
		}
	}
}
