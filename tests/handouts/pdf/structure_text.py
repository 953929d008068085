"""Reading a PDF's structure back with poppler (``pdfinfo -struct-text``) and its page text with
``pdftotext -bbox``: independent of the code that wrote the file."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Node:
    """One structure element as poppler lists it: its type, attributes, text and children."""

    role: str
    attributes: dict[str, str] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    kids: list[Node] = field(default_factory=list)

    def walk(self) -> list[Node]:
        return [self, *(n for kid in self.kids for n in kid.walk())]

    def find(self, role: str) -> list[Node]:
        return [n for n in self.walk() if n.role == role]

    @property
    def text(self) -> str:
        """The element's text as spoken (white space at its ends does not matter)."""
        return ("".join(self.texts) + "".join(kid.text for kid in self.kids)).strip()


def struct_tree(path: Path) -> Node:
    """The structure tree of the PDF at ``path`` (its root element)."""
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], check=True, capture_output=True,
                         text=True).stdout
    top = Node("(root)")
    stack: list[tuple[int, Node]] = [(-1, top)]
    for line in out.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        while stack[-1][0] >= indent and not body.startswith(('"', "/")):
            stack.pop()
        parent = stack[-1][1]
        if body.startswith('"'):
            parent.texts.append(body[1:-1])
        elif body.startswith("/"):
            key, _, value = body.partition(" ")
            parent.attributes[key] = value
        else:
            node = Node(re.split(r"[\s:]", body)[0])
            parent.kids.append(node)
            stack.append((indent, node))
    assert len(top.kids) == 1, "the structure tree has one root element"
    return top.kids[0]


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x: float
    y: float  # from the top of the page, as pdftotext gives it
    page_height: float


def page_words(path: Path) -> list[Word]:
    """Every word of the PDF in poppler's reading order (its layout analysis of the rendered page)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    words = []
    for number, page in enumerate(ElementTree.fromstring(out).iter(f"{ns}page")):
        height = float(page.attrib["height"])
        for word in page.iter(f"{ns}word"):
            x = (float(word.attrib["xMin"]) + float(word.attrib["xMax"])) / 2
            y = (float(word.attrib["yMin"]) + float(word.attrib["yMax"])) / 2
            words.append(Word(number, word.text or "", x, y, height))
    return words
