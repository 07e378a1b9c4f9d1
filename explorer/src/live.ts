// Live DMFT curves while a run is in progress: the points of the solver's stepping iterator (worker
// 'progress' messages carry them, see DmftLive in worker.ts) drawn as a small SVG sketch — train and
// test error against t on linear axes — until the finished figure replaces it. Pure functions (no DOM),
// so they are tested without a browser.
import type { DmftLive } from './worker.js';

/** The curves of the latest pass (a second-order run restarts at t = 0 for its η/2 pass). */
export interface LiveCurves {
  pass: number;
  t: number[];
  trainError: number[];
  testError: number[];
}

export const emptyLive = (): LiveCurves => ({ pass: 0, t: [], trainError: [], testError: [] });

/** Append a progress message's points; a new pass starts the curves over. */
export function appendLive(acc: LiveCurves, live: DmftLive): LiveCurves {
  const base = live.pass === acc.pass ? acc : { ...emptyLive(), pass: live.pass };
  return {
    pass: live.pass,
    t: base.t.concat(live.t),
    trainError: base.trainError.concat(live.trainError),
    testError: base.testError.concat(live.testError),
  };
}

const W = 480;
const H = 240;
const PAD = { left: 56, right: 12, top: 24, bottom: 32 };

/** Map the curves into the plot box; non-finite values are dropped (a blow-up ends the polyline). */
export function livePolylines(c: LiveCurves): { train: string; test: string; tMax: number; yMax: number } {
  const finite = (x: number) => Number.isFinite(x);
  const tMax = Math.max(1e-12, ...c.t.filter(finite));
  const yMax = Math.max(1e-12, ...c.trainError.filter(finite), ...c.testError.filter(finite));
  const x = (t: number) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const line = (ys: number[]) =>
    c.t
      .map((t, i) => [t, ys[i]] as const)
      .filter(([t, v]) => finite(t) && finite(v))
      .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ');
  return { train: line(c.trainError), test: line(c.testError), tMax, yMax };
}

/** The sketch: two polylines, the axis ranges as text, and a caption saying it is live. */
export function liveSvg(c: LiveCurves): string {
  const { train, test, tMax, yMax } = livePolylines(c);
  const last = c.t.length ? c.t[c.t.length - 1] : 0;
  const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-2) ? v.toExponential(2) : v.toPrecision(3));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-testid="live-plot" role="img">`,
    `<title>DMFT in progress: train and test error against t (t = ${fmt(last)})</title>`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#888"/>`,
    `<polyline points="${train}" fill="none" stroke="#ff7f0e" stroke-width="1.5"/>`,
    `<polyline points="${test}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`,
    `<text x="${PAD.left}" y="16" font-size="12">live: train (orange), test (blue) error, pass ${c.pass}, t = ${fmt(last)}</text>`,
    `<text x="${PAD.left - 4}" y="${PAD.top + 10}" font-size="11" text-anchor="end">${fmt(yMax)}</text>`,
    `<text x="${PAD.left - 4}" y="${H - PAD.bottom}" font-size="11" text-anchor="end">0</text>`,
    `<text x="${W - PAD.right}" y="${H - 8}" font-size="11" text-anchor="end">t = ${fmt(tMax)}</text>`,
    '</svg>',
  ].join('');
}
