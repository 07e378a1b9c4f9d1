// The learndyn explorer page: one tab per engine, a parameter form validated with the library's own
// rules, the theory curve recomputed live in a worker, simulations in a second worker with progress
// and Cancel, the engines' standard figures (the CLI's), key numbers and downloads.
import './style.css';
import { VERSION } from '../../src/version.js';
import {
  active,
  buildParams,
  defaults,
  ENGINE_TITLES,
  ENGINES,
  fieldOf,
  FIELDS,
  fmt,
  hashToState,
  stateToHash,
  validate,
  type Engine,
  type FieldSpec,
  type FormValues,
  type Tab,
  type Validation,
  type ViewState,
  type YScale,
} from './params.js';
import { appendLive, emptyLive, liveSvg, type LiveCurves } from './live.js';
import { PRESETS, SWEEP_PRESETS } from './presets.js';
import { PAGE_SWEEP_MAX_CELLS, type NumberRow, type Reply, type Request, type SweepInfo } from './worker.js';

/** A request without its id (distributed over the request kinds). */
type NewRequest = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const DEBOUNCE_MS = 250;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
};

function newWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'learndyn' });
}

/** One worker that runs one job at a time; a new job or cancel() terminates a busy worker. */
class Job {
  private worker?: Worker;
  private busy = false;
  private nextId = 1;
  private current = 0;
  constructor(private readonly onReply: (r: Reply) => void) {}

  start(req: NewRequest): number {
    if (this.busy) this.cancel();
    this.worker ??= this.spawn();
    const id = this.nextId++;
    this.current = id;
    this.busy = true;
    const transfer = req.kind === 'sweep-open' ? req.files.map(([, b]) => b.buffer as ArrayBuffer) : [];
    this.worker.postMessage({ ...req, id }, transfer);
    return id;
  }

  /** Stop the job in progress (terminating its worker; the next job starts a fresh one). */
  cancel(): void {
    if (!this.busy) return;
    this.worker?.terminate();
    this.worker = undefined;
    this.busy = false;
    this.current = 0;
  }

  get running(): boolean {
    return this.busy;
  }

  private spawn(): Worker {
    const w = newWorker();
    w.onmessage = (ev: MessageEvent<Reply>) => {
      const r = ev.data;
      if (r.kind === 'ready') return this.onReply(r);
      if (r.id === -1) return this.onReply(r);
      if (r.id !== this.current) return; // a superseded job
      if (r.kind !== 'progress') this.busy = false;
      this.onReply(r);
    };
    w.onerror = (ev) => {
      this.busy = false;
      this.onReply({ kind: 'error', id: this.current, message: ev.message || 'worker error' });
    };
    return w;
  }
}

interface EnginePanel {
  engine: Engine;
  root: HTMLElement;
  values: FormValues;
  inputs: Map<string, HTMLInputElement | HTMLSelectElement>;
  sliders: Map<string, HTMLInputElement>;
  errors: Map<string, HTMLElement>;
  fieldBoxes: Map<string, HTMLElement>;
  formError: HTMLElement;
  runButton: HTMLButtonElement;
  cancelButton: HTMLButtonElement;
  theory: { figure: HTMLElement; status: HTMLElement; numbers: HTMLElement };
  run: {
    figure: HTMLElement;
    status: HTMLElement;
    progress: HTMLProgressElement;
    phase: HTMLElement;
    wall: HTMLElement;
    numbers: HTMLElement;
    downloads: HTMLElement;
    stale: HTMLElement;
  };
  theoryJob: Job;
  runJob: Job;
  timer?: number;
  validation: Validation;
  /** Worker-side ParameterErrors (checks the form cannot make, e.g. kernel names), by field. */
  workerErrors: Record<string, string>;
  urls: string[];
  runStarted: number;
  /** DMFT: the curves of the run in progress (stepping iterator), drawn until the figure arrives. */
  live: LiveCurves;
  tick?: number;
  yScale: YScale;
  yScaleSelect: HTMLSelectElement;
  presetSelect: HTMLSelectElement;
  presetNote: HTMLElement;
  /** The run card holds a figure its worker can redraw. */
  hasRunFigure: boolean;
}

const panels = new Map<Engine, EnginePanel>();
let currentTab: Tab = 'kernel';
let wasmInfo: HTMLElement;

// ---------------------------------------------------------------- form

function fieldInput(engine: Engine, f: FieldSpec, value: string): HTMLInputElement | HTMLSelectElement {
  const id = `${engine}-${f.key}`;
  if (f.kind === 'select') {
    const s = el('select', { id, name: f.key, 'data-testid': `field-${f.key}` });
    for (const o of f.options ?? []) s.append(el('option', { value: o, text: o }));
    s.value = value;
    return s;
  }
  if (f.kind === 'bool') {
    const c = el('input', { id, name: f.key, type: 'checkbox', 'data-testid': `field-${f.key}` });
    c.checked = value === 'true';
    return c;
  }
  const i = el('input', {
    id,
    name: f.key,
    type: 'text',
    inputmode: f.kind === 'text' || f.kind === 'numbers' ? 'text' : 'decimal',
    spellcheck: 'false',
    autocomplete: 'off',
    'data-testid': `field-${f.key}`,
  });
  i.value = value;
  if (f.options) i.setAttribute('list', `${id}-list`);
  return i;
}

