// Package catalog is a small product catalogue service that allocates the way
// real services do. It is HeapLens's demo and test fixture: every function
// below has an allocation pattern a Go developer meets in production.
package catalog

import (
	"bytes"
	"fmt"
	"sync"
)

// Product is one catalogue entry.
type Product struct {
	ID    int
	Name  string
	Price int // cents
	Tags  []string
}

// Summary is a small value returned by pointer only to be copied by callers.
type Summary struct {
	Count int
	Total int
}

// summarize returns a pointer to a small struct: it moves to the heap.
func summarize(products []Product) *Summary {
	s := Summary{}
	for _, p := range products {
		s.Count++
		s.Total += p.Price
	}
	return &s
}

// Stats copies the summary, so the pointer above buys nothing.
func Stats(products []Product) (int, int) {
	s := *summarize(products)
	return s.Count, s.Total
}

// IDs grows a slice by append in a loop whose length is known.
func IDs(products []Product) []int {
	var ids []int
	for _, p := range products {
		ids = append(ids, p.ID)
	}
	return ids
}

// ByName fills a map without a size hint.
func ByName(products []Product) map[string]*Product {
	index := make(map[string]*Product)
	for i := range products {
		index[products[i].Name] = &products[i]
	}
	return index
}

// TagLine concatenates strings in a loop.
func TagLine(p Product) string {
	line := ""
	for _, t := range p.Tags {
		line += t + ","
	}
	return line
}

// Label formats a single integer through fmt, boxing it in an interface.
func Label(p Product) string {
	return fmt.Sprintf("%d", p.ID)
}

// Render builds a per-request buffer on every call.
func Render(p Product) []byte {
	var buf bytes.Buffer
	buf.WriteString(p.Name)
	buf.WriteString(": ")
	buf.WriteString(Label(p))
	return buf.Bytes()
}

// Notify starts one goroutine per product; the closure captures the loop variable.
func Notify(products []Product, sink func(string)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, p := range products {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			sink(p.Name)
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// registry keeps what header parsing returns for the life of the process.
var registry [][]byte

// Header keeps a small sub-slice of a large request body alive.
func Header(body []byte) []byte {
	h := body[:16]
	registry = append(registry, h)
	return h
}

// ReadBody allocates a large buffer per request.
func ReadBody(size int) []byte {
	return make([]byte, size)
}
