import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  canonical,
  csvString,
  decodeCsv,
  decodeNpy,
  decodeNpz,
  deterministicView,
  encodeCsv,
  encodeNpy,
  encodeNpz,
  encodeOutputs,
  manifestJson,
  sha256Hex,
  writeOutputs,
  type ManifestInput,
  type NpyTypedArray,
} from '../../src/io/index.js';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!hasNumpy) console.warn('[test/io] python3 + numpy not available: numpy round-trip tests are SKIPPED');

const py = (code: string, ...args: string[]) => execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
const hexOf = (a: NpyTypedArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
const tmp = () => mkdtempSync(join(tmpdir(), 'learndyn-io-'));

function specials(n: number): Float64Array {
  const a = new Float64Array(n);
  const s = [0, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 0.1, 1 / 3, -2.5e-300];
  for (let i = 0; i < n; i++) a[i] = i < s.length ? s[i] : Math.sin(i * 1.2345) * 10 ** ((i % 40) - 20);
  return a;
}

const CASES: Array<{ name: string; data: NpyTypedArray; shape: number[] }> = [
  { name: 'f8_2d', data: specials(12), shape: [3, 4] },
  { name: 'f8_1d', data: specials(17), shape: [17] },
  { name: 'f8_0d', data: new Float64Array([Math.PI]), shape: [] },
  { name: 'f8_3d', data: specials(24), shape: [2, 3, 4] },
  { name: 'f8_empty', data: new Float64Array(0), shape: [0, 3] },
  { name: 'i4', data: new Int32Array([1, -2, 2147483647, -2147483648, 0, 7]), shape: [2, 3] },
  { name: 'i8', data: new BigInt64Array([1n, -(2n ** 63n), 2n ** 63n - 1n]), shape: [3] },
  { name: 'u1', data: new Uint8Array([0, 1, 255, 128]), shape: [4] },
  { name: 'f4', data: new Float32Array([1.5, -0.1, NaN]), shape: [3] },
  { name: 'u4', data: new Uint32Array([0, 4294967295]), shape: [2, 1] },
];

describe('.npy', () => {
  it('header is v1.0, padded so data starts at a multiple of 64, ends with newline', () => {
    for (const c of CASES) {
      const b = encodeNpy({ data: c.data, shape: c.shape });
      expect(Array.from(b.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      const hlen = b[8] | (b[9] << 8);
      expect((10 + hlen) % 64).toBe(0);
      expect(b[10 + hlen - 1]).toBe(0x0a);
      expect(b.length).toBe(10 + hlen + c.data.byteLength);
    }
  });

  it('round-trips every dtype and shape (incl. 0-d and empty) in TS, bit for bit', () => {
    for (const c of CASES) {
      const d = decodeNpy(encodeNpy({ data: c.data, shape: c.shape }));
      expect(d.shape).toEqual(c.shape);
      expect(d.data.constructor).toBe(c.data.constructor);
      expect(hexOf(d.data)).toBe(hexOf(c.data));
    }
    // a bare typed array is 1-d
    expect(decodeNpy(encodeNpy(new Float64Array([1, 2]))).shape).toEqual([2]);
  });

  it('rejects mismatched shapes, unsupported dtypes and Fortran order', () => {
    expect(() => encodeNpy({ data: new Float64Array(5), shape: [2, 3] })).toThrow(RangeError);
    const b2 = encodeNpy(new Float64Array(1));
    const head = new TextDecoder('latin1').decode(b2.subarray(10, 64)).replace("'fortran_order': False", "'fortran_order': True ");
    for (let i = 0; i < head.length; i++) b2[10 + i] = head.charCodeAt(i);
    expect(() => decodeNpy(b2)).toThrow(/Fortran/);
    expect(() => decodeNpy(new Uint8Array(16))).toThrow(/magic/);
    expect(() => encodeNpy([1, 2] as unknown as Float64Array)).toThrow();
  });

  it.skipIf(!hasNumpy)('numpy reads our .npy files: dtype, shape, bytes identical; and np.save writes the same bytes', () => {
    const dir = tmp();
    for (const c of CASES) writeFileSync(join(dir, `${c.name}.npy`), encodeNpy({ data: c.data, shape: c.shape }));
    const out = JSON.parse(
      py(
        `import numpy as np, json, sys, os, io
d = sys.argv[1]; res = {}
for f in sorted(os.listdir(d)):
    a = np.load(os.path.join(d, f))
    buf = io.BytesIO(); np.save(buf, a)
    res[f[:-4]] = {"dtype": a.dtype.str, "shape": list(a.shape), "hex": a.tobytes().hex(),
                   "same": buf.getvalue() == open(os.path.join(d, f), "rb").read()}
print(json.dumps(res))`,
        dir,
      ),
    );
    for (const c of CASES) {
      const r = out[c.name];
      expect(r.shape, c.name).toEqual(c.shape);
      expect(r.hex, c.name).toBe(hexOf(c.data));
      expect(r.dtype.replace('|', '<'), c.name).toBe(decodeNpy(encodeNpy(c.data)).descr.replace('|', '<'));
      expect(r.same, `${c.name}: np.save bytes == ours`).toBe(true);
    }
  });

  it.skipIf(!hasNumpy)('we read numpy-written .npy files (incl. big shapes, 0-d, int64, bool-free dtypes)', () => {
    const dir = tmp();
    const meta = JSON.parse(
      py(
        `import numpy as np, json, sys, os
d = sys.argv[1]; rng = np.random.default_rng(5); res = {}
arrs = {"f8": rng.standard_normal((7, 5)), "f8_0d": np.float64(2.5), "i8": np.arange(-3, 9, dtype=np.int64).reshape(3, 4),
        "i4": np.arange(10, dtype=np.int32), "u1": np.arange(256, dtype=np.uint8), "f4": np.linspace(0, 1, 6, dtype=np.float32),
        "f8_col": np.array([[np.nan], [np.inf], [-0.0]])}
for k, a in arrs.items():
    a = np.asarray(a); np.save(os.path.join(d, k + ".npy"), a)
    res[k] = {"shape": list(a.shape), "hex": a.tobytes().hex()}
np.savez(os.path.join(d, "plain.npz"), **arrs)
np.savez_compressed(os.path.join(d, "comp.npz"), **arrs)
print(json.dumps(res))`,
        dir,
      ),
    );
    for (const [k, m] of Object.entries(meta) as Array<[string, { shape: number[]; hex: string }]>) {
      const a = decodeNpy(new Uint8Array(readFileSync(join(dir, `${k}.npy`))));
      expect(a.shape, k).toEqual(m.shape);
      expect(hexOf(a.data), k).toBe(m.hex);
    }
    for (const f of ['plain.npz', 'comp.npz']) {
      const z = decodeNpz(new Uint8Array(readFileSync(join(dir, f))));
      expect(Object.keys(z).sort()).toEqual(Object.keys(meta).sort());
      for (const [k, m] of Object.entries(meta) as Array<[string, { shape: number[]; hex: string }]>) {
        expect(z[k].shape).toEqual(m.shape);
        expect(hexOf(z[k].data)).toBe(m.hex);
      }
    }
  });
});

describe('.npz', () => {
  const arrays = Object.fromEntries(CASES.map((c) => [c.name, { data: c.data, shape: c.shape }]));

  it('round-trips in TS and is byte-deterministic (stored, fixed timestamps)', () => {
    const a = encodeNpz(arrays);
    const b = encodeNpz(Object.fromEntries(Object.entries(arrays).reverse()));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const z = decodeNpz(a);
    for (const c of CASES) {
      expect(z[c.name].shape).toEqual(c.shape);
      expect(hexOf(z[c.name].data)).toBe(hexOf(c.data));
    }
    // STORED: the archive is not smaller than its payload
    const payload = CASES.reduce((s, c) => s + c.data.byteLength, 0);
    expect(a.length).toBeGreaterThan(payload);
    expect(decodeNpz(encodeNpz(arrays, { level: 6 })).f8_2d.shape).toEqual([3, 4]);
    expect(() => encodeNpz({ 'bad/name': new Float64Array(1) })).toThrow(RangeError);
  });

  it.skipIf(!hasNumpy)('numpy.load reads our .npz (stored and deflated)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.npz'), encodeNpz(arrays));
    writeFileSync(join(dir, 'b.npz'), encodeNpz(arrays, { level: 9 }));
    for (const f of ['a.npz', 'b.npz']) {
      const out = JSON.parse(
        py(
          `import numpy as np, json, sys
z = np.load(sys.argv[1])
print(json.dumps({k: {"shape": list(z[k].shape), "hex": z[k].tobytes().hex()} for k in z.files}))`,
          join(dir, f),
        ),
      );
      for (const c of CASES) {
        expect(out[c.name].shape).toEqual(c.shape);
        expect(out[c.name].hex).toBe(hexOf(c.data));
      }
    }
  });
});

