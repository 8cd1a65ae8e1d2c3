package ring

import "testing"

func TestPushPop(t *testing.T) {
	r := New(2)
	if err := r.Push(1); err != nil {
		t.Fatal(err)
	}
	if err := r.Push(2); err != nil {
		t.Fatal(err)
	}
	if err := r.Push(3); err != ErrFull {
		t.Fatalf("want ErrFull, got %v", err)
	}
	if v, ok := r.Pop(); !ok || v != 1 {
		t.Fatalf("Pop = %d, %v", v, ok)
	}
	if r.Sum() != 2 {
		t.Fatalf("Sum = %d", r.Sum())
	}
}
