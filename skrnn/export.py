"""Ship a fitted pipeline as one TensorFlow model that takes raw strings.

A fitted ``TextVectorizer -> SequencePadder -> <skrnn estimator>`` pipeline
runs its text side in Python. :func:`to_keras` rebuilds that side in
TensorFlow ops (``tf.strings`` regular expressions, lower-casing, n-grams
and a vocabulary lookup) in front of the fitted Keras model, so the result
takes a batch of strings and returns what ``predict_proba`` (or a
regressor's ``predict``) returns. :func:`save` writes it as a ``.keras`` file
and as a TensorFlow SavedModel whose serving signature takes strings: the
SavedModel loads with TensorFlow alone, without skrnn, scikit-learn or
scikeras (in TF Serving too).

What the TensorFlow side computes, as :class:`~skrnn.TextVectorizer` and
:class:`~skrnn.SequencePadder` do:

- HTML tags replaced by a space (``strip_html=True``), then lower-casing
  (``lowercase=True``);
- the default token pattern, words of letters, digits and underscores with
  inner apostrophes (``don't``);
- stop words left out; ``min_df``, ``max_df`` and ``max_features`` through
  the fitted vocabulary;
- word n-grams in text order, each after the word it starts at, unknown
  n-grams left out;
- unknown words as id 1 (or left out with ``oov="drop"``), padding as the
  padder's ``value``, ``pre`` or ``post`` padding and truncation.

A setting TensorFlow ops cannot reproduce exactly (a callable
``preprocessor``, ``tokenizer`` or ``analyzer``, character n-grams, another
``token_pattern``) is refused with an error naming it: never an
approximation. Python and TensorFlow read Unicode from tables of different
versions, so a few characters added to Unicode in recent years are
lower-cased or counted as letters by one side only; IMDB's test reviews and
SST-5's sentences hold none of them, and the benchmark lists each kind with
its count (docs/benchmarks.md, "Shipping a model").

Examples
--------
>>> from sklearn.pipeline import make_pipeline
>>> from skrnn import TextVectorizer, SequencePadder, GRUClassifier
>>> from skrnn.export import to_keras
>>> texts = ["a great film", "loved it", "a dull film", "hated it"] * 10
>>> pipe = make_pipeline(TextVectorizer(), SequencePadder(maxlen=4),
...                      GRUClassifier(units=4, epochs=2, random_state=0)).fit(texts, [1, 1, 0, 0] * 10)
>>> model = to_keras(pipe)
>>> import numpy as np
>>> texts = np.array(["loved it", "a dull film"], dtype=object)   # or tf.constant([...])
>>> bool(np.allclose(model.predict(texts, verbose=0), pipe.predict_proba(texts), atol=1e-5))
True
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

# The layers a saved model is made of, registered so that keras.models.load_model reads model.keras.
from . import _model, _recurrent  # noqa: F401
from ._base import RecurrentEstimator
from ._compat import write_saved_model
from ._ids import OOV_ID
from ._pipeline import text_pipeline_steps
from ._text import DEFAULT_TOKEN_PATTERN

__all__ = ["to_keras", "save", "ExportError", "TextToIds", "OutputHead", "HTML_TAG_PATTERN"]

#: What ``strip_html`` replaces by a space, in RE2 syntax (the same expression as in Python).
HTML_TAG_PATTERN = r"<[^<>]{0,200}>"
#: Runs of characters that cannot be in a token of the default pattern: everything but letters, digits,
#: underscores and apostrophes. Python's ``\w`` is Unicode letters, digits and the underscore.
_NOT_IN_A_TOKEN = r"[^\pL\pN_']+"
#: A token of the default pattern is a run of word characters and apostrophes without its outer apostrophes.
_OUTER_APOSTROPHES = r"^'+|'+$"
#: The metadata file :func:`save` writes beside the models.
METADATA = "skrnn_export.json"


class ExportError(ValueError):
    """A pipeline, or one of its settings, that cannot be exported exactly."""


# -- what can be exported ------------------------------------------------------------------------
def _parts(pipeline):
    """The fitted vectorizer, padder and estimator of ``pipeline``, or an :class:`ExportError`."""
    return text_pipeline_steps(
        pipeline, needs="export", estimator_types=RecurrentEstimator,
        estimator_name="an skrnn classifier or regressor", error=ExportError, check_text_side=_check_exportable,
    )


def _check_exportable(vectorizer):
    """Refuse the vectorizer settings TensorFlow ops cannot reproduce exactly, naming each."""
    refused = []
    for name in ("preprocessor", "tokenizer"):
        if getattr(vectorizer, name) is not None:
            refused.append(f"{name}={getattr(vectorizer, name)!r} (a Python callable)")
    if callable(vectorizer.analyzer):
        refused.append(f"analyzer={vectorizer.analyzer!r} (a Python callable)")
    elif vectorizer.analyzer != "word":
        refused.append(f"analyzer={vectorizer.analyzer!r} (character n-grams are not exported)")
    if vectorizer.token_pattern != DEFAULT_TOKEN_PATTERN:
        refused.append(f"token_pattern={vectorizer.token_pattern!r} (only the default pattern is exported)")
    if refused:
        raise ExportError(
            "this TextVectorizer cannot be exported as TensorFlow ops without changing what it computes: "
            + "; ".join(refused) + ". Refit with the default settings for these, or serve the pickled pipeline."
        )


def _vocabulary_in_id_order(vectorizer):
    """The tokens of ids 2, 3, ... in order; they must be contiguous, as ``TextVectorizer`` numbers them."""
    tokens = vectorizer.get_feature_names_out().tolist()
    ids = [vectorizer.vocabulary_[t] for t in tokens]
    if ids != list(range(OOV_ID + 1, OOV_ID + 1 + len(ids))):
        raise ExportError("the vectorizer's vocabulary ids are not 2, 3, ... in a row; refit it.")
    return tokens


# -- the TensorFlow text side ---------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="skrnn")
class TextToIds(keras.layers.Layer):
    """Raw strings -> the padded token ids a fitted vectorizer and padder give them, in TensorFlow ops.

    Parameters
    ----------
    vocabulary : list of str
        The tokens of ids 2, 3, ... in order.
    stop_words : list of str, default=()
    lowercase, strip_html : bool, default=True
    ngram_range : tuple (min_n, max_n), default=(1, 1)
    oov : {"index", "drop"}, default="index"
    maxlen : int, default=1
    padding, truncating : {"pre", "post"}, default="pre"
    value : int, default=0
    id_limit : int or None, default=None
        Ids at or above it become the unknown-word id, as the estimator's
        ``vocabulary_size_`` makes them in ``predict``.
    **kwargs
        Keras' layer arguments (``name``).
    """

    def __init__(self, vocabulary, *, stop_words=(), lowercase=True, strip_html=True, ngram_range=(1, 1),
                 oov="index", maxlen=1, padding="pre", truncating="pre", value=0, id_limit=None, **kwargs):
        kwargs.pop("trainable", None)
        super().__init__(trainable=False, **kwargs)
        self.vocabulary, self.stop_words = list(vocabulary), list(stop_words)
        self.lowercase, self.strip_html, self.oov = bool(lowercase), bool(strip_html), oov
        self.ngram_range = tuple(int(n) for n in ngram_range)
        self.maxlen, self.padding, self.truncating, self.value = int(maxlen), padding, truncating, int(value)
        self.id_limit = None if id_limit is None else int(id_limit)
        # "" is the mask token (id 0) and never a token; unknown tokens get the one OOV index, 1.
        self.lookup = keras.layers.StringLookup(vocabulary=self.vocabulary, mask_token="", num_oov_indices=1,
                                                output_mode="int", dtype="int64")
        self.stop = (keras.layers.StringLookup(vocabulary=self.stop_words, mask_token=None, num_oov_indices=1,
                                               dtype="int64") if self.stop_words else None)

    def get_config(self):
        return {**super().get_config(), "vocabulary": self.vocabulary, "stop_words": self.stop_words,
                "lowercase": self.lowercase, "strip_html": self.strip_html, "ngram_range": list(self.ngram_range),
                "oov": self.oov, "maxlen": self.maxlen, "padding": self.padding, "truncating": self.truncating,
                "value": self.value, "id_limit": self.id_limit}

    def build(self, input_shape):
        self.built = True  # the lookups hold their vocabularies from __init__: nothing to create

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.maxlen)

    def call(self, texts):
        texts = tf.reshape(tf.convert_to_tensor(texts, dtype=tf.string), [-1])
        return _pad(self.ids(texts), self.maxlen, self.padding, self.truncating, self.value)

    def tokens(self, texts):
        """The words of each text, as the vectorizer's analyzer gives them before n-grams (ragged)."""
        if self.strip_html:
            texts = tf.strings.regex_replace(texts, HTML_TAG_PATTERN, " ")
        if self.lowercase:
            texts = tf.strings.lower(texts, encoding="utf-8")
        words = tf.strings.split(tf.strings.regex_replace(texts, _NOT_IN_A_TOKEN, " "))
        words = tf.strings.regex_replace(words, _OUTER_APOSTROPHES, "")
        words = tf.ragged.boolean_mask(words, tf.strings.length(words) > 0)
        if self.stop is not None:
            words = tf.ragged.boolean_mask(words, tf.equal(self.stop(words), 0))
        return words

    def ids(self, texts):
        """Each text's token ids, unpadded (ragged): what ``TextVectorizer.transform`` gives."""
        grams, orders = _ngrams_in_text_order(self.tokens(texts), *self.ngram_range)
        ids = tf.cast(self.lookup(grams), tf.int32)
        unknown = tf.equal(ids, OOV_ID)
        keep = tf.logical_not(unknown) if self.oov == "drop" else tf.logical_not(unknown & (orders > 1))
        ids = tf.ragged.boolean_mask(ids, keep)
        if self.id_limit is not None:  # ids the embedding has no row for are unknown words, as in predict
            ids = tf.ragged.map_flat_values(lambda v: tf.where(v >= self.id_limit, OOV_ID, v), ids)
        return ids


