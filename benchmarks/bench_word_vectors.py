"""Learning curve on IMDB: TF-IDF, a randomly initialised LSTM, and the LSTM started from word2vec vectors.

Word2vec vectors (gensim, 100 dimensions) are trained on the 25,000
training reviews' text only (no labels, no outside data), with the tokens of
``TextVectorizer().build_analyzer()``. A ``TextVectorizer(max_features=10000)``
fitted on the same texts fixes the vocabulary, and
``skrnn.embeddings.embedding_matrix`` lines the vectors up with its ids.
Then, for each training-set size (a stratified sample drawn with the seed)
and seed, three pipelines are trained and scored on the full test set
(25,000 reviews):

- ``tfidf-bigram``: ``skrnn compare``'s TF-IDF 1-2-gram + LogisticRegression;
- ``lstm-random``: ``TextVectorizer(max_features=10000) -> SequencePadder(maxlen=500)
  -> LSTMClassifier()``, the defaults, vocabulary and embedding learned from the sample;
- ``lstm-word2vec``: the same LSTM with ``embeddings=`` the word2vec matrix
  (and the fixed vocabulary), every other setting unchanged;
- ``lstm-word2vec-frozen``: the vectors kept fixed (``trainable_embeddings=False``),
  read by mean pooling (``pooling="mean"``), with ``learning_rate=0.003``.

Every network trains with the estimators' default budget (``epochs="auto"``,
``batch_size="auto"``).

    python benchmarks/bench_word_vectors.py [--sizes 500,1000,2000,5000,25000] [--seeds 0,1,2]
        [--variants tfidf-bigram,lstm-random,lstm-word2vec,lstm-word2vec-frozen] [--test-size 25000]
        [--resume LOG]

Each run prints one JSON line; ``--resume LOG`` takes the runs a log of
those lines already holds instead of training them again.

The section ends with where the learning curve stands against its target:
with vectors, a 3-seed mean at or above the random start's at every size.
"""

import argparse
import json
import time

import numpy as np
from _common import data_home, machine, mean_interval, read_log, stratified_sample, write_section

VECTOR_SIZE = 100
VECTOR_VARIANTS = ("lstm-word2vec", "lstm-word2vec-frozen")


def train_word2vec(texts, seed, workers):
    """Word2vec vectors of the training texts (labels unused), tokenized as TextVectorizer does."""
    from gensim.models import Word2Vec

    from skrnn import TextVectorizer

    analyze = TextVectorizer().build_analyzer()
    sentences = [analyze(t) for t in texts]
    model = Word2Vec(sentences, vector_size=VECTOR_SIZE, window=5, min_count=2, workers=workers, seed=seed,
                     epochs=5)
    return model.wv


def pipelines(matrix, vocabulary, budget):
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
    from skrnn.compare import make_model

    def random_init(seed):
        return make_pipeline(TextVectorizer(max_features=10000), SequencePadder(maxlen=500),
                             LSTMClassifier(random_state=seed, **budget))

    def word2vec(**params):
        return lambda seed: make_pipeline(
            TextVectorizer(vocabulary=vocabulary), SequencePadder(maxlen=500),
            LSTMClassifier(embeddings=matrix, random_state=seed, **budget, **params),
        )

    return {
        "tfidf-bigram": lambda seed: make_model("tfidf-bigram", random_state=seed),
        "lstm-random": random_init,
        "lstm-word2vec": word2vec(),
        "lstm-word2vec-frozen": word2vec(trainable_embeddings=False, pooling="mean", learning_rate=0.003),
    }


def paired(a, b):
    """Mean of the per-seed differences a - b in points, and its 95 % t interval."""
    return mean_interval(100 * (np.asarray(a) - np.asarray(b)))