describe('CSV', () => {
  it('writes one header row, shortest round-trip numbers, nan/inf, -0; parses back bit-exactly', () => {
    const x = specials(50);
    const y = new Float64Array(50).map((_, i) => Math.exp(-i / 7) / 3);
    const s = csvString({ t: x, 'loss,test': y });
    const lines = s.trimEnd().split('\n');
    expect(lines[0]).toBe('t,"loss,test"');
    expect(lines.slice(1, 6)).toEqual([`0,${y[0]}`, `-0,${y[1]}`, `nan,${y[2]}`, `inf,${y[3]}`, `-inf,${y[4]}`]);
    const back = decodeCsv(encodeCsv({ t: x, 'loss,test': y }));
    expect(back.header).toEqual(['t', 'loss,test']);
    expect(hexOf(back.columns.t)).toBe(hexOf(x));
    expect(hexOf(back.columns['loss,test'])).toBe(hexOf(y));
  });

  it('aligns columns of different lengths at row 0, empty cells read back as NaN', () => {
    const s = csvString([
      ['a', [1, 2, 3]],
      ['b', [4]],
    ]);
    expect(s).toBe('a,b\n1,4\n2,\n3,\n');
    const back = decodeCsv(s);
    expect(Array.from(back.columns.b)).toEqual([4, NaN, NaN]);
  });

  it.skipIf(!hasNumpy)('numpy.loadtxt reads it to the same f64 bits', () => {
    const dir = tmp();
    const x = specials(40);
    const y = new Float64Array(40).map((_, i) => 1 / (i + 0.3));
    writeFileSync(join(dir, 'c.csv'), encodeCsv({ x, y }));
    const out = JSON.parse(
      py(
        `import numpy as np, json, sys
a = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
h = open(sys.argv[1]).readline().strip().split(",")
print(json.dumps({"h": h, "x": np.ascontiguousarray(a[:, 0]).tobytes().hex(), "y": np.ascontiguousarray(a[:, 1]).tobytes().hex()}))`,
        join(dir, 'c.csv'),
      ),
    );
    expect(out.h).toEqual(['x', 'y']);
    // numpy parses "nan" as its canonical quiet NaN (same bits as JS NaN)
    expect(out.x).toBe(hexOf(x));
    expect(out.y).toBe(hexOf(y));
  });
});

