import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.utils import get_tags

from skrnn import SequencePadder, TextVectorizer

from .helpers import TEXTS


def test_vocabulary_by_frequency_then_alphabet():
    vec = TextVectorizer().fit(["b a c a", "c a d"])
    # a:3, c:2, then b and d tie at 1 -> alphabetical
    assert vec.vocabulary_ == {"a": 2, "c": 3, "b": 4, "d": 5}
    assert vec.vocabulary_size_ == 6
    assert vec.document_count_ == 2


def test_reserved_ids_and_oov():
    vec = TextVectorizer().fit(["good film"])
    seqs = vec.transform(["good bad film", ""])
    assert seqs[0].tolist() == [3, 1, 2]  # film < good: ties go alphabetically
    assert seqs[1].tolist() == []
    assert seqs[0].dtype == np.int32
    dropped = TextVectorizer(oov="drop").fit(["good film"]).transform(["bad good bad film bad", "bad"])
    assert [s.tolist() for s in dropped] == [[3, 2], []]


def test_max_features_and_min_df():
    docs = ["a a a b b c", "a b d", "a e"]
    assert list(TextVectorizer(max_features=2).fit(docs).vocabulary_) == ["a", "b"]
    vec = TextVectorizer(min_df=2).fit(docs)
    assert vec.vocabulary_ == {"a": 2, "b": 3}
    assert vec.transform(["c a"])[0].tolist() == [1, 2]


@pytest.mark.parametrize("max_features", [None, 1, 7, 8, 9, 30, 1000])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_ranking_equals_a_plain_sort_over_every_token(max_features, ngram_range):
    # Many ties at every count, so the cut at max_features falls inside a tie.
    rng = np.random.default_rng(0)
    docs = [" ".join(rng.choice(list("abcdefghij"), size=rng.integers(0, 12))) for _ in range(40)]
    vec = TextVectorizer(max_features=max_features, ngram_range=ngram_range).fit(docs)
    analyze = vec.build_analyzer()
    counts = {}
    for doc in docs:
        for token in analyze(doc):
            counts[token] = counts.get(token, 0) + 1
    expected = [token for _, token in sorted((-c, token) for token, c in counts.items())][:max_features]
    assert list(vec.vocabulary_) == expected
    assert list(vec.vocabulary_.values()) == list(range(2, 2 + len(expected)))


def test_lowercase_html_and_token_pattern():
    vec = TextVectorizer().fit(["Don't STOP<br />me now, I"])
    assert set(vec.vocabulary_) == {"don't", "stop", "me", "now", "i"}
    assert "br" not in vec.vocabulary_
    keep = TextVectorizer(lowercase=False, strip_html=False).fit(["Hi <br />there"])
    assert set(keep.vocabulary_) == {"Hi", "br", "there"}
    digits = TextVectorizer(token_pattern=r"\d+").fit(["a 12 b 7"])
    assert set(digits.vocabulary_) == {"12", "7"}


def test_custom_tokenizer():
    vec = TextVectorizer(tokenizer=str.split).fit(["hello, world"])
    assert set(vec.vocabulary_) == {"hello,", "world"}
    with pytest.raises(ValueError, match="tokenizer must return a list of str"):
        TextVectorizer(tokenizer=lambda s: 3).fit(["x"])


def test_ngrams_follow_the_word_they_start_at():
    vec = TextVectorizer(ngram_range=(1, 2)).fit(["not good", "not bad", "good"])
    # words and bigrams ranked together: good, not (2 each), then the rest at 1, alphabetically
    assert vec.vocabulary_ == {"good": 2, "not": 3, "bad": 4, "not bad": 5, "not good": 6}
    # unknown words keep their OOV id, unknown bigrams ("good at", "at all") are left out
    assert vec.transform(["not good at all"])[0].tolist() == [3, 6, 2, 1, 1]
    assert vec.inverse_transform(vec.transform(["not bad"])) == [["not", "not bad", "bad"]]
    tri = TextVectorizer(ngram_range=(1, 3)).fit(["a b c d"])
    assert tri.build_analyzer()("a b c d") == ["a", "a b", "a b c", "b", "b c", "b c d", "c", "c d", "d"]
    only_bigrams = TextVectorizer(ngram_range=(2, 2)).fit(["a b c"])
    assert list(only_bigrams.vocabulary_) == ["a b", "b c"]
    assert only_bigrams.transform(["a b x", "a"])[0].tolist() == [2]
    assert only_bigrams.transform(["a"])[0].tolist() == []