def _ngrams_in_text_order(words, min_n, max_n):
    """At each word position, the n-grams starting there, shortest first; and each one's n (ragged).

    The n-gram at a position joins the word there with the ``n - 1`` words
    after it (a dense matrix shifted left), and exists only where all are
    words: string joins rather than ``StringNGrams``, which TensorFlow Lite
    cannot run.
    """
    if (min_n, max_n) == (1, 1):
        return words, tf.ones_like(words, dtype=tf.int32)
    dense = words.to_tensor(default_value="")
    rows = tf.shape(dense)[0]
    shifted = [dense]
    for _ in range(1, max_n):
        shifted.append(tf.concat([shifted[-1], tf.fill([rows, 1], "")], axis=1)[:, 1:])
    grams, orders = [], []
    for n in range(min_n, max_n + 1):
        complete = tf.reduce_all(tf.stack([tf.strings.length(part) > 0 for part in shifted[:n]], axis=0), axis=0)
        joined = tf.strings.reduce_join(tf.stack(shifted[:n], axis=2), axis=2, separator=" ") if n > 1 else dense
        grams.append(tf.where(complete, joined, ""))
        orders.append(tf.fill(tf.shape(dense), n))
    grams, orders = tf.stack(grams, axis=2), tf.stack(orders, axis=2)
    flat_shape = tf.stack([rows, -1])
    grams, orders = tf.reshape(grams, flat_shape), tf.reshape(orders, flat_shape)
    present = tf.strings.length(grams) > 0
    return tf.ragged.boolean_mask(grams, present), tf.ragged.boolean_mask(orders, present)


