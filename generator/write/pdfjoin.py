"""Join tagged PDFs written by WeasyPrint (PDF/UA-1) into one tagged PDF, keeping what a reader and a screen reader
need: the pages, one structure tree (one Document element, one parent tree, renumbered), the outline, the named
destinations, and links from one part to another. Each font is embedded once: WeasyPrint subsets with the glyph ids
kept, so the parts' pages need no change when the font is subset anew, from its file, for the glyphs of all parts.
The running heads and page numbers are drawn on the joined pages, as pagination artifacts; fill_numbers writes page
numbers into a part set before they were known. pikepdf and HarfBuzz; no WeasyPrint or MkDocs."""

from __future__ import annotations

import functools
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

LINK_SCHEME = "goto:"  # a link to a named destination that may lie in another part: href="goto:<name>"
DIGITS = "0123456789"


class JoinError(Exception):
    """The parts cannot be joined; the message says why in Chinese."""


@dataclass(frozen=True)
class Folio:
    """The running head and the page number, drawn centred across every page but the first, each on a line (line-height
    1.45) in the middle of its margin: the baseline 0.436 em past the middle (Noto's ascent 1.16 em less half the
    line). Lengths in points."""

    width: float
    height: float
    top: float
    bottom: float
    family: str  # the font the heads and numbers are set in (its regular weight)
    head_size: float = 8
    number_size: float = 9


def join(parts: list[tuple[Path, str]], out: Path, folio: Folio, meta: int = 0) -> int:
    """Join the part PDFs in order into `out`, each (path, the running head of its pages), taking the document's title,
    language and metadata from part `meta`; return the page count."""
    import pikepdf

    pdf = pikepdf.new()
    sources = [pikepdf.open(path) for path, _ in parts]
    try:
        tree, names, outline, annotations, heads = [], {}, [], [], []
        for source, (_, head) in zip(sources, parts):
            first = len(pdf.pages)
            pdf.pages.extend(source.pages)
            heads += [head] * len(source.pages)
            _take_structure(pdf, source, first, tree, annotations)
            names.update({name: _copy(pdf, source, dest) for name, dest in _destinations(source)})
            with source.open_outline() as theirs:
                outline += [_copy_item(pdf, source, item) for item in theirs.root]
        _set_structure(pdf, tree, annotations)
        _set_destinations(pdf, names)
        with pdf.open_outline() as ours:
            ours.root.extend(outline)
        _link_parts(pdf, names)
        font = _merge_fonts(pdf, DIGITS + "".join(set("".join(heads))), folio.family)
        _stamp_folios(pdf, folio, heads, font)
        source = sources[meta]
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/PageMode"):
            if key in source.Root:
                pdf.Root[key] = _copy(pdf, source, source.Root[key])
        pdf.docinfo = _copy(pdf, source, source.docinfo)
        pdf.save(out, min_version=max(s.pdf_version for s in sources), deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return len(pdf.pages)
    finally:
        for source in sources:
            source.close()


def fill_numbers(path: Path, numbers: list[int], width: int) -> None:
    """Write `numbers`, in order, over the runs of `width` zeros a part was set with (the name index is set before the
    page numbers are known): each number right-aligned in its run, and the run's own dotted underline, which carries
    the leader on, cut back to where the number begins. Any other count of runs than of numbers stops it."""
    import pikepdf

    Tj, TJ, line, stroke = (pikepdf.Operator(name) for name in ("Tj", "TJ", "l", "S"))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        queue, known = iter(numbers), {}  # known: font → its digits
        for page in pdf.pages:
            fonts, digits, blank, font = page.obj.Resources.Font, {}, None, None
            operations = pikepdf.parse_content_stream(page)
            drawn = None  # the last line drawn: [its operation's index, its start]
            for i, (operands, operator) in enumerate(operations):
                if operator == pikepdf.Operator("m"):
                    drawn = [None, float(operands[0])]
                elif operator == line and drawn:
                    drawn[0] = i
                elif operator == pikepdf.Operator("Tf"):
                    font = fonts[operands[0]]
                    if font.objgen not in known:
                        known[font.objgen] = _digits(font)
                    digits, blank = known[font.objgen]
                elif operator in (Tj, TJ) and blank and _shown(operands[0], operator == TJ) == blank * width:
                    number = str(next(queue))
                    if len(number) > width:
                        raise JoinError(f"页码 {number} 超出预留的 {width} 位")
                    empty = width - len(number)
                    advance = digits["0"][1]
                    text = pikepdf.String(b"".join(digits[c][0].to_bytes(2, "big") for c in number))
                    operations[i] = pikepdf.ContentStreamInstruction([pikepdf.Array([-empty * advance, text])], TJ)
                    if drawn and drawn[0] is not None and operations[drawn[0] + 1].operator == stroke:  # the run's underline
                        index, start = drawn
                        end = float(operations[index].operands[0])
                        operations[index] = pikepdf.ContentStreamInstruction([start + (end - start) * empty / width,
                                                                              operations[index].operands[1]], line)
                        if empty == 0:  # no room left for the leader: the line is dropped, not stroked
                            operations[index + 1] = pikepdf.ContentStreamInstruction([], pikepdf.Operator("n"))
                    drawn = None
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))
        if next(queue, None) is not None:
            raise JoinError("印刷版名称索引的页码个数与条目不符")
        pdf.save(path, deterministic_id=True)


