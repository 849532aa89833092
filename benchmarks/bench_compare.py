"""``skrnn compare`` with several seeds: IMDB, SST-5 (five classes), IMDB's star ratings, a number column.

Runs :func:`skrnn.compare.run_comparison` with the default models (and the
blend), stores the comparison table, the verdicts, the disagreement of the
best RNN with the best TF-IDF baseline, the whole run's wall time and, with
``--tune``, the settings each model's search chose, and renders them into
docs/benchmarks.md. ``sst5-dev`` scores SST-5 on its development split,
where settings are looked at; ``sst5`` on its test split, read once.
``imdb-5k`` is a stratified sample of 5,000 training and 5,000 test reviews.
``stars-csv`` writes IMDB's reviews and their star ratings to CSV files of
their own (a ``stars`` column) and compares regressors on that column, as a
user with a number column of their own would (``--target stars``), on 5,000
training and 5,000 test reviews drawn at random.

    python benchmarks/bench_compare.py [--sets imdb,imdb-5k,sst5-dev,sst5,imdb-rating,stars-csv] [--seeds 3]
        [--tune N] [--models tfidf-unigram,tfidf-bigram,lstm,gru]
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from _common import data_home, machine, write_section


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="imdb,sst5,imdb-rating")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", default="auto", help="the recurrent models' epochs (default: auto)")
    parser.add_argument("--max-features", type=int, default=None, help="their vocabulary (default: from the data)")
    parser.add_argument("--maxlen", type=int, default=None, help="their padded length (default: from the data)")
    parser.add_argument("--tune", type=int, default=None, help="tune every model with N candidates (default: no)")
    parser.add_argument("--models", default=None,
                        help="comma-separated models instead of the defaults; the section's name ends in the "
                        "networks' names (compare-imdb-lstm-gru)")
    parser.add_argument("--out", default=None,
                        help="keep the reports and the finished runs here, so a rerun resumes (default: a "
                        "temporary folder; only then is the run's wall time stored)")
    args = parser.parse_args()
    from skrnn.compare import run_comparison

    home = Path(data_home())
    sets = {
        "imdb": dict(data=home, command_data=""),
        "imdb-rating": dict(data=home, target="rating", command_data=" --target rating"),
        "sst5": dict(data=home / "sst5" / "train.csv", test=home / "sst5" / "test.csv",
                     command_data=" --data ../shared/data/sst5/train.csv --test ../shared/data/sst5/test.csv"),
        # The development split: where settings are looked at before the test split is read once.
        "sst5-dev": dict(data=home / "sst5" / "train.csv", test=home / "sst5" / "dev.csv",
                         command_data=" --data ../shared/data/sst5/train.csv --test ../shared/data/sst5/dev.csv"),
    }
    sets["imdb-5k"] = dict(data=home, sample=5000, command_data=" --sample 5000")
    budget = {"epochs": args.epochs if args.epochs == "auto" else int(args.epochs),
              "max_features": args.max_features, "maxlen": args.maxlen, "tune": args.tune}
    given = "".join(f" --{key.replace('_', '-')} {value}" for key, value in budget.items()
                    if value is not None and value != "auto")
    models = args.models.split(",") if args.models else None
    if models:
        given += f" --models {args.models}"
    for name in args.sets.split(","):
        with tempfile.TemporaryDirectory() as scratch:
            folder = args.out or scratch
            if name == "stars-csv":
                sets[name] = stars_csv(home, folder)
            options = dict(sets[name], **budget)
            command_data = options.pop("command_data") + given
            out = os.path.join(folder, f"report-{name}")
            start = time.perf_counter()
            result = run_comparison(seeds=args.seeds, out=out, models=models, **options)
            wall = time.perf_counter() - start
        described = result.data.replace(str(home), "$SKRNN_DATA_HOME").replace(folder, "$OUT")
        lines = [
            f"{described}; {machine()}.",
            f"Command: `python benchmarks/bench_compare.py --sets {name} --seeds {args.seeds}{given}` "
            f"(`skrnn compare{command_data} --seeds {args.seeds}`)."
            + (f" The whole run took {wall / 60:.1f} minutes." if args.out is None else ""),
            "",
            result.table(),
            "",
            *[f"- {sentence}" for sentence in result.verdicts()],
        ]
        tuned = [m for m in result.models if m.tuning]
        if tuned:
            from skrnn.compare._tune import describe

            lines += ["", "Chosen by the search (first fold), with its cross-validated score and seconds:", "",
                      *[f"- {m.name}: {describe(m.tuning['params'])} ({m.tuning['score']:.4f}, "
                        f"{m.tuning['seconds']:.0f} s)" for m in tuned]]
        if getattr(result, "disagreement", None):
            d = result.disagreement
            lines += ["", f"{d['first']} and {d['second']} disagree on {100 * d['rate']:.1f}% of the test rows "
                      f"({d['rows']:,}); there {d['first']} is right on {100 * d['first_right']:.1f}% and "
                      f"{d['second']} on {100 * d['second_right']:.1f}% (first seed)."]
        print("\n".join(lines))
        write_section(f"compare-{name}" + _models_suffix(models) + _tune_suffix(args.tune), "\n".join(lines))


def _models_suffix(models):
    """A run of chosen models: its section's name ends in their networks' names (``-lstm-gru``)."""
    return "".join(f"-{m}" for m in models or () if not m.startswith("tfidf"))


def _tune_suffix(candidates):
    """A tuned run's section: ``-tune`` at the default budget, ``-tune8`` at another."""
    from skrnn.compare._tune import TUNE_CANDIDATES

    if not candidates:
        return ""
    return "-tune" if candidates == TUNE_CANDIDATES else f"-tune{candidates}"


def stars_csv(home, folder):
    """IMDB's reviews with their star ratings, written as a user's own CSV files: a ``stars`` number column."""
    import pandas as pd

    from skrnn.datasets import load_imdb

    paths = {}
    for subset in ("train", "test"):
        bunch = load_imdb(subset, data_home=home, verbose=False)
        path = Path(folder) / f"stars-{subset}.csv"
        pd.DataFrame({"text": bunch.data, "stars": bunch.ratings}).to_csv(path, index=False)
        paths[subset] = path
    return dict(data=paths["train"], test=paths["test"], target="stars", sample=5000,
                command_data=" --data stars-train.csv --test stars-test.csv --target stars --sample 5000")


if __name__ == "__main__":
    main()
