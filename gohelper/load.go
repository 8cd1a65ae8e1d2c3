package main

// Loading a package: its files parsed (open editor buffers win over disk), its
// imports read from the export data the go command already built
// (`go list -export -deps -test`), and everything type-checked by go/types.
// A warm request only hashes the files: the checked package is cached by content.

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Package is one type-checked package: its files (with tests of the same
// package) and the facts the fixes need.
type Package struct {
	Dir   string
	Fset  *token.FileSet
	Files []*File
	Types *types.Package
	Info  *types.Info
	// Excluded holds the package's files that the build constraints leave out
	// (other platforms, tags): a fix that must see every use refuses when they mention a name.
	Excluded  map[string][]byte
	exports   *exportSet
	verifyImp types.Importer
	// answers already computed for this content, by request (a code action asked again).
	answers map[string]findingFixes
	// Broken is why the package did not type-check, if it did not.
	Broken string
}

type File struct {
	Path string
	Src  []byte
	AST  *ast.File
	Tok  *token.File
}

func (p *Package) fileOf(path string) *File {
	for _, f := range p.Files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

func (p *Package) fileAt(pos token.Pos) *File {
	for _, f := range p.Files {
		if f.Tok.Base() <= int(pos) && int(pos) <= f.Tok.Base()+f.Tok.Size() {
			return f
		}
	}
	return nil
}

type loader struct {
	goBin string
	// exports per directory: import path -> export data file, and the imports it covered.
	exports map[string]*exportSet
	// last checked package per directory, by content hash.
	checked map[string]*cachedPkg
}

type exportSet struct {
	files   map[string]string
	imports string
}

type cachedPkg struct {
	hash [32]byte
	pkg  *Package
}

func newLoader(goBin string) *loader {
	return &loader{goBin: goBin, exports: map[string]*exportSet{}, checked: map[string]*cachedPkg{}}
}

const listTimeout = 2 * time.Minute

func (l *loader) load(dir string, overlay map[string]string, tags []string) (*Package, error) {
	if dir == "" || !filepath.IsAbs(dir) {
		return nil, errors.New("dir must be an absolute path")
	}
	ctxt := build.Default
	ctxt.BuildTags = append(ctxt.BuildTags, tags...)
	bp, err := ctxt.ImportDir(dir, build.ImportComment)
	if err != nil {
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil, fmt.Errorf("no Go files in %s", dir)
		}
		if bp == nil || len(bp.GoFiles)+len(bp.TestGoFiles) == 0 {
			return nil, err
		}
	}
	names := append(append(append([]string{}, bp.GoFiles...), bp.CgoFiles...), bp.TestGoFiles...)
	sort.Strings(names)
	h := sha256.New()
	srcs := make([][]byte, len(names))
	for i, n := range names {
		p := filepath.Join(dir, n)
		if text, ok := overlay[p]; ok {
			srcs[i] = []byte(text)
		} else if srcs[i], err = readCapped(p); err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(srcs[i]))
		h.Write(srcs[i])
	}
	fmt.Fprintf(h, "tags:%s", strings.Join(tags, ","))
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	if c := l.checked[dir]; c != nil && c.hash == sum {
		return c.pkg, nil
	}

	pkg := &Package{Dir: dir, Fset: token.NewFileSet(), Excluded: map[string][]byte{}, answers: map[string]findingFixes{}}
	imports := map[string]bool{}
	for i, n := range names {
		p := filepath.Join(dir, n)
		f, err := parser.ParseFile(pkg.Fset, p, srcs[i], parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("%s does not parse: %v", n, firstError(err))
		}
		pkg.Files = append(pkg.Files, &File{Path: p, Src: srcs[i], AST: f, Tok: pkg.Fset.File(f.Pos())})
		for _, s := range f.Imports {
			imports[strings.Trim(s.Path.Value, "`\"")] = true
		}
	}
	for _, n := range bp.IgnoredGoFiles {
		if b, err := readCapped(filepath.Join(dir, n)); err == nil {
			pkg.Excluded[n] = b
		}
	}
	exp, err := l.exportsFor(dir, imports, tags)
	if err != nil {
		return nil, err
	}
	pkg.exports = exp
	var typeErrs []string
	conf := types.Config{
		Importer:    pkg.importer(pkg.Fset),
		FakeImportC: true,
		Error: func(err error) {
			if len(typeErrs) < 3 {
				typeErrs = append(typeErrs, err.Error())
			}
		},
	}
	pkg.Info = &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Scopes:     map[ast.Node]*types.Scope{},
		Implicits:  map[ast.Node]types.Object{},
	}
	asts := make([]*ast.File, len(pkg.Files))
	for i, f := range pkg.Files {
		asts[i] = f.AST
	}
	pkg.Types, _ = conf.Check(bp.ImportPath, pkg.Fset, asts, pkg.Info)
	if len(typeErrs) > 0 {
		pkg.Broken = "the package does not type-check (" + typeErrs[0] + ")"
	}
	l.checked[dir] = &cachedPkg{hash: sum, pkg: pkg}
	return pkg, nil
}

