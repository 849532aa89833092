"""The packed model against Keras' own masked layers (the reference)."""

import itertools

import keras
import numpy as np
import pytest
from keras import layers

from skrnn._model import LengthPooling, PackTokens, ReverseWithin, build_rnn_model

#: Keras' own layers, the reference (skrnn's CELLS run LSTM and SimpleRNN faster).
KERAS_CELLS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


def keras_masked_model(cell, *, vocabulary_size, embedding_dim, units, n_layers, bidirectional, pooling,
                       mask_padding):
    """The textbook Keras model: Embedding(mask_zero) -> [Bidirectional](RNN) -> pooling -> Dense.

    Returns the model and its layers under the names build_rnn_model gives them.
    """
    inputs = keras.Input((None,), dtype="int32")
    parts = {"embedding": layers.Embedding(vocabulary_size, embedding_dim, mask_zero=mask_padding)}
    x = parts["embedding"](inputs)
    for i in range(n_layers):
        sequences = i < n_layers - 1 or pooling != "last"
        rnn = parts[f"{cell}_{i}"] = KERAS_CELLS[cell](units, return_sequences=sequences)
        if bidirectional:
            rnn = layers.Bidirectional(rnn, backward_layer=KERAS_CELLS[cell](units, return_sequences=sequences,
                                                                      go_backwards=True))
            parts[f"{cell}_{i}"], parts[f"backward_{cell}_{i}"] = rnn.forward_layer, rnn.backward_layer
        x = rnn(x)
    if pooling != "last":
        # Keras' global pooling layers ignore the mask: pool by hand over the non-padding steps.
        def pool(tensors):
            seq, ids = tensors
            keep = keras.ops.expand_dims(keras.ops.not_equal(ids, 0) | (not mask_padding), -1)
            if pooling == "max":
                return keras.ops.max(keras.ops.where(keep, seq, -1e30), axis=1)
            weights = keras.ops.cast(keep, "float32")
            return keras.ops.sum(seq * weights, axis=1) / keras.ops.maximum(keras.ops.sum(weights, axis=1), 1.0)

        x = layers.Lambda(pool)([x, inputs])
    parts["output"] = layers.Dense(1, activation="sigmoid")
    return keras.Model(inputs, parts["output"](x)), parts


# Every cell and pooling with two stacked bidirectional layers and masking (the
# paths that packing changes), and a plain single layer with masking off. The
# fast subset runs each cell and each pooling once (the diagonal); the full
# suite all nine.
CELLS, POOLINGS = ["simple_rnn", "lstm", "gru"], ["last", "max", "mean"]
CASES = [pytest.param(cell, pooling, (2, True), True, marks=() if i == j else pytest.mark.slow)
         for (i, cell), (j, pooling) in itertools.product(enumerate(CELLS), enumerate(POOLINGS))]
CASES += [(cell, "last", (1, False), False) for cell in CELLS]


@pytest.mark.parametrize("cell, pooling, layout, mask_padding", CASES)
@pytest.mark.filterwarnings("ignore:Layer 'lambda")  # the reference pools by hand, dropping the mask on purpose
def test_packed_model_computes_what_keras_masking_computes(cell, pooling, layout, mask_padding):
    n_layers, bidirectional = layout
    settings = dict(vocabulary_size=30, embedding_dim=4, units=3, n_layers=n_layers, bidirectional=bidirectional,
                    pooling=pooling, mask_padding=mask_padding)
    ours = build_rnn_model(cell=cell, seed=0, **settings)
    reference, parts = keras_masked_model(cell, **settings)
    for name, layer in parts.items():
        weights = [w * 3 for w in ours.get_layer(name).get_weights()]  # larger weights: outputs far from 0.5
        layer.set_weights(weights)
        ours.get_layer(name).set_weights(weights)
    rng = np.random.RandomState(1)
    X = rng.randint(0, 30, size=(12, 9))
    X[:6, :4] = 0        # pre-padding
    X[6:9, -3:] = 0      # post-padding
    X[9, 2] = X[9, 5] = 0  # zeros between tokens: skipped, as masking skips them
    # (Keras' masked RNNs need a token in each row; empty rows are tested below.)
    expected = reference.predict(X, verbose=0)
    np.testing.assert_allclose(ours.predict(X, verbose=0), expected, atol=1e-5)
    assert np.ptp(expected) > 0.05  # the outputs differ between rows: the comparison can fail


