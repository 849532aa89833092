"""Training and prediction speed: skrnn against the plain Keras recipe.

1. Training, per epoch: the classic recipe (Embedding(10000, 32) -> LSTM(32)
   or SimpleRNN(32) -> Dense(1), pad_sequences to 500, rmsprop, batch 128, no
   masking) against the same architecture as an skrnn classifier (masked
   padding, length-aware batching, the default learning_rate_decay="auto"), on the same 20,000 training reviews and
   the same padded matrix. Epochs alternate (plain, skrnn, plain, ...) in one
   process; medians are compared. Test accuracy after every epoch.
2. Prediction: a fitted LSTM pipeline's predict_proba on the 25,000 raw test
   reviews (vectorizing included) against a TF-IDF (1-2-gram) +
   LogisticRegression pipeline's, alternating, medians.
3. Peak memory (maximum RSS) of one training epoch of each, in fresh processes
   that load the padded matrix from disk (not the text), before and after.

    python benchmarks/bench_speed.py [--epochs 3] [--cells lstm,simple_rnn] [--parts speed,memory]
"""

import argparse
import json
import os
import pickle
import statistics
import tempfile

import numpy as np
from _common import data_home, epoch_clock, machine, peak_rss_mib, seconds, write_section

N_TRAIN, MAXLEN, VOCAB = 20000, 500, 10000


def load():
    from skrnn.datasets import load_imdb

    X, y = load_imdb("train", data_home=data_home(), return_X_y=True, shuffle=True, random_state=0)
    X_test, y_test = load_imdb("test", data_home=data_home(), return_X_y=True)
    return X[:N_TRAIN], y[:N_TRAIN], X_test, y_test


def matrices(X, X_test):
    import keras

    from skrnn import TextVectorizer

    vec = TextVectorizer(max_features=VOCAB - 2).fit(X)  # ids 0..9999, as Embedding(10000)
    pad = lambda docs: keras.utils.pad_sequences(vec.transform(docs), maxlen=MAXLEN)  # noqa: E731
    return pad(X), pad(X_test)


def plain_model(cell, seed=0):
    import keras
    from keras import layers

    rnn = {"lstm": layers.LSTM, "simple_rnn": layers.SimpleRNN}[cell]
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((MAXLEN,), dtype="int32"), layers.Embedding(VOCAB, 32), rnn(32),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    return model


def skrnn_model(cell, seed=0, callbacks=None, epochs=1):
    """The plain recipe's network as an skrnn classifier, with skrnn's default decaying learning rate.

    ``epochs``: the epochs it will be trained for (one ``partial_fit`` call
    each in ``train_speed``); ``learning_rate_decay="auto"`` decays by
    the cell's factor per 25,000 samples (x0.57 per 20,000-review epoch
    for the LSTM), by at most its 5th power over ``epochs``.
    """
    from skrnn import LSTMClassifier, SimpleRNNClassifier

    cls = {"lstm": LSTMClassifier, "simple_rnn": SimpleRNNClassifier}[cell]
    return cls(embedding_dim=32, units=32, pooling="last", optimizer="rmsprop", batch_size=128, dropout=0.0,
               learning_rate_decay="auto", vocabulary_size=VOCAB, epochs=epochs, random_state=seed,
               callbacks=callbacks)


def accuracy(predict_proba, X, y):
    return float(np.mean((np.asarray(predict_proba(X)).reshape(len(X), -1)[:, -1] >= 0.5) == y))


def train_speed(cell, epochs, Xp, y, Xp_test, y_test, seed=0):
    """Alternate one epoch of each; test accuracy after every epoch (not timed).

    Returns the wall seconds of each epoch's ``fit`` call, the seconds inside
    the epoch (callbacks; without what a fit call does before and after its
    epoch) and the test accuracies.
    """
    clocks = {"plain": epoch_clock(), "skrnn": epoch_clock()}
    plain, ours = plain_model(cell, seed), skrnn_model(cell, seed, callbacks=[clocks["skrnn"]], epochs=epochs)
    fit = {
        "plain": lambda: plain.fit(Xp, y, epochs=1, batch_size=128, verbose=0, callbacks=[clocks["plain"]]),
        "skrnn": lambda: ours.partial_fit(Xp, y, classes=[0, 1]),
    }
    predict = {"plain": lambda X: plain.predict(X, batch_size=512, verbose=0), "skrnn": ours.predict_proba}
    walls, inside, accs = ({side: [] for side in fit} for _ in range(3))
    for _ in range(epochs):
        for side in fit:
            before = clocks[side].seconds
            walls[side].append(seconds(fit[side]))
            inside[side].append(clocks[side].seconds - before)
            accs[side].append(accuracy(predict[side], Xp_test, y_test))
    return walls, inside, accs