@pytest.mark.parametrize("oov", ["index", "drop"])
@pytest.mark.parametrize("max_features, min_df", [(None, 1), (4, 1), (None, 2)])
def test_ngrams_match_count_vectorizer_and_fit_transform(oov, max_features, min_df):
    from sklearn.feature_extraction.text import CountVectorizer

    docs = TEXTS + ["not good not good at all", "not bad"]
    vec = TextVectorizer(ngram_range=(1, 2), oov=oov, max_features=max_features, min_df=min_df, strip_html=False)
    seqs = vec.fit_transform(docs)
    assert [s.tolist() for s in seqs] == [s.tolist() for s in vec.transform(docs)]
    # the same tokens as scikit-learn's bag of words (same pattern), here in text order
    bag = CountVectorizer(ngram_range=(1, 2), token_pattern=vec.token_pattern, min_df=min_df).fit(docs)
    if max_features is None:
        assert set(vec.vocabulary_) == set(bag.vocabulary_)
    analyze = vec.build_analyzer()
    for doc, seq in zip(docs, seqs):
        grams = analyze(doc)
        assert sorted(grams) == sorted(bag.build_analyzer()(doc))
        words = [g for g in grams if " " not in g]
        known = [g for g in grams if g in vec.vocabulary_]
        assert vec.inverse_transform([seq])[0] == known
        unknown_words = 0 if oov == "drop" else sum(w not in vec.vocabulary_ for w in words)
        assert len(seq) == len(known) + unknown_words


@pytest.mark.parametrize("bad", [(2, 1), (0, 2), (1,), [1, 2], (1.0, 2), (True, 2), "12"])
def test_ngram_range_is_checked(bad):
    with pytest.raises(ValueError, match="ngram_range"):
        TextVectorizer(ngram_range=bad).fit(["a b"])


def test_inverse_transform_round_trip():
    vec = TextVectorizer().fit(TEXTS)
    seqs = vec.transform(["a great film, i loved it"])
    assert vec.inverse_transform(seqs) == [["a", "great", "film", "i", "loved", "it"]]
    padded = SequencePadder(maxlen=8).fit_transform(seqs)
    assert vec.inverse_transform(padded) == [["a", "great", "film", "i", "loved", "it"]]
    # unknown words (id 1) cannot be named and are skipped
    assert vec.inverse_transform(vec.transform(["zzz great"])) == [["great"]]


@pytest.mark.parametrize("container", [list, tuple, np.array, pd.Series])
def test_accepts_containers(container):
    vec = TextVectorizer().fit(container(TEXTS))
    out = vec.transform(container(TEXTS[:3]))
    expected = TextVectorizer().fit(TEXTS).transform(TEXTS[:3])
    assert vec.vocabulary_ == TextVectorizer().fit(TEXTS).vocabulary_
    assert [s.tolist() for s in out] == [s.tolist() for s in expected]


def test_bytes_are_decoded():
    vec = TextVectorizer().fit([b"caf\xc3\xa9 ok"])
    assert "café" in vec.vocabulary_


def test_fit_transform_equals_fit_then_transform():
    a = TextVectorizer(max_features=20).fit_transform(TEXTS)
    b = TextVectorizer(max_features=20).fit(TEXTS).transform(TEXTS)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_estimator_basics():
    vec = TextVectorizer(max_features=5, oov="drop")
    assert vec.get_params()["max_features"] == 5
    assert clone(vec).get_params() == vec.get_params()
    assert vec.set_params(min_df=2) is vec and vec.min_df == 2
    assert vec.fit(TEXTS) is vec
    restored = pickle.loads(pickle.dumps(vec))
    assert restored.vocabulary_ == vec.vocabulary_
    with pytest.raises(NotFittedError):
        TextVectorizer().transform(["x"])
    tags = get_tags(vec)
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert list(vec.get_feature_names_out()) == sorted(vec.vocabulary_, key=vec.vocabulary_.get)


