// Output writers (engineering.md §8). The encoders return Uint8Array (browsers can offer them as
// downloads); writeOutputs / writeBytes are Node helpers (node:fs is imported lazily, so importing
// this module in a browser is fine as long as they are not called).
import { encodeCsv, type CsvColumns } from './csv.js';
import { describeArray, type ArrayDoc } from '../core/vocabulary.js';
import { buildManifest, encodeManifest, fileEntry, type Manifest, type ManifestFile, type ManifestInput } from './manifest.js';
import { encodeNpy, type NdArray, type NpyTypedArray } from './npy.js';
import { checkArrayName, encodeNpz, NPZ_MAX_BYTES } from './npz.js';
import { replaceFolder } from './replace.js';

export * from './bytes.js';
export * from './npy.js';
export * from './npz.js';
export * from './csv.js';
export * from './manifest.js';

/** Fixed output file names. */
export const OUTPUT_FILES = {
  npz: 'arrays.npz',
  csv: 'curves.csv',
  manifest: 'manifest.json',
  npy: (name: string) => `${name}.npy`,
} as const;

export interface OutputBundle {
  /** Named arrays: a Float64Array (1-d) or {data, shape}. Names match /^[A-Za-z0-9_.-]+$/. */
  arrays?: Record<string, NpyTypedArray | NdArray>;
  /** Columns of curves.csv (insertion order kept). */
  csv?: { columns: CsvColumns };
  /** Manifest fields; `files` is filled in here (every file written before manifest.json). */
  manifest?: Omit<ManifestInput, 'files'>;
  /** Write one <name>.npy per array (default true). */
  npy?: boolean;
  /** Write arrays.npz (default true; skipped automatically past fflate's 4 GiB no-ZIP64 limit). */
  npz?: boolean;
  /** Further files by name (figure.vl.json, figure.svg, figure.png, …), listed in the manifest. */
  extra?: Record<string, Uint8Array | undefined>;
  /** Definitions of arrays outside the shared vocabulary (e.g. a reproduction's own curves). */
  arrayDocs?: Record<string, ArrayDoc>;
}

export interface EncodedOutputs {
  /** file name -> bytes, in write order (manifest.json last). */
  files: Map<string, Uint8Array>;
  manifest?: Manifest;
  skipped: string[];
}

/** Encode a bundle in memory (browser-safe): one .npy per array, arrays.npz, curves.csv,
 *  manifest.json listing sha256 and size of every other file. */
export async function encodeOutputs(bundle: OutputBundle): Promise<EncodedOutputs> {
  const files = new Map<string, Uint8Array>();
  const skipped: string[] = [];
  const arrays = bundle.arrays ?? {};
  const names = Object.keys(arrays).sort();
  names.forEach(checkArrayName);
  if (bundle.npy ?? true) for (const n of names) files.set(OUTPUT_FILES.npy(n), encodeNpy(arrays[n]));
  if ((bundle.npz ?? true) && names.length > 0) {
    const size = names.reduce((s, n) => s + (ArrayBuffer.isView(arrays[n]) ? (arrays[n] as NpyTypedArray) : (arrays[n] as NdArray).data).byteLength + 256, 0);
    if (size > NPZ_MAX_BYTES) skipped.push(OUTPUT_FILES.npz);
    else files.set(OUTPUT_FILES.npz, encodeNpz(arrays));
  }
  if (bundle.csv) files.set(OUTPUT_FILES.csv, encodeCsv(bundle.csv.columns));
  for (const [name, bytes] of Object.entries(bundle.extra ?? {})) if (bytes) files.set(name, bytes);
  let manifest: Manifest | undefined;
  if (bundle.manifest) {
    const entries: ManifestFile[] = [];
    for (const [name, bytes] of files) entries.push(await fileEntry(name, bytes));
    const docs: Record<string, { definition: string; unit: string; shape: number[] }> = {};
    for (const n of names) {
      const a = arrays[n];
      const doc = bundle.arrayDocs?.[n] ?? describeArray(n) ?? { definition: 'see the figure and the manifest stats', unit: '' };
      docs[n] = { ...doc, shape: ArrayBuffer.isView(a) ? [(a as NpyTypedArray).length] : [...((a as NdArray).shape ?? [(a as NdArray).data.length])] };
    }
    manifest = buildManifest({ ...bundle.manifest, arrays: names.length ? docs : undefined, files: entries });
    files.set(OUTPUT_FILES.manifest, encodeManifest(manifest));
  }
  return { files, manifest, skipped };
}

/** Node: write bytes to a path (creating parent directories). */
export async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}

/** Node: encode a bundle and put it in place of the folder `dir`, atomically (src/io/replace.ts): the
 *  files are written under a temporary sibling name which is then renamed to `dir`; an existing `dir`
 *  loses only the files its manifest listed. Returns the written paths. */
export async function writeOutputs(dir: string, bundle: OutputBundle, opts: { keepPartial?: boolean } = {}): Promise<EncodedOutputs & { paths: string[] }> {
  const enc = await encodeOutputs(bundle);
  const paths = await replaceFolder(dir, enc.files, opts);
  return { ...enc, paths };
}
