"""scikeras' wrappers adapted to current scikit-learn, and scikeras' parameter routing.

scikeras 0.13.0 (its last release) predates scikit-learn 1.6's tag API:
``KerasClassifier`` lists ``ClassifierMixin`` *after* ``BaseWrapper``, and
``BaseEstimator.__sklearn_tags__`` does not call ``super()``, so the
classifier tags are never set. Under scikit-learn >= 1.6 that makes
``sklearn.base.is_classifier`` return False, which silently turns
``GridSearchCV(cv=5)`` into plain ``KFold`` instead of ``StratifiedKFold``
and makes ``scoring="roc_auc"`` fail (it needs ``predict_proba`` of a
classifier). scikeras also still describes its tags through ``_more_tags``,
which calls a ``BaseEstimator._more_tags`` that scikit-learn 1.7 removed.
``KerasRegressor`` has the same two faults (``is_regressor`` is False). The
subclasses mend both and change nothing in scikeras itself (no
monkey-patching), so other code using scikeras in the same process is
unaffected.

scikit-learn 1.6 still reads the tags of a class whose bases define
``_more_tags`` without ``__sklearn_tags__`` (scikeras' wrappers) the old
way, ignoring the mended ones, so skrnn needs scikit-learn >= 1.7.
"""

from __future__ import annotations

from scikeras._utils import route_params
from scikeras.wrappers import KerasClassifier, KerasRegressor
from sklearn.utils import ClassifierTags, RegressorTags

__all__ = [
    "KerasClassifierCompat", "KerasRegressorCompat", "route_params", "fit_seed", "fit_callbacks", "predict_callbacks",
    "fit_keywords", "target_type", "mark_routed_params",
]


# scikeras' private state the estimators read, each through one function here.
def fit_seed(estimator):
    """The seed scikeras resolved for the fit in progress (an int, or None)."""
    return estimator._random_state


def fit_callbacks(estimator):
    """The ``callbacks`` (and ``fit__callbacks``) as set now, built anew for this fit."""
    estimator._initialize_callbacks()
    return list(estimator._fit_callbacks)


def predict_callbacks(estimator):
    """The ``predict__callbacks`` scikeras built with the model."""
    return list(getattr(estimator, "_predict_callbacks", []))


def fit_keywords(estimator):
    """The names of ``keras.Model.fit``'s arguments scikeras routes ``fit__*`` parameters to."""
    return estimator._fit_kwargs


def target_type(estimator, y):
    """Scikeras' kind of target of ``y`` (``"binary"``, ``"multiclass"``, ...)."""
    return estimator._type_of_target(y)


def mark_routed_params(estimator, names):
    """Tell scikeras which routed parameters (``optimizer__*``, ``fit__*``) the user set."""
    estimator._user_params = set(names)


def _mended_tags(wrapper, tags, estimator_type, kind_tags):
    """scikit-learn >= 1.6 tags for a scikeras wrapper: its kind, and scikeras' own ``_tags`` in the new API."""
    tags.estimator_type = estimator_type
    setattr(tags, f"{estimator_type}_tags", kind_tags)
    tags.target_tags.required = True
    kind_tags.poor_score = bool(wrapper._tags.get("poor_score", False))
    return tags


class KerasClassifierCompat(KerasClassifier):
    """``scikeras.wrappers.KerasClassifier`` with scikit-learn >= 1.6 tags."""

    def __sklearn_tags__(self):
        return _mended_tags(self, super().__sklearn_tags__(), "classifier", ClassifierTags())

    def _more_tags(self):
        # scikeras calls super()._more_tags(), gone in scikit-learn >= 1.7.
        return dict(self._tags)


class KerasRegressorCompat(KerasRegressor):
    """``scikeras.wrappers.KerasRegressor`` with scikit-learn >= 1.6 tags."""

    def __sklearn_tags__(self):
        return _mended_tags(self, super().__sklearn_tags__(), "regressor", RegressorTags())

    def _more_tags(self):
        return dict(self._tags)
