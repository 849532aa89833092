"""TextVectorizer against scikit-learn's CountVectorizer (words; words and bigrams), and the IMDB loader.

Same token pattern and lowercasing for both; runs alternate (A, B, A, B, ...)
in one process and the medians are compared, so machine noise hits both.

    python benchmarks/bench_text.py [--repeats 5]
"""

import argparse
import statistics

from _common import data_home, machine, seconds, write_section
from sklearn.feature_extraction.text import CountVectorizer

from skrnn import TextVectorizer
from skrnn.datasets import clear_cache, load_imdb


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    home = data_home()

    load_times = []
    for _ in range(3):
        clear_cache()
        load_times.append(seconds(lambda: load_imdb("all", data_home=home)))
    train, _ = load_imdb("train", data_home=home, return_X_y=True)
    test, _ = load_imdb("test", data_home=home, return_X_y=True)

    fit, transform = {}, {}
    for ngram_range in ((1, 1), (1, 2)):
        ours = TextVectorizer(strip_html=False, ngram_range=ngram_range)
        theirs = CountVectorizer(token_pattern=ours.token_pattern, lowercase=True, ngram_range=ngram_range)
        for name in ("TextVectorizer", "CountVectorizer"):
            fit[name, ngram_range], transform[name, ngram_range] = [], []
        for _ in range(args.repeats):
            for name, vec in (("TextVectorizer", ours), ("CountVectorizer", theirs)):
                fit[name, ngram_range].append(seconds(lambda vec=vec: vec.fit_transform(train)))
                transform[name, ngram_range].append(seconds(lambda vec=vec: vec.transform(test)))
    html = TextVectorizer()  # the default also strips HTML tags
    html_fit = statistics.median(seconds(lambda: html.fit_transform(train)) for _ in range(3))

    med = {k: statistics.median(v) for k, v in fit.items()}
    med_t = {k: statistics.median(v) for k, v in transform.items()}
    lines = [
        f"IMDB, {machine()}; median of {args.repeats} alternating runs in one process.",
        "Command: `python benchmarks/bench_text.py`.",
        "",
        "| task | ngram_range | TextVectorizer s | CountVectorizer s | ratio (ours / theirs) |",
        "|---|---|---:|---:|---:|",
    ]
    for ngram_range in ((1, 1), (1, 2)):
        for task, times in (("fit_transform, 25,000 train reviews", med), ("transform, 25,000 test reviews", med_t)):
            ours_s, theirs_s = times["TextVectorizer", ngram_range], times["CountVectorizer", ngram_range]
            lines.append(f"| {task} | {ngram_range} | {ours_s:.2f} | {theirs_s:.2f} | {ours_s / theirs_s:.2f}x |")
    lines += [
        "",
        f"Same token pattern (`{TextVectorizer().token_pattern}`), lowercasing, no HTML stripping on either side "
        "(TextVectorizer's sequences keep the order, CountVectorizer's bags do not). With the "
        f"default `strip_html=True`, `TextVectorizer.fit_transform` takes {html_fit:.2f} s.",
        "",
        f"Loading all 50,000 labeled reviews with `load_imdb('all')` from the 28 MB archive (no cache): "
        f"median {statistics.median(load_times):.1f} s of 3 ({', '.join(f'{t:.1f}' for t in load_times)} s).",
    ]
    print("\n".join(lines))
    write_section("text", "\n".join(lines))


if __name__ == "__main__":
    main()
