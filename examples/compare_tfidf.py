"""An RNN pipeline next to TF-IDF + LogisticRegression, measured the same way.

The baseline that any text model should be compared against: the same split,
the same metrics, fit and predict time, and model size.

    python examples/compare_tfidf.py          # quick: a small sample
    python examples/compare_tfidf.py --full
"""

import time

from _common import imdb, parser
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import make_pipeline

from skrnn import GRUClassifier, SequencePadder, TextVectorizer


def main():
    args = parser(__doc__).parse_args()
    X_train, y_train, X_test, y_test = imdb(args)
    models = {
        "TF-IDF 1-2-grams + LogisticRegression": make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), LogisticRegression(C=10, max_iter=1000)),
        "TextVectorizer + SequencePadder + GRU": make_pipeline(
            TextVectorizer(max_features=10000), SequencePadder(maxlen=500),
            GRUClassifier(epochs=4 if args.full else 3, random_state=0)),
    }
    print(f"{'model':40s} {'accuracy':>8s} {'ROC AUC':>8s} {'fit s':>7s} {'predict s':>9s}")
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        proba = model.predict_proba(X_test)[:, 1]
        predict_s = time.perf_counter() - start
        print(f"{name:40s} {accuracy_score(y_test, proba >= 0.5):8.3f} {roc_auc_score(y_test, proba):8.3f} "
              f"{fit_s:7.1f} {predict_s:9.1f}")


if __name__ == "__main__":
    main()
