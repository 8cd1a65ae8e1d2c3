// textDocument/hover: joins the sections every feature contributes.
import type { Hover } from 'vscode-languageserver';
import type { Feature } from './features';

export const hoverFeature: Feature = {
  name: 'hover',
  capabilities: () => ({ hoverProvider: true }),
  activate(ctx) {
    ctx.connection.onHover(({ textDocument, position }): Hover | null => {
      const parts = ctx.hoverSections.map((section) => section(textDocument.uri, position)).filter((p) => p !== undefined);
      if (!parts.length) return null;
      return {
        contents: { kind: 'markdown', value: parts.map((p) => p.markdown).join('\n\n---\n\n') },
        range: parts.find((p) => p.range)?.range,
      };
    });
  },
};
