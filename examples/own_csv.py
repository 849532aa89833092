"""Your own CSV of labelled texts, step by step with the library.

Loads the file, keeps a stratified test split aside, trains the default LSTM
pipeline and a TF-IDF + LogisticRegression baseline on the same rows,
scores both, saves and reloads the network, and prints the words that moved
its predictions. docs/tutorial.md walks through the same steps.

    python examples/own_csv.py --csv reviews.csv [--text-column text] [--label-column label]
    python examples/own_csv.py                     # quick: writes a CSV of 400 IMDB reviews first

For several seeds, intervals and a verdict on the same file, run
``skrnn compare --data reviews.csv --seeds 3``.
"""

import argparse
import csv
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def arguments():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--csv", default=None, help="your file (default: a CSV of IMDB reviews written to --out)")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.add_argument("--out", default="example-output", help="folder for the saved model (default: example-output)")
    return p.parse_args()


def imdb_csv(folder, n=400):
    """A CSV of ``n`` IMDB training reviews (text, label), as a user's own file would look."""
    from skrnn.datasets import load_imdb_sample

    X, y, _, _ = load_imdb_sample(n, n_test=2)
    path = Path(folder) / "imdb-sample.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("text", "label"), *zip(X, ["pos" if label else "neg" for label in y])])
    return path


def main():
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
    from skrnn.datasets import load_text_dataset
    from skrnn.inspection import explain, top_tokens

    args = arguments()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = args.csv or imdb_csv(out)

    data = load_text_dataset(path, text_column=args.text_column, label_column=args.label_column)
    print(f"{len(data.data):,} texts, classes {list(data.target_names)} from {path}")
    X_train, X_test, y_train, y_test = train_test_split(
        list(data.data), data.target, test_size=0.25, stratify=data.target, random_state=0)

    network = make_pipeline(TextVectorizer(), SequencePadder(), LSTMClassifier(random_state=0))
    network.fit(X_train, y_train)
    lstm = network[-1]
    print(f"LSTM: batch size {lstm.batch_size_}, {lstm.n_epochs_} epochs run, weights of epoch {lstm.best_epoch_} "
          f"kept; test accuracy {network.score(X_test, y_test):.3f}")
    baseline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
    print(f"TF-IDF + LogisticRegression: test accuracy {baseline.score(X_test, y_test):.3f} "
          "(one split, one seed: use skrnn compare for intervals)")

    saved = out / "lstm-pipeline.joblib"
    joblib.dump(network, saved)
    same = (joblib.load(saved).predict_proba(X_test) == network.predict_proba(X_test)).all()
    print(f"saved to {saved}; reloaded, it predicts the same: {bool(same)}")

    e = explain(network, X_test[:1])[0]
    print(f"first test text, predicted {e.label!r} ({e.proba:.2f}); strongest words:",
          ", ".join(f"{token} {score:+.3f}" for token, score in e.strongest(5)))
    for label, tokens in top_tokens(network, X_test, n=8).items():
        print(f"words towards {label!r} over the test texts:", ", ".join(token for token, _ in tokens))


if __name__ == "__main__":
    main()
