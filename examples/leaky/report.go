package main

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// report allocates a lot on every request and keeps none of it: a busy handler,
// not a leak. A heap watch should rank it as load, never as a leak suspect.
func report(w http.ResponseWriter, r *http.Request) {
	rows := make([]string, 0, 64)
	for i := 0; i < 2000; i++ {
		rows = append(rows, fmt.Sprintf("row %06d %s", (i*7919)%10007, strings.Repeat("x", i%32)))
	}
	sort.Strings(rows)
	scratch := make([]byte, 512<<10) // busy: report
	n := copy(scratch, strings.Join(rows, "\n"))
	fmt.Fprintf(w, "report: %d rows, %d bytes\n", len(rows), n)
}
