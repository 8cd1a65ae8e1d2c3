// Go sources the LSP tests analyse, written to a temp dir with real go.mod files.
import { writeGoModule } from '../helpers/goFixture';

export const escGo = `// Package esc has one allocation of each common kind.
package esc

// Point is a small value.
type Point struct{ X, Y int }

// NewPoint returns the address of a local: it moves to the heap.
func NewPoint(x, y int) *Point {
	p := Point{X: x, Y: y}
	return &p
}

// Sum keeps everything on the stack.
func Sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

var sink any

// Label has multi-byte characters before the finding on its line.
func Label(n int) {
	s := "ünïcödé ✓ 𝄞"; sink = &Point{X: len(s), Y: n}
}
`;

export const escTestGo = `package esc

import "testing"

var keep []*int

func TestSum(t *testing.T) {
	v := 7
	keep = append(keep, &v)
	if Sum([]int{1, 2}) != 3 {
		t.Fatal("sum")
	}
}
`;

export const brokenGo = `package broken

func Broken() int {
	return undefinedThing + 1
}
`;

/** A module with a clean package `esc` (and its test) and a package `broken` that does not compile. */
export function writeEscModule(dirName?: string): string {
  return writeGoModule({ 'esc/esc.go': escGo, 'esc/esc_test.go': escTestGo, 'broken/broken.go': brokenGo },
    { module: 'example.com/lspfix', dirName });
}

/** 0-based line of the first line containing `needle`. */
export function lineContaining(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${needle}`);
  return i;
}

/**
 * A Go file with `n` functions, each with a heap escape, a moved-to-heap local
 * and a leaking parameter: thousands of findings and a compile that takes a while.
 */
export function bigGo(n: number, pkg = 'big'): string {
  const out = [`package ${pkg}`, '', 'type T struct{ A, B int; S string }', '', 'var sink any', ''];
  for (let i = 0; i < n; i++) {
    out.push(`func F${i}(a, b int, s string) *T {
	t := T{A: a, B: b + ${i}, S: s}
	buf := make([]byte, 0, a)
	buf = append(buf, s...)
	sink = buf
	return &t
}
`);
  }
  return out.join('\n');
}
