// Command gohelper computes HeapLens quick fixes with Go's own parser and type
// checker. The language server starts it once (in trusted workspaces only) and
// speaks JSON lines over stdin/stdout: one request per line, one response per
// line, in order. It never writes files: it answers with text edits.
//
// Request:  {"id":1,"op":"fixes","dir":"/abs/pkg","goVersion":"1.21","overlay":{"/abs/f.go":"..."},
//
//	"findings":[{"key":"7","finding":{...},"measured":"1.2 MB"}]}
//
// Response: {"id":1,"results":[{"key":"7","fixes":[...],"refusals":["..."]}]}
//
//	{"id":1,"error":"..."} when the package cannot be loaded.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
)

// maxLine bounds one request (the overlay holds whole files).
const maxLine = 64 << 20

type request struct {
	ID        int               `json:"id"`
	Op        string            `json:"op"`
	Dir       string            `json:"dir"`
	GoVersion string            `json:"goVersion"`
	Tags      []string          `json:"tags"`
	Overlay   map[string]string `json:"overlay"`
	Findings  []findingRequest  `json:"findings"`
	// RangeFiles: op "ranges" (ranges.go).
	RangeFiles []rangeFile   `json:"rangeFiles,omitempty"`
	Files      []outlineFile `json:"files"`
}

type findingRequest struct {
	Key      string  `json:"key"`
	Finding  Finding `json:"finding"`
	Measured string  `json:"measured"`
}

type response struct {
	ID       int            `json:"id"`
	Results  []findingFixes `json:"results,omitempty"`
	Error    string         `json:"error,omitempty"`
	Version  string         `json:"version,omitempty"`
	Ranges   [][]exprRange  `json:"ranges,omitempty"`
	Lints    []Lint         `json:"lints,omitempty"`
	Outlines []fileOutline  `json:"outlines,omitempty"`
}

type findingFixes struct {
	Key      string   `json:"key"`
	Fixes    []Fix    `json:"fixes"`
	Refusals []string `json:"refusals"`
	Errors   []string `json:"errors,omitempty"`
}

func main() {
	goBin := flag.String("go", "go", "the go command, for `go list -export`")
	flag.Parse()
	loader := newLoader(*goBin)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), maxLine)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			resp.Error = "bad request: " + err.Error()
		} else {
			resp = handle(loader, &req)
		}
		resp.ID = req.ID
		_ = enc.Encode(&resp)
		_ = out.Flush()
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "gohelper:", err)
		os.Exit(1)
	}
}

func handle(l *loader, req *request) (resp response) {
	defer func() {
		if r := recover(); r != nil {
			resp = response{Error: fmt.Sprintf("internal error: %v\n%s", r, debug.Stack())}
		}
	}()
	switch req.Op {
	case "ping":
		return response{Version: protocolVersion}
	case "ranges":
		return response{Ranges: rangesFor(req.RangeFiles)}
	case "outline":
		return response{Outlines: outlineAll(req.Files)}
	case "load":
		_, err := l.load(req.Dir, req.Overlay, req.Tags)
		if err != nil {
			return response{Error: err.Error()}
		}
		return response{}
	case "fixes":
		pkg, err := l.load(req.Dir, req.Overlay, req.Tags)
		if err != nil {
			return response{Error: err.Error()}
		}
		for _, f := range req.Findings {
			key, _ := json.Marshal(struct {
				F findingRequest
				V string
			}{f, req.GoVersion})
			r, ok := pkg.answers[string(key)]
			if !ok {
				r = fixesFor(pkg, f, req.GoVersion)
				if len(pkg.answers) < 4096 {
					pkg.answers[string(key)] = r
				}
			}
			r.Key = f.Key
			resp.Results = append(resp.Results, r)
		}
		return resp
	case "lint":
		pkg, err := l.load(req.Dir, req.Overlay, req.Tags)
		if err != nil {
			return response{Error: err.Error()}
		}
		return response{Lints: lintPackage(pkg, req.GoVersion)}
	}
	return response{Error: "unknown op " + req.Op}
}

// protocolVersion changes when requests or answers change shape.
const protocolVersion = "1"
