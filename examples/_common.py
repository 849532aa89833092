"""Shared by the examples: arguments and a (sampled) IMDB split."""

import argparse
import os
from pathlib import Path


def parser(doc):
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--full", action="store_true", help="the real run: all 25,000 + 25,000 reviews")
    p.add_argument("--data", default=None, help="aclImdb folder or archive (default: $SKRNN_DATA_HOME)")
    p.add_argument("--out", default="example-output", help="folder for plots (default: example-output)")
    return p


def imdb(args, n_quick=600):
    """IMDB train and test; in quick mode a stratified sample of n_quick and n_quick // 2."""
    from skrnn.datasets import load_imdb_sample

    if args.full:
        return load_imdb_sample(data_home=args.data)
    return load_imdb_sample(n_quick, n_test=n_quick // 2, data_home=args.data)


def out_dir(args):
    path = Path(args.out)
    path.mkdir(parents=True, exist_ok=True)
    return path


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
