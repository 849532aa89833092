"""The API page names every public name."""

from pathlib import Path

import skrnn
import skrnn.compare
import skrnn.datasets

API = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text()


def test_api_page_lists_every_public_name():
    import skrnn.reference

    names = list(skrnn.__all__) + list(skrnn.datasets.__all__) + list(skrnn.reference.__all__)
    names += [n for n in skrnn.compare.__all__ if n != "ComparisonResult"]
    missing = [n for n in names if n not in API]
    assert not missing, missing
