"""An RNN pipeline next to TF-IDF + LogisticRegression, measured the same way.

The baseline that any text model should be compared against: the same split,
the same metrics, fit and predict time, and model size.

    python examples/compare_tfidf.py          # quick: a small sample
    python examples/compare_tfidf.py --full
"""

from _common import imdb, parser
from sklearn.metrics import accuracy_score, roc_auc_score

from skrnn.compare import MODELS, make_model, timed_fit_predict


def main():
    args = parser(__doc__).parse_args()
    X_train, y_train, X_test, y_test = imdb(args)
    # Two models of skrnn compare's registry: the TF-IDF baseline and a GRU pipeline.
    models = {name: make_model(name, epochs=4 if args.full else 3) for name in ("tfidf-bigram", "gru")}
    print(f"{'model':14s} {'accuracy':>8s} {'ROC AUC':>8s} {'fit s':>7s} {'predict s':>9s}  description")
    for name, model in models.items():
        proba, fit_s, predict_s = timed_fit_predict(model, X_train, y_train, X_test)
        print(f"{name:14s} {accuracy_score(y_test, proba >= 0.5):8.3f} {roc_auc_score(y_test, proba):8.3f} "
              f"{fit_s:7.1f} {predict_s:9.1f}  {MODELS[name].description}")


if __name__ == "__main__":
    main()
