"""The printed catalogue and the data exports, read back the way a user or another program reads them."""

import csv
import functools
import http.server
import io
import itertools
import json
import re
import subprocess
import threading
from collections import defaultdict

import pytest

from generator.model.model import Model, spell
from generator.write import catalogue
from generator.write.catalogue import CatalogueError, _render, check_cjk_font, entry_hours
from tests.support import PUBLISHED, TODAY, UNPUBLISHED
from tests.support import SAMPLE as DIRECTORY

SITE = Model(DIRECTORY, TODAY, "https://directory.example.org/")


def pdftext(path, first=None, last=None):
    pages = ["-f", str(first), "-l", str(last)] if first else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_count(path):
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture(scope="module")
def pdf(sample_site):
    return sample_site / "downloads" / "catalogue.pdf"


def test_every_published_name_and_no_unpublished_one_is_in_the_catalogue(pdf):
    text = re.sub(r"\s+", "", pdftext(pdf))
    for record in PUBLISHED:
        assert re.sub(r"\s+", "", record.data["name"]) in text, record.id
    for record in UNPUBLISHED:
        assert record.data["name"] not in text


def test_every_font_is_embedded(pdf):
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        assert line.split()[-5] == "yes", line
        assert "CJK" in line.split()[0]


def test_contents_give_the_pages_where_sections_start(pdf):
    contents = pdftext(pdf, 2, 3)
    checked = 0
    for district in DIRECTORY.choices("districts").values():
        number = int(re.search(rf"^\s*{district}\s+(\d+)\s*$", contents, re.MULTILINE).group(1))
        page = pdftext(pdf, number, number)
        assert page.splitlines()[0].strip() == district or district in page.split("\n", 3)[1], (district, number)
        # The section goes on with the first function group of that district.
        primary = {r.data["functions"][0] for r in PUBLISHED if DIRECTORY.choices("districts")[r.data["district"]] == district}
        first = next(name for fid, name in DIRECTORY.choices("functions").items() if fid in primary)
        assert re.search(rf"^\s*{first}\s*$", page, re.MULTILINE), (district, first)
        previous = pdftext(pdf, number - 1, number - 1)
        assert re.search(rf"^\s*{district}\s*$", previous, re.MULTILINE) is None
        checked += 1
    assert checked == 16