def _pad(ids, maxlen, padding, truncating, value):
    """Ragged ids -> an (n, maxlen) matrix, as ``keras.utils.pad_sequences`` pads and truncates."""
    lengths = ids.row_lengths()
    kept = tf.minimum(lengths, maxlen)
    start = lengths - kept if truncating == "pre" else tf.zeros_like(lengths)
    column = tf.range(maxlen, dtype=lengths.dtype)[None, :]
    offset = (maxlen - kept)[:, None] if padding == "pre" else tf.zeros_like(kept)[:, None]
    source = start[:, None] + column - offset
    filled = (column >= offset) & (column < offset + kept[:, None])
    values = tf.concat([ids.flat_values, tf.constant([value], ids.dtype)], 0)
    flat = tf.clip_by_value(ids.row_splits[:-1][:, None] + source, 0, tf.size(values, out_type=lengths.dtype) - 1)
    return tf.where(filled, tf.gather(values, flat), tf.constant(value, ids.dtype))


@keras.saving.register_keras_serializable(package="skrnn")
class OutputHead(keras.layers.Layer):
    """The network's outputs as the estimator returns them.

    ``[1 - p, p]`` for a binary classifier, the outputs as they are for
    other classifiers, ``y * scale + mean`` for a regressor (squeezed for a
    1-D target).

    Parameters
    ----------
    kind : {"proba", "regression"}, default="proba"
    two_columns : bool, default=False
        A binary classifier's one sigmoid output as two columns.
    mean, scale : list of float, default=None
        A regressor's target standardisation.
    squeeze : bool, default=False
        Drop the last axis (a 1-D target).
    **kwargs
        Keras' layer arguments (``name``).
    """

    def __init__(self, kind="proba", two_columns=False, mean=None, scale=None, squeeze=False, **kwargs):
        kwargs.pop("trainable", None)
        super().__init__(trainable=False, **kwargs)
        self.kind, self.two_columns, self.squeeze = kind, bool(two_columns), bool(squeeze)
        self.mean, self.scale = mean, scale

    def get_config(self):
        return {**super().get_config(), "kind": self.kind, "two_columns": self.two_columns, "mean": self.mean,
                "scale": self.scale, "squeeze": self.squeeze}

    def call(self, outputs):
        if self.kind == "regression":
            outputs = outputs * tf.constant(self.scale, outputs.dtype) + tf.constant(self.mean, outputs.dtype)
            return tf.squeeze(outputs, axis=-1) if self.squeeze else outputs
        return tf.concat([1.0 - outputs, outputs], axis=-1) if self.two_columns else outputs


