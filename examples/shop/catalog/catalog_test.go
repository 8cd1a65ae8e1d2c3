package catalog

import (
	"strings"
	"testing"
)

func sample(n int) []Product {
	ps := make([]Product, n)
	for i := range ps {
		ps[i] = Product{ID: i, Name: "product-" + strings.Repeat("x", i%7), Price: 100 + i, Tags: []string{"a", "bb", "ccc"}}
	}
	return ps
}

func TestStats(t *testing.T) {
	c, total := Stats(sample(3))
	if c != 3 || total != 303 {
		t.Fatalf("Stats = %d, %d", c, total)
	}
}

func TestIDs(t *testing.T) {
	if got := IDs(sample(4)); len(got) != 4 || got[3] != 3 {
		t.Fatalf("IDs = %v", got)
	}
}

func TestByName(t *testing.T) {
	if got := ByName(sample(2)); len(got) != 2 {
		t.Fatalf("ByName has %d entries", len(got))
	}
}

func TestTagLine(t *testing.T) {
	if got := TagLine(sample(1)[0]); got != "a,bb,ccc," {
		t.Fatalf("TagLine = %q", got)
	}
}

func TestRender(t *testing.T) {
	if got := string(Render(Product{ID: 7, Name: "pen"})); got != "pen: 7" {
		t.Fatalf("Render = %q", got)
	}
}

func TestNotify(t *testing.T) {
	n := 0
	Notify(sample(5), func(string) { n++ })
	if n != 5 {
		t.Fatalf("Notify called sink %d times", n)
	}
}

func TestHeader(t *testing.T) {
	if got := Header(ReadBody(1 << 12)); len(got) != 16 {
		t.Fatalf("Header length %d", len(got))
	}
}

func BenchmarkStats(b *testing.B) {
	ps := sample(64)
	for i := 0; i < b.N; i++ {
		Stats(ps)
	}
}

func BenchmarkIDs(b *testing.B) {
	ps := sample(64)
	for i := 0; i < b.N; i++ {
		IDs(ps)
	}
}

func BenchmarkByName(b *testing.B) {
	ps := sample(64)
	for i := 0; i < b.N; i++ {
		ByName(ps)
	}
}

func BenchmarkTagLine(b *testing.B) {
	p := sample(1)[0]
	for i := 0; i < b.N; i++ {
		TagLine(p)
	}
}

func BenchmarkRender(b *testing.B) {
	p := Product{ID: 12345, Name: "pen"}
	for i := 0; i < b.N; i++ {
		Render(p)
	}
}