def test_pack_tokens_moves_tokens_to_the_front_in_order():
    ids = np.array([[0, 0, 5, 0, 7], [3, 0, 0, 4, 0], [0, 0, 0, 0, 0], [1, 2, 3, 4, 5]], dtype="int32")
    packed = np.asarray(PackTokens()(ids))
    np.testing.assert_array_equal(packed, [[5, 7, 0, 0, 0], [3, 4, 0, 0, 0], [0, 0, 0, 0, 0], [1, 2, 3, 4, 5]])


def test_reverse_within_reverses_only_the_tokens_and_undoes_itself():
    ids = np.array([[5, 7, 9, 0], [3, 0, 0, 0], [0, 0, 0, 0]], dtype="int32")
    seq = np.arange(12, dtype="float32").reshape(3, 4, 1)
    reversed_ = np.asarray(ReverseWithin()(seq, ids))
    np.testing.assert_array_equal(reversed_[..., 0], [[2, 1, 0, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
    np.testing.assert_array_equal(np.asarray(ReverseWithin()(reversed_, ids)), seq)


@pytest.mark.parametrize("mode, expected", [("last", [[1.0], [4.0], [0.0]]), ("max", [[2.0], [4.0], [0.0]]),
                                            ("mean", [[1.5], [4.0], [0.0]])])
def test_length_pooling_reads_each_row_up_to_its_length(mode, expected):
    ids = np.array([[5, 7, 0], [3, 0, 0], [0, 0, 0]], dtype="int32")
    seq = np.array([[2.0, 1.0, 9.0], [4.0, -9.0, 9.0], [-1.0, 9.0, 9.0]], dtype="float32")[..., None]
    np.testing.assert_allclose(np.asarray(LengthPooling(mode)(seq, ids)), expected)


def test_length_pooling_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="mode must be"):
        LengthPooling("median")


def test_packed_model_round_trips_through_keras_saving(tmp_path):
    model = build_rnn_model(cell="gru", vocabulary_size=20, n_outputs=3, output_activation="softmax",
                            embedding_dim=4, units=3, bidirectional=True, pooling="max", seed=0)
    X = np.array([[0, 0, 3, 4], [5, 6, 7, 8]], dtype="int32")
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), atol=1e-6)


@pytest.mark.parametrize("cell, pooling", [("simple_rnn", "max"), ("lstm", "last"), ("gru", "mean")])
@pytest.mark.filterwarnings("ignore:Layer 'lambda")
def test_packed_model_has_the_gradients_of_keras_masking(cell, pooling):
    import tensorflow as tf

    settings = dict(vocabulary_size=30, embedding_dim=4, units=3, n_layers=2, bidirectional=True, pooling=pooling,
                    mask_padding=True)
    ours = build_rnn_model(cell=cell, seed=0, **settings)
    reference, parts = keras_masked_model(cell, **settings)
    for name, layer in parts.items():
        layer.set_weights(ours.get_layer(name).get_weights())
    rng = np.random.RandomState(2)
    X = rng.randint(0, 30, size=(8, 9)).astype("int32")
    X[:4, :5] = 0
    y = rng.randint(0, 2, size=(8, 1)).astype("float32")

    def gradients(model, names):
        with tf.GradientTape() as tape:
            loss = keras.losses.binary_crossentropy(y, model(X, training=True))
        grads = dict(zip([id(v) for v in model.trainable_variables],
                         tape.gradient(loss, model.trainable_variables)))
        out = []
        for name in names:
            for v in (parts[name] if model is reference else model.get_layer(name)).trainable_variables:
                g = grads[id(v)]
                out.append(np.asarray(tf.convert_to_tensor(g)))
        return out

    names = list(parts)
    for ours_g, ref_g in zip(gradients(ours, names), gradients(reference, names)):
        np.testing.assert_allclose(ours_g, ref_g, atol=1e-5)
