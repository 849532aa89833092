"""Word vectors: the streaming loader (against gensim's reader), the embedding matrix, the classifiers' use."""

import functools
import gzip
import pickle
import shutil
import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skrnn import LSTMClassifier, SequencePadder, TextVectorizer
from skrnn.embeddings import EmbeddingCoverage, WordVectors, embedding_matrix, load_word_vectors

from .helpers import LABELS, TEXTS

gensim = pytest.importorskip("gensim")
from gensim.models import KeyedVectors  # noqa: E402

WORDS = ["the", "Paris", "naïve", "don't", "a", "film", "good", "bad"]


@pytest.fixture(scope="module")
def keyed_vectors():
    kv = KeyedVectors(4)
    kv.add_vectors(WORDS, np.random.default_rng(0).normal(size=(len(WORDS), 4)).astype(np.float32))
    return kv


def gzipped(path):
    out = path.with_name(path.name + ".gz")
    with open(path, "rb") as src, gzip.open(out, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("compress", [False, True])
def test_word2vec_files_load_as_gensim_loads_them(tmp_path, keyed_vectors, binary, compress):
    path = tmp_path / ("v.bin" if binary else "v.txt")
    keyed_vectors.save_word2vec_format(str(path), binary=binary)
    path = gzipped(path) if compress else path
    ours = load_word_vectors(path)
    theirs = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert ours.words == theirs.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    explicit = load_word_vectors(path, format="word2vec-binary" if binary else "word2vec")
    np.testing.assert_array_equal(explicit.vectors, ours.vectors)


def glove_text(keyed_vectors):
    return "".join(
        f"{w} " + " ".join(f"{v:.6f}" for v in keyed_vectors[w]) + "\n" for w in keyed_vectors.index_to_key
    )


@pytest.mark.parametrize("compress", [False, True])
def test_glove_and_fasttext_text_files(tmp_path, keyed_vectors, compress):
    glove = tmp_path / "glove.txt"
    glove.write_text(glove_text(keyed_vectors), encoding="utf-8")
    glove = gzipped(glove) if compress else glove
    ours = load_word_vectors(glove)
    theirs = KeyedVectors.load_word2vec_format(str(glove), binary=False, no_header=True)
    assert ours.words == theirs.index_to_key
    np.testing.assert_allclose(ours.vectors, theirs.vectors)
    # fastText's .vec: a header, and a space at the end of each row.
    vec = tmp_path / "ft.vec"
    rows = glove_text(keyed_vectors).replace("\n", " \n")
    vec.write_text(f"{len(WORDS)} 4\n" + rows, encoding="utf-8")
    fasttext = load_word_vectors(vec, format="fasttext")
    assert fasttext.words == ours.words
    np.testing.assert_allclose(fasttext.vectors, ours.vectors)


def test_a_glove_word_with_spaces_keeps_them(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_text("good 1 2\n. . . 3 4\nbad 5 6\n")
    wv = load_word_vectors(path, format="glove")
    assert wv.words == ["good", ". . .", "bad"]
    assert wv[". . ."].tolist() == [3.0, 4.0]


def test_vocabulary_keeps_only_the_rows_it_needs(tmp_path, keyed_vectors):
    path = tmp_path / "v.bin"
    keyed_vectors.save_word2vec_format(str(path), binary=True)
    vec = TextVectorizer(ngram_range=(1, 2)).fit(["a good film", "paris"])
    wv = load_word_vectors(path, vocabulary=vec)
    # The words of n-grams ("good film") and cased rows ("Paris" for "paris") are kept too.
    assert wv.words == ["Paris", "a", "film", "good"]
    assert wv.words == [w for w in WORDS if w in {"Paris", "a", "film", "good"}]
    np.testing.assert_array_equal(wv["good"], keyed_vectors["good"])
    assert load_word_vectors(path, vocabulary=["paris"], lowercase_fallback=False).words == []


def test_non_utf8_words_in_a_binary_file_load_as_gensim_loads_them(tmp_path):
    vectors = np.arange(12, dtype="<f4").reshape(3, 4)
    words = [b"good", b"caf\xe9", b"bad"]
    path = tmp_path / "latin.bin"
    path.write_bytes(b"3 4\n" + b"".join(w + b" " + v.tobytes() + b"\n" for w, v in zip(words, vectors)))
    ours = load_word_vectors(path)
    theirs = KeyedVectors.load_word2vec_format(str(path), binary=True, unicode_errors="replace")
    assert ours.words == theirs.index_to_key == ["good", "caf\ufffd", "bad"]
    np.testing.assert_array_equal(ours.vectors, vectors)
    assert load_word_vectors(path, encoding="latin-1").words[1] == "café"
    with pytest.raises(ValueError, match=r"row 3: the word b'caf\\xe9' is not valid utf-8.*unicode_errors='replace'"):
        load_word_vectors(path, unicode_errors="strict")


def test_duplicate_words_keep_their_first_row_with_a_warning(tmp_path):
    path = tmp_path / "dup.txt"
    path.write_text("3 2\ngood 1 2\ngood 3 4\nbad 5 6\n")
    with pytest.warns(UserWarning, match="1 words of .* appear more than once; the first row of each is kept"):
        ours = load_word_vectors(path)
    theirs = KeyedVectors.load_word2vec_format(str(path), binary=False)
    assert ours.words == ["good", "bad"]
    np.testing.assert_array_equal(ours.vectors, [theirs["good"], theirs["bad"]])


@pytest.mark.parametrize("content, message", [
    (b"", r"is empty"),
    (b"good 1 2\nbad 3\n", r"row 2: 1 values, but the vectors have 2 dimensions"),
    (b"good 1 2\nbad 3 4 5\n", r"row 2: 3 values, but the vectors have 2 dimensions"),
    (b"2 3\ngood 1 2 3\nbad 4 5\n", r"row 3: 2 values, but the vectors have 3 dimensions"),
    (b"3 2\ngood 1 2\nbad 3 4\n", r"the header says 3 rows of 2 values, but the file has 2 rows"),
    (b"good 1 x\n", r"row 1: no values after the word|not a number"),
    (b"2 2\ngood 1 2\nbad 3 x\n", r"row 3: the value 'x' is not a number"),
    (b"2 2\ngood " + np.ones(2, "<f4").tobytes() + b"\nbad " + b"\x00" * 5, r"ends inside this row"),
    (b"good 1 2\n", r"a word2vec file starts with a header 'n_words dim'.*format='glove'"),
])
def test_bad_files_are_refused_with_the_row(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    fmt = "word2vec" if "header 'n_words" in message else "auto"
    with pytest.raises(ValueError, match=message):
        load_word_vectors(path, format=fmt)


@pytest.mark.slow
@pytest.mark.parametrize("binary", [False, True])
def test_a_large_file_streams_in_little_memory(tmp_path, binary):
    # A quarter of a million rows of 48 values: over 40 MB either way, in a few seconds under tracemalloc.
    n_rows, dim = 250_000, 48
    path = tmp_path / ("big.bin.gz" if binary else "big.txt")
    values = np.round(np.random.default_rng(0).normal(size=(1000, dim)), 4).astype("<f4")
    # row i holds values[i % 1000], written after the word "w<i>"
    tails = [v.tobytes() + b"\n" if binary else (" " + " ".join(map(str, v.tolist())) + "\n").encode()
             for v in values]
    separator = b" " if binary else b""
    with (gzip.open(path, "wb", compresslevel=1) if binary else open(path, "wb")) as f:
        f.write(f"{n_rows} {dim}\n".encode())
        for start in range(0, n_rows, 1000):
            f.write(b"".join(b"w%d" % (start + i) + separator + tail for i, tail in enumerate(tails)))
    file_size = path.stat().st_size if not binary else n_rows * (4 * dim + 9)  # the uncompressed size
    wanted = [f"w{i}" for i in range(0, n_rows, 997)]
    tracemalloc.start()
    try:
        wv = load_word_vectors(path, vocabulary=wanted)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert wv.words == wanted
    np.testing.assert_array_equal(wv["w997"], values[997 % 1000])
    assert file_size > 40e6
    assert peak < file_size / 10, f"peak {peak / 1e6:.1f} MB for a {file_size / 1e6:.0f} MB file"


# -- the embedding matrix ---------------------------------------------------------
def test_embedding_matrix_rows_line_up_with_the_ids(keyed_vectors):
    vec = TextVectorizer(ngram_range=(1, 2), min_df=1).fit(["paris a good film", "good bad", "unseen words"])
    matrix, coverage = embedding_matrix(vec, keyed_vectors, random_state=0, return_coverage=True)
    assert matrix.shape == (vec.vocabulary_size_, 4) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[0], 0)
    ids = vec.vocabulary_
    np.testing.assert_array_equal(matrix[ids["good"]], keyed_vectors["good"])
    np.testing.assert_array_equal(matrix[ids["paris"]], keyed_vectors["Paris"])  # the case fallback
    np.testing.assert_allclose(matrix[ids["good film"]], (keyed_vectors["good"] + keyed_vectors["film"]) / 2)
    assert isinstance(coverage, EmbeddingCoverage)
    assert coverage.n_tokens == len(ids) and coverage.n_by_case == 1
    assert set(coverage.missing) == {"unseen", "words", "unseen words"}
    assert coverage.n_composed == 4  # "paris a", "a good", "good film", "good bad"
    assert coverage.n_found == coverage.n_tokens - len(coverage.missing)
    assert "drawn at random" in str(coverage)
    # Missing rows (and row 1) are drawn on the found vectors' scale, from the seed.
    found = matrix[[ids[t] for t in ids if t not in coverage.missing]]
    drawn = matrix[[1] + [ids[t] for t in coverage.missing]]
    assert np.all(np.abs(drawn - found.mean(0)) < 6 * found.std(0) + 1e-6)
    np.testing.assert_array_equal(matrix, embedding_matrix(vec, keyed_vectors, random_state=0))
    assert not np.array_equal(matrix, embedding_matrix(vec, keyed_vectors, random_state=1))


def test_embedding_matrix_takes_word_vectors_and_mappings(keyed_vectors):
    vec = TextVectorizer().fit(["good bad film"])
    as_loaded = WordVectors(keyed_vectors.index_to_key, keyed_vectors.vectors)
    as_dict = {w: keyed_vectors[w] for w in keyed_vectors.index_to_key}
    first = embedding_matrix(vec, as_loaded, random_state=0)
    np.testing.assert_array_equal(first, embedding_matrix(vec.vocabulary_, as_dict, random_state=0))
    np.testing.assert_array_equal(first, embedding_matrix(vec, keyed_vectors, random_state=0))
    with pytest.raises(TypeError, match="word_vectors must be WordVectors"):
        embedding_matrix(vec, [1, 2])
    with pytest.raises(TypeError, match="vocabulary must be a fitted TextVectorizer"):
        embedding_matrix(TextVectorizer(), keyed_vectors)


# -- the classifiers ---------------------------------------------------------------
# run_eagerly: tiny models train faster without tf.function tracing.
TINY_FIT = dict(units=4, epochs=2, batch_size=8, random_state=0, run_eagerly=True)


def vectors_pipeline(**params):
    vocabulary = TextVectorizer().fit(TEXTS)
    matrix = embedding_matrix(vocabulary, {w: np.full(3, float(len(w))) for w in vocabulary.vocabulary_},
                              random_state=0)
    clf = LSTMClassifier(embeddings=matrix, **{**TINY_FIT, **params})
    return make_pipeline(TextVectorizer(vocabulary=vocabulary.vocabulary_), SequencePadder(maxlen=12), clf), matrix


def embedding_weights(pipe):
    return pipe[-1].model_.get_layer("embedding").get_weights()[0]


def test_the_embedding_layer_starts_from_the_matrix():
    pipe, matrix = vectors_pipeline(epochs=0)
    pipe.fit(TEXTS, LABELS)
    np.testing.assert_array_equal(embedding_weights(pipe), matrix)
    assert pipe[-1].vocabulary_size_ == matrix.shape[0] and pipe[-1].embedding_dim_ == 3


@pytest.mark.parametrize("trainable, frozen_epochs", [(True, 0), (False, 3), (2, 2)])
def test_trainable_embeddings_freezes_then_fine_tunes(trainable, frozen_epochs):
    import keras

    pipe, matrix = vectors_pipeline(trainable_embeddings=trainable, epochs=3)
    unchanged = []
    pipe[-1].set_params(callbacks=[keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: unchanged.append(np.array_equal(embedding_weights(pipe), matrix)))])
    pipe.fit(TEXTS, LABELS)
    assert unchanged == [True] * frozen_epochs + [False] * (3 - frozen_epochs)


def test_fine_tuning_counts_epochs_over_partial_fit():
    pipe, matrix = vectors_pipeline(trainable_embeddings=1)
    X = pipe[:-1].fit_transform(TEXTS)
    clf = pipe[-1]
    clf.partial_fit(X, LABELS)
    np.testing.assert_array_equal(clf.model_.get_layer("embedding").get_weights()[0], matrix)
    clf.partial_fit(X, LABELS)
    assert not np.array_equal(clf.model_.get_layer("embedding").get_weights()[0], matrix)


def test_the_matrix_survives_clone_and_pickle():
    pipe, matrix = vectors_pipeline(trainable_embeddings=False, epochs=1)
    np.testing.assert_array_equal(clone(pipe)[-1].embeddings, matrix)
    pipe.fit(TEXTS, LABELS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # Keras warns when it drops optimizer state on loading
        restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(restored.predict_proba(TEXTS), pipe.predict_proba(TEXTS))
    np.testing.assert_array_equal(embedding_weights(restored), matrix)
    assert not restored[-1].model_.get_layer("embedding").trainable
    for before, after in zip(pipe[-1].model_.optimizer.variables, restored[-1].model_.optimizer.variables):
        np.testing.assert_array_equal(before.numpy(), after.numpy())


@pytest.mark.slow
def test_a_grid_search_compares_a_random_start_with_the_vectors():
    pipe, matrix = vectors_pipeline(epochs=1)
    grid = {"lstmclassifier__embeddings": [None, matrix]}
    search = GridSearchCV(pipe, grid, cv=2, error_score="raise").fit(TEXTS, LABELS)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 2 and np.all(np.isfinite(scores))
    chosen = search.best_params_["lstmclassifier__embeddings"]
    assert chosen is None or np.array_equal(chosen, matrix)


def test_a_callable_gives_the_matrix_in_fit(tmp_path):
    pipe, matrix = vectors_pipeline(epochs=0)
    np.save(tmp_path / "m.npy", matrix)
    pipe[-1].set_params(embeddings=functools.partial(np.load, tmp_path / "m.npy"))
    clone(pipe).fit(TEXTS, LABELS)
    pipe.fit(TEXTS, LABELS)
    np.testing.assert_array_equal(embedding_weights(pipe), matrix)


@pytest.mark.parametrize("embeddings, params, message", [
    (np.zeros((4, 3)), {}, r"holds the token id \d+, but embeddings has 4 rows.*another vocabulary"),
    (np.zeros((50, 3)), {"vocabulary_size": 40}, r"vocabulary_size=40 and embeddings with 50 rows"),
    (np.zeros(50), {}, r"2-D array of shape \(vocabulary size, dim\).*got shape \(50,\)"),
    (np.full((50, 3), np.nan), {}, r"NaN or infinite"),
    (np.array([["a"] * 3] * 50), {}, r"numeric array"),
])
def test_embeddings_that_disagree_with_the_data_are_refused(embeddings, params, message):
    X = TextVectorizer().fit_transform(TEXTS)
    X = SequencePadder(maxlen=12).fit_transform(X)
    clf = LSTMClassifier(embeddings=embeddings, **TINY_FIT, **params)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, LABELS)
    assert not hasattr(clf, "model_")