def _digits(font):
    """Return (each digit's glyph id and advance, the glyph id of 0 as two bytes) for a font of glyph ids that has the
    digits, else ({}, None)."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return {}, None
    try:
        face = _face(str(font.DescendantFonts[0].FontDescriptor.get("/FontFamily", "")), str(font.BaseFont).split("+", 1)[-1])
        digits = {c: (face.glyph(c), face.advance(face.glyph(c))) for c in DIGITS}
    except JoinError:
        return {}, None
    return digits, digits["0"][0].to_bytes(2, "big")


def _shown(operand, array: bool) -> bytes | None:
    """Return the bytes a Tj or TJ shows, or None when a TJ moves its glyphs apart."""
    import pikepdf

    if not array:
        return bytes(operand)
    if any(not isinstance(item, pikepdf.String) and float(item) != 0 for item in operand):
        return None
    return b"".join(bytes(item) for item in operand if isinstance(item, pikepdf.String))


def _copy(pdf, source, item):
    """Copy an object of a part into the joined file (pikepdf copies only indirect objects: a direct array or
    dictionary is made indirect in its part first; a number, name or string is taken as it is)."""
    import pikepdf

    if not isinstance(item, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)):
        return item
    if not item.is_indirect:
        item = source.make_indirect(item)
    return pdf.copy_foreign(item)


def _take_structure(pdf, source, first: int, tree: list, annotations: list) -> None:
    """Copy a part's structure elements under the joined document and renumber its parent tree: a page's entry becomes
    its page number in the joined file, an annotation's comes after all pages (numbered in _set_structure)."""
    root = source.Root.StructTreeRoot
    document = root.K[0]
    nums = root.ParentTree.Nums
    pages = len(source.pages)
    for page in range(first, first + pages):
        pdf.pages[page].obj.StructParents = page
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    tree.append((_copy(pdf, source, document.K), {first + key: _copy(pdf, source, value) for key, value in entries.items() if key < pages}))
    numbered = {int(annotation.StructParent): annotation for i in range(first, len(pdf.pages))
                for annotation in pdf.pages[i].obj.get("/Annots", []) if "/StructParent" in annotation}
    annotations += [(numbered[key], _copy(pdf, source, value)) for key, value in entries.items() if key >= pages]

def _set_structure(pdf, tree: list, annotations: list) -> None:
    import pikepdf

    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root, K=pikepdf.Array()))
    nums = pikepdf.Array()
    for kids, entries in tree:
        for kid in kids:
            kid.P = document
            document.K.append(kid)
        for key in sorted(entries):
            nums.extend([key, entries[key]])
    for key, (annotation, element) in enumerate(annotations, len(pdf.pages)):
        annotation.StructParent = key
        nums.extend([key, element])
    root.K = pikepdf.Array([document])
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
    root.ParentTreeNextKey = len(pdf.pages) + len(annotations)
    pdf.Root.StructTreeRoot = root


def _destinations(source):
    import pikepdf

    if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
        return []
    return list(pikepdf.NameTree(source.Root.Names.Dests).items())


def _set_destinations(pdf, names: dict) -> None:
    import pikepdf

    tree = pikepdf.NameTree.new(pdf)
    for name in sorted(names):
        tree[name] = names[name]
    pdf.Root.Names = pikepdf.Dictionary(Dests=tree.obj)


def _copy_item(pdf, source, item):
    import pikepdf

    copy = pikepdf.OutlineItem(item.title, _copy(pdf, source, item.destination))
    copy.is_closed = item.is_closed
    copy.children.extend(_copy_item(pdf, source, child) for child in item.children)
    return copy


