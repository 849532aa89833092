"""The IMDB Large Movie Review Dataset v1.0 loader.

``load_imdb`` reads the official layout ``aclImdb/{train,test}/{pos,neg}/
<id>_<rating>.txt`` from an extracted folder or straight from a ``.tar.gz``
archive (reading the 50,000 labeled reviews from an archive takes a few
seconds, so nothing is extracted or cached on disk), and downloads the
official archive (84 MB) when no copy is found.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch, check_random_state

__all__ = [
    "load_imdb",
    "load_imdb_sample",
    "load_text_dataset",
    "has_imdb",
    "TEXT_FILE_TYPES",
    "download_imdb",
    "get_data_home",
    "clear_cache",
    "IMDB_URL",
    "IMDB_SHA256",
]

#: Where the official archive is downloaded from.
IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
#: SHA-256 of the official ``aclImdb_v1.tar.gz`` (84,125,825 bytes).
IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
ARCHIVE_NAME = "aclImdb_v1.tar.gz"

_SUBSETS = {"train": ("train",), "test": ("test",), "all": ("train", "test")}
_LABELS = ("neg", "pos")
_MEMBER = re.compile(r"^(?:\./)?aclImdb/(train|test)/(neg|pos)/(\d+)_(\d+)\.txt$")
_HOW_TO_POINT = (
    "point skrnn at a local copy: set SKRNN_DATA_HOME (or pass data_home=) to "
    "a folder holding aclImdb/ or an aclImdb*.tar.gz archive, or to the archive itself"
)

DESCR = """\
Large Movie Review Dataset v1.0 (IMDB)
--------------------------------------
50,000 highly polar movie reviews from IMDB, split evenly into 25,000
training and 25,000 test reviews, each half balanced between negative
(rating <= 4 of 10, target 0) and positive (rating >= 7, target 1) reviews.
No movie has reviews in both the training and the test set.

