"""The fixed cost of a fit, and a grid search of small fits.

Every new Keras model traces its train step (a ``tf.function``) before its
first batch; a grid search of small fits pays that many times. The ways of
fitting, taking turns in one process:

- ``skrnn``: as shipped: the optimizer's and metrics' variables are built
  before the first step (``build_training_state``), so the step is traced
  once; a model of an architecture fitted before runs that model's traced
  step (``shared_train_step``) and is not traced at all, nor is its
  inference function (``shared_predict_function``); a full garbage
  collection runs at most every ``FULL_COLLECTION_INTERVAL`` seconds. The
  fixed-cost table shows a new architecture (no step kept, as in a new
  process) and one fitted before apart; a grid search starts with no step
  kept;
- ``Keras' lazy build``: Keras creates those variables inside the first
  traced step, and TensorFlow traces it a second time; every model traces
  its own step and inference function; a full garbage collection before
  every fit.

1. Fixed cost: a 1-epoch fit of each default classifier on 500 training
   reviews, against the same model's next epoch (``partial_fit``, warm).
2. ``GridSearchCV``: 8 candidates x 3 folds of a TextVectorizer ->
   SequencePadder -> LSTMClassifier pipeline on 2,000 training reviews; wall
   seconds and whether ``cv_results_``'s scores are the same.

    python benchmarks/bench_small_fits.py [--repeats 3]
"""

import argparse
import math
import statistics
from contextlib import contextmanager, nullcontext
from unittest import mock

import numpy as np
from _common import data_home, machine, seconds, write_section

VARIANTS = ("skrnn", "Keras' lazy build")
#: The ways of the fixed-cost table: skrnn with no step kept for the architecture, skrnn with one kept, Keras'.
FIXED_COST_WAYS = ("skrnn, new architecture", "skrnn, architecture fitted before", "Keras' lazy build")


@contextmanager
def lazy_build():
    """Fit as Keras alone would: lazy variables, every model's functions traced anew, gc before every fit."""
    import skrnn
    import skrnn._compat.keras_state

    with mock.patch("skrnn._base.build_training_state", lambda model, batch: None), \
            skrnn.config_context(share_compiled_steps=False), \
            mock.patch.object(skrnn._compat.keras_state, "FULL_COLLECTION_INTERVAL", 0):
        yield


def forget_traced_steps():
    """As in a new process: no traced train step or inference function kept."""
    from skrnn._compat import clear_shared_steps

    clear_shared_steps()


def mode(variant):
    return lazy_build() if variant == "Keras' lazy build" else nullcontext()


def load(n):
    from skrnn.datasets import load_imdb

    X, y = load_imdb("train", data_home=data_home(), return_X_y=True, shuffle=True, random_state=0)
    return X[:n], y[:n]


def fixed_cost(X, y, repeats):
    """The fit and warm-epoch seconds of each classifier and way: {(name, way): [(fit, warm), ...]}."""
    from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer

    Xp = SequencePadder(maxlen=500).fit_transform(TextVectorizer(max_features=10000).fit_transform(X))
    out = {}
    for _ in range(repeats):
        for cls in (LSTMClassifier, SimpleRNNClassifier, GRUClassifier):
            for variant in FIXED_COST_WAYS:
                clf = cls(epochs=1, random_state=0)
                if variant == "skrnn, new architecture":
                    forget_traced_steps()
                with mode(variant):
                    fit = seconds(lambda clf=clf: clf.fit(Xp, y))
                    warm = seconds(lambda clf=clf: clf.partial_fit(Xp, y))
                out.setdefault((cls.__name__, variant), []).append((fit, warm))
    return out


GRID = {"lstmclassifier__units": [16, 32], "lstmclassifier__embedding_dim": [16, 32],
        "lstmclassifier__pooling": ["last", "max"]}


def grid_search(X, y, variant):
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer

    pipeline = make_pipeline(TextVectorizer(max_features=10000), SequencePadder(maxlen=500),
                             LSTMClassifier(epochs=2, random_state=0))
    search = GridSearchCV(pipeline, GRID, cv=3, n_jobs=1)
    forget_traced_steps()
    with mode(variant):
        wall = seconds(lambda: search.fit(X, y))
    return wall, search.cv_results_


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    X, y = load(2000)
    costs = fixed_cost(X[:500], y[:500], args.repeats)
    walls = {variant: [] for variant in VARIANTS}
    scores = {}
    for _ in range(args.repeats):
        for variant in VARIANTS:
            wall, results = grid_search(X, y, variant)
            walls[variant].append(wall)
            split_scores = np.array([results[f"split{k}_test_score"] for k in range(3)])
            same = scores.setdefault(variant, split_scores)
            assert np.array_equal(same, split_scores), "a variant's grid scores changed between repeats"
            scores[variant] = split_scores
            print(variant, f"{wall:.1f} s", flush=True)
    identical = np.array_equal(*scores.values())

    lines = [
        f"{machine()}. Command: `python benchmarks/bench_small_fits.py --repeats {args.repeats}`.",
        "",
        "### The fixed cost of a fit",
        "",
        f"Default classifiers, 1 epoch on 500 training reviews (maxlen 500); medians over {args.repeats} "
        "repeats, the three ways taking turns. Warm epoch: the same model's next epoch (a `partial_fit` call, with "
        "what any call costs); fixed cost: the fit's seconds minus a warm epoch's.",
        "",
        "| classifier | way | fit s | warm epoch s | fixed cost s |",
        "|---|---|---:|---:|---:|",
    ]
    for (name, variant), runs in costs.items():
        fit, warm = (statistics.median(v) for v in zip(*runs))
        lines.append(f"| {name} | {variant} | {fit:.2f} | {warm:.2f} | {fit - warm:.2f} |")
    ours, lazy = (statistics.median(walls[v]) for v in VARIANTS)
    lines += [
        "",
        "### GridSearchCV of small fits",
        "",
        f"TextVectorizer(10000) -> SequencePadder(500) -> LSTMClassifier(epochs=2, random_state=0), {len(X):,} "
        f"training reviews, {math.prod(map(len, GRID.values()))} candidates "
        f"({', '.join(p.split('__')[1] for p in GRID)}) x 3 folds, n_jobs=1; wall seconds, median over "
        f"{args.repeats} repeats taking turns.",
        "",
        "| way | wall s | ratio |",
        "|---|---:|---:|",
        f"| Keras' lazy build | {lazy:.1f} | 1.00 |",
        f"| skrnn | {ours:.1f} | {ours / lazy:.2f} |",
        "",
        f"Every fold's score of every candidate the same both ways: {'yes' if identical else 'NO'}.",
    ]
    print("\n".join(lines))
    write_section("small-fits", "\n".join(lines))


if __name__ == "__main__":
    main()
