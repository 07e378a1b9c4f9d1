import { describe, expect, it } from 'vitest';
import { appendLive, emptyLive, livePolylines, liveSvg } from '../../explorer/src/live.js';

describe('explorer live DMFT sketch', () => {
  it('accumulates the points of one pass and starts over on a new pass', () => {
    let c = appendLive(emptyLive(), { pass: 1, t: [0, 1], trainError: [1, 0.5], testError: [1, 0.6] });
    c = appendLive(c, { pass: 1, t: [2], trainError: [0.25], testError: [0.4] });
    expect(c.t).toEqual([0, 1, 2]);
    expect(c.testError).toEqual([1, 0.6, 0.4]);
    c = appendLive(c, { pass: 2, t: [0], trainError: [1], testError: [1] });
    expect(c).toEqual({ pass: 2, t: [0], trainError: [1], testError: [1] });
  });

  it('maps t to x and the error to y inside the box (largest value at the top, zero at the bottom)', () => {
    const c = { pass: 1, t: [0, 5, 10], trainError: [2, 1, 0], testError: [2, 1.5, 1] };
    const { train, test, tMax, yMax } = livePolylines(c);
    expect(tMax).toBe(10);
    expect(yMax).toBe(2);
    const pts = (s: string) => s.split(' ').map((p) => p.split(',').map(Number));
    const tr = pts(train);
    // x: left edge 56, right edge 480 − 12; y: top 24, bottom 240 − 32.
    expect(tr.map((p) => p[0])).toEqual([56, 262, 468]);
    expect(tr.map((p) => p[1])).toEqual([24, 116, 208]);
    expect(pts(test)[2]).toEqual([468, 116]);
  });

  it('drops non-finite values (a blow-up ends the line) and says what it shows', () => {
    const c = { pass: 1, t: [0, 1, 2], trainError: [1, Number.NaN, Number.POSITIVE_INFINITY], testError: [1, 0.5, 0.25] };
    expect(livePolylines(c).train.split(' ')).toHaveLength(1);
    const svg = liveSvg(c);
    expect(svg).toContain('data-testid="live-plot"');
    expect(svg).toMatch(/train \(orange\), test \(blue\) error, pass 1, t = 2\.00/);
  });
});
