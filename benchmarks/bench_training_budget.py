"""How the training budget was chosen: batch size and patience, measured on held-out rows only.

For each data set, training size, batch size and seed, one network is
trained for a fixed number of epochs with the 10 % stratified hold-out the
estimators use for stopping (``validation_split=0.1``), and after every
epoch it records the hold-out loss and the accuracy on a separate dev set.
No test split is read. Every stopping rule is then replayed on those
curves: with patience ``p`` a fit stops after ``p`` epochs without a lower
hold-out loss and keeps the weights of its best epoch, so its dev accuracy
is the one recorded at that epoch. One run per setting thus scores every
patience.

Data:

- ``imdb``: 5,000 of the 25,000 IMDB training reviews (stratified, seed 0)
  are the dev set; training sets of each size are drawn from the other
  20,000 with each seed. ``TextVectorizer(max_features=10000) ->
  SequencePadder(maxlen=500)``.
- ``sst5``: SST-5's ``train.csv`` (8,544 sentences, or a stratified sample of
  each size) and its ``dev.csv`` (1,101). ``TextVectorizer(min_df=2) ->
  SequencePadder(maxlen=50)``.

    python benchmarks/bench_training_budget.py [--sets imdb,sst5] [--sizes 500,2000,5000]
        [--batches 16,32,64,128] [--seeds 0,1] [--epochs 20] [--cell lstm] [--log LOG]

With ``--refit``, it measures instead whether a fit with ``epochs="auto"``
should end by training a new network on every row for the best epoch count
(the hold-out rows back in): for each size and seed, the default pipeline's
dev accuracy, and that of the same network refitted with
``epochs=best_epoch_`` and no hold-out; the paired differences with their
95 % t interval, and the fit seconds of both.

    python benchmarks/bench_training_budget.py --refit [--sets imdb] [--sizes 1000,5000] [--seeds 0,1,2]

With ``--pooling``, it compares the poolings instead: each cell with every
default but ``pooling`` (``last``, ``max``, ``mean``), dev accuracy, mean
over seeds.

    python benchmarks/bench_training_budget.py --pooling [--sets imdb,sst5] [--sizes "imdb=2000;sst5=2000,9000"]
        [--seeds 0,1]
        [--cells simple_rnn,lstm,gru]

Each run prints one JSON line (also appended to ``--log``); ``--resume LOG``
replays runs a log already holds.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from _common import data_home, machine, read_log, stratified_sample, write_section

PATIENCES = (1, 2, 3, 5)
#: The improvement the replayed stopping rule asks for (the estimators' own).
MIN_DELTA = 1e-3


def load(name, home):
    from sklearn.model_selection import train_test_split

    if name == "imdb":
        from skrnn.datasets import load_imdb

        X, y = load_imdb("train", data_home=home, return_X_y=True, verbose=False)
        X, y = np.asarray(list(X), dtype=object), np.asarray(y)
        X_train, X_dev, y_train, y_dev = train_test_split(X, y, test_size=5000, stratify=y, random_state=0)
        return X_train, y_train, X_dev, y_dev, dict(max_features=10000), 500
    import pandas as pd

    train = pd.read_csv(Path(home) / "sst5" / "train.csv")
    dev = pd.read_csv(Path(home) / "sst5" / "dev.csv")
    return (train.text.to_numpy(object), train.label.to_numpy(object), dev.text.to_numpy(object),
            dev.label.to_numpy(object), dict(min_df=2), 50)


def dev_accuracy_callback(X_dev, y_dev, classes, record):
    import keras

    class DevAccuracy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            proba = self.model.predict(X_dev, batch_size=512, verbose=0)
            pred = proba.argmax(axis=1) if proba.shape[1] > 1 else (proba[:, 0] > 0.5).astype(int)
            record.append(float(np.mean(classes[pred] == y_dev)))

    return DevAccuracy()


def run(cell, X, y, X_dev, y_dev, text, maxlen, batch, epochs, seed):
    from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer

    classifier = {"lstm": LSTMClassifier, "gru": GRUClassifier, "simple_rnn": SimpleRNNClassifier}[cell]
    vectorizer, padder = TextVectorizer(**text), SequencePadder(maxlen=maxlen)
    ids = padder.fit_transform(vectorizer.fit_transform(X))
    dev_ids = padder.transform(vectorizer.transform(X_dev))
    dev_scores = []
    model = classifier(epochs=epochs, batch_size=batch, validation_split=0.1, random_state=seed)
    classes = np.unique(y)
    model.set_params(callbacks=[dev_accuracy_callback(dev_ids, y_dev, classes, dev_scores)])
    start = time.perf_counter()
    model.fit(ids, y)
    return dict(val_loss=[round(v, 5) for v in model.history_["val_loss"]], dev=dev_scores,
                seconds=round(time.perf_counter() - start, 1))


def refit_pair(cell, X, y, X_dev, y_dev, text, maxlen, seed):
    """Dev accuracy and seconds of the default fit, then of a refit on every row for its best epoch count."""
    from sklearn.base import clone

    from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer

    classifier = {"lstm": LSTMClassifier, "gru": GRUClassifier, "simple_rnn": SimpleRNNClassifier}[cell]
    vectorizer, padder = TextVectorizer(**text), SequencePadder(maxlen=maxlen)
    ids = padder.fit_transform(vectorizer.fit_transform(X))
    dev_ids = padder.transform(vectorizer.transform(X_dev))
    held_out = classifier(random_state=seed)
    start = time.perf_counter()
    held_out.fit(ids, y)
    held_out_seconds = time.perf_counter() - start
    refit = clone(held_out).set_params(epochs=held_out.best_epoch_)
    start = time.perf_counter()
    refit.fit(ids, y)
    refit_seconds = time.perf_counter() - start
    return dict(held_out=float(np.mean(held_out.predict(dev_ids) == y_dev)),
                refit=float(np.mean(refit.predict(dev_ids) == y_dev)), best_epoch=held_out.best_epoch_,
                held_out_seconds=round(held_out_seconds, 1), refit_seconds=round(refit_seconds, 1))


def refit_table(runs):
    from _common import mean_interval

    lines = ["| set | rows | seeds | hold-out model | refitted on every row | refit - hold-out, points (95 % t) | "
             "fit s (hold-out, refit) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for key in sorted({(r["set"], r["n_train"]) for r in runs}):
        group = [r for r in runs if (r["set"], r["n_train"]) == key]
        diff, low, high = mean_interval([100 * (r["refit"] - r["held_out"]) for r in group])
        lines.append(f"| {key[0]} | {key[1]:,} | {len(group)} | {np.mean([r['held_out'] for r in group]):.4f} | "
                     f"{np.mean([r['refit'] for r in group]):.4f} | {diff:+.2f} ({low:+.2f} to {high:+.2f}) | "
                     f"{np.mean([r['held_out_seconds'] for r in group]):.0f}, "
                     f"{np.mean([r['refit_seconds'] for r in group]):.0f} |")
    return lines


def replay(val_loss, dev, patience):
    """(epochs run, best epoch, dev accuracy kept) when stopping with ``patience``."""
    best, best_epoch = np.inf, 0
    for epoch, loss in enumerate(val_loss):
        if loss < best - MIN_DELTA:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch + 1, best_epoch + 1, dev[best_epoch]
    return len(val_loss), best_epoch + 1, dev[best_epoch]


def table(runs):
    lines = ["| set | rows | seeds | batch | steps per epoch | " + " | ".join(f"patience {p}" for p in PATIENCES)
             + " | best epoch's | epochs trained | s per epoch |",
             "|---|---:|---:|---:|---:|" + "---:|" * (len(PATIENCES) + 3)]
    keys = sorted({(r["set"], r["n_train"], r["batch"]) for r in runs}, key=lambda k: (k[0], k[1], k[2]))
    for key in keys:
        group = [r for r in runs if (r["set"], r["n_train"], r["batch"]) == key]
        cells = []
        for p in PATIENCES:
            replays = [replay(r["val_loss"], r["dev"], p) for r in group]
            cells.append(f"{np.mean([d for _, _, d in replays]):.4f} ({np.mean([e for e, _, _ in replays]):.1f} ep)")
        oracle = np.mean([max(r["dev"]) for r in group])
        per_epoch = np.mean([r["seconds"] / len(r["dev"]) for r in group])
        steps = int(np.ceil(0.9 * key[1] / key[2]))
        lines.append(f"| {key[0]} | {key[1]:,} | {len(group)} | {key[2]} | {steps} | " + " | ".join(cells)
                     + f" | {oracle:.4f} | {len(group[0]['dev'])} | {per_epoch:.1f} |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="imdb,sst5")
    parser.add_argument("--sizes", default="500,2000,5000")
    parser.add_argument("--batches", default="16,32,64,128")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--log", default=None, help="append each run's JSON line here")
    parser.add_argument("--resume", default=None, help="a log of this script's JSON lines: runs to take from it")
    parser.add_argument("--refit", action="store_true", help="measure refitting on every row instead")
    parser.add_argument("--pooling", action="store_true", help="compare the poolings instead")
    parser.add_argument("--cells", default="simple_rnn,lstm,gru", help="the cells --pooling compares")
    parser.add_argument("--logged-only", action="store_true",
                        help="with --resume: tabulate the runs the log holds, train none")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.refit:
        return main_refit(args)
    if args.pooling:
        return main_pooling(args)

    done = {(r["set"], r["n_train"], r["batch"], r["seed"], r["cell"]): r for r in read_log(args.resume)
            if r["epochs"] == args.epochs or args.logged_only}
    runs = []
    sizes = [int(s) for s in args.sizes.split(",")]
    for name in args.sets.split(","):
        X, y, X_dev, y_dev, text, maxlen = load(name, data_home())
        for n in sizes:
            for seed in (int(s) for s in args.seeds.split(",")):
                X_n, y_n = stratified_sample(X, y, n, seed)
                for batch in (int(b) for b in args.batches.split(",")):
                    key = (name, len(X_n), batch, seed, args.cell)
                    if key in done:
                        runs.append(done[key])
                        continue
                    if args.logged_only:
                        continue
                    result = dict(set=name, n_train=len(X_n), batch=batch, seed=seed, cell=args.cell,
                                  epochs=args.epochs,
                                  **run(args.cell, X_n, y_n, X_dev, y_dev, text, maxlen, batch, args.epochs, seed))
                    runs.append(result)
                    print(json.dumps(result), flush=True)
                    if args.log:
                        with open(args.log, "a") as log:
                            log.write(json.dumps(result) + "\n")
    lines = [
        f"{machine()}; {args.cell} with its other defaults, seeds {args.seeds}; for each patience, the dev "
        "accuracy (never the test split) at the epoch of lowest hold-out loss (each improvement by more than "
        f"{MIN_DELTA}) before the patience ran out, mean over seeds, and the mean epochs run; then the best dev "
        "accuracy of any epoch trained, and the epochs trained.",
        f"Command: `python benchmarks/bench_training_budget.py --sets {args.sets} --sizes {args.sizes} "
        f"--batches {args.batches} --seeds {args.seeds} --epochs {args.epochs} --cell {args.cell}`"
        + (f" (the {len(runs)} runs below of those it trains)." if args.logged_only else "."),
        "",
        *table(runs),
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section(f"training-budget-{args.cell}", "\n".join(lines))


def dev_accuracy(cell, X, y, X_dev, y_dev, text, maxlen, seed, **params):
    """Dev accuracy and fit seconds of a cell's defaults with ``params``."""
    from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer

    classifier = {"lstm": LSTMClassifier, "gru": GRUClassifier, "simple_rnn": SimpleRNNClassifier}[cell]
    vectorizer, padder = TextVectorizer(**text), SequencePadder(maxlen=maxlen)
    ids = padder.fit_transform(vectorizer.fit_transform(X))
    start = time.perf_counter()
    clf = classifier(random_state=seed, **params).fit(ids, y)
    seconds = time.perf_counter() - start
    return float(np.mean(clf.predict(padder.transform(vectorizer.transform(X_dev))) == y_dev)), round(seconds, 1)


