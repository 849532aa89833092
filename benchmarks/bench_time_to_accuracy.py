"""Time to accuracy: test accuracy against cumulative training seconds.

Same architecture on both sides (Embedding(10000, 32) -> cell -> Dense(1),
no dropout, rmsprop at its constant 1e-3, batch 128), on the 20,000
training reviews and padded matrix of ``bench_speed.py`` (maxlen 500):

- ``plain``: the classic Keras recipe, unmasked, every batch 500 steps wide;
- ``skrnn``: the skrnn classifier with its defaults for the rest (masked
  padding, length-aware batches);
- ``unbucketed``: the same classifier with ``bucket_by_length=False``
  (masked, random batches over all 500 columns).

Each run trains for ``--epochs`` epochs in one ``fit`` call; after every
epoch a callback scores the first 5,000 of the shuffled test reviews (not
timed). Seconds count from the ``fit`` call (building and tracing included)
to the end of each epoch, scoring excluded. The recipes take turns within
each seed, in one process.

``--part layouts`` compares ways of composing the batches (on the
SimpleRNN, the cell the batch composition moves most) the same way; each is
a ``LengthBatches`` layout, swapped in through the classifier (one of
them also weighs each batch's loss, through the rows' sample weights).

    python benchmarks/bench_time_to_accuracy.py --part curves --epochs 5 --seeds 0,1,2
    python benchmarks/bench_time_to_accuracy.py --part layouts --epochs 2 --seeds 0,1,2,3,4,5
"""

import argparse
import json
import time
import types

import numpy as np
from _common import REPO, machine, mean_interval, write_section
from _results import load as load_section
from bench_speed import MAXLEN, VOCAB, accuracy, load, matrices

N_TEST = 5000

#: name: (cell, units, pooling)
CELLS = {
    "simple_rnn-last": ("simple_rnn", 64, "last"),
    "simple_rnn-max": ("simple_rnn", 64, "max"),
    "lstm": ("lstm", 32, "last"),
    "gru": ("gru", 32, "last"),
}


def test_subset():
    """The first N_TEST test reviews after a seeded shuffle (the test set is stored sorted by label)."""
    X, y, X_test, y_test = load()
    order = np.random.default_rng(0).permutation(len(X_test))[:N_TEST]
    return X, y, [X_test[i] for i in order], y_test[order]


def scorer(predict_proba, X, y):
    """A Keras callback: cumulative training seconds and test accuracy after each epoch.

    Its ``start()`` is called just before ``fit``; the scoring's own time is
    taken out of the clock.
    """
    import keras

    class Scorer(keras.callbacks.Callback):
        def start(self):
            self.t0, self.scoring, self.seconds, self.accuracy = time.perf_counter(), 0.0, [], []

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            self.seconds.append(now - self.t0 - self.scoring)
            self.accuracy.append(accuracy(predict_proba, X, y))
            self.scoring += time.perf_counter() - now

    return Scorer()