def test_pinyin_index_lists_every_name_in_order_with_its_page(pdf):
    total = page_count(pdf)
    text = pdftext(pdf, total - 2, total)
    index = text[text.index("名称索引"):]
    overrides = DIRECTORY.taxonomy.pinyin_overrides
    listed = []
    for line in index.splitlines():
        found = re.match(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", line)
        if found:
            listed.append((found.group(1), int(found.group(2))))
    names = [name for name, _ in listed]
    assert sorted(names) == sorted(r.data["name"] for r in PUBLISHED)
    keys = [spell(name, overrides) for name in names]
    assert keys == sorted(keys)
    name, number = listed[0]
    assert name in pdftext(pdf, number, number)


def structure(path):
    """Return what a screen reader gets from a PDF: catalogue entries (Lang, MarkInfo, title shown, PDF/UA part in XMP),
    the structure elements in reading order as (tag, Alt), and the outline as (title, [child titles])."""
    import xml.etree.ElementTree as ET

    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root
        raw = root.Metadata.read_bytes()
        xmp = ET.fromstring(raw[raw.index(b"<rdf:RDF"):raw.rindex(b"</rdf:RDF>") + len(b"</rdf:RDF>")])
        parts = [d.get("{http://www.aiim.org/pdfua/ns/id/}part") for d in xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description")]
        elements = []

        def walk(element):
            for kid in element.get("/K", []):
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    elements.append((str(kid.S)[1:], str(kid.Alt) if "/Alt" in kid else None))
                    walk(kid)

        walk(root.StructTreeRoot)
        with pdf.open_outline() as outline:
            bookmarks = [(item.title, [child.title for child in item.children]) for item in outline.root]
        return {"lang": str(root.Lang), "marked": bool(root.MarkInfo.Marked), "title": str(pdf.docinfo.Title),
                "display_title": bool(root.ViewerPreferences.DisplayDocTitle), "pdfua": [p for p in parts if p],
                "elements": elements, "outline": bookmarks}


def expected_headings(districts, index=True):
    """The headings a reader should meet: cover, contents, then district, function, institution, then the index."""
    levels = ["H1", "H2"]
    for district in districts:
        levels.append("H1")
        mine = [r for r in PUBLISHED if r.data["district"] == district]
        for function in DIRECTORY.choices("functions"):
            group = [r for r in mine if r.data["functions"][0] == function]
            levels += ["H2"] + ["H3"] * len(group) if group else []
    if index:
        levels.append("H1")
        levels += ["H2"] * len({SITE.sort_key(r)[0][:1].upper() for r in SITE.records})
    return levels


def test_catalogue_is_tagged_pdf_ua_with_language_title_and_headings_in_order(pdf):
    found = structure(pdf)
    assert found["lang"] == "zh-CN" and found["marked"] and found["display_title"]
    assert found["title"] == DIRECTORY.taxonomy.site.title
    assert found["pdfua"] == ["1"]
    headings = [tag for tag, _ in found["elements"] if re.fullmatch(r"H\d", tag)]
    districts = [d for d in DIRECTORY.choices("districts") if any(r.data["district"] == d for r in PUBLISHED)]
    assert headings == expected_headings(districts)


def test_every_qr_code_is_a_figure_whose_alternative_text_gives_its_address(pdf):
    alts = sorted(alt for tag, alt in structure(pdf)["elements"] if tag == "Figure")
    assert alts == sorted(f"二维码，本机构网页：https://directory.example.org/institutions/{r.id}/" for r in PUBLISHED)


def test_every_qr_code_image_holds_the_code_of_an_entry_s_address_unsmoothed(pdf):
    import pikepdf
    import segno

    def modules(url):
        return tuple(tuple(bool(dark) for dark in row) for row in segno.make_qr(url, error="m", mask=0).matrix_iter(border=4))

    with pikepdf.open(pdf) as document:
        images = {raw.objgen: raw for page in document.pages for raw in page.get_images().values()}  # pages share resources
        assert all(raw.get("/Interpolate") is False for raw in images.values())
        found = [pikepdf.PdfImage(raw).as_pil_image().convert("L") for raw in images.values()]
    found = [tuple(tuple(image.getpixel((x, y)) < 128 for x in range(image.width)) for y in range(image.height)) for image in found]
    assert sorted(found) == sorted(modules(f"https://directory.example.org/institutions/{r.id}/") for r in PUBLISHED)


def test_contents_index_and_fee_items_are_tagged_as_lists_and_tables(pdf):
    tags = [tag for tag, _ in structure(pdf)["elements"]]
    assert tags.count("L") >= 3 and tags.count("LI") >= len(PUBLISHED) + 16
    with_fees = [r for r in PUBLISHED if r.data.get("fee_items")]
    assert with_fees and tags.count("Table") == len(with_fees)
    assert tags.count("TH") == 2 * len(with_fees)
    assert tags.count("TD") == 2 * sum(len(r.data["fee_items"]) for r in with_fees)


def test_district_catalogue_is_tagged_with_its_own_title_and_headings(sample_site):
    found = structure(sample_site / "downloads" / "catalogue-pudong.pdf")
    assert found["lang"] == "zh-CN" and found["marked"] and found["pdfua"] == ["1"]
    assert found["title"] == DIRECTORY.taxonomy.site.title + "（浦东新区）"
    assert [tag for tag, _ in found["elements"] if re.fullmatch(r"H\d", tag)] == expected_headings(["pudong"], index=False)
    assert [title for title, _ in found["outline"]] == ["浦东新区"]


def test_outline_is_districts_with_their_functions_then_the_index_once(pdf):
    outline = structure(pdf)["outline"]
    districts = DIRECTORY.choices("districts")
    functions = DIRECTORY.choices("functions")
    expected = []
    for district, name in districts.items():
        primary = {r.data["functions"][0] for r in PUBLISHED if r.data["district"] == district}
        if primary:
            expected.append((name, [functions[f] for f in functions if f in primary]))
    assert outline == expected + [("名称索引", [])]


def test_each_font_is_embedded_once_in_each_file(pdf, sample_site):
    for path in [pdf, sample_site / "downloads" / "catalogue-pudong.pdf"]:
        lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        faces = [line.split()[0].split("+", 1)[1] for line in lines]
        assert sorted(faces) == ["Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"], path.name


def shown_glyphs(document):
    """Yield (font dictionary, glyph id) for every glyph the pages show."""
    import pikepdf

    for page in document.pages:
        fonts, font = page.obj.Resources.Font, None
        for operands, operator in pikepdf.parse_content_stream(page):
            if operator == pikepdf.Operator("Tf"):
                font = fonts[operands[0]]
            elif operator in (pikepdf.Operator("Tj"), pikepdf.Operator("TJ")):
                texts = operands[0] if operator == pikepdf.Operator("TJ") else [operands[0]]
                for text in texts:
                    if isinstance(text, pikepdf.String):
                        data = bytes(text)
                        yield from ((font, int.from_bytes(data[i:i + 2], "big")) for i in range(0, len(data), 2))


def missing_outlines(path):
    """Return (font, glyph, character) for each glyph a page shows without its outline in the file's embedded subset,
    and the number of font dictionaries the pages use."""
    import io

    import pikepdf
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    missing = []
    with pikepdf.open(path) as document:
        used = defaultdict(set)
        for font, glyph in shown_glyphs(document):
            used[font.objgen].add(glyph)
        fonts = {font.objgen: font for page in document.pages for font in page.obj.Resources.Font.values()}
        for key, glyphs in used.items():
            font = fonts[key]
            descriptor = font.DescendantFonts[0].FontDescriptor
            program = TTFont(io.BytesIO((descriptor.get("/FontFile3") or descriptor.FontFile2).read_bytes()))
            text = dict(re.findall(r"<([0-9a-f]{4})> <([0-9a-f]+)>", font.ToUnicode.read_bytes().decode()))
            names, shapes = program.getGlyphOrder(), program.getGlyphSet()
            for glyph in glyphs:
                char = bytes.fromhex(text[f"{glyph:04x}"]).decode("utf-16-be")
                pen = BoundsPen(shapes)
                shapes[names[glyph]].draw(pen)
                if not char.isspace() and pen.bounds is None:
                    missing.append((str(font.BaseFont), glyph, char))
    return missing, len(used)


def test_every_glyph_shown_has_its_outline_in_the_one_embedded_subset(pdf, sample_site):
    for path in [pdf, sample_site / "downloads" / "catalogue-pudong.pdf"]:
        # The joined parts' pages all point at one dictionary per font, and it has every glyph they show.
        assert missing_outlines(path) == ([], 2), path.name


def test_the_joined_structure_tree_leads_from_each_page_and_link_to_its_elements(pdf, sample_site):
    """What a PDF/UA checker follows: each page's marked contents, through the one parent tree, to elements on that
    page; each link annotation to its Link element; every element under the one Document element."""
    import pikepdf

    for path in [pdf, sample_site / "downloads" / "catalogue-pudong.pdf"]:
        with pikepdf.open(path) as document:
            root = document.Root.StructTreeRoot
            nums = root.ParentTree.Nums
            tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            assert int(root.ParentTreeNextKey) == max(tree) + 1 == len(tree)
            assert len(root.K) == 1 and root.K[0].S == "/Document"
            reached, todo = set(), [root.K[0]]
            while todo:
                element = todo.pop()
                reached.add(element.objgen)
                todo += [kid for kid in element.get("/K", []) if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem"]
            for number, page in enumerate(document.pages):
                assert int(page.obj.StructParents) == number
                marked = [operands[1].MCID for operands, operator in pikepdf.parse_content_stream(page)
                          if operator == pikepdf.Operator("BDC") and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]]
                assert sorted(marked) == list(range(len(tree[number]))), (path.name, number)
                for mcid, element in enumerate(tree[number]):
                    assert element.Pg.objgen == page.objgen and mcid in [int(k) for k in element.K if isinstance(k, int)]
                    assert element.objgen in reached
                for annotation in page.obj.get("/Annots", []):
                    element = tree[int(annotation.StructParent)]  # the link, or a box inside it (WeasyPrint tags both)
                    assert element.objgen in reached
                    link = element
                    while link.S != "/Link":
                        link = link.P
                    objects = [k.Obj.objgen for k in element.K if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
                    assert objects == [annotation.objgen]


def test_contents_and_index_links_go_to_the_page_they_print(pdf):
    import pikepdf

    lines = set()
    with pikepdf.open(pdf) as document:
        numbers = {page.objgen: number for number, page in enumerate(document.pages, 1)}
        width, height = (float(v) for v in document.pages[0].mediabox[2:])
        for number, page in enumerate(document.pages, 1):
            for annotation in page.obj.get("/Annots", []):
                assert annotation.A.S == "/GoTo"
                target = numbers[annotation.A.D[0].objgen]
                assert str(annotation.Contents) == f"转到第 {target} 页"
                bottom, top = sorted(float(v) for v in annotation.Rect[1::2])
                crop = ["-x", "0", "-y", str(round(height - top)), "-W", str(round(width)), "-H", str(round(top - bottom))]  # the line
                shown = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), *crop, str(pdf), "-"], capture_output=True,
                                       text=True, check=True).stdout.split()
                assert shown[-1] == str(target), (number, shown)
                lines.add((number, round(bottom)))
    groups = {(r.data["district"], r.data["functions"][0]) for r in PUBLISHED}
    assert len(lines) == len(PUBLISHED) + len({d for d, _ in groups}) + len(groups) + 1  # each line of the contents and index