// exportsFor runs `go list -export` once per directory and again only when the
// package imports something it has not covered yet.
func (l *loader) exportsFor(dir string, imports map[string]bool, tags []string) (*exportSet, error) {
	keys := make([]string, 0, len(imports))
	for k := range imports {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	key := strings.Join(keys, "\n") + "\ntags:" + strings.Join(tags, ",")
	if e := l.exports[dir]; e != nil && e.imports == key {
		return e, nil
	}
	e := &exportSet{files: map[string]string{}, imports: key}
	tagArgs := []string{}
	if len(tags) > 0 {
		tagArgs = append(tagArgs, "-tags="+strings.Join(tags, ","))
	}
	// The package with its tests' dependencies, then the packages a fix may add
	// an import of (so the edited package can be checked too).
	if err := l.list(dir, e, append(append([]string{"-test"}, tagArgs...), ".")); err != nil {
		return nil, err
	}
	if err := l.list(dir, e, []string{"bytes", "strconv", "strings", "sync"}); err != nil {
		return nil, err
	}
	l.exports[dir] = e
	return e, nil
}

func (l *loader) list(dir string, e *exportSet, extra []string) error {
	args := append([]string{"list", "-e", "-export", "-deps", "-json=ImportPath,Export"}, extra...)
	cmd := exec.Command(l.goBin, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &capped{w: &stdout, n: 64 << 20}
	cmd.Stderr = &capped{w: &stderr, n: 1 << 20}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run %s list: %v", l.goBin, err)
	}
	timer := time.AfterFunc(listTimeout, func() { _ = cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	if err != nil && stdout.Len() == 0 {
		return fmt.Errorf("go list -export failed: %s", strings.TrimSpace(firstLines(stderr.String(), 3)))
	}
	dec := json.NewDecoder(&stdout)
	for {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); err != nil {
			break
		}
		path := p.ImportPath
		// Test variants ("p [q.test]") stand in for p only when p itself is absent.
		if i := strings.Index(path, " ["); i >= 0 {
			path = path[:i]
			if _, ok := e.files[path]; ok {
				continue
			}
		}
		if _, ok := e.files[path]; !ok && p.Export != "" {
			e.files[path] = p.Export
		}
	}
	return nil
}

type capped struct {
	w io.Writer
	n int
}

func (c *capped) Write(b []byte) (int, error) {
	if c.n <= 0 {
		return len(b), nil
	}
	k := len(b)
	if k > c.n {
		k = c.n
	}
	c.n -= k
	_, err := c.w.Write(b[:k])
	return len(b), err
}

const maxFile = 8 << 20

func readCapped(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFile {
		return nil, fmt.Errorf("%s is over %d MiB", filepath.Base(p), maxFile>>20)
	}
	return os.ReadFile(p)
}

func firstError(err error) error {
	if el, ok := err.(scanner.ErrorList); ok && len(el) > 0 {
		return el[0]
	}
	return err
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// importer reads the dependencies' export data (for a file set of its own).
func (p *Package) importer(fset *token.FileSet) types.Importer {
	exp := p.exports
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if f, ok := exp.files[path]; ok && f != "" {
			return os.Open(f)
		}
		return nil, fmt.Errorf("no export data for %q", path)
	})
}
