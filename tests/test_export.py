"""skrnn.export: the TensorFlow text side against the Python pipeline, the saved model without skrnn, serving."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skrnn import (
    GRUClassifier,
    LSTMClassifier,
    LSTMRegressor,
    SequencePadder,
    SimpleRNNClassifier,
    TextVectorizer,
)
from skrnn.export import ExportError, _text_layer, save, to_keras

from .helpers import LABELS, REPO, SIZES, TEXTS

tf = pytest.importorskip("tensorflow")

#: Texts that exercise every step of the text side: HTML, apostrophes, case, digits, underscores, accents, n-grams
#: that cross removed stop words, unknown words, empty texts and texts longer than maxlen.
MESSY = [
    "A great film, I loved it!<br /><br />Really.",
    "Don't 'quote' me: rock'n'roll isn't ''dead''... it's <b>alive</b>",
    "ÉCOLE, café, naïve Über straße 42 snake_case_word",
    "",
    "   ",
    "<<>> <a href='x'>link</a> <unclosed and more words here",
    "the the the film the end",
    "unknownword another_unknown zzz",
    "Loved every minute: brilliant and funny. " * 5,
    "1999 2000s 3rd 4-5 x²",
    "tab\tseparated\nnew line\r\nwindows",
    "emoji 🙂 and ЧЕХОВ and 東京 text",
]
FIT_TEXTS = TEXTS + MESSY[:3] + MESSY[6:]

VECTORIZERS = {
    "words": dict(),
    "bigrams": dict(ngram_range=(1, 2)),
    "bigrams-only": dict(ngram_range=(2, 3)),
    "stop-words": dict(stop_words="english", ngram_range=(1, 2)),
    "max-features-drop": dict(max_features=12, oov="drop"),
    "cased-html-kept": dict(lowercase=False, strip_html=False),
    "min-df": dict(min_df=2, max_df=0.5),
}
PADDERS = {
    "pre": dict(maxlen=8),
    "post": dict(maxlen=8, padding="post", truncating="post"),
    "mixed": dict(maxlen=5, padding="post", truncating="pre", value=0),
    "longest": dict(),
}


def _ids(vectorizer, padder, texts):
    layer = _text_layer(vectorizer, padder, None)
    return layer(tf.constant(texts, dtype=tf.string)).numpy()


# The fast subset runs every vectorizer setting with pre padding, and every padder with words and bigrams.
@pytest.mark.parametrize("setting, padding", [
    pytest.param(setting, padding, id=f"{setting}-{padding}",
                 marks=() if padding == "pre" or setting in ("words", "bigrams") else pytest.mark.slow)
    for setting in VECTORIZERS for padding in PADDERS
])
def test_token_ids_equal_the_vectorizer_and_padder(setting, padding):
    vectorizer = TextVectorizer(**VECTORIZERS[setting]).fit(FIT_TEXTS)
    padder = SequencePadder(**PADDERS[padding]).fit(vectorizer.transform(FIT_TEXTS))
    expected = padder.transform(vectorizer.transform(MESSY))
    np.testing.assert_array_equal(_ids(vectorizer, padder, MESSY), expected)


WORDS = st.sampled_from(["film", "great", "don't", "it's", "loved", "<br />", "the", "a", "and", "dull", "x_y",
                         "42", "Été", "café", "'", "''", "!", ",", " ", "  ", "\n", "<i>", "FILM", "zzz", "ünknown"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(WORDS, max_size=30).map("".join), min_size=1, max_size=8))
def test_token_ids_equal_on_generated_texts(texts):
    vectorizer = TextVectorizer(ngram_range=(1, 2)).fit(FIT_TEXTS)
    padder = SequencePadder(maxlen=12).fit(vectorizer.transform(FIT_TEXTS))
    np.testing.assert_array_equal(_ids(vectorizer, padder, texts), padder.transform(vectorizer.transform(texts)))


def _fitted(estimator, y=LABELS, texts=TEXTS, **vectorizer):
    return make_pipeline(TextVectorizer(**vectorizer), SequencePadder(maxlen=10), estimator).fit(texts, y)


def _predict(model, texts):
    return model.predict(tf.constant(texts, dtype=tf.string), verbose=0)


@pytest.mark.slow
@pytest.mark.parametrize("estimator", [
    LSTMClassifier(**SIZES, epochs=2),
    GRUClassifier(**SIZES, epochs=2, bidirectional=True),
    SimpleRNNClassifier(**SIZES, epochs=2, pooling="max"),
], ids=["lstm", "bigru", "simple_rnn-max"])
def test_probabilities_equal_predict_proba(estimator):
    pipe = _fitted(estimator, ngram_range=(1, 2))
    np.testing.assert_allclose(_predict(to_keras(pipe), MESSY), pipe.predict_proba(MESSY), atol=1e-5)


@pytest.mark.slow
def test_multiclass_multilabel_and_regression_export_too():
    three = np.array(["pos", "neg", "meh"])[np.arange(len(TEXTS)) % 3]
    pipe = _fitted(LSTMClassifier(**SIZES, epochs=1), y=three)
    np.testing.assert_allclose(_predict(to_keras(pipe), MESSY), pipe.predict_proba(MESSY), atol=1e-5)
    indicator = np.stack([np.array(LABELS) == "pos", np.arange(len(TEXTS)) % 2 == 0], axis=1).astype(int)
    pipe = _fitted(LSTMClassifier(**SIZES, epochs=1), y=indicator)
    np.testing.assert_allclose(_predict(to_keras(pipe), MESSY), pipe.predict_proba(MESSY), atol=1e-5)
    ratings = np.where(np.array(LABELS) == "pos", 8.0, 2.0) + np.arange(len(TEXTS)) % 2
    pipe = _fitted(LSTMRegressor(**SIZES, epochs=1), y=ratings)
    np.testing.assert_allclose(_predict(to_keras(pipe), MESSY), pipe.predict(MESSY), atol=1e-4)
    pipe = _fitted(LSTMRegressor(**SIZES, epochs=1), y=np.stack([ratings, -ratings], axis=1))
    np.testing.assert_allclose(_predict(to_keras(pipe), MESSY), pipe.predict(MESSY), atol=1e-4)


@pytest.mark.parametrize("vectorizer, match", [
    (dict(preprocessor=str.upper), "preprocessor="),
    (dict(tokenizer=str.split), "tokenizer="),
    (dict(analyzer="char", ngram_range=(2, 3)), "analyzer='char'"),
    (dict(analyzer=str.split), "analyzer="),
    (dict(token_pattern=r"\w+"), "token_pattern="),
])
def test_a_setting_ops_cannot_reproduce_is_named(vectorizer, match):
    text_side = make_pipeline(TextVectorizer(**vectorizer), SequencePadder(maxlen=10)).fit(TEXTS)
    pipe = make_pipeline(*text_side, LSTMClassifier())  # refused before the network is looked at
    with pytest.raises(ExportError, match=match):
        to_keras(pipe)


@pytest.mark.slow
def test_anything_but_the_three_step_pipeline_is_refused():
    pipe = _fitted(LSTMClassifier(**SIZES, epochs=1))
    search = GridSearchCV(make_pipeline(TextVectorizer(), SequencePadder(maxlen=10), LSTMClassifier(**SIZES, epochs=1)),
                          {"lstmclassifier__units": [4]}, cv=2).fit(TEXTS, LABELS)
    with pytest.raises(ExportError, match="best_estimator_"):
        to_keras(search)
    with pytest.raises(ExportError, match="TextVectorizer -> SequencePadder"):
        to_keras(pipe[1:])
    np.testing.assert_allclose(_predict(to_keras(search.best_estimator_), TEXTS[:4]),
                               search.predict_proba(TEXTS[:4]), atol=1e-5)


def test_the_binary_probabilities_equal_predict_proba():
    pipe = _fitted(GRUClassifier(**SIZES, epochs=2), ngram_range=(1, 2))
    np.testing.assert_allclose(_predict(to_keras(pipe), MESSY), pipe.predict_proba(MESSY), atol=1e-5)


def test_save_refuses_a_folder_in_use_and_writes_nothing(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "file.txt").write_text("x")
    pipe = _fitted(LSTMClassifier(**SIZES, epochs=1))
    with pytest.raises(ExportError, match="not an empty folder"):
        save(pipe, tmp_path / "used")
    assert sorted(p.name for p in (tmp_path / "used").iterdir()) == ["file.txt"]


#: Loads the SavedModel with TensorFlow alone and prints its answers and whether skrnn was imported.
LOAD_WITHOUT_SKRNN = """
import json, sys
import tensorflow as tf
serve = tf.saved_model.load(sys.argv[1] + "/saved_model")
out = serve.signatures["serving_default"](texts=tf.constant(json.loads(sys.argv[2])))
ids = serve.signatures["token_ids"](texts=tf.constant(json.loads(sys.argv[2])))["token_ids"]
print(json.dumps({"probabilities": out["probabilities"].numpy().tolist(),
                  "labels": [x.decode() for x in out["labels"].numpy()], "ids": ids.numpy().tolist(),
                  "skrnn": any(m == "skrnn" or m.startswith("skrnn.") for m in sys.modules)}))
