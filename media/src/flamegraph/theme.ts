// Reads the VS Code theme (CSS variables set on the webview's root) into colours
// the canvas can use. media/flamegraph.css maps --vscode-* to --hl-* with fallbacks.
import { parseColour, type RGB } from './colour';

export interface Theme {
  background: RGB;
  foreground: RGB;
  muted: RGB;
  focus: RGB;
  match: RGB;
  grow: RGB;
  shrink: RGB;
  palette: RGB[];
  font: string;
  highContrast: boolean;
  contrastBorder: RGB;
}

export function readTheme(): Theme {
  const cs = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: RGB): RGB => parseColour(cs.getPropertyValue(name)) ?? fallback;
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  return {
    background: get('--hl-bg', [30, 30, 30]),
    foreground: get('--hl-fg', [204, 204, 204]),
    muted: get('--hl-muted', [128, 128, 128]),
    focus: get('--hl-focus', [0, 127, 212]),
    match: get('--hl-match', [180, 90, 220]),
    grow: get('--hl-red', [241, 76, 76]),
    shrink: get('--hl-green', [137, 209, 133]),
    palette: ['--hl-red', '--hl-orange', '--hl-yellow', '--hl-orange', '--hl-purple', '--hl-blue']
      .map((v) => get(v, [204, 167, 0])),
    font: `12px ${family}`,
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
    contrastBorder: get('--hl-contrast-border', [111, 195, 223]),
  };
}

/** Calls `onChange` when VS Code switches theme (it swaps classes on <body>). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  new MutationObserver(onChange).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