Source: Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang,
Andrew Y. Ng and Christopher Potts. "Learning Word Vectors for Sentiment
Analysis". ACL 2011. https://ai.stanford.edu/~amaas/data/sentiment/
"""


def get_data_home(data_home=None) -> Path:
    """Return the skrnn data folder.

    The argument if given, else the ``SKRNN_DATA_HOME`` environment variable,
    else ``~/skrnn_data``. Nothing is created.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use; ``None`` looks it up as above.

    Returns
    -------
    pathlib.Path
        The folder, with ``~`` expanded.
    """
    if data_home is None:
        data_home = os.environ.get("SKRNN_DATA_HOME") or os.path.join("~", "skrnn_data")
    return Path(data_home).expanduser()


def _find_source(home: Path):
    """Return ("dir", path) or ("archive", path) for the data under home, or None."""
    if home.is_file():
        return "archive", home
    if not home.is_dir():
        return None
    for folder in (home / "aclImdb", home):
        if (folder / "train").is_dir() and (folder / "test").is_dir():
            return "dir", folder
    preferred = home / ARCHIVE_NAME
    if preferred.is_file():
        return "archive", preferred
    archives = sorted(home.glob("aclImdb*.tar.gz"))
    if archives:
        return "archive", archives[0]
    return None


# -- download -------------------------------------------------------------
def download_imdb(data_home=None, *, url=IMDB_URL, sha256=IMDB_SHA256, verbose=True, timeout=60):
    """Download the IMDB archive into ``data_home`` and verify its checksum.

    The archive is written to a temporary file in ``data_home`` and renamed
    to ``aclImdb_v1.tar.gz`` only once its SHA-256 matches, so an
    interrupted or corrupted download never leaves a file that could be
    taken for the dataset.

    Parameters
    ----------
    data_home : str or path-like, default=None
        See :func:`get_data_home`.
    url : str, default=IMDB_URL
        Where to download from (overridable, e.g. for a mirror).
    sha256 : str or None, default=IMDB_SHA256
        Expected SHA-256 hex digest; ``None`` skips the check.
    verbose : bool, default=True
        Show a progress bar (tqdm) on standard error.
    timeout : float, default=60
        Seconds to wait for the server before giving up.

    Returns
    -------
    path : pathlib.Path
        The verified archive.
    """
    home = get_data_home(data_home)
    home.mkdir(parents=True, exist_ok=True)
    target = home / ARCHIVE_NAME
    fd, tmp_name = tempfile.mkstemp(dir=home, prefix=".aclImdb-", suffix=".part")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(url, timeout=timeout)
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise OSError(
                    f"Could not download the IMDB dataset from {url} ({reason}). "
                    f"To work offline, {_HOW_TO_POINT}."
                ) from None
            with response:
                total = response.headers.get("Content-Length")
                total = int(total) if total and total.isdigit() else None
                received = _copy_with_progress(response, out, digest, total, verbose)
        if total is not None and received != total:
            raise OSError(
                f"The download from {url} broke off after {received:,} of "
                f"{total:,} bytes; nothing was kept, try again."
            )
        if sha256 is not None and digest.hexdigest() != sha256.lower():
            raise OSError(
                f"The file downloaded from {url} has SHA-256 {digest.hexdigest()}, "
                f"expected {sha256}: it is corrupted or not the IMDB archive; "
                "nothing was kept."
            )
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return target


def _copy_with_progress(response, out, digest, total, verbose):
    from tqdm.auto import tqdm

    received = 0
    with tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        desc="Downloading IMDB",
        disable=not verbose,
        file=sys.stderr,
    ) as bar:
        while True:
            try:
                chunk = response.read(1 << 16)
            except (OSError, ConnectionError) as exc:  # http.client.IncompleteRead too
                raise OSError(
                    f"The download broke off after {received:,} bytes ({exc!r}); "
                    "nothing was kept, try again."
                ) from None
            if not chunk:
                return received
            out.write(chunk)
            digest.update(chunk)
            received += len(chunk)
            bar.update(len(chunk))


# -- reading --------------------------------------------------------------
def _check_member(member, archive):
    if member.issym() or member.islnk():
        raise ValueError(
            f"The archive {archive} holds a link ({member.name!r} -> "
            f"{member.linkname!r}); links are refused. Use the official archive."
        )
    try:
        tarfile.data_filter(member, "/nonexistent-skrnn-extract-root")
    except tarfile.FilterError as exc:
        raise ValueError(
            f"The archive {archive} holds an unsafe member {member.name!r} ({exc}); "
            "refused. Use the official archive."
        ) from None


def clear_cache():
    """Forget the reviews kept in memory from the last archive read.

    ``load_imdb`` keeps the reviews of the last archive it read (one entry,
    keyed by the archive's path, size and modification time), so that
    loading ``"train"`` and then ``"test"`` reads the archive once. After
    this call the next ``load_imdb`` reads the archive again (the loader
    benchmark uses it to time a cold load).
    """
    _read_archive.cache_clear()


@functools.lru_cache(maxsize=1)
def _read_archive(path: str, size: int, mtime_ns: int):
    """All labeled reviews of an archive, as {(subset, label): [(id, rating, text)]}.

    Cached (one archive) on the file's identity so that repeated loads in
    a process (tests, benchmarks) do not re-read it.
    """
    reviews = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                match = _MEMBER.match(member.name)
                if match is None or not member.isfile():
                    # The review files' strict pattern is safe by construction;
                    # anything else goes through tarfile's data filter.
                    _check_member(member, path)
                    continue
                subset, label, rid, rating = match.groups()
                text = tar.extractfile(member).read().decode("utf-8")
                reviews.setdefault((subset, label), []).append((int(rid), int(rating), text))
    except (tarfile.ReadError, EOFError, zlib.error, OSError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"The IMDB archive {path} is truncated or corrupt ({exc}). Delete it "
            "and download it again (load_imdb(download_if_missing=True)), or "
            f"{_HOW_TO_POINT}."
        ) from None
    return reviews


def _read_folder(folder: Path, subset, label):
    rows = []
    for entry in os.scandir(folder / subset / label):
        match = re.fullmatch(r"(\d+)_(\d+)\.txt", entry.name)
        if match and entry.is_file(follow_symlinks=False):
            with open(entry.path, encoding="utf-8") as fh:
                rows.append((int(match[1]), int(match[2]), fh.read()))
    return rows


def load_imdb(
    subset="train",
    *,
    data_home=None,
    download_if_missing=True,
    return_X_y=False,
    shuffle=False,
    random_state=None,
    url=None,
    sha256=IMDB_SHA256,
    verbose=True,
):
    """Load the IMDB Large Movie Review Dataset (binary sentiment).

    ================  ===========================
    Classes           2 (0 = neg, 1 = pos)
    Reviews           25,000 train + 25,000 test
    Features          raw text (str)
    ================  ===========================

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which split; ``"all"`` is train followed by test.
    data_home : str or path-like, default=None
        A folder holding ``aclImdb/`` or an ``aclImdb*.tar.gz`` archive, an
        ``aclImdb`` folder itself, or the path of an archive. Default: the
        ``SKRNN_DATA_HOME`` environment variable, else ``~/skrnn_data``.
    download_if_missing : bool, default=True
        Download the official archive into the data home when no copy is
        found there.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    shuffle : bool, default=False
        Shuffle the reviews (otherwise: neg then pos, by review id).
    random_state : int, RandomState instance or None, default=None
        Seed for the shuffle.
    url : str or None, default=None
        Download location; ``None`` uses the ``SKRNN_IMDB_URL`` environment
        variable, else :data:`IMDB_URL` (override it for a mirror).
    sha256 : str or None, default=IMDB_SHA256
        Expected SHA-256 of the download; ``None`` skips the check.
    verbose : bool, default=True
        Show a progress bar while downloading.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``data`` (list of str), ``target`` (int array, 0 = neg, 1 = pos),
        ``target_names`` (``["neg", "pos"]``), ``ratings`` (int array of the
        1-10 stars), ``ids`` (the review ids of the file names), ``DESCR``.
    (data, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    OSError
        The data is missing and could not be downloaded.
    ValueError
        A bad ``subset``, or an archive that is corrupt or unsafe.

    Examples
    --------
    >>> from skrnn.datasets import load_imdb
    >>> reviews = load_imdb("test")                  # doctest: +SKIP
    >>> len(reviews.data), reviews.target_names      # doctest: +SKIP
    (25000, ['neg', 'pos'])
    """
    if subset not in _SUBSETS:
        raise ValueError(f"subset must be 'train', 'test' or 'all', got {subset!r}.")
    home = get_data_home(data_home)
    source = _find_source(home)
    if source is None:
        if not download_if_missing:
            raise OSError(
                f"The IMDB dataset was not found in {home} and "
                f"download_if_missing=False; {_HOW_TO_POINT}."
            )
        if home.exists() and not home.is_dir():
            raise OSError(f"data_home {home} is not a folder or an archive.")
        url = url or os.environ.get("SKRNN_IMDB_URL") or IMDB_URL
        source = ("archive", download_imdb(home, url=url, sha256=sha256, verbose=verbose))

    kind, path = source
    if kind == "archive":
        stat = path.stat()
        reviews = _read_archive(str(path.resolve()), stat.st_size, stat.st_mtime_ns)

        def rows_of(split, label):
            return reviews.get((split, label), [])

    else:

        def rows_of(split, label):
            return _read_folder(path, split, label)

    data, target, ratings, ids = [], [], [], []
    for split in _SUBSETS[subset]:
        for y, label in enumerate(_LABELS):
            rows = sorted(rows_of(split, label))
            if not rows:
                raise ValueError(
                    f"{path} holds no {split}/{label} reviews: it is not in the "
                    "aclImdb layout (aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt)."
                )
            ids.extend(r[0] for r in rows)
            ratings.extend(r[1] for r in rows)
            data.extend(r[2] for r in rows)
            target.extend([y] * len(rows))
    target = np.asarray(target, dtype=np.int64)
    ratings = np.asarray(ratings, dtype=np.int64)
    ids = np.asarray(ids, dtype=np.int64)
    if shuffle:
        order = check_random_state(random_state).permutation(len(data))
        data = [data[i] for i in order]
        target, ratings, ids = target[order], ratings[order], ids[order]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=list(_LABELS),
        ratings=ratings,
        ids=ids,
        DESCR=DESCR,
    )


def load_imdb_sample(n=None, *, n_test=None, data_home=None, random_state=0, verbose=False, target="label"):
    """IMDB train and test, shuffled, each cut to a stratified sample.

    The one way ``skrnn compare --sample``, the examples, the benchmarks and
    the tests draw their IMDB subsets, so that the same ``n`` and
    ``random_state`` always give the same reviews.

    Parameters
    ----------
    n : int or None, default=None
        Training reviews to keep (a stratified sample); ``None`` keeps all
        25,000.
    n_test : int or None, default=None
        Test reviews to keep; ``None`` is ``n``.
    data_home : str or path-like, default=None
        As in :func:`load_imdb`.
    random_state : int, default=0
        Seed of the shuffle and of the sample.
    verbose : bool, default=False
        As in :func:`load_imdb`.
    target : {"label", "rating"}, default="label"
        ``y`` as sentiment labels (0 negative, 1 positive) or as each
        review's star rating (1-4 and 7-10); the sample is the same.

    Returns
    -------
    X_train, y_train, X_test, y_test : lists of str and ndarrays of int
    """
    from sklearn.model_selection import train_test_split

    if target not in ("label", "rating"):
        raise ValueError(f"target must be 'label' or 'rating', got {target!r}.")
    n_test = n if n_test is None else n_test
    splits = []
    for subset, size in (("train", n), ("test", n_test)):
        bunch = load_imdb(subset, data_home=data_home, shuffle=True, random_state=random_state, verbose=verbose)
        X, y = bunch.data, bunch.target
        rows = np.arange(len(y))
        if size is not None and size < len(X):
            rows, _ = train_test_split(rows, train_size=size, stratify=y, random_state=random_state)
            X = [X[i] for i in rows]
        splits += [X, (bunch.ratings if target == "rating" else y)[rows]]
    return tuple(splits)


def has_imdb(path):
    """Whether ``path`` is an IMDB archive, an ``aclImdb`` folder or a folder holding one.

    ``skrnn compare --data PATH`` reads such a path with :func:`load_imdb`
    and anything else with :func:`load_text_dataset`.

    Parameters
    ----------
    path : str or path-like
        A file or a folder.

    Returns
    -------
    bool

    Examples
    --------
    >>> has_imdb("reviews.csv")
    False
    """
    path = Path(path)
    if path.is_file():
        return path.name.endswith((".tar.gz", ".tgz"))
    return _find_source(path) is not None


#: The file types ``load_text_dataset`` reads, by suffix.
TEXT_FILE_TYPES = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
}


def load_text_dataset(path, *, text_column="text", label_column="label", encoding="utf-8", min_classes=2,
                      delimiter=None, numeric=False):
    r"""Load labelled texts from a CSV, TSV, JSON Lines or Parquet file, or a folder per class.

    Parameters
    ----------
    path : str or path-like
        A ``.csv``, ``.tsv``, ``.jsonl`` or ``.parquet`` file (read with
        pandas; Parquet needs pyarrow, the ``parquet`` extra), or a folder
        holding one subfolder per class with one text file per document
        (scikit-learn's ``load_files`` layout).
    text_column, label_column : str, default="text", "label"
        The columns of a file. When neither default name is in the file and
        it has exactly one string column and one other column, those are
        used, with a ``UserWarning`` that says so.
    encoding : str, default="utf-8"
        The text encoding of a CSV, TSV, JSON Lines file or of the folder's
        files.
    min_classes : int, default=2
        Fewer distinct labels than this is an error (a training set needs
        two); pass 1 for a test set.
    delimiter : str or None, default=None
        The field separator of a CSV file; ``None`` sniffs it from the
        file's start (``csv.Sniffer``, among ``,``, ``;``, tab and ``|``),
        falling back to a comma. A TSV file is always tab-separated.
    numeric : bool, default=False
        Read the label column as numbers (a regression target): every label
        must be a number, and ``target`` is float; ``min_classes`` does not
        apply.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``data`` (list of str), ``target`` (ndarray of the labels as read:
        strings or integers), ``target_names`` (the sorted distinct labels),
        ``text_column``, ``label_column``, ``source`` and ``DESCR``.

    Raises
    ------
    ValueError
        An unknown file type (naming the accepted ones), a missing column
        (listing the file's columns), empty or whitespace-only texts, missing
        labels (naming the first rows), bytes that are not valid in
        ``encoding`` (the byte offset), or fewer than ``min_classes`` labels.
    ImportError
        A Parquet file without pyarrow.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text("text,label\ngreat film,pos\nawful film,neg\n", encoding="utf-8")
    >>> bunch = load_text_dataset(path)
    >>> bunch.data, bunch.target.tolist(), bunch.target_names.tolist()
    (['great film', 'awful film'], ['pos', 'neg'], ['neg', 'pos'])
    """
    import numpy as np
    from sklearn.utils import Bunch

    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path} does not exist.")
    files = None
    if path.is_dir():
        texts, labels, columns, files = _read_class_folders(path, encoding)
    else:
        if numeric and path.is_dir():
            raise ValueError(f"{path} is a folder of classes; a numeric target needs a file with a number column.")
        frame = _read_table(path, encoding, delimiter)
        text_column, label_column = _pick_columns(frame, text_column, label_column, path)
        labels = _missing_labels(frame[label_column])
        texts, labels = frame[text_column], (_numeric_labels(labels, label_column, path) if numeric
                                             else _integer_labels(labels))
        columns = (text_column, label_column)
    missing = np.flatnonzero(labels.isna().to_numpy())
    if missing.size:
        raise ValueError(
            f"{path}: {missing.size} row(s) have no label (rows {_first(missing)}, counting the first "
            f"data row as 0; empty, {', '.join(MISSING_LABELS)} count as none); fill or drop them."
        )
    blank = [i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()]
    if blank:
        where = (f"files {', '.join(str(files[i]) for i in blank[:5])}{', ...' if len(blank) > 5 else ''}"
                 if files is not None else f"rows {_first(blank)}, counting the first data row as 0")
        raise ValueError(
            f"{path}: {len(blank)} text(s) are empty, whitespace only or missing ({where}); drop them or fill "
            "them in."
        )
    target = labels.to_numpy()
    if numeric:
        return Bunch(
            data=[str(t) for t in texts], target=target.astype(float), target_names=None, text_column=columns[0],
            label_column=columns[1], source=str(path),
            DESCR=f"{len(target):,} texts from {path}, each with a number ({columns[1]!r}, {target.min():g} to "
                  f"{target.max():g}).",
        )
    _check_one_kind_of_label(target, path)
    names = np.unique(target)
    _warn_near_duplicates(names, path)
    if names.size < min_classes:
        raise ValueError(
            f"{path} holds {names.size} class(es) ({', '.join(map(repr, names.tolist()))}); at least "
            f"{min_classes} are needed to train a classifier."
        )
    return Bunch(
        data=[str(t) for t in texts], target=target, target_names=names, text_column=columns[0],
        label_column=columns[1],
        source=str(path),
        DESCR=f"{len(target):,} labelled texts from {path}, {names.size} classes.",
    )


#: Label cells read as no label at all (as pandas reads them, case-insensitively), besides an empty cell.
MISSING_LABELS = ("NA", "N/A", "NaN", "null", "None")


def _missing_labels(labels):
    """``labels`` with the spellings of a missing value (``MISSING_LABELS``, any case, trimmed) as NaN."""
    missing = {m.lower() for m in MISSING_LABELS}
    return labels.mask(labels.map(lambda v: isinstance(v, str) and v.strip().lower() in missing))


def _check_one_kind_of_label(target, path):
    """Refuse labels that mix numbers and text, or hold values that are neither."""
    import numbers

    if target.dtype != object:
        return
    text = [v for v in target if isinstance(v, str)]
    plain = [v for v in target if isinstance(v, numbers.Number)]
    odd = [v for v in target if not isinstance(v, (str, numbers.Number))]
    if odd:
        raise ValueError(
            f"{path}: {len(odd)} label(s) are neither text nor numbers (e.g. {odd[0]!r}); a label is one value "
            "such as \"pos\" or 3."
        )
    if text and plain:
        raise ValueError(
            f"{path}: the labels mix numbers ({', '.join(sorted({repr(v) for v in plain})[:3])}) and text "
            f"({', '.join(sorted({repr(v) for v in text})[:3])}); write every label the same way, e.g. all as "
            "text."
        )


def _label_key(label):
    """What two spellings of one label share: the trimmed lowercase text, or the number it writes."""
    text = str(label).strip().lower()
    try:
        return repr(float(text))
    except ValueError:
        return text


def _warn_near_duplicates(names, path):
    """A ``UserWarning`` naming labels that differ only in spacing, case or number format."""
    import warnings

    groups = {}
    for name in names.tolist():
        groups.setdefault(_label_key(name), []).append(name)
    alike = [g for g in groups.values() if len(g) > 1]
    if alike:
        shown = "; ".join(" and ".join(map(repr, g)) for g in alike[:5])
        warnings.warn(
            f"{path}: the labels {shown} differ only in spacing, case or number format and are read as separate "
            "classes; if each group is one class, write it one way.",
            UserWarning, stacklevel=3,
        )


def _first(rows, k=5):
    rows = [int(r) for r in rows]
    return ", ".join(map(str, rows[:k])) + (", ..." if len(rows) > k else "")


def _numeric_labels(labels, column, path):
    """A label column as numbers; a ``ValueError`` naming the first rows that are not numbers."""
    import pandas as pd

    numbers = pd.to_numeric(labels, errors="coerce")
    bad = [i for i, (v, n) in enumerate(zip(labels.tolist(), numbers.tolist())) if pd.notna(v) and pd.isna(n)]
    if bad:
        raise ValueError(
            f"{path}: {len(bad)} value(s) of {column!r} are not numbers (rows {_first(bad)}, counting the first data "
            f"row as 0, e.g. {labels.iloc[bad[0]]!r}); a numeric target needs a number in every row."
        )
    return numbers


#: The separators a CSV file's delimiter is sniffed among.
CSV_DELIMITERS = ",;\t|"


def _sniff_delimiter(text):
    """The CSV delimiter of ``text``: the one separator its header row holds, else ``csv.Sniffer``'s guess.

    The header decides first, since column names seldom hold a separator
    while texts often do; a header with several of them (or none) leaves it
    to ``csv.Sniffer`` over the first lines, and a comma when that cannot tell.
    """
    import csv

    lines = text.splitlines()
    found = [d for d in CSV_DELIMITERS if d in (lines[0] if lines else "")]
    if len(found) == 1:
        return found[0]
    try:
        return csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _read_table(path, encoding, delimiter=None):
    import pandas as pd

    kind = TEXT_FILE_TYPES.get(path.suffix.lower())
    if kind is None:
        accepted = ", ".join(sorted(TEXT_FILE_TYPES))
        raise ValueError(
            f"{path}: unknown file type {path.suffix or '(no suffix)'!r}; the accepted ones are {accepted}, "
            "or a folder with one subfolder per class."
        )
    if kind == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ImportError(
                f"reading {path} needs pyarrow: pip install pyarrow "
                "(or, in the skrnn checkout, pip install '.[parquet]')."
            ) from None
        return pd.read_parquet(path)
    text = _check_encoding(path, encoding)
    if not text.strip():
        raise ValueError(f"{path} is empty: it needs a header row and at least one data row.")
    if kind == "jsonl":
        return _read_json_lines(path, text)
    # Labels keep their text unless every one is an integer; texts stay str.
    sep = "\t" if kind == "tsv" else delimiter or _sniff_delimiter(text)
    try:
        frame = pd.read_csv(path, sep=sep, encoding=encoding, keep_default_na=False, na_values=[""], dtype=str)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = " ".join(str(exc).split()).removeprefix("Error tokenizing data. C error: ")
        raise ValueError(
            f"{path} is not a well-formed {kind.upper()} file: {reason}; every row needs the header's fields"
            + (" (a tab inside a text splits it)." if kind == "tsv" else
               f" (read with the delimiter {sep!r}; quote a text that holds it, or pass --delimiter).")
        ) from None
    if kind == "tsv":
        _check_no_rows_merged(frame, path)
    return frame


def _check_no_rows_merged(frame, path):
    """Refuse a TSV field that runs over several lines and holds tabs: rows merged by a stray quote.

    A ``"`` at the start of a field opens a quoted text, which runs to the
    next ``"``, however many rows away: the rows between would silently
    become one text.
    """
    for column in frame.columns:
        for row, value in enumerate(frame[column].tolist()):
            if isinstance(value, str) and "\n" in value and "\t" in value:
                raise ValueError(
                    f"{path}: the {column!r} of row {row} (counting the first data row as 0) runs over "
                    f"{value.count(chr(10)) + 1} lines and holds tabs: a '\"' at the start of a field opened a "
                    "quoted text that a later '\"' closed, merging the rows between. Remove the stray quote, or "
                    "quote the whole field (doubling the quotes inside it)."
                )


def _read_json_lines(path, text):
    """A JSON Lines file's rows as a frame, one object a line; a bad line is named by its number."""
    import json

    import pandas as pd

    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}, line {number}: not valid JSON ({exc.msg}, column {exc.colno}).") from None
        if not isinstance(row, dict):
            raise ValueError(
                f"{path}, line {number}: a JSON Lines row must be an object such as "
                f'{{"text": "...", "label": "..."}}, got {type(row).__name__}.'
            )
        rows.append(row)
    return pd.DataFrame.from_records(rows)


def _integer_labels(labels):
    """Labels read as text that are all integers, as integers."""
    import pandas as pd

    if (labels.dtype == object or pd.api.types.is_string_dtype(labels)) and labels.notna().all():
        text = labels.astype(str)
        if text.str.fullmatch(r"-?\d+").all():
            return pd.to_numeric(text).astype("int64")
    return labels


def _check_encoding(path, encoding):
    """The file's text (a UTF-8 byte-order mark left out), or a ``ValueError`` naming the bad byte."""
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path} is not valid {encoding}: {exc.reason} at byte {exc.start}; pass its encoding "
            "(--encoding, or encoding= in load_text_dataset), e.g. latin-1."
        ) from None
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r}.") from None
    return text.removeprefix("\ufeff")


