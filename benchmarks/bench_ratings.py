"""Why the regressors standardise their targets: ``standardize_target`` on and off on IMDB's star ratings.

Trains ``skrnn compare --target rating``'s ``lstm`` and ``simple_rnn``
pipelines at their defaults (``epochs="auto"``: each stops on the loss of
its own 10 % validation hold-out and keeps its best epoch) on a stratified
sample of IMDB's training reviews, with the targets standardised (the
default) and as the raw ratings of 1-10, for several seeds, and stores the
test RMSE and the epochs run of each (docs/benchmarks.md).

    python benchmarks/bench_ratings.py [--seeds 0,1,2] [--sample 5000]
"""

import argparse
import json

import numpy as np
from _common import data_home, machine, write_section


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--sample", type=int, default=5000)
    args = parser.parse_args()
    from skrnn.compare import make_model
    from skrnn.datasets import load_imdb_sample

    X, y, X_test, y_test = load_imdb_sample(args.sample, data_home=data_home(), random_state=0, target="rating")
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for cell in ("lstm", "simple_rnn"):
        for standardize in (True, False):
            errors, epochs = [], []
            for seed in seeds:
                model = make_model(cell, target="rating", random_state=seed)
                model[-1].set_params(standardize_target=standardize)
                model.fit(X, y)
                errors.append(float(np.sqrt(np.mean((model.predict(X_test) - y_test) ** 2))))
                epochs.append(int(model[-1].n_epochs_))
                print(json.dumps({"cell": cell, "standardize_target": standardize, "seed": seed,
                                  "rmse": errors[-1], "epochs": epochs[-1]}), flush=True)
            rows.append((cell, standardize, errors, epochs))
    lines = [
        f"{machine()}; {len(X):,} training reviews (a stratified sample; 10 % of them held out for validation), "
        'the defaults\' budget (`epochs="auto"`: training stops on the hold-out\'s loss and keeps the best '
        f"epoch), test RMSE on {len(X_test):,} test reviews; the ratings' standard deviation is "
        f"{np.std(y_test):.2f}.",
        f"Command: `python benchmarks/bench_ratings.py --seeds {args.seeds} --sample {args.sample}`.",
        "",
        "| model | standardize_target | " + " | ".join(f"seed {s}" for s in seeds) + " | mean ± sd | epochs run |",
        "|---|---|" + "---:|" * (len(seeds) + 1) + "---|",
    ]
    for cell, standardize, errors, epochs in rows:
        lines.append(f"| {cell} | {standardize} | " + " | ".join(f"{e:.4f}" for e in errors)
                     + f" | {np.mean(errors):.4f} ± {np.std(errors, ddof=1):.4f} | {', '.join(map(str, epochs))} |")
    print("\n".join(lines))
    write_section("ratings-standardise", "\n".join(lines))


if __name__ == "__main__":
    main()
