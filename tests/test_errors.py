"""The bad-input table: every bad input gets the documented exception and message.

docs/errors.md lists the same cases for users; a test below keeps the two in step.
"""

from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skrnn import (
    GRUClassifier,
    LSTMClassifier,
    LSTMRegressor,
    SequencePadder,
    SimpleRNNClassifier,
    TextVectorizer,
)
from skrnn.datasets import load_imdb
from skrnn.embeddings import load_word_vectors

from .helpers import REPO, SMALLEST, TEXTS

X_OK = np.array([[0, 2, 3], [4, 5, 6], [0, 0, 7], [2, 2, 2]])
Y_OK = np.array([0, 1, 0, 1])


def fit_vectorizer(docs):
    return lambda: TextVectorizer().fit(docs)


def transform_fitted(docs):
    return lambda: TextVectorizer().fit(TEXTS).transform(docs)


def pad(X, **params):
    return lambda: SequencePadder(**params).fit_transform(X)


def fit_rnn(X, y, cls=LSTMClassifier, **params):
    return lambda: cls(**{**SMALLEST, **params}).fit(X, y)


def load_vectors(content, **params):
    def call():
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "vectors.txt"
            path.write_bytes(content)
            load_word_vectors(path, **params)

    return call


def load_gzip_vectors(cut):
    """A gzip vectors file cut after ``cut`` of its bytes (a fraction)."""
    import gzip

    body = gzip.compress(b"3 2\nthe 0.1 0.2\ncat 0.3 0.4\ndog 0.5 0.6\n")
    return load_vectors(body[: int(len(body) * cut)])


def load_file(name, content):
    """Load a labelled-text file of ``content`` (str or bytes) named ``name``."""
    def call():
        import tempfile

        from skrnn.datasets import load_text_dataset

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(content.encode() if isinstance(content, str) else content)
            load_text_dataset(path)

    return call


def load_folder(layout):
    """Load a folder per class made from ``layout``: {relative path: text}."""
    def call():
        import tempfile

        from skrnn.datasets import load_text_dataset

        with tempfile.TemporaryDirectory() as folder:
            for name, text in layout.items():
                path = Path(folder) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            load_text_dataset(folder)

    return call


