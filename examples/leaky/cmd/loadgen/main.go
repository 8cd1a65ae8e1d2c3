// Command loadgen drives every endpoint of the leaky service at a steady rate,
// like production traffic would:
//
//	go run ./cmd/loadgen -url http://127.0.0.1:6060 -rps 50 -for 1m
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:6060", "base URL of the leaky service")
	rps := flag.Int("rps", 50, "requests per second to each endpoint")
	dur := flag.Duration("for", time.Minute, "how long to run (0: until interrupted)")
	paths := flag.String("paths", "/upload,/login,/thumbnail,/quote,/report", "endpoints to drive")
	lifeline := flag.Bool("lifeline", false, "exit when standard input closes (for tests)")
	flag.Parse()
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
	client := &http.Client{Timeout: 5 * time.Second}
	body := bytes.Repeat([]byte("u"), 24<<10)
	var sent, failed atomic.Int64
	tick := time.NewTicker(time.Second / time.Duration(max(1, *rps)))
	defer tick.Stop()
	var deadline <-chan time.Time
	if *dur > 0 {
		deadline = time.After(*dur)
	}
	report := time.NewTicker(10 * time.Second)
	defer report.Stop()
	for i := 0; ; i++ {
		select {
		case <-deadline:
			fmt.Printf("sent %d requests, %d failed\n", sent.Load(), failed.Load())
			return
		case <-report.C:
			log.Printf("sent %d requests, %d failed", sent.Load(), failed.Load())
		case <-tick.C:
			for _, p := range strings.Split(*paths, ",") {
				go func(p string, i int) {
					var res *http.Response
					var err error
					url := fmt.Sprintf("%s%s?id=%d&user=u%d", strings.TrimSuffix(*base, "/"), p, i, i%100)
					if p == "/upload" {
						res, err = client.Post(url, "application/octet-stream", bytes.NewReader(body))
					} else {
						res, err = client.Get(url)
					}
					sent.Add(1)
					if err != nil {
						failed.Add(1)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}(p, i)
			}
		}
	}
}
