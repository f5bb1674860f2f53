"""Ids people can read, made from a name's pinyin: one rule for the importer, `new` and the form editor. The form makes
ids in the browser from a table written here (assets/cms-format.js follows id_words and id_for line for line), so a
record made in the form gets the id the importer would give it."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from pypinyin import Style, pinyin
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict
from pypinyin.seg.mmseg import seg

from .kinds import ID_MAX, short_names

COMPANY_FORMS = ("股份有限公司", "有限责任公司", "有限公司")  # one company, however its form is written
ID_LIMIT = min(40, ID_MAX)  # an id made from a name: short enough to read and type
ASCII_RUN = re.compile(r"[a-z0-9]+|[^a-z0-9]+")  # letters and digits stay one word (3d, abc); the rest is read as Chinese
NOT_ID = re.compile(r"[^a-z0-9]+")


def naming(taxonomy) -> tuple[dict[str, str], tuple[str, ...]]:
    """Return what an id needs from the taxonomy: word readings (its corrections, and each district's name read as its
    English name spells it: 闵行 min hang, not min xing) and the city's names left out in front (上海市, 上海)."""
    readings = {}
    for district in taxonomy.districts:
        spelled = NOT_ID.sub("", district.get("name_en", "").lower())
        for name in short_names(district["name"], taxonomy.district_suffixes):
            choices = pinyin(name, heteronym=True, style=Style.NORMAL) if 2 <= len(name) <= 4 and spelled else []
            match = next((r for r in itertools.product(*choices) if "".join(r) == spelled), None)
            if match:
                readings[name] = " ".join(match)
    region = taxonomy.site.region
    drop = tuple(sorted(short_names(region, taxonomy.district_suffixes), key=len, reverse=True)) if region else ()
    return readings | taxonomy.pinyin_overrides, drop


def id_words(name: str, readings: dict[str, str]) -> list[list[str]]:
    """Return a name's words as lists of toneless syllables: the readings' words first, then pypinyin's phrase readings
    (its strict forward longest match, pypinyin.seg.mmseg), letters and digits as one word each, company forms (有限公司 …)
    left out."""
    name = unicodedata.normalize("NFKC", name).lower()
    for form in COMPANY_FORMS:
        name = name.replace(form, "") if name.replace(form, "").strip() else name
    words, start, position = [], 0, 0
    known = sorted(readings, key=len, reverse=True)

    def plain(text: str) -> None:
        for run in ASCII_RUN.findall(text):
            if run.isascii():
                words.append([] if NOT_ID.match(run) else [run])
                continue
            for word in seg.cut(run):
                words.append([s for s in (NOT_ID.sub("", r) for r in _readings_of(word)) if s])

    while position < len(name):
        word = next((w for w in known if name.startswith(w, position)), None)
        if word is None:
            position += 1
            continue
        plain(name[start:position])
        words.append(readings[word].split())
        position = start = position + len(word)
    plain(name[start:])
    return [w for w in words if w]


def _readings_of(word: str) -> list[str]:
    """Return one reading per character of a segment: the phrase's own when it is a phrase, else each character's first."""
    table = id_table()
    if word in table["words"]:
        return table["words"][word].split()
    return [table["chars"].get(c, "") for c in word]


def id_for(name: str, taken: set[str], readings: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> str:
    """Return an id from a name's pinyin without its company form or the city in front (drop), at most ID_LIMIT
    characters cut between words (or, inside one long word, between syllables), unique among taken ids (which it joins)."""
    base = ""
    prefix = next((p for p in sorted(drop, key=len, reverse=True) if name.startswith(p) and len(name) > len(p)), "")
    for word in id_words(name[len(prefix):], readings or {}):
        if len(base) + len("-".join(word)) + 1 <= ID_LIMIT or not base:
            for syllable in word:
                if len(base) + len(syllable) + 1 > ID_LIMIT:
                    break
                base = f"{base}-{syllable}" if base else syllable
        else:
            break
    base = base or "institution"
    slug, number = base, 2
    while slug in taken:
        stem = base
        while len(stem) + len(f"-{number}") > ID_LIMIT and "-" in stem:  # the number takes the place of the last syllables
            stem = stem.rsplit("-", 1)[0]
        slug, number = f"{stem}-{number}", number + 1
    taken.add(slug)
    return slug


def _toneless(reading: str) -> str:
    text = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in text if not unicodedata.combining(c))


@functools.cache
def id_table() -> dict:
    """Return pypinyin's readings as ids use them: each character's first reading ("chars", every character pypinyin
    knows) and each phrase's reading ("words", pypinyin's phrase dictionary, whose keys also drive its segmentation)."""
    chars = {chr(code): _toneless(text.split(",")[0]) for code, text in pinyin_dict.items()}
    words = {phrase: " ".join(_toneless(r[0]) for r in reading) for phrase, reading in phrases_dict.items()}
    return {"chars": chars, "words": words}


def form_table(taxonomy, names) -> dict:
    """Return what the form editor needs to make the same ids in the browser: the readings of the characters of the
    basic CJK block (U+4E00–U+9FFF: simplified and traditional, GBK's characters) and of the names given, the phrase
    list (a reading only where it is not its characters' first ones), the taxonomy's readings, the city's names, the
    company forms and the limit."""
    table = id_table()
    wanted = {chr(code) for code in range(0x4E00, 0xA000)} | set("".join(names))
    chars = {c: table["chars"][c] for c in sorted(wanted) if c in table["chars"]}
    words, special = [], {}
    for phrase, reading in table["words"].items():
        if all(c in chars for c in phrase):
            words.append(phrase)
            if reading != " ".join(chars[c] for c in phrase):
                special[phrase] = reading
    readings, drop = naming(taxonomy)
    return {"chars": "".join(f"{c}{r}" for c, r in chars.items()), "words": " ".join(sorted(words)), "special": special,
            "readings": readings, "drop": list(drop), "forms": list(COMPANY_FORMS), "limit": ID_LIMIT}
