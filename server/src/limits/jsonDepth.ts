// How deeply a JSON text or value nests, counted without recursion: vscode-jsonrpc
// 8.2 (and 9.x, 10.0) pretty-prints an invalid message with a recursive
// JSON.stringify, so one 10 KB frame nested 5,000 deep overflows the stack and the
// server dies. Messages are checked here before the library sees them.

/** No LSP message nests anywhere near this; the library's recursion fails around 2,000+. */
export const MAX_JSON_DEPTH = 256;

/** Whether JSON text nests deeper than `limit` (brackets inside strings ignored). Linear, stops early. */
export function jsonTextTooDeep(text: Uint8Array, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** Whether a parsed value nests deeper than `limit` (IPC delivers parsed messages). */
export function jsonValueTooDeep(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return false;
}
