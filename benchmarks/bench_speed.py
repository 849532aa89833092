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
4. A peer (``--parts torch``, needs PyTorch: ``pip install torch``): the same
   LSTM network in PyTorch (``nn.Embedding`` -> ``nn.LSTM`` -> ``nn.Linear``,
   RMSprop with Keras' settings, batch 128), once over the padded rows and
   once packed (``pack_padded_sequence``: each row's own length), with the
   skrnn LSTM, epochs taking turns in one process.

    python benchmarks/bench_speed.py [--epochs 3] [--cells lstm,simple_rnn] [--parts speed,memory,torch]
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


class TorchLSTM:
    """The plain recipe's LSTM network in PyTorch, trained one epoch at a time.

    Keras' initialisers (uniform +-0.05 embedding, Glorot-uniform input
    weights, orthogonal recurrent weights, forget-gate bias 1) and RMSprop
    settings (rho 0.9, epsilon 1e-7, no momentum); ``packed=True`` runs each
    row over its own tokens only (``pack_padded_sequence``), else over all
    MAXLEN padded steps, as the plain Keras recipe does.
    """

    def __init__(self, packed, seed=0):
        import torch
        from torch import nn

        torch.manual_seed(seed)
        self.torch, self.packed = torch, packed
        self.embedding = nn.Embedding(VOCAB, 32)
        self.lstm = nn.LSTM(32, 32, batch_first=True)
        self.out = nn.Linear(32, 1)
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
        nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
        nn.init.orthogonal_(self.lstm.weight_hh_l0)  # (128, 32): Keras' (32, 128) recurrent kernel, transposed
        nn.init.zeros_(self.lstm.bias_hh_l0)
        nn.init.zeros_(self.lstm.bias_ih_l0)
        self.lstm.bias_ih_l0.data[32:64] = 1.0  # PyTorch's gate order: input, forget, cell, output
        nn.init.xavier_uniform_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.parameters = [*self.embedding.parameters(), *self.lstm.parameters(), *self.out.parameters()]
        self.optimizer = torch.optim.RMSprop(self.parameters, lr=1e-3, alpha=0.9, eps=1e-7)
        self.rng = np.random.default_rng(seed)

    def _last_state(self, x):
        torch = self.torch
        if not self.packed:
            return self.lstm(self.embedding(torch.as_tensor(x)))[1][0][-1]
        lengths = np.maximum((x != 0).sum(axis=1), 1)
        # Pre-padded rows -> post-padded, as pack_padded_sequence expects.
        post = np.zeros_like(x)
        for i, n in enumerate(lengths):
            post[i, :n] = x[i, x.shape[1] - n :]
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            self.embedding(torch.as_tensor(post)), torch.as_tensor(lengths), batch_first=True, enforce_sorted=False)
        return self.lstm(packed)[1][0][-1]

    def epoch(self, Xp, y):
        torch = self.torch
        loss_fn = torch.nn.BCEWithLogitsLoss()
        order = self.rng.permutation(len(Xp))
        for start in range(0, len(order), 128):
            rows = order[start : start + 128]
            self.optimizer.zero_grad()
            logits = self.out(self._last_state(Xp[rows])).squeeze(1)
            loss_fn(logits, torch.as_tensor(y[rows], dtype=torch.float32)).backward()
            self.optimizer.step()

    def predict_proba(self, X):
        with self.torch.no_grad():
            return np.concatenate([self.torch.sigmoid(self.out(self._last_state(X[i : i + 512]))).numpy()
                                   for i in range(0, len(X), 512)])


def torch_section(args, Xp, y, Xp_test, y_test):
    """The skrnn LSTM against PyTorch's nn.LSTM (padded, packed), epochs alternating."""
    import torch

    sides = ["skrnn", "PyTorch, padded", "PyTorch, packed"]
    walls = {side: [] for side in sides}
    accs = {side: [] for side in sides}
    for seed in [int(s) for s in args.seeds.split(",")]:
        ours = skrnn_model("lstm", seed, epochs=args.epochs)
        models = {"PyTorch, padded": TorchLSTM(False, seed), "PyTorch, packed": TorchLSTM(True, seed)}
        fit = {"skrnn": lambda ours=ours: ours.partial_fit(Xp, y, classes=[0, 1])}
        fit.update({side: (lambda m=m: m.epoch(Xp, y)) for side, m in models.items()})
        predict = {"skrnn": ours.predict_proba}
        predict.update({side: m.predict_proba for side, m in models.items()})
        seed_accs = {side: [] for side in sides}
        for _ in range(args.epochs):
            for side in sides:
                walls[side].append(seconds(fit[side]))
                seed_accs[side].append(accuracy(predict[side], Xp_test, y_test))
                print(side, f"{walls[side][-1]:.1f} s, test acc {seed_accs[side][-1]:.4f}", flush=True)
        print("torch", seed, json.dumps([walls, seed_accs]), flush=True)
        for side in sides:
            accs[side].append(seed_accs[side])
    ours_s = statistics.median(walls["skrnn"])
    lines = [
        f"{machine()}, PyTorch {torch.__version__} ({torch.get_num_threads()} threads); {N_TRAIN:,} training "
        f"reviews, maxlen {MAXLEN}, vocabulary {VOCAB:,}, Embedding(32) -> LSTM(32) -> Dense(1), rmsprop 1e-3, "
        "batch 128.",
        f"Command: `python benchmarks/bench_speed.py --epochs {args.epochs} --seeds {args.seeds} --parts torch`.",
        "",
        f"Seconds per epoch: the median over {args.epochs} epochs x seeds {args.seeds}, epochs taking turns in one "
        "process (skrnn's include its `partial_fit` call; its first, tracing). Test accuracy on the 25,000 test "
        "reviews after each epoch, mean over the seeds. skrnn trains with its default `learning_rate_decay=\"auto\"`.",
        "",
        "| implementation | s/epoch | skrnn's speed-up | test acc by epoch |",
        "|---|---:|---:|---|",
    ]
    for side in sides:
        median = statistics.median(walls[side])
        acc = ", ".join(f"{a:.4f}" for a in np.mean(accs[side], axis=0))
        lines.append(f"| {side} | {median:.1f} | {median / ours_s:.1f}x | {acc} |")
    return lines


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
    parser.add_argument("--parts", default="speed,memory",
                        help="speed (training and prediction), memory, torch (PyTorch's nn.LSTM; needs torch)")
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
    if "torch" in parts:
        lines = torch_section(args, Xp, y, Xp_test, y_test)
        print("\n".join(lines))
        write_section("speed-torch", "\n".join(lines))


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
