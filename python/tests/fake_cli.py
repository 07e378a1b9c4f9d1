"""A stand-in for the learndyn CLI (run through LEARNDYN_CLI) to test the exit-code and interrupt
paths of learndyn.py without an engine: FAKE_MODE picks the behaviour, --out names the folder."""
import json
import os
import signal
import sys
import time

import numpy as np

argv = sys.argv[1:]
out = argv[argv.index("--out") + 1] if "--out" in argv else None
mode = os.environ.get("FAKE_MODE", "ok")


def write(status):
    os.makedirs(out, exist_ok=True)
    np.savez(os.path.join(out, "arrays.npz"), t=np.array([0.0, 1.0]), risk=np.array([1.0, 0.5]))
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"status": status, "argv": argv}, f)


if mode == "ok":
    write("Success")
    sys.exit(0)
if mode == "unstable":
    write("Unstable")
    print("status Unstable: blow-up at t = 1", file=sys.stderr)
    sys.exit(4)
if mode == "terminated":
    write("Terminated")
    sys.exit(130)
if mode == "crash":
    print("learndyn: internal error: Error: boom\n    at main (main.js:1:1)", file=sys.stderr)
    sys.exit(1)
if mode == "wait":
    # Wait for SIGINT (forwarded by learndyn.py on KeyboardInterrupt), then do what the CLI does:
    # write what was finished as Terminated and exit 130.
    def on_int(*_):
        write("Terminated")
        sys.exit(130)

    signal.signal(signal.SIGINT, on_int)
    open(os.environ["FAKE_READY"], "w").close()
    time.sleep(60)
    sys.exit(99)
sys.exit(98)