function sliderValue(f: FieldSpec, text: string): string | undefined {
  const v = Number(text);
  if (!f.slider || !Number.isFinite(v)) return undefined;
  if (f.slider.log) return v > 0 ? String(Math.log10(v)) : undefined;
  return String(v);
}

function fromSlider(f: FieldSpec, raw: string): string {
  const v = Number(raw);
  if (f.slider?.log) return String(Number((10 ** v).toPrecision(3)));
  return String(Number(v.toPrecision(6)));
}

function buildForm(p: EnginePanel, form: HTMLElement): void {
  const groups: Record<FieldSpec['group'], { title: string; box: HTMLFieldSetElement }> = {
    model: { title: 'Model', box: el('fieldset', { class: 'group' }, el('legend', { text: 'Model' })) },
    time: { title: 'Time grid', box: el('fieldset', { class: 'group' }, el('legend', { text: 'Time grid' })) },
    sim: { title: 'Simulation', box: el('fieldset', { class: 'group' }, el('legend', { text: 'Simulation only' })) },
  };
  for (const f of FIELDS[p.engine]) {
    const input = fieldInput(p.engine, f, p.values[f.key]);
    const label = el('label', { for: input.id, text: f.label });
    const control = el('div', { class: 'control' }, input);
    if (f.options && f.kind !== 'select') {
      const dl = el('datalist', { id: `${input.id}-list` });
      for (const o of f.options) dl.append(el('option', { value: o }));
      control.append(dl);
    }
    if (f.slider) {
      const s = el('input', {
        type: 'range',
        min: String(f.slider.min),
        max: String(f.slider.max),
        step: String(f.slider.step ?? 'any'),
        'aria-label': `${f.label} slider`,
        'data-testid': `slider-${f.key}`,
        tabindex: '-1',
      });
      const sv = sliderValue(f, p.values[f.key]);
      if (sv !== undefined) s.value = sv;
      s.addEventListener('input', () => {
        const text = fromSlider(f, s.value);
        input.value = text;
        onChange(p, f.key, text);
      });
      p.sliders.set(f.key, s);
      control.append(s);
    }
    const err = el('div', { class: 'err', role: 'alert', id: `${input.id}-err`, 'data-testid': `err-${f.key}` });
    input.setAttribute('aria-describedby', err.id);
    const box = el('div', { class: `field kind-${f.kind}`, 'data-field': f.key }, label, control, err);
    if (f.help) box.append(el('div', { class: 'help', text: f.help }));
    const read = () => (input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value);
    input.addEventListener(input instanceof HTMLSelectElement || (input as HTMLInputElement).type === 'checkbox' ? 'change' : 'input', () =>
      onChange(p, f.key, read()),
    );
    p.inputs.set(f.key, input);
    p.errors.set(f.key, err);
    p.fieldBoxes.set(f.key, box);
    groups[f.group].box.append(box);
  }
  form.append(groups.model.box, groups.time.box, groups.sim.box);
}

function onChange(p: EnginePanel, key: string, text: string): void {
  p.values[key] = text;
  markPreset(p);
  // Errors found by the workers depend on several fields (e.g. the SGD step budget): recheck them all.
  p.workerErrors = {};
  const f = FIELDS[p.engine].find((x) => x.key === key)!;
  const s = p.sliders.get(key);
  if (s && document.activeElement !== s) {
    const sv = sliderValue(f, text);
    if (sv !== undefined) s.value = sv;
  }
  refreshActive(p);
  refreshValidation(p);
  markRunStale(p);
  scheduleTheory(p);
  syncUrl();
}

/** The preset select shows the preset whose values the form holds, else “custom”. */
function markPreset(p: EnginePanel): void {
  const match = PRESETS[p.engine].find((pr) => {
    const want = { ...defaults(p.engine), ...pr.values };
    return FIELDS[p.engine].every((f) => (p.values[f.key] ?? f.def) === want[f.key]);
  });
  const isDefault = FIELDS[p.engine].every((f) => (p.values[f.key] ?? f.def) === f.def);
  p.presetSelect.value = match ? match.id : isDefault ? 'defaults' : 'custom';
  p.presetNote.textContent = match ? match.note : isDefault ? 'The defaults of npm run demo.' : '';
}

/** Put every field, the y-axis choice and the tab into the URL (a shared link reproduces the view). */
function syncUrl(): void {
  const st: ViewState = { tab: currentTab };
  if (currentTab === 'sweep') Object.assign(st, sweepState());
  else {
    const p = panels.get(currentTab)!;
    st.values = p.values;
    st.yScale = p.yScale;
    if (p.presetSelect.value !== 'custom' && p.presetSelect.value !== 'defaults') st.preset = p.presetSelect.value;
  }
  const h = stateToHash(st);
  if (location.hash !== h) history.replaceState(null, '', h);
}

