"""The build cache: a build that takes what it can from the cache gives the same bytes as a clean one, after a change
of a record, an added record, a deleted record, a taxonomy change and a template change; and it renders again only
what changed."""

import shutil
from pathlib import Path

import pytest

from generator import cache
from generator.cache import Store, code_digest, key
from generator.commands.build import build_site
from generator.read import directory as directory_module
from generator.read.directory import record_from_text as convert
from generator.write import pages
from tests.support import EPOCH, ROOT


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _entries(folder: Path, kind: str) -> set[str]:
    return {p.name for p in (folder / kind).rglob("*") if p.is_file()} if (folder / kind).exists() else set()


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Build a copy of the sample with the cache and without it; return a function that builds both after a change
    and gives (cached site, clean site, page bodies rendered again, record files converted again)."""
    work = tmp_path_factory.mktemp("cache")
    directory = work / "directory"
    shutil.copytree(ROOT / "directory", directory)
    folder = work / "cache"
    count = iter(range(100))

    def both():
        n = next(count)
        before = _entries(folder, "pages")
        read = work / f"read-{n}.log"  # a line per file converted, by this process or the child converting half of them
        read.touch()

        def counted(text, *rest):
            with read.open("a") as log:
                log.write("\n")
            return convert(text, *rest)

        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
            patch.setattr(directory_module, "record_from_text", counted)
            build_site(directory, work / f"cached-{n}", ROOT / "mkdocs.yml", None, {"catalogue": False, "cache_dir": str(folder)})
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
            build_site(directory, work / f"clean-{n}", ROOT / "mkdocs.yml", None, {"catalogue": False, "cache_dir": ""})
        return work / f"cached-{n}", work / f"clean-{n}", len(_entries(folder, "pages") - before), len(read.read_text())

    both.directory = directory
    first = both()
    return both, first


def _same(cached: Path, clean: Path) -> None:
    first, second = _files(cached), _files(clean)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_first_build_fills_the_cache_and_gives_the_clean_bytes(builds):
    _, (cached, clean, rendered, read) = builds
    _same(cached, clean)
    published = len(list(clean.glob("institutions/*.json")))
    assert rendered == published > 50 and read >= published


def test_a_changed_record_renders_one_page_again(builds):
    both, _ = builds
    path = next((both.directory / "pudong").glob("*.yml"))
    path.write_text(path.read_text(encoding="utf-8").replace("\nname: ", "\nname: 新", 1), encoding="utf-8")
    cached, clean, rendered, read = both()
    _same(cached, clean)
    assert (rendered, read) == (1, 1)
    assert "<h1>新" in (cached / "institutions" / path.stem / "index.html").read_text(encoding="utf-8")


def test_an_added_and_a_deleted_record(builds):
    both, _ = builds
    source = next((both.directory / "xuhui").glob("*.yml"))
    text = source.read_text(encoding="utf-8").replace("\nname: ", "\nname: 另一", 1)
    (both.directory / "xuhui" / "xuhui-added-record.yml").write_text(text, encoding="utf-8")
    cached, clean, rendered, read = both()
    _same(cached, clean)
    assert (rendered, read) == (1, 1) and (cached / "institutions" / "xuhui-added-record" / "index.html").is_file()
    gone = both.directory / "xuhui" / "xuhui-added-record.yml"  # every sample record is named by a results file
    gone.unlink()
    cached, clean, rendered, read = both()
    _same(cached, clean)
    assert (rendered, read) == (0, 0) and not (cached / "institutions" / gone.stem).exists()


def test_a_taxonomy_change_renders_every_page_again(builds):
    both, _ = builds
    taxonomy = both.directory / "taxonomy.yml"
    text = taxonomy.read_text(encoding="utf-8")
    assert "name: 信息服务" in text
    taxonomy.write_text(text.replace("name: 信息服务", "name: 信息化服务", 1), encoding="utf-8")
    cached, clean, rendered, read = both()
    _same(cached, clean)
    assert rendered == len(list(clean.glob("institutions/*.json"))) and read > 50  # the choice tables changed
    assert "信息化服务" in (cached / "functions" / "information" / "index.html").read_text(encoding="utf-8")


def test_a_template_change_changes_the_code_digest_and_every_page(builds, tmp_path):
    # The digest covers the package's own files: a copy with one template edited has another digest.
    package = tmp_path / "generator"
    shutil.copytree(Path(cache.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_digest(package) == code_digest()
    template = package / "write" / "templates" / "institution.html"
    template.write_text(template.read_text(encoding="utf-8").replace("信息最近核实", "信息核实于"), encoding="utf-8")
    edited = code_digest.__wrapped__(package)
    assert edited != code_digest()
    # The same edit in the running build (its loader and its digest): the cached build renders every page again.
    both, _ = builds
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "code_digest", lambda package=None: edited)
        original, changed = pages.templates.get_template, pages.templates.from_string(template.read_text(encoding="utf-8"))
        patch.setattr(pages.templates, "get_template", lambda name, *rest, **named: changed if name == "institution.html" else
                      original(name, *rest, **named))
        cached, clean, rendered, _ = both()
    _same(cached, clean)
    assert rendered == len(list(clean.glob("institutions/*.json")))
    assert "信息核实于" in next(cached.glob("institutions/*/index.html")).read_text(encoding="utf-8")


def test_a_damaged_entry_is_computed_again(tmp_path):
    store = Store(tmp_path, "pages")
    entry = key("page", "x")
    store.put(entry, "<h1>甲</h1>")
    assert Store(tmp_path, "pages").get(entry) == "<h1>甲</h1>"
    path = tmp_path / "pages" / entry[:2] / entry
    path.write_bytes(path.read_bytes()[:-1] + b"X")
    again = Store(tmp_path, "pages")
    assert again.get(entry) is None and again.misses == 1
    assert Store(None, "pages").get(entry) is None


def test_a_record_read_back_from_the_cache_places_a_cross_record_problem_where_a_fresh_one_does(tmp_path):
    # the cache keeps a record's positions (its own and its top-level fields'), not its node tree
    from generator.read.directory import load_directory

    directory = tmp_path / "directory"
    shutil.copytree(ROOT / "directory", directory)
    moved = directory / "pudong" / "nanhui-startup-station.yml"
    moved.write_text(moved.read_text(encoding="utf-8").replace("district: pudong", "district: xuhui"), encoding="utf-8")
    fresh = load_directory(directory)[1]
    for _ in range(2):  # the second reading takes every record from the cache
        cached = load_directory(directory, cache=tmp_path / "cache")[1]
        assert cached == fresh
    mismatch = [p for p in cached if p.code == "district-folder-mismatch"]
    assert len(mismatch) == 1 and mismatch[0].line > 1 and mismatch[0].field == "district"


def test_half_the_records_to_convert_are_converted_by_a_child_and_all_come_back_in_order(tmp_path, monkeypatch):
    import os

    from generator.read.directory import load_directory

    directory = tmp_path / "directory"
    shutil.copytree(ROOT / "directory", directory)
    broken = directory / "pudong" / "broken.yml"
    broken.write_text("name: [不完整\n", encoding="utf-8")  # a file that fails, among those the child converts
    converted = []

    def counted(text, *rest):
        converted.append(os.getpid())
        return convert(text, *rest)

    monkeypatch.setattr(directory_module, "record_from_text", counted)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    alone = load_directory(directory)
    files = len(converted)
    assert files > 50 and set(converted) == {os.getpid()}
    converted.clear()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    split = load_directory(directory)
    assert [(r.id, r.data, r.places) for r in split[0].records] == [(r.id, r.data, r.places) for r in alone[0].records]
    assert split[1] == alone[1] and any(p.path.endswith("broken.yml") for p in split[1])
    assert converted == [os.getpid()] * (files // 2)  # the other half in the child, whose list is its own
    converted.clear()
    for _ in range(2):  # a cached reading: the second converts nothing, and forks nothing
        load_directory(directory, cache=tmp_path / "cache")
    assert converted == [os.getpid()] * (files // 2)
