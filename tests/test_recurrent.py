"""The faster recurrent layers against Keras' own (the reference): outputs and gradients."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from skrnn._recurrent import FastGRU, FastLSTM, FastSimpleRNN, _fast_path

PAIRS = {"lstm": (FastLSTM, layers.LSTM), "gru": (FastGRU, layers.GRU), "simple_rnn": (FastSimpleRNN, layers.SimpleRNN)}
N_STATES = {"lstm": 2, "gru": 1, "simple_rnn": 1}


def twins(cell, units=5, **settings):
    """A fast layer and Keras' layer with the same (scaled-up) weights and settings."""
    fast_class, keras_class = PAIRS[cell]
    fast, reference = fast_class(units, **settings), keras_class(units, **settings)
    fast.build((None, None, 3))
    reference.build((None, None, 3))
    # Larger weights than the initializers': states far from 0, so a wrong gate or step shows.
    weights = [w * 2 for w in fast.get_weights()]
    fast.set_weights(weights)
    reference.set_weights(weights)
    return fast, reference


def gradients(layer, x, initial_state, training=False):
    x = tf.constant(x)
    initial_state = [tf.constant(s) for s in initial_state]
    with tf.GradientTape() as tape:
        tape.watch([x, *initial_state])
        out = layer(x, initial_state=initial_state, training=training)
        sequences, states = out[0], out[1:]
        # Every output step and the final states enter the loss, with different weights.
        loss = tf.reduce_sum(sequences * tf.range(1.0, sequences.shape[1] + 1)[None, :, None] ** 0.5)
        loss += sum(tf.reduce_sum(s**2) for s in states)
    return [o.numpy() for o in out], [g.numpy() for g in tape.gradient(loss, [x, *initial_state,
                                                                               *layer.trainable_weights])]


@pytest.mark.parametrize("cell", sorted(PAIRS))
@pytest.mark.parametrize("steps, rows", [(1, 6), (4, 6), (7, 6), (30, 6),  # below, at and off 4-step blocks
                                         (7, 150)])  # the LSTM in row blocks (3 x 50)
@pytest.mark.parametrize("training", [False, True])
def test_fast_layer_matches_keras_outputs_and_gradients(cell, steps, rows, training):
    fast, reference = twins(cell, return_sequences=True, return_state=True)
    assert _fast_path(fast, None)
    rng = np.random.RandomState(0)
    x = rng.normal(size=(rows, steps, 3)).astype("float32")
    initial_state = [rng.normal(size=(rows, 5)).astype("float32") * 0.5 for _ in range(N_STATES[cell])]
    fast_out, fast_grads = gradients(fast, x, initial_state, training)
    ref_out, ref_grads = gradients(reference, x, initial_state, training)
    for ours, theirs in zip(fast_out + fast_grads, ref_out + ref_grads, strict=True):
        np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-5)
    assert np.ptp(ref_out[0]) > 0.5 and min(np.abs(g).max() for g in ref_grads) > 1e-3  # can fail


@pytest.mark.parametrize("cell", sorted(PAIRS))
def test_fast_layer_draws_keras_dropout_mask(cell):
    # Input dropout: one mask per batch, the same at every step, from the layer's seed, as Keras' cell.
    fast, reference = twins(cell, return_sequences=True, dropout=0.4, seed=7)
    x = np.random.RandomState(1).normal(size=(4, 9, 3)).astype("float32")
    ours, theirs = fast(x, training=True), reference(x, training=True)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert np.abs(np.asarray(ours) - np.asarray(fast(x, training=False))).max() > 1e-3  # dropout did act


FALLBACKS = [(cell, settings) for cell in sorted(PAIRS)
             for settings in [dict(go_backwards=True), dict(recurrent_dropout=0.3, seed=2), dict(activation="relu")]]
FALLBACKS += [("lstm", dict(implementation=1)), ("gru", dict(implementation=1)),
              ("gru", dict(reset_after=False))]


@pytest.mark.parametrize("cell, settings", FALLBACKS)
def test_fast_layer_falls_back_to_keras_loop_where_it_would_differ(cell, settings):
    fast, reference = twins(cell, return_sequences=True, **settings)
    assert not _fast_path(fast, None)
    x = np.random.RandomState(2).normal(size=(3, 6, 3)).astype("float32")
    np.testing.assert_allclose(fast(x, training=True), reference(x, training=True), atol=1e-5)


@pytest.mark.parametrize("cell", sorted(PAIRS))
def test_fast_layer_honours_a_mask_through_keras_loop(cell):
    fast, reference = twins(cell, return_sequences=False)
    x = np.random.RandomState(3).normal(size=(3, 6, 3)).astype("float32")
    mask = np.array([[1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]], dtype=bool)
    np.testing.assert_allclose(fast(x, mask=mask), reference(x, mask=mask), atol=1e-5)


def test_fast_layers_round_trip_through_keras_saving(tmp_path):
    inputs = keras.Input((None, 3))
    outputs = FastLSTM(4, return_sequences=True)(FastSimpleRNN(4, return_sequences=True)(inputs))
    model = keras.Model(inputs, outputs)
    x = np.random.RandomState(4).normal(size=(2, 5, 3)).astype("float32")
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert [type(layer) for layer in loaded.layers[1:]] == [FastSimpleRNN, FastLSTM]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("cell", sorted(PAIRS))
def test_fast_layer_turns_xla_off_rather_than_fail(cell):
    # BlockLSTM has no XLA kernel: Keras is told so and compiles without XLA, with its warning.
    inputs = keras.Input((None, 3))
    model = keras.Model(inputs, layers.Dense(1)(PAIRS[cell][0](4)(inputs)))
    with pytest.warns(UserWarning, match="jit_compile"):
        model.compile(optimizer="rmsprop", loss="mse", jit_compile=True)
    assert model.jit_compile is False
    history = model.fit(np.ones((4, 5, 3), "float32"), np.ones((4, 1), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
