"""Benchmark results as JSON, and their rendering into docs/benchmarks.md.

Each benchmark script hands its section (text lines and Markdown tables,
with the command that reproduces it) to :func:`write_results`, which stores
it as ``benchmarks/results/<name>.json`` with its provenance (the date, the
CPU, the library versions and the command line, from the running process)
and renders it into the section of docs/benchmarks.md between the markers
``<!-- name -->`` and ``<!-- /name -->``, under a line stating that
provenance. The JSON is the one place each figure lives; the page is
generated from it (``python benchmarks/render_docs.py``), and
``tests/test_benchmark_docs.py`` fails when the two disagree or a section
lacks its provenance.
"""

import datetime
import json
import os
import platform
import re
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DOC = REPO / "docs" / "benchmarks.md"

_ALIGN = {"---": "left", ":---": "left", "---:": "right", ":---:": "center"}
_RULE = {"left": "---", "right": "---:", "center": ":---:"}


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse(markdown):
    """A section's Markdown as blocks: ``{"text": line}`` and ``{"table": ...}``."""
    lines = markdown.strip("\n").split("\n")
    blocks, i = [], 0
    while i < len(lines):
        line = lines[i]
        is_rule = i + 1 < len(lines) and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1].strip() or "x")
        if line.startswith("|") and is_rule:
            columns = _cells(line)
            align = [_ALIGN.get(rule.replace(" ", ""), "left") for rule in _cells(lines[i + 1])]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            blocks.append({"table": {"columns": columns, "align": align, "rows": rows}})
            continue
        blocks.append({"text": line})
        i += 1
    return blocks


def render(blocks):
    """The Markdown of a section's blocks (the inverse of :func:`parse`)."""
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"])
            continue
        table = block["table"]
        out.append("| " + " | ".join(table["columns"]) + " |")
        out.append("|" + "|".join(_RULE[a] for a in table["align"]) + "|")
        out += ["| " + " | ".join(row) + " |" for row in table["rows"]]
    return "\n".join(out)


#: The libraries a provenance records, by the name shown and the distributions that provide it.
LIBRARIES = (("TensorFlow", ("tensorflow", "tensorflow-cpu")), ("Keras", ("keras",)),
             ("scikit-learn", ("scikit-learn",)), ("skrnn", ("skrnn",)))


def cpu():
    """The machine in words: ``x86_64, 2 CPUs (Intel(R) Xeon(R) Processor)``."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        model = platform.processor()
    return f"{platform.machine()}, {os.cpu_count()} CPUs" + (f" ({model})" if model else "")


def versions():
    """Python's and the recorded libraries' versions, as installed: ``{"Python": "3.11.7", ...}``."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"Python": platform.python_version()}
    for label, distributions in LIBRARIES:
        for distribution in distributions:
            try:
                found[label] = version(distribution)
                break
            except PackageNotFoundError:
                continue
    return found


def provenance(argv=None):
    """Where and how a section is being measured: date, CPU, versions, and the command line that ran."""
    argv = sys.argv if argv is None else argv
    script = Path(argv[0]).resolve()
    shown = script.relative_to(REPO).as_posix() if script.is_relative_to(REPO) else script.name
    return {"measured": datetime.date.today().isoformat(), "date_is": "measured", "cpu": cpu(),
            "versions": versions(), "command": shlex.join(["python", shown, *argv[1:]])}


def provenance_line(record):
    """The line a section opens with on the page: its date, CPU, versions and command."""
    shown = ", ".join(f"{label} {v}" for label, v in record["versions"].items())
    return f"*Measured {record['measured']} on {record['cpu']}; {shown}. Ran `{record['command']}`.*"


def load(name):
    """The stored section ``name``."""
    return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))


def section_names():
    """Every stored section, by name."""
    return sorted(path.stem for path in RESULTS.glob("*.json"))


def render_into_page(text, name):
    """``text`` (the page) with section ``name`` rendered from its JSON."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    record = load(name)
    block = f"{start}\n{provenance_line(record['provenance'])}\n\n{render(record['blocks'])}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        return before + block + after
    return text.rstrip() + "\n\n" + block + "\n"


def write_results(name, markdown, argv=None, keep_provenance=False):
    """Store a benchmark's section as JSON, with its provenance, and render it into the page.

    ``keep_provenance``: the section is rendered again from stored runs, so
    it keeps the stored date, CPU, versions and command of its measurement.
    """
    RESULTS.mkdir(parents=True, exist_ok=True)
    measured = load(name)["provenance"] if keep_provenance else provenance(argv)
    record = {"name": name, "provenance": measured, "blocks": parse(markdown)}
    (RESULTS / f"{name}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    DOC.write_text(render_into_page(DOC.read_text(encoding="utf-8"), name), encoding="utf-8")
    print(f"(results in benchmarks/results/{name}.json, rendered into docs/benchmarks.md)")
