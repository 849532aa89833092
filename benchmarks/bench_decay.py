"""The learning-rate decay on a 10,000-review IMDB sample: constant, "auto", and a fixed per-epoch factor.

Trains ``skrnn compare``'s SimpleRNN and LSTM pipelines at their defaults
(``epochs="auto"``: each holds out a stratified 10 % of its 10,000 training
reviews, stops on that hold-out's loss and keeps its best epoch) with
``learning_rate_decay`` at 1.0 (Keras' constant rate), ``"auto"`` (the
default: the cell's factor per 25,000 training samples) and the cell's
factor every epoch whatever the data size (x0.5 for the LSTM, x0.75 for the
SimpleRNN), for several seeds, and stores the test accuracies and the
epochs run (docs/benchmarks.md).

    python benchmarks/bench_decay.py [--seeds 0,1,2] [--sample 10000]
"""

import argparse
import json

import numpy as np
from _common import data_home, machine, write_section

PER_EPOCH = {"lstm": 0.5, "simple_rnn": 0.75}  # the cell's factor, every epoch


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--sample", type=int, default=10000)
    args = parser.parse_args()
    from skrnn.compare import make_model
    from skrnn.datasets import load_imdb_sample

    # As skrnn compare --sample does (random_state 0).
    X, y, X_test, y_test = load_imdb_sample(args.sample, data_home=data_home(), random_state=0)
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    for cell in ("lstm", "simple_rnn"):
        for rule, decay in (("constant (1.0)", 1.0), ('"auto"', "auto"), ("per epoch", PER_EPOCH[cell])):
            accs, epochs, factor = [], [], None
            for seed in seeds:
                model = make_model(cell, random_state=seed)
                model[-1].set_params(learning_rate_decay=decay)
                model.fit(X, y)
                accs.append(float(np.mean(model.predict(X_test) == y_test)))
                factor = model[-1].learning_rate_decay_
                epochs.append(int(model[-1].n_epochs_))
                print(json.dumps({"cell": cell, "rule": rule, "seed": seed, "factor": factor, "accuracy": accs[-1],
                                  "epochs": epochs[-1]}), flush=True)
            rows.append((cell, rule, factor, accs, epochs))
    lines = [
        f"{machine()}; `skrnn compare --sample {args.sample}`'s data and pipelines at the defaults' budget "
        f'(`epochs="auto"` on {len(X):,} training reviews, a stratified 10 % of them held out for stopping; '
        f"{len(X_test):,} test reviews).",
        f"Command: `python benchmarks/bench_decay.py --seeds {args.seeds} --sample {args.sample}`.",
        "",
        "| model | learning_rate_decay | factor per epoch | " + " | ".join(f"seed {s}" for s in seeds)
        + " | mean | epochs run |",
        "|---|---|---:|" + "---:|" * (len(seeds) + 1) + "---|",
    ]
    for cell, rule, factor, accs, epochs in rows:
        lines.append(f"| {cell} | {rule} | {factor:.3f} | " + " | ".join(f"{a:.4f}" for a in accs)
                     + f" | {np.mean(accs):.4f} | {', '.join(map(str, epochs))} |")
    print("\n".join(lines))
    write_section("decay-sample", "\n".join(lines))


if __name__ == "__main__":
    main()
