"""Run the third-party NumPy SymmDMFT code abond19/DMFTv2 (not part of learndyn) on the V10 setting for
bench/dmft.bench.ts: python3 bench/dmftv2_driver.py DMFTV2_DIR m eta N OUT.json

Single index, mean-field a(0) = 1, h = phi_hat = 0.9q + q^3/6, tau = 0.3, alpha = n/(md) = 0.3 (DMFTv2's
alpha_bar), explicit Euler, rows 0..N. Writes the wall time of run_dmft (allocation included) and the
observables; thread counts come from the caller's OMP_NUM_THREADS / OPENBLAS_NUM_THREADS."""
import json
import sys
import time

ref, m, eta, N, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
sys.path.insert(0, ref)
from dmft.config import DataConfig, ExperimentConfig, InitConfig, SolverConfig  # noqa: E402
from dmft.covariance import paper_config_2  # noqa: E402
from dmft.observables import get_observables  # noqa: E402
from dmft.solver import run_dmft  # noqa: E402

cfg = ExperimentConfig(
    m=m,
    alpha_bar=0.3,
    cov=paper_config_2(),
    data=DataConfig(tau=0.3, k=1, is_pure_noise=False),
    init=InitConfig(mode="mean_field", a0=1.0),
    solver=SolverConfig(eta=eta, T_max=N * eta),
    evolve_second_layer=True,
)
if cfg.solver.n_steps != N + 1:
    sys.exit(f"DMFTv2 grid has {cfg.solver.n_steps} rows, expected {N + 1}")
t0 = time.perf_counter()
state = run_dmft(cfg, print_every=0, verbose=False)
sec = time.perf_counter() - t0
obs = get_observables(state, cfg.cov, m, 0.3)
keys = {"a": "a", "v": "v", "nu": "nu", "trainError": "train_error", "testError": "test_error", "Co": "Co_diag"}
with open(out, "w") as f:
    json.dump({"seconds": sec, **{k: obs[v].tolist() for k, v in keys.items()}}, f)
