// NumPy .npy writer and reader (format v1.0; reads v1/v2/v3), hand-written (engineering.md §9).
// Layout: b"\x93NUMPY" 0x01 0x00, u16 LE header length, an ASCII dict
// "{'descr': '<f8', 'fortran_order': False, 'shape': (n, d), }" padded with spaces and ending in
// "\n" so the data starts at a multiple of 64 bytes, then the raw little-endian C-order data.
// Browser-safe: no Node imports; returns Uint8Array.

export type NpyTypedArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export interface NdArray<T extends NpyTypedArray = NpyTypedArray> {
  data: T;
  /** C-order shape; [] for a 0-d scalar. Omitted = 1-d. */
  shape?: readonly number[];
}

type Ctor = { new (buf: ArrayBuffer): NpyTypedArray; BYTES_PER_ELEMENT: number; name: string };
const DTYPES: Record<string, Ctor> = {
  '<f8': Float64Array,
  '<f4': Float32Array,
  '|i1': Int8Array,
  '<i2': Int16Array,
  '<i4': Int32Array,
  '<i8': BigInt64Array,
  '|u1': Uint8Array,
  '<u2': Uint16Array,
  '<u4': Uint32Array,
  '<u8': BigUint64Array,
};

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('learndyn io/npy assumes a little-endian host');

/** The numpy descr of a typed array ('<f8' for Float64Array, ...). */
export function npyDescr(data: NpyTypedArray): string {
  for (const [descr, C] of Object.entries(DTYPES)) if (data.constructor === C) return descr;
  throw new TypeError(`no .npy dtype for ${data.constructor.name}`);
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function shapeStr(shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Encode an array (or {data, shape}) as .npy bytes. */
export function encodeNpy(arr: NpyTypedArray | NdArray): Uint8Array {
  const { data, shape: sh } = ArrayBuffer.isView(arr) ? { data: arr, shape: undefined } : arr;
  const shape = sh ?? [data.length];
  const count = shape.reduce((a, b) => a * b, 1);
  for (const s of shape) if (!Number.isInteger(s) || s < 0) throw new RangeError(`bad shape ${shapeStr(shape)}`);
  if (count !== data.length) throw new RangeError(`shape ${shapeStr(shape)} needs ${count} elements, got ${data.length}`);
  let dict = `{'descr': '${npyDescr(data)}', 'fortran_order': False, 'shape': ${shapeStr(shape)}, }`;
  let version = 1;
  let pre = 10; // magic 6 + version 2 + u16 length
  if (dict.length + 1 + 63 > 0xffff) {
    version = 2; // u32 header length
    pre = 12;
  }
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const hlen = dict.length;
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, hlen, true);
  else dv.setUint32(8, hlen, true);
  for (let i = 0; i < hlen; i++) out[pre + i] = dict.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

export interface DecodedNpy {
  data: NpyTypedArray;
  shape: number[];
  descr: string;
}

/** Decode .npy bytes (little-endian or byte-order-free dtypes from DTYPES, C order). The data is
 *  copied into a fresh, aligned typed array. */
export function decodeNpy(bytes: Uint8Array): DecodedNpy {
  for (let i = 0; i < 6; i++) if (bytes[i] !== MAGIC[i]) throw new Error('not a .npy file (bad magic)');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let hlen: number;
  let pre: number;
  if (major === 1) {
    hlen = dv.getUint16(8, true);
    pre = 10;
  } else if (major === 2 || major === 3) {
    hlen = dv.getUint32(8, true);
    pre = 12;
  } else throw new Error(`unsupported .npy version ${major}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(pre, pre + hlen));
  const descrM = /'descr'\s*:\s*'([^']+)'/.exec(header);
  const fortranM = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrM || !fortranM || !shapeM) throw new Error(`bad .npy header: ${header}`);
  let descr = descrM[1];
  if (descr === '<u1' || descr === '=u1') descr = '|u1';
  if (descr === '<i1' || descr === '=i1') descr = '|i1';
  const C = DTYPES[descr];
  if (!C) throw new Error(`unsupported .npy dtype ${descr} (supported: ${Object.keys(DTYPES).join(' ')})`);
  if (fortranM[1] === 'True') throw new Error('Fortran-order .npy is not supported');
  const shape = shapeM[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s));
  const count = shape.reduce((a, b) => a * b, 1);
  const start = pre + hlen;
  const nbytes = count * C.BYTES_PER_ELEMENT;
  if (start + nbytes > bytes.length) throw new Error(`truncated .npy: need ${nbytes} data bytes`);
  // Copy into a fresh buffer: a Node Buffer's slice() is a view on a shared pool.
  const copy = new Uint8Array(nbytes);
  copy.set(bytes.subarray(start, start + nbytes));
  return { data: new C(copy.buffer), shape, descr };
}
