import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from skrnn import SequencePadder

keras = pytest.importorskip("keras")

sequences = st.lists(st.lists(st.integers(0, 2**31 - 1), max_size=12), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    seqs=sequences,
    maxlen=st.one_of(st.none(), st.integers(1, 14)),
    padding=st.sampled_from(["pre", "post"]),
    truncating=st.sampled_from(["pre", "post"]),
    value=st.integers(0, 5),
    dtype=st.sampled_from(["int32", "int64", "float32"]),
)
def test_matches_keras_pad_sequences(seqs, maxlen, padding, truncating, value, dtype):
    if dtype == "float32":
        seqs = [[v % 2**24 for v in s] for s in seqs]  # exactly representable
    if maxlen is None and not any(seqs):
        # The one deliberate difference: Keras returns an (n, 0) matrix no
        # network can read; SequencePadder says maxlen cannot be learned.
        with pytest.raises(ValueError, match="maxlen cannot be learned"):
            SequencePadder(maxlen=maxlen).fit(seqs)
        return
    ours = SequencePadder(
        maxlen=maxlen, padding=padding, truncating=truncating, value=value, dtype=dtype
    ).fit_transform(seqs)
    theirs = keras.utils.pad_sequences(
        seqs, maxlen=maxlen, padding=padding, truncating=truncating, value=value, dtype=dtype
    )
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_maxlen_learned_in_fit_is_kept_for_transform():
    pad = SequencePadder().fit([[1, 2, 3], [4]])
    assert pad.maxlen_ == 3
    assert pad.transform([[5, 6, 7, 8, 9]]).tolist() == [[7, 8, 9]]
    assert pad.transform([[]]).tolist() == [[0, 0, 0]]


@pytest.mark.parametrize(
    "X",
    [
        [[1, 2], [3]],
        np.array([np.array([1, 2]), np.array([3])], dtype=object),
        (np.array([1, 2]), [3]),
        [[1.0, 2.0], [3.0]],
    ],
)
def test_accepted_inputs(X):
    out = SequencePadder(maxlen=2).fit_transform(X)
    assert out.tolist() == [[1, 2], [0, 3]]


def test_two_d_array_rows_are_sequences():
    X = np.array([[0, 1, 2], [3, 4, 5]])
    assert SequencePadder(maxlen=2).fit_transform(X).tolist() == [[1, 2], [4, 5]]
    assert SequencePadder().fit(X).maxlen_ == 3


def test_estimator_basics():
    pad = SequencePadder(maxlen=4, padding="post")
    assert clone(pad).get_params() == pad.get_params()
    assert pad.fit([[1]]) is pad
    assert pickle.loads(pickle.dumps(pad)).maxlen_ == 4
    assert list(pad.get_feature_names_out()) == ["t0", "t1", "t2", "t3"]
    with pytest.raises(NotFittedError):
        SequencePadder().transform([[1]])


@pytest.mark.parametrize(
    "X, match",
    [
        ([[1, -2]], "Negative values"),
        ([[1, 2.5]], "non-integral"),
        ([[1, float("nan")]], "NaN"),
        (np.zeros((2, 2, 2), dtype=int), "3-D"),
        ([], "empty"),
        ([["a", "b"]], "integer token ids"),
        ([[[1, 2]], [[3]]], "dimensions"),
        (["a text"], "not a sequence"),
        ([[2**40]], "does not fit in dtype"),
    ],
)
def test_bad_input(X, match):
    with pytest.raises(ValueError, match=match):
        SequencePadder().fit_transform(X)


@pytest.mark.parametrize(
    "params, match",
    [({"maxlen": 0}, "maxlen"), ({"maxlen": -3}, "maxlen"), ({"padding": "middle"}, "padding"),
     ({"truncating": "x"}, "truncating"), ({"dtype": "str"}, "dtype")],
)
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        SequencePadder(**params).fit([[1]])


@pytest.mark.parametrize("output", ["pandas", "polars"])
def test_set_output_gives_one_named_column_per_step(output):
    lib = pytest.importorskip(output)
    padder = SequencePadder(maxlen=3).set_output(transform=output)
    frame = padder.fit_transform([[1, 2, 3, 4], [5]])
    assert isinstance(frame, lib.DataFrame)
    assert list(frame.columns) == list(padder.get_feature_names_out()) == ["t0", "t1", "t2"]
    np.testing.assert_array_equal(frame.to_numpy(), [[2, 3, 4], [0, 0, 5]])


def test_text_vectorizer_opts_out_of_table_output():
    import sklearn

    from skrnn import TextVectorizer

    vec = TextVectorizer().set_output(transform="pandas")
    with sklearn.config_context(transform_output="polars"):
        out = vec.fit_transform(["a good film", "a film"])
    assert isinstance(out, list) and [s.tolist() for s in out] == [[2, 4, 3], [2, 3]]
