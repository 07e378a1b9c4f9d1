// One source for what both languages agree on (issue 8, item 4): the generated files under assembly/gen,
// src/gen and src/wasm/exports.gen.ts are exactly what codegen/gen.mjs produces from codegen/contract.mjs
// and the AS sources (a stale or hand-edited copy fails here), and nothing says "keep in sync" any more.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stale, contractFiles } from '../../codegen/gen.mjs';
import * as T from '../../src/gen/dopri5.js';

describe('generated contract', () => {
  it('regeneration is a no-op (layouts, tableau, typed exports)', async () => {
    expect(await stale()).toEqual([]);
  });

  it('every generated file is committed to git', () => {
    const tracked = execFileSync('git', ['ls-files', 'assembly/gen', 'src/gen', 'src/wasm/exports.gen.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .sort();
    expect(tracked).toEqual([...Object.keys(contractFiles()), 'src/wasm/exports.gen.ts'].sort());
  });

  it('no hand-kept copies remain ("keep in sync", "mirrors …" comments)', () => {
    let hits = '';
    try {
      hits = execFileSync(
        'git',
        [
          'grep',
          '-n',
          '-i',
          '-E',
          'keep(s)? in sync|mirrors (src|assembly)/|mirror of committee_work',
          '--',
          'src',
          'assembly',
          'test',
          'bench',
          'explorer',
          ':!test/wasm/contract.test.ts',
        ],
        { encoding: 'utf8' },
      );
    } catch (e) {
      if ((e as { status?: number }).status !== 1) throw e; // 1: no match
    }
    expect(hits.trim()).toBe('');
  });

  it('the DOPRI5 tableau satisfies the order conditions (independent check of the one definition)', () => {
    // Butcher order conditions (Hairer–Nørsett–Wanner I, §II.2): the 5th-order weights b (= row 7, FSAL), the
    // embedded 4th-order weights b̂ = b − E, and row sums c_i = Σ_j a_ij. Exact rationals, so rounding only.
    const c = [0, T.C2, T.C3, T.C4, T.C5, 1, 1];
    const A = [
      [],
      [T.A21],
      [T.A31, T.A32],
      [T.A41, T.A42, T.A43],
      [T.A51, T.A52, T.A53, T.A54],
      [T.A61, T.A62, T.A63, T.A64, T.A65],
      [T.A71, 0, T.A73, T.A74, T.A75, T.A76],
    ];
    for (let i = 1; i < 7; i++) expect(A[i].reduce((s, x) => s + x, 0)).toBeCloseTo(c[i], 14);
    const b = [...A[6], 0];
    const E = [T.E1, 0, T.E3, T.E4, T.E5, T.E6, T.E7];
    const bh = b.map((x, i) => x - E[i]);
    const Ac = (v: number[]) => A.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    const dotw = (w: number[], v: number[]) => w.reduce((s, x, i) => s + x * v[i], 0);
    const cq = (q: number) => c.map((x) => x ** q);
    const conds = (w: number[], order: number) => {
      const out: [number, number][] = [];
      for (let q = 0; q < order; q++) out.push([dotw(w, cq(q)), 1 / (q + 1)]); // Σ b c^q = 1/(q+1)
      if (order >= 3) out.push([dotw(w, Ac(c)), 1 / 6]);
      if (order >= 4)
        out.push(
          [dotw(w, Ac(cq(2))), 1 / 12],
          [
            dotw(
              w,
              c.map((x, i) => x * Ac(c)[i]),
            ),
            1 / 8,
          ],
          [dotw(w, Ac(Ac(c))), 1 / 24],
        );
      if (order >= 5)
        out.push(
          [dotw(w, Ac(cq(3))), 1 / 20],
          [dotw(w, Ac(Ac(Ac(c)))), 1 / 120],
          [
            dotw(
              w,
              c.map((x, i) => x * x * Ac(c)[i]),
            ),
            1 / 10,
          ],
        );
      return out;
    };
    for (const [got, want] of [...conds(b, 5), ...conds(bh, 4)]) expect(Math.abs(got - want)).toBeLessThan(2e-15);
    // b̂ is only 4th order: it violates Σ b̂ c⁴ = 1/5 (else the error estimate would vanish)
    expect(Math.abs(dotw(bh, cq(4)) - 1 / 5)).toBeGreaterThan(1e-4);
    // dense output at θ = 1 must reproduce the step: r1 + r2 + 0 + … → b; checked through D: Σ D_i = 0
    expect(Math.abs(T.D1 + T.D3 + T.D4 + T.D5 + T.D6 + T.D7)).toBeLessThan(1e-14);
  });
});
