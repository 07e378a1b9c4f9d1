"""learndyn from Python and Jupyter: run the CLI, load its outputs, load merged sweeps.

One file, standard library + numpy (pandas is used when it is installed). It drives the learndyn
command-line tool, so results are exactly the CLI's: same seeds, same bytes.

    >>> import learndyn
    >>> r = learndyn.run("kernel run", dim=20, samples=100, energies=[0, 0.5, 0.5], t_count=11)
    >>> r.status, r["t"].shape, r["testBySeed"].shape     # arrays named as in --json / arrays.npz
    ('Success', (11,), (1, 11))
    >>> r.definition("test")                              # every array is defined in the manifest
    'Empirical World excess test error ...'
    >>> r.manifest["problem"]["samples"], r.manifest["seed"]   # the resolved problem, the seed
    (100, 0)
    >>> curves = r.curves                                 # curves.csv: DataFrame (numpy without pandas)

(These examples run as doctests in python/tests.)

Which CLI is run (first found):
  1. the environment variable LEARNDYN_CLI: a command line, e.g. "node /path/to/learndyn/bin/learndyn.js"
     or "learndyn" (a lone path ending in .js is run with node);
  2. the checkout this file belongs to: node <repo>/bin/learndyn.js (python/ sits beside bin/);
  3. `learndyn` on PATH (npm install -g, npm link, or a project's node_modules/.bin).

Keyword arguments become flags: snake_case or camelCase → --kebab-case (noise_sd=0.5 and noiseSd=0.5
→ --noise-sd 0.5); lists, tuples and numpy arrays → comma lists (energies=[0, 0.5] → 0,0.5); True →
the bare switch (png=True → --png); False and None → left out (a switch that is on by default is
turned off by its CLI name: no_exact_test=True → --no-exact-test); a dict → written to a JSON file
whose path is passed (config={...} → --config FILE, init_file={"Q": ..., "M": ...} → --init-file FILE).

Exit codes (docs/contract.md): 0 Success; 3 NotConverged, 4 Unstable, 130 Terminated, 5 a failed
`reproduce` check → the Result is returned (.status, .exit_code) with a RuntimeWarning; 2 bad input
→ ParameterError carrying the CLI's one-line message; anything else → LearndynError.

Tables (curves.csv, a sweep's table.csv and summary.csv) are pandas DataFrames when pandas is
installed; otherwise numpy structured arrays (index columns by name: t["test"]; t.dtype.names lists
them), and a one-time note says so. Pass frame=False for numpy even with pandas, frame=True to
require pandas.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np

__all__ = ["run", "load", "load_sweep", "Result", "Sweep", "LearndynError", "ParameterError", "cli_command"]

#: Exit code → status of the engine contract (docs/contract.md). Exit 5 (a failed `reproduce`
#: check) also returns a Result: its status is the manifest's, its exit_code says 5.
STATUS_BY_EXIT = {0: "Success", 3: "NotConverged", 4: "Unstable", 130: "Terminated"}
RETURNED_EXITS = (0, 3, 4, 5, 130)


class LearndynError(RuntimeError):
    """The CLI failed (an exit code other than 0, 2, 3, 4, 5, 130), or could not be started."""

    def __init__(self, message, exit_code=None, stderr="", argv=None):
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr = stderr
        self.argv = argv


class ParameterError(LearndynError, ValueError):
    """Bad input (CLI exit 2): the message is the CLI's one line naming the parameter, the value and
    what is allowed, e.g. "learndyn: invalid noiseSd: -1 (allowed: a finite number ≥ 0)"."""


# ---------------------------------------------------------------------------------------------
# Finding the CLI


def cli_command():
    """The argv prefix that runs the learndyn CLI (see the module docstring for the search order).

    >>> learndyn.cli_command()                             # doctest: +SKIP
    ['/usr/bin/node', '/home/me/learndyn/bin/learndyn.js']
    """
    env = os.environ.get("LEARNDYN_CLI", "").strip()
    if env:
        parts = shlex.split(env)
        if len(parts) == 1 and parts[0].endswith((".js", ".mjs")):
            return [_node(), parts[0]]
        return parts
    repo = Path(__file__).resolve().parent.parent
    bin_js = repo / "bin" / "learndyn.js"
    if bin_js.is_file() and (repo / "package.json").is_file():
        if not (repo / "dist" / "cli" / "main.js").is_file():
            raise LearndynError(f"{repo} is not built: run `npm ci` (or `npm run build`) there first")
        return [_node(), str(bin_js)]
    exe = shutil.which("learndyn")
    if exe:
        return [exe]
    raise LearndynError(
        "learndyn CLI not found: set LEARNDYN_CLI (e.g. 'node /path/to/learndyn/bin/learndyn.js'), "
        "keep this file in python/ of a built checkout, or put `learndyn` on PATH (npm link)"
    )


def _node():
    node = shutil.which("node")
    if not node:
        raise LearndynError("node (Node.js >= 20) is not on PATH; learndyn's CLI runs on it")
    return node


# ---------------------------------------------------------------------------------------------
# Keyword arguments → flags


def _flag(key):
    """noise_sd, noiseSd → --noise-sd."""
    kebab = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", key).replace("_", "-").lower()
    return "--" + kebab


def _number(x):
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"a boolean inside a list: {x!r}")
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float):
        # repr: the shortest decimal that round-trips, as the CLI writes numbers (1e-05, 0.1, inf).
        return repr(x)
    return str(x)


def _jsonable(o):
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _argv(params, tmp):
    """Flags for the keyword arguments (dicts are written to JSON files in tmp)."""
    argv = []
    for key, value in params.items():
        if value is None or value is False:
            continue
        flag = _flag(key)
        if value is True:
            argv.append(flag)
            continue
        if isinstance(value, dict):
            path = Path(tmp) / f"{flag[2:]}.json"
            path.write_text(json.dumps(value, default=_jsonable))
            text = str(path)
        elif isinstance(value, (list, tuple, np.ndarray)):
            text = ",".join(_number(v) for v in np.asarray(value, dtype=object).ravel())
        elif isinstance(value, (int, float, np.generic)):
            text = _number(value)
        else:
            text = str(value)
        # --flag=value keeps a value that starts with '-' (a negative number) from reading as a flag.
        argv.extend([f"{flag}={text}"] if text.startswith("-") else [flag, text])
    return argv


# ---------------------------------------------------------------------------------------------
# Tables


_NOTE_SHOWN = False


def _user_stacklevel():
    """stacklevel for warnings.warn that points at the first caller outside this file."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    return level


