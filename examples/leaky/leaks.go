package main

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// ── Leak 1: a per-request buffer kept alive by the request ─────────────────────
// Every upload is remembered "for auditing" with its whole body attached, and the
// audit log is never trimmed.

type uploadRecord struct {
	at   time.Time
	body []byte
}

var (
	auditMu  sync.Mutex
	auditLog []*uploadRecord
)

func upload(w http.ResponseWriter, r *http.Request) {
	buf := make([]byte, 32<<10) // leak: buffers
	n, _ := io.ReadFull(r.Body, buf)
	rec := &uploadRecord{at: time.Now(), body: buf[:n]}
	if leaks["buffers"] {
		auditMu.Lock()
		auditLog = append(auditLog, rec)
		auditMu.Unlock()
	}
	fmt.Fprintf(w, "stored %d bytes\n", len(rec.body))
}

// ── Leak 2: a map that only grows ──────────────────────────────────────────────
// Sessions are created on every login and never expire.

type session struct {
	user    string
	scratch []byte
}

var (
	sessionsMu sync.Mutex
	sessions   = map[string]*session{}
	nextID     int
)

func login(w http.ResponseWriter, r *http.Request) {
	sessionsMu.Lock()
	nextID++
	id := strconv.Itoa(nextID)
	s := &session{user: r.URL.Query().Get("user"), scratch: make([]byte, 16<<10)} // leak: sessions
	if leaks["sessions"] {
		sessions[id] = s
	}
	sessionsMu.Unlock()
	fmt.Fprintf(w, "session %s for %s (%d bytes of scratch)\n", id, s.user, len(s.scratch))
}

// ── Leak 3: a sub-slice that pins a large array ────────────────────────────────
// Only the 64-byte header of each decoded image is cached, but the header is a
// slice of the whole decoded image, so the cache keeps every image alive.

var (
	headersMu sync.Mutex
	headers   [][]byte
)

func thumbnail(w http.ResponseWriter, r *http.Request) {
	img := decodeImage(r.URL.Query().Get("id"))
	header := img[:64]
	if leaks["thumbnails"] {
		headersMu.Lock()
		headers = append(headers, header)
		headersMu.Unlock()
	} else {
		// What the fix looks like: copy the header out of the image.
		_ = append([]byte(nil), header...)
	}
	fmt.Fprintf(w, "header %x\n", header[:8])
}

func decodeImage(id string) []byte {
	img := make([]byte, 128<<10) // leak: thumbnails
	for i := range img {
		img[i] = byte(i + len(id))
	}
	return img
}

// ── Leak 4: goroutines blocked forever on a channel ────────────────────────────
// Each quote asks a slow backend in a goroutine and gives up after a short wait;
// the goroutine then blocks forever sending its answer to a channel nobody reads.

func quote(w http.ResponseWriter, r *http.Request) {
	answer := make(chan string) // unbuffered: the send below waits for a reader
	if !leaks["goroutines"] {
		answer = make(chan string, 1) // the fix: room for the late answer
	}
	go func() {
		time.Sleep(5 * time.Millisecond) // the slow backend
		answer <- "42.00"                // leak: goroutines
	}()
	select {
	case q := <-answer:
		fmt.Fprintf(w, "quote %s\n", q)
	case <-time.After(time.Millisecond):
		http.Error(w, "backend too slow", http.StatusGatewayTimeout)
	}
}
