"""Generator of hansen_code_panel.csv (run once; see README, "Hansen's own program")."""
import numpy as np
import pandas as pd

rng = np.random.default_rng(19990345)
n, t = 100, 11
firm = np.repeat(np.arange(1, n + 1), t); year = np.tile(np.arange(1, t + 1), n)
u = rng.uniform(0.05, 0.75, n)
d = np.clip(np.repeat(u, t) + 0.12 * rng.standard_normal(n * t), 0, 0.95)
d[rng.random(n * t) < 0.12] = 0.0
d = np.round(d, 3)
q = np.round(np.exp(rng.normal(0.3, 0.35, n * t)), 4)
c = np.round(rng.normal(0.1, 0.06, n * t), 5)
mu = np.repeat(rng.normal(0.1, 0.05, n), t)
i = np.zeros(n * t)
for k in range(n * t):
    if year[k] == 1:
        i[k] = mu[k] + 0.03 * rng.standard_normal(); continue
    ql, dl, cl = q[k - 1], d[k - 1], c[k - 1]
    b = 0.9 if dl < 0.25 else (0.35 if dl < 0.55 else -0.15)
    i[k] = (mu[k] + 0.04 * ql - 0.01 * ql ** 2 + 0.001 * ql ** 3 + 0.05 * dl - 0.02 * ql * dl
            + b * cl + 0.03 * rng.standard_normal())
i = np.round(i, 6)
df = pd.DataFrame({"firm": firm, "year": year, "i": i, "q": q, "c": c, "d": d})
df.to_csv("/tmp/pdr/hansen_code_panel.csv", index=False, float_format="%.6f")
df[["i", "q", "c", "d"]].to_csv("/tmp/pdr/run/invest.dat", sep=" ", header=False, index=False, float_format="%.6f")
print(df.describe()); print("unique d", df.d.nunique(), "zeros", (df.d == 0).mean())