def _text_layer(vectorizer, padder, estimator):
    min_n, max_n = vectorizer.ngram_range
    stop = sorted(vectorizer.get_stop_words() or ())
    return TextToIds(
        _vocabulary_in_id_order(vectorizer), stop_words=stop, lowercase=vectorizer.lowercase,
        strip_html=vectorizer.strip_html, ngram_range=(min_n, max_n), oov=vectorizer.oov, maxlen=padder.maxlen_,
        padding=padder.padding, truncating=padder.truncating, value=padder.value,
        id_limit=getattr(estimator, "vocabulary_size_", None), name="text_to_ids")


def _is_multilabel(estimator):
    return getattr(estimator, "target_type_", None) == "multilabel-indicator"


def _head(estimator):
    if hasattr(estimator, "classes_"):
        two = not _is_multilabel(estimator) and estimator.n_classes_ == 2 and estimator.model_.output_shape[-1] == 1
        return OutputHead(kind="proba", two_columns=two, name="probabilities")
    mean = np.asarray(estimator.target_mean_, dtype=np.float64).reshape(-1).tolist()
    scale = np.asarray(estimator.target_scale_, dtype=np.float64).reshape(-1).tolist()
    one_target = len(estimator.target_encoder_.shape_) == 0
    return OutputHead(kind="regression", mean=mean, scale=scale, squeeze=one_target, name="predictions")


