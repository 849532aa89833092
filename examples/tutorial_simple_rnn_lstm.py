"""The classic tutorial's flow, with skrnn.

Load IMDB, turn the reviews into integer sequences (TextVectorizer), pad them
to a fixed length (SequencePadder), train a SimpleRNN and then an LSTM, and
plot the training and validation curves from ``history_``, as the Keras
tutorial does by hand.

    python examples/tutorial_simple_rnn_lstm.py           # quick: a small sample
    python examples/tutorial_simple_rnn_lstm.py --full    # all 25,000 reviews
"""

from _common import imdb, out_dir, parser

from skrnn import LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer
from skrnn.compare import plot_history


def main():
    args = parser(__doc__).parse_args()
    X_train, y_train, X_test, y_test = imdb(args)
    out = out_dir(args)

    vectorizer = TextVectorizer(max_features=10000)          # the 10,000 most frequent words
    padder = SequencePadder(maxlen=500 if args.full else 200)
    train_ids = padder.fit_transform(vectorizer.fit_transform(X_train))
    test_ids = padder.transform(vectorizer.transform(X_test))
    print("training matrix:", train_ids.shape, "vocabulary size:", vectorizer.vocabulary_size_)

    epochs = 4 if args.full else 2
    for name, cls in (("SimpleRNN", SimpleRNNClassifier), ("LSTM", LSTMClassifier)):
        clf = cls(epochs=epochs, validation_split=0.2, random_state=0, verbose=0)
        clf.fit(train_ids, y_train)
        print(f"{name}: test accuracy {clf.score(test_ids, y_test):.3f}, "
              f"{clf.count_params():,} trainable parameters")
        plot_history(clf.history_, out / f"curves_{name.lower()}.png", title=name)
    print(f"curves written to {out}/")


if __name__ == "__main__":
    main()