def _link_parts(pdf, names: dict) -> None:
    """Turn each goto: link into a jump to its destination in the joined file, described by the page it goes to."""
    import pikepdf

    numbers = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != "/URI" or not str(action.URI).startswith(LINK_SCHEME):
                continue
            name = str(action.URI).removeprefix(LINK_SCHEME)
            if name not in names:
                raise JoinError(f"印刷版的链接指向不存在的位置：{name}")
            dest = names[name]
            annotation.A = pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.GoTo, D=dest)
            annotation.Contents = pikepdf.String(f"转到第 {numbers[dest[0].objgen]} 页")


def _merge_fonts(pdf, extra: str, family: str):
    """Give each font one subset for the whole file; return (resource name, font dictionary, glyph id and advance of
    each character of `extra`) of `family`'s regular weight, to which those characters are added: the running heads
    and numbers are set in it."""
    import pikepdf

    resources = {}
    for page in pdf.pages:
        fonts = page.obj.Resources.get("/Font")
        if fonts is not None:
            resources[fonts.objgen if fonts.is_indirect else id(fonts)] = fonts
    groups = defaultdict(list)  # font name (without the subset tag) → (resource name, font dictionary)
    for fonts in resources.values():
        for key, font in fonts.items():
            # Merged: a Type0 font with the identity encoding and a ToUnicode map, as WeasyPrint writes every font that
            # has the characters. One whose own CMap encodes characters no font has stays a font per part.
            if font.get("/Subtype") == "/Type0" and font.get("/Encoding") == "/Identity-H" and "/ToUnicode" in font:
                groups[str(font.BaseFont).split("+", 1)[-1]].append((key, font))
    if not groups:
        raise JoinError(f"印刷版没有嵌入字体“{family}”，无法写页眉和页码")

    def family_of(name):
        return str(groups[name][0][1].DescendantFonts[0].FontDescriptor.get("/FontFamily", ""))

    # The heads and numbers in the family asked for, else in the family most glyphs are shown in (one that fontconfig
    # gave in its place), in its regular weight: "Noto-Sans-CJK-SC" before "Noto-Sans-CJK-SC-Bold".
    body = family if any(family_of(n) == family for n in groups) else family_of(
        max(groups, key=lambda n: sum(len(f.DescendantFonts[0].W) for _, f in groups[n])))
    regular = min((n for n in groups if family_of(n) == body), key=len)
    merged = {}
    for name, fonts in groups.items():
        font = fonts[0][1]
        cid = font.DescendantFonts[0]
        widths, text = {}, {}
        for _, each in fonts:
            widths.update(_widths(each.DescendantFonts[0].W))
            text.update(_to_unicode(each.ToUnicode.read_bytes()))
        face = _face(family_of(name), name)
        _check_face(face, name, [each.DescendantFonts[0].FontDescriptor for _, each in fonts])
        added = {face.glyph(c): (c, face.advance(face.glyph(c))) for c in sorted(set(extra))} if name == regular else {}
        for glyph, (char, width) in added.items():
            widths.setdefault(glyph, width)
            text.setdefault(glyph, char)
        for glyph, width in widths.items():
            if 0 < glyph < face.glyphs and abs(face.advance(glyph) - width) > 1:
                raise JoinError(f"找到的字体文件与印刷版使用的字体“{name}”不一致（字形 {glyph} 的宽度不同）")
        program = pikepdf.Stream(pdf, face.subset(sorted(g for g in set(widths) | set(text) | {0} if g < face.glyphs)))
        if "/FontFile2" in cid.FontDescriptor:  # TrueType outlines (a fallback font)
            program.Length1 = len(program.read_bytes())
            cid.FontDescriptor.FontFile2 = program
        else:  # CFF outlines in OpenType, as Noto CJK
            program.Subtype = pikepdf.Name.OpenType
            cid.FontDescriptor.FontFile3 = program
        cid.W = pikepdf.Array([x for glyph in sorted(widths) for x in (glyph, pikepdf.Array([widths[glyph]]))])
        font.ToUnicode = pikepdf.Stream(pdf, _cmap(text))
        merged[name] = (fonts[0][0], font, {c: (g, w) for g, (c, w) in added.items()})
        for fonts_dictionary in resources.values():
            for key, each in list(fonts_dictionary.items()):
                if each.get("/Subtype") == "/Type0" and str(each.BaseFont).split("+", 1)[-1] == name:
                    fonts_dictionary[key] = font
    return merged[regular]


