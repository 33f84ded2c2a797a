"""Making any text safe inside Graphviz HTML-like labels (and so inside the SVG made from them).

Graphviz reads an HTML-like label as XML and then expands its own backslash
sequences (``\\N`` becomes the node's name, ``\\G`` the graph's), so a label must
be escaped twice over: XML's ``& < > " '`` and Graphviz's backslash. Control
characters, which XML cannot hold at all, are shown as visible ``\\xNN`` text.
"""

from __future__ import annotations

_XML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def _visible(character: str) -> str:
    code = ord(character)
    # XML 1.0 allows only tab, newline and carriage return below space; surrogates never.
    if code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return f"\\\\x{code:02x}" if code <= 0xFF else f"\\\\u{code:04x}"
    if character == "\\":
        return "\\\\"
    return _XML_SPECIAL.get(character, character)


def html_text(text: str) -> str:
    """``text`` as the content of a Graphviz HTML-like label: shown literally, one line."""
    return "".join(_visible(character) for character in text)


def html_lines(text: str) -> str:
    """Like ``html_text``, but newlines become line breaks instead of ``\\x0a``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return '<BR ALIGN="CENTER"/>'.join(html_text(line) for line in lines)
