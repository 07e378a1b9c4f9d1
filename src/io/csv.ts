// Numeric CSV (engineering.md §8 `curves.csv`): one header row, comma separated, "\n" line ends,
// one column per named array, full precision.
// Number format: finite values use the shortest round-trip decimal (JS String(x)), so parsing gives
// back the identical f64; -0 is written "-0"; NaN -> "nan", +Inf -> "inf", -Inf -> "-inf"
// (read by numpy.loadtxt/genfromtxt, pandas and Python float()). Columns of different lengths are
// aligned at row 0; a shorter column has empty cells below its end (read back as NaN).
// Header names containing ',', '"' or line breaks are double-quoted ("" escapes a quote).

export type CsvColumns = Record<string, ArrayLike<number>> | ReadonlyArray<readonly [string, ArrayLike<number>]>;

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

export function parseNumber(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === '' || t === 'nan' || t === '-nan' || t === '+nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  const v = Number(t);
  if (Number.isNaN(v)) throw new SyntaxError(`not a number in CSV: ${JSON.stringify(s)}`);
  return v;
}

function quote(name: string): string {
  return /[",\r\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

function entries(columns: CsvColumns): Array<readonly [string, ArrayLike<number>]> {
  return Array.isArray(columns) ? [...columns] : Object.entries(columns as Record<string, ArrayLike<number>>);
}

/** CSV text of the columns (in insertion order). */
export function csvString(columns: CsvColumns): string {
  const cols = entries(columns);
  const rows = cols.reduce((m, [, v]) => Math.max(m, v.length), 0);
  const lines: string[] = [cols.map(([k]) => quote(k)).join(',')];
  for (let i = 0; i < rows; i++) {
    let line = '';
    for (let j = 0; j < cols.length; j++) {
      const v = cols[j][1];
      if (j > 0) line += ',';
      if (i < v.length) line += formatNumber(v[i]);
    }
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/** UTF-8 bytes of csvString. */
export function encodeCsv(columns: CsvColumns): Uint8Array {
  return new TextEncoder().encode(csvString(columns));
}

function splitHeader(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Parse a numeric CSV written by encodeCsv (header names may be quoted; cells may not). */
export function decodeCsv(input: Uint8Array | string): { header: string[]; columns: Record<string, Float64Array> } {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return { header: [], columns: {} };
  const header = splitHeader(lines[0]);
  const data = header.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    if (cells.length !== header.length) throw new SyntaxError(`CSV row ${i} has ${cells.length} cells, header has ${header.length}`);
    for (let j = 0; j < cells.length; j++) data[j][i - 1] = parseNumber(cells[j]);
  }
  const columns: Record<string, Float64Array> = {};
  header.forEach((h, j) => (columns[h] = data[j]));
  return { header, columns };
}