_INT = re.compile(r"^[+-]?\d+$")


def _pandas(frame):
    """The pandas module, or None for numpy tables. frame: None = pandas when installed."""
    global _NOTE_SHOWN
    if frame is False:
        return None
    try:
        return importlib.import_module("pandas")
    except ImportError:
        if frame:
            raise ImportError("frame=True needs pandas (pip install pandas); frame=None gives numpy structured arrays") from None
        if not _NOTE_SHOWN:
            _NOTE_SHOWN = True
            warnings.warn(
                "learndyn: pandas is not installed, so tables are numpy structured arrays "
                "(column by name: table['t']; names: table.dtype.names). pip install pandas for DataFrames.",
                stacklevel=_user_stacklevel(),
            )
        return None


def _column(name, cells, text_columns, int_columns):
    """A typed column: float64 if every cell is a number (empty cells and 'nan' → NaN, 'inf'/'-inf'
    → ±inf, '-0' → -0.0, as the CLI writes them), else str; int64 only for the int_columns (a
    sweep's axes) whose cells are all integers — an array column of zeros stays float64."""
    if name not in text_columns:
        if name in int_columns and cells and all(_INT.match(c) for c in cells):
            return np.array([int(c) for c in cells], dtype=np.int64)
        try:
            return np.array([float(c) if c.strip() else np.nan for c in cells], dtype=np.float64)
        except ValueError:
            pass
    return np.array(cells, dtype=str)