/** Set every field of a panel (defaults, then the given texts), as if typed. */
function setValues(p: EnginePanel, values: FormValues): void {
  p.values = { ...defaults(p.engine), ...values };
  p.workerErrors = {};
  for (const f of FIELDS[p.engine]) {
    const i = p.inputs.get(f.key)!;
    const v = p.values[f.key];
    if (i instanceof HTMLInputElement && i.type === 'checkbox') i.checked = v === 'true';
    else i.value = v;
    const s = p.sliders.get(f.key);
    const sv = sliderValue(f, v);
    if (s && sv !== undefined) s.value = sv;
  }
  markPreset(p);
  refreshActive(p);
  refreshValidation(p);
  markRunStale(p);
  scheduleTheory(p);
}

/** Enable only the fields the current choices use (a(0) for mean-field, γ₀ for lazy). */
function refreshActive(p: EnginePanel): void {
  for (const f of FIELDS[p.engine]) {
    if (!f.when) continue;
    const on = active(f, p.values);
    p.inputs.get(f.key)!.disabled = !on;
    p.fieldBoxes.get(f.key)!.classList.toggle('inactive', !on);
  }
}

function refreshValidation(p: EnginePanel): void {
  const v = validate(p.engine, p.values);
  p.validation = v;
  const all = { ...p.workerErrors, ...v.fields };
  for (const [key, err] of p.errors) {
    const msg = all[key];
    const box = p.fieldBoxes.get(key)!;
    const input = p.inputs.get(key)!;
    if (msg) {
      err.textContent = `allowed: ${msg}`;
      box.classList.add('invalid');
      input.setAttribute('aria-invalid', 'true');
    } else {
      err.textContent = '';
      box.classList.remove('invalid');
      input.removeAttribute('aria-invalid');
    }
  }
  p.formError.textContent = v.general ?? '';
  p.formError.hidden = !v.general;
  const ok = v.ok && Object.keys(p.workerErrors).length === 0;
  p.runButton.disabled = !ok || p.runJob.running;
  p.runButton.title = ok ? 'run the simulation beside the theory' : 'fix the invalid fields first';
}

// ---------------------------------------------------------------- theory

function scheduleTheory(p: EnginePanel): void {
  if (p.timer !== undefined) clearTimeout(p.timer);
  const v = p.validation;
  const theoryOk = v.ok || v.simOnly;
  if (!theoryOk) {
    p.theoryJob.cancel();
    setStatus(p.theory.status, 'invalid', 'invalid parameters: theory not updated');
    p.theory.figure.classList.add('dim');
    p.theory.numbers.classList.add('dim');
    return;
  }
  setStatus(p.theory.status, 'busy', 'computing…');
  p.timer = window.setTimeout(() => {
    p.timer = undefined;
    const params = buildParams(p.engine, p.values);
    p.theoryJob.start({ kind: 'theory', engine: p.engine, params, view: { yScale: p.yScale } });
  }, DEBOUNCE_MS);
}

function setStatus(node: HTMLElement, state: string, text: string): void {
  node.dataset.state = state;
  node.textContent = text;
}

function showNumbers(container: HTMLElement, rows: NumberRow[]): void {
  const table = el('table', { class: 'numbers' });
  for (const r of rows) {
    const td = el('td', { 'data-testid': `num-${r.key}` });
    if (typeof r.value === 'number') {
      td.textContent = fmt(r.value);
      td.dataset.value = String(r.value);
      td.classList.add('num');
    } else td.textContent = r.value;
    table.append(el('tr', {}, el('th', { text: r.label }), td));
  }
  container.replaceChildren(table);
}

function showSvg(container: HTMLElement, svg: string): void {
  container.innerHTML = svg;
  container.classList.remove('dim', 'empty');
  const s = container.querySelector('svg');
  if (s) {
    const w = s.getAttribute('width');
    const h = s.getAttribute('height');
    if (w && h && !s.getAttribute('viewBox')) s.setAttribute('viewBox', `0 0 ${w} ${h}`);
    s.removeAttribute('height');
    s.setAttribute('width', w ?? '100%');
    s.setAttribute('role', 'img');
  }
}

/** A worker's ParameterError shown next to its field (like the page's own validation); false when
 *  the error names no field of the form. */
function markFieldError(p: EnginePanel, r: Extract<Reply, { kind: 'error' }>): boolean {
  const key = r.parameter ? fieldOf(p.engine, r.parameter, r.network) : undefined;
  if (!key || !r.allowed) return false;
  p.workerErrors[key] = r.allowed;
  refreshValidation(p);
  return true;
}

function onTheoryReply(p: EnginePanel, r: Reply): void {
  if (r.kind === 'ready') return void (wasmInfo.textContent = `Wasm: ${r.wasm}`);
  if (r.kind === 'figure' || r.kind === 'sweep') return;
  if (r.kind === 'progress') {
    if (r.fraction > 0 && r.fraction < 1) setStatus(p.theory.status, 'busy', `computing… ${(100 * r.fraction).toFixed(0)} %`);
    return;
  }
  if (r.kind === 'error') {
    if (markFieldError(p, r)) setStatus(p.theory.status, 'invalid', 'invalid parameters: theory not updated');
    else setStatus(p.theory.status, 'error', `error: ${r.message}`);
    p.theory.figure.classList.add('dim');
    p.theory.numbers.classList.add('dim');
    return;
  }
  showSvg(p.theory.figure, r.svg);
  showNumbers(p.theory.numbers, r.numbers);
  p.theory.numbers.classList.remove('dim');
  setStatus(
    p.theory.status,
    r.status === 'Success' ? 'ok' : 'warn',
    `${r.status === 'Success' ? 'up to date' : r.status + (r.message ? ': ' + r.message : '')} · ${(r.ms / 1000).toFixed(2)} s`,
  );
}

