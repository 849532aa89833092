"""The Keras model behind the estimators: a pure function of its settings.

How padding is handled
----------------------
With ``mask_padding=True`` the model does not lean on Keras masking (which
makes the recurrent loop check a mask at every step). Instead it first *packs* each row: the
non-padding ids move to the front, in their order (:class:`PackTokens`).
The recurrent layers then run unmasked, and every readout uses each row's
length: the last state is read at step ``length - 1``, pooling covers the
first ``length`` steps, and the backward half of a bidirectional layer
reads each row's tokens reversed within its length (:class:`ReverseWithin`).
A step only depends on the steps before it, so the trailing padding never
reaches a number that is read, and the network computes exactly what the
masked one would (tested against Keras' masked layers to 1e-5).
"""

from __future__ import annotations

import keras
from keras import layers, ops

from ._ids import PAD_ID
from ._recurrent import FastGRU, FastLSTM, FastSimpleRNN

__all__ = ["build_rnn_model", "PackTokens", "ReverseWithin", "LengthPooling", "CELLS"]

#: Recurrent layer class per cell name: Keras' layers with a faster loop on
#: the CPU (:mod:`skrnn._recurrent`).
CELLS = {"simple_rnn": FastSimpleRNN, "lstm": FastLSTM, "gru": FastGRU}


def _steps(ids):
    """The step indices 0 .. steps - 1 of a (batch, steps) tensor."""
    return ops.arange(ops.shape(ids)[1], dtype="int32")


class _LengthLayer(layers.Layer):
    """Base of the layers that read a sequence up to each row's length.

    ``mask_padding=False`` reads every step (nothing is padding).
    """

    def __init__(self, mask_padding=True, **kwargs):
        super().__init__(**kwargs)
        self.mask_padding = mask_padding

    def get_config(self):
        return {**super().get_config(), "mask_padding": self.mask_padding}

    def lengths(self, ids):
        """Per-row number of steps to read: the non-padding count, or every step."""
        if not self.mask_padding:
            return ops.full((ops.shape(ids)[0],), ops.shape(ids)[1], dtype="int32")
        return ops.sum(ops.cast(ops.not_equal(ids, PAD_ID), "int32"), axis=1)


@keras.saving.register_keras_serializable(package="skrnn")
class PackTokens(layers.Layer):
    """Move each row's non-padding ids (id != 0) to its front, keeping their order.

    ``[[0, 0, 5, 0, 7]]`` becomes ``[[5, 7, 0, 0, 0]]``: pre-padding becomes
    post-padding, and a 0 between tokens is skipped, as masking would.
    """

    def call(self, ids):
        steps = _steps(ids)
        # Unique sort keys: kept ids by position, then padding by position.
        key = ops.where(ops.not_equal(ids, PAD_ID), steps, steps + ops.shape(ids)[1])
        return ops.take_along_axis(ids, ops.argsort(key, axis=1), axis=1)

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="skrnn")
class ReverseWithin(_LengthLayer):
    """Reverse the first ``length`` steps of each row (``tf.reverse_sequence``).

    Called as ``layer(sequences, ids)`` with packed ``ids``; the steps
    past the length stay where they are. Applying it twice is the identity.
    """

    def call(self, sequences, ids):
        lengths = self.lengths(ids)[:, None]
        steps = _steps(ids)[None, :]
        index = ops.where(steps < lengths, lengths - 1 - steps, steps)
        return ops.take_along_axis(sequences, ops.expand_dims(index, -1), axis=1)

    def compute_output_shape(self, sequences_shape, ids_shape):
        return sequences_shape


@keras.saving.register_keras_serializable(package="skrnn")
class LengthPooling(_LengthLayer):
    """Read a sequence of outputs over each row's first ``length`` steps.

    Called as ``layer(sequences, ids)`` with packed ``ids``.

    Parameters
    ----------
    mode : {"last", "max", "mean"}
        The output at step ``length - 1``, the maximum or the mean over the
        first ``length`` steps. A row of only padding (length 0) gives zeros.
    mask_padding : bool, default=True
        ``False`` reads all the steps.
    """

    def __init__(self, mode="last", mask_padding=True, **kwargs):
        super().__init__(mask_padding=mask_padding, **kwargs)
        if mode not in ("last", "max", "mean"):
            raise ValueError(f"mode must be 'last', 'max' or 'mean', got {mode!r}.")
        self.mode = mode

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}

    def call(self, sequences, ids):
        lengths = self.lengths(ids)
        any_step = ops.expand_dims(lengths > 0, -1)
        if self.mode == "last":
            index = ops.reshape(ops.maximum(lengths - 1, 0), (-1, 1, 1))
            pooled = ops.take_along_axis(sequences, index, axis=1)[:, 0]
        else:
            steps = _steps(ids)[None, :]
            keep = ops.expand_dims(steps < lengths[:, None], -1)
            if self.mode == "max":
                lowest = ops.convert_to_tensor(-3.0e38 if sequences.dtype == "float32" else -6.0e4, sequences.dtype)
                pooled = ops.max(ops.where(keep, sequences, lowest), axis=1)
            else:
                total = ops.sum(ops.where(keep, sequences, ops.zeros_like(sequences)), axis=1)
                count = ops.cast(ops.maximum(lengths, 1), sequences.dtype)
                pooled = total / ops.expand_dims(count, -1)
        return ops.where(any_step, pooled, ops.zeros_like(pooled))

    def compute_output_shape(self, sequences_shape, ids_shape):
        return (sequences_shape[0], sequences_shape[2])