def read_table(path, frame=None, text_columns=(), int_columns=()):
    """Read a CSV written by learndyn (curves.csv, table.csv, summary.csv) into a DataFrame, or a
    numpy structured array without pandas (frame=False forces numpy). Numeric columns are float64;
    int_columns whose cells are all integers are int64; text_columns stay strings (a sweep's `cell`
    ids are hashes that may look like numbers).

    >>> learndyn.read_table("out/run/curves.csv", frame=False)["t"]      # doctest: +SKIP
    """
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise LearndynError(f"{path}: empty table (no header)")
    header, body = rows[0], [r + [""] * (len(rows[0]) - len(r)) for r in rows[1:] if r]
    columns = {name: _column(name, [r[j] for r in body], set(text_columns), set(int_columns)) for j, name in enumerate(header)}
    pd = _pandas(frame)
    if pd is not None:
        return pd.DataFrame(columns)
    out = np.empty(len(body), dtype=[(name, col.dtype) for name, col in columns.items()])
    for name, col in columns.items():
        out[name] = col
    return out


# ---------------------------------------------------------------------------------------------
# Results


class Result:
    """One run's outputs.

    Attributes: arrays (dict name → numpy array, as in arrays.npz / --json), manifest (dict: the
    resolved problem, seed, status, Wasm build, array definitions; None for --json-only commands),
    curves (curves.csv as a table, or None), checks (a reproduction's checks.json, or None), status
    ('Success', 'NotConverged', 'Unstable', 'Terminated'), exit_code (5: a reproduce check failed), folder (the output folder; None when run() used a temporary one), stdout
    (the CLI's text summary), json (the parsed --json output of a command without --out).
    r["test"] is r.arrays["test"].
    """

    def __init__(self, arrays, manifest=None, curves=None, checks=None, status=None, exit_code=0, folder=None, stdout="", json_out=None):
        self.arrays = arrays
        self.manifest = manifest
        self.curves = curves
        self.checks = checks
        self.status = status or (manifest or {}).get("status") or STATUS_BY_EXIT.get(exit_code)
        self.exit_code = exit_code
        self.folder = folder
        self.stdout = stdout
        self.json = json_out

    def __getitem__(self, name):
        return self.arrays[name]

    def __contains__(self, name):
        return name in self.arrays

    def keys(self):
        return self.arrays.keys()

    def definition(self, name):
        """The manifest's definition of an array (what it is, its unit)."""
        a = ((self.manifest or {}).get("arrays") or {}).get(name) or {}
        return a.get("definition")

    def __repr__(self):
        shapes = ", ".join(f"{k}{list(v.shape)}" for k, v in list(self.arrays.items())[:6])
        more = ", …" if len(self.arrays) > 6 else ""
        where = f", folder={str(self.folder)!r}" if self.folder else ""
        return f"<learndyn.Result {self.status}: {len(self.arrays)} arrays ({shapes}{more}){where}>"


