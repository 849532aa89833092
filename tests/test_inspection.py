"""skrnn.inspection: completeness, finding the signal, order, the NumPy reference, safe HTML."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skrnn import GRUClassifier, LSTMClassifier, SequencePadder, SimpleRNNClassifier, TextVectorizer, reference
from skrnn.inspection import explain, explanations_to_html, top_tokens

from .helpers import LABELS, SIZES, TEXTS


def pipeline(cls=LSTMClassifier, vectorizer=None, maxlen=12, labels=LABELS, texts=TEXTS, **params):
    clf = cls(**{**SIZES, "epochs": 3, **params})
    return make_pipeline(vectorizer or TextVectorizer(), SequencePadder(maxlen=maxlen), clf).fit(texts, labels)


@pytest.mark.parametrize("cls, params, vectorizer", [
    pytest.param(SimpleRNNClassifier, {}, None, marks=pytest.mark.slow),
    (LSTMClassifier, {}, None),
    pytest.param(GRUClassifier, {}, None, marks=pytest.mark.slow),
    pytest.param(LSTMClassifier, {"bidirectional": True, "n_layers": 2}, None, marks=pytest.mark.slow),
    pytest.param(GRUClassifier, {"pooling": "mean"}, TextVectorizer(ngram_range=(1, 2)), marks=pytest.mark.slow),
    pytest.param(LSTMClassifier, {"mask_padding": False}, None, marks=pytest.mark.slow),
])
def test_integrated_gradients_are_complete(cls, params, vectorizer):
    model = pipeline(cls, vectorizer, **params)
    for e in explain(model, TEXTS[:8]):
        delta = e.proba - e.baseline_proba
        assert np.nansum(e.scores) == pytest.approx(delta, rel=0.01, abs=1e-6)
        assert e.completeness_gap <= 0.01
        assert len(e.tokens) == len(e.scores) == len(e.seen)


@pytest.mark.slow
def test_a_gap_left_at_the_most_points_is_warned_and_recorded(monkeypatch):
    import skrnn.inspection

    model = pipeline(SimpleRNNClassifier)
    monkeypatch.setattr(skrnn.inspection, "MAX_STEPS", 1)  # one point: the midpoint rule is far from complete
    with pytest.warns(UserWarning, match=r"text\(s\) still miss f\(text\) - f\(baseline\) by more than 1% at 1 "
                                         r"points \(largest gap"):
        explained = explain(model, TEXTS[:8], steps=1)
    gaps = [e.completeness_gap for e in explained]
    assert max(gaps) > 0.01
    for e in explained:  # the recorded gap is the scores' miss, as a fraction of the change it explains
        delta = e.proba - e.baseline_proba
        assert e.completeness_gap == pytest.approx(abs(np.nansum(e.scores) - delta) / abs(delta), rel=1e-4)


def test_explain_refuses_a_bare_string_and_no_texts():
    model = pipeline(SimpleRNNClassifier)
    with pytest.raises(ValueError, match=r"a single string; wrap it in a list: explain\(pipeline, \['great movie'\]\)"):
        explain(model, "great movie")
    with pytest.raises(ValueError, match="explain got no texts; pass a list of at least one text"):
        explain(model, [])


@pytest.mark.slow
def test_multiclass_scores_are_per_class_and_complete():
    labels = np.array(["a", "b", "c"])[np.arange(len(TEXTS)) % 3]
    model = pipeline(GRUClassifier, labels=labels)
    for target in ("a", "b", "c"):
        e = explain(model, TEXTS[:1], target=target)[0]
        assert e.label == target
        assert np.nansum(e.scores) == pytest.approx(e.proba - e.baseline_proba, rel=0.01, abs=1e-6)
    assert explain(model, TEXTS[:1])[0].label == model.predict(TEXTS[:1])[0]


def synthetic(n, rule, seed=0):
    rng = np.random.RandomState(seed)
    filler = [f"w{i}" for i in range(30)]
    texts, labels = [], []
    for _ in range(n):
        words, label = rule(rng, list(rng.choice(filler, size=8)))
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.array(labels)


def marker_rule(rng, words):
    label = int(rng.rand() < 0.5)
    words.insert(rng.randint(len(words) + 1), "good" if label else "bad")
    return words, label


def order_rule(rng, words):
    label = int(rng.rand() < 0.5)
    first, second = ("alpha", "beta") if label else ("beta", "alpha")
    i = rng.randint(0, 4)
    words.insert(i, first)
    words.insert(rng.randint(i + 1, len(words) + 1), second)
    return words, label


@pytest.mark.slow
def test_attribution_mass_falls_on_the_markers():
    texts, labels = synthetic(800, marker_rule)
    model = pipeline(LSTMClassifier, texts=texts, labels=labels, maxlen=10, epochs=20, batch_size=128, units=16,
                     dropout=0.0, learning_rate=0.01)
    test_texts, test_labels = synthetic(100, marker_rule, seed=1)
    assert model.score(test_texts, test_labels) > 0.95
    mass, on_markers = 0.0, 0.0
    for e in explain(model, test_texts):
        scores = np.abs(e.scores)
        mass += np.nansum(scores)
        on_markers += sum(s for t, s in zip(e.tokens, scores) if t in ("good", "bad"))
    assert on_markers / mass >= 0.9


@pytest.mark.slow
def test_order_matters_the_sign_changes_with_the_order():
    texts, labels = synthetic(600, order_rule)
    model = pipeline(LSTMClassifier, texts=texts, labels=labels, maxlen=10, epochs=25, units=16,
                     learning_rate=0.01)
    assert model.score(*synthetic(100, order_rule, seed=1)) > 0.9
    first, swapped = explain(model, ["alpha w1 w2 beta w3", "beta w1 w2 alpha w3"], target=1)
    alpha_first = dict(zip(first.tokens, first.scores))["alpha"]
    alpha_second = dict(zip(swapped.tokens, swapped.scores))["alpha"]
    assert alpha_first > 0 > alpha_second


@pytest.mark.parametrize("cls", [SimpleRNNClassifier, LSTMClassifier, GRUClassifier])
def test_occlusion_equals_the_numpy_reference(cls):
    model = pipeline(cls)
    vectorizer, padder, clf = (s for _, s in model.steps)
    text = TEXTS[1]
    e = explain(model, [text], method="occlusion")[0]
    x = padder.transform(vectorizer.transform([text]))[0]
    rows = [x] + [np.where(np.arange(len(x)) == p, 0, x) for p in np.flatnonzero(x)]
    p = reference.predict_proba(clf, np.stack(rows))[:, list(clf.classes_).index(e.label)]
    np.testing.assert_allclose(e.scores[e.seen], p[0] - p[1:], atol=1e-5)


def test_tokens_cut_off_by_maxlen_are_not_seen():
    model = pipeline(maxlen=3)
    e = explain(model, ["a great film and a wonderful story"])[0]
    assert e.seen.tolist() == [False, False, False, False, True, True, True]  # truncating="pre"
    assert np.isnan(e.scores[:4]).all() and np.isfinite(e.scores[4:]).all()
    assert "not seen" in e.to_html()


def test_html_escapes_markup(tmp_path):
    model = pipeline(vectorizer=TextVectorizer(tokenizer=str.split, strip_html=False, lowercase=False))
    e = explain(model, ['<script>alert("x")</script> great film'])[0]
    page = explanations_to_html([e])
    assert "<script>" not in page and "&lt;script&gt;" in page
    e.plot(tmp_path / "bars.png")
    assert (tmp_path / "bars.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_top_tokens_per_class():
    model = pipeline(epochs=15)
    top = top_tokens(model, TEXTS, n=3)
    assert set(top) == {"neg", "pos"} and all(len(v) == 3 for v in top.values())
    assert {t for t, _ in top["pos"]} & {"great", "loved", "wonderful", "brilliant"}
    assert {t for t, _ in top["neg"]} & {"awful", "hated", "boring", "terrible"}


@pytest.mark.slow
def test_works_on_a_grid_searchs_best_estimator():
    search = GridSearchCV(make_pipeline(TextVectorizer(), SequencePadder(maxlen=12),
                                        LSTMClassifier(units=4, epochs=2, random_state=0)),
                          {"lstmclassifier__units": [4, 6]}, cv=2).fit(TEXTS, LABELS)
    assert len(explain(search.best_estimator_, TEXTS[:2])) == 2
    with pytest.raises(TypeError, match="best_estimator_"):
        explain(search, TEXTS[:2])


@pytest.mark.parametrize("model, kwargs, exc, match", [
    (lambda: make_pipeline(TextVectorizer(), SequencePadder(), LSTMClassifier()), {}, NotFittedError, "not fitted"),
    (lambda: make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(TEXTS, LABELS), {}, TypeError,
     r"TextVectorizer -> SequencePadder -> an skrnn classifier, got TfidfVectorizer -> LogisticRegression"),
    (lambda: pipeline(), {"method": "lime"}, ValueError,
     r"The 'method' parameter of explain must be a str among \{.*'occlusion'.*\}. Got 'lime' instead"),
    (lambda: pipeline(), {"steps": 0}, ValueError, r"The 'steps' parameter of explain must be an int in the range"),
    (lambda: pipeline(), {"target": "maybe"}, ValueError, r"target 'maybe' is not a class"),
])
def test_bad_input(model, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        explain(model(), TEXTS[:1], **kwargs)


def test_explaining_leaves_the_random_state_of_later_training_unchanged():
    params = {"dropout": 0.3, "warm_start": True, "run_eagerly": True}
    explained, twin = pipeline(**params), pipeline(**params)
    explain(explained, TEXTS[:3])
    explain(explained, TEXTS[:3], method="occlusion")
    for model in (explained, twin):
        model.fit(TEXTS, LABELS)
    np.testing.assert_array_equal(explained.predict_proba(TEXTS), twin.predict_proba(TEXTS))
