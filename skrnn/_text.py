"""Raw documents -> integer token sequences."""

from __future__ import annotations

import numbers
import re
from collections import defaultdict
from collections.abc import Mapping
from itertools import chain, count, repeat

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils.validation import check_is_fitted

from ._compat.validation import Interval, RealNotInt, StrOptions, fit_context
from ._ids import FIRST_ID, OOV_ID, validate_sequences

__all__ = ["TextVectorizer"]

#: Words of one or more letters or digits, with inner apostrophes kept
#: (``don't``, ``rock'n'roll``), as the Keras ``Tokenizer`` keeps them.
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w[\w']*\b"
_HTML_TAG = re.compile(r"<[^<>]{0,200}>")
#: Runs of white space, collapsed to one space before character n-grams
#: (as ``CountVectorizer`` does).
_WHITE_SPACES = re.compile(r"\s\s+")


def _validate_documents(raw_documents, *, where="raw_documents"):
    """Return ``raw_documents`` as a list of str, or raise a clear error.

    Accepts a list, tuple, 1-D numpy array or pandas Series of str; bytes
    are decoded as UTF-8. Raises ``ValueError`` for a single string, for a
    non-str document (naming its position and type) and for undecodable
    bytes.
    """
    if isinstance(raw_documents, (str, bytes)):
        raise ValueError(
            f"{where} must be an iterable of str documents, got a single "
            f"{type(raw_documents).__name__}; wrap it in a list: [text]."
        )
    if raw_documents is None:
        raise ValueError(f"{where} must be an iterable of str documents, got None.")
    if hasattr(raw_documents, "ndim") and getattr(raw_documents, "ndim", 1) != 1:
        raise ValueError(
            f"{where} must be one-dimensional (one document per entry), got an "
            f"array of shape {raw_documents.shape}."
        )
    try:
        docs = list(raw_documents)
    except TypeError:
        raise ValueError(
            f"{where} must be an iterable of str documents, got "
            f"{type(raw_documents).__name__}."
        ) from None
    for i, doc in enumerate(docs):
        if type(doc) is str:
            continue
        if isinstance(doc, str):
            docs[i] = str(doc)
        elif isinstance(doc, (bytes, bytearray)):
            try:
                docs[i] = bytes(doc).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"Document {i} of {where} is bytes that are not valid UTF-8 "
                    f"({exc.reason} at byte {exc.start}); decode it yourself "
                    "and pass str."
                ) from None
        else:
            kind = "NaN" if isinstance(doc, float) and doc != doc else type(doc).__name__
            raise ValueError(
                f"Document {i} of {where} is {kind!s} ({doc!r:.40}), not a str; "
                "every document must be a string (fill missing ones with '')."
            )
    return docs


def _word_ngrams(words, min_n, max_n):
    """Word n-grams of ``words`` in sequence order, and each one's length.

    At each word position come the n-grams starting there, shortest first,
    their words joined by a space: ``a b c`` with ``(1, 2)`` gives ``a``,
    ``a b``, ``b``, ``b c``, ``c``.
    """
    n_words = len(words)
    by_n = [list(map(" ".join, zip(*(words[k:] for k in range(n))))) if n > 1 else list(words)
            for n in range(min_n, max_n + 1)]
    width = max_n - min_n + 1
    full = max(n_words - max_n + 1, 0)  # positions where every n fits
    grams = [None] * (full * width)
    for j, of_n in enumerate(by_n):
        grams[j::width] = of_n[:full]
    orders = list(range(min_n, max_n + 1)) * full
    for i in range(full, n_words):
        for j, n in enumerate(range(min_n, max_n + 1)):
            if i + n <= n_words:
                grams.append(by_n[j][i])
                orders.append(n)
    return grams, orders


def _char_ngrams(text, min_n, max_n):
    """Character n-grams of ``text`` in text order, and each one's length.

    The same n-grams as ``CountVectorizer(analyzer="char")`` (white-space
    runs collapsed to one space), ordered by position, shortest first.
    """
    text = _WHITE_SPACES.sub(" ", text)
    n_chars = len(text)
    grams = [text[i:i + n] for i in range(n_chars) for n in range(min_n, max_n + 1) if i + n <= n_chars]
    return grams, [len(g) for g in grams]