def load(folder, frame=None):
    """Load an output folder written by `learndyn … --out DIR` (or `reproduce`): arrays.npz (or the
    .npy files), manifest.json, curves.csv, and checks.json when present.

    >>> r = learndyn.load("out/demo/kernel")                # doctest: +SKIP
    >>> r.status, r["test"].shape                           # doctest: +SKIP
    ('Success', (101,))
    >>> r.curves["test"]                                    # doctest: +SKIP
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no such output folder: {folder}")
    arrays = {}
    npz = folder / "arrays.npz"
    if npz.is_file():
        with np.load(npz, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    else:
        arrays = {p.stem: np.load(p, allow_pickle=False) for p in sorted(folder.glob("*.npy"))}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8")) if (folder / "manifest.json").is_file() else None
    curves = read_table(folder / "curves.csv", frame) if (folder / "curves.csv").is_file() else None
    checks = json.loads((folder / "checks.json").read_text(encoding="utf-8")) if (folder / "checks.json").is_file() else None
    return Result(arrays, manifest, curves, checks, folder=folder)


class Sweep:
    """A merged sweep: table (one row per (cell, t)), summary (one row per cell), axes (the swept
    keys, camelCase as in the spec), manifest (the merge manifest when present), folder."""

    def __init__(self, table, summary, axes, manifest, folder):
        self.table, self.summary, self.axes, self.manifest, self.folder = table, summary, axes, manifest, folder

    def __repr__(self):
        return f"<learndyn.Sweep {len(self.summary)} cells, axes {self.axes}, {len(self.table)} table rows, folder={str(self.folder)!r}>"


def load_sweep(folder, frame=None):
    """Load a merged sweep (`learndyn sweep merge DIR`): DIR/table.csv — columns cell, the axes, t,
    then the t-aligned arrays — and DIR/summary.csv — cell, the axes, status, summary scalars.
    DataFrames with pandas, numpy structured arrays without (frame=False forces numpy); `cell` is
    always a string.

    >>> s = learndyn.load_sweep("out/kernel-learning-curve")    # doctest: +SKIP
    >>> s.axes                                                   # doctest: +SKIP
    ['samples']
    >>> s.summary.plot(x="samples", y="testFinal", logx=True)   # doctest: +SKIP
    >>> last = s.table[s.table["t"] == s.table["t"].max()]       # doctest: +SKIP
    """
    folder = Path(folder)
    missing = [n for n in ("table.csv", "summary.csv") if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(f"{folder}: {', '.join(missing)} missing (run `learndyn sweep merge {folder}` first)")
    with open(folder / "summary.csv", newline="", encoding="utf-8") as f:
        cols = next(csv.reader(f), [])
    # summary.csv: cell, the axes, status, scalars.
    axes = cols[1 : cols.index("status")] if "status" in cols and cols[:1] == ["cell"] else []
    table = read_table(folder / "table.csv", frame, text_columns=("cell", "status"), int_columns=axes)
    summary = read_table(folder / "summary.csv", frame, text_columns=("cell", "status"), int_columns=axes)
    manifest = None
    for name in ("manifest.json", "sweep.json"):
        if (folder / name).is_file():
            manifest = json.loads((folder / name).read_text(encoding="utf-8"))
            break
    return Sweep(table, summary, axes, manifest, folder)


# ---------------------------------------------------------------------------------------------
# Running


def _first_line(stderr):
    for line in stderr.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _spawn(argv, progress):
    """Run argv; stderr is collected (and echoed to sys.stderr when progress). On KeyboardInterrupt
    the CLI gets SIGINT (it writes what is finished, status Terminated) before the interrupt goes on;
    a second Ctrl-C, or 60 s without the CLI stopping, kills it."""
    out, err = [], []

    def drain(stream, sink, echo):
        for line in stream:
            sink.append(line)
            if echo:
                sys.stderr.write(line)
                sys.stderr.flush()

    # Own process group: a terminal's Ctrl-C reaches only Python, which forwards exactly one SIGINT
    # (the CLI treats a second one as "exit at once", without writing what was finished).
    popen = dict(stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
    if os.name != "nt":
        popen["start_new_session"] = True
    with subprocess.Popen(argv, **popen) as p:
        threads = [threading.Thread(target=drain, args=(p.stdout, out, False), daemon=True), threading.Thread(target=drain, args=(p.stderr, err, progress), daemon=True)]
        for t in threads:
            t.start()
        try:
            code = p.wait()
        except KeyboardInterrupt:
            try:
                if os.name == "nt":
                    p.terminate()
                else:
                    p.send_signal(signal.SIGINT)
                p.wait(timeout=60)
            except BaseException:  # a second Ctrl-C, or the CLI did not stop within 60 s
                p.kill()
                p.wait()
            raise
        for t in threads:
            t.join()
    return code, "".join(out), "".join(err)


def _arrays_from_json(obj):
    arrays = {}
    for k, v in obj.items():
        if isinstance(v, list) and v:
            try:
                a = np.asarray(v, dtype=np.float64)
            except (TypeError, ValueError):
                continue
            arrays[k] = a
    return arrays


def run(command, *, out=None, progress=False, frame=None, **params):
    """Run a learndyn command and return its Result (arrays, manifest, curves, status).

    command: "kernel run", "kernel theory", "committee ode", "committee sgd", "dmft run", "dmft simulate",
      "reproduce kernel-three-stages" (positional arguments go in the string), or a list of words.
    out: keep the output folder there (figure.svg, .npy files, …); default a temporary folder, read
      and deleted.
    progress: show the CLI's progress lines on stderr (default: --no-progress).
    frame: tables as DataFrames (None: when pandas is installed), numpy structured arrays (False).
    **params: flags, see the module docstring (noise_sd=0.5 → --noise-sd 0.5; energies=[0, 1] → 0,1).

    Interrupting Python (Ctrl-C, Jupyter's stop button) sends the CLI one SIGINT: it stops and writes
    what was finished (status Terminated) into out= when given, then KeyboardInterrupt goes on.

    >>> r = learndyn.run("committee ode", p=2, k=2, lr=0.5, t_max=100, t_count=21)
    >>> r["risk"].shape, r.manifest["problem"]["lr"]
    ((21,), 0.5)
    >>> learndyn.run("kernel run", dim=10, samples=50, energies=[0, 1], noise_sd=-1)
    Traceback (most recent call last):
    ...
    learndyn.ParameterError: learndyn: invalid noiseSd: -1 (allowed: a finite number in [0, 1e100])
    >>> learndyn.run("kernel spectrum", dim=100, max_degree=4)["multiplicities"][:3].tolist()  # B(100, k)
    [1.0, 100.0, 5049.0]

    Commands that have no --out (kernel spectrum) are run with --json; their Result has arrays (every
    numeric list of the JSON) and .json, and no manifest.
    """
    words = shlex.split(command) if isinstance(command, str) else [str(w) for w in command]
    base = cli_command()
    with tempfile.TemporaryDirectory(prefix="learndyn-") as tmp:
        flags = _argv(params, tmp)
        folder = Path(out) if out is not None else Path(tmp) / "out"
        argv = base + words + flags + ["--out", str(folder)] + ([] if progress else ["--no-progress"])
        code, stdout, stderr = _spawn(argv, progress)
        if code == 2 and re.search(r"unknown option '--(out|no-progress)'", stderr):
            # A command without --out / --no-progress (kernel spectrum): its --json is the result.
            argv = base + words + flags + ["--json"]
            code, stdout, stderr = _spawn(argv, progress)
            if code == 0:
                obj = json.loads(stdout)
                return Result(_arrays_from_json(obj), status=obj.get("status"), exit_code=0, stdout="", json_out=obj)
        if code == 2:
            raise ParameterError(_first_line(stderr) or "learndyn: bad input (exit 2)", 2, stderr, argv)
        if code not in RETURNED_EXITS:
            tail = "\n".join(stderr.strip().splitlines()[-20:])
            raise LearndynError(f"learndyn exited with code {code}:\n{tail}", code, stderr, argv)
        if folder.is_dir():
            r = load(folder, frame)
        else:
            r = Result({}, exit_code=code)
        r.exit_code, r.stdout = code, stdout
        if out is None:
            r.folder = None
        if code != 0:
            # The CLI's line saying why ("status NotConverged: maxSteps = 3 reached at t = 0.16"),
            # else its last line.
            lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
            why = next((ln for ln in lines if ln.startswith("status ")), None)
            if why is None:
                why = f"status {r.status}" + (f" ({lines[-1]})" if lines else "")
            warnings.warn(f"learndyn {' '.join(words)}: exit {code}, {why}", RuntimeWarning, stacklevel=_user_stacklevel())
        return r
