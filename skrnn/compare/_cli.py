"""The ``skrnn`` command line."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
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


def _positive_or_auto(text):
    return "auto" if text == "auto" else _positive(text)


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {value}")
    return value


def _folds(text):
    value = _positive(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"needs at least 2 folds, got {value}")
    return value


def _delimiter(text):
    text = {"\\t": "\t", "tab": "\t"}.get(text, text)
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"expected one character such as ';' or '\\t', got {text!r}")
    return text


def _models(text):
    # Checked against the registry of --target once every option is read.
    return [n.strip() for n in text.split(",") if n.strip()]


def build_parser():
    from . import DEFAULT_MODELS, DEFAULT_RATING_MODELS, MODELS, RATING_MODELS
    from ._tune import TUNE_CANDIDATES, TUNE_FOLDS

    parser = _Parser(prog="skrnn", description="skrnn: recurrent-network text classifiers for scikit-learn.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    cmp = sub.add_parser(
        "compare",
        help="train RNN pipelines and TF-IDF baselines on IMDB or your own data and compare them",
        description="Train and evaluate side by side: TF-IDF + LogisticRegression baselines and "
        "TextVectorizer -> SequencePadder -> RNN pipelines, on IMDB or on your own labelled texts, with "
        "the uncertainty of every difference. Writes results.json, report.md and PNG plots into --out.",
    )
    cmp.add_argument("--data", type=Path, default=None,
                     help="IMDB (an aclImdb folder, a folder holding it, or a .tar.gz archive; default: "
                     "$SKRNN_DATA_HOME or ~/skrnn_data, downloading if missing), or your data: a .csv, .tsv, "
                     ".jsonl or .parquet file, or a folder with one subfolder per class")
    cmp.add_argument("--test", type=Path, default=None, help="a separate test set for your data, in the same forms")
    cmp.add_argument("--test-size", type=_fraction, default=0.2,
                     help="without --test or --cv: the stratified test fraction of your data (default: 0.2)")
    cmp.add_argument("--cv", type=_folds, default=None, help="stratified K-fold cross-validation of your data")
    cmp.add_argument("--seeds", type=_positive, default=1,
                     help="train each RNN this many times; the report gives mean ± sd (default: 1)")
    cmp.add_argument("--text-column", default="text", help="the text column of a file (default: text)")
    cmp.add_argument("--label-column", default="label", help="the label column of a file (default: label)")
    cmp.add_argument("--encoding", default="utf-8", help="the encoding of your data (default: utf-8)")
    cmp.add_argument("--delimiter", type=_delimiter, default=None,
                     help="the field separator of a CSV file, e.g. ';' (default: sniffed from the file)")
    cmp.add_argument("--no-resume", action="store_true",
                     help="redo every run, even those stored in --out from an earlier run of the same comparison")
    cmp.add_argument("--no-ensemble", action="store_true",
                     help="leave out the blend of the best RNN and the best TF-IDF baseline")
    cmp.add_argument("--target", default="label",
                     help="label: classify the label column; rating (on IMDB): predict the star ratings (1-4, "
                     "7-10) with recurrent regressors against TF-IDF + Ridge, scored by RMSE, MAE, R² and the "
                     "sentiment accuracy of the rating's side of 5.5; any other name: a number column of your file "
                     "to predict the same way (default: label)")
    cmp.add_argument("--task", choices=("classification", "regression"), default=None,
                     help="override what --target implies: regression predicts --label-column as a number; "
                     "classification classifies the --target column")
    cmp.add_argument("--models", type=_models, default=None,
                     help=f"comma-separated, from: {', '.join(MODELS)} (default: {','.join(DEFAULT_MODELS)}); "
                     f"for a numeric target, from: {', '.join(RATING_MODELS)} (default: "
                     f"{','.join(DEFAULT_RATING_MODELS)})")
    cmp.add_argument("--epochs", type=_positive_or_auto, default="auto",
                     help="RNN training epochs, or auto: until the validation loss stops improving, keeping the "
                     "best epoch (default: auto)")
    cmp.add_argument("--tune", type=_positive, nargs="?", const=TUNE_CANDIDATES, default=None, metavar="N",
                     help="tune every model, baselines and networks alike, by the same protocol and budget: "
                     f"successive halving over N random candidates (default N: {TUNE_CANDIDATES}), each scored by "
                     "--tune-folds cross-validation of the training rows (default: every model at its defaults)")
    cmp.add_argument("--tune-folds", type=_folds, default=TUNE_FOLDS,
                     help=f"the folds of --tune's cross-validation (default: {TUNE_FOLDS})")
    cmp.add_argument("--max-features", type=_positive, default=None,
                     help="RNN vocabulary size (default: every word in at least 2 training texts)")
    cmp.add_argument("--maxlen", type=_positive, default=None,
                     help="padded text length in tokens (default: the 95th percentile of the training texts' "
                     "lengths, at most 500)")
    cmp.add_argument("--sample", type=_positive, default=None,
                     help="use a stratified sample of N training and N test reviews (default: all)")
    cmp.add_argument("--out", type=Path, default=Path("skrnn-report"), help="report folder (default: skrnn-report)")
    cmp.add_argument("--random-state", type=int, default=0, help="seed (default: 0)")
    cmp.add_argument("--quiet", action="store_true", help="print only the results table")
    return parser


#: The folder of skrnn's modules: warnings raised there are notes for the user.
_PACKAGE = str(Path(__file__).resolve().parent.parent)

#: TensorFlow's start-up notices, printed before its log settings apply.
_STARTUP_NOTICES = re.compile(
    r"oneDNN custom operations are on|cpu_feature_guard|rebuild TensorFlow with the appropriate compiler flags"
    r"|All log messages before absl::InitializeLog"
)


def _import_tensorflow_quietly():
    """Import TensorFlow with its start-up notices left out of stderr; any other line it prints is kept.

    TensorFlow prints oneDNN's notice while it loads, before
    ``TF_CPP_MIN_LOG_LEVEL`` applies, so the notice is caught on the
    process's stderr and dropped.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2: nothing to keep clean
        import tensorflow  # noqa: F401
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        kept = [line for line in captured.read().decode(errors="replace").splitlines()
                if not _STARTUP_NOTICES.search(line)]
    if kept:
        print("\n".join(kept), file=sys.stderr)


