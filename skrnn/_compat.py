"""The one place that adapts scikeras 0.13 to current scikit-learn.

scikeras 0.13.0 (its last release) predates scikit-learn 1.6's tag API:
``KerasClassifier`` lists ``ClassifierMixin`` *after* ``BaseWrapper``, and
``BaseEstimator.__sklearn_tags__`` does not call ``super()``, so the
classifier tags are never set. Under scikit-learn >= 1.6 that makes
``sklearn.base.is_classifier`` return False, which silently turns
``GridSearchCV(cv=5)`` into plain ``KFold`` instead of ``StratifiedKFold``
and makes ``scoring="roc_auc"`` fail (it needs ``predict_proba`` of a
classifier). scikeras also still describes its tags through ``_more_tags``,
which calls a ``BaseEstimator._more_tags`` that scikit-learn 1.7 removed.

:class:`KerasClassifierCompat` is ``KerasClassifier`` with both mended; it
changes nothing in scikeras itself (no monkey-patching), so other code
using scikeras in the same process is unaffected.
"""

from __future__ import annotations

from scikeras.wrappers import KerasClassifier
from sklearn.utils import ClassifierTags

__all__ = ["KerasClassifierCompat"]


class KerasClassifierCompat(KerasClassifier):
    """``scikeras.wrappers.KerasClassifier`` with scikit-learn >= 1.6 tags."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        # scikeras' own `_tags`, in the new API.
        tags.classifier_tags.poor_score = bool(self._tags.get("poor_score", False))
        return tags

    def _more_tags(self):
        # scikeras calls super()._more_tags(), gone in scikit-learn >= 1.7.
        return dict(self._tags)
