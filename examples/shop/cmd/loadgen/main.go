// Command loadgen drives the catalogue like a busy service would and writes a
// heap profile, so HeapLens has real allocations to show:
//
//	go run ./cmd/loadgen -o heap.pb.gz
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"

	"example.com/shop/catalog"
)

func main() {
	out := flag.String("o", "heap.pb.gz", "where to write the heap profile")
	rounds := flag.Int("rounds", 2000, "how many simulated requests")
	rate := flag.Int("rate", 4096, "runtime.MemProfileRate (1 records every allocation)")
	flag.Parse()
	runtime.MemProfileRate = *rate

	products := make([]catalog.Product, 200)
	for i := range products {
		products[i] = catalog.Product{ID: i, Name: fmt.Sprint("product-", i), Price: 100 + i, Tags: []string{"new", "sale", "gift"}}
	}
	for r := 0; r < *rounds; r++ {
		catalog.Stats(products)
		catalog.IDs(products)
		catalog.ByName(products)
		for _, p := range products[:20] {
			catalog.TagLine(p)
			catalog.Render(p)
		}
		if r%10 == 0 {
			catalog.Notify(products[:8], func(string) {})
			catalog.Header(catalog.ReadBody(64 << 10))
		}
	}
	runtime.GC()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", *out)
}