// ---------------------------------------------------------------- simulation

function markRunStale(p: EnginePanel): void {
  if (p.run.numbers.childElementCount > 0) p.run.stale.hidden = false;
}

function startRun(p: EnginePanel): void {
  refreshValidation(p);
  if (!p.validation.ok || Object.keys(p.workerErrors).length > 0 || p.runJob.running) return;
  const params = buildParams(p.engine, p.values);
  p.runJob.start({ kind: 'run', engine: p.engine, params, view: { yScale: p.yScale } });
  p.runStarted = performance.now();
  p.live = emptyLive();
  p.run.progress.value = 0;
  p.run.progress.hidden = false;
  setStatus(p.run.status, 'busy', 'Running');
  p.run.phase.textContent = 'starting…';
  p.runButton.disabled = true;
  p.cancelButton.disabled = false;
  p.root.classList.add('running');
  if (p.tick) clearInterval(p.tick);
  p.tick = window.setInterval(() => (p.run.wall.textContent = `${((performance.now() - p.runStarted) / 1000).toFixed(1)} s`), 200);
}

function endRun(p: EnginePanel): void {
  if (p.tick) clearInterval(p.tick);
  p.tick = undefined;
  p.cancelButton.disabled = true;
  p.root.classList.remove('running');
  refreshValidation(p);
}

function cancelRun(p: EnginePanel): void {
  if (!p.runJob.running) return;
  p.runJob.cancel();
  endRun(p);
  p.run.progress.hidden = true;
  setStatus(p.run.status, 'cancelled', 'Cancelled');
  p.run.phase.textContent = 'run cancelled (worker stopped)';
}

function onRunReply(p: EnginePanel, r: Reply): void {
  if (r.kind === 'ready' || r.kind === 'sweep') return;
  if (r.kind === 'figure') {
    showSvg(p.run.figure, r.svg);
    return;
  }
  if (r.kind === 'error' && r.message === 'nothing to redraw') return;
  if (r.kind === 'progress') {
    p.run.progress.value = Math.max(0, Math.min(1, r.fraction));
    p.run.phase.textContent = `${r.phase} · ${(100 * r.fraction).toFixed(0)} %`;
    if (r.live) {
      p.live = appendLive(p.live, r.live);
      showSvg(p.run.figure, liveSvg(p.live));
    }
    return;
  }
  endRun(p);
  p.run.progress.hidden = true;
  if (r.kind === 'error') {
    if (markFieldError(p, r)) setStatus(p.run.status, 'invalid', 'Invalid input');
    else setStatus(p.run.status, 'error', 'Error');
    p.run.phase.textContent = r.message;
    return;
  }
  setStatus(p.run.status, r.status === 'Success' ? 'ok' : 'warn', r.status);
  p.run.phase.textContent = r.message ?? 'done';
  p.run.wall.textContent = `${(r.ms / 1000).toFixed(2)} s`;
  p.run.stale.hidden = true;
  p.hasRunFigure = true;
  showSvg(p.run.figure, r.svg);
  showNumbers(p.run.numbers, r.numbers);
  for (const u of p.urls) URL.revokeObjectURL(u);
  p.urls = [];
  const links: HTMLElement[] = [];
  const order = ['manifest.json', 'arrays.npz', 'curves.csv', 'figure.svg', 'figure.vl.json'];
  const files = [...r.files].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  for (const [name, bytes] of files) {
    const type = name.endsWith('.json')
      ? 'application/json'
      : name.endsWith('.svg')
        ? 'image/svg+xml'
        : name.endsWith('.csv')
          ? 'text/csv'
          : 'application/octet-stream';
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
    p.urls.push(url);
    const a = el('a', { href: url, download: `learndyn-${p.engine}-${name}`, class: 'download', 'data-testid': `dl-${name}` }, name);
    a.append(el('span', { class: 'size', text: size(bytes.length) }));
    links.push(a);
  }
  p.run.downloads.replaceChildren(...links);
}

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

// ---------------------------------------------------------------- page

const BLURB: Record<Engine, string> = {
  kernel:
    'Kernel gradient flow on the sphere or hypercube: Oracle World (T1) against the Empirical World, with the block approximation (T3) and eigenlearning (T4) as theory.',
  committee: 'One-pass SGD of a two-layer student learning a teacher: the overlap ODE as theory, SGD at input dimension d beside it.',
  dmft: 'SymmDMFT of a wide two-layer network under gradient flow, with the real network trained by SGD at dimension d beside it.',
};