def _char_wb_ngrams(text, min_n, max_n):
    """Character n-grams inside word boundaries, in text order.

    The same n-grams as ``CountVectorizer(analyzer="char_wb")``: each word,
    padded with a space on both sides, gives its n-grams; a padded word
    shorter than ``n`` gives itself once (and no longer n-grams).
    """
    grams = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        width = len(padded)
        found = []
        for n in range(min_n, max_n + 1):
            if width <= n:
                found.append((0, n, padded))
                break
            found.extend((i, n, padded[i:i + n]) for i in range(width - n + 1))
        found.sort(key=lambda item: item[:2])
        grams.extend(gram for _, _, gram in found)
    return grams, [len(g) for g in grams]


def _check_vocabulary(vocabulary):
    """A fixed ``vocabulary`` as a token -> id dict with ids 2, 3, ..., or a clear error."""
    if isinstance(vocabulary, (str, bytes)):
        raise ValueError(
            f"vocabulary must be a list of tokens or a token -> id mapping, got a single "
            f"{type(vocabulary).__name__}; wrap it in a list."
        )
    if isinstance(vocabulary, (set, frozenset)):
        raise ValueError(
            "vocabulary is a set, which has no order, so the ids would change from run to "
            "run; pass a list (e.g. sorted(tokens)) or a token -> id mapping."
        )
    if isinstance(vocabulary, Mapping):
        items = list(vocabulary.items())
    else:
        try:
            items = [(token, FIRST_ID + i) for i, token in enumerate(vocabulary)]
        except TypeError:
            raise ValueError(
                f"vocabulary must be a list of tokens or a token -> id mapping, got "
                f"{type(vocabulary).__name__}."
            ) from None
        seen = set()
        for token, _ in items:
            if token in seen:
                raise ValueError(f"vocabulary lists the token {token!r} twice; each token needs one id.")
            seen.add(token)
    if not items:
        raise ValueError("vocabulary is empty; pass at least one token, or None to learn it in fit.")
    for token, i in items:
        if not isinstance(token, str):
            raise ValueError(f"vocabulary tokens must be str, got {token!r} ({type(token).__name__}).")
        if not isinstance(i, numbers.Integral) or isinstance(i, bool):
            raise ValueError(f"vocabulary ids must be integers, got {i!r} for {token!r}.")
        if i < FIRST_ID:
            raise ValueError(
                f"vocabulary gives {token!r} the id {i}, but ids 0 and 1 are reserved for padding "
                f"and unknown tokens; number the tokens from {FIRST_ID}."
            )
    ids = sorted(int(i) for _, i in items)
    if len(set(ids)) != len(ids):
        repeated = next(a for a, b in zip(ids, ids[1:]) if a == b)
        raise ValueError(f"vocabulary gives the id {repeated} to more than one token; each id needs one token.")
    expected = range(FIRST_ID, FIRST_ID + len(ids))
    if ids != list(expected):
        present = set(ids)
        missing = next(i for i in expected if i not in present)
        raise ValueError(
            f"vocabulary of {len(ids)} tokens must use the ids {FIRST_ID} to {expected[-1]} with no gap, "
            f"but id {missing} is missing."
        )
    return {token: int(i) for token, i in items}


