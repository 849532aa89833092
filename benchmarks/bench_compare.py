"""``skrnn compare`` with several seeds: IMDB's full split, SST-5 (five classes) and IMDB's star ratings.

Runs :func:`skrnn.compare.run_comparison` with the default models (and the
blend), stores the comparison table, the verdicts and the disagreement of the
best RNN with the best TF-IDF baseline, and renders them into
docs/benchmarks.md. ``sst5-dev`` scores SST-5 on its development split,
where settings are looked at; ``sst5`` on its test split, read once.

    python benchmarks/bench_compare.py [--sets imdb,sst5-dev,sst5,imdb-rating] [--seeds 3]
"""

import argparse
import os
import tempfile
from pathlib import Path

from _common import data_home, machine, write_section


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="imdb,sst5,imdb-rating")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", default="auto", help="the recurrent models' epochs (default: auto)")
    parser.add_argument("--max-features", type=int, default=None, help="their vocabulary (default: from the data)")
    parser.add_argument("--maxlen", type=int, default=None, help="their padded length (default: from the data)")
    parser.add_argument("--out", default=None,
                        help="keep the reports and the finished runs here, so a rerun resumes "
                        "(default: a temporary folder)")
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
    budget = {"epochs": args.epochs if args.epochs == "auto" else int(args.epochs),
              "max_features": args.max_features, "maxlen": args.maxlen}
    given = "".join(f" --{key.replace('_', '-')} {value}" for key, value in budget.items()
                    if value is not None and value != "auto")
    for name in args.sets.split(","):
        options = dict(sets[name], **budget)
        command_data = options.pop("command_data") + given
        with tempfile.TemporaryDirectory() as scratch:
            out = os.path.join(args.out or scratch, f"report-{name}")
            result = run_comparison(seeds=args.seeds, out=out, **options)
        described = result.data.replace(str(home), "$SKRNN_DATA_HOME")
        lines = [
            f"{described}; {machine()}.",
            f"Command: `python benchmarks/bench_compare.py --sets {name} --seeds {args.seeds}{given}` "
            f"(`skrnn compare{command_data} --seeds {args.seeds}`).",
            "",
            result.table(),
            "",
            *[f"- {sentence}" for sentence in result.verdicts()],
        ]
        if getattr(result, "disagreement", None):
            d = result.disagreement
            lines += ["", f"{d['first']} and {d['second']} disagree on {100 * d['rate']:.1f}% of the test rows "
                      f"({d['rows']:,}); there {d['first']} is right on {100 * d['first_right']:.1f}% and "
                      f"{d['second']} on {100 * d['second_right']:.1f}% (first seed)."]
        print("\n".join(lines))
        write_section(f"compare-{name}", "\n".join(lines))


if __name__ == "__main__":
    main()
