"""The shared page chrome of a page family, rendered once: pages whose header, navigation, footer, scripts and
relative links are identical (every institution page sits at /institutions/<id>/ and out of the navigation) differ
only in a few values. The theme renders the chrome once with a token in place of each value; every page of the
family is then the chrome with its own values put back, byte for byte what the theme would have written."""

from __future__ import annotations

import re

# Stand-ins for the per-page values while the theme renders the chrome. The content token holds "<h1" because the
# theme adds a heading of its own to a page whose content has none, and every page of the family has one.
TOKENS = {
    "title": "\x00dir:title\x00",
    "canonical_url": "\x00dir:canonical\x00",
    "edit_url": "\x00dir:edit\x00",
    "content": "\x00dir:content<h1>\x00",
}
_KEPT = re.compile(r"(<(script|style|pre|textarea)\b.*?</\2>)", re.DOTALL)  # where whitespace means something
_BLANK = re.compile(r"[ \t\r]*\n[ \t\r\n]*")
_SPLIT = re.compile("(" + "|".join(re.escape(token) for token in TOKENS.values()) + ")")
_KEYS = {token: key for key, token in TOKENS.items()}


def tidy(html: str, content: str) -> str:
    """Return a page with each run of blank space that holds a line break made one line break, in the chrome only (the
    theme's indentation, about a sixth of an institution page): the content, scripts, styles and preformatted text are
    kept as they are. A browser shows the page the same: white-space collapses such runs to one space."""
    before, found, after = html.partition(content) if content else (html, "", "")
    return _collapse(before) + found + _collapse(after)


def _collapse(html: str) -> str:
    parts = _KEPT.split(html)  # text, kept block, its tag name, text, …
    return "".join(_BLANK.sub("\n", part) if n % 3 == 0 else part if n % 3 == 1 else "" for n, part in enumerate(parts))


class Chrome:
    """A rendered page split at its tokens: fill() puts one page's values in their places."""

    def __init__(self, html: str):
        parts = _SPLIT.split(html)
        self.text = parts[0::2]
        self.slots = [_KEYS[token] for token in parts[1::2]]

    def fill(self, values: dict[str, str]) -> str:
        """Return the page with these values (title, canonical_url, edit_url, content) in their places."""
        out = [self.text[0]]
        for slot, text in zip(self.slots, self.text[1:]):
            out += [values[slot], text]
        return "".join(out)


def fits(title: str) -> bool:
    """Return True when a page's title comes out of the theme unchanged, so filling the chrome gives the same bytes.

    Material may print a title through `striptags`, which unescapes entities and joins spaces: a title with an entity
    (record text with & or <, escaped) or runs of spaces is rendered by the theme instead. So is content without
    `<h1` (the theme adds a heading of its own): the plugin checks that when the content exists.
    """
    return "&" not in title and "<" not in title and " ".join(title.split()) == title
