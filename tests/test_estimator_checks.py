"""scikit-learn's estimator checks over every estimator."""

import pytest
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from skrnn import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    SequencePadder,
    SimpleRNNClassifier,
    SimpleRNNRegressor,
    TextVectorizer,
)

from .helpers import SMALLEST

_FRACTIONAL = (
    "fits X of fractional floats (e.g. uniform or Gaussian blobs) without "
    "rounding it to the categorical input tag: such values are not token ids, "
    "and the classifiers reject them by design with a ValueError."
)
_RAGGED = (
    "SequencePadder's input is a list of sequences of any length, of which a 2-D "
    "array is one form; the array's width is not a fixed number of features, "
    "since test sequences may be longer or shorter than the training ones. So "
    "there is no n_features_in_, and a different width in transform is padded "
    "or truncated, not refused."
)

# Each expected failure with its reason; no other check is excluded.
EXPECTED_FAILED_CHECKS = {
    "classifier": {
        "check_estimator_tags_renamed": (
            "scikeras' BaseWrapper defines the pre-1.6 `_more_tags`; a subclass "
            "cannot remove a method its base defines."
        ),
        "check_mixin_order": (
            "scikeras' KerasClassifier lists ClassifierMixin after BaseWrapper; "
            "Python's MRO forbids a subclass from putting the mixin first."
        ),
        "check_do_not_raise_errors_in_init_or_set_params": (
            "the check passes every name in the signature as a keyword, including "
            "the name of **routed_params, which is not a parameter: the classifiers "
            "refuse an unknown keyword at construction with a TypeError naming the "
            "closest parameter, as a function with a fixed signature does "
            "(test_unknown_parameters_fail_loudly)."
        ),
        "check_sample_weight_equivalence_on_dense_data": _FRACTIONAL,
        "check_class_weight_classifiers": _FRACTIONAL,
    },
    "SequencePadder": {
        "check_n_features_in": _RAGGED,
        "check_n_features_in_after_fitting": _RAGGED,
        "check_transformer_general": _RAGGED,
    },
    # scikit-learn runs only its API checks on an estimator whose input is
    # 1-D strings (as for CountVectorizer); test_text_vectorizer_api_checks
    # below adds the rest of the API checks that need no numeric X.
    "TextVectorizer": {},
}


def _tiny(cls):
    # run_eagerly: tiny data, so skipping tf.function tracing is much faster.
    # One batch per epoch for the checks' small data: fewer eager steps.
    return cls(**SMALLEST, batch_size=512)


RECURRENT = (SimpleRNNClassifier, LSTMClassifier, GRUClassifier, SimpleRNNRegressor, LSTMRegressor, GRURegressor)
ESTIMATORS = [_tiny(cls) for cls in RECURRENT]
ESTIMATORS += [SequencePadder(), TextVectorizer()]


#: Failures of scikit-learn's own check code on the declared minimum versions (.ci/minimum-versions.txt).
OLD_NUMPY_FAILED_CHECKS = {
    "check_positive_only_tag_during_fit": (
        "with NumPy < 2, the check's own in-place subtraction on the int32 token ids it made for the "
        "positive-only, categorical input raises a casting error before the estimator is called."
    ),
}


def _expected(estimator):
    import numpy

    name = type(estimator).__name__
    expected = dict(EXPECTED_FAILED_CHECKS.get(name, EXPECTED_FAILED_CHECKS["classifier"]))
    if int(numpy.__version__.split(".")[0]) < 2:
        expected.update(OLD_NUMPY_FAILED_CHECKS)
    return expected


@pytest.mark.slow
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.slow
@pytest.mark.parametrize(
    "check",
    [
        "check_no_attributes_set_in_init",
        "check_parameters_default_constructible",
        "check_get_params_invariance",
        "check_set_params",
        "check_estimator_repr",
        "check_do_not_raise_errors_in_init_or_set_params",
    ],
)
def test_text_vectorizer_api_checks(check):
    getattr(estimator_checks, check)("TextVectorizer", TextVectorizer())


def test_sequence_padder_refuses_empty_data_even_with_a_fixed_maxlen():
    # check_estimators_empty_data_messages: zero samples and zero features are
    # a ValueError, whether maxlen is learned or given.
    estimator_checks.check_estimators_empty_data_messages("SequencePadder", SequencePadder(maxlen=5))
    estimator_checks.check_estimators_empty_data_messages("SequencePadder", SequencePadder())
