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
    """IMDB train and test; in quick mode a stratified sample of n_quick each."""
    from sklearn.model_selection import train_test_split

    from skrnn.datasets import load_imdb

    X_train, y_train = load_imdb("train", data_home=args.data, return_X_y=True, shuffle=True, random_state=0)
    X_test, y_test = load_imdb("test", data_home=args.data, return_X_y=True, shuffle=True, random_state=0)
    if not args.full:
        X_train, _, y_train, _ = train_test_split(X_train, y_train, train_size=n_quick, stratify=y_train, random_state=0)
        X_test, _, y_test, _ = train_test_split(X_test, y_test, train_size=n_quick // 2, stratify=y_test, random_state=0)
    return X_train, y_train, X_test, y_test


def out_dir(args):
    path = Path(args.out)
    path.mkdir(parents=True, exist_ok=True)
    return path


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
