"""An RNN from scratch in NumPy, next to the fitted Keras model.

Fits a small SimpleRNN and an LSTM with skrnn, then runs their weights
through the plain NumPy recurrences of ``skrnn.reference`` (h_t = tanh(x_t W +
h_{t-1} U + b) and the gated LSTM cell) and shows that both give the same
probabilities.

    python examples/rnn_from_scratch.py
"""

import numpy as np
from _common import imdb, parser
from sklearn.pipeline import make_pipeline

from skrnn import LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer, reference


def main():
    args = parser(__doc__).parse_args()
    X_train, y_train, X_test, y_test = imdb(args, n_quick=400)
    prep = make_pipeline(TextVectorizer(max_features=5000), SequencePadder(maxlen=100))
    train_ids = prep.fit_transform(X_train)
    test_ids = prep.transform(X_test)[:50]

    for cls in (SimpleRNNClassifier, LSTMClassifier):
        clf = cls(embedding_dim=16, units=8, epochs=2, random_state=0).fit(train_ids, y_train)
        W, U, b = clf.model_.get_layer(f"{clf.cell_type}_0").get_weights()
        print(f"{cls.__name__}: W {W.shape}, U {U.shape}, b {b.shape}")
        keras_proba = clf.predict_proba(test_ids)
        numpy_proba = reference.predict_proba(clf, test_ids)
        print(f"  largest difference between Keras and NumPy: {np.abs(keras_proba - numpy_proba).max():.2e}")

    # One step of the SimpleRNN, by hand:
    x_t = np.array([[1.0, 0.0]])
    W, U, b = np.array([[0.5, -0.5], [0.1, 0.2]]), np.eye(2) * 0.9, np.zeros(2)
    h_prev = np.array([[0.2, -0.1]])
    print("h_t = tanh(x_t W + h_prev U + b) =", np.tanh(x_t @ W + h_prev @ U + b).round(4))


if __name__ == "__main__":
    main()