function buildPanel(engine: Engine): EnginePanel {
  const root = el('section', { class: 'panel', id: `panel-${engine}`, role: 'tabpanel', 'aria-labelledby': `tab-${engine}`, 'data-engine': engine });
  const form = el('form', { class: 'params', novalidate: '', autocomplete: 'off' });
  const formError = el('div', { class: 'form-error', role: 'alert', 'data-testid': 'form-error' });
  formError.hidden = true;
  const runButton = el('button', { type: 'submit', class: 'primary', 'data-testid': 'run', text: 'Run simulation' });
  const cancelButton = el('button', { type: 'button', 'data-testid': 'cancel', text: 'Cancel', disabled: '' });
  const resetButton = el('button', { type: 'button', class: 'quiet', 'data-testid': 'reset', text: 'Defaults' });
  const mk = (cls: string, testid: string, text = '') => el('div', { class: cls, 'data-testid': testid, text });
  const theoryFigure = mk('figure empty', 'theory-figure');
  const theoryStatus = el('span', { class: 'state', 'data-testid': 'theory-status', 'aria-live': 'polite', text: 'loading…' });
  const theoryNumbers = mk('nums', 'theory-numbers');
  const runFigure = mk('figure empty', 'run-figure', 'Press “Run simulation” to simulate beside the theory.');
  const runStatus = el('span', { class: 'state', 'data-testid': 'run-status', 'aria-live': 'polite', text: 'Idle' });
  runStatus.dataset.state = 'idle';
  const progress = el('progress', { max: '1', value: '0', 'data-testid': 'progress' });
  progress.hidden = true;
  const phase = el('span', { class: 'phase', 'data-testid': 'phase' });
  const wall = el('span', { class: 'wall', 'data-testid': 'wall' });
  const runNumbers = mk('nums', 'run-numbers');
  const downloads = mk('downloads', 'downloads');
  const stale = el('span', { class: 'stale', 'data-testid': 'stale', text: 'parameters changed since this run' });
  stale.hidden = true;
  const presetSelect = el('select', { id: `${engine}-preset`, 'data-testid': 'preset' });
  presetSelect.append(el('option', { value: 'defaults', text: 'defaults (npm run demo)' }));
  for (const pr of PRESETS[engine]) presetSelect.append(el('option', { value: pr.id, text: pr.label }));
  presetSelect.append(el('option', { value: 'custom', text: 'custom', disabled: '' }));
  const presetNote = el('div', { class: 'help preset-note', 'data-testid': 'preset-note' });
  const yScaleSelect = el('select', { id: `${engine}-yscale`, 'data-testid': 'yscale', 'aria-label': 'y axes' });
  for (const [v, t] of [
    ['auto', 'as drawn'],
    ['log', 'log'],
    ['linear', 'linear'],
  ])
    yScaleSelect.append(el('option', { value: v, text: t }));

  const p: EnginePanel = {
    engine,
    root,
    values: defaults(engine),
    inputs: new Map(),
    sliders: new Map(),
    errors: new Map(),
    fieldBoxes: new Map(),
    formError,
    runButton,
    cancelButton,
    theory: { figure: theoryFigure, status: theoryStatus, numbers: theoryNumbers },
    run: { figure: runFigure, status: runStatus, progress, phase, wall, numbers: runNumbers, downloads, stale },
    theoryJob: new Job((r) => onTheoryReply(p, r)),
    runJob: new Job((r) => onRunReply(p, r)),
    validation: { fields: {}, ok: true, simOnly: false },
    workerErrors: {},
    urls: [],
    runStarted: 0,
    live: emptyLive(),
    yScale: 'auto',
    yScaleSelect,
    presetSelect,
    presetNote,
    hasRunFigure: false,
  };
  presetSelect.addEventListener('change', () => {
    const pr = PRESETS[engine].find((x) => x.id === presetSelect.value);
    setValues(p, pr ? pr.values : {});
    syncUrl();
  });
  yScaleSelect.addEventListener('change', () => setYScale(p, yScaleSelect.value as YScale));
  form.append(
    el('div', { class: 'field preset' }, el('label', { for: presetSelect.id, text: 'preset' }), el('div', { class: 'control' }, presetSelect), presetNote),
  );
  buildForm(p, form);
  form.append(formError, el('div', { class: 'actions' }, runButton, cancelButton, resetButton));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    startRun(p);
  });
  cancelButton.addEventListener('click', () => cancelRun(p));
  resetButton.addEventListener('click', () => {
    setValues(p, {});
    syncUrl();
  });

  const side = el('aside', { class: 'side' }, el('p', { class: 'blurb', text: BLURB[engine] }), form);
  const theoryCard = el(
    'article',
    { class: 'card theory', 'data-testid': 'theory-card' },
    el(
      'header',
      {},
      el('h2', { text: 'Theory' }),
      el('span', { class: 'sub', text: 'recomputed as you edit' }),
      el('label', { class: 'yscale', for: yScaleSelect.id, text: 'y axes ' }, yScaleSelect),
      theoryStatus,
    ),
    el('div', { class: 'body' }, theoryFigure, theoryNumbers),
  );
  const runCard = el(
    'article',
    { class: 'card run', 'data-testid': 'run-card' },
    el('header', {}, el('h2', { text: 'Simulation' }), stale, runStatus),
    el('div', { class: 'progress-row' }, progress, phase, wall),
    el(
      'div',
      { class: 'body' },
      runFigure,
      el('div', { class: 'aside' }, runNumbers, el('div', { class: 'dl-row' }, el('span', { class: 'dl-label', text: 'Download' }), downloads)),
    ),
  );
  root.append(side, el('div', { class: 'results' }, theoryCard, runCard));
  return p;
}