# -- the public functions -------------------------------------------------------------------------
def to_keras(pipeline):
    """A Keras model that takes a batch of raw strings and returns the pipeline's predictions.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A fitted ``TextVectorizer -> SequencePadder -> <skrnn estimator>``.

    Returns
    -------
    model : keras.Model
        Input: a 1-D batch of strings (``tf.constant(texts)``, or a NumPy
        array of ``dtype=object``: Keras refuses NumPy's fixed-width string
        arrays). Output: ``predict_proba``'s
        probabilities for a classifier (columns in ``classes_`` order; each
        label's own for a multilabel one), ``predict``'s values for a
        regressor. Its first layer, ``text_to_ids``, gives the padded token
        ids (``model.get_layer("text_to_ids")``).

    Raises
    ------
    ExportError
        For anything but such a pipeline, or a vectorizer setting TensorFlow
        ops cannot reproduce exactly (the message names it).
    """
    vectorizer, padder, estimator = _parts(pipeline)
    texts = keras.Input(shape=(), dtype="string", name="texts")
    ids = _text_layer(vectorizer, padder, estimator)(texts)
    outputs = _head(estimator)(estimator.model_(ids))
    return keras.Model(texts, outputs, name="skrnn_export")


def save(pipeline, path):
    """Write the exported pipeline: a ``.keras`` file and a TensorFlow SavedModel that takes strings.

    ``path`` becomes a folder holding ``model.keras`` (loads with
    ``keras.models.load_model`` after ``import skrnn``),
    ``saved_model/`` (loads with ``tf.saved_model.load`` alone, without
    skrnn; TF Serving serves it) and ``skrnn_export.json`` (the task, the
    classes and the signatures' outputs). The SavedModel's signatures take
    a 1-D string tensor ``texts``:

    - ``serving_default``: ``probabilities`` and ``labels`` (a classifier;
      a multilabel one gives a 0/1 ``labels`` matrix) or ``predictions``
      (a regressor);
    - ``token_ids``: the padded token ids, as the pipeline's first two
      steps give them.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A fitted ``TextVectorizer -> SequencePadder -> <skrnn estimator>``.
    path : str or path-like
        The folder to write; it must not exist yet, or be empty.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    ExportError
        As :func:`to_keras`; also when ``path`` is a file or a folder that is
        not empty. Nothing is written then.
    """
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ExportError(f"{path} exists and is not an empty folder; choose a new path for the export.")
    model = to_keras(pipeline)
    estimator = pipeline[-1]
    text_layer = model.get_layer("text_to_ids")
    classifier = hasattr(estimator, "classes_")
    multilabel = classifier and _is_multilabel(estimator)
    classes = [str(c) for c in estimator.classes_] if classifier else []
    class_names = tf.constant(classes or [""], dtype=tf.string)
    spec = [tf.TensorSpec([None], tf.string, name="texts")]

    def serve(texts):
        out = model(texts, training=False)
        if not classifier:
            return {"predictions": out}
        labels = tf.cast(out > 0.5, tf.int64) if multilabel else tf.gather(class_names, tf.argmax(out, axis=-1))
        return {"probabilities": out, "labels": labels}

    def token_ids(texts):
        return {"token_ids": text_layer(texts)}

    staging = path.parent / f".{path.name}.partial"
    if staging.exists():
        import shutil

        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    model.save(staging / "model.keras")
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serving_default", serve, input_signature=spec)
    archive.add_endpoint("token_ids", token_ids, input_signature=spec)
    write_saved_model(archive, staging / "saved_model")
    metadata = {
        "task": "multilabel" if multilabel else "classification" if classifier else "regression",
        "classes": classes, "maxlen": text_layer.maxlen, "input": "texts",
        "outputs": ["probabilities", "labels"] if classifier else ["predictions"],
        "signatures": ["serving_default", "token_ids"],
    }
    (staging / METADATA).write_text(json.dumps(metadata, indent=1) + "\n", encoding="utf-8")
    if path.exists():
        path.rmdir()
    staging.rename(path)
    return path