"""


@pytest.mark.slow
def test_saved_model_loads_and_predicts_without_skrnn(tmp_path):
    pipe = _fitted(LSTMClassifier(**SIZES, epochs=2), ngram_range=(1, 2))
    folder = save(pipe, tmp_path / "export")
    assert {p.name for p in folder.iterdir()} == {"model.keras", "saved_model", "skrnn_export.json"}
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ""}
    result = subprocess.run([sys.executable, "-c", LOAD_WITHOUT_SKRNN, str(folder), json.dumps(MESSY)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert not answer["skrnn"]
    np.testing.assert_allclose(answer["probabilities"], pipe.predict_proba(MESSY), atol=1e-5)
    assert answer["labels"] == list(pipe.predict(MESSY))
    np.testing.assert_array_equal(answer["ids"], pipe[:2].transform(MESSY))
    import keras

    reloaded = keras.models.load_model(folder / "model.keras")
    np.testing.assert_allclose(_predict(reloaded, MESSY), pipe.predict_proba(MESSY), atol=1e-5)
    assert json.loads((folder / "skrnn_export.json").read_text())["classes"] == ["neg", "pos"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url, body, content_type="application/json"):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.slow
def test_the_example_server_answers_and_refuses_bad_requests(tmp_path):
    pipe = _fitted(LSTMClassifier(**SIZES, epochs=2))
    folder = save(pipe, tmp_path / "export")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(REPO / "examples" / "serve_savedmodel.py"), str(folder), "--port", str(port),
         "--max-batch", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": ""}, cwd=tmp_path)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                with urllib.request.urlopen(url + "/health", timeout=5) as response:
                    assert json.loads(response.read())["status"] == "ok"
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read()[-2000:]
                time.sleep(0.2)
        texts = ["I loved it", "awful and boring"]
        status, answer = _post(url + "/predict", json.dumps({"texts": texts}).encode())
        assert status == 200
        assert answer["labels"] == list(pipe.predict(texts)) and answer["classes"] == ["neg", "pos"]
        np.testing.assert_allclose(answer["probabilities"], pipe.predict_proba(texts), atol=1e-5)
        for body, code, words in [
            (b"not json", 400, "not JSON"),
            (b"{}", 400, "texts"),
            (json.dumps({"texts": []}).encode(), 400, "non-empty list"),
            (json.dumps({"texts": "one string"}).encode(), 400, "list of strings"),
            (json.dumps({"texts": ["ok", 3]}).encode(), 422, "must be a string"),
            (json.dumps({"texts": ["a"] * 5}).encode(), 413, "limit of 4"),
        ]:
            status, answer = _post(url + "/predict", body)
            assert status == code and words in answer["error"], (body, status, answer)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_token_ids_equal_on_imdb_reviews_and_every_sst5_sentence(imdb_home):
    """The differential test on real text: 5,000 of IMDB's test reviews and SST-5's 11,855 sentences.

    Words and bigrams, the vocabulary of 5,000 of IMDB's training reviews (of
    SST-5's training sentences for SST-5), so that out-of-vocabulary words are
    many. ``benchmarks/bench_export.py`` checks the whole exported model on
    every one of IMDB's 25,000 test reviews.
    """
    import pandas as pd

    from skrnn.datasets import load_imdb

    draw = np.random.default_rng(0)
    train, test = ([texts[i] for i in draw.choice(len(texts), 5000, replace=False)]
                   for texts in (load_imdb(subset, data_home=imdb_home, verbose=False).data
                                 for subset in ("train", "test")))
    sst5 = REPO.parent / "shared" / "data" / "sst5"
    sst5 = next((p for p in (imdb_home / "sst5", imdb_home.parent / "sst5", sst5) if p.is_dir()), None)
    corpora = [(train, test)]
    if sst5 is not None:
        sentences = {split: pd.read_csv(sst5 / f"{split}.csv")["text"].tolist() for split in ("train", "dev", "test")}
        corpora.append((sentences["train"], sentences["train"] + sentences["dev"] + sentences["test"]))
    elif os.environ.get("CI") == "true":
        pytest.fail("SST-5 not found beside the IMDB data")
    for fit_on, check_on in corpora:
        vectorizer = TextVectorizer(ngram_range=(1, 2)).fit(fit_on)
        expected = vectorizer.transform(check_on)
        layer = _text_layer(vectorizer, SequencePadder(maxlen=1).fit([[2]]), None)
        mismatched = []
        for start in range(0, len(check_on), 2000):
            got = layer.ids(tf.constant(check_on[start:start + 2000], dtype=tf.string)).to_list()
            mismatched += [start + i for i, ids in enumerate(got) if ids != expected[start + i].tolist()]
        assert not mismatched, [check_on[i][:80] for i in mismatched[:5]]


def test_errors_page_quotes_the_messages(tmp_path):
    page = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    text_side = make_pipeline(TextVectorizer(token_pattern=r"\w+"), SequencePadder(maxlen=10)).fit(TEXTS)
    messages = []
    for call in (lambda: to_keras(make_pipeline(*text_side, LSTMClassifier())),
                 lambda: to_keras(make_pipeline(text_side[1], LSTMClassifier()))):
        with pytest.raises(ExportError) as caught:
            call()
        messages.append(str(caught.value))
    (tmp_path / "export").write_text("a file")
    with pytest.raises(ExportError) as caught:
        save(make_pipeline(*text_side, LSTMClassifier()), tmp_path / "export")
    messages.append(str(caught.value).replace(str(tmp_path / "export"), "export"))
    for message in messages:
        assert message.replace("\\", "\\\\") in page or message in page, message
