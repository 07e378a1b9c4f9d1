// docs/outputs.md carries the vocabulary's definitions, generated from src/core/vocabulary.ts: the
// test fails when the table is stale (LEARNDYN_UPDATE_DOCS=1 rewrites it).
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { describeArray, VOCABULARY } from '../../src/core/vocabulary.js';

const DOC = new URL('../../docs/outputs.md', import.meta.url);

function table(): string {
  const rows = ['| name | definition | unit |', '|---|---|---|'];
  for (const name of ['t', ...Object.keys(VOCABULARY)]) {
    const d = describeArray(name)!;
    rows.push(`| \`${name}\` | ${d.definition.replace(/\|/g, '\\|')} | ${d.unit} |`);
  }
  return rows.join('\n');
}

describe('docs/outputs.md', () => {
  it('holds the current vocabulary table', () => {
    const text = readFileSync(DOC, 'utf8');
    const [head, rest] = text.split('<!-- vocabulary:start -->\n');
    const tail = rest.slice(rest.indexOf('<!-- vocabulary:end -->'));
    const want = `${head}<!-- vocabulary:start -->\n${table()}\n${tail}`;
    if (process.env.LEARNDYN_UPDATE_DOCS === '1') writeFileSync(DOC, want);
    expect(readFileSync(DOC, 'utf8')).toBe(want);
  });
});
