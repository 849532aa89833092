"""docs/benchmarks.md is generated from benchmarks/results/*.json: they must agree.

And the other pages quote no accuracy the results do not hold.
"""

import json
import re
import sys

import pytest

from .helpers import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import _results  # noqa: E402
import seed_means  # noqa: E402

PAGE = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
NAMES = _results.section_names()


def test_every_section_of_the_page_has_its_results():
    assert sorted(re.findall(r"<!-- ([\w-]+) -->", PAGE)) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_section_is_the_rendering_of_its_json(name):
    assert _results.render_into_page(PAGE, name) == PAGE, (
        f"docs/benchmarks.md's section {name} differs from benchmarks/results/{name}.json; "
        "run python benchmarks/render_docs.py"
    )


RECORDED = ("Python", "TensorFlow", "Keras", "scikit-learn", "skrnn")


@pytest.mark.parametrize("name", NAMES)
def test_section_records_its_date_machine_versions_and_command(name):
    record = _results.load(name)["provenance"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["measured"]), name
    assert record["date_is"] == "measured", name
    assert "CPUs" in record["cpu"], f"{name} does not say the machine it ran on"
    script = re.match(r"python (benchmarks/\w+\.py)", record["command"])
    assert script and (REPO / script.group(1)).exists(), f"{name}'s command runs no script of benchmarks/"
    missing = [label for label in RECORDED if label not in record["versions"]]
    assert not missing, f"{name} lacks the versions {missing}: rerun its command"


def test_a_section_rendered_again_keeps_the_provenance_of_its_measurement(tmp_path, monkeypatch):
    monkeypatch.setattr(_results, "RESULTS", tmp_path)
    monkeypatch.setattr(_results, "DOC", tmp_path / "page.md")
    _results.DOC.write_text("# page\n", encoding="utf-8")
    measured = {"measured": "2001-02-03", "date_is": "measured", "cpu": "x86_64, 2 CPUs",
                "versions": dict.fromkeys(RECORDED, "1.0"), "command": "python benchmarks/bench_text.py"}
    (tmp_path / "sample.json").write_text(json.dumps({"name": "sample", "provenance": measured, "blocks": []}))
    _results.write_results("sample", "Rendered again.", keep_provenance=True)
    assert _results.load("sample")["provenance"] == measured
    assert "*Measured 2001-02-03 on x86_64, 2 CPUs;" in _results.DOC.read_text(encoding="utf-8")
    _results.write_results("sample", "Measured again.", argv=["benchmarks/bench_text.py"])
    assert _results.load("sample")["provenance"]["measured"] != "2001-02-03"


def test_a_new_section_records_the_running_process():
    record = _results.provenance(["benchmarks/bench_text.py", "--repeats", "3"])
    assert record["command"] == "python benchmarks/bench_text.py --repeats 3"
    assert set(RECORDED) <= set(record["versions"]) and record["date_is"] == "measured"
    line = _results.provenance_line(record)
    assert record["measured"] in line and "TensorFlow" in line and "`python benchmarks/bench_text.py" in line


def test_render_round_trips():
    markdown = "Intro line.\n\n| a | b |\n|---|---:|\n| x | 1.0 |\n| y | 2.0 |\nAfter."
    assert _results.render(_results.parse(markdown)) == markdown
    assert _results.parse(markdown)[2]["table"]["align"] == ["left", "right"]


def _figures_in_results():
    figures = set()
    for name in NAMES:
        figures |= set(re.findall(r"\b0\.\d{3,4}\b", json.dumps(_results.load(name))))
    return {float(f) for f in figures}


QUOTING = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "skrnn").glob("*.py"))]
QUOTING = [p for p in QUOTING if p.name != "benchmarks.md"]


