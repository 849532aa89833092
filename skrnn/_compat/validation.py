"""scikit-learn's parameter validation, whose names live in its private modules.

scikit-learn's own estimators and contributed ones validate with these:
``Interval``, ``StrOptions`` and ``RealNotInt`` describe a parameter's
allowed values (``_parameter_constraints``), ``fit_context`` wraps a
``fit`` so that it validates them once and honours
``sklearn.config_context(skip_parameter_validation=True)``, and
``validate_params`` does the same for a public function.
"""

from __future__ import annotations

from sklearn.base import _fit_context as fit_context
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions, validate_params

__all__ = ["Interval", "RealNotInt", "StrOptions", "fit_context", "validate_params"]