def test_every_page_but_the_cover_shows_its_number_at_the_foot_as_an_artifact(pdf, sample_site):
    import pikepdf

    for path in [pdf, sample_site / "downloads" / "catalogue-pudong.pdf"]:
        total = page_count(path)
        for number in range(1, total + 1):
            foot = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-y", "790", "-H", "52", "-x", "0", "-W", "596",
                                   str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
            assert foot == ([] if number == 1 else [str(number)]), (path.name, number, foot)
        with pikepdf.open(path) as document:
            for page in list(document.pages)[1:]:
                marks = [operands for operands, operator in pikepdf.parse_content_stream(page) if operator == pikepdf.Operator("BDC")]
                assert marks[-1][0] == "/Artifact" and marks[-1][1].Type == "/Pagination"  # the number, drawn last, is no content


def test_index_and_contents_page_numbers_stand_in_one_column_after_dot_leaders(pdf, tmp_path):
    total = page_count(pdf)
    words = subprocess.run(["pdftotext", "-bbox", "-f", str(total), "-l", str(total), str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    rows = defaultdict(list)  # the index's last page, by line: (left, right, bottom, text) of each word
    for x0, y0, x1, y1, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', words):
        rows[y0].append((float(x0), float(x1), float(y1), text))
    lines = [row for row in rows.values() if len(row) == 2 and row[1][3].isdigit()]
    assert len(lines) >= 5
    # Every page number ends at the same right edge, whatever the length of the name before it ...
    assert max(n[1] for _, n in lines) - min(n[1] for _, n in lines) < 0.5
    assert max(name[1] for name, _ in lines) - min(name[1] for name, _ in lines) > 10
    # ... and dots run from the name to the number: along the foot of the line, ink alternates with paper.
    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-f", str(total), "-l", str(total), str(pdf), str(tmp_path / "i")], check=True)
    image = next(tmp_path.glob("i*.pgm")).read_bytes()
    width = int(image.split(b"\n", 3)[1].split()[0])
    pixels = image.split(b"\n", 3)[3]
    for name, number in lines:
        runs = []
        for y in range(int(name[2] * 2) - 16, int(name[2] * 2) + 4):
            row = pixels[y * width + int(name[1] * 2) + 4:y * width + int(number[0] * 2) - 4]
            runs.append(sum(1 for a, b in itertools.pairwise(row) if (a < 128) != (b < 128)))
        assert max(runs) > (number[0] - name[1]) / 2, (name, number)


def test_an_entry_shows_hours_and_fees_once(sample_site):
    text = pdftext(sample_site / "downloads" / "catalogue-putuo.pdf")
    entries = [r for r in PUBLISHED if r.data["district"] == "putuo"]
    assert text.count("服务时间：") == len(entries) and text.count("收费标准：") == len(entries)
    assert "营业时间" not in text and "收费项目：" not in text
    # The week is shown; the disclosure's text only where it says more than the week.
    assert "周一至周五 09:00–17:00；周六至周日 休息；法定节假日休息" in text
    notes = [entry_hours(SITE, r)[1] for r in entries]
    assert "工作日 9:00-17:00；线上平台 24 小时受理" in notes and "" in notes
    assert text.count("说明：工作日 9:00-17:00；线上平台 24 小时受理") == notes.count("工作日 9:00-17:00；线上平台 24 小时受理")


def test_entry_hours_keep_the_disclosure_only_when_it_says_more(valid_dir):
    from generator.read.directory import load_directory

    same = next(r for r in PUBLISHED if r.id == "changning-sme-center")
    more = next(r for r in PUBLISHED if r.id == "putuo-sme-center")
    assert entry_hours(SITE, same) == ("周一至周五 09:00–17:00；周六至周日 休息；法定节假日休息", "")
    assert entry_hours(SITE, more) == ("周一至周五 09:00–17:00；周六至周日 休息；法定节假日休息", "工作日 9:00-17:00；线上平台 24 小时受理")
    loaded, _ = load_directory(valid_dir)
    without = next(r for r in loaded.records if r.id == "test-center")
    assert entry_hours(Model(loaded, TODAY), without) == ("", "")


def test_catalogue_files_are_the_same_bytes_when_built_twice(valid_dir, tmp_path, monkeypatch):
    from generator.__main__ import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    for name in ("one", "two"):
        assert main(["catalogue", "--directory", str(valid_dir), "--out", str(tmp_path / name), "--cache-dir", "none",
                     "--site-url", "https://t.example.org/"]) == 0
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    assert len(one) == 3 and one == {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}


def test_pinyin_corrections_from_the_taxonomy():
    assert spell("长宁区企业管理诊所", {"长宁": "chang ning"}).startswith("chang ning qu")
    assert spell("长宁区企业管理诊所", {}).startswith("zhang ning")


def test_district_catalogues_hold_only_their_district(sample_site):
    text = re.sub(r"\s+", "", pdftext(sample_site / "downloads" / "catalogue-pudong.pdf"))
    for record in PUBLISHED:
        assert (record.data["name"] in text) == (record.data["district"] == "pudong"), record.id


def test_catalogue_fonts_cover_every_character_used(pdf):
    from fontTools.ttLib import TTCollection

    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True, check=True).stdout
    collection = TTCollection(path)
    cmap = set()
    for font in collection.fonts:
        cmap |= set(font.getBestCmap())
    used = {ch for ch in pdftext(pdf) if not ch.isspace()}
    missing = sorted(ch for ch in used if ord(ch) not in cmap)
    assert missing == []


def test_first_page_image_has_ink(pdf, tmp_path):
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-gray", str(pdf), str(tmp_path / "p")], check=True)
    image = next(tmp_path.glob("p*.pgm")).read_bytes()
    pixels = image.split(b"\n", 3)[3]
    dark = sum(1 for b in pixels if b < 128)
    assert dark > 500


def test_missing_chinese_font_stops_with_the_package_name(monkeypatch):
    monkeypatch.setattr(catalogue.shutil, "which", lambda name: None)
    with pytest.raises(CatalogueError, match="fonts-noto-cjk"):
        check_cjk_font()


def test_weasyprint_loads_nothing_from_outside(tmp_path):
    hits = []

    class Counter(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counter, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    html = (f'<img src="http://127.0.0.1:{server.server_port}/x.png"><link rel="stylesheet" href="file://{secret}">'
            f'<iframe src="file://{secret}"></iframe><p>正文</p>')
    data, pages, _ = _render(html)
    server.shutdown()
    assert hits == []
    assert b"SECRET-CONTENT" not in data and pages == 1


def test_csv_opens_with_chinese_headings_and_one_row_per_institution(sample_site):
    raw = (sample_site / "downloads" / "directory.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:6] == ["标识", "名称", "英文名称", "所在区", "层级", "服务功能"]
    assert rows[0][16:21] == ["服务内容", "服务流程", "服务标准", "收费标准", "服务时间"]
    assert len(rows) - 1 == len(PUBLISHED)
    assert {row[0] for row in rows[1:]} == {r.id for r in PUBLISHED}


def test_json_carries_derived_fields(sample_site):
    data = json.loads((sample_site / "downloads" / "directory.json").read_text(encoding="utf-8"))
    assert data["count"] == len(PUBLISHED)
    record = next(r for r in data["records"] if r["id"] == "pudong-ic-testing")
    assert record["url"] == "https://directory.example.org/institutions/pudong-ic-testing/"
    assert record["current_demonstration_level"] == "national"


def test_xlsx_has_all_and_district_sheets_with_frozen_headers(sample_site):
    from openpyxl import load_workbook

    book = load_workbook(sample_site / "downloads" / "directory.xlsx")
    assert book.sheetnames[0] == "全部" and len(book.sheetnames) == 17
    assert book["全部"].freeze_panes == "A2"
    assert book["全部"].max_row - 1 == len(PUBLISHED)
    assert book["浦东新区"].max_row - 1 == sum(r.data["district"] == "pudong" for r in PUBLISHED)


def test_the_workbook_and_the_csv_are_in_people_s_words_with_numbers_as_numbers(sample_site):
    from openpyxl import load_workbook

    sheet = load_workbook(sample_site / "downloads" / "directory.xlsx")["全部"]
    headings = [cell.value for cell in sheet[1]]
    row = {h: cell for h, cell in zip(headings, next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "pudong-ic-testing"))}
    assert row["收费项目"].value == "标准化咨询（首次）（免费）；专项服务 1400 元/次（按委托合同约定（示例））"
    assert row["营业时间（结构化）"].value == "周一至周五 09:00–17:00，法定节假日休息"
    assert row["示范平台称号"].value == ("国家级示范平台（2021 年，至 2026 年底，编号 工信示范〔2022〕68 号（示例））；"
                                      "区级示范平台（2017 年）")
    assert row["现有示范平台称号"].value == "国家级示范平台（2021 年）"
    assert (row["满意度"].value, row["满意度"].data_type, row["满意度"].number_format) == (0.95, "n", "0%")
    assert (row["年服务企业数"].value, row["年服务企业数"].data_type) == (26450, "n")
    assert isinstance(row["成立年份"].value, int) and row["电话"].data_type == "s" and row["邮政编码"].value == "210043"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(headings)).column_letter}{len(PUBLISHED) + 1}"
    widths = {h: sheet.column_dimensions[cell.column_letter].width for h, cell in zip(headings, sheet[1])}
    assert widths["标识"] < widths["名称"] < widths["服务内容"] and widths["满意度"] < 12 and max(widths.values()) <= 52
    csv_rows = list(csv.DictReader(io.StringIO((sample_site / "downloads" / "directory.csv").read_text(encoding="utf-8-sig"))))
    line = next(r for r in csv_rows if r["标识"] == "pudong-ic-testing")
    assert line["满意度"] == "95%" and line["收费项目"] == row["收费项目"].value
    assert line["营业时间（结构化）"] == row["营业时间（结构化）"].value
    data = json.loads((sample_site / "downloads" / "directory.json").read_text(encoding="utf-8"))
    record = next(r for r in data["records"] if r["id"] == "pudong-ic-testing")
    assert record["opening_hours"] == "Mo-Fr 09:00-17:00; PH off" and record["metrics"]["satisfaction"] == 0.95
    assert record["fee_items"][1] == {"item": "专项服务", "free": False, "amount": 1400, "unit": "次", "note": "按委托合同约定（示例）"}


