"""skrnn.datasets.load_text_dataset: every file type, column inference, every bad input."""

import json
import re

import numpy as np
import pytest

from skrnn.datasets import load_text_dataset

ROWS = [("a great film", "pos"), ("an awful film", "neg"), ("it was fine", "meh"), ("loved it", "pos")]


def write(tmp_path, kind, rows=ROWS, columns=("text", "label")):
    path = tmp_path / f"data.{kind}"
    if kind in ("csv", "tsv"):
        import pandas as pd

        pd.DataFrame(rows, columns=list(columns)).to_csv(path, sep="\t" if kind == "tsv" else ",", index=False)
    elif kind == "jsonl":
        path.write_text("".join(json.dumps(dict(zip(columns, r))) + "\n" for r in rows), encoding="utf-8")
    elif kind == "parquet":
        import pandas as pd

        pytest.importorskip("pyarrow")
        pd.DataFrame(rows, columns=list(columns)).to_parquet(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "tsv", "jsonl", "parquet"])
def test_every_file_type_reads_the_same_three_class_set(tmp_path, kind):
    bunch = load_text_dataset(write(tmp_path, kind))
    assert bunch.data == [t for t, _ in ROWS]
    assert bunch.target.tolist() == [label for _, label in ROWS]
    assert bunch.target_names.tolist() == ["meh", "neg", "pos"]


def test_a_folder_per_class(tmp_path):
    for i, (text, label) in enumerate(ROWS):
        (tmp_path / label).mkdir(exist_ok=True)
        (tmp_path / label / f"{i}.txt").write_text(text, encoding="utf-8")
    bunch = load_text_dataset(tmp_path)
    assert sorted(zip(bunch.data, bunch.target)) == sorted(ROWS)


def test_integer_labels_stay_integers(tmp_path):
    bunch = load_text_dataset(write(tmp_path, "csv", [("good", 1), ("bad", 0), ("ok", 2)]))
    assert bunch.target.dtype.kind == "i" and bunch.target.tolist() == [1, 0, 2]


def test_named_columns_and_inferred_ones(tmp_path):
    named = write(tmp_path, "csv", columns=("review", "sentiment"))
    bunch = load_text_dataset(named, text_column="review", label_column="sentiment")
    assert bunch.target.tolist()[:2] == ["pos", "neg"]
    with pytest.warns(UserWarning, match="using 'review' as the text and 'stars' as the label"):
        inferred = load_text_dataset(write(tmp_path, "jsonl", [(t, i) for i, (t, _) in enumerate(ROWS)],
                                           columns=("review", "stars")))
    assert inferred.data[0] == "a great film" and inferred.target.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("make, match", [
    (lambda p: write(p, "csv", columns=("review", "label")),
     r"has no column 'text'; its columns are \['review', 'label'\]"),
    (lambda p: write(p, "csv", [("a", "x"), ("b", "x")]), r"holds 1 class\(es\) \('x'\); at least 2"),
    (lambda p: write(p, "csv", [("a", "x"), ("   ", "y"), ("", "x"), ("c", "y")]),
     r"2 text\(s\) are empty, whitespace only or missing \(rows 1, 2,"),
    (lambda p: write(p, "jsonl", [("a", "x"), ("b", None), ("c", "y")]), r"1 row\(s\) have no label \(rows 1,"),
    (lambda p: write(p, "csv", [("a", "x"), ("b", ""), ("c", "y")]), r"1 row\(s\) have no label \(rows 1,"),
    (lambda p: (p / "data.xlsx").write_bytes(b"x") and p / "data.xlsx",
     r"unknown file type '.xlsx'; the accepted ones are"),
    (lambda p: (p / "latin.csv").write_bytes("text,label\ncaf\xe9,x\nb,y\n".encode("latin-1")) and p / "latin.csv",
     r"is not valid utf-8: invalid continuation byte at byte 14; pass its encoding"),
    (lambda p: p / "nope.csv", r"does not exist"),
])
def test_bad_input_is_one_clear_error(tmp_path, make, match):
    with pytest.raises(ValueError, match=match):
        load_text_dataset(make(tmp_path))


