"""Time a fit spends outside its batches: tf.data autotuning on against off.

When ``keras.Model.fit`` returns it deletes its dataset iterator; with
tf.data's autotuning on, the iterator's destructor waited for the tuning
thread (about 10 s in many fits on TensorFlow 2.21). skrnn's training
datasets switch autotuning off (``skrnn._batching._without_autotuning``).
This script fits the same classifier with the option on and off,
alternating, and reports each fit's wall time next to the time its
epochs took (from the epoch callbacks), so the difference is the time
spent outside the batches.

    python benchmarks/bench_fit_overhead.py [--fits 6] [--n 5000]
"""

import argparse
import statistics
import time

import numpy as np
from _common import data_home, epoch_clock, machine, write_section


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fits", type=int, default=6, help="fits per setting")
    parser.add_argument("--n", type=int, default=5000, help="training reviews")
    args = parser.parse_args()

    import tensorflow as tf

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer, _batching
    from skrnn.datasets import load_imdb

    X, y = load_imdb("train", data_home=data_home(), return_X_y=True, shuffle=True, random_state=0)
    X, y = X[: args.n], y[: args.n]
    Xp = SequencePadder(maxlen=500).fit_transform(TextVectorizer(max_features=10000).fit_transform(X))

    switched_off = _batching._without_autotuning
    settings = {"autotuning off (skrnn)": switched_off, "autotuning on (tf.data default)": tf.data.Options}
    walls = {name: [] for name in settings}
    outside = {name: [] for name in settings}
    try:
        for i in range(args.fits):
            for name, options in settings.items():
                _batching._without_autotuning = options
                clock = epoch_clock()
                clf = LSTMClassifier(epochs=1, random_state=i, callbacks=[clock])
                start = time.perf_counter()
                clf.fit(Xp, y)
                wall = time.perf_counter() - start
                walls[name].append(wall)
                outside[name].append(wall - clock.seconds)
                print(f"{name}: fit {wall:.1f} s, outside the epoch {wall - clock.seconds:.1f} s", flush=True)
    finally:
        _batching._without_autotuning = switched_off

    lines = [
        f"{machine()}; LSTMClassifier() defaults, 1 epoch on {args.n:,} IMDB reviews (maxlen 500); "
        f"{args.fits} fits per setting, alternating, each a new classifier (new graph).",
        f"Command: `python benchmarks/bench_fit_overhead.py --fits {args.fits} --n {args.n}`.",
        "",
        "| setting | fit s (median) | outside the epoch s (median) | outside the epoch s (max) |",
        "|---|---:|---:|---:|",
    ]
    for name in settings:
        lines.append(f"| {name} | {statistics.median(walls[name]):.1f} | {statistics.median(outside[name]):.1f} | "
                     f"{np.max(outside[name]):.1f} |")
    print("\n".join(lines))
    write_section("fit-overhead", "\n".join(lines))


if __name__ == "__main__":
    main()
