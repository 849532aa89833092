"""Every example runs in its quick mode."""

import os
import subprocess
import sys

import pytest

from .helpers import REPO

pytestmark = pytest.mark.slow

# The server example runs until stopped: tests/test_export.py starts it and sends it requests.
EXAMPLES = sorted(
    p for p in (REPO / "examples").glob("*.py") if not p.name.startswith(("_", "serve"))
)


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_quick(script, imdb_home, tmp_path):
    env = {**os.environ, "SKRNN_DATA_HOME": str(imdb_home), "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)], env=env, capture_output=True, text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), "the example printed nothing"
    if script.stem == "tutorial_simple_rnn_lstm":
        assert {p.name for p in tmp_path.glob("*.png")} == {"curves_simplernn.png", "curves_lstm.png"}
    if script.stem == "rnn_from_scratch":
        diffs = [float(line.split(":")[-1]) for line in result.stdout.splitlines() if "largest difference" in line]
        assert len(diffs) == 2 and max(diffs) < 1e-5
