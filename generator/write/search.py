"""The search index: lunr.py's BM25 weights over tokens from the tokenizer the browser shares (assets/search-core.js),
split into small files so that a query fetches only what it needs (layout: docs/architecture.md, "Search index").

Chinese text becomes overlapping character bigrams (a lone character stays itself), Latin letters and digits
become words. Postings carry term frequencies as a code (1000 × in the name + in the body); the browser computes
lunr.py's weights from them (k1 1.2, b 0.75, field boosts, rounded to 3 places) for the records that match, with
the field lengths of `l/`, in thousandths, so it ranks by adding integers. A lone character's list carries the summed
weights themselves. Words in more than COMMON records keep their list out of the shards (`c/`), and each record's
common words are also listed in their record file `d/`, so a query with a rarer word checks its few candidates there.
The common Chinese words themselves are listed in one file (`words.json`), so a query fetches shards only for its rarer
words: each file costs the browser a few milliseconds however small it is, and most words of a name are common.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
import unicodedata
from array import array
from collections import Counter
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from lunr import get_default_builder

from ..background import Forked
from ..cache import Memo
from ..model.model import Model
from .expansions import former_names, pinyin_files, record_lookups, spelled_texts, thesaurus, traditional_table

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUNS = re.compile(f"[{CJK}]+|[a-z0-9]+")
FIELDS = (("name", 10), ("body", 1))
K1, B = 1.2, 0.75  # lunr's BM25 parameters
SNIPPET_CHARS = 80
COMMON = 256  # a term in more documents than this is kept out of the shards
SHARD_SIZE = 1200  # postings and terms per shard file, on average (about 4 KB gzip)
DOCS = 8  # records per record file (what a result shows, field lengths, common words)
LENGTHS = 512  # records per field-length file (to rank many matches)
MAX_TOKENS, MAX_QUERY = 32, 200  # a query's distinct tokens and characters read (search-core.js's queryTokens)
INDEX_FILE = re.compile(r"(manifest|words|pages|t2s)\.json|[tcdlvp]/.+\.json")  # every file written here, by its path under search/


def tokenize(text: str) -> list[str]:
    """Split text into search tokens: NFKC, lower case, Chinese bigrams, Latin and digit words."""
    tokens = []
    for run in RUNS.findall(unicodedata.normalize("NFKC", text).lower()):
        if run.isascii() or len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def query_tokens(text: str) -> list[str]:
    """Return the tokens a query of this text looks up, as the browser's queryTokens makes them."""
    return list(dict.fromkeys(tokenize(text[:MAX_QUERY])))[:MAX_TOKENS]


def compact_name(text: str) -> str:
    """Return a name as the exact-name lookup compares it (the browser's compactName)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def shard_key(term: str) -> str:
    """Return what decides a term's shard: Latin words by their first two letters (so prefixes find them)."""
    return term[:2] if term.isascii() else term


def fnv1a(text: str) -> int:
    """FNV-1a over the text's UTF-16 code units, as search-core.js computes it."""
    value = 0x811C9DC5
    for unit in memoryview(text.encode("utf-16-le")).cast("H"):
        value = ((value ^ unit) * 0x01000193) & 0xFFFFFFFF
    return value


def _document_texts(model: Model, record) -> dict[str, str]:
    data = record.data
    body = [
        data["operator"],
        model.districts[data["district"]],
        " ".join(model.functions[f] for f in data["functions"]),
        " ".join(model.industries[i] for i in data.get("industries", [])),
        data["disclosures"]["content"],
        " ".join(data.get("free_services", [])),
        data["contacts"].get("email", "").partition("@")[2],
        urlsplit(data["contacts"].get("website", "")).hostname or "",
    ]
    return {"name": " ".join([data["name"], data.get("name_en", "")]), "body": " ".join(body)}


def _field_tokens(model: Model):
    """Yield each published record's tokens, one list per field."""
    for record in model.records:
        texts = _document_texts(model, record)
        yield [tokenize(texts[name]) for name, _ in FIELDS]


