// heaplens/allocations: every heap allocation the Problems panel shows (hints on cold
// paths included), with its function and, when a heap profile is loaded, its measured
// cost, for the client's Allocations view. Read from the findings store: no build.
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { describeFinding } from '../escape/describe';
import { enclosingFunction } from '../escape/enclosing';
import { coldReasonText } from '../escape/signal';
import { AllocationsRequest, type AllocationItem } from '../protocol/lsp';
import type { Feature, ServerContext } from './features';
import { lineSource, rangeText } from './placement';

export const allocationsFeature: Feature = {
  name: 'allocations',
  activate(ctx) {
    ctx.connection.onRequest(AllocationsRequest.type, () => ({ items: allocations(ctx) }));
  },
};

function allocations(ctx: ServerContext): AllocationItem[] {
  const lines = lineSource((p) => ctx.documents.all().find((d) => d.uri === ctx.store.file(p)?.uri)?.getText());
  const out: AllocationItem[] = [];
  for (const file of ctx.store.allFiles()) {
    const shown = file.findings.filter((p) => p.diagnostic && p.signal?.allocates && (p.finding.kind === 'moved-to-heap' || p.finding.kind === 'escapes-to-heap'));
    if (!shown.length) continue;
    // The profile feature adds measured costs to diagnostics as they are published
    // (a decorator); run the same decorators so the view says what the editor says.
    const plain = shown.map((p) => p.diagnostic!);
    const decorated: Diagnostic[] = ctx.diagnosticDecorators.reduce((d, decorate) => decorate(file.uri, d), plain);
    shown.forEach((p, i) => {
      const f = p.finding;
      const read = (l: number) => lines(f.path, l);
      const d = describeFinding(f, rangeText(read, p.range));
      const dec = decorated[i];
      const value = (dec?.data as { cost?: unknown } | undefined)?.cost;
      const item: AllocationItem = {
        uri: file.uri,
        package: f.pkg?.split(' ')[0] ?? path.dirname(f.path),
        function: enclosingFunction(read, p.range.start.line + 1),
        kind: f.kind as AllocationItem['kind'],
        range: p.range,
        title: d.title,
      };
      if (d.reason) item.reason = d.reason;
      if (p.signal?.cold) item.cold = coldReasonText[p.signal.cold];
      if (typeof value === 'number' && dec.message.startsWith(`${p.diagnostic!.message} — `)) {
        item.value = value;
        item.cost = dec.message.slice(p.diagnostic!.message.length + 3);
      }
      out.push(item);
    });
  }
  return out;
}
