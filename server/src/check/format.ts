// The check's report for people (text), for scripts (JSON) and for GitHub Actions
// (workflow commands that become annotations on the pull request). Pure.
import { failing, type CheckReport, type Problem } from './model';

const pos = (p: { rel: string; line: number; column: number | null }) => `${p.rel}:${p.line}${p.column ? `:${p.column}` : ''}`;
const share = (p: Problem) => (p.profileShare === undefined ? '' : ` [${(p.profileShare * 100).toFixed(1)}% of the profile${p.cold ? ', below --min-share: not failing' : ''}]`);

export function summary(r: CheckReport): string {
  const fail = failing(r);
  const news = fail.filter((p) => p.rule === 'new-heap-allocation').length;
  const broken = fail.length - news;
  const parts = [
    `${news} new heap allocation${news === 1 ? '' : 's'}${r.base ? ` since ${r.base}` : ''}`,
    `${broken} assertion violation${broken === 1 ? '' : 's'} (${r.assertionsChecked} assertion${r.assertionsChecked === 1 ? '' : 's'} checked)`,
  ];
  if (r.baselined) parts.push(`${r.baselined} in the baseline`);
  const cold = r.problems.length - fail.length;
  if (cold) parts.push(`${cold} not hot in the profile`);
  return `heaplens check: ${parts.join(', ')} in ${r.packages} package${r.packages === 1 ? '' : 's'}`;
}

export function formatText(r: CheckReport): string {
  const out: string[] = [];
  for (const p of r.problems) {
    out.push(`${pos(p)}: ${p.cold ? 'note' : 'error'}: ${p.message} [${p.rule}]${share(p)}`);
    if (p.reason) out.push(`    why: ${p.reason}`);
    for (const [i, s] of p.flow.entries()) out.push(`    ${i + 1}. ${s.text}  (${pos(s)})`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  if (out.length) out.push('');
  out.push(summary(r));
  return out.join('\n') + '\n';
}

export function formatJson(r: CheckReport): string {
  return JSON.stringify({
    tool: 'heaplens', base: r.base ?? null, failed: failing(r).length > 0,
    problems: r.problems.map((p) => ({
      rule: p.rule, file: p.rel, line: p.line, column: p.column, function: p.func, message: p.message, reason: p.reason,
      flow: p.flow.map((s) => ({ file: s.rel, line: s.line, column: s.column, text: s.text })), key: p.key,
      ...(p.profileShare === undefined ? {} : { profileShare: p.profileShare, failing: !p.cold }),
    })),
    assertionsChecked: r.assertionsChecked, packages: r.packages, baselined: r.baselined, notes: r.notes,
  }, null, 2) + '\n';
}

// Workflow command escaping (actions/toolkit: escapeData / escapeProperty).
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One `::error` (or `::notice` for cold ones) per problem, paths relative to `prefix` (the repository root). */
export function formatGithub(r: CheckReport, prefix = ''): string {
  const out: string[] = [];
  for (const p of r.problems) {
    const file = prefix ? `${prefix}/${p.rel}` : p.rel;
    const props = [`file=${prop(file)}`, `line=${p.line}`, ...(p.column ? [`col=${p.column}`] : []), `title=${prop(`heaplens ${p.rule}`)}`];
    const body = [p.message + share(p), ...(p.reason ? [`why: ${p.reason}`] : []), ...p.flow.map((s, i) => `${i + 1}. ${s.text} (${pos(s)})`)].join('\n');
    out.push(`::${p.cold ? 'notice' : 'error'} ${props.join(',')}::${data(body)}`);
  }
  out.push(summary(r));
  return out.join('\n') + '\n';
}