def build_rnn_model(
    *,
    cell,
    vocabulary_size,
    n_outputs=1,
    output_activation="sigmoid",
    embedding_dim=32,
    units=32,
    n_layers=1,
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    pooling="last",
    mask_padding=True,
    embeddings=None,
    trainable_embeddings=True,
    seed=None,
    name=None,
):
    """Build (not compile) ``Embedding -> recurrent layers -> readout -> Dense``.

    Parameters
    ----------
    cell : {"simple_rnn", "lstm", "gru"}
        The recurrent layer.
    vocabulary_size : int
        ``input_dim`` of the embedding (ids 0 .. vocabulary_size - 1).
    n_outputs : int, default=1
        Units of the output layer: 1 for binary classification (a sigmoid)
        or one regression target, the number of classes (a softmax), of
        labels (sigmoids) or of targets.
    output_activation : {"sigmoid", "softmax", "linear"}, default="sigmoid"
        The output layer's activation.
    embedding_dim, units, n_layers, bidirectional, dropout, recurrent_dropout
        As in the estimators. Every recurrent layer returns its sequence of
        outputs; the readout (:class:`LengthPooling`) picks from it.
    pooling : {"last", "max", "mean"}
        Read the last state, or pool the outputs over the (non-padding) steps.
    mask_padding : bool
        Leave id 0 out: rows are packed (:class:`PackTokens`) and read up to
        their length, which computes what Keras masking computes. ``False``
        feeds padding through the network like any token.
    embeddings : array of shape (vocabulary_size, embedding_dim) or None
        The embedding layer's starting weights; None draws them at random.
    trainable_embeddings : bool
        Whether the embedding layer trains (its ``trainable`` flag).
    seed : int or None
        Seeds every initializer and dropout mask explicitly, so the model
        does not depend on global random state (which other threads, e.g. a
        Dask worker's, may draw from at any time).

    Returns
    -------
    model : keras.Model
        Input: int token ids of shape (batch, steps), any number of steps.
        Layers named ``"embedding"``, ``f"{cell}_{i}"`` (and
        ``f"backward_{cell}_{i}"`` when bidirectional) and ``"output"``.
    """
    rnn_class = CELLS[cell]
    seeds = iter(range(seed * 101, seed * 101 + 100)) if seed is not None else None

    def init(kind):
        if seeds is None:
            return {"GlorotUniform": "glorot_uniform", "Orthogonal": "orthogonal"}[kind]
        return getattr(keras.initializers, kind)(seed=next(seeds))

    inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    ids = PackTokens(name="pack")(inputs) if mask_padding else inputs
    x = layers.Embedding(
        vocabulary_size, embedding_dim, name="embedding",
        embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=next(seeds))
        if seeds else "uniform",
        trainable=trainable_embeddings,
    )(ids)

    def make_rnn(layer_name):
        return rnn_class(
            units,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            return_sequences=True,
            kernel_initializer=init("GlorotUniform"),
            recurrent_initializer=init("Orthogonal"),
            seed=next(seeds) if seeds else None,
            name=layer_name,
        )

    def reverse(sequences, layer_name):
        return ReverseWithin(mask_padding=mask_padding, name=layer_name)(sequences, ids)

    def read(sequences, layer_name):
        return LengthPooling(pooling, mask_padding=mask_padding, name=layer_name)(sequences, ids)

    for i in range(n_layers):
        last = i == n_layers - 1
        forward = make_rnn(f"{cell}_{i}")(x)
        if not bidirectional:
            x = forward
            continue
        # The backward direction reads each row's tokens last to first.
        backward = make_rnn(f"backward_{cell}_{i}")(reverse(x, f"reverse_in_{i}"))
        if last and pooling == "last":
            # Its "last" state is the one after the row's first token.
            x = layers.Concatenate(name=f"bidirectional_{i}")(
                [read(forward, "forward_last"), read(backward, "backward_last")]
            )
        else:
            x = layers.Concatenate(name=f"bidirectional_{i}")([forward, reverse(backward, f"reverse_out_{i}")])
    if not (bidirectional and pooling == "last"):
        x = read(x, f"{pooling}_pool")
    outputs = layers.Dense(
        n_outputs, activation=output_activation, kernel_initializer=init("GlorotUniform"), name="output"
    )(x)
    model = keras.Model(inputs, outputs, name=name or f"skrnn_{cell}")
    if embeddings is not None:
        model.get_layer("embedding").embeddings.assign(embeddings)
    return model