def _check_face(face, name: str, descriptors) -> None:
    """Stop unless the font file found is the one the parts embedded: its head table (revision, dates, units per em)
    must be theirs. Glyph ids of another face, even one with the same widths, would draw other characters."""
    mine = _head(face.subset([0]))
    for descriptor in descriptors:
        program = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
        if program is None or _head(program.read_bytes()) != mine:
            raise JoinError(f"找到的字体文件与印刷版排版时使用的字体“{name}”不是同一个"
                            "（字体更新过？请删除排版缓存 .cache/catalogue 后重试）")


def _head(font: bytes) -> bytes | None:
    """Return the fields of an OpenType font's head table that identify it: revision, created, modified, units per em."""
    count = int.from_bytes(font[4:6], "big")
    for i in range(count):
        record = font[12 + 16 * i:28 + 16 * i]
        if record[:4] == b"head":
            start = int.from_bytes(record[8:12], "big")
            table = font[start:start + 54]
            return table[4:8] + table[18:36]
    return None


def _widths(array) -> dict[int, float]:
    """Read a CIDFont's W array (both forms: `c [w1 w2 …]` and `c_first c_last w`)."""
    import pikepdf

    values, found, i = list(array), {}, 0
    while i < len(values):
        start = int(values[i])
        if not isinstance(values[i + 1], pikepdf.Array):
            for glyph in range(start, int(values[i + 1]) + 1):
                found[glyph] = float(values[i + 2])
            i += 3
        else:
            found.update({start + k: float(w) for k, w in enumerate(values[i + 1])})
            i += 2
    return found


