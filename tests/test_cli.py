"""`skrnn compare`: the report, the progress and the errors."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from skrnn._progress import Progress
from skrnn.compare._cli import main

from .helpers import REPO


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "skrnn", *args], capture_output=True, text=True, timeout=600,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
    )


def test_compare_writes_the_report(imdb_home, tmp_path):
    out = tmp_path / "report"
    result = run_cli("compare", "--data", str(imdb_home), "--sample", "300", "--epochs", "2",
                     "--models", "tfidf-unigram,simple_rnn", "--maxlen", "100", "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| tfidf-unigram |" in result.stdout and "| simple_rnn |" in result.stdout
    assert "| blend(simple_rnn+tfidf-unigram) |" in result.stdout
    assert "[simple_rnn] epoch 2/2" in result.stderr  # plain progress lines off a terminal
    assert sorted(p.name for p in out.iterdir()) == [
        ".runs", "comparison.png", "confusion_simple_rnn.png", "confusion_tfidf-unigram.png", "curves_simple_rnn.png",
        "explanations.html", "report.html", "report.md", "results.json", "roc.png"]
    check_html_report(out / "report.html", images=5)
    results = json.loads((out / "results.json").read_text())
    assert results["n_train"] == results["n_test"] == 300 and results["classes"] == ["negative", "positive"]
    rnn = results["models"][1]
    assert rnn["name"] == "simple_rnn" and len(rnn["history"]["val_loss"]) == 2
    assert 0.6 <= results["models"][0]["scores"]["accuracy"][0] <= 1  # TF-IDF learns something from 300 reviews
    assert rnn["trainable_params"] > 0 and rnn["fit_seconds"] > 0 and len(rnn["scores"]["roc_auc"]) == 1
    # the same rows for every model: 10% of the 300 training rows held out for validation, stratified
    assert results["rows"] == {"fit": 270, "validation": 30, "test": 300, "folds": 1}
    assert "every model trained on the same 270 rows; 30 more were held out" in (out / "report.md").read_text()
    assert rnn["vs_baseline"]["low"] <= rnn["vs_baseline"]["difference"] <= rnn["vs_baseline"]["high"]
    report = (out / "report.md").read_text()
    assert "| model | accuracy | macro-F1 | ROC AUC |" in report and "![comparison.png]" in report
    assert "## In words (5% level)" in report and "disagree" in report
    assert "## What the models read" in report and "simple_rnn (mean push)" in report
    assert "tfidf-unigram (coefficient)" in report and "Misclassified test rows, explained" in report
    explained = results["explanations"]
    assert set(explained["rnn_top"]) == {"negative", "positive"} and len(explained["misclassified"]) == 3
    assert "<script" not in (out / "explanations.html").read_text()
    assert (out / "comparison.png").read_bytes()[:4] == b"\x89PNG"


def check_html_report(path, images):
    """report.html is valid HTML5 (a strict parser), self-contained, and says how to read it."""
    import html5lib

    page = path.read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(page)  # raises on any parse error
    assert "<script" not in page and "How to read this" in page and "Not distinguishable" in page
    assert "<table>" in page and page.count('src="data:image/png;base64,') == images
    assert page.count("src=") == images  # nothing loaded from elsewhere


def test_the_html_report_escapes_markup_from_the_data(tmp_path):
    import html5lib

    from skrnn.compare._report import report_html
    from skrnn.compare._results import ComparisonResult

    c = ComparisonResult(task="classification", settings={}, versions={}, data="d", rows={}, n_train=1, n_test=1,
                         classes=["a", "b"], baseline="x", models=[])
    page = report_html(c, "# skrnn compare\n\n> a <script>alert(1)</script> & <b>bold</b>\n", tmp_path, [])
    html5lib.HTMLParser(strict=True).parse(page)
    assert "<script" not in page and "&lt;script&gt;" in page.replace("&lt;/script&gt;", "") or "&lt;script" in page
    assert "<b>bold</b>" not in page and "&amp; " in page


def test_bigram_model_widens_vocabulary_and_length():
    from skrnn.compare import BIGRAM_VOCABULARY_FACTOR, DEFAULT_MODELS, make_model

    assert "lstm-bigrams" in DEFAULT_MODELS
    vectorizer, padder, clf = make_model("lstm-bigrams", max_features=100, maxlen=50, epochs=2).named_steps.values()
    assert vectorizer.ngram_range == (1, 2) and vectorizer.max_features == 100 * BIGRAM_VOCABULARY_FACTOR
    assert padder.maxlen == 100 and clf.epochs == 2 and type(clf).__name__ == "LSTMClassifier"
    words = make_model("lstm", max_features=100, maxlen=50)
    assert words[0].ngram_range == (1, 1) and words[0].max_features == 100 and words[1].maxlen == 50


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "--data", "/nonexistent/imdb.tar.gz"], "does not exist"),
        (["compare", "--models", "lstm,transformer"], "unknown model(s) transformer"),
        (["compare", "--epochs", "0"], "expected a positive integer"),
        (["compare", "--sample", "many"], "expected a positive integer"),
        (["compare", "--bogus"], "unrecognized arguments"),
        (["compare", "--target", "rating", "--models", "tfidf-bigram,lstm"],
         "unknown model(s) tfidf-bigram for a numeric target; choose from tfidf-ridge-unigram, tfidf-ridge"),
        (["compare", "--target", "stars"], "IMDB has no column 'stars': on IMDB, --target is label"),
        (["compare", "--delimiter", ";;"], "expected one character such as ';'"),
        (["compare", "--tune", "0"], "argument --tune: expected a positive integer, got 0"),
        (["compare", "--tune-folds", "1"], "argument --tune-folds: needs at least 2 folds, got 1"),
    ],
)
def test_bad_options_give_one_line_and_status_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        code = main(args)
        raise SystemExit(code)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.slow  # a subprocess that imports TensorFlow
def test_missing_dataset_is_one_line(tmp_path):
    result = run_cli("compare", "--sample", "10", "--out", str(tmp_path / "r"),
                     env={"SKRNN_DATA_HOME": str(tmp_path / "empty"), "SKRNN_IMDB_URL": "http://127.0.0.1:9/x.tar.gz"})
    # the download (from a dead local address) fails and says how to point skrnn at a copy
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("skrnn: error:") and "SKRNN_DATA_HOME" in lines[-1]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r").exists()


def test_out_must_be_a_folder(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["compare", "--out", str(target)]) == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.slow
def test_interrupt_leaves_no_half_report_and_a_rerun_resumes(tmp_path, monkeypatch, capsys):
    data = write_three_classes(tmp_path / "data.csv")
    out = tmp_path / "report"
    real_line = Progress.line

    def interrupt_after_first_model(self, text):
        real_line(self, text)
        if "accuracy" in text and "[1/" in text:
            raise KeyboardInterrupt

    monkeypatch.setattr(Progress, "line", interrupt_after_first_model)
    code = main(["compare", "--data", str(data), *TINY_RUN, "--out", str(out)])
    assert code == 130
    assert "no report was written" in capsys.readouterr().err
    assert not (out / "report.md").exists() and not (out / "results.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report-")]
    stored = list((out / ".runs").glob("*/*.json"))
    assert [p.name for p in stored] == ["tfidf-unigram-seed0-fold0.json"]
    json.loads(stored[0].read_text())  # whole, valid JSON
    monkeypatch.setattr(Progress, "line", real_line)
    assert main(["compare", "--data", str(data), *TINY_RUN, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "tfidf-unigram, seed 0, fold 1/1: stored, skipped" in err and "simple_rnn, seed 0, fold 1/1: fitting" in err
    assert main(["compare", "--data", str(data), *TINY_RUN, "--out", str(out), "--seeds", "2"]) == 0
    err = capsys.readouterr().err  # one more seed: the finished runs are reused, only the new seed trains
    assert "simple_rnn, seed 0, fold 1/1: stored, skipped" in err and "simple_rnn, seed 1, fold 1/1: fitting" in err
    assert main(["compare", "--data", str(data), *TINY_RUN, "--out", str(out), "--no-resume"]) == 0
    assert "stored, skipped" not in capsys.readouterr().err


TINY_RUN = ["--models", "tfidf-unigram,simple_rnn", "--epochs", "1", "--maxlen", "12", "--max-features", "50",
            "--no-ensemble"]
WORDS = {"pos": "great wonderful loved", "neg": "awful boring hated", "mid": "fine okay average"}


def write_three_classes(path, n=90, sep=","):
    import random

    rng = random.Random(0)
    filler = "the a film story actor plot scene music".split()
    rows = []
    for i in range(n):
        label = list(WORDS)[i % 3]
        words = rng.sample(filler, 4) + [rng.choice(WORDS[label].split())]
        rng.shuffle(words)
        rows.append((" ".join(words), label))
    path.write_text("text" + sep + "label\n" + "".join(f"{t}{sep}{y}\n" for t, y in rows), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--cv", "3"], ["--seeds", "2"]])
def test_compare_on_your_own_three_class_data(tmp_path, extra, capsys):
    data = write_three_classes(tmp_path / "data.csv")
    out = tmp_path / "report"
    args = ["compare", "--data", str(data), "--models", "tfidf-unigram,simple_rnn", "--epochs", "2",
            "--maxlen", "12", "--max-features", "50", "--out", str(out), *extra]
    assert main(args) == 0
    printed = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    assert results["classes"] == ["mid", "neg", "pos"]
    names = [m["name"] for m in results["models"]]
    assert names == ["tfidf-unigram", "simple_rnn", "blend(simple_rnn+tfidf-unigram)"]
    rnn = results["models"][1]
    assert len(rnn["scores"]["accuracy"]) == (2 if "--seeds" in extra else 1)
    assert set(rnn["per_class"]) == {"mid", "neg", "pos"} and "roc_auc" not in rnn["scores"]
    blend = results["models"][2]  # the blend has a run for every seed of the network
    assert len(blend["scores"]["accuracy"]) == len(rnn["scores"]["accuracy"])
    if "--cv" in extra:
        assert len(rnn["fold_scores"]) == 3 and "t_test_p" in rnn["vs_baseline"] and "t-test p" in printed
        assert results["n_test"] == 90  # every row is tested once
    assert "not distinguishable" in printed or "significantly" in printed
    assert (out / "confusion_simple_rnn.png").exists() and not (out / "roc.png").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["tsv", "jsonl", "folder"])
def test_compare_reads_every_form(tmp_path, kind, capsys):
    csv = write_three_classes(tmp_path / "data.csv")
    lines = csv.read_text().splitlines()[1:]
    if kind == "tsv":
        data = tmp_path / "data.tsv"
        data.write_text("text\tlabel\n" + "".join(line.replace(",", "\t") + "\n" for line in lines))
    elif kind == "jsonl":
        data = tmp_path / "data.jsonl"
        data.write_text("".join(json.dumps(dict(zip(("text", "label"), line.split(",")))) + "\n" for line in lines))
    else:
        data = tmp_path / "folder"
        for i, line in enumerate(lines):
            text, label = line.split(",")
            (data / label).mkdir(parents=True, exist_ok=True)
            (data / label / f"{i}.txt").write_text(text)
    assert main(["compare", "--data", str(data), *TINY_RUN, "--out", str(tmp_path / "r")]) == 0
    assert json.loads((tmp_path / "r" / "results.json").read_text())["classes"] == ["mid", "neg", "pos"]


def bad_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


@pytest.mark.parametrize("make, extra, message", [
    (lambda p: bad_file(p, "d.csv", "review,label\na,x\nb,y\n"), [], "its columns are ['review', 'label']"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\nb,x\n"), [], "holds 1 class(es) ('x')"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\n ,y\nc,y\n"), [], "1 text(s) are empty, whitespace only"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\nb,\nc,y\n"), [], "1 row(s) have no label (rows 1,"),
    (lambda p: bad_file(p, "d.csv", "text,label\ncaf\xe9,x\nb,y\n".encode("latin-1")), [],
     "is not valid utf-8: invalid continuation byte at byte 14"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\nb,y\nc,x\nd,y\n"), ["--test", "TEST"],
     "holds label(s) the training data never has: 'z'"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\nb,y\nc,x\n"), ["--cv", "5"], "--cv 5 needs at least 5 rows"),
    (lambda p: bad_file(p, "d.xlsx", "x"), [], "unknown file type '.xlsx'; the accepted ones are .csv"),
    (lambda p: bad_file(p, "d.jsonl", "".join(f'{{"text": "t{i}", "label": {v}}}\n' for i, v in
                                                enumerate([0, 1, '"unknown"']))), [],
     "the labels mix numbers (0, 1) and text ('unknown')"),
    (lambda p: bad_file(p, "d.csv", "text,label\n" + "".join(f"t{i},{'xyz'[i % 3]}\n" for i in range(12))),
     ["--test-size", "0.3"], "every model gives up 10% of the 8 training rows for validation (1 rows)"),
    (lambda p: bad_file(p, "d.csv", ""), [], "is empty: it needs a header row and at least one data row"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\nb,y,z\n"), [],
     "is not a well-formed CSV file: Expected 2 fields in line 3, saw 3"),
    (lambda p: bad_file(p, "d.jsonl", '{"text": "a", "label": 1}\n{"text": "b" "label": 0}\n'), [],
     "line 2: not valid JSON (Expecting ',' delimiter, column 14)"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\nb,NaN\nc,y\n"), [], "1 row(s) have no label (rows 1,"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\nb,y\n"), ["--test", "EMPTY"],
     "is empty: it needs a header row and at least one data row"),
    (lambda p: bad_file(p, "d.csv", "text,label\na,x\nb,y\n"), ["--out", "FILE/report"],
     "d.csv is a file, not a folder); choose a folder you can write to"),
])
def test_bad_data_gives_one_line_and_status_2(tmp_path, make, extra, message, capsys):

    errors_page = (REPO / "docs" / "errors.md").read_text()
    assert message in errors_page, "docs/errors.md does not list this case"
    data = make(tmp_path)
    extra = [bad_file(tmp_path, "t.csv", "text,label\na,x\nb,z\n") if e == "TEST" else e for e in extra]
    extra = [bad_file(tmp_path, "t.csv", "") if e == "EMPTY" else e for e in extra]
    extra = [e.replace("FILE", data) for e in extra]
    out = [] if "--out" in extra else ["--out", str(tmp_path / "r")]
    code = main(["compare", "--data", data, *TINY_RUN, *out, *extra])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("skrnn: error:")
    assert not (tmp_path / "r" / "report.md").exists()


def test_rating_on_your_own_data_is_a_column_to_predict(tmp_path, capsys):
    data = write_three_classes(tmp_path / "data.csv")
    assert main(["compare", "--data", str(data), "--target", "rating", "--out", str(tmp_path / "r")]) == 2
    assert "data.csv has no column 'rating'; its columns are ['text', 'label']" in capsys.readouterr().err


def write_scores(path, n=120, sep=","):
    """Texts whose score is the number of 'good' words minus the number of 'bad' ones."""
    import random

    rng = random.Random(0)
    rows = []
    for _ in range(n):
        good, bad = rng.randint(0, 3), rng.randint(0, 3)
        words = ["good"] * good + ["bad"] * bad + rng.sample("the a film story actor plot".split(), 3)
        rng.shuffle(words)
        rows.append((" ".join(words), good - bad))
    path.write_text(f"text{sep}score\n" + "".join(f"{t}{sep}{y}\n" for t, y in rows), encoding="utf-8")
    return path


def test_a_numeric_column_of_your_own_is_compared_by_rmse(tmp_path, capsys):
    data = write_scores(tmp_path / "scores.csv", sep=";")  # the delimiter is sniffed from the header
    out = tmp_path / "r"
    assert main(["compare", "--data", str(data), "--target", "score", "--models", "tfidf-ridge-unigram,tfidf-ridge",
                 "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    assert results["task"] == "regression" and results["classes"] == [] and results["midpoint"] is None
    assert results["rows"] == {"fit": 86, "validation": 10, "test": 24, "folds": 1}
    first, second = results["models"]
    assert 0 < first["scores"]["rmse"][0] < 1.5 and first["scores"]["r2"][0] > 0.5  # a linear rule ridge learns
    assert "sign_accuracy" not in first["scores"] and "| model | RMSE | MAE | R² | RMSE vs" in printed
    report = (out / "report.md").read_text()
    assert report.startswith("# skrnn compare: a numeric target") and "predicting 'score', a number from" in report
    assert (out / "predictions.png").read_bytes()[:4] == b"\x89PNG"


def test_a_numeric_target_that_is_not_a_number_is_one_line(tmp_path, capsys):
    data = bad_file(tmp_path, "d.csv", "text,score\na,1\nb,high\nc,2.5\n")
    assert main(["compare", "--data", data, "--target", "score", "--models", "tfidf-ridge", "--out",
                 str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    message = "1 value(s) of 'score' are not numbers (rows 1, counting the first data row as 0, e.g. 'high')"
    assert message in err and len(err.splitlines()) == 1
    assert message in (REPO / "docs" / "errors.md").read_text()


@pytest.mark.parametrize("sep, option", [(";", []), ("|", []), (";", ["--delimiter", ";"]),
                                         ("\t", ["--delimiter", "tab"])])
def test_the_delimiter_is_sniffed_or_given(tmp_path, sep, option):
    data = write_three_classes(tmp_path / "data.csv", sep=sep)
    assert main(["compare", "--data", str(data), "--models", "tfidf-unigram", *option, "--out", str(tmp_path / "r"),
                 "--quiet"]) == 0
    assert json.loads((tmp_path / "r" / "results.json").read_text())["classes"] == ["mid", "neg", "pos"]


def test_rating_figures_are_the_textbook_statistics():
    from scipy.stats import ttest_rel
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    from skrnn.compare._data import Split
    from skrnn.compare._runs import Run
    from skrnn.compare._tasks import Regression

    rng = np.random.RandomState(0)
    y = rng.choice([1, 2, 3, 4, 7, 8, 9, 10], size=400).astype(float)
    ridge = y + rng.normal(0, 2.0, 400)
    seeds = [y + rng.normal(0, 1.5, 400) for _ in range(3)]

    def runs(*preds):
        return [[Run(pred=p.tolist(), fit_seconds=1.0, predict_seconds=0.5)] for p in preds]

    task, splits = Regression(midpoint=5.5), [Split([], y, [], y)]
    all_runs = {"ridge": runs(ridge), "rnn": runs(*seeds)}
    figures = {name: task.figures(r, splits) for name, r in all_runs.items()}
    assert task.best(["ridge"], figures) == "ridge"
    rnn = figures["rnn"].scores
    np.testing.assert_allclose(rnn["rmse"], [np.sqrt(mean_squared_error(y, p)) for p in seeds])
    np.testing.assert_allclose(rnn["mae"], [mean_absolute_error(y, p) for p in seeds])
    np.testing.assert_allclose(rnn["r2"], [r2_score(y, p) for p in seeds])
    np.testing.assert_allclose(rnn["sign_accuracy"], [np.mean((p > 5.5) == (y > 5.5)) for p in seeds])
    vs = task.versus("rnn", "ridge", all_runs, splits, figures)
    squared = np.mean([(p - y) ** 2 for p in seeds], axis=0)
    assert vs["rmse_difference"] == pytest.approx(np.sqrt(squared.mean()) - np.sqrt(((ridge - y) ** 2).mean()))
    assert vs["low"] < vs["rmse_difference"] < vs["high"] < 0  # clearly better: sd 1.5 against 2.0
    assert vs["t_test_p"] == pytest.approx(ttest_rel(squared, (ridge - y) ** 2).pvalue)
    assert vs["verdict"].startswith("rnn is significantly better than ridge")


@pytest.mark.slow
def test_rating_comparison_on_an_imdb_sample(imdb_home, tmp_path):
    from skrnn.compare import run_comparison

    result = run_comparison(data=imdb_home, target="rating", sample=300, epochs=1, maxlen=60, max_features=500,
                            models=["tfidf-ridge", "simple_rnn"], out=tmp_path / "r", progress=Progress(quiet=True))
    assert [m.name for m in result.models] == ["tfidf-ridge", "simple_rnn"] and result.baseline == "tfidf-ridge"
    ridge, rnn = result.models
    assert ridge.scores["rmse"][0] < 3.5 and 0.0 < ridge.scores["r2"][0] < 1.0  # ratings 1-10, sd near 3.5
    assert rnn.vs_baseline["low"] <= rnn.vs_baseline["rmse_difference"] <= rnn.vs_baseline["high"]
    assert "| model | RMSE | MAE | R² | sentiment accuracy |" in result.table()
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert names == [".runs", "curves_simple_rnn.png", "ratings.png", "report.html", "report.md", "results.json"]
    check_html_report(tmp_path / "r" / "report.html", images=2)
    report = (tmp_path / "r" / "report.md").read_text()
    assert "# skrnn compare: star ratings" in report and "![ratings.png](ratings.png)" in report


def _easy_csv(path, rows=60):
    """Two classes a network gets right on every row."""
    lines = ["text,label"]
    for i in range(rows):
        lines += [f"good fine film {i},pos", f"bad poor film {i},neg"]
    path.write_text("\n".join(lines) + "\n")
    return path


def _compare(tmp_path, *extra, data=None, rnn="lstm"):
    out = tmp_path / "report"
    data = data or _easy_csv(tmp_path / "easy.csv")
    code = main(["compare", "--data", str(data), "--models", f"tfidf-unigram,{rnn}", "--epochs", "1", "--out",
                 str(out), "--quiet", *extra])
    return code, out


def test_a_network_right_on_every_test_row_still_gets_its_report(tmp_path, capsys):
    code, out = _compare(tmp_path, "--no-ensemble", rnn="simple_rnn")
    assert code == 0, capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    assert [m["scores"]["accuracy"] for m in results["models"]] == [[1.0], [1.0]]
    assert results["explanations"]["misclassified"] == [] and results["warnings"] == []
    report = (out / "report.md").read_text()
    assert "| simple_rnn | 1.0000" in report and "Misclassified test rows, explained" not in report
    assert not (out / "explanations.html").exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".report-")] == []  # no staging folder left


@pytest.mark.slow
@pytest.mark.parametrize("test_rows", [["good fine film x,pos"], ["good fine film x,pos", "fine film y,pos"]],
                         ids=["a single test row", "one class in the test rows"])
def test_a_tiny_or_one_class_test_set_gets_its_report(tmp_path, test_rows, capsys):
    test = tmp_path / "test.csv"
    test.write_text("text,label\n" + "\n".join(test_rows) + "\n")
    code, out = _compare(tmp_path, "--test", str(test))
    assert code == 0, capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    assert results["n_test"] == len(test_rows) and results["warnings"] == []
    assert [m["name"] for m in results["models"]] == ["tfidf-unigram", "lstm", "blend(lstm+tfidf-unigram)"]


@pytest.mark.slow
def test_a_failing_blend_or_plot_leaves_a_warning_not_a_lost_report(tmp_path, monkeypatch, capsys):
    import skrnn._plots
    import skrnn.compare._blend

    def fail(*args, **kwargs):
        raise ValueError("the blended models' classes differ from the hold-out's")

    def no_roc(*args, **kwargs):
        raise RuntimeError("no backend")

    monkeypatch.setattr(skrnn.compare._blend, "blend", fail)
    monkeypatch.setattr(skrnn._plots, "plot_roc", no_roc)
    code, out = _compare(tmp_path)
    assert code == 0, capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    assert [m["name"] for m in results["models"]] == ["tfidf-unigram", "lstm"]
    assert results["warnings"] == [
        "The blend failed and is left out (ValueError: the blended models' classes differ from the hold-out's); "
        "rerun with --no-ensemble to leave it out.",
        "The plot roc.png failed and is left out (RuntimeError: no backend).",
    ]
    report = (out / "report.md").read_text()
    assert "> **Warning:** The blend failed" in report and "> **Warning:** The plot roc.png failed" in report
    assert "| lstm | 1.0000" in report and not (out / "roc.png").exists() and (out / "comparison.png").exists()


@pytest.mark.slow
def test_the_cli_keeps_tensorflows_startup_notices_off_stderr(tmp_path):
    data = _easy_csv(tmp_path / "easy.csv", rows=10)
    result = run_cli("compare", "--data", str(data), "--models", "tfidf-unigram,simple_rnn", "--epochs", "1",
                     "--no-ensemble", "--out", str(tmp_path / "r"), env={"TF_CPP_MIN_LOG_LEVEL": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "oneDNN" not in result.stderr and "absl::InitializeLog" not in result.stderr
    assert "[simple_rnn] epoch 1/1" in result.stderr  # the progress is still there


def test_a_bug_says_so_before_its_traceback(tmp_path, monkeypatch, capsys):
    import skrnn.compare

    def broken(**kwargs):
        raise KeyError("model_")

    monkeypatch.setattr(skrnn.compare, "run_comparison", broken)
    code = main(["compare", "--data", str(_easy_csv(tmp_path / "easy.csv")), "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("skrnn: internal error: this is a bug in skrnn, not in your data or options; please report")
    assert "Traceback (most recent call last)" in err and "KeyError: 'model_'" in err


@pytest.mark.slow
def test_a_blend_the_data_cannot_hold_is_left_out_before_training(tmp_path, capsys):
    lines = ["text,label"] + [f"good fine film {i},pos" for i in range(20)]
    lines += [f"bad poor film {i},neg" for i in range(20)] + [f"so so film {i},mid" for i in range(4)]
    data = tmp_path / "d.csv"
    data.write_text("\n".join(lines) + "\n")
    code, out = _compare(tmp_path, "--test-size", "0.25", data=data)
    assert code == 0, capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    assert [m["name"] for m in results["models"]] == ["tfidf-unigram", "lstm"]
    assert results["warnings"] == [
        "The blend is left out: it learns its weights on the validation rows, and class 'mid' has 0 of them, fewer "
        "than the 2 it needs there."]


def test_the_loaders_notes_are_printed_as_the_data_is_read(tmp_path, capsys):
    folder = tmp_path / "texts"
    for label, words in (("pos", "good fine film"), ("neg", "bad poor film")):
        (folder / label).mkdir(parents=True)
        for i in range(30):
            (folder / label / f"{i}.txt").write_text(f"{words} {i}")
    (folder / "neg" / "more").mkdir()
    (folder / "neg" / "more" / "x.txt").write_text("bad")
    code = main(["compare", "--data", str(folder), "--models", "tfidf-unigram", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err.splitlines()
    assert code == 0
    notes = [i for i, line in enumerate(err) if "note:" in line]
    described = next(i for i, line in enumerate(err) if "training and" in line)
    assert len(notes) == 1 and notes[0] < described  # before the training starts, not after the run
    assert "left out 1 folder(s) inside the class folders" in err[notes[0]]


def test_compare_sizes_the_networks_from_the_training_texts(tmp_path, capsys):
    data = write_three_classes(tmp_path / "data.csv")
    out = tmp_path / "report"
    args = ["compare", "--data", str(data), "--models", "tfidf-unigram,simple_rnn", "--epochs", "2",
            "--no-ensemble", "--out", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    settings = results["settings"]
    # The training rows' five-token texts: maxlen 5; every word of the corpus is in 2 texts or more.
    assert settings["maxlen"] == 5 and settings["max_features"] == 8 + 9
    assert "maxlen 5 (the 95th percentile" in settings["sizes"] and "Recurrent models: vocabulary of 17 words" in err
    assert results["models"][1]["training"] == [{"batch_size": 32, "epochs": 2, "best_epoch": 2}]
    report = (out / "report.md").read_text()
    assert "## How long each network trained\n\n- simple_rnn: batches of 32; 2 epochs run, the weights of epoch 2" \
        in report
    assert "2 epochs (kept 2) in batches of 32" in err


@pytest.mark.parametrize("texts, expected", [
    (["a b c", "a b", "a"] * 2, (3, 3)),
    (["w" + " w" * 999, "x y"], (0, 500)),  # the percentile is capped at 500 tokens; no word is in two texts
])
def test_resolve_sizes_follows_the_data(texts, expected):
    from skrnn.compare import resolve_sizes

    if expected[0] == 0:
        with pytest.raises(ValueError, match=r"no word is in at least 2 of the 2 training texts.*leave the recurrent"):
            resolve_sizes(texts)
        assert resolve_sizes(texts, max_features=10)[:2] == (10, 500)
        return
    assert resolve_sizes(texts)[:2] == expected
    assert resolve_sizes(texts, max_features=7, maxlen=2) == (7, 2, "max_features 7 (given); maxlen 2 (given)")


def test_resolve_sizes_matches_a_count_vectorizer_and_the_numpy_percentile():
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    from skrnn.compare import resolve_sizes

    texts = [" ".join(f"w{j}" for j in range(i % 37)) + " shared" for i in range(200)]
    max_features, maxlen, _ = resolve_sizes(texts)
    counts = CountVectorizer(min_df=2, token_pattern=r"(?u)\b\w[\w']*\b").fit(texts)
    assert max_features == len(counts.vocabulary_)
    assert maxlen == int(np.ceil(np.percentile([len(t.split()) for t in texts], 95)))


def _tuned_run(tmp_path, models, *extra):
    data = write_three_classes(tmp_path / "data.csv", n=450)
    out = tmp_path / "r"
    code = main(["compare", "--data", str(data), "--models", models, "--tune", "3", "--tune-folds", "2", "--epochs",
                 "1", "--out", str(out), "--quiet", *extra])
    return code, out


def test_tune_gives_every_baseline_the_same_search_and_reports_it(tmp_path, capsys):
    code, out = _tuned_run(tmp_path, "tfidf-unigram,tfidf-bigram")
    assert code == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["tune"] == {"candidates": 3, "folds": 2} and "| tune s |" in printed
    for m in results["models"]:
        tuning = m["tuning"]
        assert (tuning["candidates"], tuning["folds"]) == (3, 2) and tuning["seconds"] > 0
        assert set(tuning["params"]) == {"tfidfvectorizer__ngram_range", "tfidfvectorizer__min_df",
                                         "logisticregression__C"}
        assert 0.5 <= tuning["score"] <= 1.0
    report = (out / "report.md").read_text()
    assert "## Tuning\n\nEvery model, baselines and networks alike, was tuned by the same protocol" in report
    stored = sorted(p.name for p in (out / ".runs").glob("*/tune-*.json"))
    assert stored == ["tune-tfidf-bigram-fold0.json", "tune-tfidf-unigram-fold0.json"]
    assert main(["compare", "--data", str(tmp_path / "data.csv"), "--models", "tfidf-unigram,tfidf-bigram",
                 "--tune", "3", "--tune-folds", "2", "--epochs", "1", "--out", str(out)]) == 0
    assert "[tune]" not in capsys.readouterr().err  # a rerun takes the searches from the store


def test_without_tune_the_report_says_every_model_ran_at_its_defaults(tmp_path, capsys):
    data = write_three_classes(tmp_path / "data.csv")
    assert main(["compare", "--data", str(data), "--models", "tfidf-unigram", "--out", str(tmp_path / "r"),
                 "--quiet"]) == 0
    report = (tmp_path / "r" / "report.md").read_text()
    assert "## Tuning\n\nNone: every model ran at its defaults" in report and "tune s" not in report


@pytest.mark.slow
def test_tune_searches_the_networks_too_and_trains_the_choice(tmp_path, capsys):
    code, out = _tuned_run(tmp_path, "tfidf-unigram,simple_rnn", "--seeds", "2")
    assert code == 0, capsys.readouterr().err
    results = json.loads((out / "results.json").read_text())
    rnn = results["models"][1]
    assert set(rnn["tuning"]["params"]) == {f"simplernnclassifier__{p}" for p in
                                            ("units", "embedding_dim", "dropout", "bidirectional")}
    assert len(rnn["scores"]["accuracy"]) == 2  # both seeds train the settings the search chose
    assert (rnn["tuning"]["candidates"], rnn["tuning"]["folds"]) == (3, 2) == (
        results["models"][0]["tuning"]["candidates"], results["models"][0]["tuning"]["folds"])


def test_the_blend_pools_no_worse_than_either_model_on_the_validation_rows():
    from scipy.special import log_softmax, softmax

    from skrnn.compare._blend import blend
    from skrnn.compare._data import Split
    from skrnn.compare._runs import Run

    rng = np.random.RandomState(0)
    y = rng.randint(0, 3, 600)
    informative = softmax(3.0 * np.eye(3)[y] + rng.normal(0, 1.5, (600, 3)), axis=1)  # right more often
    noise = softmax(rng.normal(0, 1.0, (600, 3)), axis=1)
    split = Split(X_train=[""] * 300, y_train=y[:300], X_test=[""] * 300, y_test=y[300:],
                  validation=np.arange(300))

    def run(p):
        return Run(pred=[], fit_seconds=1.0, predict_seconds=0.5, proba=p[300:].tolist(), classes=[0, 1, 2],
                   val_proba=p[:300].tolist())

    pooled = blend(run(informative), run(noise), split)
    a, b = pooled.weights
    assert a > 0.5 and b < 0.2  # the weight goes to the model that is right
    codes = y[:300]

    def loss(log_p):
        return -log_softmax(log_p, axis=1)[np.arange(300), codes].mean()

    val = a * np.log(informative[:300]) + b * np.log(noise[:300])
    assert loss(val) <= min(loss(np.log(informative[:300])), loss(np.log(noise[:300]))) + 1e-9
    expected = softmax(a * np.log(informative[300:]) + b * np.log(noise[300:]), axis=1)
    np.testing.assert_allclose(pooled.proba, expected, atol=1e-4)
    assert pooled.fit_seconds >= 2.0 and pooled.predict_seconds >= 1.0  # both models' costs are the blend's


def test_task_reads_a_number_column_as_classes_or_the_label_column_as_numbers(tmp_path, capsys):
    data = write_scores(tmp_path / "scores.csv")
    out = tmp_path / "r"
    # --task classification --target score: the scores are classes
    assert main(["compare", "--data", str(data), "--target", "score", "--task", "classification", "--models",
                 "tfidf-unigram", "--out", str(out), "--quiet"]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["task"] == "classification" and results["classes"] == [-3, -2, -1, 0, 1, 2, 3]
    # --task regression with --label-column: the label column is a number to predict
    assert main(["compare", "--data", str(data), "--label-column", "score", "--task", "regression", "--models",
                 "tfidf-ridge", "--out", str(tmp_path / "r2"), "--quiet"]) == 0
    results = json.loads((tmp_path / "r2" / "results.json").read_text())
    assert results["task"] == "regression" and results["settings"]["column"] == "score"


def test_imdb_ratings_cannot_be_classified(capsys):
    assert main(["compare", "--target", "rating", "--task", "classification"]) == 2
    assert "--target rating predicts IMDB's star ratings as numbers" in capsys.readouterr().err
