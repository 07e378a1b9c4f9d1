// Every equation / validation ID and every spec §-reference that a code comment (or a user-visible
// string in src/: CLI help, reproduce checks, the output vocabulary) cites resolves inside the
// repository, in docs/kernel.md, docs/committee.md or docs/dmft.md; and no Markdown link in
// README.md or docs/ leaves the repository except to the papers (arxiv.org), while every relative
// link points at a file that exists. (Loopback URLs — the explorer served by `npm run explorer` — are
// allowed: they point at this repository's own server, not at a page outside it.)
//
// Comments are read with the TypeScript parser (every token's leading and trailing trivia), so strings,
// template literals and regular expressions never count as comments.
//
// ID grammar (the project's equation/validation IDs, one letter per family and page):
//   K<n>[a-c]  kernel equations        T1–T4  kernel theory curves   G1–G7  kernel validation   → docs/kernel.md
//   S<n>       committee equations                                                            → docs/committee.md
//   D<n>       DMFT equations          V<n>   DMFT validation                                  → docs/dmft.md
// A range "D26–D32" cites every ID in it. A docs page defines an ID with an anchor <a id="K22"></a>.
// A few comments use the same shapes for matrix or engine names; they are listed in NOT_IDS below.
// "grid G<n>" (or "dmft-grid.md G<n>") names the long-time grid design's checks: anchor grid-G<n> in docs/dmft.md.
//
// §-references: "<spec>.md §N" (spec ∈ kernel, committee, dmft, dmft-grid), and a bare "§N" in a
// comment after such a mention in the same file (else the engine named by the file's path). The page
// of that engine defines §N with a row "| §N |" (dmft-grid: "| grid §N |" in docs/dmft.md) in its
// section index. engineering.md (toolchain notes) is not an engine page and is not checked here.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CODE_DIRS = ['src', 'assembly', 'test', 'bench', 'codegen'];
const SELF = 'test/docs/ids.test.ts';

type Page = 'kernel' | 'committee' | 'dmft';
const FAMILY_PAGE: Record<string, Page> = { K: 'kernel', T: 'kernel', G: 'kernel', S: 'committee', D: 'dmft', V: 'dmft' };
const ID_RE = /\b([KTGSDV])(\d{1,2})([a-c]?)\b/g;
const RANGE_RE = /\b([KTGSDV])(\d{1,2})\s*[–-]\s*\1(\d{1,2})\b/g;

/** (file, ID) pairs where the ID shape names something else: matrices, sums, the V8 engine. */
const NOT_IDS: Record<string, string[]> = {
  'assembly/eigh.ts': ['S0', 'T1', 'T2'], // panel matrix S0, tridiagonal blocks T1', T2'
  'assembly/meanfield.ts': ['S0', 'S1', 'S2'], // quadrature sums S0 = Σ w_g/√Λ_g, …
  'assembly/dmft_sim.ts': ['S2', 'T2', 'T3', 'G3'], // contraction work arrays
  'assembly/gen/dmft_layout.ts': ['S2', 'T2', 'T3', 'G3'],
  'src/gen/dmft_layout.ts': ['S2', 'T2', 'T3', 'G3'],
  'assembly/gemm.ts': ['V8'], // the JavaScript engine
  'src/sweep/sbatch.ts': ['V8'],
};

const SPEC_PAGE: Record<string, { page: Page; prefix: string }> = {
  kernel: { page: 'kernel', prefix: '§' },
  committee: { page: 'committee', prefix: '§' },
  dmft: { page: 'dmft', prefix: '§' },
  'dmft-grid': { page: 'dmft', prefix: 'grid §' },
};

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|js|mjs|cjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** All comments of a source file, in order, each once; and its string literals (template parts included). */
function texts(file: string): { comments: string[]; strings: string[] } {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const found = new Map<number, string>();
  const strings: string[] = [];
  const add = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) found.set(r.pos, text.slice(r.pos, r.end));
  };
  const visit = (node: ts.Node) => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) strings.push(node.text);
    const kids = node.getChildren(sf);
    if (kids.length === 0) {
      add(ts.getLeadingCommentRanges(text, node.pos));
      add(ts.getTrailingCommentRanges(text, node.pos));
      return;
    }
    for (const k of kids) visit(k);
  };
  visit(sf);
  add(ts.getLeadingCommentRanges(text, sf.endOfFileToken.pos));
  add(ts.getTrailingCommentRanges(text, sf.endOfFileToken.pos));
  return { comments: [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c), strings };
}

interface Citation {
  key: string;
  where: string;
}

interface Found {
  ids: Citation[];
  sections: Citation[];
}

const SPEC_MENTION = /\b(kernel|committee|dmft-grid|dmft|engineering)\.md\b|§\s*(\d+(?:\.\d+)?[a-g]?)/g;