def explain_tiny(texts):
    def call():
        from sklearn.pipeline import make_pipeline

        from skrnn.inspection import explain

        model = make_pipeline(TextVectorizer(), SequencePadder(maxlen=6), LSTMClassifier(**SMALLEST))
        explain(model.fit(TEXTS, ["a", "b"] * (len(TEXTS) // 2)), texts)

    return call


def fit_with_embeddings(embeddings, **params):
    return fit_rnn(X_OK, Y_OK, embeddings=embeddings, **params)


def predict_unfitted():
    return LSTMClassifier().predict(X_OK)


# (case id, call, exception type, message pattern)
CASES = [
    # documents
    ("document-none", fit_vectorizer(["ok", None]), ValueError, r"Document 1 .* NoneType"),
    ("document-nan", fit_vectorizer(["ok", float("nan")]), ValueError, r"Document 1 .* NaN"),
    ("document-number", fit_vectorizer([3, "ok"]), ValueError, r"Document 0 .* int"),
    ("document-bad-bytes", fit_vectorizer([b"\xff\xfe"]), ValueError, r"not valid UTF-8"),
    ("document-nested-list", fit_vectorizer([["a", "b"]]), ValueError, r"Document 0 .* list"),
    ("documents-single-string", fit_vectorizer("one review"), ValueError, r"single str.*\[text\]"),
    ("documents-none", fit_vectorizer(None), ValueError, r"got None"),
    ("documents-empty", fit_vectorizer([]), ValueError, r"empty"),
    ("documents-2d-array", fit_vectorizer(np.array([["a", "b"]])), ValueError, r"one-dimensional"),
    ("ngram-range-reversed", lambda: TextVectorizer(ngram_range=(2, 1)).fit(["a b"]), ValueError,
     r"ngram_range must be a tuple \(min_n, max_n\).*got \(2, 1\)"),
    ("transform-before-fit", lambda: TextVectorizer().transform(["a"]), NotFittedError, r"not fitted"),
    ("vocabulary-repeated-token", lambda: TextVectorizer(vocabulary=["a", "b", "a"]).fit(["a"]), ValueError,
     r"vocabulary lists the token 'a' twice"),
    ("vocabulary-reserved-id", lambda: TextVectorizer(vocabulary={"a": 1}).fit(["a"]), ValueError,
     r"ids 0 and 1 are reserved for padding and unknown tokens; number the tokens from 2"),
    ("vocabulary-gap", lambda: TextVectorizer(vocabulary={"a": 2, "b": 5}).fit(["a"]), ValueError,
     r"must use the ids 2 to 3 with no gap, but id 3 is missing"),
    ("vocabulary-set", lambda: TextVectorizer(vocabulary={"a", "b"}).fit(["a"]), ValueError,
     r"vocabulary is a set, which has no order"),
    ("max-df-below-min-df", lambda: TextVectorizer(min_df=2, max_df=0.1).fit(["a", "b"]), ValueError,
     r"max_df=0.1 keeps tokens in at most 0.2 of the 2 documents.*lower min_df or raise max_df"),
    ("analyzer-unknown", lambda: TextVectorizer(analyzer="chars").fit(["a"]), ValueError, r"'analyzer' parameter"),
    ("transform-bad-document", transform_fitted(["ok", 1.5]), ValueError, r"Document 1 .* float"),
    # sequences
    ("sequence-negative", pad([[1, -1]]), ValueError, r"Negative values.*sequence 0, position 1"),
    ("sequence-float", pad([[1, 2.5]]), ValueError, r"non-integral value 2.5"),
    ("sequence-nan", pad([[1, float("nan")]]), ValueError, r"NaN"),
    ("sequence-huge-id", pad([[2**40]]), ValueError, r"does not fit in dtype int32"),
    ("sequence-ragged-3d", pad([[[1, 2]], [[3]]]), ValueError, r"Sequence 0 .* 2 dimensions"),
    ("sequence-3d-array", pad(np.zeros((2, 2, 2), dtype=int)), ValueError, r"3-D array"),
    ("sequence-strings", pad([["a"]]), ValueError, r"integer token ids"),
    ("sequence-text", pad(["a review"]), ValueError, r"not a sequence of token ids"),
    ("sequences-empty", pad([]), ValueError, r"empty"),
    # padder parameters
    ("maxlen-negative", pad([[1]], maxlen=-1), ValueError, r"maxlen"),
    ("maxlen-zero", pad([[1]], maxlen=0), ValueError, r"maxlen"),
    ("padding-unknown", pad([[1]], padding="middle"), ValueError, r"padding"),
    ("truncating-unknown", pad([[1]], truncating="both"), ValueError, r"truncating"),
    # classifier inputs
    ("predict-before-fit", predict_unfitted, NotFittedError, r"not fitted"),
    ("X-negative-ids", fit_rnn(X_OK - 3, Y_OK), ValueError, r"Negative values in data"),
    ("X-fractional", fit_rnn(X_OK + 0.5, Y_OK), ValueError, r"non-integral"),
    ("X-nan", fit_rnn(np.where(X_OK == 7, np.nan, X_OK), Y_OK), ValueError, r"NaN"),
    ("X-3d", fit_rnn(np.zeros((4, 2, 2)), Y_OK), ValueError, r"dim 3"),
    ("X-empty", fit_rnn(np.zeros((0, 3)), []), ValueError, r"0 sample"),
    ("X-ragged", fit_rnn([[1, 2], [3]], [0, 1]), ValueError, r"ragged.*SequencePadder"),
    ("X-raw-text", fit_rnn(np.array([["a review"]] * 4), Y_OK), ValueError,
     r"LSTMClassifier input X must hold integer token ids.*did you forget to apply TextVectorizer"),
    ("X-object-not-numbers", fit_rnn(np.array([[1, {"a": 1}], [2, 3]], dtype=object), [0, 1]), TypeError,
     r"LSTMClassifier input X holds values that are not numbers.*token ids must be non-negative integers"),
    ("X-sparse", fit_rnn(__import__("scipy.sparse").sparse.csr_matrix(X_OK), Y_OK), TypeError, r"(?i)sparse"),
    ("y-nan", fit_rnn(X_OK, [0, 1, np.nan, 1]), ValueError, r"y contains NaN"),
    ("y-one-class", fit_rnn(X_OK, [1, 1, 1, 1]), ValueError, r"class"),
    ("y-continuous", fit_rnn(X_OK, [0.1, 0.2, 0.3, 0.4]), ValueError, r"Unknown label type"),
    ("y-length-mismatch", fit_rnn(X_OK, [0, 1, 0]), ValueError, r"inconsistent numbers of samples"),
    # classifier parameters
    ("units-zero", fit_rnn(X_OK, Y_OK, units=0), ValueError, r"'units' parameter"),
    ("pooling-unknown", fit_rnn(X_OK, Y_OK, GRUClassifier, pooling="median"), ValueError, r"'pooling'"),
    ("dropout-out-of-range", fit_rnn(X_OK, Y_OK, SimpleRNNClassifier, dropout=1.5), ValueError, r"'dropout'"),
    ("learning-rate-decay-zero", fit_rnn(X_OK, Y_OK, learning_rate_decay=0.0), ValueError, r"'learning_rate_decay'"),
    ("learning-rate-decay-above-one", fit_rnn(X_OK, Y_OK, learning_rate_decay=1.5), ValueError,
     r"'learning_rate_decay'"),
    ("learning-rate-decay-unknown", fit_rnn(X_OK, Y_OK, learning_rate_decay="cosine"), ValueError,
     r"'learning_rate_decay'"),
    ("validation-split-too-small", fit_rnn(X_OK, Y_OK, validation_split=0.1), ValueError,
     r"validation_split=0.1 holds out 1 of 4 samples.*class counts: \{0: 2, 1: 2\}"),
    ("auto-epochs-too-few-rows", lambda: LSTMClassifier(**{**SMALLEST, "epochs": "auto"}).fit(X_OK, Y_OK),
     ValueError, r"validation_split \(the hold-out of epochs='auto'\)=0.1 holds out 1 of 4 samples.*set epochs to a "
     r"number \(e.g. epochs=20\) to train that many epochs on every row without a hold-out"),
    ("validation-split-singleton-class", fit_rnn(np.tile(X_OK, (3, 1))[:9], [0, 1] * 4 + [2], validation_split=0.4),
     ValueError, r"class 2 has 1 \(class counts"),
    ("validation-data-and-split", lambda: LSTMClassifier(**SMALLEST, validation_split=0.5).fit(
        X_OK, Y_OK, validation_data=(X_OK, Y_OK)), ValueError,
     r"validation_data and validation_split=0.5 were both given"),
    ("validation-data-unseen-label", lambda: LSTMClassifier(**SMALLEST).fit(
        X_OK, Y_OK, validation_data=(X_OK, [0, 1, 2, 1])), ValueError, r"validation_data holds labels.*\[2\]"),
    ("validation-data-not-a-pair", lambda: LSTMClassifier(**SMALLEST).fit(X_OK, Y_OK, validation_data=X_OK), ValueError,
     r"validation_data must be a tuple \(X_val, y_val\)"),
    ("unknown-parameter", lambda: LSTMClassifier(unit=64), TypeError,
     r"unexpected parameter 'unit'; did you mean 'units'\?"),
    ("unknown-routed-parameter", lambda: LSTMClassifier(fit__batchsize=64), TypeError,
     r"did you mean 'fit__batch_size'\?"),
    ("model-routed-parameter", lambda: LSTMClassifier(model__units=8), TypeError, r"model__\* would be ignored"),
    ("set-params-unknown", lambda: LSTMClassifier().set_params(unit=64), ValueError, r"did you mean 'units'\?"),
    # transformers' output
    ("set-output-unknown", lambda: TextVectorizer().set_output(transform="arrow"), ValueError,
     r"transform must be 'default', 'pandas', 'polars' or None, got 'arrow'"),
    ("sequences-sparse", pad(__import__("scipy.sparse").sparse.csr_matrix(X_OK)), TypeError,
     r"Sparse data is not supported.*X.toarray\(\)"),
    ("sequences-all-empty", pad([[], []]), ValueError, r"Every one of the 2 sequences.*is empty.*pass maxlen"),
    ("sequences-zero-width", lambda: SequencePadder(maxlen=5).fit(np.zeros((3, 0), dtype=int)), ValueError,
     r"Every one of the 3 sequences.*is empty \(a 2-D array of 0 feature\(s\).*nothing to fit; pass sequences"),
    ("sequences-1d-array", pad(np.array([3, 4, 5])), ValueError, r"1-D array of shape \(3,\)\. Reshape your data"),
    ("sequence-object-not-numbers", pad([[1, {"a": 1}]]), TypeError,
     r"Sequence 0 .* holds a value that is not a number"),
    # word vectors
    ("vectors-empty-file", load_vectors(b""), ValueError, r"is empty: a vectors file needs at least one row"),
    ("vectors-row-width", load_vectors(b"good 1 2\nbad 3\n"), ValueError,
     r"row 2: 1 values, but the vectors have 2 dimensions"),
    ("vectors-header-rows", load_vectors(b"3 2\ngood 1 2\nbad 3 4\n"), ValueError,
     r"the header says 3 rows of 2 values, but the file has 2 rows"),
    ("vectors-header-width", load_vectors(b"2 3\ngood 1 2\nbad 3 4\n"), ValueError,
     r"row 2: 2 values, but the vectors have 3 dimensions"),
    ("vectors-not-a-number", load_vectors(b"2 2\ngood 1 2\nbad 3 x\n"), ValueError,
     r"row 3: the value 'x' is not a number"),
    ("vectors-no-header", load_vectors(b"good 1 2\n", format="word2vec"), ValueError,
     r"a word2vec file starts with a header 'n_words dim'.*format='glove'"),
    ("vectors-bad-encoding", load_vectors(b"good 1 2\ncaf\xe9 3 4\n", unicode_errors="strict"), ValueError,
     r"row 2: the word b'caf\\xe9' is not valid utf-8.*unicode_errors='replace'"),
    ("embeddings-vocabulary-mismatch", fit_with_embeddings(np.zeros((5, 3))), ValueError,
     r"holds the token id 7, but embeddings has 5 rows \(ids 0 to 4\): the matrix was built for another vocabulary"),
    ("embeddings-vocabulary-size", fit_with_embeddings(np.zeros((8, 3)), vocabulary_size=10), ValueError,
     r"vocabulary_size=10 and embeddings with 8 rows; they must agree"),
    ("embeddings-not-2d", fit_with_embeddings(np.zeros(8)), ValueError,
     r"embeddings must be a 2-D array of shape \(vocabulary size, dim\)"),
    ("trainable-embeddings-negative", fit_with_embeddings(None, trainable_embeddings=-1), ValueError,
     r"'trainable_embeddings' parameter"),
    ("y-none", fit_rnn(X_OK, None), ValueError, r"LSTMClassifier requires y to be passed, but the target y is None"),
    # multilabel classification
    ("y-2d-not-indicator", fit_rnn(X_OK, [[0, 1], [2, 0], [1, 1], [0, 0]]), ValueError,
     r"read a 2-D y of shape \(4, 2\) as a label indicator matrix .* values other than 0 and 1 \(0, 1, 2\)\. "
     r"Pass class labels as a 1-D y, or binarize label sets with sklearn.preprocessing.MultiLabelBinarizer"),
    ("y-multilabel-then-labels", lambda: LSTMClassifier(**SMALLEST).fit(X_OK, [[0, 1], [1, 0], [1, 1], [0, 1]]).score(
        X_OK, Y_OK), ValueError, r"was fitted on a label indicator matrix of 2 labels, but y has shape \(4,\)"),
    # regressors
    ("regressor-y-not-numeric", fit_rnn(X_OK, np.array(["a", "b", "c", "d"], dtype=object), LSTMRegressor),
     ValueError, r"LSTMRegressor needs numeric targets, but y holds 'a' \(dtype object\)"),
    ("regressor-y-nan", fit_rnn(X_OK, [1.0, np.nan, 3.0, 4.0], LSTMRegressor), ValueError,
     r"target y holds NaN or infinite values in 1 row\(s\) \(1\); regression targets must be finite numbers"),
    ("regressor-validation-split-too-large", fit_rnn(X_OK[:1], [1.0], LSTMRegressor, validation_split=0.5),
     ValueError, r"validation_split=0.5 holds out 1 of 1 samples for validation and leaves none to train on"),
    # the loader
    ("imdb-subset-unknown", lambda: load_imdb("dev"), ValueError, r"subset"),
    ("imdb-missing-offline", lambda: load_imdb(data_home="/nonexistent/skrnn", download_if_missing=False),
     OSError, r"SKRNN_DATA_HOME"),
    # messy labels and files
    ("y-missing-label", fit_rnn(X_OK, np.array(["a", None, "b", "a"], dtype=object)), ValueError,
     r"got 1 missing label\(s\) \(None or NaN\) in y, at rows 1; drop those rows"),
    ("y-text-and-numbers", fit_rnn(X_OK, np.array(["a", 0, "b", "a"], dtype=object)), ValueError,
     r"labels that mix text and other values in y \(e.g. 'a' and 0\)"),
    ("validation-split-text-label-of-one", fit_rnn(X_OK, np.array(["a", "a", "a", "b"], dtype=object),
                                                   validation_split=0.5), ValueError,
     r"needs at least 2 samples of every class .* but class 'b' has 1"),
    ("partial-fit-new-class", lambda: LSTMClassifier(**SMALLEST).partial_fit(X_OK, Y_OK).partial_fit(
        X_OK, [0, 2, 0, 1]), ValueError,
     r"y holds class\(es\) 2 that LSTMClassifier has not seen; its classes are \[0, 1\].*classes=\[...\]"),
    ("vocabulary-empty-after-pruning", lambda: TextVectorizer(min_df=2).fit(["a b", "c d"]), ValueError,
     r"found no token to keep in the 2 documents: 4 distinct token\(s\), none in at least min_df=2"),
    ("vectors-truncated-gzip", load_gzip_vectors(0.6), ValueError,
     r"vectors.txt is not a readable gzip file \(EOFError: .*download it again"),
    ("vectors-nan", load_vectors(b"2 2\nthe 0.1 nan\ncat 0.3 inf\n"), ValueError,
     r"the vectors of 2 word\(s\) hold NaN or infinite values \('the', 'cat'\)"),
    ("file-empty", load_file("d.csv", ""), ValueError, r"d.csv is empty: it needs a header row"),
    ("file-ragged-csv", load_file("d.csv", "text,label\na,x\nb,y,z\n"), ValueError,
     r"d.csv is not a well-formed CSV file: Expected 2 fields in line 3, saw 3"),
    ("file-bad-json-line", load_file("d.jsonl", '{"text": "a", "label": 1}\n{"text": "b" "label": 0}\n'),
     ValueError, r"d.jsonl, line 2: not valid JSON \(Expecting ',' delimiter, column 14\)"),
    ("file-json-not-an-object", load_file("d.jsonl", '["a", 1]\n'), ValueError,
     r"d.jsonl, line 1: a JSON Lines row must be an object"),
    ("file-labels-numbers-and-text", load_file(
        "d.jsonl", "".join(f'{{"text": "t{i}", "label": {v}}}\n' for i, v in enumerate([0, 1, '"unknown"']))),
     ValueError, r"the labels mix numbers \(0, 1\) and text \('unknown'\)"),
    ("file-label-written-missing", load_file("d.csv", "text,label\na,x\nb,NaN\nc,null\nd,y\n"), ValueError,
     r"2 row\(s\) have no label \(rows 1, 2, .*NA, N/A, NaN, null, None count as none\)"),
    ("folder-empty-file", load_folder({"pos/1.txt": "good", "pos/2.txt": " ", "neg/1.txt": "bad"}), ValueError,
     r"1 text\(s\) are empty, whitespace only or missing \(files .*2.txt\)"),
    ("explain-a-bare-string", explain_tiny("great movie"), ValueError,
     r"explain expects a list of texts, got a single string; wrap it in a list"),
    ("explain-no-texts", explain_tiny([]), ValueError, r"explain got no texts"),
]


@pytest.mark.parametrize("case_id, call, exc, match", CASES, ids=[c[0] for c in CASES])
def test_bad_input(case_id, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# Inputs that train but are worth a warning: (case id, call, warning type, message pattern).
WARNING_CASES = [
    ("y-constant-label-column", fit_rnn(X_OK, [[0, 1], [1, 1], [1, 1], [0, 1]]), UserWarning,
     r"label column\(s\) 1 \(in every sample\) are constant in the training data"),
    ("file-near-duplicate-labels", load_file("d.csv", "text,label\na,pos\nb,pos \nc,1\nd,1.0\n"), UserWarning,
     r"the labels '1' and '1.0'; 'pos' and 'pos ' differ only in spacing, case or number format"),
    ("folder-report-inside", load_folder({"pos/1.txt": "good", "neg/1.txt": "bad", "skrnn-report/report.md": "#",
                                          "skrnn-report/results.json": "{}"}), UserWarning,
     r"left out skrnn-report: a skrnn compare report, not a class"),
    ("folder-nested-folders", load_folder({"pos/1.txt": "good", "neg/1.txt": "bad", "neg/more/2.txt": "awful"}),
     UserWarning, r"left out 1 folder\(s\) inside the class folders \(.*more\); each class folder holds"),
]


@pytest.mark.parametrize("case_id, call, warning, match", WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_warned_input(case_id, call, warning, match):
    with pytest.warns(warning, match=match):
        call()


def test_failed_fit_leaves_nothing_half_fitted():
    est = LSTMClassifier(**SMALLEST)
    with pytest.raises(ValueError):
        est.fit(X_OK, [1, 1, 1, 1])
    assert not [k for k in vars(est) if k.endswith("_")]
    est.fit(X_OK, Y_OK)
    model, weights = est.model_, [w.numpy().copy() for w in est.model_.weights]
    proba = est.predict_proba(X_OK)
    with pytest.raises(ValueError):
        est.fit(X_OK - 3, Y_OK)
    assert est.model_ is model  # the earlier fit is kept whole: the same model, weights and predictions
    for before, after in zip(weights, est.model_.weights):
        np.testing.assert_array_equal(before, after.numpy())
    np.testing.assert_array_equal(est.predict_proba(X_OK), proba)


def test_docs_list_every_case():
    text = (REPO / "docs" / "errors.md").read_text()
    missing = [case_id for case_id, *_ in CASES + WARNING_CASES if f"`{case_id}`" not in text]
    assert not missing, f"docs/errors.md does not list: {missing}"


def test_fit_honours_skip_parameter_validation(monkeypatch):
    # fit validates the parameters once, through scikit-learn's fit context,
    # so sklearn.config_context(skip_parameter_validation=True) skips it.
    import sklearn

    from skrnn import LSTMClassifier, SequencePadder, TextVectorizer

    calls = []
    for cls in (LSTMClassifier, SequencePadder, TextVectorizer):
        validate = cls._validate_params
        monkeypatch.setattr(cls, "_validate_params", lambda self, validate=validate: calls.append(1) or validate(self))
    SequencePadder(maxlen=3).fit([[1, 2]])
    TextVectorizer().fit_transform(["a b"])
    assert len(calls) == 2
    with sklearn.config_context(skip_parameter_validation=True):
        SequencePadder(maxlen=3).fit([[1, 2]])
        TextVectorizer().fit(["a b"])
    assert len(calls) == 2
    with pytest.raises(ValueError, match="The 'maxlen' parameter of SequencePadder must be"):
        SequencePadder(maxlen=0).fit([[1, 2]])
    X = np.array([[0, 2, 3], [4, 5, 6]] * 4)
    LSTMClassifier(units=2, epochs=1, run_eagerly=True).fit(X, [0, 1] * 4)
    assert len(calls) == 4
