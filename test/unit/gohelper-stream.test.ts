// How GoHelper reads its helper's answers (JSON lines on stdout), with a stand-in helper
// built from Go source here by the same build path: an answer of megabytes arrives in many
// chunks and is read whole, two answers written at once are both read, and an answer past
// the 64 MB cap stops the helper with an error instead of growing without bound.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { GoHelper } from '../../server/src/fixes/goHelper';

// Answers an outline request with one function named by size bytes of "f", where the
// first file's text is "size" or "size twice" (then the next id is answered in the same
// write); size 0 writes 65 MB without a newline.
const standIn = `package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type req struct {
	ID    int \`json:"id"\`
	Files []struct {
		Text string \`json:"text"\`
	} \`json:"files"\`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for in.Scan() {
		var r req
		_ = json.Unmarshal(in.Bytes(), &r)
		size, twice := 0, false
		if len(r.Files) > 0 {
			fmt.Sscan(r.Files[0].Text, &size)
			twice = strings.HasSuffix(r.Files[0].Text, "twice")
		}
		if size == 0 {
			os.Stdout.Write([]byte(strings.Repeat("x", 65<<20)))
			continue
		}
		answer := func(id int) []byte {
			b, _ := json.Marshal(map[string]any{"id": id, "outlines": []any{map[string]any{"path": "/p.go", "funcs": []any{map[string]any{"name": strings.Repeat("f", size)}}, "comments": []any{}}}})
			return append(b, '\\n')
		}
		out := answer(r.ID)
		if twice {
			out = append(out, answer(r.ID+1)...)
		}
		os.Stdout.Write(out)
	}
}
`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-gohelper-stream-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
fs.mkdirSync(path.join(tmp, 'src'));
fs.writeFileSync(path.join(tmp, 'src', 'go.mod'), 'module standin\n\ngo 1.21\n');
fs.writeFileSync(path.join(tmp, 'src', 'main.go'), standIn);

/** The name of the one function the stand-in answers with. */
const ask = async (h: GoHelper, text: string) => (await h.outline([{ path: '/p.go', text }]))[0].funcs[0].name;

test('an answer of 5 MB (many chunks) is read whole; two answers in one write are both read', async () => {
  const h = new GoHelper({ sourceDir: path.join(tmp, 'src'), cacheDir: path.join(tmp, 'cache') });
  try {
    assert.equal(await ask(h, String(5 << 20)), 'f'.repeat(5 << 20));
    // The stand-in answers this request and the next id at once; the next request's waiter gets the second.
    const first = ask(h, '3 twice');
    const second = ask(h, '4');
    assert.equal(await first, 'fff');
    assert.equal(await second, 'fff', 'answered by the second line of the first write');
  } finally {
    h.dispose();
  }
});

test('an answer past the cap stops the helper with an error; the next request starts a new one', async () => {
  const logs: string[] = [];
  const h = new GoHelper({ sourceDir: path.join(tmp, 'src'), cacheDir: path.join(tmp, 'cache'), log: (l) => logs.push(l) });
  try {
    await assert.rejects(ask(h, '0'), /over-long answer/);
    assert.ok(logs.some((l) => /over-long answer; stopping it/.test(l)), logs.join('\n'));
    assert.equal(await ask(h, '2'), 'ff');
  } finally {
    h.dispose();
  }
});