def build_lunr_index(model: Model):
    """Return lunr.py's complete index of the published records: the reference the shipped weights are tested against."""
    builder = get_default_builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.metadata_whitelist = []
    builder.ref("r")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for number, tokens in enumerate(_field_tokens(model)):
        builder.add({"r": format(number, "x"), **{name: field for (name, _), field in zip(FIELDS, tokens)}})
    return builder.build()


def _thousandths(score: float) -> int:
    """Return round(score, 3) × 1000 as an integer, exactly as Python's decimal rounding gives it, quickly."""
    scaled = score * 1000
    if abs(scaled - math.floor(scaled) - 0.5) > 1e-6:
        return round(scaled)
    return round(round(score, 3) * 1000)


def _record_terms(model: Model, record) -> tuple:
    """Return a record's field lengths, its distinct terms with their codes (1000 × the count in the name + the count in
    the body, at most 999), the Chinese ones last, its terms in both fields (lunr counts a field each) and how many of
    its terms are Latin words."""
    name, body = (tokenize(text) for text in _document_texts(model, record).values())
    codes = Counter(body)
    if len(body) > 999:
        codes = Counter({term: min(tf, 999) for term, tf in codes.items()})
    for term in name:
        codes[term] += 1000
    both = tuple(term for term, code in codes.items() if code > 1000 and code % 1000)
    pairs = sorted(codes.items(), key=lambda pair: pair[0][0] > "\x7f")  # the Chinese terms last, from `latin` on
    latin = sum(1 for term, _ in pairs if term[0] <= "\x7f")
    terms = tuple(sys.intern(term) for term, _ in pairs)  # one string per term for every record (and in the cache)
    return len(name), len(body), terms, array("i", [code for _, code in pairs]), tuple(map(sys.intern, both)), latin


