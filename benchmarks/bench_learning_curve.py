"""Learning curve on IMDB with the default training budget: every recurrent default next to TF-IDF.

For each training-set size (a stratified sample of the 25,000 training
reviews, drawn with each seed) the pipelines ``skrnn compare`` builds are
trained and scored on the full test set:

- ``tfidf-bigram``: TF-IDF 1-2-grams + LogisticRegression;
- ``simple_rnn``, ``lstm``, ``gru``: ``TextVectorizer -> SequencePadder ->
  <Cell>Classifier`` with every default (``epochs="auto"``,
  ``batch_size="auto"``, ``learning_rate_decay="auto"``), the vocabulary
  and ``maxlen`` sized from the sample by ``skrnn.compare.resolve_sizes``;
- ``lstm-5x128`` (full training set only, first seed): the fixed budget the
  defaults replace, ``TextVectorizer(max_features=10000) ->
  SequencePadder(maxlen=500) -> LSTMClassifier(epochs=5, batch_size=128)``
  on every row, for accuracy and fit time side by side.

The second table gives what the defaults resolved to at each size: epochs
run, the epoch kept, the batch size and the gradient steps taken.

    python benchmarks/bench_learning_curve.py [--sizes 500,1000,2000,5000,25000] [--seeds 0,1,2]
        [--variants tfidf-bigram,simple_rnn,lstm,gru,lstm-5x128] [--log LOG] [--resume LOG]

Each run prints one JSON line (appended to ``--log``); ``--resume LOG``
takes the runs a log already holds.
"""

import argparse
import json
import math
import time

import numpy as np
from _common import data_home, machine, mean_interval, read_log, stratified_sample, write_section

#: The IMDB learning-curve targets of the default LSTM pipeline (3-seed mean, full test set).
TARGETS = {500: 0.68, 1000: 0.75, 2000: 0.80, 5000: 0.85}
#: At 25,000 reviews: no lower than the fixed budget's accuracy, in at most this many times its fit time.
FULL_TIME_RATIO = 1.5
RECURRENT = ("simple_rnn", "lstm", "gru")


def build(variant, X_train, seed):
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
    from skrnn.compare import make_model, resolve_sizes

    if variant == "tfidf-bigram":
        return make_model(variant, random_state=seed)
    if variant == "lstm-5x128":
        return make_pipeline(TextVectorizer(max_features=10000), SequencePadder(maxlen=500),
                             LSTMClassifier(epochs=5, batch_size=128, random_state=seed))
    max_features, maxlen, _ = resolve_sizes(X_train)
    return make_model(variant, max_features=max_features, maxlen=maxlen, random_state=seed)


def run(variant, X_train, y_train, X_test, y_test, seed):
    model = build(variant, X_train, seed)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    accuracy = float(np.mean(model.predict(X_test) == y_test))
    record = dict(variant=variant, n_train=len(X_train), seed=seed, accuracy=round(accuracy, 4),
                  fit_seconds=round(fit_seconds, 1))
    clf = model[-1]
    if hasattr(clf, "n_epochs_"):
        from skrnn.compare import VALIDATION_FRACTION

        held_out = math.ceil(VALIDATION_FRACTION * len(X_train)) if variant != "lstm-5x128" else 0
        rows = len(X_train) - held_out
        record.update(epochs=clf.n_epochs_, best_epoch=clf.best_epoch_, batch_size=clf.batch_size_,
                      steps=clf.n_epochs_ * math.ceil(rows / clf.batch_size_), maxlen=int(model[1].maxlen_),
                      vocabulary=int(clf.vocabulary_size_))
    return record


def accuracy_table(runs, sizes, variants):
    lines = ["| training reviews | " + " | ".join(variants) + " |", "|---:|" + "---:|" * len(variants)]
    for n in sizes:
        cells = []
        for v in variants:
            group = [r for r in runs if r["variant"] == v and r["n_train"] == n]
            if not group:
                cells.append("-")
                continue
            mean, low, high = mean_interval([r["accuracy"] for r in group])
            half = (high - low) / 2 if np.isfinite(high - low) else 0.0  # nan when every seed scored the same
            spread = f" ± {half:.4f}" if len(group) > 1 else " (1 seed)"
            cells.append(f"{mean:.4f}{spread}, {np.mean([r['fit_seconds'] for r in group]):.0f} s")
        lines.append(f"| {n:,} | " + " | ".join(cells) + " |")
    return lines