def targets(scores, sizes, variants):
    """Where the curve stands against the target, one line per variant and size."""
    lines = ["The goal set for the vectors: a 3-seed mean at or above the random start's at every size "
             "(differences are means of the per-seed paired differences, same training sample, with their 95 % t "
             "interval):", ""]
    if "lstm-random" not in variants:
        return []
    for variant in (v for v in VECTOR_VARIANTS if v in variants):
        for n in sizes:
            gain, low, high = paired(scores[variant, n], scores["lstm-random", n])
            verdict = "reached" if gain >= 0 else "not reached"
            noise = " (the interval holds 0: no difference shown)" if low <= 0 <= high else ""
            lines.append(f"- {n:,} reviews, {variant}: {gain:+.1f} points over lstm-random ({low:+.1f} to "
                         f"{high:+.1f}){noise}: {verdict}.")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="500,1000,2000,5000,25000")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--variants", default="tfidf-bigram,lstm-random,lstm-word2vec,lstm-word2vec-frozen")
    parser.add_argument("--test-size", type=int, default=25000)
    parser.add_argument("--epochs", default="auto", help="the networks' epochs (default: auto)")
    parser.add_argument("--batch-size", default="auto", help="their batch size (default: auto)")
    parser.add_argument("--resume", default=None, help="a log of this script's JSON lines: runs to take from it")
    parser.add_argument("--no-write", action="store_true", help="print the table, do not store it")
    args = parser.parse_args()
    from sklearn.model_selection import train_test_split

    from skrnn import TextVectorizer
    from skrnn.datasets import load_imdb
    from skrnn.embeddings import embedding_matrix

    X, y = load_imdb("train", data_home=data_home(), return_X_y=True, verbose=False)
    X_test, y_test = load_imdb("test", data_home=data_home(), return_X_y=True, verbose=False)
    X, y, X_test, y_test = list(X), np.asarray(y), list(X_test), np.asarray(y_test)
    if args.test_size < len(X_test):
        X_test, _, y_test, _ = train_test_split(X_test, y_test, train_size=args.test_size, stratify=y_test,
                                                random_state=0)
    sizes = [int(s) for s in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    variants = args.variants.split(",")

    start = time.perf_counter()
    vectors = train_word2vec(X, seed=0, workers=2)
    w2v_seconds = time.perf_counter() - start
    vocabulary = TextVectorizer(max_features=10000).fit(X)
    matrix, coverage = embedding_matrix(vocabulary, vectors, random_state=0, return_coverage=True)
    print(f"word2vec: {len(vectors.key_to_index):,} words in {w2v_seconds:.0f} s; {coverage}", flush=True)
    budget = {"epochs": "auto" if args.epochs == "auto" else int(args.epochs),
              "batch_size": "auto" if args.batch_size == "auto" else int(args.batch_size)}
    build = pipelines(matrix, vocabulary.vocabulary_, budget)

    done = {(r["variant"], r["n_train"], r["seed"]): r["accuracy"] for r in read_log(args.resume)}
    scores = {(v, n): [] for v in variants for n in sizes}
    for n in sizes:
        for seed in seeds:
            X_n, y_n = stratified_sample(X, y, n, seed)
            for variant in variants:
                if (variant, n, seed) in done:
                    scores[variant, n].append(done[variant, n, seed])
                    continue
                t0 = time.perf_counter()
                model = build[variant](seed).fit(X_n, y_n)
                accuracy = float(np.mean(model.predict(X_test) == y_test))
                scores[variant, n].append(accuracy)
                print(json.dumps({"variant": variant, "n_train": n, "seed": seed, "accuracy": round(accuracy, 4),
                                  "seconds": round(time.perf_counter() - t0, 1)}), flush=True)

    def cell(values):
        half = 1.96 * np.std(values, ddof=1) / np.sqrt(len(values)) if len(values) > 1 else float("nan")
        return f"{np.mean(values):.4f} ± {half:.4f}"

    lines = [
        f"{machine()}; IMDB, training sets drawn stratified from the 25,000 training reviews with each seed, "
        f"scored on {len(X_test):,} test reviews; seeds {args.seeds}. Word2vec: gensim, {VECTOR_SIZE} dimensions, "
        f"trained on the 25,000 training texts without labels in {w2v_seconds:.0f} s; it covers "
        f"{coverage.n_found:,} of the {coverage.n_tokens:,} vocabulary tokens.",
        f"Command: `python benchmarks/bench_word_vectors.py --sizes {args.sizes} --seeds {args.seeds} "
        f"--variants {args.variants} --test-size {args.test_size}"
        + "".join(f" --{k.replace('_', '-')} {v}" for k, v in budget.items() if v != "auto") + "`.",
        "",
        "Test accuracy, mean over seeds ± the half-width of a 95 % normal interval of the mean:",
        "",
        "| training reviews | " + " | ".join(variants) + " |",
        "|---:|" + "---:|" * len(variants),
    ]
    for n in sizes:
        lines.append(f"| {n:,} | " + " | ".join(cell(scores[v, n]) for v in variants) + " |")
    lines += ["", *targets(scores, sizes, variants)]
    print("\n".join(lines))
    if not args.no_write:
        write_section("word-vectors", "\n".join(lines))


if __name__ == "__main__":
    main()
