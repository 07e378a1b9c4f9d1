"""The numpy/OpenBLAS twin of `learndyn kernel run` for bench/kernel-run.bench.ts (issue 12's bar).

Same problem as the bench's learndyn run: n points uniform on the sphere of radius sqrt(d), target
f = (He1(x1) + He2-like x1 x2 + x1 x2 x3 terms)/sqrt(3) normalised as in kernel.md, noise sd 0.5,
kernel exp(<x,x'>/d), T = 81 log-spaced times in [1, 1e9], exact L2 test error (M = m(G), a
Gegenbauer series of degree 20, then M A). The same work: Gram, exp map, full eigh with vectors,
V^T y, the flow filters for all times, A = V F, the M map and M A. Data generation is not timed.

Run: OPENBLAS_NUM_THREADS=2 python3 bench/kernel-run-numpy.py n d
Prints: total seconds (Gram → M A) and the eigh's seconds.
"""
import math
import sys
import time

import numpy as np

n, d = int(sys.argv[1]), int(sys.argv[2])
T = 81
rng = np.random.default_rng(0)
g = rng.standard_normal((n, d))
X = math.sqrt(d) * g / np.linalg.norm(g, axis=1, keepdims=True)
x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
f = (x1 + math.sqrt((d + 2) / d) * x1 * x2 + math.sqrt((d + 2) * (d + 4)) / d * x1 * x2 * x3) / math.sqrt(3)
y = f + 0.5 * rng.standard_normal(n)

t0 = time.perf_counter()
G = X @ X.T
G *= 1.0 / d
np.fill_diagonal(G, 1.0)
K = np.exp(G)
t1 = time.perf_counter()
w, V = np.linalg.eigh(K)
t2 = time.perf_counter()
yt = V.T @ y
ts = np.logspace(0, 9, T)
lam = np.maximum(w, 0)
F = np.empty((n, T))
for c, t in enumerate(ts):
    x = lam * t / n
    F[:, c] = np.where(x < 1e-8, t / n, -np.expm1(-x) / np.where(lam > 0, lam, 1)) * yt
A = V @ F
train = [(np.exp(-2 * lam * t / n) * yt**2).sum() / n for t in ts]
# M = m(G), m(s) = sum_k c_k P_k(s) over degrees 0..20 by the Gegenbauer recurrence (the coefficients
# do not change the work)
P0, P1 = np.ones_like(G), G.copy()
M = 1.0 * P0 + 0.5 * P1
for k in range(1, 20):
    P0, P1 = P1, ((2 * k + d - 2) * G * P1 - k * P0) / (k + d - 2)
    M += 1e-3 * P1
MA = M @ A
t3 = time.perf_counter()
print(f"{t3 - t0:.3f} {t2 - t1:.3f}")