def _to_unicode(data: bytes) -> dict[int, str]:
    """Read the bfchar lines WeasyPrint writes: <glyph> <UTF-16BE text>."""
    return {int(glyph, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
            for glyph, text in re.findall(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]+)>", data.split(b"endcodespacerange", 1)[-1])}


def _cmap(text: dict[int, str]) -> bytes:
    """Write a ToUnicode CMap as WeasyPrint does."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def", b"/CMapName /Adobe-Identity-UCS def",
             b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(text.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{glyph:04x}> <{chars.encode('utf-16-be').hex()}>".encode() for glyph, chars in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _stamp_folios(pdf, folio: Folio, heads: list[str], font) -> None:
    """Draw each page's running head and number (its place in the file) after the page's own content, which is wrapped
    in q … Q so its coordinate changes do not reach them; both are marked as pagination artifacts, not content."""
    import pikepdf

    key, dictionary, glyphs = font

    def line(text: str, size: float, baseline: float, grey: str, kind: str) -> str:
        width = sum(glyphs[c][1] for c in text) * size / 1000
        shown = "".join(f"{glyphs[c][0]:04x}" for c in text)
        return (f"/Artifact <</Type /Pagination /Subtype /{kind}>> BDC\nBT\n{grey} g\n{key} {size:g} Tf\n"
                f"1 0 0 1 {(folio.width - width) / 2:.3f} {baseline:.3f} Tm\n<{shown}> Tj\nET\nEMC\n")

    save = pdf.make_stream(b"q\n")
    for number, (page, head) in enumerate(zip(pdf.pages, heads), 1):
        if number == 1:
            continue  # the cover
        fonts = page.obj.Resources.Font
        if key not in fonts or fonts[key].objgen != dictionary.objgen:
            fonts[key] = dictionary
        drawn = "Q\n"
        if head:
            drawn += line(head, folio.head_size, folio.height - folio.top / 2 - 0.436 * folio.head_size, "0.333333", "Header")
        drawn += line(str(number), folio.number_size, folio.bottom / 2 - 0.436 * folio.number_size, "0", "Footer")
        contents = page.obj.Contents
        kept = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        page.obj.Contents = pikepdf.Array([save, *kept, pdf.make_stream(drawn.encode())])


class _Face:
    """One face of a font file, through HarfBuzz: glyph ids, advances (in 1/1000 em) and a subset with ids kept."""

    def __init__(self, path: str, index: int):
        ffi, hb, _ = _harfbuzz()
        self.blob = ffi.gc(hb.hb_blob_create_from_file_or_fail(path.encode()), hb.hb_blob_destroy)
        if self.blob == ffi.NULL:
            raise JoinError(f"无法读取字体文件 {path}")
        self.face = ffi.gc(hb.hb_face_create(self.blob, index), hb.hb_face_destroy)
        self.font = ffi.gc(hb.hb_font_create(self.face), hb.hb_font_destroy)
        self.upem = hb.hb_face_get_upem(self.face)
        self.glyphs = hb.hb_face_get_glyph_count(self.face)  # WeasyPrint numbers a character no font has past these

    def glyph(self, char: str) -> int:
        ffi, hb, _ = _harfbuzz()
        found = ffi.new("uint32_t *")
        if not hb.hb_font_get_nominal_glyph(self.font, ord(char), found):
            raise JoinError(f"字体中没有字符“{char}”")
        return found[0]

    def advance(self, glyph: int) -> float:
        _, hb, _ = _harfbuzz()
        return round(hb.hb_font_get_glyph_h_advance(self.font, glyph) * 1000 / self.upem, 6)

    def subset(self, glyphs: list[int]) -> bytes:
        """Return the face cut down to `glyphs`, every glyph keeping its id (as WeasyPrint subsets: outlines kept,
        no hinting, no layout tables)."""
        ffi, hb, hbs = _harfbuzz()
        request = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
        kept = hbs.hb_subset_input_glyph_set(request)
        for glyph in glyphs:
            hb.hb_set_add(kept, glyph)
        dropped = hbs.hb_subset_input_set(request, 3)  # HB_SUBSET_SETS_DROP_TABLE_TAG
        for tag in (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG "):
            hb.hb_set_add(dropped, hb.hb_tag_from_string(tag, -1))
        hbs.hb_subset_input_set_flags(request, 0x1 | 0x2 | 0x4 | 0x20)  # no hinting, retain gids, desubroutinize, passthrough
        face = hbs.hb_subset_or_fail(self.face, request)
        if face == ffi.NULL:
            raise JoinError("HarfBuzz 无法为印刷版裁剪字体")
        face = ffi.gc(face, hb.hb_face_destroy)
        blob = ffi.gc(hb.hb_face_reference_blob(face), hb.hb_blob_destroy)
        length = ffi.new("unsigned int *")
        return ffi.unpack(hb.hb_blob_get_data(blob, length), length[0])


def font_file(pattern: str) -> tuple[str, int] | None:
    """Return the file and face index fontconfig gives for a pattern (Noto Sans CJK SC:style=Bold), or None."""
    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", pattern], capture_output=True, text=True, check=False).stdout.split("\n")
    return (found[0], int(found[1])) if len(found) == 2 and found[0] and found[1].isdigit() else None


@functools.cache
def _face(family: str, name: str) -> _Face:
    """Find the font file fontconfig gives for a WeasyPrint font name (family and style: Noto-Sans-CJK-SC-Bold)."""
    style = name.removeprefix(family.replace(" ", "-")).strip("-").replace("-", " ")
    found = font_file(family + (f":style={style}" if style else ""))
    if found is None:
        raise JoinError(f"fontconfig 找不到印刷版使用的字体“{name}”")
    return _Face(*found)


@functools.cache
def _harfbuzz():
    import cffi

    ffi = cffi.FFI()
    ffi.cdef("""
        typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t; typedef struct hb_font_t hb_font_t;
        typedef struct hb_set_t hb_set_t; typedef struct hb_subset_input_t hb_subset_input_t;
        hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
        void hb_blob_destroy(hb_blob_t *blob);
        const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
        hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
        void hb_face_destroy(hb_face_t *face);
        unsigned int hb_face_get_upem(hb_face_t *face);
        unsigned int hb_face_get_glyph_count(hb_face_t *face);
        hb_blob_t *hb_face_reference_blob(hb_face_t *face);
        hb_font_t *hb_font_create(hb_face_t *face);
        void hb_font_destroy(hb_font_t *font);
        int hb_font_get_nominal_glyph(hb_font_t *font, uint32_t unicode, uint32_t *glyph);
        int32_t hb_font_get_glyph_h_advance(hb_font_t *font, uint32_t glyph);
        void hb_set_add(hb_set_t *set, uint32_t codepoint);
        uint32_t hb_tag_from_string(const char *str, int len);
        hb_subset_input_t *hb_subset_input_create_or_fail(void);
        void hb_subset_input_destroy(hb_subset_input_t *input);
        hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
        hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
        void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
        hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
    """)
    try:
        return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except OSError:
        raise JoinError("找不到 HarfBuzz 的字体裁剪库，印刷版无法合订。请安装：sudo apt-get install libharfbuzz-subset0") from None
