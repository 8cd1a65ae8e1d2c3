// Command leaky is a small HTTP service with the classic memory leaks of
// production Go services, each behind a flag, for HeapLens's heap watch:
//
//	go run . -leak all            # serves on 127.0.0.1:6060, pprof at /debug/pprof/
//	GOEXPERIMENT=goroutineleakprofile go run . -leak all   # Go 1.26: also /debug/pprof/goroutineleak
//	go run ./cmd/loadgen          # in another terminal: drives every endpoint
//	heaplens watch http://127.0.0.1:6060/debug/pprof/ --every 5s --for 1m
//
// Without -leak the same endpoints do the same work and keep nothing.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // the profiles the watch reads; on 127.0.0.1 only
	"os"
	"runtime"
	"strings"
)

// Which leaks are on; set once from -leak before serving.
var leaks = map[string]bool{}

func main() {
	addr := flag.String("addr", "127.0.0.1:6060", "listen address (keep it on 127.0.0.1: pprof shows the program's internals)")
	leakList := flag.String("leak", "", "comma-separated leaks to plant: buffers, sessions, thumbnails, goroutines, or all")
	rate := flag.Int("memprofilerate", 0, "runtime.MemProfileRate (0 keeps Go's default of one sample per 512 KiB)")
	lifeline := flag.Bool("lifeline", false, "exit when standard input closes (for tests that start the service)")
	flag.Parse()
	if *rate > 0 {
		runtime.MemProfileRate = *rate
	}
	for _, l := range strings.Split(*leakList, ",") {
		switch l = strings.TrimSpace(l); l {
		case "":
		case "all":
			for _, k := range []string{"buffers", "sessions", "thumbnails", "goroutines"} {
				leaks[k] = true
			}
		case "buffers", "sessions", "thumbnails", "goroutines":
			leaks[l] = true
		default:
			log.Fatalf("unknown leak %q (buffers, sessions, thumbnails, goroutines, all)", l)
		}
	}
	http.HandleFunc("/upload", upload)
	http.HandleFunc("/login", login)
	http.HandleFunc("/thumbnail", thumbnail)
	http.HandleFunc("/quote", quote)
	http.HandleFunc("/report", report)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *lifeline {
		go func() {
			r := bufio.NewReader(os.Stdin)
			for {
				if _, err := r.ReadByte(); err != nil {
					os.Exit(0)
				}
			}
		}()
	}
	// The first line of output is the address, for scripts and tests.
	fmt.Printf("listening on http://%s/ (pprof at http://%s/debug/pprof/)\n", ln.Addr(), ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}