def fitted_pipelines(X, y):
    """The LSTM pipeline (defaults, 1 epoch) and the TF-IDF 1-2-gram one, fitted."""
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
    from skrnn.compare import make_model

    lstm = make_pipeline(TextVectorizer(max_features=20000), SequencePadder(maxlen=MAXLEN),
                         LSTMClassifier(epochs=1, random_state=0)).fit(X, y)
    return {"lstm": lstm, "tfidf": make_model("tfidf-bigram").fit(X, y)}


def predict_speed(pipelines, X_test, repeats):
    times = {"lstm": [], "tfidf": []}
    for _ in range(repeats):
        for name in times:
            times[name].append(seconds(lambda name=name: pipelines[name].predict_proba(X_test)))
    return times


def predict_rss(path):
    """predict_proba of a pickled pipeline on the raw test reviews (run in a fresh process)."""
    from skrnn.datasets import load_imdb

    X_test, _ = load_imdb("test", data_home=data_home(), return_X_y=True)
    with open(path, "rb") as f:
        pipeline = pickle.load(f)
    pipeline.predict_proba(X_test[:10])  # imports and compiled functions belong to both
    before = peak_rss_mib()
    pipeline.predict_proba(X_test)
    return {"before_mib": before, "peak_rss_mib": peak_rss_mib()}


def one_epoch_rss(impl, cell, path):
    """One training epoch (run in a fresh process) on the saved padded matrix.

    Loading the matrix (not the text) keeps the data's share of the peak
    small and the same for both; returns the maximum RSS before and after.
    """
    data = np.load(path)
    Xp, y = data["X"], data["y"]
    import tensorflow as tf

    tf.constant(0)  # TensorFlow's own footprint belongs to both: count it before
    before = peak_rss_mib()
    if impl == "plain":
        plain_model(cell).fit(Xp, y, epochs=1, batch_size=128, verbose=0)
    else:
        skrnn_model(cell).fit(Xp, y)
    return {"before_mib": before, "peak_rss_mib": peak_rss_mib()}


def _measure(kind, *args):
    return predict_rss(*args) if kind == "predict" else one_epoch_rss(kind, *args)


