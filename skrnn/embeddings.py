"""Pretrained word vectors for the classifiers' embedding layer.

Three steps put word vectors (word2vec, GloVe, fastText, or vectors trained
on your own text) under a recurrent classifier:

1. :func:`load_word_vectors` reads a vectors file, keeping only the rows a
   vocabulary needs while it streams, so a multi-gigabyte file never sits
   in memory.
2. :func:`embedding_matrix` lines the vectors up with the ids of a fitted
   :class:`~skrnn.TextVectorizer`: one row per id, zeros for padding, and
   random rows of the vectors' scale for tokens without a vector.
3. ``LSTMClassifier(embeddings=matrix)`` starts its ``Embedding`` layer
   from the matrix; ``trainable_embeddings`` freezes it, or fine-tunes it
   after some frozen epochs.

For example:

>>> import numpy as np
>>> from skrnn import TextVectorizer
>>> from skrnn.embeddings import WordVectors, embedding_matrix
>>> vectors = WordVectors(["good", "Film"], np.array([[1.0, 0.0], [0.0, 1.0]]))
>>> vec = TextVectorizer().fit(["a good film"])
>>> matrix, coverage = embedding_matrix(vec, vectors, random_state=0, return_coverage=True)
>>> matrix.shape, coverage.n_found, coverage.n_tokens
((5, 2), 2, 3)
>>> matrix[vec.vocabulary_["good"]].tolist()
[1.0, 0.0]
"""

from __future__ import annotations

import gzip
import os
import warnings
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from sklearn.utils import check_random_state

from ._compat.validation import StrOptions, validate_params
from ._ids import FIRST_ID, PAD_ID

__all__ = ["WordVectors", "EmbeddingCoverage", "load_word_vectors", "embedding_matrix"]

#: The file formats :func:`load_word_vectors` reads.
FORMATS = ("auto", "word2vec", "fasttext", "glove", "word2vec-binary")
_CHUNK = 1 << 20


class WordVectors:
    """Words and their vectors, as :func:`load_word_vectors` returns them.

    Parameters
    ----------
    words : list of str
        The words, each once.
    vectors : array-like of shape (len(words), dim)
        One vector per word.

    Attributes
    ----------
    words : list of str
    vectors : ndarray of float32, shape (len(words), dim)
    dim : int
        The vectors' dimension.

    Examples
    --------
    >>> wv = WordVectors(["a", "b"], [[1, 2], [3, 4]])
    >>> len(wv), wv.dim, "a" in wv, wv["b"].tolist()
    (2, 2, True, [3.0, 4.0])
    """

    def __init__(self, words, vectors):
        self.words = list(words)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise ValueError(
                f"vectors must have one row per word: {len(self.words)} words, but an array of "
                f"shape {self.vectors.shape}."
            )
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("words must be distinct; each word needs one vector.")

    @property
    def dim(self):
        """The vectors' dimension."""
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.index

    def __getitem__(self, word):
        return self.vectors[self.index[word]]

    def __repr__(self):
        return f"WordVectors({len(self)} words, dim={self.dim})"


