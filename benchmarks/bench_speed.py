"""Training and prediction speed: skrnn against the plain Keras recipe.

1. Training, per epoch: the classic recipe (Embedding(10000, 32) -> LSTM(32)
   or SimpleRNN(32) -> Dense(1), pad_sequences to 500, rmsprop, batch 128, no
   masking) against the same architecture as an skrnn classifier (masked
   padding, length-aware batching), on the same 20,000 training reviews and
   the same padded matrix. Epochs alternate (plain, skrnn, plain, ...) in one
   process; medians are compared. Test accuracy after the same epochs.
2. Prediction: a fitted LSTM pipeline's predict_proba on the 25,000 raw test
   reviews (vectorizing included) against a TF-IDF (1-2-gram) +
   LogisticRegression pipeline's, alternating, medians.
3. Peak memory (maximum RSS) of one training epoch of each, in fresh processes.

    python benchmarks/bench_speed.py [--epochs 3] [--cells lstm,simple_rnn]
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np

from _common import data_home, machine, peak_rss_mib, write_section

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


def plain_model(cell):
    import keras
    from keras import layers

    rnn = {"lstm": layers.LSTM, "simple_rnn": layers.SimpleRNN}[cell]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((MAXLEN,), dtype="int32"), layers.Embedding(VOCAB, 32), rnn(32),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    return model


def skrnn_model(cell):
    from skrnn import LSTMClassifier, SimpleRNNClassifier

    cls = {"lstm": LSTMClassifier, "simple_rnn": SimpleRNNClassifier}[cell]
    return cls(embedding_dim=32, units=32, pooling="last", optimizer="rmsprop", batch_size=128, dropout=0.0,
               vocabulary_size=VOCAB, epochs=1, random_state=0)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def train_speed(cell, epochs, Xp, y, Xp_test, y_test):
    plain, ours = plain_model(cell), skrnn_model(cell)
    times = {"plain": [], "skrnn": []}
    for _ in range(epochs):
        times["plain"].append(timed(lambda: plain.fit(Xp, y, epochs=1, batch_size=128, verbose=0)))
        times["skrnn"].append(timed(lambda: ours.partial_fit(Xp, y, classes=[0, 1])))
    acc_plain = float(np.mean((plain.predict(Xp_test, batch_size=512, verbose=0)[:, 0] >= 0.5) == y_test))
    acc_ours = float(ours.score(Xp_test, y_test))
    return times, acc_plain, acc_ours


def predict_speed(X, y, X_test, repeats):
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
    from skrnn.compare import make_model

    lstm = make_pipeline(TextVectorizer(max_features=20000), SequencePadder(maxlen=MAXLEN),
                         LSTMClassifier(epochs=1, random_state=0)).fit(X, y)
    tfidf = make_model("tfidf-bigram").fit(X, y)
    times = {"lstm": [], "tfidf": []}
    for _ in range(repeats):
        times["lstm"].append(timed(lambda: lstm.predict_proba(X_test)))
        times["tfidf"].append(timed(lambda: tfidf.predict_proba(X_test)))
    return times


def one_epoch_rss(impl, cell):
    """Run in a fresh process: one training epoch, print the peak RSS."""
    X, y, X_test, _ = load()
    Xp, _ = matrices(X, X_test[:10])
    if impl == "plain":
        plain_model(cell).fit(Xp, y, epochs=1, batch_size=128, verbose=0)
    else:
        skrnn_model(cell).fit(Xp, y)
    print(json.dumps({"peak_rss_mib": peak_rss_mib()}))


def rss_of(impl, cell):
    out = subprocess.run([sys.executable, __file__, "--rss", impl, cell], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mib"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--cells", default="lstm,simple_rnn")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rss", nargs=2, metavar=("IMPL", "CELL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss:
        return one_epoch_rss(*args.rss)

    X, y, X_test, y_test = load()
    Xp, Xp_test = matrices(X, X_test)
    lines = [
        f"{machine()}; {N_TRAIN:,} training reviews, maxlen {MAXLEN}, vocabulary {VOCAB:,}, batch 128, rmsprop.",
        f"Command: `python benchmarks/bench_speed.py --epochs {args.epochs} --cells {args.cells}`.",
        "",
        "### Training: seconds per epoch (median, epochs alternating in one process)",
        "",
        "| model | plain Keras s/epoch | skrnn s/epoch | speed-up | plain test acc | skrnn test acc |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    epoch_lines = []
    for cell in args.cells.split(","):
        times, acc_plain, acc_ours = train_speed(cell, args.epochs, Xp, y, Xp_test, y_test)
        epoch_lines.append(f"- {cell}: plain {', '.join(f'{t:.1f}' for t in times['plain'])} s; "
                           f"skrnn {', '.join(f'{t:.1f}' for t in times['skrnn'])} s")
        mp, ms = statistics.median(times["plain"]), statistics.median(times["skrnn"])
        print(cell, json.dumps(times), acc_plain, acc_ours, flush=True)
        lines.append(f"| {cell} (32 units, last state) | {mp:.1f} | {ms:.1f} | {mp / ms:.1f}x | "
                     f"{acc_plain:.4f} | {acc_ours:.4f} |")
    lines.append("")
    lines.append("Every epoch, in order (the first includes tracing the graph):")
    lines.append("")
    lines += epoch_lines
    ptimes = predict_speed(X, y, X_test, args.repeats)
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
        "",
        "### Peak memory (maximum RSS of a fresh process running one training epoch)",
        "",
        "| model | plain Keras MiB | skrnn MiB |",
        "|---|---:|---:|",
    ]
    for cell in args.cells.split(","):
        lines.append(f"| {cell} | {rss_of('plain', cell):.0f} | {rss_of('skrnn', cell):.0f} |")
    print("\n".join(lines))
    write_section("speed", "\n".join(lines))


if __name__ == "__main__":
    main()
