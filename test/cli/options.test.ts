import { describe, expect, it } from 'vitest';
import { camel, normaliseParams as normaliseConfig, parseFieldValue as parseValue } from '../../src/core/engine.js';
import { kernelFields as kernelRunFlags } from '../../src/kernel/engine.js';

describe('CLI option parsing', () => {
  it('parses numbers, lists and special values without throwing', () => {
    expect(parseValue('int', '100')).toBe(100);
    expect(parseValue('number', '1e9')).toBe(1e9);
    expect(parseValue('number', 'abc')).toBe('abc');
    expect(Number.isNaN(parseValue('number', 'NaN') as number)).toBe(true);
    expect(parseValue('number', 'inf')).toBe(Infinity);
    expect(parseValue('numbers', '0,0.3333333, 0.5')).toEqual([0, 0.3333333, 0.5]);
    expect(parseValue('numberOrAuto', 'auto')).toBe('auto');
    expect(parseValue('numberOrAuto', 'none')).toBe(null);
    expect(parseValue('switch', 'true')).toBe(true);
  });

  it('config keys may be flag names or problem fields', () => {
    expect(camel('noise-sd')).toBe('noiseSd');
    const cfg = normaliseConfig({ 'noise-sd': '0.5', tMax: 1e6, energies: '0,1', dim: 10 }, kernelRunFlags);
    expect(cfg).toEqual({ noiseSd: 0.5, tMax: 1e6, energies: [0, 1], dim: 10 });
  });
});