def test_another_encoding_reads(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("text,label\ncaf\xe9,x\nb,y\n".encode("latin-1"))
    assert load_text_dataset(path, encoding="latin-1").data[0] == "caf\xe9"


def test_sst5_reads_as_five_classes(imdb_home):
    from pathlib import Path

    sst5 = Path(imdb_home) / "sst5" / "train.csv"
    if not sst5.exists():
        pytest.skip("SST-5 not beside the IMDB copy")
    bunch = load_text_dataset(sst5)
    assert len(bunch.data) == 8544 and len(bunch.target_names) == 5
    assert np.isin(bunch.target, ["very negative", "negative", "neutral", "positive", "very positive"]).all()


def test_a_stray_quote_in_a_tsv_never_merges_rows_silently(tmp_path):
    rows = ["text\tlabel"] + [f"text {i}\t{'pos' if i % 2 else 'neg'}" for i in range(20)]
    rows[5] = '"stray quote\tpos'
    rows[12] = 'another" quote\tneg'  # closes the quoted text the stray one opened, seven rows on
    path = tmp_path / "d.tsv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ValueError, match=r"d.tsv: the 'text' of row 4 .* runs over 8 lines and holds tabs"):
        load_text_dataset(path)
    rows[12] = "another quote\tneg"  # a stray quote with nothing to close it
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ValueError, match=r"d.tsv is not a well-formed TSV file: EOF inside string starting at row"):
        load_text_dataset(path)


def test_a_json_lines_file_with_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes("\ufeff".encode() + b'{"text": "a", "label": "x"}\n\n{"text": "b", "label": "y"}\n')
    bunch = load_text_dataset(path)
    assert bunch.data == ["a", "b"] and bunch.target.tolist() == ["x", "y"]


# -- messy files, generated: a clear error naming the file, or every row back as written ---------------------
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

#: Texts with the characters that trouble a reader: separators, quotes, newlines, spaces, accents.
MESSY_TEXT = st.one_of(st.text(alphabet=list("ab ,;\t\"'\n\\é€"), max_size=12), st.sampled_from(["NaN", "null"]))
LABEL_SPELLINGS = st.sampled_from(["pos", "neg", "1", "0", "-1", "pos ", "Pos", "1.0"] * 4 + ["NaN", "null", ""])


def _write_messy(path, kind, rows, encoding, blank_lines):
    import csv
    import io

    if kind == "jsonl":
        lines = [json.dumps({"text": t, "label": int(lab) if lab.lstrip("-").isdigit() else lab}) for t, lab in rows]
        body = ("\n\n" if blank_lines else "\n").join(lines) + "\n"
    else:
        records = []
        for record in [("text", "label"), *rows]:
            out = io.StringIO()
            csv.writer(out, delimiter="\t" if kind == "tsv" else ",", lineterminator="\n").writerow(record)
            records.append(out.getvalue())
        body = ("\n" if blank_lines else "").join(records)
    path.write_bytes(body.encode(encoding))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(MESSY_TEXT, LABEL_SPELLINGS), min_size=1, max_size=8),
    kind=st.sampled_from(["csv", "tsv", "jsonl"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
    blank_lines=st.booleans(),
)
def test_messy_files_give_a_clear_error_or_their_rows_back(tmp_path, rows, kind, encoding, blank_lines):
    try:
        "".join(t + lab for t, lab in rows).encode(encoding)
    except UnicodeEncodeError:
        encoding = "utf-8"  # latin-1 cannot write the euro sign
    path = tmp_path / f"messy.{kind}"
    _write_messy(path, kind, rows, encoding, blank_lines)
    try:
        bunch = load_text_dataset(path, encoding="utf-8" if encoding == "utf-8-sig" else encoding, min_classes=1)
    except ValueError as exc:
        assert str(path) in str(exc), exc  # every refusal names the file
        event(f"{kind}: refused: {re.sub(r'[0-9]+', 'N', str(exc).split(':')[1]).strip()[:40]}")
        return
    event(f"{kind}: read back")
    assert bunch.data == [t for t, _ in rows]
    assert [str(v) for v in bunch.target.tolist()] == [str(int(lab)) if lab.lstrip("-").isdigit() and
                                                       all(x.lstrip("-").isdigit() for _, x in rows) else lab
                                                       for _, lab in rows]
