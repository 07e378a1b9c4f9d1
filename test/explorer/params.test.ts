// The explorer's form defaults are `npm run demo`'s, and its URL state round-trips (Node, no browser).
import { describe, expect, it } from 'vitest';
import { buildParams, defaults, FIELDS, hashToState, parseField, stateToHash } from '../../explorer/src/params.js';
import { PRESETS, SWEEP_PRESETS } from '../../explorer/src/presets.js';
import { DEMO_COMMITTEE, DEMO_KERNEL } from '../../src/cli/demo.js';
import { checkSpec, expandAxes } from '../../src/sweep/spec.js';
import { ENGINES } from '../../src/engines.js';
import { validate } from '../../explorer/src/params.js';

describe('explorer defaults and URL state', () => {
  it('the kernel and committee defaults are the demo’s parameters', () => {
    for (const [engine, demo] of [
      ['kernel', DEMO_KERNEL],
      ['committee', DEMO_COMMITTEE],
    ] as const) {
      const { problem } = buildParams(engine, defaults(engine));
      for (const [k, v] of Object.entries(demo)) {
        const f = FIELDS[engine].find((x) => x.key === k);
        expect(f, `${engine} field ${k}`).toBeDefined();
        expect(parseField(f!, defaults(engine)[k]), `${engine}.${k}`).toEqual(v);
        if (f!.group !== 'sim') expect(problem[k]).toEqual(v);
      }
    }
  });

  it('a view survives the URL: tab, every field, the y axes, the preset', () => {
    const values = { ...defaults('committee'), p: '3', lr: '0.5', activation: 'relu' };
    const h = stateToHash({ tab: 'committee', values, yScale: 'linear', preset: 'x' });
    const back = hashToState(h)!;
    expect(back).toMatchObject({ tab: 'committee', yScale: 'linear', preset: 'x' });
    expect(back.values).toEqual(values);
    // Every field is in the link (defaults included), so it does not depend on today's defaults.
    for (const f of FIELDS.committee) expect(new URLSearchParams(h.slice(1)).has(f.key), f.key).toBe(true);
    expect(hashToState('#dmft')).toEqual({ tab: 'dmft' });
    expect(hashToState('#nonsense')).toBeUndefined();
    const sw = hashToState(stateToHash({ tab: 'sweep', spec: '{"command":"committee ode"}', scalar: 'riskFinal', yScale: 'log' }))!;
    expect(sw).toMatchObject({ tab: 'sweep', spec: '{"command":"committee ode"}', scalar: 'riskFinal', yScale: 'log' });
  });

  it('every preset is a valid problem of its tab, and every sweep preset a valid sweep', async () => {
    for (const engine of ['kernel', 'committee', 'dmft'] as const)
      for (const pr of PRESETS[engine]) {
        for (const k of Object.keys(pr.values))
          expect(
            FIELDS[engine].some((f) => f.key === k),
            `${pr.id}: ${k}`,
          ).toBe(true);
        const v = validate(engine, { ...defaults(engine), ...pr.values });
        expect(v.fields, pr.id).toEqual({});
        expect(v.general, pr.id).toBeUndefined();
      }
    for (const pr of SWEEP_PRESETS) {
      const { spec } = checkSpec(pr.spec, ENGINES);
      expect(expandAxes(spec).length).toBeLessThanOrEqual(64);
    }
  });
});
