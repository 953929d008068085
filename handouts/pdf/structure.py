"""Writing the structure tree into reportlab's file with pikepdf: the tagged PDF (PDF/UA-1).

Adds the StructTreeRoot (elements, their marked-content references and the ParentTree that maps
each page's MCIDs back to their elements), ``/MarkInfo /Marked true``, the document language, the
title shown in the viewer's title bar, and the XMP metadata PDF/UA asks for (title and the PDF/UA
identification only: nothing about the patient). reportlab's font subsets map unused codes to
U+0000 in their ToUnicode maps; those entries are dropped so every mapping is a real character.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from takehome.handouts.pdf.tagging import MarkedRef, StructElement

#: XMP properties a handout carries: the title, the PDF/UA part, and the generic producer.
PDFUA_PART = "1"
_NULL_MAPPING = re.compile(rb"^<[0-9A-Fa-f]+>\s*<0000>\s*\r?\n", re.MULTILINE)
_BFCHAR_COUNT = re.compile(rb"(\d+)(\s+beginbfchar)")


def _fewer(removed: int) -> Callable[[re.Match[bytes]], bytes]:
    """A substitution lowering a ``beginbfchar`` count by ``removed``."""
    def count(match: re.Match[bytes]) -> bytes:
        return str(int(match.group(1)) - removed).encode() + match.group(2)
    return count


def _fix_to_unicode(pdf: Pdf) -> None:
    """Drop ``<code> <0000>`` entries (codes no glyph uses) from every font's ToUnicode map."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
        for _, font in fonts.items():
            stream = font.get("/ToUnicode")
            if not isinstance(stream, pikepdf.Stream) or stream.objgen in seen:
                continue
            seen.add(stream.objgen)
            data = stream.read_bytes()
            blocks = data.split(b"endbfchar")
            fixed = []
            for block in blocks:
                kept, removed = _NULL_MAPPING.subn(b"", block)
                if removed:
                    kept = _BFCHAR_COUNT.sub(_fewer(removed), kept)
                fixed.append(kept)
            stream.write(b"endbfchar".join(fixed))


def _element(pdf: Pdf, element: StructElement, parent: pikepdf.Object, pages: list[pikepdf.Page],
             parents: dict[int, dict[int, pikepdf.Object]]) -> pikepdf.Object:
    node = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + element.role), P=parent))
    kids = Array()
    for kid in element.kids:
        if isinstance(kid, MarkedRef):
            kids.append(Dictionary(Type=Name.MCR, Pg=pages[kid.page].obj, MCID=kid.mcid))
            parents.setdefault(kid.page, {})[kid.mcid] = node
        else:
            kids.append(_element(pdf, kid, node, pages, parents))
    refs = [kid for kid in element.kids if isinstance(kid, MarkedRef)]
    if refs:
        node.Pg = pages[refs[0].page].obj
    node.K = kids
    if element.alt:
        node.Alt = String(element.alt)
    attributes = []
    if element.scope:
        attributes.append(Dictionary(O=Name.Table, Scope=Name("/" + element.scope)))
    if element.bbox is not None:
        attributes.append(Dictionary(O=Name.Layout, BBox=Array([round(v, 2) for v in element.bbox])))
    if attributes:
        node.A = attributes[0] if len(attributes) == 1 else Array(attributes)
    return node


def _xmp(pdf: Pdf, title: str, producer: str) -> None:
    """The XMP packet PDF/UA requires: the title and the PDF/UA part (nothing else)."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["pdfuaid:part"] = PDFUA_PART
        meta["pdf:Producer"] = producer
        meta["xmp:CreatorTool"] = producer


def tag_pdf(data: bytes, root: StructElement, *, title: str, language: str, producer: str) -> bytes:
    """``data`` (reportlab's file) with the structure tree of ``root`` and the PDF/UA entries."""
    with Pdf.open(io.BytesIO(data)) as pdf:
        pages = list(pdf.pages)
        tree = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        parents: dict[int, dict[int, pikepdf.Object]] = {}
        tree.K = Array([_element(pdf, root, tree, pages, parents)])
        nums = Array()
        for index, page in enumerate(pages):
            page.obj.StructParents = index
            page.obj.Tabs = Name.S
            mcids = parents.get(index, {})
            nums.append(index)
            nums.append(pdf.make_indirect(Array([mcids[m] for m in sorted(mcids)])))
        tree.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
        tree.ParentTreeNextKey = len(pages)
        catalog = pdf.Root
        catalog.StructTreeRoot = tree
        catalog.MarkInfo = Dictionary(Marked=True)
        catalog.Lang = String(language)
        catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        _fix_to_unicode(pdf)
        _xmp(pdf, title, producer)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
    return out.getvalue()
