"""Paths the tests share (no TensorFlow import, so conftest can use them)."""

from pathlib import Path

#: The repository's root.
REPO = Path(__file__).resolve().parents[1]
