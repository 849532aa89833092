"""The ``skrnn`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One clear line and status 2, not the usage block.
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _models(text):
    from .compare import check_model_names

    try:
        return check_model_names(n.strip() for n in text.split(",") if n.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser():
    from .compare import DEFAULT_MODELS, MODELS

    parser = _Parser(prog="skrnn", description="skrnn: recurrent-network text classifiers for scikit-learn.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    cmp = sub.add_parser(
        "compare",
        help="train RNN pipelines and TF-IDF baselines on IMDB and compare them",
        description="Train and evaluate on IMDB, side by side: TF-IDF + LogisticRegression baselines "
        "and TextVectorizer -> SequencePadder -> RNN pipelines. Writes results.json, report.md "
        "and PNG plots into --out.",
    )
    cmp.add_argument("--data", type=Path, default=None,
                     help="an aclImdb folder, a folder holding it, or a .tar.gz archive "
                     "(default: $SKRNN_DATA_HOME or ~/skrnn_data, downloading if missing)")
    cmp.add_argument("--models", type=_models, default=list(DEFAULT_MODELS),
                     help=f"comma-separated, from: {', '.join(MODELS)} (default: {','.join(DEFAULT_MODELS)})")
    cmp.add_argument("--epochs", type=_positive, default=5, help="RNN training epochs (default: 5)")
    cmp.add_argument("--max-features", type=_positive, default=10000,
                     help="RNN vocabulary size (default: 10000)")
    cmp.add_argument("--maxlen", type=_positive, default=500, help="padded review length (default: 500)")
    cmp.add_argument("--sample", type=_positive, default=None,
                     help="use a stratified sample of N training and N test reviews (default: all)")
    cmp.add_argument("--out", type=Path, default=Path("skrnn-report"), help="report folder (default: skrnn-report)")
    cmp.add_argument("--random-state", type=int, default=0, help="seed (default: 0)")
    cmp.add_argument("--quiet", action="store_true", help="print only the results table")
    return parser


def _fail(message):
    print(f"skrnn: error: {message}", file=sys.stderr)
    return 2


def main(argv=None):
    """Entry point of the ``skrnn`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "compare":
        parser.print_help()
        return 2
    if args.data is not None and not args.data.exists():
        return _fail(f"--data {args.data} does not exist; pass an aclImdb folder or .tar.gz archive")
    if args.data is not None and not os.access(args.data, os.R_OK):
        return _fail(f"--data {args.data} is not readable")
    if args.out.exists() and not args.out.is_dir():
        return _fail(f"--out {args.out} exists and is not a folder")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # this process is ours: quiet TF's C++ logs

    from ._progress import Progress
    from .compare import run_comparison

    progress = Progress(quiet=args.quiet)
    try:
        result = run_comparison(
            data=args.data, models=args.models, epochs=args.epochs, max_features=args.max_features,
            maxlen=args.maxlen, sample=args.sample, out=args.out, random_state=args.random_state,
            progress=progress,
        )
    except KeyboardInterrupt:
        print("skrnn: interrupted; no report was written", file=sys.stderr)
        return 130
    except (OSError, ValueError) as exc:
        return _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    print(result.table())
    return 0
