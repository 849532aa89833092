"""The Keras model behind the classifiers: a pure function of its settings."""

from __future__ import annotations

import keras
from keras import layers, ops

__all__ = ["build_rnn_model", "MaskedGlobalMaxPooling1D", "MaskedGlobalAveragePooling1D", "CELLS"]

#: Recurrent layer class per cell name.
CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


@keras.saving.register_keras_serializable(package="skrnn")
class MaskedGlobalMaxPooling1D(layers.Layer):
    """Max over the time steps, ignoring masked (padding) steps.

    Keras' ``GlobalMaxPooling1D`` ignores the mask, so padding steps (whose
    outputs are zeros or stale states) could win the max. A sequence with
    every step masked pools to zeros.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.max(inputs, axis=1)
        keep = ops.expand_dims(ops.cast(mask, "bool"), -1)
        lowest = ops.convert_to_tensor(-3.0e38 if inputs.dtype == "float32" else -6.0e4, inputs.dtype)
        pooled = ops.max(ops.where(keep, inputs, lowest), axis=1)
        any_step = ops.any(keep, axis=1)
        return ops.where(any_step, pooled, ops.zeros_like(pooled))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


@keras.saving.register_keras_serializable(package="skrnn")
class MaskedGlobalAveragePooling1D(layers.Layer):
    """Mean over the unmasked time steps; a fully masked sequence gives zeros.

    Keras' ``GlobalAveragePooling1D`` divides by the number of unmasked
    steps, which is 0/0 = NaN for an empty document.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        total = ops.sum(inputs * weights, axis=1)
        count = ops.sum(weights, axis=1)
        return total / ops.maximum(count, ops.ones_like(count))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


def build_rnn_model(
    *,
    cell,
    vocabulary_size,
    n_classes,
    embedding_dim=32,
    units=32,
    n_layers=1,
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    pooling="last",
    mask_padding=True,
    seed=None,
    name=None,
):
    """Build (not compile) ``Embedding -> recurrent layers -> Dense``.

    Parameters
    ----------
    cell : {"simple_rnn", "lstm", "gru"}
        The recurrent layer.
    vocabulary_size : int
        ``input_dim`` of the embedding (ids 0 .. vocabulary_size - 1).
    n_classes : int
        2 gives one sigmoid unit; more give a softmax over ``n_classes``.
    embedding_dim, units, n_layers, bidirectional, dropout, recurrent_dropout
        As in the classifiers. All recurrent layers but the last return
        sequences (stacking), and so does the last one unless
        ``pooling="last"``.
    pooling : {"last", "max", "mean"}
        Read the last state, or pool the outputs over the (unmasked) steps.
    mask_padding : bool
        Mask id 0, so padding never reaches the recurrent state.
    seed : int or None
        Seeds every initializer and dropout mask explicitly, so the model
        does not depend on global random state (which other threads, e.g. a
        Dask worker's, may draw from at any time).

    Returns
    -------
    model : keras.Model
        Input: int token ids of shape (batch, steps), any number of steps.
    """
    rnn_class = CELLS[cell]
    seeds = iter(range(seed * 101, seed * 101 + 100)) if seed is not None else None

    def init(kind):
        if seeds is None:
            return {"GlorotUniform": "glorot_uniform", "Orthogonal": "orthogonal"}[kind]
        return getattr(keras.initializers, kind)(seed=next(seeds))

    inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    x = layers.Embedding(
        vocabulary_size, embedding_dim, mask_zero=mask_padding, name="embedding",
        embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=next(seeds))
        if seeds else "uniform",
    )(inputs)
    for i in range(n_layers):
        last = i == n_layers - 1

        def make_rnn(go_backwards=False):
            return rnn_class(
                units,
                dropout=dropout,
                recurrent_dropout=recurrent_dropout,
                return_sequences=not (last and pooling == "last"),
                kernel_initializer=init("GlorotUniform"),
                recurrent_initializer=init("Orthogonal"),
                seed=next(seeds) if seeds else None,
                go_backwards=go_backwards,
                name=f"{cell}_{i}" if not go_backwards else f"backward_{cell}_{i}",
            )

        if bidirectional:
            rnn = layers.Bidirectional(make_rnn(), backward_layer=make_rnn(go_backwards=True),
                                       name=f"bidirectional_{i}")
        else:
            rnn = make_rnn()
        x = rnn(x)
    if pooling == "max":
        x = MaskedGlobalMaxPooling1D(name="max_pool")(x)
    elif pooling == "mean":
        x = MaskedGlobalAveragePooling1D(name="mean_pool")(x)
    if n_classes <= 2:
        outputs = layers.Dense(1, activation="sigmoid", kernel_initializer=init("GlorotUniform"), name="output")(x)
    else:
        outputs = layers.Dense(
            n_classes, activation="softmax", kernel_initializer=init("GlorotUniform"), name="output"
        )(x)
    return keras.Model(inputs, outputs, name=name or f"skrnn_{cell}")