function scan(text: string, where: string, skip: Set<string>, out: Found, spec: string | undefined): string | undefined {
  for (const m of text.matchAll(ID_RE)) {
    if (skip.has(m[0])) continue;
    // "grid G3" / "dmft-grid.md G3": the long-time grid design's validation items, not the kernel's G3
    const grid = m[1] === 'G' && /(dmft-grid\.md|grid)[\s,(]*$/.test(text.slice(Math.max(0, m.index - 16), m.index));
    out.ids.push({ key: grid ? `grid-${m[0]}` : m[0], where });
  }
  for (const m of text.matchAll(RANGE_RE)) {
    for (let n = Number(m[2]) + 1; n < Number(m[3]); n++) out.ids.push({ key: `${m[1]}${n}`, where });
  }
  // § references: the spec is the last "<spec>.md" mention before them
  let current = spec;
  for (const t of text.matchAll(SPEC_MENTION)) {
    if (t[1]) current = t[1];
    else if (current !== undefined && current !== 'engineering') out.sections.push({ key: `${current} §${t[2]}`, where });
  }
  return current;
}

/** Citations in code comments (every code directory), and in user-visible strings of src/ (CLI help,
 *  reproduce checks, the output vocabulary). In comments a spec mention carries over to the later
 *  comments of the file, else the engine named by the path; in a string only within that string. */
function collect(): { comments: Found; strings: Found } {
  const comments: Found = { ids: [], sections: [] };
  const strings: Found = { ids: [], sections: [] };
  const files = CODE_DIRS.flatMap((d) => walk(join(ROOT, d), []));
  for (const abs of files) {
    const file = relative(ROOT, abs).split('\\').join('/');
    if (file === SELF) continue;
    const skip = new Set(NOT_IDS[file] ?? []);
    const byPath = /(^|\/)(kernel|committee|dmft)[^/]*$/.exec(file)?.[2] ?? /\/(kernel|committee|dmft)\//.exec(file)?.[1];
    const t = texts(abs);
    let spec: string | undefined;
    for (const c of t.comments) spec = scan(c, file, skip, comments, spec ?? byPath);
    if (file.startsWith('src/')) for (const s of t.strings) scan(s, `${file} (string)`, skip, strings, undefined);
  }
  return { comments, strings };
}

const DOCS = join(ROOT, 'docs');
const docText = (page: string) => readFileSync(join(DOCS, `${page}.md`), 'utf8');

function anchors(): Map<string, string[]> {
  const at = new Map<string, string[]>();
  for (const name of readdirSync(DOCS).filter((n) => n.endsWith('.md'))) {
    for (const m of docText(name.slice(0, -3)).matchAll(/<a id="([^"]+)"><\/a>/g)) at.set(m[1], [...(at.get(m[1]) ?? []), name]);
  }
  return at;
}

const found = collect();

function unresolvedIds(ids: Citation[]): string[] {
  const at = anchors();
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { key, where } of ids) {
    if (seen.has(key)) continue;
    seen.add(key);
    const page = `${key.startsWith('grid-') ? 'dmft' : FAMILY_PAGE[key[0]]}.md`;
    const pages = at.get(key) ?? [];
    if (pages.length !== 1 || pages[0] !== page) problems.push(`${key} (cited in ${where}): anchors in [${pages.join(', ')}], want one in docs/${page}`);
  }
  return problems;
}

function unresolvedSections(sections: Citation[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { key, where } of sections) {
    if (seen.has(key)) continue;
    seen.add(key);
    const [spec, sec] = key.split(' ');
    const { page, prefix } = SPEC_PAGE[spec];
    const label = prefix + sec.slice(1);
    const row = new RegExp(`^\\|\\s*${label.replace(/\./g, '\\.')}\\s*\\|`, 'm');
    if (!row.test(docText(page))) problems.push(`${key} (cited in ${where}): no row "| ${label} |" in docs/${page}.md`);
  }
  return problems;
}