def _pick_columns(frame, text_column, label_column, path):
    import warnings

    columns = [str(c) for c in frame.columns]
    if text_column in columns and label_column in columns:
        return text_column, label_column
    defaults = text_column == "text" and label_column == "label"
    if defaults and "text" not in columns and "label" not in columns and len(columns) == 2:
        strings = [c for c in columns if frame[c].map(lambda v: isinstance(v, str)).all()]
        if len(strings) == 1:
            text, label = strings[0], next(c for c in columns if c != strings[0])
            warnings.warn(
                f"{path} has no 'text' and 'label' columns: using {text!r} as the text and {label!r} as the "
                "label (the only string column and the other one).",
                UserWarning,
                stacklevel=3,
            )
            return text, label
    missing = [c for c in (text_column, label_column) if c not in columns]
    raise ValueError(
        f"{path} has no column {' or '.join(map(repr, missing))}; its columns are {columns}. Name them with "
        "--text-column and --label-column (text_column=, label_column=)."
    )


def _is_report(folder):
    """Whether ``folder`` is a ``skrnn compare`` report (its results, or its store of runs)."""
    return (folder / ".runs").is_dir() or ((folder / "results.json").is_file() and (folder / "report.md").is_file())


def _read_class_folders(folder, encoding):
    """Texts, labels, columns and each text's file, from one subfolder per class.

    Hidden entries (``.DS_Store``, ``.git``) are left out, and so is a
    ``skrnn compare`` report inside the folder; files in deeper folders are
    left out with a ``UserWarning`` naming them.
    """
    import warnings

    import pandas as pd

    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    reports = [p for p in subfolders if _is_report(p)]
    if reports:
        warnings.warn(
            f"{folder}: left out {', '.join(p.name for p in reports)}: a skrnn compare report, not a class.",
            UserWarning, stacklevel=3,
        )
    classes = [p for p in subfolders if p not in reports]
    if not classes:
        raise ValueError(f"{folder} has no subfolders; a folder of texts needs one subfolder per class.")
    texts, labels, files, nested = [], [], [], []
    for sub in classes:
        entries = sorted(p for p in sub.iterdir() if not p.name.startswith("."))
        nested += [p for p in entries if p.is_dir()]
        for file in (p for p in entries if p.is_file()):
            raw = file.read_bytes()
            try:
                texts.append(raw.decode(encoding))
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"{file} is not valid {encoding}: {exc.reason} at byte {exc.start}; pass its encoding "
                    "(--encoding, or encoding= in load_text_dataset), e.g. latin-1."
                ) from None
            labels.append(sub.name)
            files.append(file)
    if nested:
        shown = ", ".join(str(p) for p in nested[:3]) + (", ..." if len(nested) > 3 else "")
        warnings.warn(
            f"{folder}: left out {len(nested)} folder(s) inside the class folders ({shown}); each class folder "
            "holds its texts directly, one file per text.",
            UserWarning, stacklevel=3,
        )
    return pd.Series(texts, dtype=object), pd.Series(labels, dtype=object), ("text", "label"), files