def budget_table(runs, sizes):
    lines = ["| training reviews | model | maxlen | vocabulary | batch size | epochs run | epoch kept | steps |",
             "|---:|---|---:|---:|---:|---|---|---:|"]
    for n in sizes:
        for v in RECURRENT:
            group = [r for r in runs if r["variant"] == v and r["n_train"] == n]
            if not group:
                continue

            def values(key, group=group):
                return "/".join(str(r[key]) for r in group)

            lines.append(f"| {n:,} | {v} | {values('maxlen')} | {values('vocabulary')} | {values('batch_size')} | "
                         f"{values('epochs')} | {values('best_epoch')} | "
                         f"{np.mean([r['steps'] for r in group]):,.0f} |")
    return lines


def target_lines(runs, sizes):
    met = {True: "reached", False: "not reached"}
    lines = ["The goals set for the default LSTM pipeline (3-seed mean; the interval is the mean's 95 % t interval):",
             ""]
    for n, target in TARGETS.items():
        group = [r["accuracy"] for r in runs if r["variant"] == "lstm" and r["n_train"] == n]
        if group:
            mean, low, high = mean_interval(group)
            lines.append(f"- {n:,} reviews: {mean:.4f} ({low:.4f} to {high:.4f}) against >= {target}: "
                         f"{met[mean >= target]}.")
    full = max(sizes)
    new = [r for r in runs if r["variant"] == "lstm" and r["n_train"] == full]
    old = [r for r in runs if r["variant"] == "lstm-5x128" and r["n_train"] == full]
    if new and old:
        accuracy, ratio = np.mean([r["accuracy"] for r in new]), np.mean([r["fit_seconds"] for r in new]) / np.mean(
            [r["fit_seconds"] for r in old])
        lines.append(f"- {full:,} reviews: {accuracy:.4f} against the fixed budget's {old[0]['accuracy']:.4f} "
                     f"(one seed), fit time {ratio:.2f}x its own in this run (at most {FULL_TIME_RATIO}x): "
                     f"accuracy {met[accuracy >= old[0]['accuracy']]}, time {met[ratio <= FULL_TIME_RATIO]}.")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,1000,2000,5000,25000")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--variants", default="tfidf-bigram,simple_rnn,lstm,gru,lstm-5x128")
    parser.add_argument("--log", default=None, help="append each run's JSON line here")
    parser.add_argument("--resume", default=None, help="a log of this script's JSON lines: runs to take from it")
    parser.add_argument("--no-write", action="store_true", help="print the tables, do not store them")
    args = parser.parse_args()
    from skrnn.datasets import load_imdb

    X, y = load_imdb("train", data_home=data_home(), return_X_y=True, verbose=False)
    X_test, y_test = load_imdb("test", data_home=data_home(), return_X_y=True, verbose=False)
    X, y, X_test, y_test = np.asarray(list(X), dtype=object), np.asarray(y), list(X_test), np.asarray(y_test)
    sizes = [int(s) for s in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    variants = args.variants.split(",")
    done = {(r["variant"], r["n_train"], r["seed"]): r for r in read_log(args.resume)}
    runs = []
    for n in sizes:
        for seed in seeds:
            X_n, y_n = stratified_sample(X, y, n, seed)
            for variant in variants:
                if variant == "lstm-5x128" and (n != max(sizes) or seed != seeds[0]):
                    continue
                if (variant, n, seed) in done:
                    runs.append(done[variant, n, seed])
                    continue
                record = run(variant, list(X_n), y_n, X_test, y_test, seed)
                runs.append(record)
                print(json.dumps(record), flush=True)
                if args.log:
                    with open(args.log, "a") as log:
                        log.write(json.dumps(record) + "\n")
    shown = [v for v in variants if v != "lstm-5x128"]
    lines = [
        f"{machine()}; IMDB, training sets drawn stratified from the 25,000 training reviews with each seed, "
        f"scored on the {len(X_test):,} test reviews; seeds {args.seeds}.",
        f"Command: `python benchmarks/bench_learning_curve.py --sizes {args.sizes} --seeds {args.seeds} "
        f"--variants {args.variants}`.",
        "",
        "Test accuracy, mean over seeds ± the half-width of the mean's 95 % t interval, and the mean fit seconds:",
        "",
        *accuracy_table(runs, sizes, shown),
        "",
        "What the defaults resolved to, seed by seed (steps: mean gradient steps of a fit):",
        "",
        *budget_table(runs, sizes),
        "",
        *target_lines(runs, sizes),
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section("learning-curve", "\n".join(lines))


if __name__ == "__main__":
    main()
