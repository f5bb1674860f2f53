"""The search index: built by lunr.py over tokens from the tokenizer the browser shares (assets/search-core.js).

Chinese text becomes overlapping character bigrams (a lone character stays itself), Latin letters and digits
become words. The lunr index is shipped in a compact form (terms with delta-coded postings and field lengths)
that search-core.js expands back into lunr's own serialization, recomputing the same BM25 field vectors.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from lunr import get_default_builder

from .model import Model

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUNS = re.compile(f"[{CJK}]+|[a-z0-9]+")
FIELDS = (("name", 10), ("body", 1))
SNIPPET_CHARS = 80


def tokenize(text: str) -> list[str]:
    """Split text into search tokens: NFKC, lower case, Chinese bigrams, Latin and digit words."""
    tokens = []
    for run in RUNS.findall(unicodedata.normalize("NFKC", text).lower()):
        if run.isascii() or len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


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


def _encode_postings(postings: list[tuple[int, int]]) -> list[int]:
    """Delta-code (document, term frequency) pairs; a frequency above 1 follows its document as a negative number."""
    encoded, previous = [], 0
    for document, frequency in postings:
        encoded.append(document - previous)
        previous = document
        if frequency > 1:
            encoded.append(-frequency)
    return encoded


def _lunr_builder(model: Model):
    """Add every published record to a lunr.py builder (no stemming: the tokens are final)."""
    builder = get_default_builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.metadata_whitelist = []
    builder.ref("r")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for number, record in enumerate(model.records):
        texts = _document_texts(model, record)
        builder.add({"r": format(number, "x"), **{name: tokenize(texts[name]) for name, _ in FIELDS}})
    return builder


def build_lunr_index(model: Model):
    """Return lunr.py's complete index of the published records (the browser rebuilds exactly this one)."""
    return _lunr_builder(model).build()


def compact_index(builder, count: int) -> dict:
    """Return the built index as terms with delta-coded postings and the field lengths that BM25 needs."""
    lengths = [[builder.field_lengths[f"{name}/{number:x}"] for number in range(count)] for name, _ in FIELDS]
    postings = {}
    for field_number, (name, _) in enumerate(FIELDS):
        for number in range(count):
            for term, frequency in builder.field_term_frequencies[f"{name}/{number:x}"].items():
                postings.setdefault(term, [[] for _ in FIELDS])[field_number].append((number, frequency))
    terms = [[term, *(_encode_postings(lists) for lists in postings[term])] for term in sorted(postings)]
    return {"fields": [list(field) for field in FIELDS], "count": count, "lengths": lengths, "terms": terms}


def build_search_index(model: Model) -> dict:
    """Return the index in its compact shipped form, from the postings lunr.py's builder collected.

    lunr.py's vector step is skipped here: the browser computes the same vectors (tests compare the two)."""
    return compact_index(_lunr_builder(model), len(model.records))


def build_result_list(model: Model) -> dict:
    """Return what the search page shows per result and the facet options, in the index's document order."""
    facets = {
        "district": list(model.districts.items()),
        "function": list(model.functions.items()),
        "tier": list(model.tiers.items()),
        "level": list(model.levels.items()),
        "industry": list(model.industries.items()),
    }
    positions = {key: {option: n for n, (option, _) in enumerate(options)} for key, options in facets.items()}
    docs = []
    for record in model.records:
        data = record.data
        badge = model.badges[record.id]
        contacts = data["contacts"]
        docs.append([
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
        ])
    return {"facets": facets, "docs": docs}


def dump_json(value) -> str:
    """Serialize compactly, as the browser downloads it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


SEARCH_FILES = ("lunr-index.json", "results.json")


def write_search_files(model: Model, folder: Path) -> None:
    """Write the search index and the result list (SEARCH_FILES) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SEARCH_FILES[0]).write_text(dump_json(build_search_index(model)), encoding="utf-8")
    (folder / SEARCH_FILES[1]).write_text(dump_json(build_result_list(model)), encoding="utf-8")

