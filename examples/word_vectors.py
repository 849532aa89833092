"""Start an LSTM from word vectors trained on your own texts.

1. Train word2vec (gensim, the ``embeddings`` extra) on the training texts
   only; the labels are not used, so nothing of the test set leaks in.
2. Fix the vocabulary with a ``TextVectorizer`` fitted on the same texts and
   build the embedding matrix (``skrnn.embeddings.embedding_matrix``).
3. A grid search compares a randomly initialised embedding with the vectors,
   kept fixed or fine-tuned.

Published vectors work the same way: ``load_word_vectors("glove.6B.100d.txt",
vocabulary=vectorizer)`` in place of step 1 (this example saves its own
vectors in word2vec's format and reads them back with it).

    pip install ".[embeddings]"    # in the skrnn checkout
    python examples/word_vectors.py          # quick: 1,000 training reviews, 200 steps
    python examples/word_vectors.py --full   # 25,000
"""

from _common import imdb, out_dir, parser
from gensim.models import Word2Vec
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
from skrnn.embeddings import embedding_matrix, load_word_vectors


def main():
    args = parser(__doc__).parse_args()
    X_train, y_train, X_test, y_test = imdb(args, n_quick=1000)

    # 1. Word vectors from the training texts, tokenized as the pipeline tokenizes.
    analyze = TextVectorizer().build_analyzer()
    word2vec = Word2Vec([analyze(t) for t in X_train], vector_size=50, min_count=2, workers=1, seed=0)
    path = out_dir(args) / "word2vec.txt"
    word2vec.wv.save_word2vec_format(str(path))

    # 2. A fixed vocabulary and its matrix.
    vectorizer = TextVectorizer(max_features=10000).fit(X_train)
    vectors = load_word_vectors(path, vocabulary=vectorizer)
    matrix, coverage = embedding_matrix(vectorizer, vectors, random_state=0, return_coverage=True)
    print(coverage)

    # 3. Random against vectors (fixed, and in the full run fine-tuned too), in one grid search.
    pipeline = make_pipeline(
        TextVectorizer(vocabulary=vectorizer.vocabulary_),
        SequencePadder(maxlen=500 if args.full else 200),
        # The full run trains each network until its validation loss stops improving; the quick one 3 epochs.
        LSTMClassifier(pooling="mean", learning_rate=0.003, epochs="auto" if args.full else 3, random_state=0),
    )
    grid = [
        {"lstmclassifier__embeddings": [None], "lstmclassifier__trainable_embeddings": [True]},
        {"lstmclassifier__embeddings": [matrix],
         "lstmclassifier__trainable_embeddings": [False, True] if args.full else [False]},
    ]
    search = GridSearchCV(pipeline, grid, cv=2, n_jobs=1).fit(X_train, y_train)
    for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
        start = "random" if params["lstmclassifier__embeddings"] is None else "word2vec"
        print(f"{start:8s} trainable={params['lstmclassifier__trainable_embeddings']!s:5s}  "
              f"cross-validated accuracy {score:.3f}")
    print(f"test accuracy of the best: {search.score(X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