def rss_of(kind, *args):
    """Run a memory measurement in a fresh (spawned) process; its figures."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(_measure, (kind, *args))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--cells", default="lstm,simple_rnn")
    parser.add_argument("--seeds", default="0,1", help="one training run per seed for each side")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--parts", default="speed,memory", help="speed (training and prediction), memory")
    args = parser.parse_args()

    X, y, X_test, y_test = load()
    Xp, Xp_test = matrices(X, X_test)
    parts = args.parts.split(",")
    if "speed" in parts:
        lines, pipelines = speed_section(args, Xp, y, Xp_test, y_test, X, X_test)
        print("\n".join(lines))
        write_section("speed", "\n".join(lines))
    if "memory" in parts:
        if "speed" not in parts:
            pipelines = fitted_pipelines(X, y)
        lines = memory_section(args, Xp, y, pipelines)
        print("\n".join(lines))
        write_section("memory", "\n".join(lines))


def speed_section(args, Xp, y, Xp_test, y_test, X, X_test):
    lines = [
        f"{machine()}; {N_TRAIN:,} training reviews, maxlen {MAXLEN}, vocabulary {VOCAB:,}, batch 128, rmsprop.",
        f"Command: `python benchmarks/bench_speed.py --epochs {args.epochs} --cells {args.cells} "
        f"--seeds {args.seeds} --parts speed`.",
        "",
        "### Training: seconds per epoch (median, epochs alternating in one process)",
        "",
        f"One training run per seed ({args.seeds}) on each side. Seconds: the median over all their epochs of",
        "the `fit` / `partial_fit` call's wall time, and (in brackets) of the time inside the epoch, between",
        "Keras' epoch callbacks (without what a call does before and after its epoch). Test accuracy after each",
        "epoch: the mean over the seeds (each seed's in the list below). skrnn trains with its default",
        "`learning_rate_decay=\"auto\"` (x0.57 per epoch for the LSTM, x0.79 for the SimpleRNN on these 20,000",
        "reviews); the plain recipe's rate is constant.",
        "",
        "| model | plain Keras s/epoch | skrnn s/epoch | speed-up | plain test acc by epoch | "
        "skrnn test acc by epoch |",
        "|---|---:|---:|---:|---|---|",
    ]
    epoch_lines = []
    for cell in args.cells.split(","):
        walls, inside, accs = ({"plain": [], "skrnn": []} for _ in range(3))
        for seed in [int(s) for s in args.seeds.split(",")]:
            seed_walls, seed_inside, seed_accs = train_speed(cell, args.epochs, Xp, y, Xp_test, y_test, seed)
            print(cell, seed, json.dumps([seed_walls, seed_inside, seed_accs]), flush=True)
            for side in walls:
                epoch_lines.append(
                    f"- {cell}, seed {seed}, {side}: "
                    + ", ".join(f"{w:.1f} ({t:.1f})" for w, t in zip(seed_walls[side], seed_inside[side]))
                    + f" s; test acc {', '.join(f'{a:.4f}' for a in seed_accs[side])}"
                )
                walls[side] += seed_walls[side]
                inside[side] += seed_inside[side]
                accs[side].append(seed_accs[side])
        med = {side: (statistics.median(walls[side]), statistics.median(inside[side])) for side in walls}
        (wp, ip), (ws, is_) = med["plain"], med["skrnn"]
        acc_text = {k: ", ".join(f"{a:.4f}" for a in np.mean(v, axis=0)) + f" (mean {np.mean(v):.4f})"
                    for k, v in accs.items()}
        lines.append(f"| {cell} (32 units, last state) | {wp:.1f} ({ip:.1f}) | {ws:.1f} ({is_:.1f}) | "
                     f"{wp / ws:.1f}x ({ip / is_:.1f}x) | {acc_text['plain']} | {acc_text['skrnn']} |")
    lines.append("")
    lines.append("Every epoch, in order: fit call (inside the epoch); the first of each run includes tracing:")
    lines.append("")
    lines += epoch_lines
    pipelines = fitted_pipelines(X, y)
    ptimes = predict_speed(pipelines, X_test, args.repeats)
    pl, pt = statistics.median(ptimes["lstm"]), statistics.median(ptimes["tfidf"])
    print("predict", json.dumps(ptimes), flush=True)
    lines += [
        "",
        "### Prediction: predict_proba on the 25,000 raw test reviews (median)",
        "",
        "| pipeline | seconds | ratio to TF-IDF |",
        "|---|---:|---:|",
        f"| TextVectorizer(20000) -> SequencePadder(500) -> LSTMClassifier() (defaults) | {pl:.1f} | {pl / pt:.2f}x |",
        f"| TF-IDF (1-2-grams) -> LogisticRegression | {pt:.1f} | 1.00x |",
    ]
    return lines, pipelines


def memory_section(args, Xp, y, pipelines):
    lines = [
        f"{machine()}. Command: `python benchmarks/bench_speed.py --cells {args.cells} --parts memory`.",
        "",
        "Peak resident memory (VmHWM) of a fresh process; in brackets, its peak before the measured work.",
        "Training: one epoch on the padded 20,000 x 500 matrix loaded from disk (not the text), TensorFlow",
        "imported before. Prediction: predict_proba of the fitted pipeline (unpickled) on the 25,000 raw test",
        "reviews, after loading them and one small warm-up call.",
        "",
        "| work | plain Keras / TF-IDF MiB | skrnn MiB |",
        "|---|---:|---:|",
    ]

    def cell_text(r):
        return f"{r['peak_rss_mib']:.0f} ({r['before_mib']:.0f})"

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "train.npz")
        np.savez(path, X=Xp, y=y)
        for cell in args.cells.split(","):
            plain, ours = rss_of("plain", cell, path), rss_of("skrnn", cell, path)
            lines.append(f"| training, {cell} | {cell_text(plain)} | {cell_text(ours)} |")
        measured = {}
        for name, pipeline in pipelines.items():
            pickled = os.path.join(tmp, f"{name}.pkl")
            with open(pickled, "wb") as f:
                pickle.dump(pipeline, f)
            measured[name] = rss_of("predict", pickled)
        lines.append(f"| prediction (TF-IDF 1-2-gram vs LSTM pipeline) | {cell_text(measured['tfidf'])} | "
                     f"{cell_text(measured['lstm'])} |")
    return lines

if __name__ == "__main__":
    main()
