"""Process-wide settings of skrnn: :func:`get_config`, :func:`set_config`, :func:`config_context`.

As ``sklearn.get_config`` and its kin, for what skrnn itself decides.
There is one setting today:

- ``share_compiled_steps`` (default ``True``): a new model of an
  architecture fitted before runs the train step and inference function
  traced for the earlier model, on its own weights, instead of tracing its
  own (see docs/design.md, "Compiled steps shared between models"). Turn it
  off to have every model trace its own steps, as Keras does; turning it off
  also drops every kept step.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

__all__ = ["get_config", "set_config", "config_context"]

_config = {"share_compiled_steps": True}
_lock = threading.Lock()


def get_config():
    """The current values of skrnn's settings.

    Returns
    -------
    config : dict
        Each setting's name and value; see :func:`set_config`.

    Examples
    --------
    >>> import skrnn
    >>> skrnn.get_config()["share_compiled_steps"]
    True
    """
    with _lock:
        return dict(_config)


def set_config(share_compiled_steps=None):
    """Change skrnn's settings for the whole process.

    Parameters
    ----------
    share_compiled_steps : bool, default=None
        Whether a new model of an architecture fitted before runs the
        train step and inference function already traced for it (faster
        small fits and grid searches, the same numbers bit for bit).
        ``False`` traces every model's own, as Keras does, and frees the
        kept ones. ``None`` leaves the setting as it is.

    Examples
    --------
    >>> import skrnn
    >>> skrnn.set_config(share_compiled_steps=False)
    >>> skrnn.get_config()["share_compiled_steps"]
    False
    >>> skrnn.set_config(share_compiled_steps=True)
    """
    if share_compiled_steps is None:
        return
    if not isinstance(share_compiled_steps, bool):
        raise TypeError(
            f"share_compiled_steps must be True or False, got {share_compiled_steps!r} "
            f"({type(share_compiled_steps).__name__})."
        )
    with _lock:
        _config["share_compiled_steps"] = share_compiled_steps
    if not share_compiled_steps:
        from ._compat import clear_shared_steps

        clear_shared_steps()


@contextmanager
def config_context(*, share_compiled_steps=None):
    """Change skrnn's settings inside a ``with`` block, then put them back.

    Parameters
    ----------
    share_compiled_steps : bool, default=None
        As in :func:`set_config`.

    Examples
    --------
    >>> import numpy as np
    >>> import skrnn
    >>> X = np.array([[0, 2, 3], [4, 5, 6]] * 8)
    >>> y = [0, 1] * 8
    >>> with skrnn.config_context(share_compiled_steps=False):
    ...     clf = skrnn.SimpleRNNClassifier(epochs=1, random_state=0).fit(X, y)
    >>> skrnn.get_config()["share_compiled_steps"]
    True
    """
    old = get_config()
    set_config(share_compiled_steps=share_compiled_steps)
    try:
        yield
    finally:
        set_config(**old)


def sharing_enabled():
    """Whether compiled steps are shared between models now."""
    return _config["share_compiled_steps"]
