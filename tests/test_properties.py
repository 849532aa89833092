"""Property-based tests over arbitrary text and sequences (hypothesis)."""

import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skrnn import SequencePadder, TextVectorizer

keras = pytest.importorskip("keras")

# Any unicode: emoji, combining marks, right-to-left scripts, control characters.
any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
curated = st.sampled_from(["", " ", "\x00\x07\x1b", "héllo wörld", "e\u0301te\u0301", "😀 good 👍🏽",
                           "مرحبا بالعالم", "שלום עולם", "中文 文本", "<br /><br />", "a" * 20000,
                           "word " * 5000, "\u200f\u202e rtl", "tab\tnew\nline"])
documents = st.lists(st.one_of(any_text, curated), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(train=documents, test=documents, oov=st.sampled_from(["index", "drop"]),
       max_features=st.one_of(st.none(), st.integers(1, 20)),
       ngram_range=st.sampled_from([(1, 1), (1, 2), (2, 3)]))
def test_vectorizer_never_fails_and_round_trips(train, test, oov, max_features, ngram_range):
    vec = TextVectorizer(oov=oov, max_features=max_features, ngram_range=ngram_range)
    if not any(vec.build_analyzer()(doc) for doc in train):
        # No token in any training document: an empty vocabulary, refused as CountVectorizer refuses it.
        with pytest.raises(ValueError, match="TextVectorizer found no token to keep"):
            vec.fit(train)
        return
    vec.fit(train)
    seqs = vec.transform(test)
    assert len(seqs) == len(test)
    analyze = vec.build_analyzer()
    for doc, seq in zip(test, seqs):
        assert seq.dtype == np.int32 and (seq >= 1).all() and (seq < vec.vocabulary_size_).all()
        known = [t for t in analyze(doc) if t in vec.vocabulary_]
        assert vec.inverse_transform([seq])[0] == known  # the in-vocabulary tokens, in order
        # Unknown words are kept as id 1 with oov="index"; unknown n-grams are always left out.
        unknown_words = [t for t in analyze(doc) if " " not in t and t not in vec.vocabulary_]
        if oov == "drop" or ngram_range[0] > 1:
            assert len(seq) == len(known)
        else:
            assert len(seq) == len(known) + len(unknown_words)
    padded = SequencePadder(maxlen=7).fit_transform(seqs)
    assert padded.shape == (len(test), 7) and padded.dtype == np.int32
    np.testing.assert_array_equal(padded, keras.utils.pad_sequences(seqs, maxlen=7))


@settings(max_examples=100, deadline=None)
@given(seqs=st.lists(st.lists(st.integers(0, 10**6), max_size=30), min_size=1, max_size=10),
       maxlen=st.integers(1, 40), padding=st.sampled_from(["pre", "post"]),
       truncating=st.sampled_from(["pre", "post"]))
def test_padder_shape_dtype_and_keras_equality(seqs, maxlen, padding, truncating):
    out = SequencePadder(maxlen=maxlen, padding=padding, truncating=truncating).fit_transform(seqs)
    assert out.shape == (len(seqs), maxlen) and out.dtype == np.int32
    np.testing.assert_array_equal(
        out, keras.utils.pad_sequences(seqs, maxlen=maxlen, padding=padding, truncating=truncating))


def test_one_pipeline_from_four_threads_gives_single_thread_predictions():
    from sklearn.pipeline import make_pipeline

    from skrnn import LSTMClassifier

    from .helpers import LABELS, TEXTS

    pipe = make_pipeline(TextVectorizer(), SequencePadder(maxlen=12),
                         LSTMClassifier(units=8, epochs=2, random_state=0)).fit(TEXTS, LABELS)
    docs = [TEXTS[i % len(TEXTS)] + " extra" * (i % 5) for i in range(200)]
    expected = pipe.predict_proba(docs)
    results, errors = [None] * 4, []

    def work(i):
        try:
            results[i] = [pipe.predict_proba(docs) for _ in range(5)]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for per_thread in results:
        for proba in per_thread:
            np.testing.assert_array_equal(proba, expected)