def plain_run(name, seed, epochs, Xp, y, Xp_test, y_test):
    import keras
    from keras import layers

    cell, units, pooling = CELLS[name]
    rnn = {"lstm": layers.LSTM, "gru": layers.GRU, "simple_rnn": layers.SimpleRNN}[cell]
    keras.utils.set_random_seed(seed)
    stack = [keras.Input((MAXLEN,), dtype="int32"), layers.Embedding(VOCAB, 32)]
    stack += [rnn(units, return_sequences=True), layers.GlobalMaxPooling1D()] if pooling == "max" else [rnn(units)]
    model = keras.Sequential(stack + [layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    clock = scorer(lambda X: model.predict(X, batch_size=512, verbose=0), Xp_test, y_test)
    clock.start()
    model.fit(Xp, y, epochs=epochs, batch_size=128, verbose=0, callbacks=[clock])
    return clock


def skrnn_classifier(name, seed, epochs, **params):
    from skrnn import GRUClassifier, LSTMClassifier, SimpleRNNClassifier

    cell, units, pooling = CELLS[name]
    cls = {"lstm": LSTMClassifier, "gru": GRUClassifier, "simple_rnn": SimpleRNNClassifier}[cell]
    return cls(embedding_dim=32, units=units, pooling=pooling, dropout=0.0, optimizer="rmsprop",
               learning_rate_decay=1.0, batch_size=128, vocabulary_size=VOCAB, epochs=epochs, random_state=seed,
               **params)


def skrnn_run(clf, Xp, y, Xp_test, y_test):
    clock = scorer(clf.predict_proba, Xp_test, y_test)
    clf.set_params(callbacks=[clock])
    clock.start()
    clf.fit(Xp, y)
    return clock


# -- batch layouts -----------------------------------------------------------------


def layout_runner(layout, batch_weight=None):
    """A recipe training the skrnn classifier with batches laid out by ``layout(batches, epoch)``.

    ``batch_weight(batches, rows)``: a factor on the loss of the batch of
    ``rows`` (given to Keras as the rows' sample weights).
    """
    from skrnn._batching import LengthBatches

    class Batches(LengthBatches):
        def layout(self, epoch):
            return layout(self, epoch)

        def _batch(self, rows):
            parts = super()._batch(rows)
            if batch_weight is None:
                return parts
            x, y, weight = parts
            return x, y, weight * np.float32(batch_weight(self, rows))

    def run(name, seed, epochs, *data):
        clf = skrnn_classifier(name, seed, epochs)

        class Classifier(type(clf)):
            def _batches(self, X, y, sample_weight, batch_size, shuffle):
                if batch_weight is not None and sample_weight is None:
                    sample_weight = np.ones(len(X), np.float32)
                return Batches(X, y, sample_weight, batch_size=batch_size, shuffle=shuffle, seed=self.random_state)

        return skrnn_run(Classifier(**clf.get_params()), *data)

    return run


def token_share(batches, rows):
    """The batch's tokens over an average batch's: each token then weighs the same in every batch."""
    spans = batches.last - batches.first
    return spans[rows].mean() / spans.mean()


def _sorted_chunks(order, key, chunk):
    return np.concatenate([order[s : s + chunk][np.argsort(key[order[s : s + chunk]], kind="stable")]
                           for s in range(0, len(order), chunk)])


def _batches(order, batch_size):
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _shuffled_batches(order, batch_size, rng):
    batches = _batches(order, batch_size)
    return [batches[i] for i in rng.permutation(len(batches))]


def chunked(chunk_batches, noise=0.0, mixed=0.0, random_first_epoch=False, shuffle_batches=True):
    """Shuffle, sort by token span (times 1 +- ``noise``) within chunks, batch, shuffle the batches.

    ``mixed``: the share of rows that go into random (unsorted) batches
    instead; ``random_first_epoch``: the first epoch all random;
    ``shuffle_batches=False``: the batches in the chunks' order, each chunk
    from its shortest rows to its longest.
    """

    def layout(batches, epoch):
        rng = np.random.default_rng([batches.seed, int(epoch)])
        span = (batches.last - batches.first).astype(float)
        order = rng.permutation(len(span))
        if random_first_epoch and epoch == 0:
            return _shuffled_batches(order, batches.batch_size, rng)
        n_mixed = int(round(mixed * len(order) / batches.batch_size)) * batches.batch_size
        key = span * rng.uniform(1 - noise, 1 + noise, len(span)) if noise else span
        chunk = batches.batch_size * chunk_batches
        order = np.concatenate([order[:n_mixed], _sorted_chunks(order[n_mixed:], key, chunk)])
        if not shuffle_batches:
            return _batches(order, batches.batch_size)
        return _shuffled_batches(order, batches.batch_size, rng)

    return layout


LAYOUTS = {
    "chunks of 32 batches": chunked(32),
    "chunks of 4 batches": chunked(4),
    "chunks of 32, spans x U(0.75, 1.25)": chunked(32, noise=0.25),
    "chunks of 32, 25 % of rows in random batches": chunked(32, mixed=0.25),
    "chunks of 32, first epoch random": chunked(32, random_first_epoch=True),
    "whole epoch sorted": chunked(10**6),
    "chunks of 32, each batch's loss x its share of tokens": chunked(32),
    "chunks of 32 in order, short to long in each": chunked(32, shuffle_batches=False),
}
#: The layouts whose batches' losses are weighted: name -> ``batch_weight`` of :func:`layout_runner`.
BATCH_WEIGHTS = {"chunks of 32, each batch's loss x its share of tokens": token_share}


#: The recipes of ``--part curves``.
RECIPES = {
    "plain": plain_run,
    "skrnn": lambda name, seed, epochs, *data: skrnn_run(skrnn_classifier(name, seed, epochs), *data),
    "sorted batches only": layout_runner(LAYOUTS["chunks of 32 batches"]),
    "unbucketed": lambda name, seed, epochs, *data: skrnn_run(
        skrnn_classifier(name, seed, epochs, bucket_by_length=False), *data),
}


# -- running and reporting ---------------------------------------------------------


def run_all(recipes, names, seeds, epochs, data, log):
    """{(recipe, name): [scorer per seed]}; the recipes take turns within each seed."""
    results = {}
    for seed in seeds:
        for name in names:
            for recipe, run in recipes.items():
                scorer = run(name, seed, epochs, *data)
                results.setdefault((recipe, name), []).append(scorer)
                record = {"recipe": recipe, "model": name, "seed": seed, "seconds": scorer.seconds,
                          "accuracy": scorer.accuracy}
                print(json.dumps(record), flush=True)
                log.append(record)
    return results


def points(differences, digits=1):
    """A paired difference in points: mean (95 % t interval)."""
    m, low, high = mean_interval(differences)
    return f"{100 * m:+.{digits}f} ({100 * low:+.{digits}f} to {100 * high:+.{digits}f})"


def summary_rows(results, reference):
    """Table rows: accuracy (mean +- sd) per epoch, seconds per epoch, difference to ``reference``."""
    rows = []
    for (recipe, name), scorers in results.items():
        acc = np.array([s.accuracy for s in scorers])
        secs = np.array([s.seconds for s in scorers])
        per_epoch = np.median(np.diff(secs, axis=1)) if secs.shape[1] > 1 else np.median(secs[:, 0])
        ref = np.array([s.accuracy for s in results[(reference, name)]]) if (reference, name) in results else None
        diff = ""
        if ref is not None and recipe != reference:
            diff = points(acc[:, -1] - ref[:, -1])
        cells = " | ".join(f"{a:.4f} ± {s:.4f}" for a, s in zip(acc.mean(0), acc.std(0, ddof=1)))
        rows.append(f"| {name} | {recipe} | {cells} | {np.median(secs[:, 0]):.1f} | {per_epoch:.1f} | "
                    f"{np.median(secs[:, -1]):.1f} | {diff} |")
    return rows


def per_epoch_rows(results, recipe="skrnn", reference="plain"):
    """Per network: ``recipe`` minus ``reference`` at every epoch, paired over the seeds."""
    rows = []
    for name in sorted({name for _, name in results}, key=list(CELLS).index):
        if (recipe, name) not in results or (reference, name) not in results:
            continue
        acc, ref = (np.array([s.accuracy for s in results[(r, name)]]) for r in (recipe, reference))
        rows.append(f"| {name} | " + " | ".join(points(acc[:, e] - ref[:, e]) for e in range(acc.shape[1])) + " |")
    return rows


def target_rows(results):
    """Per model and recipe: speed per epoch against plain, accuracy against unbucketed, time to plain's.

    Time to plain's accuracy: the first epoch whose mean accuracy reaches
    the plain recipe's mean at epoch 2, and its seconds as a share of the
    plain recipe's seconds to epoch 2.
    """

    def arrays(recipe, name):
        scorers = results[(recipe, name)]
        return np.array([s.accuracy for s in scorers]), np.array([s.seconds for s in scorers])

    def per_epoch(secs):
        return np.median(np.diff(secs, axis=1))

    rows = []
    for name in sorted({name for _, name in results}, key=list(CELLS).index):
        if ("plain", name) not in results or ("unbucketed", name) not in results:
            continue
        plain_acc, plain_secs = arrays("plain", name)
        goal, goal_s = plain_acc[:, 1].mean(), np.median(plain_secs[:, 1])
        free_acc, _ = arrays("unbucketed", name)
        for recipe in [r for r, n in results if n == name]:
            acc, secs = arrays(recipe, name)
            diffs = []
            for epoch in (1, acc.shape[1] - 1):
                diffs.append("—" if recipe == "unbucketed" else points(acc[:, epoch] - free_acc[:, epoch]))
            reached = np.flatnonzero(acc.mean(0) >= goal)
            reach = "not within the epochs run"
            if len(reached):
                at = np.median(secs[:, reached[0]])
                reach = f"epoch {reached[0] + 1}, {at:.0f} s ({at / goal_s:.2f} of plain's {goal_s:.0f} s)"
            rows.append(f"| {name} | {recipe} | {per_epoch(plain_secs) / per_epoch(secs):.1f}x | "
                        f"{' | '.join(diffs)} | {acc[:, 1:].min(axis=1).mean():.4f} | {reach} |")
    return rows


def pooled_rows(results, reference, recipes=None):
    """Each recipe against ``reference`` over every network and seed: mean accuracy of epochs 2 on, paired."""
    rows = []
    names = sorted({name for _, name in results}, key=list(CELLS).index)
    for recipe in recipes or dict.fromkeys(r for r, _ in results):
        if recipe == reference:
            continue
        diffs = [np.mean(a.accuracy[1:]) - np.mean(b.accuracy[1:])
                 for name in names if (recipe, name) in results and (reference, name) in results
                 for a, b in zip(results[(recipe, name)], results[(reference, name)])]
        rows.append(f"| {recipe} | {reference} | {len(diffs)} | {points(diffs, digits=2)} |")
    return rows


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted({name for _, name in results}, key=list(CELLS).index)
    cols = min(2, len(names))
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.8 * rows), sharey=True, squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    for ax, name in zip(axes.flat, names):
        for (recipe, model), scorers in results.items():
            if model != name:
                continue
            acc = np.array([s.accuracy for s in scorers])
            secs = np.median([s.seconds for s in scorers], axis=0)
            line = ax.plot(secs, acc.mean(0), marker="o", label=recipe)[0]
            ax.fill_between(secs, acc.min(0), acc.max(0), color=line.get_color(), alpha=0.2)
        ax.set_title(name)
        ax.set_xlabel("training seconds (median over seeds)")
        ax.grid(alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("test accuracy (mean; band: seed range)")
    axes[0][0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["curves", "layouts"], default="curves")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--models", default=",".join(CELLS), help=f"of {', '.join(CELLS)}")
    parser.add_argument("--layouts", default=",".join(map(str, range(len(LAYOUTS)))),
                        help="indices into: " + "; ".join(f"{i}: {k}" for i, k in enumerate(LAYOUTS)))
    parser.add_argument("--render-only", action="store_true",
                        help="no training: the tables and figure again from the stored runs")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    section = f"time-to-accuracy-{args.part}"
    runs = REPO / "benchmarks" / "results" / "runs"  # every run's figures, beside the rendered sections
    reference = "plain" if args.part == "curves" else "random batches (unbucketed)"

    if args.render_only:
        log = json.loads((runs / f"{section}.json").read_text())
        results = {}
        for r in log:
            results.setdefault((r["recipe"], r["model"]), []).append(
                types.SimpleNamespace(seconds=r["seconds"], accuracy=r["accuracy"]))
    else:
        results, log = train(args, seeds)
        runs.mkdir(exist_ok=True)
        (runs / f"{section}.json").write_text(json.dumps(log, indent=1) + "\n")
    render(args, section, results, reference)


def train(args, seeds):
    X, y, X_test, y_test = test_subset()
    Xp, Xp_test = matrices(X, X_test)
    data = (Xp, y, Xp_test, y_test)
    log = []
    if args.part == "curves":
        names = args.models.split(",")
        results = run_all(RECIPES, names, seeds, args.epochs, data, log)
    else:
        names = ["simple_rnn-last"]
        chosen = [list(LAYOUTS)[int(i)] for i in args.layouts.split(",")]
        recipes = {"random batches (unbucketed)": RECIPES["unbucketed"]}
        recipes.update({k: layout_runner(LAYOUTS[k], BATCH_WEIGHTS.get(k)) for k in chosen})
        results = run_all(recipes, names, seeds, args.epochs, data, log)
    return results, log


def render(args, section, results, reference):
    # Rendered again from stored runs, the section names the CPU they ran on.
    where = load_section(section)["provenance"]["cpu"] if args.render_only else machine()
    epochs_head = " | ".join(f"acc. epoch {e + 1}" for e in range(args.epochs))
    lines = [
        f"{where}; 20,000 training reviews, maxlen {MAXLEN}, vocabulary {VOCAB:,}, embedding 32, "
        "no dropout, rmsprop at a constant 1e-3, batch 128; test accuracy on 5,000 test reviews.",
        f"Command: `python benchmarks/bench_time_to_accuracy.py --part {args.part} --epochs {args.epochs} "
        f"--seeds {args.seeds}" + (f" --models {args.models}`." if args.part == "curves" else
                                   f" --layouts {args.layouts}`."),
        "",
        f"Accuracy: mean ± sd over seeds {args.seeds}. Seconds: median over seeds, counted from the `fit` call "
        "(building and tracing included), scoring excluded. Last column: the last epoch's accuracy minus "
        f"{reference}'s, mean over the paired seeds in points, with its 95 % t interval.",
        "",
        f"| model | recipe | {epochs_head} | s to epoch 1 | s/epoch after | s to epoch {args.epochs} | "
        f"vs {reference} |",
        "|---|---|" + "---:|" * args.epochs + "---:|---:|---:|---:|",
    ]
    lines += summary_rows(results, reference)
    if args.part == "curves":
        last = args.epochs
        lines += [
            "",
            "At every epoch: skrnn's default minus the plain recipe, paired over the seeds (points, mean and "
            "95 % t interval). One interval in twenty excludes no difference by chance alone.",
            "",
            "| model | " + " | ".join(f"epoch {e + 1}" for e in range(args.epochs)) + " |",
            "|---|" + "---:|" * args.epochs,
        ]
        lines += per_epoch_rows(results)
        lines += [
            "",
            "What the goals were checked on: speed-up per epoch over the plain recipe (median seconds per epoch "
            "after the first); accuracy minus unbucketed skrnn's at epochs 2 and " + str(last)
            + " (points, paired over the seeds, 95 % t interval); each run's lowest accuracy from epoch 2 on, "
            "mean over the seeds (a drop between epochs lowers it); when the mean accuracy first reaches the plain "
            "recipe's at epoch 2.",
            "",
            f"| model | recipe | speed-up per epoch | vs unbucketed, epoch 2 | vs unbucketed, epoch {last} | "
            "lowest from epoch 2 | reaches plain's epoch-2 accuracy |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        lines += target_rows(results)
        lines += [
            "",
            "Pooled over the networks: each run's mean accuracy over epochs 2 to " + str(last) + ", minus that of "
            "the other recipe's run of the same network and seed (points; mean and 95 % t interval over the pairs).",
            "",
            "| recipe | minus | pairs | difference |",
            "|---|---|---:|---:|",
        ]
        lines += pooled_rows(results, "unbucketed")
        lines += pooled_rows(results, "sorted batches only", recipes=["skrnn"])
        figure = REPO / "docs" / "images" / "time_to_accuracy.png"
        figure.parent.mkdir(exist_ok=True)
        plot(results, figure)
        lines += ["", "![Test accuracy against training seconds](images/time_to_accuracy.png)"]
    print("\n".join(lines))
    write_section(section, "\n".join(lines), keep_provenance=args.render_only)


if __name__ == "__main__":
    main()