describe('equation and validation IDs cited in code comments', () => {
  it('finds the citations (the grammar matches the code base)', () => {
    const keys = new Set(found.comments.ids.map((c) => c.key));
    // one well-known citation per family, so a broken extractor cannot pass vacuously
    for (const k of ['K22', 'T3', 'G4', 'S29', 'D35', 'V2']) expect(keys.has(k), k).toBe(true);
    expect(found.comments.sections.length).toBeGreaterThan(50);
  });

  it('the grammar: IDs, ranges, grid items, § references with their spec context', () => {
    const out: Found = { ids: [], sections: [] };
    const spec = scan('kernel.md K22 and §11.3; dmft-grid.md G3, §4; dmft.md D26–D28, §8a; S2[i] skipped', 'x', new Set(['S2']), out, undefined);
    expect(out.ids.map((c) => c.key).sort()).toEqual(['D26', 'D27', 'D28', 'K22', 'grid-G3'].sort());
    expect(out.sections.map((c) => c.key)).toEqual(['kernel §11.3', 'dmft-grid §4', 'dmft §8a']);
    expect(spec).toBe('dmft');
  });

  it('every cited ID is defined once, by an anchor, on its engine page', () => {
    expect(unresolvedIds(found.comments.ids)).toEqual([]);
  });

  it('every spec §-reference has a row in the section index of its engine page', () => {
    expect(unresolvedSections(found.comments.sections)).toEqual([]);
  });

  it('IDs and §-references in user-visible strings of src/ (help, reproduce checks, vocabulary) resolve too', () => {
    expect(found.strings.ids.length).toBeGreaterThan(0);
    expect([...unresolvedIds(found.strings.ids), ...unresolvedSections(found.strings.sections)]).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------- links

/** Markdown links, images, reference definitions, autolinks and bare URLs outside code. */
function links(md: string): string[] {
  const prose = md.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
  const out: string[] = [];
  for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]);
  for (const m of prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) out.push(m[1]);
  for (const m of prose.matchAll(/<(https?:\/\/[^>\s]+)>/g)) out.push(m[1]);
  for (const m of prose.matchAll(/(?<![(<"=])\bhttps?:\/\/[^\s)>\]"']+/g)) out.push(m[0]);
  for (const m of prose.matchAll(/\b(?:href|src)="([^"]+)"/g)) out.push(m[1]);
  return [...new Set(out)];
}

/** GitHub's heading anchors (lower case, punctuation dropped, spaces → '-', repeats numbered). */
function headingAnchors(md: string): Set<string> {
  const ids = new Set<string>();
  const count = new Map<string, number>();
  const prose = md.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
  for (const m of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]
      .replace(/<[^>]+>/g, '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = count.get(base) ?? 0;
    count.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of md.matchAll(/<a (?:id|name)="([^"]+)"/g)) ids.add(m[1]);
  return ids;
}

function checkLinks(file: string, checkFragments: boolean): string[] {
  const abs = join(ROOT, file);
  const problems: string[] = [];
  for (const target of links(readFileSync(abs, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      let host = '';
      try {
        host = new URL(target).hostname;
      } catch {
        host = '';
      }
      // the papers, and the explorer a local command serves (not a page outside the repository)
      const allowed = host === 'arxiv.org' || host === 'www.arxiv.org' || host === '127.0.0.1' || host === 'localhost';
      if (!allowed) problems.push(`${file}: link leaves the repository: ${target}`);
      continue;
    }
    const [path, fragment] = target.split('#');
    const dest = path === '' ? abs : resolve(dirname(abs), decodeURIComponent(path));
    const inRepo = !relative(ROOT, dest).startsWith('..');
    if (!inRepo) problems.push(`${file}: link leaves the repository: ${target}`);
    else if (!existsSync(dest)) problems.push(`${file}: no such file: ${target}`);
    else if (checkFragments && fragment && dest.endsWith('.md') && !headingAnchors(readFileSync(dest, 'utf8')).has(fragment)) {
      problems.push(`${file}: no anchor #${fragment} in ${relative(ROOT, dest)}`);
    }
  }
  return problems;
}

describe('links stay inside the repository (except the papers on arxiv.org)', () => {
  it('docs/*.md: external links only to arxiv.org; relative links and anchors exist', () => {
    const pages = readdirSync(DOCS)
      .filter((n) => n.endsWith('.md'))
      .map((n) => `docs/${n}`);
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.flatMap((p) => checkLinks(p, true))).toEqual([]);
  });

  it('README.md: external links only to arxiv.org; relative links and anchors exist', () => {
    expect(checkLinks('README.md', true)).toEqual([]);
  });

  it('the link reader sees inline links, images, references, autolinks and bare URLs, not code', () => {
    const md = [
      'see [a](docs/a.md#x) and ![i](img.png "t") and <https://example.com/p>',
      '[ref]: https://arxiv.org/abs/2111.07167',
      'bare https://example.org/q here, `https://in.code/x` not',
      '```sh',
      'learndyn --url https://in.block/y',
      '```',
    ].join('\n');
    expect(links(md).sort()).toEqual(['docs/a.md#x', 'https://arxiv.org/abs/2111.07167', 'https://example.com/p', 'https://example.org/q', 'img.png'].sort());
    expect([...headingAnchors('# The Model (K1–K2)\n## Model\n## Model\n<a id="K22"></a>')].sort()).toEqual(
      ['K22', 'model', 'model-1', 'the-model-k1k2'].sort(),
    );
  });
});