def _open(path):
    """A binary file object for ``path``, decompressing gzip (found by its magic bytes)."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def _header(line):
    """``(n_words, dim)`` when ``line`` is a word2vec header, else None."""
    fields = line.split()
    if len(fields) == 2 and all(f.isdigit() for f in fields):
        return int(fields[0]), int(fields[1])
    return None


def _is_text_row(line):
    """Whether ``line`` reads as a text row (a word, then numbers), whatever its width."""
    fields = line.split()
    return len(fields) >= 2 and all(_is_number(f) for f in fields[1:])


def _is_number(field_):
    try:
        float(field_)
    except ValueError:
        return False
    return True


class _Reader:
    """Row-by-row parsing of one vectors file, with the errors that name the row."""

    def __init__(self, path, encoding, unicode_errors):
        self.path = os.fspath(path)
        self.encoding = encoding
        self.unicode_errors = unicode_errors

    def fail(self, row, what):
        raise ValueError(f"{self.path}, row {row}: {what}")

    def decode(self, row, word):
        try:
            return word.decode(self.encoding, errors=self.unicode_errors)
        except UnicodeDecodeError as exc:
            self.fail(row, f"the word {word[:40]!r} is not valid {self.encoding} ({exc.reason} at byte "
                           f"{exc.start}); pass unicode_errors='replace' (or 'ignore') to load it anyway.")

    def text_rows(self, f, dim, first_row):
        """``(row, word, values)`` per line, the word and the values as bytes (parsed only for rows kept)."""
        for row, line in enumerate(f, start=first_row):
            line = line.rstrip()
            if not line:
                continue
            if line.count(b" ") == dim:
                space = line.find(b" ")
                word, rest = line[:space], line[space + 1:]
            else:  # tabs, runs of spaces, a word with spaces, or the wrong width
                fields = line.split()
                if len(fields) <= dim:
                    self.fail(row, f"{len(fields) - 1} values, but the vectors have {dim} dimensions "
                                   "(every row is a word and then one value per dimension).")
                head = fields[:len(fields) - dim]
                if len(head) > 1 and all(_is_number(f) for f in head[1:]):
                    self.fail(row, f"{len(fields) - 1} values, but the vectors have {dim} dimensions.")
                word, rest = b" ".join(head), b" ".join(fields[len(fields) - dim:])
            yield row, word, rest

    def binary_rows(self, f, dim):
        """``(row, word, raw float32 bytes)`` per word of a word2vec binary body."""
        width = 4 * dim
        buf, pos, row = b"", 0, 1
        while True:
            space = buf.find(b" ", pos)
            while space < 0 or len(buf) < space + 1 + width:
                chunk = f.read(_CHUNK)
                if not chunk:
                    if buf[pos:].strip():
                        self.fail(row + 1, f"the file ends inside this row ({len(buf) - pos} bytes left, "
                                           f"a row is a word, a space and {width} bytes).")
                    return
                buf, pos = buf[pos:] + chunk, 0
                space = buf.find(b" ")
            row += 1
            yield row, buf[pos:space].lstrip(b"\n"), buf[space + 1:space + 1 + width]
            pos = space + 1 + width

    def parse(self, row, rest, dim):
        try:
            values = np.array(rest.split(), dtype=np.float32)
        except ValueError:
            bad = next(v for v in rest.split() if not _is_number(v))
            self.fail(row, f"the value {bad.decode('latin-1')!r} is not a number.")
        if values.shape != (dim,):
            self.fail(row, f"{values.size} values, but the vectors have {dim} dimensions.")
        return values


def _wanted(vocabulary, lowercase):
    """The set of words to keep for ``vocabulary``: its tokens and the words of its n-grams."""
    tokens = vocabulary.vocabulary_ if hasattr(vocabulary, "vocabulary_") else vocabulary
    if isinstance(tokens, (str, bytes)):
        raise ValueError("vocabulary must be a fitted TextVectorizer or a collection of tokens, got a single str.")
    wanted = set()
    for token in tokens:
        wanted.add(token)
        if " " in token:
            wanted.update(token.split(" "))
    if lowercase:
        wanted |= {t.lower() for t in wanted}
    return wanted


@validate_params(
    {
        "path": [str, os.PathLike],
        "format": [StrOptions({"auto", "word2vec", "fasttext", "glove", "word2vec-binary"})],
        "encoding": [str],
        "unicode_errors": [str],
        "lowercase_fallback": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_word_vectors(path, *, vocabulary=None, format="auto", encoding="utf-8", unicode_errors="replace",
                      lowercase_fallback=True):
    r"""Read word vectors from a word2vec, GloVe or fastText file, plain or gzip.

    The file is streamed row by row: with a ``vocabulary``, only the rows it
    needs are kept, so memory grows with the vocabulary, not with the file.

    Parameters
    ----------
    path : str or path-like
        The vectors file; gzip-compressed files (``.gz``) are recognised by
        their content.
    vocabulary : TextVectorizer, collection of str, or None, default=None
        Keep only these tokens' rows (a fitted ``TextVectorizer`` gives its
        ``vocabulary_``); the words of n-gram tokens (``"not good"``) are
        kept too, for :func:`embedding_matrix` to compose. ``None`` keeps
        every row.
    format : {"auto", "word2vec", "fasttext", "glove", "word2vec-binary"}, default="auto"
        ``"word2vec"`` and ``"fasttext"`` (``.vec``) are text with a header
        line ``n_words dim``; ``"glove"`` is text without one;
        ``"word2vec-binary"`` is the binary word2vec format (``.bin``).
        ``"auto"`` tells them apart by the first lines.
    encoding : str, default="utf-8"
        Encoding of the words.
    unicode_errors : str, default="replace"
        What to do with words that are not valid in ``encoding`` (as in
        ``bytes.decode`` and gensim): some published word2vec binaries hold
        a few such words. ``"strict"`` raises.
    lowercase_fallback : bool, default=True
        With a ``vocabulary``, also keep the rows of cased words whose lower
        case is a vocabulary token (``Paris`` for ``paris``), for
        :func:`embedding_matrix`'s case fallback.

    Returns
    -------
    word_vectors : WordVectors
        The words kept, in file order, and their float32 vectors. A word
        that appears twice keeps its first row, with a ``UserWarning``
        (gensim does the same).

    Raises
    ------
    ValueError
        For an empty file, a row of the wrong width or with a value that is
        not a number, a header that disagrees with the rows, or a file that
        ends inside a row; the message names the row.

    Notes
    -----
    Where published vectors come from: GloVe
    (https://nlp.stanford.edu/projects/glove/, e.g. ``glove.6B.100d.txt``,
    text without a header, lower case), fastText
    (https://fasttext.cc/docs/en/english-vectors.html, ``.vec`` text with a
    header, cased), word2vec's Google News vectors (a cased
    ``.bin.gz`` binary). Any of them loads as it is downloaded.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "glove.txt"
    >>> _ = path.write_text("good 0.5 0.25\nbad -0.5 0.125\nfilm 0 1\n")
    >>> wv = load_word_vectors(path, vocabulary=["good", "film", "plot"])
    >>> wv.words, wv.dim
    (['good', 'film'], 2)
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, FORMATS))}, got {format!r}.")
    reader = _Reader(path, encoding, unicode_errors)
    wanted = None if vocabulary is None else _wanted(vocabulary, lowercase_fallback)
    try:
        with _open(path) as f:
            first = f.readline()
            if not first.strip():
                raise ValueError(f"{reader.path} is empty: a vectors file needs at least one row.")
            header = _header(first) if format != "glove" else None
            if format in ("word2vec", "fasttext", "word2vec-binary") and header is None:
                raise ValueError(
                    f"{reader.path}, row 1: a {format} file starts with a header 'n_words dim', got "
                    f"{first[:60]!r}; for a file without one (GloVe), pass format='glove'."
                )
            if header is not None:
                n_declared, dim = header
                body_start = f.tell()
                binary = format == "word2vec-binary"
                if format == "auto":
                    peek = f.readline()
                    binary = bool(peek.strip()) and not _is_text_row(peek)
                f.seek(body_start)
                if binary:
                    rows = reader.binary_rows(f, dim)
                else:
                    rows = reader.text_rows(f, dim, first_row=2)
            else:
                n_declared = None
                fields = first.split()
                dim = len(fields) - 1
                while dim > 0 and not _is_number(fields[len(fields) - dim]):
                    dim -= 1  # a word with spaces in it
                if dim < 1:
                    raise ValueError(f"{reader.path}, row 1: no values after the word ({first[:60]!r}).")
                f.seek(0)
                binary = False
                rows = reader.text_rows(f, dim, first_row=1)
            if dim < 1:
                raise ValueError(f"{reader.path}: the header gives the dimension {dim}; it must be at least 1.")
            words, vectors, seen = [], [], set()
            n_rows = duplicates = 0
            for row, raw_word, rest in rows:
                n_rows += 1
                word = reader.decode(row, raw_word)
                if wanted is not None and word not in wanted and not (lowercase_fallback and word.lower() in wanted):
                    continue
                if word in seen:
                    duplicates += 1
                    continue
                seen.add(word)
                words.append(word)
                vectors.append(np.frombuffer(rest, dtype="<f4") if binary else reader.parse(row, rest, dim))
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(
            f"{reader.path} is not a readable gzip file ({type(exc).__name__}: {exc}); it may be truncated or "
            "corrupt: download it again."
        ) from None
    if n_declared is not None and n_rows != n_declared:
        raise ValueError(
            f"{reader.path}: the header says {n_declared} rows of {dim} values, but the file has "
            f"{n_rows} rows; the header or the file is wrong (a truncated download?)."
        )
    if n_rows == 0:
        raise ValueError(f"{reader.path} has a header but no rows.")
    if duplicates:
        warnings.warn(
            f"{duplicates} words of {reader.path} appear more than once; the first row of each is kept.",
            UserWarning, stacklevel=2,
        )
    matrix = np.array(vectors, dtype=np.float32).reshape(len(vectors), dim)
    broken = np.flatnonzero(~np.isfinite(matrix).all(axis=1))
    if broken.size:
        shown = ", ".join(repr(words[i]) for i in broken[:3]) + (", ..." if broken.size > 3 else "")
        raise ValueError(
            f"{reader.path}: the vectors of {broken.size} word(s) hold NaN or infinite values ({shown}); the file "
            "is corrupt: download it again, or drop those rows."
        )
    return WordVectors(words, matrix)


