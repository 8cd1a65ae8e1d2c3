// Package ring is a fixed-size ring buffer whose hot path must not allocate:
// the assertions below are checked by `heaplens check` in CI and shown in the editor.
package ring

import "errors"

// ErrFull is returned by Push when the ring has no room.
var ErrFull = errors.New("ring: full")

// Ring holds up to len(buf) values.
type Ring struct {
	buf        []int64
	head, size int
}

// New allocates once, up front.
func New(capacity int) *Ring {
	return &Ring{buf: make([]int64, capacity)}
}

// Push adds v at the end.
//
//heaplens:noalloc
func (r *Ring) Push(v int64) error {
	if r.size == len(r.buf) {
		return ErrFull
	}
	r.buf[r.index(r.size)] = v
	r.size++
	return nil
}

// Pop removes the oldest value.
//
//heaplens:noalloc
func (r *Ring) Pop() (int64, bool) {
	if r.size == 0 {
		return 0, false
	}
	v := r.buf[r.head]
	r.head = r.index(1)
	r.size--
	return v, true
}

// index is on every Push and Pop: it must stay cheap enough to inline.
//
//heaplens:inline
func (r *Ring) index(i int) int {
	return (r.head + i) % len(r.buf)
}

// Sum reads every value without copying the ring.
func (r *Ring) Sum() int64 {
	var s int64
	for i := 0; i < r.size; i++ {
		s += r.buf[r.index(i)] //gcassert:inline
	}
	return s
}