def _notes_to(progress):
    """A ``warnings.showwarning`` that prints skrnn's own warnings as progress notes, when they happen.

    Other libraries' warnings are left out of the command's output.
    """
    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, UserWarning) and str(filename).startswith(_PACKAGE):
            progress.line(f"note: {message}")

    return show


def _fail(message):
    print(f"skrnn: error: {message}", file=sys.stderr)
    return 2


def _check_paths(args):
    """The one-line error of a missing or unreadable path, or None."""
    for option, path in (("--data", args.data), ("--test", args.test)):
        if path is not None and not path.exists():
            return f"{option} {path} does not exist; pass an IMDB folder or archive, a data file or a folder"
        if path is not None and not os.access(path, os.R_OK):
            return f"{option} {path} is not readable"
    if args.out.exists() and not args.out.is_dir():
        return f"--out {args.out} exists and is not a folder"
    return None


def _run(args, progress):
    """``run_comparison`` with the command's options, skrnn's warnings printed as notes as they happen."""
    import warnings

    from . import run_comparison

    with warnings.catch_warnings():
        warnings.simplefilter("always", UserWarning)
        warnings.showwarning = _notes_to(progress)
        return run_comparison(
            data=args.data, test=args.test, test_size=args.test_size, cv=args.cv, seeds=args.seeds,
            models=args.models, target=args.target, task=args.task, epochs=args.epochs,
            max_features=args.max_features, maxlen=args.maxlen, delimiter=args.delimiter, tune=args.tune,
            tune_folds=args.tune_folds, sample=args.sample, out=args.out, random_state=args.random_state,
            text_column=args.text_column, label_column=args.label_column, encoding=args.encoding,
            resume=not args.no_resume, ensemble=not args.no_ensemble, progress=progress,
        )


def main(argv=None):
    """Entry point of the ``skrnn`` command; returns the exit status."""
    # This process is ours: TensorFlow's C++ log lines are quieted before
    # anything imports it (a value the user set wins).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "compare":
        parser.print_help()
        return 2
    from .._progress import Progress
    from ._data import resolve_target
    from ._registry import check_model_names, registry_for

    try:
        problem = _check_paths(args)
        goal = None if problem else resolve_target(args.data, args.target, args.task, args.label_column)
    except ValueError as exc:
        problem = str(exc)
    if problem:
        return _fail(problem)
    if args.models is not None:
        try:
            check_model_names(args.models, goal.task)
        except ValueError as exc:
            parser.exit(2, f"{parser.prog} compare: error: argument --models: {exc} (see --help)\n")
    progress = Progress(quiet=args.quiet)
    if args.models is None or any(registry_for(goal.task)[m].kind == "rnn" for m in args.models):
        _import_tensorflow_quietly()  # only the recurrent models load TensorFlow
    try:
        result = _run(args, progress)
    except KeyboardInterrupt:
        print("skrnn: interrupted; no report was written (finished runs are kept in --out/.runs and a rerun "
              "resumes from them)", file=sys.stderr)
        return 130
    except (OSError, ValueError, ImportError) as exc:
        return _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception:  # noqa: BLE001 - anything else is a bug: said so first, then its traceback
        import traceback

        print("skrnn: internal error: this is a bug in skrnn, not in your data or options; please report it "
              "to the skrnn developers with the command you ran and the traceback below.", file=sys.stderr)
        traceback.print_exc()
        return 1
    print(result.table())
    print()
    print("\n".join(result.verdicts()))
    return 0