@dataclass
class EmbeddingCoverage:
    """How many vocabulary tokens :func:`embedding_matrix` found a vector for.

    Attributes
    ----------
    n_tokens : int
        Vocabulary tokens (ids 2 and up).
    n_found : int
        Tokens given a vector: as they are, by case, or (n-grams) as the mean
        of their words' vectors.
    n_by_case : int
        Of those, found under another case (``Paris`` for ``paris``).
    n_composed : int
        Of those, n-grams given the mean of their words' vectors.
    missing : list of str
        The tokens drawn at random instead, in id order (most frequent first
        for a learned vocabulary).
    """

    n_tokens: int
    n_found: int
    n_by_case: int
    n_composed: int
    missing: list = field(repr=False)

    @property
    def fraction(self):
        """The share of tokens found, in [0, 1]."""
        return self.n_found / self.n_tokens if self.n_tokens else 0.0

    def __str__(self):
        shown = ", ".join(self.missing[:10]) + (", ..." if len(self.missing) > 10 else "")
        return (
            f"vectors for {self.n_found:,} of {self.n_tokens:,} tokens ({self.fraction:.1%}; "
            f"{self.n_by_case:,} by case, {self.n_composed:,} n-grams from their words); "
            f"{len(self.missing):,} drawn at random" + (f": {shown}" if self.missing else "")
        )


