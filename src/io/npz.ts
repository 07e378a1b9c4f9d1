// .npz = a ZIP of `name.npy` members, via fflate (engineering.md §9). STORED (no compression) by
// default, as numpy.savez does; entries sorted by name and a fixed DOS timestamp (1980-01-01 00:00,
// built from local-time fields so every time zone writes the same bytes), so equal inputs give
// byte-identical archives. fflate has no ZIP64: the archive must stay below 4 GiB (checked).
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { decodeNpy, encodeNpy, type DecodedNpy, type NdArray, type NpyTypedArray } from './npy.js';

export interface NpzOptions {
  /** Deflate level 0 (STORED, default, like numpy.savez) .. 9 (numpy.savez_compressed reads any). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

export const NPZ_MAX_BYTES = 0xffffffff - 1024 * 1024;

const NAME_RE = /^[A-Za-z0-9_.-]+$/;

export function checkArrayName(name: string): void {
  if (!NAME_RE.test(name) || name.startsWith('.')) throw new RangeError(`array name ${JSON.stringify(name)} must match ${NAME_RE}`);
}

/** Encode named arrays as .npz bytes; keys become `key.npy`. */
export function encodeNpz(arrays: Record<string, NpyTypedArray | NdArray>, opts: NpzOptions = {}): Uint8Array {
  const level = opts.level ?? 0;
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  const files: Zippable = {};
  let total = 0;
  for (const name of Object.keys(arrays).sort()) {
    checkArrayName(name);
    const b = encodeNpy(arrays[name]);
    total += b.length + 128 + name.length * 2;
    files[`${name}.npy`] = [b, { level, mtime }];
  }
  if (total > NPZ_MAX_BYTES) throw new RangeError(`npz would be ${total} bytes; fflate has no ZIP64 (limit 4 GiB): write one .npy per array`);
  return zipSync(files, { level, mtime });
}

/** Decode .npz bytes into {name: array} (member `name.npy` -> key `name`). */
export function decodeNpz(bytes: Uint8Array): Record<string, DecodedNpy> {
  const files = unzipSync(bytes);
  const out: Record<string, DecodedNpy> = {};
  for (const [fname, b] of Object.entries(files)) {
    if (!fname.endsWith('.npy')) continue;
    out[fname.slice(0, -4)] = decodeNpy(b);
  }
  return out;
}
