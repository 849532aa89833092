"""The fitted steps of a text pipeline: ``TextVectorizer -> SequencePadder -> an skrnn estimator``.

:func:`skrnn.inspection.explain` and :mod:`skrnn.export` work on exactly this
pipeline; both open it here, so both refuse anything else with the same
message, naming what they got and, for a search, pointing to its
``best_estimator_``.
"""

from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._sequence import SequencePadder
from ._text import TextVectorizer

__all__ = ["text_pipeline_steps"]


def text_pipeline_steps(pipeline, *, needs, estimator_types, estimator_name, error=TypeError, check_text_side=None):
    """The fitted ``(vectorizer, padder, estimator)`` of ``pipeline``.

    Parameters
    ----------
    pipeline : object
        What the caller was given.
    needs : str
        What needs the pipeline, for the message (``"explain"``).
    estimator_types : type or tuple of type
        The final steps the caller accepts.
    estimator_name : str
        Those steps in words (``"an skrnn classifier"``).
    error : type, default=TypeError
        The exception raised for anything but that pipeline.
    check_text_side : callable or None, default=None
        Called with the fitted vectorizer before the estimator is looked at,
        to refuse a vectorizer setting whatever the network.

    Returns
    -------
    steps : tuple
        The vectorizer, the padder and the estimator, each fitted.

    Raises
    ------
    error
        For anything but a three-step pipeline of those kinds.
    sklearn.exceptions.NotFittedError
        For a step that is not fitted.
    """
    steps = [step for _, step in pipeline.steps] if isinstance(pipeline, Pipeline) else None
    kinds = (TextVectorizer, SequencePadder, estimator_types)
    if steps is None or len(steps) != 3 or not all(isinstance(s, k) for s, k in zip(steps, kinds)):
        found = " -> ".join(type(s).__name__ for s in steps) if steps is not None else type(pipeline).__name__
        search = hasattr(pipeline, "best_estimator_") or type(pipeline).__name__.endswith("SearchCV")
        hint = "; for a search, pass its best_estimator_" if search else ""
        raise error(
            f"{needs} needs a fitted Pipeline of TextVectorizer -> SequencePadder -> {estimator_name}, "
            f"got {found}{hint}."
        )
    vectorizer, padder, estimator = steps
    check_is_fitted(vectorizer)
    if check_text_side is not None:
        check_text_side(vectorizer)
    check_is_fitted(padder)
    check_is_fitted(estimator)
    return vectorizer, padder, estimator