/** Log or linear y axes on both figures of a tab: redrawn without recomputing when possible. */
function setYScale(p: EnginePanel, y: YScale): void {
  p.yScale = y;
  p.yScaleSelect.value = y;
  scheduleTheory(p);
  if (p.hasRunFigure && !p.runJob.running) p.runJob.start({ kind: 'figure', view: { yScale: y } });
  syncUrl();
}

function selectTab(tab: Tab): void {
  currentTab = tab;
  for (const t of [...ENGINES, 'sweep'] as Tab[]) {
    const on = t === tab;
    const root = t === 'sweep' ? sweep.root : panels.get(t)!.root;
    root.hidden = !on;
    const b = document.getElementById(`tab-${t}`)!;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  syncUrl();
}

function init(): void {
  const app = document.getElementById('app')!;
  const tabs = el('nav', { class: 'tabs', role: 'tablist' });
  for (const e of [...ENGINES, 'sweep'] as Tab[]) {
    const title = e === 'sweep' ? 'Sweep' : ENGINE_TITLES[e];
    const b = el('button', { type: 'button', role: 'tab', id: `tab-${e}`, 'aria-controls': `panel-${e}`, 'data-testid': `tab-${e}`, text: title });
    b.addEventListener('click', () => selectTab(e));
    tabs.append(b);
  }
  wasmInfo = el('span', { class: 'wasm', 'data-testid': 'wasm-info', text: 'Wasm: loading…' });
  const header = el(
    'header',
    { class: 'top' },
    el('div', { class: 'brand' }, el('h1', { text: 'learndyn' }), el('span', { class: 'tag', text: 'explorer' })),
    tabs,
    el('div', { class: 'meta' }, wasmInfo, el('span', { text: `v${VERSION}` })),
  );
  const main = el('main', {});
  for (const e of ENGINES) {
    const p = buildPanel(e);
    panels.set(e, p);
    main.append(p.root);
  }
  sweep = buildSweepPanel();
  main.append(sweep.root);
  app.replaceChildren(header, main);
  // The URL's view (a shared link): its tab, fields and y axes.
  const st = hashToState(location.hash);
  for (const p of panels.values()) {
    if (st && st.tab === p.engine) {
      if (st.values) setValues(p, st.values);
      if (st.yScale) {
        p.yScale = st.yScale;
        p.yScaleSelect.value = st.yScale;
      }
    }
    markPreset(p);
    refreshActive(p);
    refreshValidation(p);
    scheduleTheory(p);
  }
  if (st?.tab === 'sweep') restoreSweep(st);
  selectTab(st?.tab ?? 'kernel');
}

// ---------------------------------------------------------------- sweep tab

interface SweepPanel {
  root: HTMLElement;
  files: HTMLInputElement;
  spec: HTMLTextAreaElement;
  presetSelect: HTMLSelectElement;
  presetNote: HTMLElement;
  runButton: HTMLButtonElement;
  cancelButton: HTMLButtonElement;
  status: HTMLElement;
  progress: HTMLProgressElement;
  phase: HTMLElement;
  info: HTMLElement;
  scalar: HTMLSelectElement;
  curve: HTMLSelectElement;
  yScale: HTMLSelectElement;
  figures: { curves: HTMLElement; summary: HTMLElement; heatmap: HTMLElement };
  job: Job;
  loaded: boolean;
  /** Scalar and curve asked for (the URL's), kept until a sweep offers them. */
  want: { scalar?: string; curve?: string };
}

let sweep: SweepPanel;

function sweepState(): Partial<ViewState> {
  const s = sweep;
  let spec = s.spec.value;
  try {
    spec = JSON.stringify(JSON.parse(spec)); // compact in the URL
  } catch {
    /* kept as typed */
  }
  return {
    spec,
    preset: s.presetSelect.value === 'custom' ? undefined : s.presetSelect.value,
    scalar: s.scalar.value || s.want.scalar,
    curve: s.curve.value || s.want.curve,
    yScale: s.yScale.value as YScale,
  };
}

function restoreSweep(st: ViewState): void {
  if (st.spec !== undefined) {
    let text = st.spec;
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      /* shown as given */
    }
    sweep.spec.value = text;
    const pr = SWEEP_PRESETS.find((x) => JSON.stringify(x.spec, null, 2) === text);
    sweep.presetSelect.value = pr ? pr.id : 'custom';
    sweep.presetNote.textContent = pr ? pr.note : '';
  }
  const pr = SWEEP_PRESETS.find((x) => x.id === sweep.presetSelect.value);
  sweep.want = { scalar: st.scalar ?? pr?.scalar, curve: st.curve };
  if (st.yScale) sweep.yScale.value = st.yScale;
}

