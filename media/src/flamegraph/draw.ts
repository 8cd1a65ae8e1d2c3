// Paints a layout onto the canvas. Boxes narrower than the layout's minimum were
// already culled; labels are drawn only where at least a few characters fit.
import type { FlameTree } from '../../../server/src/protocol/webview';
import { css, diffShade, fitLabel, frameColour, mix, shadeColour, textOn, type RGB } from './colour';
import { shortName } from './format';
import { rowTop, type Layout, type Orientation } from './layout';
import type { Theme } from './theme';

export const ROW_HEIGHT = 18;

export interface DrawOptions {
  tree: FlameTree;
  layout: Layout;
  maxDepth: number;
  orientation: Orientation;
  sampleType: number;
  theme: Theme;
  matches?: Uint8Array;
  selected: number; // layout index or -1
  hovered: number;
  zoom: number;
}

let charWidthCache = { font: '', width: 7 };
let styleCache: { tree?: FlameTree; theme?: Theme; styles: Map<number, { fill: string; text: string }> } = { styles: new Map() };

export function draw(ctx: CanvasRenderingContext2D, o: DrawOptions): void {
  const { tree, layout: l, theme } = o;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = css(theme.background);
  ctx.fillRect(0, 0, ctx.canvas.width / dpr, ctx.canvas.height / dpr);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  if (charWidthCache.font !== theme.font) {
    charWidthCache = { font: theme.font, width: ctx.measureText('abcdefghijklmnopqrstuvwxyz.()*').width / 30 };
  }
  const cw = charWidthCache.width;
  const neutral = mix(theme.background, theme.foreground, 0.25);
  const t = o.sampleType;
  // Colour strings are cached per style key, from frame to frame while the tree and
  // theme stay: building and parsing CSS colour strings per box is what would
  // otherwise dominate a frame with thousands of boxes.
  if (styleCache.tree !== tree || styleCache.theme !== theme) styleCache = { tree, theme, styles: new Map() };
  const styles = styleCache.styles;
  const style = (key: number, make: () => RGB) => {
    let st = styles.get(key);
    if (!st) { const c = make(); st = { fill: css(c), text: css(textOn(c)) }; styles.set(key, st); }
    return st;
  };
  const labelled: number[] = [];
  const labelStyle: string[] = [];
  let lastFill = '';
  for (let k = 0; k < l.count; k++) {
    const n = l.node[k];
    const x = l.x[k], w = l.w[k];
    const y = rowTop(l.depth[k], o.maxDepth, ROW_HEIGHT, o.orientation);
    const matched = o.matches ? (o.matches[n] ? 1 : 2) : 0;
    // Ancestors of the zoom root are a trail, drawn faded.
    const trail = w === l.width && n !== o.zoom && isAncestor(tree, n, o.zoom) ? 1 : 0;
    const shade = tree.baseCum && n !== 0 ? Math.round(diffShade(tree.cum[t][n], tree.baseCum[t][n]) * 32) : 0;
    // The root, a shade (−32…32) when comparing, else the name: one id ≥ −1 per colour.
    const id = n === 0 ? -1 : tree.baseCum ? shade + 32 : tree.name[n];
    const st = style(((id + 1) * 3 + matched) * 2 + trail, () => {
      let c: RGB = n === 0 ? neutral
        : tree.baseCum ? shadeColour(shade / 32, theme.grow, theme.shrink, neutral)
        : frameColour(tree.names[tree.name[n]], theme.palette, theme.background);
      if (matched === 1) c = theme.match;
      else if (matched === 2) c = mix(c, theme.background, 0.75);
      if (trail) c = mix(c, theme.background, 0.5);
      return c;
    });
    if (st.fill !== lastFill) { ctx.fillStyle = st.fill; lastFill = st.fill; }
    // A 1px gap between boxes once they are wide enough to afford it.
    ctx.fillRect(x, y, w > 3 ? w - 1 : w, ROW_HEIGHT - 1);
    if (w >= cw * 3 + 6) { labelled.push(k); labelStyle.push(st.text); }
  }
  // High-contrast themes want edges, not just fills.
  if (theme.highContrast) {
    ctx.strokeStyle = css(theme.contrastBorder);
    ctx.lineWidth = 1;
    for (let k = 0; k < l.count; k++) {
      if (l.w[k] <= 3) continue;
      ctx.strokeRect(l.x[k] + 0.5, rowTop(l.depth[k], o.maxDepth, ROW_HEIGHT, o.orientation) + 0.5, l.w[k] - 2, ROW_HEIGHT - 2);
    }
  }
  // Labels last, only where at least a few characters fit.
  for (let j = 0; j < labelled.length; j++) {
    const k = labelled[j];
    let label = fitLabel(shortName(tree.names[tree.name[l.node[k]]]), l.w[k], cw);
    // The width estimate is an average; trim further when this label's glyphs are wider.
    while (label.length > 2 && ctx.measureText(label).width > l.w[k] - 5) label = `${label.slice(0, label.endsWith('…') ? -2 : -1)}…`;
    if (label.length <= 2) continue;
    if (labelStyle[j] !== lastFill) { ctx.fillStyle = labelStyle[j]; lastFill = labelStyle[j]; }
    ctx.fillText(label, l.x[k] + 3, rowTop(l.depth[k], o.maxDepth, ROW_HEIGHT, o.orientation) + ROW_HEIGHT / 2);
  }
  const outline = (k: number, colour: RGB, width: number) => {
    if (k < 0 || k >= l.count) return;
    const y = rowTop(l.depth[k], o.maxDepth, ROW_HEIGHT, o.orientation);
    ctx.strokeStyle = css(colour);
    ctx.lineWidth = width;
    ctx.strokeRect(l.x[k] + width / 2, y + width / 2, Math.max(1, l.w[k] - 1 - width), ROW_HEIGHT - 1 - width);
  };
  outline(o.hovered, theme.foreground, 1);
  outline(o.selected, theme.focus, 2);
}

function isAncestor(tree: FlameTree, a: number, b: number): boolean {
  return a < b && b < a + tree.size[a];
}
