"""Most of the offline zip is written while the build waits for its search job (OfflineZip.prepare): the zip holds the
same bytes as one written at the end, and a file rewritten after prepare() zipped it goes in as it is at the end."""

import datetime
import zipfile

from generator.write.offline import FOLDER, NAME, SIZE_MARK, OfflineZip

DAY = datetime.date(2026, 12, 1)


def _site(folder):
    for n in range(600):  # more than two of the writer's windows
        page = folder / "institutions" / f"r{n:03d}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html><head></head><body><a href="../">机构 {n}</a></body></html>', encoding="utf-8")
    (folder / "index.html").write_text(f"<html><head></head><body>{SIZE_MARK}</body></html>", encoding="utf-8")
    (folder / "downloads").mkdir()
    (folder / "downloads" / "directory.csv").write_text("名称\n", encoding="utf-8")
    (folder / "search").mkdir()
    (folder / "search" / "manifest.json").write_text('{"count":600}', encoding="utf-8")
    return folder


def _zip(site, prepare: bool, change=None) -> bytes:
    offline = OfflineZip(site / "downloads" / NAME, DAY)
    offline.add_page("index.html", (site / "index.html").read_text(encoding="utf-8"))
    if prepare:
        offline.prepare(site)
        if change:
            offline.early[1].join()  # every page zipped: the change comes after
            change(site)
    offline.finish(site)
    return (site / "downloads" / NAME).read_bytes()


def _rewrite(site):
    (site / "institutions" / "r005" / "index.html").write_text("<html><head></head><body>改过的页面</body></html>", encoding="utf-8")


def test_a_zip_begun_beside_the_search_job_has_the_bytes_of_one_written_at_the_end(tmp_path):
    prepared = _zip(_site(tmp_path / "a"), prepare=True)
    assert prepared == _zip(_site(tmp_path / "b"), prepare=False)
    names = zipfile.ZipFile(tmp_path / "a" / "downloads" / NAME).namelist()
    tail = [f"{FOLDER}/downloads/directory.csv", f"{FOLDER}/index.html", f"{FOLDER}/search/bundle.js"]
    assert names[0] == "使用说明.txt" and names[-3:] == tail  # what later steps change comes last
    assert names[1:-3] == sorted(names[1:-3]) and len(names) == 604


def test_a_page_rewritten_after_prepare_zipped_it_goes_in_as_it_is_at_the_end(tmp_path):
    prepared = _zip(_site(tmp_path / "a"), prepare=True, change=_rewrite)
    with zipfile.ZipFile(tmp_path / "a" / "downloads" / NAME) as archive:
        assert "改过的页面" in archive.read(f"{FOLDER}/institutions/r005/index.html").decode("utf-8")
    site = _site(tmp_path / "b")
    _rewrite(site)
    assert prepared == _zip(site, prepare=False)


def _other_download(site):
    (site / "downloads" / "directory.csv").write_text("名称\n另一家机构\n", encoding="utf-8")


def test_downloads_deflated_ahead_go_in_as_they_were_or_as_they_are_at_the_end(tmp_path):
    prepared = _zip(_site(tmp_path / "a"), prepare=True, change=lambda site: None)  # every page zipped, the downloads deflated
    assert prepared == _zip(_site(tmp_path / "b"), prepare=False)
    prepared = _zip(_site(tmp_path / "c"), prepare=True, change=_other_download)
    with zipfile.ZipFile(tmp_path / "c" / "downloads" / NAME) as archive:
        assert archive.read(f"{FOLDER}/downloads/directory.csv").decode("utf-8") == "名称\n另一家机构\n"
    site = _site(tmp_path / "d")
    _other_download(site)
    assert prepared == _zip(site, prepare=False)


def test_a_large_file_deflated_in_pieces_on_every_core_is_one_stream_about_as_small_as_one_compressor_gives():
    import random
    import zlib

    from benchmarks.words import Text
    from generator.write.offline import CHUNK, LEVEL, deflate

    rng, text = random.Random(3), Text()
    data = "\n".join(text.sentence(rng, 40) for _ in range(12000)).encode("utf-8")
    assert len(data) > 2.5 * CHUNK
    packed = deflate(data)
    assert zlib.decompress(packed, -15) == data
    whole = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    single = whole.compress(data) + whole.flush()
    assert packed != single and len(packed) < len(single) * 1.002
    small = data[:CHUNK]
    whole = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    assert deflate(small) == whole.compress(small) + whole.flush()  # a file of one piece: the bytes it had before