function sweepView() {
  return { yScale: sweep.yScale.value as YScale, scalar: sweep.scalar.value || sweep.want.scalar, curve: sweep.curve.value || sweep.want.curve };
}

function fillSelect(s: HTMLSelectElement, options: string[], value?: string): void {
  s.replaceChildren(...options.map((o) => el('option', { value: o, text: o })));
  if (value && options.includes(value)) s.value = value;
  s.disabled = options.length === 0;
}

function onSweepReply(r: Reply): void {
  const s = sweep;
  if (r.kind === 'ready' || r.kind === 'figure' || r.kind === 'result') return;
  if (r.kind === 'progress') {
    s.progress.value = r.fraction;
    s.phase.textContent = r.phase;
    return;
  }
  s.runButton.disabled = false;
  s.cancelButton.disabled = true;
  s.progress.hidden = true;
  if (r.kind === 'error') {
    setStatus(s.status, 'error', 'Error');
    s.phase.textContent = r.message;
    return;
  }
  s.loaded = true;
  setStatus(s.status, r.info.failed > 0 ? 'warn' : 'ok', `${r.info.cells} cells`);
  s.phase.textContent = `${(r.ms / 1000).toFixed(2)} s`;
  showSweepInfo(r.info);
  for (const k of ['curves', 'summary', 'heatmap'] as const) {
    const svg = r.svgs[k];
    if (svg) showSvg(s.figures[k], svg);
    else {
      s.figures[k].innerHTML = '';
      s.figures[k].textContent = k === 'heatmap' ? 'A heatmap needs two axes.' : k === 'curves' ? 'No curves (summary.csv alone).' : 'No numeric axis.';
      s.figures[k].classList.add('empty');
    }
  }
  syncUrl();
}

function showSweepInfo(info: SweepInfo): void {
  const s = sweep;
  fillSelect(s.scalar, info.scalars, info.scalar);
  fillSelect(s.curve, info.curves, info.curve);
  const rows: [string, string, string][] = [
    ['source', 'source', info.source],
    ['cells', 'cells', `${info.cells} (${info.done} done, ${info.failed} failed, ${info.pending} pending)`],
    ['axes', 'axes', info.axes.join(', ') || '(none)'],
    ['shown-scalar', 'summary scalar shown', info.scalar ?? 'n/a'],
    ['shown-curve', 'curve shown', info.curve ?? 'n/a'],
  ];
  const table = el('table', { class: 'numbers' });
  for (const [id, k, v] of rows) table.append(el('tr', {}, el('th', { text: k }), el('td', { 'data-testid': `sweep-${id}`, text: v })));
  s.info.replaceChildren(table);
}

function sweepBusy(text: string): void {
  const s = sweep;
  s.runButton.disabled = true;
  s.cancelButton.disabled = false;
  s.progress.hidden = false;
  s.progress.value = 0;
  setStatus(s.status, 'busy', text);
  s.phase.textContent = '';
}