@pytest.mark.parametrize("path", QUOTING, ids=[p.name for p in QUOTING])
def test_quoted_accuracies_come_from_the_results(path):
    """An accuracy-like figure (0.5xx to 0.9xxx) in prose must be a stored result, as printed or rounded.

    Code (doctest output, code spans) is not prose: it computes its figures.
    """
    stored = _figures_in_results()
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^\s*(>>>|\.\.\.|array\().*$", "", text, flags=re.MULTILINE)  # doctest lines
    text = re.sub(r"^array\(.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans
    quoted = re.findall(r"(?<![\w.])0\.[5-9]\d{2,3}(?![\d])", text)
    tolerance = {3: 5e-4, 4: 5e-5}
    unknown = [q for q in quoted if not any(abs(float(q) - f) <= tolerance[len(q) - 2] + 1e-12 for f in stored)]
    assert not unknown, f"{path.name} quotes {unknown}, which no benchmark result holds"


HISTORY = re.compile(
    r"\b(sessions?|previous (?:round|run|build|version)|round of work|issue \d+|commit [0-9a-f]{7}|"
    r"scratch (?:script|study|run|measurement|check)s?|not in the repository|until now)\b",
    re.IGNORECASE,
)
NARRATING = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    *sorted((REPO / "skrnn").glob("*.py")),
    *sorted((REPO / "benchmarks").glob("*.py")),
    *sorted((REPO / "benchmarks" / "results").glob("*.json")),
    *sorted((REPO / "examples").glob("*.py")),
]


@pytest.mark.parametrize("path", NARRATING, ids=[p.name for p in NARRATING])
def test_no_page_or_script_narrates_work_history(path):
    text = path.read_text(encoding="utf-8")
    text = text.replace("clear_session", "")  # Keras' API name, not history
    found = sorted({m.group(0) for m in HISTORY.finditer(text)})
    assert not found, f"{path.name} narrates work history: {found}"


def test_welch_difference_matches_statsmodels_on_raw_values():
    import numpy as np
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    rng = np.random.default_rng(0)
    a, b = rng.normal(0.85, 0.01, 3), rng.normal(0.83, 0.03, 4)
    difference, low, high, p = seed_means.welch((a.mean(), a.std(ddof=1)), (b.mean(), b.std(ddof=1)), 3, 4)
    reference = CompareMeans(DescrStatsW(a), DescrStatsW(b))
    assert difference == pytest.approx(a.mean() - b.mean())
    assert (low, high) == pytest.approx(reference.tconfint_diff(alpha=0.05, usevar="unequal"))
    assert p == pytest.approx(reference.ttest_ind(usevar="unequal")[1])


def _accuracy(section, configuration):
    table = seed_means.first_table(section)
    row = next(row for row in table["rows"] if row[0] == configuration)
    return float(row[table["columns"].index("test accuracy")])


def test_a_grouped_selector_takes_one_seed_per_row_across_sections():
    import statistics

    selector = r"accuracy-decay+accuracy-decay-more:configuration~(simple_rnn|lstm)-(?:default|seed\d)-decay"
    found = seed_means.rows(selector, "test accuracy")
    for model in ("simple_rnn", "lstm"):
        values = [_accuracy("accuracy-decay", f"{model}-default-decay"),
                  *(_accuracy("accuracy-decay-more", f"{model}-seed{seed}-decay") for seed in (1, 2))]
        assert found[model] == pytest.approx((statistics.mean(values), statistics.stdev(values), 3))
    assert set(found) == {"simple_rnn", "lstm"}
    pooled = seed_means.rows(r"accuracy-decay-more:configuration~lstm-seed\d-decay", "test accuracy")
    assert list(pooled) == [seed_means.ALL] and pooled[seed_means.ALL][2] == 2
    named = seed_means.rows(r"accuracy-decay-more:configuration~lstm-seed\d-decay", "test accuracy", label="lstm")
    assert named == {"lstm": pooled[seed_means.ALL]}


def test_a_label_compares_two_models_of_one_table():
    table = seed_means.first_table("compare-imdb-lstm-gru")
    cells = {row[0]: row[table["columns"].index("accuracy")] for row in table["rows"]}
    (gru, gru_sd), (lstm, lstm_sd) = ([float(part) for part in cells[m].split("±")] for m in ("gru", "lstm"))
    [row] = seed_means.difference_rows("compare-imdb-lstm-gru:model=gru", "compare-imdb-lstm-gru:model=lstm",
                                       points=True, label="gru minus lstm")
    difference, low, high, _ = seed_means.welch((gru, gru_sd), (lstm, lstm_sd), 3, 3)
    assert row[0] == "gru minus lstm" and row[4] == f"{100 * difference:+.2f}"
    assert row[5] == f"{100 * low:+.2f} to {100 * high:+.2f}"
    with pytest.raises(SystemExit, match="must keep one row each; they keep 3 and 1"):
        seed_means.difference_rows("compare-imdb-lstm-gru", "compare-imdb-lstm-gru:model=lstm", label="all rows")


@pytest.mark.parametrize(("first", "second", "message"), [
    (r"accuracy-decay:configuration~lstm-.*", "compare-imdb", "both selectors group rows"),
    ("accuracy-decay:configuration~lstm-default-decay", "accuracy:configuration~lstm-default-constant",
     "at least two rows"),
    (r"accuracy-decay:config~lstm-.*", r"accuracy:config~lstm-.*", "no column 'config'"),
])
def test_a_grouped_selector_refuses_what_it_cannot_compare(first, second, message):
    with pytest.raises(SystemExit, match=message):
        seed_means.difference_rows(first, second, "test accuracy")


DERIVED = [name for name in NAMES if _results.load(name)["provenance"]["command"].startswith(
    "python benchmarks/seed_means.py")]


@pytest.mark.parametrize("name", DERIVED)
def test_a_difference_section_agrees_with_the_tables_it_reads(name):
    """Rerunning a source table without its difference section leaves the page contradicting itself."""
    import shlex

    args = seed_means.build_parser().parse_args(shlex.split(_results.load(name)["provenance"]["command"])[2:])
    expected = seed_means.difference_rows(args.first, args.second, args.column, args.seeds, args.points, args.label)
    assert seed_means.first_table(name)["rows"] == expected, f"{name} is stale: rerun its command"
