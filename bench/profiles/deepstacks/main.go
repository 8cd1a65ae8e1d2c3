// Command deepstacks writes a real Go heap profile of the shape that made
// `heaplens top` slow (issue 15): MemProfileRate=1 and 2^bits allocations, each
// from a stack of its own about bits+5 frames deep, so almost every sample has a
// distinct stack. Eight functions call each other along the bits of i (each call
// site is its own return address, so the stack of allocation i spells out i); the
// allocation itself happens in an inlined helper, so leaf locations carry an
// inlined frame as real ones do.
//
//	go run ./bench/profiles/deepstacks -o deep.pb.gz -bits 20
package main

import (
	"flag"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
)

var sink []byte

// buffer is inlined into alloc: the allocation's location has two lines.
func buffer(n int) []byte { return make([]byte, n) }

//go:noinline
func alloc(i int) { sink = buffer(16 + i%61*8) }

func bit(i, d int) bool { return i>>(d-1)&1 != 0 }

//go:noinline
func f0(i, d int) {
	if d == 0 {
		alloc(i)
	} else if bit(i, d) {
		f3(i, d-1)
	} else {
		f1(i, d-1)
	}
}

//go:noinline
func f1(i, d int) {
	if d == 0 {
		alloc(i)
	} else if bit(i, d) {
		f4(i, d-1)
	} else {
		f2(i, d-1)
	}
}

//go:noinline
func f2(i, d int) {
	if d == 0 {
		alloc(i)
	} else if bit(i, d) {
		f5(i, d-1)
	} else {
		f3(i, d-1)
	}
}

//go:noinline
func f3(i, d int) {
	if d == 0 {
		alloc(i)
	} else if bit(i, d) {
		f6(i, d-1)
	} else {
		f4(i, d-1)
	}
}

//go:noinline
func f4(i, d int) {
	if d == 0 {
		alloc(i)
	} else if bit(i, d) {
		f7(i, d-1)
	} else {
		f5(i, d-1)
	}
}

//go:noinline
func f5(i, d int) {
	if d == 0 {
		alloc(i)
	} else if bit(i, d) {
		f0(i, d-1)
	} else {
		f6(i, d-1)
	}
}

//go:noinline
func f6(i, d int) {
	if d == 0 {
		alloc(i)
	} else if bit(i, d) {
		f1(i, d-1)
	} else {
		f7(i, d-1)
	}
}

//go:noinline
func f7(i, d int) {
	if d == 0 {
		alloc(i)
	} else if bit(i, d) {
		f2(i, d-1)
	} else {
		f0(i, d-1)
	}
}

func main() {
	out := flag.String("o", "deep.pb.gz", "output file")
	bits := flag.Int("bits", 20, "2^bits allocations, each with its own stack")
	flag.Parse()
	runtime.MemProfileRate = 1
	for i := 0; i < 1<<*bits; i++ {
		f0(i, *bits)
	}
	runtime.GC()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
