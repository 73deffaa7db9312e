#!/usr/bin/env python3
"""Regenerate crates/text/data/english_words.txt: the 20,000 most frequent English words
(letters only, lower case) from the PyPI package wordfreq 3.1.1 (code Apache-2.0, data
CC BY-SA 4.0), one per line, most frequent first. The identifier calls a Latin-script text
English when at least half of its words are in this list.

Usage: python3 -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq==3.1.1 &&
       /tmp/wf/bin/python build_english_words.py
"""

import pathlib
import re

import wordfreq

N = 20000
OUT = pathlib.Path(__file__).resolve().parent.parent / "english_words.txt"


def main():
    words = [w for w in wordfreq.top_n_list("en", N) if re.fullmatch(r"[a-z]+", w)]
    header = "# top English words from wordfreq 3.1.1 (data CC BY-SA 4.0); see SOURCES.md\n"
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