def sizes_of(sizes, name):
    """The training sizes for set ``name``: ``--sizes 500,2000`` for every set, or ``imdb=2000;sst5=2000,9000``."""
    if "=" not in sizes:
        return [int(s) for s in sizes.split(",")]
    per_set = dict(part.split("=") for part in sizes.split(";"))
    return [int(s) for s in per_set.get(name, "").split(",") if s]


def main_pooling(args):

    runs = []
    poolings = ("last", "max", "mean")
    for name in args.sets.split(","):
        X, y, X_dev, y_dev, text, maxlen = load(name, data_home())
        for n in sizes_of(args.sizes, name):
            for seed in (int(s) for s in args.seeds.split(",")):
                X_n, y_n = stratified_sample(X, y, n, seed)
                for cell in args.cells.split(","):
                    for pooling in poolings:
                        accuracy, seconds = dev_accuracy(cell, X_n, y_n, X_dev, y_dev, text, maxlen, seed,
                                                         pooling=pooling)
                        run = dict(set=name, n_train=len(X_n), seed=seed, cell=cell, pooling=pooling,
                                   accuracy=accuracy, seconds=seconds)
                        runs.append(run)
                        print(json.dumps(run), flush=True)
    lines = [
        f"{machine()}; each cell with every default but pooling; dev accuracy (never the test split), mean over "
        f"seeds {args.seeds}, and the mean fit seconds.",
        f"Command: `python benchmarks/bench_training_budget.py --pooling --sets {args.sets} --sizes {args.sizes} "
        f"--seeds {args.seeds} --cells {args.cells}`.",
        "",
        "| set | rows | cell | " + " | ".join(poolings) + " |",
        "|---|---:|---|" + "---:|" * len(poolings),
    ]
    for key in sorted({(r["set"], r["n_train"], r["cell"]) for r in runs}):
        cells = []
        for pooling in poolings:
            group = [r for r in runs if (r["set"], r["n_train"], r["cell"], r["pooling"]) == (*key, pooling)]
            cells.append(f"{np.mean([r['accuracy'] for r in group]):.4f} "
                         f"({np.mean([r['seconds'] for r in group]):.0f} s)")
        lines.append(f"| {key[0]} | {key[1]:,} | {key[2]} | " + " | ".join(cells) + " |")
    print("\n".join(lines))
    if not args.no_write:
        write_section("training-budget-pooling", "\n".join(lines))


def main_refit(args):

    runs = []
    for name in args.sets.split(","):
        X, y, X_dev, y_dev, text, maxlen = load(name, data_home())
        for n in (int(s) for s in args.sizes.split(",")):
            for seed in (int(s) for s in args.seeds.split(",")):
                X_n, y_n = stratified_sample(X, y, n, seed)
                result = dict(set=name, n_train=n, seed=seed,
                              **refit_pair(args.cell, X_n, y_n, X_dev, y_dev, text, maxlen, seed))
                runs.append(result)
                print(json.dumps(result), flush=True)
    lines = [
        f"{machine()}; {args.cell} with every default (epochs='auto' on a 10 % hold-out), then the same network "
        "refitted on every row for its best epoch count; dev accuracy (never the test split), seeds "
        f"{args.seeds}.",
        f"Command: `python benchmarks/bench_training_budget.py --refit --sets {args.sets} --sizes {args.sizes} "
        f"--seeds {args.seeds} --cell {args.cell}`.",
        "",
        *refit_table(runs),
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section(f"training-budget-refit-{args.cell}", "\n".join(lines))


if __name__ == "__main__":
    main()