describe('manifest', () => {
  const base = (): ManifestInput => ({
    version: '0.1.0',
    command: ['kernel', 'run', '--seed', '7'],
    problem: { n: 500, d: 60, kernel: { name: 'exp', scale: 1 }, energies: new Float64Array([0, 1 / 3]), noise: NaN },
    seed: 7,
    rngScheme: 'learndyn-xoshiro256pp-splitmix64-jump/v1',
    wasm: { variant: 'release', simd: true, threads: false, noLiftoff: true },
    status: 'Success',
    stats: { steps: 10, maxErr: 1e-13 },
    files: [
      { name: 'b.npy', sha256: 'bb', bytes: 2 },
      { name: 'a.npy', sha256: 'aa', bytes: 1 },
    ],
    timings: { wallMs: Math.random() * 100 },
  });

  it('same input -> byte-identical JSON; key order fixed; only timings/createdAt vary', () => {
    const a = base();
    const b = base();
    // same content, different construction order
    b.problem = { noise: NaN, energies: [0, 1 / 3], d: 60, kernel: { scale: 1, name: 'exp' }, n: 500 };
    b.stats = { maxErr: 1e-13, steps: 10 };
    const ma = buildManifest(a);
    const mb = buildManifest({ ...b, createdAt: true });
    expect(manifestJson(deterministicView(ma))).toBe(manifestJson(deterministicView(mb)));
    expect(manifestJson(ma)).not.toBe(manifestJson(mb)); // timings and createdAt differ
    const fixed = { ...a, timings: { wallMs: 1 } };
    expect(manifestJson(buildManifest(fixed))).toBe(manifestJson(buildManifest({ ...fixed })));
    expect(Object.keys(ma)).toEqual(['tool', 'version', 'command', 'status', 'seed', 'rngScheme', 'wasm', 'problem', 'stats', 'files', 'timings']);
    expect(Object.keys(mb).at(-1)).toBe('createdAt');
    const files = ma.files as Array<{ name: string }>;
    expect(files.map((f) => f.name)).toEqual(['a.npy', 'b.npy']);
    expect((ma.problem as Record<string, unknown>).noise).toBe('nan');
    expect(Object.keys(ma.problem as object)).toEqual(['d', 'energies', 'kernel', 'n', 'noise']);
    expect(manifestJson(ma).endsWith('}\n')).toBe(true);
  });

  it('seeds: safe integers stay numbers, larger u64 become strings', () => {
    expect(buildManifest({ ...base(), seed: 2n ** 64n - 1n }).seed).toBe('18446744073709551615');
    expect(buildManifest({ ...base(), seed: 12n }).seed).toBe(12);
    expect(canonical({ x: 1n, y: -0, z: [undefined, Infinity] })).toEqual({ x: '1', y: 0, z: [null, 'inf'] });
  });

  it('sha256 known answer', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('writeOutputs', () => {
  const bundle = () => ({
    arrays: {
      X: { data: new Float64Array(12).map((_, i) => i / 7), shape: [3, 4] },
      loss: new Float64Array([1, 0.5, 0.25]),
    },
    csv: { columns: { t: [0, 1, 2], loss: [1, 0.5, 0.25] } },
    manifest: {
      version: '0.1.0',
      command: 'learndyn kernel run',
      problem: { n: 3 },
      seed: 1,
      rngScheme: 'x',
      wasm: { variant: 'scalar', simd: false, threads: false, noLiftoff: true },
      status: 'Success',
      timings: { wallMs: Math.random() },
    },
  });

  it('writes deterministic files; manifest lists sha256/bytes of every other file', async () => {
    const d1 = tmp();
    const d2 = tmp();
    const r1 = await writeOutputs(d1, bundle());
    await writeOutputs(d2, bundle());
    const names = readdirSync(d1).sort();
    expect(names).toEqual(['X.npy', 'arrays.npz', 'curves.csv', 'loss.npy', 'manifest.json']);
    for (const n of names) {
      const a = readFileSync(join(d1, n));
      const b = readFileSync(join(d2, n));
      if (n === 'manifest.json') {
        const ja = JSON.parse(a.toString());
        const jb = JSON.parse(b.toString());
        expect(deterministicView(ja)).toEqual(deterministicView(jb));
      } else expect(a.equals(b), n).toBe(true);
    }
    const m = JSON.parse(readFileSync(join(d1, 'manifest.json'), 'utf8'));
    expect(m.files.map((f: { name: string }) => f.name)).toEqual(['X.npy', 'arrays.npz', 'curves.csv', 'loss.npy']);
    for (const f of m.files) {
      const bytes = new Uint8Array(readFileSync(join(d1, f.name)));
      expect(f.bytes).toBe(bytes.length);
      expect(f.sha256).toBe(await sha256Hex(bytes));
    }
    expect(r1.paths.at(-1)).toBe(join(d1, 'manifest.json'));
    expect(decodeNpy(new Uint8Array(readFileSync(join(d1, 'X.npy')))).shape).toEqual([3, 4]);
    // in-memory encoding equals what was written
    const enc = await encodeOutputs({ ...bundle(), manifest: undefined });
    expect(Buffer.from(enc.files.get('arrays.npz')!).equals(readFileSync(join(d1, 'arrays.npz')))).toBe(true);
  });
});
