"""Tests of python/learndyn.py (run by test/python/python.test.ts: python3 -m unittest discover).

Real CLI runs (this checkout's node bin/learndyn.js, built) are compared with the CLI's own --json
output for the same flags — a second path to the same numbers (JSON text vs arrays.npz). The exit
code and interrupt paths use a stand-in CLI (fake_cli.py through LEARNDYN_CLI). Tables are checked
against the data the fixture was written from, with pandas absent (sys.modules['pandas'] = None),
and present (a stand-in module recording the columns it is given).
"""

import csv
import doctest
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
import unittest
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
import learndyn  # noqa: E402

NODE = shutil.which("node")
CLI = [NODE, str(REPO / "bin" / "learndyn.js")]


def cli_json(*args):
    """This checkout's CLI with --json, parsed (the independent path)."""
    r = subprocess.run(CLI + list(args) + ["--json"], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


class Env:
    """Temporarily set environment variables."""

    def __init__(self, **kv):
        self.kv, self.old = kv, {}

    def __enter__(self):
        for k, v in self.kv.items():
            self.old[k] = os.environ.get(k)
            os.environ[k] = v

    def __exit__(self, *exc):
        for k, v in self.old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def fake_cli(mode, **extra):
    return Env(LEARNDYN_CLI=f'"{sys.executable}" "{HERE / "fake_cli.py"}"', FAKE_MODE=mode, **extra)


class NoPandas:
    """pandas made unimportable (sys.modules entry None → ImportError), whether installed or not."""

    def __enter__(self):
        self.old = sys.modules.get("pandas", "absent")
        sys.modules["pandas"] = None

    def __exit__(self, *exc):
        if self.old == "absent":
            sys.modules.pop("pandas", None)
        else:
            sys.modules["pandas"] = self.old


class FakePandas(NoPandas):
    """A stand-in pandas whose DataFrame records the columns it is built from."""

    def __enter__(self):
        self.old = sys.modules.get("pandas", "absent")

        class DataFrame:
            def __init__(self, data):
                self.data = data
                self.columns = list(data)

            def __len__(self):
                return len(next(iter(self.data.values()))) if self.data else 0

            def __getitem__(self, k):
                return self.data[k]

        sys.modules["pandas"] = types.SimpleNamespace(DataFrame=DataFrame)


SMALL = dict(dim=10, samples=50, energies=[0, 0.5, 0.5], t_count=5)
SMALL_FLAGS = ["kernel", "run", "--dim", "10", "--samples", "50", "--energies", "0,0.5,0.5", "--t-count", "5"]


class TestFlags(unittest.TestCase):
    def test_keyword_arguments_become_flags(self):
        with tempfile.TemporaryDirectory() as tmp:
            argv = learndyn._argv(
                {
                    "noise_sd": 0.5,
                    "tMax": 1e9,
                    "energies": [0, 0.25, np.float64(0.75)],
                    "seeds": np.int64(3),
                    "noisy_risk": True,
                    "png": False,
                    "seed": None,
                    "no_exact_test": True,
                    "t_min": -1.5,
                    "kernel": "poly:1,2",
                    "lr": 1e-5,
                    "config": {"dim": 10, "energies": np.array([0.0, 1.0])},
                },
                tmp,
            )
            cfg = Path(tmp) / "config.json"
            self.assertEqual(
                argv,
                [
                    "--noise-sd", "0.5",
                    "--t-max", "1000000000.0",
                    "--energies", "0,0.25,0.75",
                    "--seeds", "3",
                    "--noisy-risk",
                    "--no-exact-test",
                    "--t-min=-1.5",
                    "--kernel", "poly:1,2",
                    "--lr", "1e-05",
                    "--config", str(cfg),
                ],
            )
            self.assertEqual(json.loads(cfg.read_text()), {"dim": 10, "energies": [0.0, 1.0]})

    def test_float_text_round_trips(self):
        # The flag text parses back to the same double (JS Number() and Python float() agree on it).
        for x in [0.1, 1 / 3, 2.5e-300, 1e22, 123456789.123]:
            self.assertEqual(float(learndyn._number(x)), x)


@unittest.skipIf(NODE is None, "node is not on PATH")
class TestRunRealCli(unittest.TestCase):
    def test_kernel_run_arrays_equal_the_cli_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "kept"
            r = learndyn.run("kernel run", noise_sd=0.25, seeds=2, out=out, frame=False, **SMALL)
            ref = cli_json(*SMALL_FLAGS, "--noise-sd", "0.25", "--seeds", "2")
            self.assertEqual(r.status, "Success")
            self.assertEqual(r.status, ref["status"])
            self.assertEqual(r.exit_code, 0)
            for name in ["t", "test", "train", "oracle", "theoryTest", "testSE", "testBySeed", "trainBySeed"]:
                np.testing.assert_array_equal(r[name], np.asarray(ref[name], dtype=np.float64), err_msg=name)
            self.assertEqual(r["testBySeed"].shape, (2, 5))
            # The flags reached the CLI: the manifest's resolved problem.
            self.assertEqual(r.manifest["problem"]["noiseSd"], 0.25)
            self.assertEqual(r.manifest["problem"]["seeds"], 2)
            self.assertIn("test error", r.definition("test"))
            # curves.csv holds the same t-aligned columns.
            self.assertEqual(r.curves.dtype.names[0], "t")
            for name in r.curves.dtype.names:
                self.assertEqual(r.curves.dtype[name], np.float64, name)  # also trainSE, all zeros
                np.testing.assert_array_equal(r.curves[name], r[name], err_msg=name)
            # out= keeps the folder (figure files too).
            self.assertEqual(r.folder, out)
            self.assertTrue((out / "figure.svg").is_file())
            # load() of the kept folder gives the same arrays.
            again = learndyn.load(out, frame=False)
            self.assertEqual(sorted(again.keys()), sorted(r.keys()))
            for k in r.keys():
                np.testing.assert_array_equal(again[k], r[k])

    def test_temporary_folder_is_removed(self):
        r = learndyn.run("kernel theory", dim=10, samples=50, energies=[0, 0.5, 0.5], t_count=5, frame=False)
        self.assertIsNone(r.folder)
        self.assertEqual(r.status, "Success")
        ref = cli_json("kernel", "theory", "--dim", "10", "--samples", "50", "--energies", "0,0.5,0.5", "--t-count", "5")
        np.testing.assert_array_equal(r["oracle"], np.asarray(ref["oracle"], dtype=np.float64))

    def test_bad_input_raises_the_cli_line(self):
        with self.assertRaises(learndyn.ParameterError) as cm:
            learndyn.run("kernel run", dim=10, samples=50, energies=[0, 1], noise_sd=-1)
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.exit_code, 2)
        self.assertNotIn("\n", str(e))
        self.assertIn("noiseSd", str(e))
        self.assertIn("-1", str(e))
        with self.assertRaises(learndyn.ParameterError) as cm:
            learndyn.run("kernel run", dim=10, samples=50, energies=[0, 1], bogus_flag=1)
        self.assertIn("--bogus-flag", str(cm.exception))

    def test_not_converged_returns_status_and_warns(self):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = learndyn.run("committee ode", p=2, k=2, lr=0.5, t_max=100, t_count=5, max_steps=3, frame=False)
        self.assertEqual(r.exit_code, 3)
        self.assertEqual(r.status, "NotConverged")
        self.assertEqual(r.manifest["status"], "NotConverged")
        self.assertTrue(np.all(np.isfinite(r["risk"])))
        msgs = [str(x.message) for x in w if issubclass(x.category, RuntimeWarning)]
        self.assertTrue(any("NotConverged" in m and "exit 3" in m for m in msgs), msgs)

    def test_command_without_out_uses_json(self):
        r = learndyn.run("kernel spectrum", dim=10, max_degree=3)
        ref = cli_json("kernel", "spectrum", "--dim", "10", "--max-degree", "3")
        self.assertIsNone(r.manifest)
        self.assertEqual(r.json, ref)
        np.testing.assert_array_equal(r["eigenvalues"], np.asarray(ref["eigenvalues"]))
        np.testing.assert_array_equal(r["multiplicities"], np.asarray(ref["multiplicities"]))


