// Paints a layout onto the canvas. Boxes narrower than the layout's minimum were
// already culled; labels are drawn only where at least a few characters fit.
import type { FlameTree } from '../../../server/src/protocol/webview';
import { css, diffColour, fitLabel, frameColour, mix, textOn, type RGB } from './colour';
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
  const dim = (c: RGB) => mix(c, theme.background, 0.75);
  const t = o.sampleType;
  const colourCache = new Map<number, RGB>();
  for (let k = 0; k < l.count; k++) {
    const n = l.node[k];
    const x = l.x[k], w = l.w[k];
    const y = rowTop(l.depth[k], o.maxDepth, ROW_HEIGHT, o.orientation);
    let c: RGB;
    if (n === 0) c = neutral;
    else if (tree.baseCum) c = diffColour(tree.cum[t][n], tree.baseCum[t][n], theme.grow, theme.shrink, neutral);
    else {
      const nameId = tree.name[n];
      let cached = colourCache.get(nameId);
      if (!cached) { cached = frameColour(tree.names[nameId], theme.palette, theme.background); colourCache.set(nameId, cached); }
      c = cached;
    }
    if (o.matches) c = o.matches[n] ? theme.match : dim(c);
    // Ancestors of the zoom root are a trail, drawn faded.
    const trail = l.w[k] === l.width && n !== o.zoom && isAncestor(tree, n, o.zoom);
    if (trail) c = mix(c, theme.background, 0.5);
    ctx.fillStyle = css(c);
    // A 1px gap between boxes once they are wide enough to afford it.
    ctx.fillRect(x, y, w > 3 ? w - 1 : w, ROW_HEIGHT - 1);
    if (w >= cw * 3 + 6) {
      const label = fitLabel(shortName(tree.names[tree.name[n]]), w, cw);
      if (label) {
        ctx.fillStyle = css(textOn(c));
        ctx.fillText(label, x + 3, y + ROW_HEIGHT / 2);
      }
    }
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
