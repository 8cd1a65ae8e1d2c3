// Box colours from the VS Code theme's chart colours. Pure: parsing and mixing
// happen here, reading the CSS variables happens in the drawing code.

export type RGB = [number, number, number];

/** Parses #rgb, #rrggbb, #rrggbbaa and rgb()/rgba(); undefined otherwise. */
export function parseColour(css: string): RGB | undefined {
  const s = css.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(s);
  if (m) {
    let h = m[1];
    if (h.length === 3 || h.length === 4) h = h.slice(0, 3).split('').map((c) => c + c).join('');
    if (h.length !== 6 && h.length !== 8) return undefined;
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return undefined;
}

export function mix(a: RGB, b: RGB, t: number): RGB {
  const k = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}

export function css(c: RGB): string {
  return `rgb(${Math.round(c[0])},${Math.round(c[1])},${Math.round(c[2])})`;
}

/** Relative luminance, to pick a readable label colour. */
export function luminance(c: RGB): number {
  const f = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}

export function textOn(c: RGB): RGB {
  return luminance(c) > 0.35 ? [0, 0, 0] : [255, 255, 255];
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}

/** The Go package of a function name: "example.com/shop/catalog.(*T).M" -> "example.com/shop/catalog". */
export function goPackage(name: string): string {
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot < 0 ? name : name.slice(0, dot);
}

/**
 * One colour per package (same package, same hue family), with the function
 * varying lightness a little so neighbours stay distinguishable.
 */
export function frameColour(name: string, palette: RGB[], background: RGB): RGB {
  if (!palette.length) return [128, 128, 128];
  const base = palette[hash(goPackage(name)) % palette.length];
  const shade = (hash(name) % 7) / 7; // 0..0.86
  return mix(base, background, 0.12 + shade * 0.3);
}

/**
 * Diff colouring like `pprof -base`: growth tends to `grow`, shrinkage to `shrink`,
 * unchanged to `neutral`; intensity by the relative change of the frame's cum.
 */
export function diffColour(cur: number, base: number, grow: RGB, shrink: RGB, neutral: RGB): RGB {
  return shadeColour(diffShade(cur, base), grow, shrink, neutral);
}

/** The relative change of a frame, -1 (gone) .. 0 (same) .. 1 (new). */
export function diffShade(cur: number, base: number): number {
  const denom = Math.max(Math.abs(cur), Math.abs(base));
  if (denom === 0 || cur === base) return 0;
  return (cur - base) / denom;
}

export function shadeColour(rel: number, grow: RGB, shrink: RGB, neutral: RGB): RGB {
  if (rel === 0) return neutral;
  const k = Math.sqrt(Math.abs(rel)); // small changes still show
  return mix(neutral, rel > 0 ? grow : shrink, 0.15 + 0.85 * k);
}

/** Text fits when its estimated width (monospace-ish, ~0.6em per char) is within the box. */
export function fitLabel(label: string, boxWidth: number, charWidth: number): string {
  const room = Math.floor((boxWidth - 6) / charWidth);
  if (room < 3) return '';
  if (label.length <= room) return label;
  return label.slice(0, room - 1) + '…';
}