class TestFakeCli(unittest.TestCase):
    def test_cli_from_environment_and_argv(self):
        with fake_cli("ok"):
            self.assertEqual(learndyn.cli_command(), [sys.executable, str(HERE / "fake_cli.py")])
            r = learndyn.run("committee sgd", p=2, lr=0.5, seeds=3, frame=False)
        self.assertEqual(r.status, "Success")
        argv = r.manifest["argv"]
        self.assertEqual(argv[:6], ["committee", "sgd", "--p", "2", "--lr", "0.5"])
        self.assertEqual(argv[6:8], ["--seeds", "3"])
        self.assertEqual(argv[8], "--out")
        self.assertEqual(argv[-1], "--no-progress")
        with Env(LEARNDYN_CLI="/somewhere/bin/learndyn.js"):
            self.assertEqual(learndyn.cli_command()[1:], ["/somewhere/bin/learndyn.js"])

    def test_unstable_and_terminated_return_results(self):
        for mode, code, status in [("unstable", 4, "Unstable"), ("terminated", 130, "Terminated")]:
            with fake_cli(mode), warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                r = learndyn.run("dmft run", frame=False)
            self.assertEqual((r.exit_code, r.status), (code, status))
            np.testing.assert_array_equal(r["risk"], [1.0, 0.5])
            self.assertTrue(any(f"exit {code}" in str(x.message) for x in w))

    def test_internal_error_raises(self):
        with fake_cli("crash"), self.assertRaises(learndyn.LearndynError) as cm:
            learndyn.run("kernel run")
        self.assertNotIsInstance(cm.exception, learndyn.ParameterError)
        self.assertEqual(cm.exception.exit_code, 1)
        self.assertIn("boom", str(cm.exception))

    @unittest.skipIf(os.name == "nt", "SIGINT forwarding is POSIX")
    def test_keyboard_interrupt_is_forwarded_to_the_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            ready, out = Path(tmp) / "ready", Path(tmp) / "out"

            def interrupt():
                t0 = time.time()
                while not ready.exists() and time.time() - t0 < 30:
                    time.sleep(0.02)
                os.kill(os.getpid(), signal.SIGINT)

            with fake_cli("wait", FAKE_READY=str(ready)):
                threading.Thread(target=interrupt, daemon=True).start()
                with self.assertRaises(KeyboardInterrupt):
                    learndyn.run("kernel run", out=out)
            # The CLI got SIGINT and wrote what was finished, as the real one does.
            r = learndyn.load(out, frame=False)
            self.assertEqual(r.status, "Terminated")


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# A merged sweep as `learndyn sweep merge` writes it (issue 9): table.csv one row per (cell, t) with
# cell, the axes, t, the arrays; summary.csv one row per cell with cell, the axes, status, scalars.
CELLS = [("0a1bc9", 250, "exp"), ("004217", 500, "poly:1,2")]  # an all-digit hash keeps its zeros
TIMES = [0.1, 10.0, 1000.0]
TABLE = [[c, n, k, t, 1.0 / (1 + t * n / 250), "-0" if t == 0.1 else t / n, 0] for c, n, k in CELLS for t in TIMES]
SUMMARY = [["0a1bc9", 250, "exp", "Success", 0.125, 80.5], ["004217", 500, "poly:1,2", "NotConverged", "inf", ""]]