def test_pipeline_makes_the_keras_recipe_matrix():
    pipe = make_pipeline(TextVectorizer(max_features=10000), SequencePadder(maxlen=500))
    X = pipe.fit_transform(TEXTS)
    assert X.shape == (len(TEXTS), 500) and X.dtype == np.int32
    assert X.max() < pipe[0].vocabulary_size_
    assert (X[:, :490] == 0).all()  # short reviews are pre-padded


def test_import_does_not_load_tensorflow():
    code = (
        "import sys, skrnn; from skrnn import TextVectorizer, SequencePadder;"
        "from skrnn.datasets import load_imdb;"
        "TextVectorizer().fit_transform(['a b']);"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("params", [{}, {"ngram_range": (1, 2)}, {"oov": "drop"}, {"ngram_range": (1, 3), "min_df": 2}])
def test_transform_tokens_names_every_id(params):
    vec = TextVectorizer(**params).fit(TEXTS[:10])
    docs = ["A great film, never seen before!", "", "boring boring story<br />really"]
    ids, tokens = vec.transform(docs), vec.transform_tokens(docs)
    assert [len(t) for t in tokens] == [len(i) for i in ids]
    for row_ids, row_tokens in zip(ids, tokens):
        assert [vec.vocabulary_.get(t, 1) for t in row_tokens] == row_ids.tolist()


# -- on par with CountVectorizer ------------------------------------------------
PAR_DOCS = [
    "The quick brown fox  jumps over the lazy dog",
    "the lazy dog, the end. The END!",
    "A fox and a dog\tand a cat",
    "quick quick fox; don't stop",
    "",
]


@pytest.mark.parametrize("params", [
    dict(analyzer="char"),
    dict(analyzer="char", ngram_range=(1, 3)),
    dict(analyzer="char", ngram_range=(2, 4), lowercase=False),
    dict(analyzer="char_wb"),
    dict(analyzer="char_wb", ngram_range=(2, 4)),
    dict(analyzer="char_wb", ngram_range=(3, 6)),
    dict(stop_words="english"),
    dict(stop_words="english", ngram_range=(1, 2)),
    dict(stop_words=["the", "a", "and"], ngram_range=(2, 2)),
    dict(max_df=0.5),
    dict(max_df=2, min_df=0.25),
    dict(min_df=0.5, ngram_range=(1, 2)),
    dict(max_df=1),
    dict(preprocessor=str.upper),
    dict(preprocessor=lambda doc: doc.replace("fox", "wolf"), analyzer="char_wb", ngram_range=(2, 3)),
])
def test_token_sets_match_count_vectorizer(params):
    from sklearn.feature_extraction.text import CountVectorizer

    ours = TextVectorizer(strip_html=False, **params).fit(PAR_DOCS)
    pattern = {"token_pattern": ours.token_pattern} if params.get("analyzer", "word") == "word" else {}
    theirs = CountVectorizer(**pattern, **params).fit(PAR_DOCS)
    assert set(ours.vocabulary_) == set(theirs.vocabulary_)
    # Every known token of a document, counted, as CountVectorizer counts it.
    counts = theirs.transform(PAR_DOCS).toarray()
    names = theirs.get_feature_names_out()
    for doc, row in zip(PAR_DOCS, counts):
        expected = sorted(t for t, c in zip(names, row) for _ in range(c))
        assert sorted(t for t in ours.transform_tokens([doc])[0] if t in ours.vocabulary_) == expected


def test_character_ngrams_come_in_text_order():
    vec = TextVectorizer(analyzer="char", ngram_range=(1, 2)).fit(["abc"])
    assert vec.transform_tokens(["abc"]) == [["a", "ab", "b", "bc", "c"]]
    wb = TextVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit(["go fox"])
    assert wb.transform_tokens(["go fox"]) == [
        [" g", " go", "go", "go ", "o ", " f", " fo", "fo", "fox", "ox", "ox ", "x "]
    ]
    # Unknown character n-grams are left out, unknown characters are id 1.
    assert [s.tolist() for s in vec.transform(["abz"])] == [[vec.vocabulary_["a"], vec.vocabulary_["ab"],
                                                             vec.vocabulary_["b"], 1]]


def test_callable_analyzer_does_the_whole_analysis():
    vec = TextVectorizer(analyzer=lambda doc: doc.split("|"), ngram_range=(1, 3)).fit(["a|B|a"])
    assert vec.vocabulary_ == {"a": 2, "B": 3}
    with pytest.raises(ValueError, match="analyzer must return a list of str; for document 0 it returned str"):
        TextVectorizer(analyzer=lambda doc: doc).fit(["a b"])


def test_fixed_vocabulary_sets_the_ids():
    from sklearn.feature_extraction.text import CountVectorizer

    listed = TextVectorizer(vocabulary=["fox", "dog", "lazy dog"], ngram_range=(1, 2)).fit(["x"])
    assert listed.vocabulary_ == {"fox": 2, "dog": 3, "lazy dog": 4}
    theirs = CountVectorizer(vocabulary=["fox", "dog", "lazy dog"], ngram_range=(1, 2)).fit(["x"])
    assert listed.get_feature_names_out().tolist() == theirs.get_feature_names_out().tolist()
    assert listed.vocabulary_size_ == 5 and listed.fixed_vocabulary_
    assert [s.tolist() for s in listed.transform(["the lazy dog fox"])] == [[1, 1, 4, 3, 2]]
    mapped = TextVectorizer(vocabulary={"dog": 3, "fox": 2}).fit(["x"])
    assert mapped.transform(["fox dog cat"])[0].tolist() == [2, 3, 1]
    assert mapped.get_feature_names_out().tolist() == ["fox", "dog"]
    # min_df, max_df and max_features are not used with a fixed vocabulary.
    same = TextVectorizer(vocabulary=["fox", "dog"], min_df=5, max_features=1).fit(PAR_DOCS)
    assert same.vocabulary_ == {"fox": 2, "dog": 3}
    assert [s.tolist() for s in same.fit_transform(PAR_DOCS)] == [s.tolist() for s in same.transform(PAR_DOCS)]
    # The learned vocabulary of one vectorizer fixes another's ids.
    learned = TextVectorizer(ngram_range=(1, 2)).fit(PAR_DOCS)
    again = TextVectorizer(ngram_range=(1, 2), vocabulary=learned.vocabulary_).fit(["other text"])
    assert all(np.array_equal(a, b) for a, b in zip(learned.transform(PAR_DOCS), again.transform(PAR_DOCS)))
    assert not learned.fixed_vocabulary_
    clone(again).fit(["x"])  # the parameter survives clone


@pytest.mark.parametrize("vocabulary, message", [
    (["a", "b", "a"], r"lists the token 'a' twice"),
    ({"a": 1, "b": 2}, r"ids 0 and 1 are reserved .* from 2"),
    ({"a": 2, "b": 2}, r"gives the id 2 to more than one token"),
    ({"a": 2, "b": 4}, r"ids 2 to 3 with no gap, but id 3 is missing"),
    ([], r"vocabulary is empty"),
    ({"a", "b"}, r"is a set, which has no order"),
    ("abc", r"got a single str; wrap it in a list"),
    ([1, 2], r"tokens must be str, got 1"),
    ({"a": 2.5}, r"ids must be integers, got 2.5"),
])
def test_bad_fixed_vocabulary_is_refused(vocabulary, message):
    vec = TextVectorizer(vocabulary=vocabulary)
    with pytest.raises(ValueError, match=message):
        vec.fit(["a b"])
    assert not hasattr(vec, "vocabulary_")


def test_document_frequency_limits_are_checked_against_each_other():
    with pytest.raises(ValueError, match=r"max_df=0.2 keeps tokens in at most 1 of the 5 documents, fewer than "
                                         r"min_df=2 asks for \(2\).*lower min_df or raise max_df"):
        TextVectorizer(min_df=2, max_df=0.2).fit(PAR_DOCS)
    with pytest.raises(ValueError, match="max_df"):
        TextVectorizer(max_df=1.5).fit(PAR_DOCS)
    with pytest.raises(ValueError, match="stop_words"):
        TextVectorizer(stop_words="french").fit(PAR_DOCS)


def test_preprocessor_must_return_text():
    with pytest.raises(ValueError, match=r"must return a str, but for the document 'a b' it returned list"):
        TextVectorizer(preprocessor=str.split).fit(["a b"])