def test_formula_cells_are_neutralised(valid_dir, tmp_path):
    import datetime

    from openpyxl import load_workbook

    from generator.model.model import Model
    from generator.read.directory import load_directory
    from generator.write.exports import write_exports

    record = valid_dir / "pudong/test-center.yml"
    text = record.read_text(encoding="utf-8").replace("name: 测试检测中心", 'name: "=HYPERLINK(\\"http://x\\",\\"点我\\")"')
    record.write_text(text.replace("operator: 测试运营有限公司", "operator: '@SUM(1+1)'").replace("  fees: 按目录收费，咨询免费",
                                                                                                  '  fees: "+1 免费"'),
                      encoding="utf-8")
    loaded, problems = load_directory(valid_dir)
    assert [p for p in problems if p.severity == "error"] == []
    write_exports(Model(loaded, datetime.date(2026, 1, 1)), tmp_path)
    rows = list(csv.reader(io.StringIO((tmp_path / "directory.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r[0] == "test-center")
    assert row[1] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert row[7] == "'@SUM(1+1)"
    assert row[rows[0].index("收费标准")] == "'+1 免费"
    sheet = load_workbook(tmp_path / "directory.xlsx")["全部"]
    values = [cell.value for cell in next(r for r in sheet.iter_rows() if r[0].value == "test-center")]
    assert values[1].startswith("'=") and values[7] == "'@SUM(1+1)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_unchanged_districts_are_taken_from_the_cache(tmp_path, monkeypatch):
    calls = []
    real = catalogue._render
    monkeypatch.setattr(catalogue, "_render", lambda html: calls.append(1) or real(html))
    html = "<html lang=zh-CN><body><h1 id=d-x>浦东新区</h1></body></html>"
    first = catalogue._render_cached(html, tmp_path)
    second = catalogue._render_cached(html, tmp_path)
    assert first == second and len(calls) == 1
    catalogue._render_cached(html.replace("浦东", "黄浦"), tmp_path)
    assert len(calls) == 2


def test_an_emptied_truncated_or_unreadable_cache_entry_is_set_again(tmp_path, monkeypatch):
    calls = []
    real = catalogue._render
    monkeypatch.setattr(catalogue, "_render", lambda html: calls.append(1) or real(html))
    html = "<html lang=zh-CN><body><h1 id=d-x>浦东新区</h1></body></html>"
    first = catalogue._render_cached(html, tmp_path)
    [pdf], [note] = tmp_path.glob("*.pdf"), tmp_path.glob("*.json")
    for damage in (lambda: pdf.write_bytes(b""), lambda: pdf.write_bytes(first[0][:100]), lambda: note.write_text("{", encoding="utf-8"),
                   lambda: note.write_text("[]", encoding="utf-8"), lambda: pdf.unlink()):
        damage()
        assert catalogue._render_cached(html, tmp_path) == first
    assert len(calls) == 6
    assert catalogue._render_cached(html, tmp_path) == first and len(calls) == 6
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".pdf"]  # no temporary file left


def test_a5_catalogue_and_command_line(valid_dir, tmp_path, capsys):
    from generator.__main__ import main

    out = tmp_path / "out"
    assert main(["catalogue", "--directory", str(valid_dir), "--out", str(out), "--paper", "A5", "--cache-dir", "none",
                 "--site-url", "https://t.example.org/"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["catalogue-huangpu.pdf", "catalogue-pudong.pdf", "catalogue.pdf"]
    info = subprocess.run(["pdfinfo", str(out / "catalogue.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+419\.\d+ x 595\.\d+", info)
    text = pdftext(out / "catalogue.pdf")
    assert "测试检测中心" in text and "服务功能" in text and "办理时限" in text
    err = capsys.readouterr().err
    assert "印刷版完成：catalogue.pdf" in err and "排版 2/2" in err


def test_text_without_a_break_wraps_on_the_page(valid_dir, tmp_path):
    from generator.__main__ import main

    record = valid_dir / "pudong" / "test-center.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("operator: 测试运营有限公司", "operator: " + "Ab1Cd2" * 30),
                      encoding="utf-8")
    out = tmp_path / "out"
    assert main(["catalogue", "--directory", str(valid_dir), "--out", str(out), "--paper", "A5", "--cache-dir", "none"]) == 0
    boxes = subprocess.run(["pdftotext", "-bbox", str(out / "catalogue-pudong.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout
    width = float(re.search(r'<page width="([0-9.]+)"', boxes).group(1))
    words = re.findall(r'xMax="([0-9.]+)"[^>]*>([^<]+)</word>', boxes)
    assert any("Ab1Cd2" in text for _, text in words)
    assert max(float(x) for x, _ in words) < width



def test_a_join_links_across_parts_and_stops_on_a_link_to_nowhere(tmp_path):
    from generator.write.pdfjoin import JoinError, join

    def part(name, body):
        page = f'<html lang="zh-CN"><head><title>测试</title></head><body style="font-family: Noto Sans CJK SC">{body}</body></html>'
        data, _, _ = _render(page)
        (tmp_path / name).write_bytes(data)
        return tmp_path / name

    front = part("front.pdf", '<p><a href="goto:r-x">甲机构</a></p>')
    body = part("body.pdf", '<h1>浦东新区</h1><p style="break-before: page" id="r-x">甲机构 地址</p>')
    folio = catalogue.PAPERS["A4"].folio()
    assert join([(front, ""), (body, "浦东新区")], tmp_path / "joined.pdf", folio) == 3
    import pikepdf

    with pikepdf.open(tmp_path / "joined.pdf") as document:
        [annotation] = document.pages[0].obj.Annots
        assert annotation.A.S == "/GoTo" and annotation.A.D[0].objgen == document.pages[2].objgen
        assert str(annotation.Contents) == "转到第 3 页"
    assert pdftext(tmp_path / "joined.pdf", 3, 3).split() == ["浦东新区", "甲机构", "地址", "3"]  # head, text, number
    # Between the margins a joined page is its part's page, pixel for pixel: the one new subset draws the same glyphs.
    for source, page, number in ((body, 2, 3), (body, 1, 2), (front, 1, 1)):
        images = []
        for path, at in ((source, page), (tmp_path / "joined.pdf", number)):
            subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(at), "-l", str(at), "-y", "60", "-H", "720", "-x", "0", "-W", "595",
                            str(path), str(tmp_path / f"{path.stem}-{at}")], check=True)
            images.append(next(tmp_path.glob(f"{path.stem}-{at}*.pgm")).read_bytes())
        assert images[0] == images[1], (source.name, page)
    nowhere = part("nowhere.pdf", '<p><a href="goto:r-y">乙机构</a></p>')
    with pytest.raises(JoinError, match="印刷版的链接指向不存在的位置：r-y"):
        join([(nowhere, ""), (body, "浦东新区")], tmp_path / "broken.pdf", folio)


def test_a_fonts_width_array_is_read_in_both_forms():
    import pikepdf

    from generator.write.pdfjoin import _widths

    assert _widths(pikepdf.Array([1, pikepdf.Array([224, 555]), 10, 12, 1000])) == {1: 224, 2: 555, 10: 1000, 11: 1000, 12: 1000}


def test_a_join_stops_when_fontconfig_now_gives_another_font_file_than_the_parts_were_set_in(tmp_path):
    """Glyph ids of another face draw other characters even where the widths agree (every CJK glyph is 1 em)."""
    data, _, _ = _render('<html lang="zh-CN"><head><title>测试</title></head><body style="font-family: Noto Sans CJK SC">'
                         "<p>甲机构地址浦东新区</p></body></html>")
    (tmp_path / "part.pdf").write_bytes(data)
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include><match target="pattern">'
        '<test name="family"><string>Noto Sans CJK SC</string></test>'
        '<edit name="family" mode="assign" binding="strong"><string>Noto Serif CJK SC</string></edit></match></fontconfig>',
        encoding="utf-8")
    script = ("import sys; from pathlib import Path; from generator.write import catalogue, pdfjoin\n"
              "try:\n    pdfjoin.join([(Path(sys.argv[1]), '')], Path(sys.argv[2]), catalogue.PAPERS['A4'].folio())\n"
              "except pdfjoin.JoinError as exc:\n    print(exc)\n")
    import os
    import sys

    found = subprocess.run([sys.executable, "-c", script, str(tmp_path / "part.pdf"), str(tmp_path / "joined.pdf")], capture_output=True,
                           text=True, check=True, env=os.environ | {"FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}).stdout
    assert "不是同一个" in found and "请删除排版缓存 .cache/catalogue" in found
    assert not (tmp_path / "joined.pdf").exists()