class TestTables(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        write_csv(self.dir / "table.csv", ["cell", "samples", "kernel", "t", "test", "train", "trainSE"], TABLE)
        write_csv(self.dir / "summary.csv", ["cell", "samples", "kernel", "status", "testFinal", "t1"], SUMMARY)
        learndyn._NOTE_SHOWN = False

    def tearDown(self):
        shutil.rmtree(self.dir)

    def check_sweep(self, s, col):
        self.assertEqual(s.axes, ["samples", "kernel"])
        self.assertEqual(len(s.summary), 2)
        self.assertEqual(len(s.table), 6)
        self.assertEqual(list(col(s.table, "cell")), [c for c, _, _ in CELLS for _ in TIMES])
        self.assertEqual(col(s.table, "samples").dtype, np.int64)
        self.assertEqual(list(col(s.table, "samples")), [n for _, n, _ in CELLS for _ in TIMES])
        self.assertEqual(list(col(s.table, "kernel")), [k for _, _, k in CELLS for _ in TIMES])
        self.assertEqual(col(s.table, "t").dtype, np.float64)
        np.testing.assert_array_equal(col(s.table, "test"), [row[4] for row in TABLE])
        self.assertTrue(math.copysign(1, col(s.table, "train")[0]) < 0)  # -0 stays -0
        self.assertEqual(col(s.table, "trainSE").dtype, np.float64)  # an array column of zeros stays float
        self.assertEqual(list(col(s.summary, "status")), ["Success", "NotConverged"])
        self.assertEqual(list(col(s.summary, "cell")), ["0a1bc9", "004217"])
        tf, t1 = col(s.summary, "testFinal"), col(s.summary, "t1")
        self.assertEqual((tf[0], tf[1]), (0.125, math.inf))
        self.assertEqual(t1[0], 80.5)
        self.assertTrue(math.isnan(t1[1]))  # an empty cell reads as NaN

    def test_sweep_without_pandas_is_numpy_with_a_note(self):
        with NoPandas(), warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            s = learndyn.load_sweep(self.dir)
            learndyn.load_sweep(self.dir)
        self.assertIsInstance(s.table, np.ndarray)
        self.assertEqual(s.table.dtype.names, ("cell", "samples", "kernel", "t", "test", "train", "trainSE"))
        self.check_sweep(s, lambda t, c: t[c])
        notes = [x for x in w if "pandas is not installed" in str(x.message)]
        self.assertEqual(len(notes), 1)  # once per process, not per table
        self.assertEqual(notes[0].filename, __file__)  # points at the caller's line

    def test_sweep_with_pandas_is_a_dataframe(self):
        with FakePandas():
            s = learndyn.load_sweep(self.dir)
        self.assertEqual(type(s.table).__name__, "DataFrame")
        self.assertEqual(s.table.columns, ["cell", "samples", "kernel", "t", "test", "train", "trainSE"])
        self.check_sweep(s, lambda t, c: t[c])

    def test_frame_false_and_true(self):
        with FakePandas():
            self.assertIsInstance(learndyn.load_sweep(self.dir, frame=False).summary, np.ndarray)
        with NoPandas(), self.assertRaises(ImportError):
            learndyn.load_sweep(self.dir, frame=True)

    def test_missing_merge_says_so(self):
        (self.dir / "summary.csv").unlink()
        with self.assertRaises(FileNotFoundError) as cm:
            learndyn.load_sweep(self.dir)
        self.assertIn("sweep merge", str(cm.exception))

    def test_real_pandas_when_installed(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("pandas is not installed (the stand-in module covers the DataFrame path)")
        s = learndyn.load_sweep(self.dir)
        self.check_sweep(s, lambda t, c: t[c].to_numpy())

    def test_load_npy_only_folder(self):
        a, b = np.arange(6.0).reshape(2, 3), np.array([1.5, -2.0])
        np.save(self.dir / "Q.npy", a)
        np.save(self.dir / "risk.npy", b)
        (self.dir / "manifest.json").write_text(json.dumps({"status": "Unstable"}))
        r = learndyn.load(self.dir, frame=False)
        np.testing.assert_array_equal(r["Q"], a)
        np.testing.assert_array_equal(r["risk"], b)
        self.assertEqual(r.status, "Unstable")


def load_tests(loader, tests, ignore):
    """The docstring examples of learndyn.py run as doctests (they call this checkout's CLI)."""
    if NODE is not None:
        tests.addTests(doctest.DocTestSuite(learndyn, extraglobs={"learndyn": learndyn}, optionflags=doctest.ELLIPSIS))
    return tests


if __name__ == "__main__":
    unittest.main()
