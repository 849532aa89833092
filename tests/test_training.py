"""skrnn._training: the hold-out, the decay rule, the training state."""

import numpy as np
import pytest

from skrnn._training import TrainingState, auto_batch_size, auto_learning_rate_decay, holdout_split


@pytest.mark.parametrize("factor", [0.5, 0.75])
@pytest.mark.parametrize("n_train, epochs, exponent", [
    (25_000, 5, 1.0),  # the full IMDB training set: the factor per epoch, factor ** 5 overall
    (9_000, 5, 0.36),  # skrnn compare --sample 10000: 0.5 ** 1.8 overall for the LSTM
    (25_000, 10, 0.5),  # more epochs: at most factor ** 5 overall, spread out
    (100_000, 5, 1.0),  # more data: capped the same way
    (20_000, 3, 0.8),
])
def test_auto_learning_rate_decay_rule(factor, n_train, epochs, exponent):
    assert auto_learning_rate_decay(factor, n_train, epochs) == pytest.approx(factor**exponent)


@pytest.mark.parametrize("n_train", [200, 500, 2_000, 25_000, 100_000])
def test_auto_decay_without_an_epoch_count_follows_the_samples_seen(n_train):
    # epochs="auto": the factor per 25,000 samples trained on, however many epochs that takes.
    assert auto_learning_rate_decay(0.5, n_train) == pytest.approx(0.5 ** (n_train / 25_000))
    # A small set keeps at least half its rate for 25,000 samples' worth of epochs: it never freezes.
    assert auto_learning_rate_decay(0.5, n_train) ** (25_000 / n_train) == pytest.approx(0.5)


@pytest.mark.parametrize("n_train, batch", [
    (0, 32), (50, 32), (500, 32), (3_000, 32), (4_600, 32), (9_000, 32), (10_000, 64), (18_000, 64),
    (22_500, 128), (25_000, 128), (1_000_000, 128),
])
def test_auto_batch_size_is_a_power_of_two_near_200_batches_per_epoch(n_train, batch):
    assert auto_batch_size(n_train) == batch


def test_auto_batch_size_never_shrinks_with_more_rows():
    sizes = [auto_batch_size(n) for n in range(0, 60_000, 50)]
    assert sizes == sorted(sizes)


def test_holdout_is_stratified_random_and_seeded():
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)  # sorted by label, as load_imdb returns it
    train, val = holdout_split(y, 0.2, 0)
    assert len(val) == 20 and len(train) == 80
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(100))
    assert np.bincount(y[val]).tolist() == [12, 6, 2]  # every class, in proportion
    again_train, again_val = holdout_split(y, 0.2, 0)
    np.testing.assert_array_equal(val, again_val)
    np.testing.assert_array_equal(train, again_train)
    assert not np.array_equal(holdout_split(y, 0.2, 1)[1], val)
    assert not np.array_equal(val, np.arange(80, 100))  # not Keras' last rows


@pytest.mark.parametrize("y, fraction, match", [
    ([0, 0, 0, 1, 1, 1], 0.1, r"validation_split=0.1 holds out 1 of 6 samples.*\{0: 3, 1: 3\}"),
    ([0] * 10 + [1, 1] + [2] * 10, 0.9, r"keeps 2 for training.*3 classes"),
    ([0] * 10 + [1] + [2] * 10, 0.3, r"class 1 has 1 \(class counts: \{0: 10, 1: 1, 2: 10\}\)"),
])
def test_holdout_that_cannot_hold_every_class_is_refused(y, fraction, match):
    with pytest.raises(ValueError, match=match):
        holdout_split(np.array(y), fraction, 0)


def test_training_state_restores_weights_and_optimizer():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    X, y = np.random.RandomState(0).rand(16, 3), np.random.RandomState(1).rand(16)
    model.fit(X, y, epochs=1, verbose=0)
    before = [v.numpy().copy() for v in model.weights + model.optimizer.variables]
    state = TrainingState(model)
    model.fit(X, y, epochs=2, verbose=0)
    model.optimizer.learning_rate.assign(0.001)
    changed = [v.numpy() for v in model.weights + model.optimizer.variables]
    assert any(not np.array_equal(a, b) for a, b in zip(before, changed))
    state.restore()
    for a, b in zip(before, model.weights + model.optimizer.variables):
        np.testing.assert_array_equal(a, b.numpy())