function buildSweepPanel(): SweepPanel {
  const root = el('section', { class: 'panel sweep', id: 'panel-sweep', role: 'tabpanel', 'aria-labelledby': 'tab-sweep', 'data-engine': 'sweep' });
  const files = el('input', { type: 'file', multiple: '', accept: '.csv,.json,.npz', 'data-testid': 'sweep-files', id: 'sweep-files' });
  const spec = el('textarea', { rows: '12', spellcheck: 'false', 'data-testid': 'sweep-spec', id: 'sweep-spec' });
  const presetSelect = el('select', { 'data-testid': 'sweep-preset', id: 'sweep-preset' });
  for (const pr of SWEEP_PRESETS) presetSelect.append(el('option', { value: pr.id, text: pr.label }));
  presetSelect.append(el('option', { value: 'custom', text: 'custom', disabled: '' }));
  const presetNote = el('div', { class: 'help preset-note', 'data-testid': 'sweep-preset-note' });
  const runButton = el('button', { type: 'button', class: 'primary', 'data-testid': 'sweep-run', text: 'Run sweep in the page' });
  const cancelButton = el('button', { type: 'button', 'data-testid': 'sweep-cancel', text: 'Cancel', disabled: '' });
  const status = el('span', { class: 'state', 'data-testid': 'sweep-status', 'aria-live': 'polite', text: 'Idle' });
  status.dataset.state = 'idle';
  const progress = el('progress', { max: '1', value: '0', 'data-testid': 'sweep-progress' });
  progress.hidden = true;
  const phase = el('span', { class: 'phase', 'data-testid': 'sweep-phase' });
  const info = el('div', { class: 'nums', 'data-testid': 'sweep-info' });
  const scalar = el('select', { 'data-testid': 'sweep-scalar', id: 'sweep-scalar', disabled: '' });
  const curve = el('select', { 'data-testid': 'sweep-curve', id: 'sweep-curve', disabled: '' });
  const yScale = el('select', { 'data-testid': 'sweep-yscale', id: 'sweep-yscale' });
  for (const [v, t] of [
    ['auto', 'as drawn'],
    ['log', 'log'],
    ['linear', 'linear'],
  ])
    yScale.append(el('option', { value: v, text: t }));
  const fig = (id: string, text: string) => el('div', { class: 'figure empty', 'data-testid': id, text });
  const figures = {
    curves: fig('sweep-curves', 'Open a merged sweep or run one.'),
    summary: fig('sweep-summary', ''),
    heatmap: fig('sweep-heatmap', ''),
  };
  const s: SweepPanel = {
    root,
    files,
    spec,
    presetSelect,
    presetNote,
    runButton,
    cancelButton,
    status,
    progress,
    phase,
    info,
    scalar,
    curve,
    yScale,
    figures,
    job: new Job((r) => onSweepReply(r)),
    loaded: false,
    want: {},
  };
  const applyPreset = (id: string) => {
    const pr = SWEEP_PRESETS.find((x) => x.id === id);
    if (!pr) return;
    spec.value = JSON.stringify(pr.spec, null, 2);
    presetSelect.value = pr.id;
    presetNote.textContent = pr.note;
    s.want = { scalar: pr.scalar };
  };
  applyPreset(SWEEP_PRESETS[0].id);
  presetSelect.addEventListener('change', () => {
    applyPreset(presetSelect.value);
    syncUrl();
  });
  spec.addEventListener('input', () => {
    const pr = SWEEP_PRESETS.find((x) => JSON.stringify(x.spec, null, 2) === spec.value);
    presetSelect.value = pr ? pr.id : 'custom';
    presetNote.textContent = pr ? pr.note : '';
    syncUrl();
  });
  files.addEventListener('change', async () => {
    const list = Array.from(files.files ?? []);
    if (list.length === 0) return;
    const bytes = await Promise.all(list.map(async (f) => [f.name, new Uint8Array(await f.arrayBuffer())] as [string, Uint8Array]));
    sweepBusy('Reading');
    s.job.start({ kind: 'sweep-open', files: bytes, view: sweepView() });
  });
  runButton.addEventListener('click', () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(spec.value);
    } catch (e) {
      setStatus(status, 'error', 'Error');
      phase.textContent = `the spec is not valid JSON: ${(e as Error).message}`;
      return;
    }
    sweepBusy('Running');
    s.job.start({ kind: 'sweep-run', spec: parsed, view: sweepView() });
  });
  cancelButton.addEventListener('click', () => {
    s.job.cancel();
    s.runButton.disabled = false;
    s.cancelButton.disabled = true;
    s.progress.hidden = true;
    setStatus(status, 'cancelled', 'Cancelled');
    s.loaded = false;
  });
  const redraw = () => {
    s.want = { scalar: scalar.value || s.want.scalar, curve: curve.value || s.want.curve };
    if (s.loaded && !s.job.running) s.job.start({ kind: 'sweep-figures', view: sweepView() });
    syncUrl();
  };
  scalar.addEventListener('change', redraw);
  curve.addEventListener('change', redraw);
  yScale.addEventListener('change', redraw);

  const label = (forId: string, text: string) => el('label', { for: forId, text });
  const side = el(
    'aside',
    { class: 'side' },
    el(
      'p',
      {
        class: 'blurb',
        text: 'Sweeps: one engine command over a grid of parameters. Open the files of learndyn sweep merge DIR, or run a small sweep here (at most ',
      },
      String(PAGE_SWEEP_MAX_CELLS),
      ' cells, one after another in a worker).',
    ),
    el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Open a merged sweep' }),
      el(
        'div',
        { class: 'field' },
        label(files.id, 'files'),
        el('div', { class: 'control' }, files),
        el('div', { class: 'help', text: 'table.csv and/or summary.csv, or manifest.json + table.npz (+ summary.csv)' }),
      ),
    ),
    el(
      'fieldset',
      { class: 'group' },
      el('legend', { text: 'Run a sweep in the page' }),
      el('div', { class: 'field' }, label(presetSelect.id, 'preset'), el('div', { class: 'control' }, presetSelect), presetNote),
      el('div', { class: 'field' }, label(spec.id, 'spec (JSON: command, base, grid, zip)'), el('div', { class: 'control' }, spec)),
      el('div', { class: 'actions' }, runButton, cancelButton),
    ),
  );
  const card = el(
    'article',
    { class: 'card', 'data-testid': 'sweep-card' },
    el(
      'header',
      {},
      el('h2', { text: 'Sweep' }),
      el('label', { class: 'yscale', for: scalar.id, text: 'scalar ' }, scalar),
      el('label', { class: 'yscale', for: curve.id, text: 'curve ' }, curve),
      el('label', { class: 'yscale', for: yScale.id, text: 'y axes ' }, yScale),
      status,
    ),
    el('div', { class: 'progress-row' }, progress, phase),
    el(
      'div',
      { class: 'body sweep-body' },
      el('div', { class: 'sweep-figs' }, figures.summary, figures.heatmap, figures.curves),
      el('div', { class: 'aside' }, info),
    ),
  );
  root.append(side, el('div', { class: 'results' }, card));
  root.hidden = true;
  return s;
}

init();