class Postings:
    """Every term's postings as one flat array (doc, code, doc, code, …) in document order, where code is
    1000 × the term frequency in the name + the frequency in the body, with each document's field lengths, each
    term's lunr document frequency (one per field it occurs in) and, for each Chinese character, (doc, weight) pairs
    summed over every term containing it: a lone character in a query matches all of them (lunr's *字* wildcard) and
    its clause scores their sum.

    A record's terms are kept in the build cache ("search-terms", under Model.record_key), with its characters' sums
    per field and what they were computed from. The sums depend on every record (the record count, the field's average
    length, the document frequencies), yet a change to one record's names leaves the body's average where it was, and
    moves the names' by a ten-thousandth: a field's kept sums are used again when the count is the same, none of the
    record's terms changed its document frequency (that is known from the records that changed) and the field's
    average moved by less than the record's `slack`, how far it can move before one of the weights rounds otherwise."""

    def __init__(self, model: Model):
        memo = Memo(model.cache, "search-terms")
        records = [memo.get(model.record_key(r), lambda r=r: _record_terms(model, r) + (None,)) for r in model.records]
        count = len(records)
        self.count, self.lengths = count, array("l")
        self.both: dict[str, int] = {}  # records with the term in both fields: lunr counts them twice (frequency())
        for name_length, body_length, _, _, both, _, _ in records:
            self.lengths.extend((name_length, body_length))
            for term in both:
                self.both[term] = self.both.get(term, 0) + 1
        self.totals = [sum(self.lengths[f :: len(FIELDS)]) for f in range(len(FIELDS))]
        self.average = [total / count if count else 0.0 for total in self.totals]
        self._idf: dict[int, float] = {}
        self.terms: dict[str, array] = {}
        terms = self.terms
        for number, (_, _, record, codes, _, _, _) in enumerate(records):
            for term, code in zip(record, codes):
                values = terms.get(term)
                if values is None:
                    values = terms[term] = array("i")
                values.append(number)
                values.append(code)
        moved = Counter()  # document frequencies less the last build's: from the records new, changed or gone
        for sign, entries in ((1, [entry for entry in records if entry[6] is None]), (-1, memo.left())):
            for entry in entries:
                moved.update({term: sign for term in entry[2]})
                moved.update({term: sign for term in entry[4]})
        stale = {doc for term, change in moved.items() if change and term in terms for doc in terms[term][::2]} \
            if memo.old else set()  # with nothing kept, every sum is computed anyway
        self.lone: dict[str, array] = {}
        self.computed = 0  # fields of records whose characters' sums were computed (not kept)
        lone = self.lone
        for number, entry in enumerate(records):
            kept = entry[6] or (None,) * len(FIELDS)
            sums = tuple(part if number not in stale and self._still(part, f) else self._sums(number, entry, f)
                         for f, part in enumerate(kept))
            if sums != kept:
                memo.put(model.record_key(model.records[number]), entry[:6] + (sums,))
                self.computed += sum(a is not b for a, b in zip(sums, kept))
            characters = dict(zip(sums[0][3], sums[0][4]))
            for character, total in zip(sums[1][3], sums[1][4]):
                characters[character] = characters.get(character, 0) + total
            for character, total in characters.items():
                values = lone.get(character)
                if values is None:
                    values = lone[character] = array("i")
                values.append(number)
                values.append(total)
        memo.save()

    def _still(self, sums, field: int) -> bool:
        """Whether a record's kept sums of a field hold for this build: the same count, the average within the slack."""
        return sums is not None and sums[0] == self.count and abs(self.average[field] - sums[1]) <= sums[2]

    def _sums(self, number: int, entry, field: int) -> tuple:
        """Return a record's characters' sums of one field with what they hold for: (count, the field's average, its
        slack, the characters, their sums)."""
        _, _, record, codes, _, latin, _ = entry
        norm = self.norms(number)[field]
        room = [math.inf]
        characters: dict[str, int] = {}
        pairs = zip(record[latin:], codes[latin:])  # the Chinese terms
        for term, tf in ((t, c // 1000) for t, c in pairs if c >= 1000) if field == 0 else ((t, c % 1000) for t, c in pairs if c % 1000):
            total = self.field_weight(term, field, tf, norm, room)
            first = term[0]
            characters[first] = characters.get(first, 0) + total
            if len(term) == 2 and term[1] != first:
                characters[term[1]] = characters.get(term[1], 0) + total
        average, length = self.average[field], self.lengths[number * 2 + field]
        # d norm / d average = -k1 b length / average²: half the room that gives, and the average within 1 %
        slack = min(room[0] * average * average / (K1 * B * length) / 2, average / 100) if length else math.inf
        return self.count, average, slack, "".join(characters), array("i", characters.values())

    def frequency(self, term: str) -> int:
        """Return a term's lunr document frequency: the records it occurs in, counted once for each field."""
        return len(self.terms.get(term, ())) // 2 + self.both.get(term, 0)

    def norms(self, document: int) -> tuple[float, float]:
        """Return the document's BM25 length terms per field, k1 × (1 − b + b × length / average), as lunr.py computes them."""
        return tuple(K1 * (1 - B + B * (self.lengths[document * 2 + f] / self.average[f])) for f in range(len(FIELDS)))

    def weight(self, term: str, code: int, norms: tuple[float, float]) -> int:
        """Return a document's weight for the term: lunr.py's field-vector values of both fields, summed, in thousandths."""
        return sum(self.field_weight(term, f, tf, norms[f]) for f, tf in enumerate(divmod(code, 1000)) if tf)

    def field_weight(self, term: str, field: int, tf: int, norm: float, room: list | None = None) -> int:
        """Return lunr.py's field-vector value of a term in one field, in thousandths, for the term frequency and the
        field's length term. Given `room`, lower its one value to how far the value is from rounding otherwise, in
        thousandths, over how fast it moves with the length term (0 when it is too close to tell)."""
        n = self.frequency(term)
        idf = self._idf.get(n)
        if idf is None:
            idf = self._idf[n] = math.log(1 + abs((self.count - n + 0.5) / (n + 0.5)))
        score = idf * ((K1 + 1) * tf) / (norm + tf) * FIELDS[field][1]
        if room is not None:
            scaled = score * 1000
            margin = abs(scaled - math.floor(scaled) - 0.5)
            room[0] = min(room[0], margin * (norm + tf) / scaled if margin > 1e-5 else 0.0)
        return _thousandths(score)


PACK = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def pack(values) -> str:
    """Write integers as text, 5 bits a character (search-core.js's unpack reads it back): a number n is first made
    2n, or -2n - 1 when negative, then written low bits first, with characters past the 32nd saying "more follows".
    Lists of small gaps and codes take about half the characters of JSON numbers, and gzip smaller too. A list whose
    numbers are all within ±SMALL takes each number's text from a table made once."""
    values = values if isinstance(values, list | array) else list(values)
    if values and -SMALL <= min(values) and max(values) < SMALL:
        table = _small()
        return "".join([table[value + SMALL] for value in values])
    return "".join([_packed(value) for value in values])


SMALL = 1 << 15  # 65,536 texts of at most 4 characters


@cache
def _small() -> list[str]:
    return [_packed(value) for value in range(-SMALL, SMALL)]


def _packed(value: int) -> str:
    value = value << 1 if value >= 0 else (-value << 1) - 1
    out = []
    while value >= 32:
        out.append(PACK[32 | (value & 31)])
        value >>= 5
    out.append(PACK[value])
    return "".join(out)


def _coded(values) -> list[int]:
    """Return (doc, code) pairs as document gaps, each followed by -code unless the code is 1 (once in the body)."""
    out, previous = [], 0
    for i in range(0, len(values), 2):
        out.append(values[i] - previous)
        previous = values[i]
        if values[i + 1] != 1:
            out.append(-values[i + 1])
    return out


def _gaps(values, step: int = 2) -> list[int]:
    """Delta-code the document numbers of a flat list (every step-th value is a document)."""
    out, previous = list(values), 0
    for i in range(0, len(out), step):
        out[i], previous = out[i] - previous, out[i]
    return out


def result_row(model: Model, record, positions: dict) -> list:
    """Return what the search page shows for one result."""
    data, badge = record.data, model.badges[record.id]
    contacts = data["contacts"]
    return [
        record.id,
        data["name"],
        positions["district"][data["district"]],
        [positions["function"][f] for f in data["functions"]],
        positions["tier"][data["tier"]],
        [positions["level"][badge["level"]], badge["year"]] if badge else None,
        [positions["industry"][i] for i in data.get("industries", [])],
        contacts.get("phone") or contacts.get("hotline") or "",
        1 if model.free(record) else 0,
        data["disclosures"]["content"][:SNIPPET_CHARS],
    ]


def facet_options(model: Model) -> dict[str, list]:
    """Return the search facets and their (id, label) options: the page's selects and the index's facet files."""
    return {"district": list(model.districts.items()), "function": list(model.functions.items()),
            "tier": list(model.tiers.items()), "level": list(model.levels.items()),
            "industry": list(model.industries.items())}


def _facet_files(rows: list[list], options: dict[str, list]) -> dict[str, str]:
    """Return the record numbers of each facet value (v/<facet>/<n>.json) and of free services (v/free.json), as gaps."""
    members = {(key, n): [] for key, values in options.items() for n in range(len(values))}
    free = []
    for number, row in enumerate(rows):
        for key, value in (("district", row[2]), ("tier", row[4]), ("level", row[5][0] if row[5] else None)):
            if value is not None:
                members[key, value].append(number)
        for key, values in (("function", row[3]), ("industry", row[6])):
            for value in values:
                members[key, value].append(number)
        if row[8]:
            free.append(number)
    files = {f"v/{key}/{n}.json": dump_json(_gaps(documents, 1)) for (key, n), documents in members.items()}
    files["v/free.json"] = dump_json(_gaps(free, 1))
    return files


def build_search_files(model: Model, common_over: int = COMMON, shard_size: int = SHARD_SIZE) -> dict[str, str]:
    """Return every search file: its path under search/ and its JSON text (the sizes are parameters for the tests). The
    pinyin files are made by a forked child meanwhile, started before the postings: a child lives on the pages it shares
    with its parent, and each one the parent writes to afterwards is kept twice (forked after the postings, it held
    260 MB at 10,000 records, at the build's peak)."""
    spelled = Forked("搜索索引的拼音表", _pinyin_files, model, spelled_texts(model))
    try:
        return _search_files(model, Postings(model), spelled, common_over, shard_size)
    except BaseException:
        spelled.cancel()
        raise


def _search_files(model: Model, postings: Postings, spelled: Forked, common_over: int, shard_size: int) -> dict[str, str]:
    """Return the search files. The postings' lists, the lists' texts and the shards' entries are let go as soon as what
    is made from them is made (postings.terms is left empty): the job's largest memory is at its end."""
    count = len(model.records)
    entries: dict[str, object] = {}
    common: list[str] = []
    words: dict[str, list] = {"terms": [], "characters": []}  # common Chinese words: listed in words.json, not in shards
    forward = [array("i") for _ in range(count)]

    lists = Memo(model.cache, "search-lists")  # a list's text under its postings (most are the same after a change)

    def packed(values: array, lone: bool) -> str:
        return lists.get(hashlib.blake2b(values, digest_size=16, person=b"lone" if lone else b"").digest(),
                         lambda: pack(_gaps(values) if lone else _coded(values)))

    def add(key: str, values: array, lone: bool, frequency: int | None) -> None:
        documents = len(values) // 2
        if documents <= common_over:
            entries[key] = packed(values, lone)
            return
        if key.isascii():  # a Latin word stays in its shard, where a prefix finds it
            entries[key] = {"c": len(common), "d": documents, "n": frequency}
        else:
            words["characters" if lone else "terms"].append((key, len(common), documents, frequency))
        common.append(dump_json(packed(values, lone)))
        if not lone:
            for i in range(0, len(values), 2):
                forward[values[i]].extend((len(common) - 1, values[i + 1]))

    lone, terms = postings.lone, postings.terms
    for term in sorted(terms):
        frequency = postings.frequency(term)
        values = terms.pop(term)  # let go once written
        if term.isascii() or len(term) > 1:  # a lone character is only ever looked up merged
            add(term, values, False, frequency)
    terms.clear()
    for character in sorted(lone):
        add(character, lone[character], True, None)  # a lone character's list carries its weights: no frequency
    lists.save()
    lists = None  # its texts are the entries' now
    listed = {key for kind in words.values() for key, *_ in kind}
    names: dict[str, list[int]] = {}
    for number, record in enumerate(model.records):
        compact = compact_name(record.data["name"])
        tokens = query_tokens(compact)
        if tokens:  # in the shard of the name's first word that has one (a shard its query fetches anyway)
            first = next((token for token in tokens if token not in listed), tokens[0])
            names.setdefault(shard_key(first) + "=" + compact, []).append(number)
    shards = max(1, math.ceil(sum(len(v) / 2 + 2 if isinstance(v, str) else 3 for v in entries.values()) / shard_size))
    grouped: dict[int, dict] = {}
    latin_common = sum(v["d"] for v in entries.values() if isinstance(v, dict))  # the Latin words' postings in c/
    for key in sorted(entries):
        grouped.setdefault(fnv1a(shard_key(key)) % shards, {})[key] = entries.pop(key)
    entries.clear()
    for key, documents in names.items():
        first, _, name = key.partition("=")
        grouped.setdefault(fnv1a(first) % shards, {})["=" + name] = _gaps(documents, 1)
    lookups: dict[str, list[int]] = {}
    for number, record in enumerate(model.records):
        for key in sorted(record_lookups(model, record)):
            lookups.setdefault("#" + key, []).append(number)
    for key, documents in lookups.items():  # in the shard of the whole key, "#" included
        grouped.setdefault(fnv1a(key) % shards, {})[key] = _gaps(documents, 1)
    files = {f"t/{n}.json": dump_json(grouped.pop(n, {})) for n in range(shards)}
    files |= {f"c/{n}.json": text for n, text in enumerate(common)}
    files["words.json"] = _words_file(words)
    width = len(FIELDS)
    for start in range(0, count, LENGTHS):
        files[f"l/{start // LENGTHS}.json"] = dump_json(list(postings.lengths[start * width : (start + LENGTHS) * width]))
    options = facet_options(model)
    positions = {key: {option: n for n, (option, _) in enumerate(values)} for key, values in options.items()}
    rows = [result_row(model, record, positions) for record in model.records]
    for start in range(0, count, DOCS):
        files[f"d/{start // DOCS}.json"] = dump_json([
            [rows[n], list(postings.lengths[n * width : (n + 1) * width]), pack(_coded(forward[n]))]
            for n in range(start, min(start + DOCS, count))])
    files |= _facet_files(rows, options)
    folded = traditional_table(set(postings.lone))
    files["t2s.json"] = dump_json({"from": "".join(folded), "to": "".join(folded.values())})
    pinyin, prefixes = spelled.result()
    files |= pinyin
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + files[path].encode())
    document_chars = sum(len(v) for k, v in files.items() if k.startswith("d/"))
    common_chars = sum(len(text) for text in common)
    common_postings = latin_common + sum(documents for kind in words.values() for _, _, documents, _ in kind)
    files["manifest.json"] = dump_json({
        "version": digest.hexdigest()[:12], "count": count, "shards": shards, "docs": DOCS, "lengths": LENGTHS,
        "fields": FIELDS, "totals": postings.totals, "facets": options,
        # characters per record of the record files and per posting of the common lists: the browser fetches the cheaper
        "cost": [round(document_chars / max(count, 1), 1), round(common_chars / max(common_postings, 1), 2)],
        # what a query is widened with: thesaurus groups, former district names, the traditional characters t2s.json folds
        "synonyms": thesaurus(model), "former": former_names(model), "traditional": pack(_gaps(sorted(map(ord, folded)), 1)),
        "pinyin": prefixes,  # the p/<two letters>.json files there are
    })
    return files


def _pinyin_files(model: Model, texts: str) -> tuple[dict[str, str], str]:
    """Return the pinyin files (p/) with the manifest's list of them."""
    spelled = pinyin_files(model, texts)
    return {path: dump_json(table) for path, table in spelled.items()}, "".join(sorted(path[2:4] for path in spelled))


def _words_file(words: dict[str, list]) -> str:
    """Return words.json: the common Chinese terms (bigrams) and lone characters in one string each, with, packed, their
    long lists' numbers (c/<n>.json, as gaps), records and, for terms, lunr document frequency less records."""
    out = {}
    for kind, size in (("terms", 2), ("characters", 1)):
        listed = words[kind]
        assert all(len(key) == size for key, *_ in listed)
        out[kind] = "".join(key for key, *_ in listed)
        out[kind + "_lists"] = pack(_gaps([number for _, number, _, _ in listed], 1))
        out[kind + "_records"] = pack(documents for _, _, documents, _ in listed)
        if kind == "terms":  # a term's frequency counts each field it occurs in: records + those with it in both
            out["terms_both"] = pack(frequency - documents for _, _, documents, frequency in listed)
    return dump_json(out)


SKIPPED_TAGS = {"script", "style", "svg"}


class _Sections(HTMLParser):
    """An HTML page's text by section: the text before the first h2 or h3, then one section per heading (with its id)."""

    def __init__(self):
        super().__init__()
        self.sections, self.skipping, self.heading = [["", "", []]], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in ("h2", "h3"):
            self.heading = []
            self.sections.append(["", dict(attrs).get("id") or "", []])

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("h2", "h3") and self.heading is not None:
            self.sections[-1][0] = "".join(self.heading).replace("¶", "").strip()
            self.heading = None

    def handle_data(self, data):
        if not self.skipping:
            (self.heading if self.heading is not None else self.sections[-1][2]).append(data)


def pages_file(pages: list[tuple[str, str, str]]) -> str:
    """Return pages.json, the hand-written pages for the header box: [title, address, [[heading, id, text], …]] each,
    from (title, address, HTML of the page's content)."""
    out = []
    for title, url, html in pages:
        parser = _Sections()
        parser.feed(html)
        sections = [[heading, anchor, re.sub(r"\s+", " ", "".join(text)).strip()] for heading, anchor, text in parser.sections]
        out.append([title, url, [section for section in sections if section[0] or section[2]]])
    return dump_json(out)


def dump_json(value) -> str:
    """Serialize compactly, as the browser downloads it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_search_files(model: Model, folder: Path, **sizes) -> list[str]:
    """Write the search files into folder; return their paths relative to it."""
    files = build_search_files(model, **sizes)
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(files)
