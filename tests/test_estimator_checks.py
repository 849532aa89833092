"""scikit-learn's estimator checks over every classifier."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skrnn import GRUClassifier, LSTMClassifier, SimpleRNNClassifier

_FRACTIONAL = (
    "fits X of fractional floats (e.g. uniform or Gaussian blobs) without "
    "rounding it to the categorical input tag: such values are not token ids, "
    "and the classifiers reject them by design with a ValueError."
)

# Each expected failure with its reason; no other check is excluded.
EXPECTED_FAILED_CHECKS = {
    "check_estimator_tags_renamed": (
        "scikeras' BaseWrapper defines the pre-1.6 `_more_tags`; a subclass "
        "cannot remove a method its base defines."
    ),
    "check_mixin_order": (
        "scikeras' KerasClassifier lists ClassifierMixin after BaseWrapper; "
        "Python's MRO forbids a subclass from putting the mixin first."
    ),
    "check_sample_weight_equivalence_on_dense_data": _FRACTIONAL,
    "check_class_weight_classifiers": _FRACTIONAL,
}


def _tiny(cls):
    # run_eagerly: tiny data, so skipping tf.function tracing is much faster.
    return cls(embedding_dim=4, units=4, epochs=1, batch_size=32, random_state=0, run_eagerly=True)


ESTIMATORS = [_tiny(cls) for cls in (SimpleRNNClassifier, LSTMClassifier, GRUClassifier)]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
