// The compiler counts columns in bytes from 1; LSP counts UTF-16 code units from 0.

/** 0-based UTF-16 column of the 1-based byte column `byteColumn` in `lineText`. */
export function byteColumnToUtf16(lineText: string, byteColumn: number): number {
  let bytes = 0;
  let i = 0;
  const target = byteColumn - 1;
  while (i < lineText.length && bytes < target) {
    const c = lineText.charCodeAt(i);
    if (c < 0x80) { bytes += 1; i += 1; }
    else if (c < 0x800) { bytes += 2; i += 1; }
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < lineText.length) { bytes += 4; i += 2; }
    else { bytes += 3; i += 1; }
  }
  // Past the end of the line (a stale file): clamp rather than point nowhere.
  return bytes < target ? lineText.length : i;
}

/** Splits text into lines the way the compiler numbers them (LF, with optional CR). */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