class TextVectorizer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    r"""Turn raw documents into sequences of integer token ids.

    The Keras-style counterpart of scikit-learn's ``CountVectorizer``: instead
    of a bag of words it keeps the order of the tokens, which is what a
    recurrent network needs. Id 0 is reserved for padding and id 1 for
    out-of-vocabulary tokens; the vocabulary's tokens get ids 2, 3, ... in
    order of descending corpus frequency (ties broken alphabetically), so
    the result is deterministic.

    Parameters
    ----------
    max_features : int or None, default=None
        Keep only the ``max_features`` most frequent tokens. ``None`` keeps
        every token (after ``min_df`` and ``max_df``).
    min_df : int or float in [0, 1], default=1
        Ignore tokens that appear in fewer than ``min_df`` documents; a
        float is a proportion of the documents (as in ``CountVectorizer``).
    max_df : int or float in [0, 1], default=1.0
        Ignore tokens that appear in more than ``max_df`` documents (a float
        is a proportion): corpus-specific stop words.
    stop_words : "english", list of str or None, default=None
        Words to leave out before n-grams are made: scikit-learn's English
        list (``ENGLISH_STOP_WORDS``), or your own list. Word analyzer only.
    lowercase : bool, default=True
        Convert the text to lower case before tokenizing.
    strip_html : bool, default=True
        Replace HTML tags such as ``<br />`` (common in IMDB reviews) by a
        space before tokenizing.
    preprocessor : callable or None, default=None
        A function ``str -> str`` applied to each document before
        tokenizing; it replaces ``strip_html`` and ``lowercase``.
    token_pattern : str, default=r"(?u)\b\w[\w']*\b"
        Regular expression for a token. The default keeps one-letter words
        and inner apostrophes. Ignored when ``tokenizer`` is given.
    tokenizer : callable or None, default=None
        A function ``str -> list of str`` that replaces the regular
        expression (it receives the text after ``strip_html`` and
        ``lowercase``, or after ``preprocessor``).
    analyzer : {"word", "char", "char_wb"} or callable, default="word"
        What a token is, as in ``CountVectorizer``: words (and word
        n-grams), character n-grams, or character n-grams inside word
        boundaries (each word padded with a space), for character-level
        networks. A callable ``str -> list of str`` does the whole analysis
        of the raw document (no preprocessing, n-grams or stop words).
    oov : {"index", "drop"}, default="index"
        What ``transform`` does with a token that is not in the vocabulary:
        ``"index"`` maps it to the out-of-vocabulary id 1, ``"drop"`` leaves
        it out (as the old Keras ``Tokenizer`` did without ``oov_token``).
        Unknown n-grams (of two or more words, or characters) are always
        left out.
    ngram_range : tuple (min_n, max_n), default=(1, 1)
        Word n-grams to use as tokens, as in ``CountVectorizer``: ``(1, 2)``
        adds bigrams (``"not good"``) to the words. Each n-gram joins its
        words with a space and comes in the sequence right after the word it
        starts at (``a``, ``a good``, ``good``, ``good film``, ``film``), so
        a recurrent network reads words and bigrams in text order; the
        sequences get about twice as long. ``max_features`` and ``min_df``
        rank words and n-grams together. On IMDB, ``(1, 2)`` with 60,000
        tokens lifts an LSTM the most of anything measured (see
        docs/benchmarks.md). With a character analyzer, the n-grams are of
        characters, likewise in text order.
    vocabulary : list of str, mapping of str to int, or None, default=None
        A fixed vocabulary instead of one learned in ``fit``: a list gives
        its tokens the ids 2, 3, ... in order; a mapping must use the ids
        2 .. n + 1 (0 and 1 stay reserved). ``min_df``, ``max_df`` and
        ``max_features`` are then not used. Use it to line the ids up with
        a matrix of word vectors (see :mod:`skrnn.embeddings`).

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Token -> id, ids starting at 2.
    vocabulary_size_ : int
        Number of ids in use including the reserved 0 and 1: the
        ``input_dim`` an ``Embedding`` layer needs.
    document_count_ : int
        Number of documents seen in ``fit``.
    fixed_vocabulary_ : bool
        Whether the vocabulary was given (``vocabulary``) rather than learned.

    See Also
    --------
    SequencePadder : Pad the sequences to a rectangular matrix.
    sklearn.feature_extraction.text.CountVectorizer : The bag-of-words analogue.

    Notes
    -----
    A document with no token at all gives an empty sequence; with
    ``oov="drop"`` so does a document with no known token, while with
    ``oov="index"`` it gives a sequence of 1s (one per unknown token).

    Examples
    --------
    >>> from skrnn import TextVectorizer
    >>> vec = TextVectorizer().fit(["a good film", "a bad film", "a film"])
    >>> vec.vocabulary_
    {'a': 2, 'film': 3, 'bad': 4, 'good': 5}
    >>> [s.tolist() for s in vec.transform(["a great film<br />really"])]
    [[2, 1, 3, 1]]
    >>> vec.inverse_transform([[2, 5, 3]])
    [['a', 'good', 'film']]

    With bigrams, each one follows the word it starts at:

    >>> bigrams = TextVectorizer(ngram_range=(1, 2)).fit(["not good", "not bad", "good"])
    >>> bigrams.inverse_transform(bigrams.transform(["not good at all"]))
    [['not', 'not good', 'good']]
    """

    _parameter_constraints = {
        "max_features": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_df": [Interval(RealNotInt, 0, 1, closed="both"), Interval(numbers.Integral, 1, None, closed="left")],
        "max_df": [Interval(RealNotInt, 0, 1, closed="both"), Interval(numbers.Integral, 1, None, closed="left")],
        "stop_words": [StrOptions({"english"}), list, tuple, set, frozenset, None],
        "lowercase": ["boolean"],
        "strip_html": ["boolean"],
        "preprocessor": [callable, None],
        "token_pattern": [str],
        "tokenizer": [callable, None],
        "analyzer": [StrOptions({"word", "char", "char_wb"}), callable],
        "oov": [StrOptions({"index", "drop"})],
        "ngram_range": [tuple],
        "vocabulary": "no_validation",  # checked in fit, with messages that say how to fix it
    }

    def __init__(
        self,
        *,
        max_features=None,
        min_df=1,
        max_df=1.0,
        stop_words=None,
        lowercase=True,
        strip_html=True,
        preprocessor=None,
        token_pattern=DEFAULT_TOKEN_PATTERN,
        tokenizer=None,
        analyzer="word",
        oov="index",
        ngram_range=(1, 1),
        vocabulary=None,
    ):
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.stop_words = stop_words
        self.lowercase = lowercase
        self.strip_html = strip_html
        self.preprocessor = preprocessor
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.analyzer = analyzer
        self.oov = oov
        self.ngram_range = ngram_range
        self.vocabulary = vocabulary

    # -- analysis --------------------------------------------------------
    def build_analyzer(self):
        """Return the callable ``str -> list of str`` used to tokenize.

        With ``ngram_range``, it returns the words (or characters) and
        n-grams in sequence order.
        """
        analyze = self._build_analyzer()
        return lambda doc: analyze(doc)[0]

    def build_preprocessor(self):
        """Return the callable ``str -> str`` applied before tokenizing.

        ``preprocessor`` when given, else HTML stripping and lower-casing
        as set by ``strip_html`` and ``lowercase``.
        """
        if self.preprocessor is not None:
            user = self.preprocessor

            def checked(doc):
                out = user(doc)
                if not isinstance(out, str):
                    raise ValueError(
                        f"preprocessor must return a str, but for the document {doc[:30]!r} it "
                        f"returned {type(out).__name__}."
                    )
                return out

            return checked
        strip = _HTML_TAG.sub if self.strip_html else None
        lower = self.lowercase

        def preprocess(doc):
            if strip is not None and "<" in doc:
                doc = strip(" ", doc)
            return doc.lower() if lower else doc

        return preprocess

    def build_tokenizer(self):
        """Return the callable ``str -> list of str`` that splits text into words."""
        if self.tokenizer is not None:
            return self.tokenizer
        try:
            return re.compile(self.token_pattern).findall
        except re.error as exc:
            raise ValueError(
                f"token_pattern {self.token_pattern!r} is not a valid regular expression: {exc}."
            ) from None

    def get_stop_words(self):
        """The stop words as a frozenset, or None.

        Returns
        -------
        stop_words : frozenset of str or None
        """
        if self.stop_words is None:
            return None
        if isinstance(self.stop_words, str):
            if self.stop_words != "english":
                raise ValueError(
                    f"stop_words must be 'english', a list of words or None, got {self.stop_words!r}."
                )
            return ENGLISH_STOP_WORDS
        return frozenset(self.stop_words)

    def _build_analyzer(self):
        """``doc -> (tokens, orders)``: the tokens, and each one's n (None when all are 1)."""
        if callable(self.analyzer):
            return lambda doc: (self.analyzer(doc), None)
        preprocess = self.build_preprocessor()
        min_n, max_n = self._ngram_range()
        if self.analyzer in ("char", "char_wb"):
            grams = _char_ngrams if self.analyzer == "char" else _char_wb_ngrams
            if (min_n, max_n) == (1, 1) and self.analyzer == "char":
                return lambda doc: (list(_WHITE_SPACES.sub(" ", preprocess(doc))), None)
            return lambda doc: grams(preprocess(doc), min_n, max_n)
        tokenize = self.build_tokenizer()
        stop = self.get_stop_words()

        def words(doc):
            tokens = tokenize(preprocess(doc))
            return [t for t in tokens if t not in stop] if stop else tokens

        if (min_n, max_n) == (1, 1):
            return lambda doc: (words(doc), None)
        return lambda doc: _word_ngrams(words(doc), min_n, max_n)

    def _ngram_range(self):
        """``ngram_range`` as a checked ``(min_n, max_n)`` pair."""
        rng = self.ngram_range
        if not (
            isinstance(rng, tuple) and len(rng) == 2
            and all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in rng)
            and 1 <= rng[0] <= rng[1]
        ):
            raise ValueError(
                f"ngram_range must be a tuple (min_n, max_n) of integers with "
                f"1 <= min_n <= max_n, got {rng!r}; e.g. (1, 2) for words and bigrams."
            )
        return int(rng[0]), int(rng[1])

    def _tokenize_all(self, docs):
        """Tokenize every document.

        Returns the tokens of each document, and (with n-grams) a flat
        boolean array marking the n-grams of two or more words or
        characters, else None.
        """
        analyze = self._build_analyzer()
        analyzed = [analyze(doc) for doc in docs]
        tokens = [toks for toks, _ in analyzed]
        if self.tokenizer is not None or callable(self.analyzer):
            source = "analyzer" if callable(self.analyzer) else "tokenizer"
            for i, toks in enumerate(tokens):
                if not isinstance(toks, (list, tuple)) or not all(isinstance(t, str) for t in toks):
                    raise ValueError(
                        f"{source} must return a list of str; for document {i} "
                        f"it returned {type(toks).__name__}."
                    )
        # One analyzer for every document: it gives n-gram orders for all of them or for none.
        if not analyzed or analyzed[0][1] is None:
            return tokens, None
        orders = np.fromiter(chain.from_iterable(o for _, o in analyzed), dtype=np.int64,
                             count=sum(map(len, tokens)))
        return tokens, orders > 1

    # -- fit / transform -------------------------------------------------
    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, raw_documents, y=None):
        """Learn the vocabulary of ``raw_documents``.

        Parameters
        ----------
        raw_documents : iterable of str
            A list, 1-D array or pandas Series of documents.
        y : None
            Ignored.

        Returns
        -------
        self : TextVectorizer
            The fitted transformer.
        """
        self._fit(raw_documents)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and return the documents' id sequences.

        Equivalent to ``fit(raw_documents).transform(raw_documents)``, but
        tokenizes once.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        sequences : list of ndarray of int32
            One 1-D array of ids per document.
        """
        return self._split(*self._fit(raw_documents))

    def _fit(self, raw_documents):
        docs = _validate_documents(raw_documents)
        if not docs:
            raise ValueError(
                "raw_documents is empty: TextVectorizer needs at least one "
                "document to learn a vocabulary."
            )
        fixed = _check_vocabulary(self.vocabulary) if self.vocabulary is not None else None
        tokens, is_ngram = self._tokenize_all(docs)
        if fixed is not None:
            self.document_count_ = len(docs)
            self.fixed_vocabulary_ = True
            self.vocabulary_ = fixed
            self.vocabulary_size_ = len(fixed) + FIRST_ID
            return self._lookup(tokens) + (is_ngram,)
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        # One C-level pass numbers each distinct token by first appearance
        # (a defaultdict whose factory is a counter); counting and ranking
        # then happen in NumPy.
        first_seen = defaultdict(count().__next__)
        provisional = np.fromiter(
            map(first_seen.__getitem__, chain.from_iterable(tokens)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        distinct = np.array(list(first_seen), dtype=object)
        counts = np.bincount(provisional, minlength=len(distinct))
        keep = np.ones(len(distinct), dtype=bool)
        min_count, max_count = self._document_count_limits(len(docs))
        if min_count > 1 or max_count < len(docs):
            doc_of_token = np.repeat(np.arange(len(tokens)), lengths)
            pairs = np.unique(doc_of_token * len(distinct) + provisional)
            df = np.bincount(pairs % len(distinct), minlength=len(distinct)) if len(distinct) else counts
            keep &= (df >= min_count) & (df <= max_count)
        candidates = np.flatnonzero(keep)
        if self.max_features is not None and len(candidates) > self.max_features:
            # Only tokens at least as frequent as the max_features-th can make
            # the cut: rank only those (with bigrams, a small part of millions).
            kth = np.partition(counts[candidates], len(candidates) - self.max_features)[
                len(candidates) - self.max_features]
            candidates = candidates[counts[candidates] >= kth]
        # Descending frequency, ties alphabetically (by code point, as str sorts).
        ranked = sorted(zip((-counts[candidates]).tolist(), distinct[candidates].tolist(), candidates.tolist()))
        order = np.array([i for _, _, i in ranked[: self.max_features]], dtype=np.int64)
        if not len(order):
            raise ValueError(
                f"TextVectorizer found no token to keep in the {len(docs)} documents"
                + (f": {len(distinct)} distinct token(s), none in at least min_df={self.min_df!r} and at most "
                   f"max_df={self.max_df!r} of the documents; lower min_df (or raise max_df)." if len(distinct) else
                   "; do they only hold stop words, or nothing the token_pattern matches?")
            )
        self.document_count_ = len(docs)
        self.fixed_vocabulary_ = False
        lookup = np.full(len(distinct), OOV_ID, dtype=np.int32)
        lookup[order] = np.arange(FIRST_ID, FIRST_ID + len(order), dtype=np.int32)
        self.vocabulary_ = dict(zip(distinct[order].tolist(), range(FIRST_ID, FIRST_ID + len(order))))
        self.vocabulary_size_ = len(self.vocabulary_) + FIRST_ID
        return lookup[provisional], lengths, is_ngram

    def _document_count_limits(self, n_documents):
        """``min_df`` and ``max_df`` as document counts, checked against each other."""
        def as_count(value):
            return value if isinstance(value, numbers.Integral) else value * n_documents

        min_count, max_count = as_count(self.min_df), as_count(self.max_df)
        if max_count < min_count:
            raise ValueError(
                f"max_df={self.max_df!r} keeps tokens in at most {max_count:g} of the {n_documents} "
                f"documents, fewer than min_df={self.min_df!r} asks for ({min_count:g}); no token "
                "could pass both: lower min_df or raise max_df."
            )
        return min_count, max_count

    def transform(self, raw_documents):
        """Map each document to the sequence of its token ids.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.

        Returns
        -------
        sequences : list of ndarray of int32
            One 1-D array of ids per document, in the document's token
            order: ids >= 2 for vocabulary tokens, 1 for unknown tokens
            (dropped with ``oov="drop"``). Ragged: use
            :class:`SequencePadder` to make a matrix.
        """
        check_is_fitted(self, "vocabulary_")
        docs = _validate_documents(raw_documents)
        return self._encode(*self._tokenize_all(docs))

    def _encode(self, tokens, is_ngram=None):
        return self._split(*self._lookup(tokens), is_ngram)

    def _lookup(self, tokens):
        """The flat ids of every document's tokens, and each document's length."""
        # One dict lookup per token over the flattened corpus, then split
        # into per-document views of one buffer: fast and compact.
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        # map() over two iterables runs dict.get(token, OOV_ID) in C, no Python loop.
        ids = map(self.vocabulary_.get, chain.from_iterable(tokens), repeat(OOV_ID))
        return np.fromiter(ids, dtype=np.int32, count=int(lengths.sum())), lengths

    def _split(self, flat, lengths, is_ngram=None, values=None):
        """Drop OOV ids, then cut the flat ids into per-document views.

        The ids dropped are those of unknown n-grams, and of unknown words
        too with ``oov="drop"``. ``values`` (one per id, e.g. the tokens) are
        cut the same way and returned instead of the ids.
        """
        values = flat if values is None else values
        if self.oov == "drop" or is_ngram is not None:
            keep = flat != OOV_ID
            if self.oov != "drop":
                keep |= ~is_ngram  # unknown words stay, as id 1
            doc_of_token = np.repeat(np.arange(len(lengths)), lengths)
            lengths = np.bincount(doc_of_token[keep], minlength=len(lengths))
            values = values[keep]
        return np.split(values, np.cumsum(lengths)[:-1]) if len(lengths) else []

    def transform_tokens(self, raw_documents):
        """The tokens behind :meth:`transform`'s ids, one list per document.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.

        Returns
        -------
        tokens : list of list of str
            For each document, the token each id of ``transform(doc)``
            stands for, in the same order and of the same length: words (also
            the unknown ones, which have id 1) and, with ``ngram_range``, the
            known n-grams. It names the ids in explanations.

        Examples
        --------
        >>> vec = TextVectorizer(ngram_range=(1, 2)).fit(["not good", "good"])
        >>> vec.transform_tokens(["not good at all"])
        [['not', 'not good', 'good', 'at', 'all']]
        >>> [s.tolist() for s in vec.transform(["not good at all"])]
        [[3, 4, 2, 1, 1]]
        """
        check_is_fitted(self, "vocabulary_")
        tokens, is_ngram = self._tokenize_all(_validate_documents(raw_documents))
        flat = np.array(list(chain.from_iterable(tokens)), dtype=object)
        return [part.tolist() for part in self._split(*self._lookup(tokens), is_ngram, values=flat)]

    def inverse_transform(self, sequences):
        """Map id sequences back to lists of tokens.

        Padding (0) is skipped; out-of-vocabulary ids (1, or any id not in
        the vocabulary) are skipped too, since the token they stood for is
        unknown.

        Parameters
        ----------
        sequences : iterable of sequences of int, or 2-D array
            As returned by :meth:`transform` or :class:`SequencePadder`.

        Returns
        -------
        tokens : list of list of str
        """
        check_is_fitted(self, "vocabulary_")
        flat, lengths = validate_sequences(
            sequences, where="inverse_transform input", allow_empty=True
        )
        inverse = {i: t for t, i in self.vocabulary_.items()}
        seqs = np.split(flat, np.cumsum(lengths)[:-1]) if len(lengths) else []
        return [[inverse[i] for i in s.tolist() if i in inverse] for s in seqs]

    def set_output(self, *, transform=None):
        """Accept an output container setting; the output stays a list of sequences.

        The sequences are ragged (one length per document), so they are not a
        table: no pandas or polars frame can hold them. This method exists so
        that ``Pipeline.set_output`` and
        ``sklearn.set_config(transform_output=...)`` work with a
        ``TextVectorizer`` in the pipeline; the step after it
        (:class:`SequencePadder`) makes the table.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            Checked, then left without effect.

        Returns
        -------
        self : TextVectorizer
        """
        if transform not in (None, "default", "pandas", "polars"):
            raise ValueError(
                f"transform must be 'default', 'pandas', 'polars' or None, got {transform!r}."
            )
        return self

    def get_feature_names_out(self, input_features=None):
        """Vocabulary tokens in id order (id 2 first), as an object array.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        names : ndarray of object
        """
        check_is_fitted(self, "vocabulary_")
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        tags.requires_fit = True
        return tags