def _as_lookup(word_vectors):
    """``(index: word -> row, vectors)`` of WordVectors, gensim KeyedVectors or a mapping."""
    if isinstance(word_vectors, WordVectors):
        return word_vectors.index, word_vectors.vectors
    if hasattr(word_vectors, "key_to_index") and hasattr(word_vectors, "vectors"):  # gensim KeyedVectors
        return word_vectors.key_to_index, np.asarray(word_vectors.vectors, dtype=np.float32)
    if isinstance(word_vectors, Mapping):
        words = list(word_vectors)
        vectors = np.array([np.asarray(word_vectors[w], dtype=np.float32) for w in words])
        if vectors.ndim != 2:
            raise ValueError("the word -> vector mapping's vectors must all have one length.")
        return {w: i for i, w in enumerate(words)}, vectors
    raise TypeError(
        "word_vectors must be WordVectors (from load_word_vectors), gensim KeyedVectors (e.g. "
        f"Word2Vec(...).wv) or a mapping of word -> vector, got {type(word_vectors).__name__}."
    )


def embedding_matrix(vocabulary, word_vectors, *, random_state=None, lowercase_fallback=True,
                     return_coverage=False):
    """The embedding matrix of a vocabulary: one row per id, from word vectors.

    Parameters
    ----------
    vocabulary : TextVectorizer or mapping of str to int
        A fitted ``TextVectorizer`` (its ``vocabulary_``), or a token -> id
        mapping with ids from 2.
    word_vectors : WordVectors, gensim KeyedVectors or mapping of str to array
        The vectors, e.g. from :func:`load_word_vectors` or
        ``gensim.models.Word2Vec(...).wv``.
    random_state : int, RandomState or None, default=None
        Seeds the rows drawn for tokens without a vector.
    lowercase_fallback : bool, default=True
        A token without a vector of its own takes the vector of the same
        word in another case: its lower case, or the first cased form in
        the vectors (``Paris`` for ``paris``, with cased vectors such as
        fastText's or word2vec's).
    return_coverage : bool, default=False
        Also return an :class:`EmbeddingCoverage`.

    Returns
    -------
    matrix : ndarray of float32, shape (vocabulary size, dim)
        Row 0 (padding) is zeros. Each token's row is its vector; an n-gram
        (``"not good"``) without a vector gets the mean of its words'
        vectors when all of them have one. Row 1 (unknown words) and the
        tokens left without a vector are drawn from a normal distribution
        with the found vectors' per-dimension mean and standard deviation,
        so they are on the vectors' scale.
    coverage : EmbeddingCoverage
        Only with ``return_coverage=True``.
    """
    token_ids = vocabulary.vocabulary_ if hasattr(vocabulary, "vocabulary_") else vocabulary
    if not isinstance(token_ids, Mapping) or not token_ids:
        raise TypeError(
            "vocabulary must be a fitted TextVectorizer or a non-empty token -> id mapping, got "
            f"{type(vocabulary).__name__}."
        )
    index, vectors = _as_lookup(word_vectors)
    if vectors.ndim != 2 or vectors.shape[0] == 0:
        raise ValueError("word_vectors holds no vectors.")
    n_ids = int(getattr(vocabulary, "vocabulary_size_", max(token_ids.values()) + 1))
    by_lower = {}
    if lowercase_fallback:
        for word, row in index.items():
            by_lower.setdefault(word.lower(), row)

    def find(token):
        row = index.get(token)
        if row is None and lowercase_fallback:
            row = index.get(token.lower(), by_lower.get(token.lower()))
            return row, row is not None
        return row, False

    matrix = np.zeros((n_ids, vectors.shape[1]), dtype=np.float32)
    found = np.zeros(n_ids, dtype=bool)
    n_by_case = n_composed = 0
    missing = []
    for token, i in sorted(token_ids.items(), key=lambda item: item[1]):
        row, by_case = find(token)
        if row is not None:
            matrix[i], found[i] = vectors[row], True
            n_by_case += by_case
            continue
        if " " in token:
            rows = [find(word)[0] for word in token.split(" ")]
            if all(r is not None for r in rows):
                matrix[i], found[i] = vectors[rows].mean(axis=0), True
                n_composed += 1
                continue
        missing.append(token)
    sample = matrix[found] if found.any() else vectors
    draw = ~found
    draw[PAD_ID] = False
    rng = check_random_state(random_state)
    matrix[draw] = rng.normal(sample.mean(axis=0), sample.std(axis=0), size=(int(draw.sum()), vectors.shape[1]))
    if not return_coverage:
        return matrix
    n_tokens = sum(1 for i in token_ids.values() if i >= FIRST_ID)
    return matrix, EmbeddingCoverage(n_tokens, int(found.sum()), n_by_case, n_composed, missing)
