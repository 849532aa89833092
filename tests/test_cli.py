"""`skrnn compare`: the report, the progress and the errors."""

import json
import os
import subprocess
import sys

import pytest

from skrnn._cli import main
from skrnn._progress import Progress


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
    assert "[simple_rnn] epoch 2/2" in result.stderr  # plain progress lines off a terminal
    assert sorted(p.name for p in out.iterdir()) == [
        "comparison.png", "curves_simple_rnn.png", "report.md", "results.json"]
    results = json.loads((out / "results.json").read_text())
    assert results["n_train"] == results["n_test"] == 300
    rnn = results["models"][1]
    assert rnn["name"] == "simple_rnn" and len(rnn["history"]["val_loss"]) == 2
    assert 0.6 <= results["models"][0]["accuracy"] <= 1  # TF-IDF learns something from 300 reviews
    assert rnn["trainable_params"] > 0 and rnn["fit_seconds"] > 0
    report = (out / "report.md").read_text()
    assert "| model | test accuracy |" in report and "![comparison.png]" in report
    assert (out / "comparison.png").read_bytes()[:4] == b"\x89PNG"


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
    ],
)
def test_bad_options_give_one_line_and_status_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        code = main(args)
        raise SystemExit(code)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


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


def test_interrupt_leaves_no_half_report(imdb_home, tmp_path, monkeypatch, capsys):
    out = tmp_path / "report"
    real_line = Progress.line

    def interrupt_after_first_model(self, text):
        real_line(self, text)
        if "test accuracy" in text:
            raise KeyboardInterrupt

    monkeypatch.setattr(Progress, "line", interrupt_after_first_model)
    code = main(["compare", "--data", str(imdb_home), "--sample", "100", "--models", "tfidf-unigram,lstm",
                 "--out", str(out)])
    assert code == 130
    assert "no report was written" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report-")]
