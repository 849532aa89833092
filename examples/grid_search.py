"""Grid search over a whole text pipeline.

GridSearchCV tunes the vocabulary size, the padded length and the LSTM's
width together, with stratified cross-validation (the classifiers are real
scikit-learn classifiers) and ROC AUC scoring.

    python examples/grid_search.py          # quick: a small sample and grid
    python examples/grid_search.py --full
"""

from _common import imdb, parser
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skrnn import LSTMClassifier, SequencePadder, TextVectorizer


def main():
    args = parser(__doc__).parse_args()
    X_train, y_train, X_test, y_test = imdb(args, n_quick=400)
    pipeline = make_pipeline(TextVectorizer(), SequencePadder(), LSTMClassifier(epochs=2, random_state=0))
    if args.full:
        grid = {"textvectorizer__max_features": [10000, 20000], "sequencepadder__maxlen": [200, 500],
                "lstmclassifier__units": [32, 64]}
    else:
        grid = {"textvectorizer__max_features": [2000], "sequencepadder__maxlen": [100, 200],
                "lstmclassifier__units": [16]}
    search = GridSearchCV(pipeline, grid, cv=3 if args.full else 2, scoring="roc_auc", n_jobs=1)
    search.fit(X_train, y_train)
    for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
        print(f"{score:.3f}  {params}")
    print("best:", search.best_params_)
    print(f"test ROC AUC of the refitted best pipeline: {search.score(X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
