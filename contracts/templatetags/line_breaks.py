"""Korean line breaking in the PDF documents: break lines only between words (DOMAIN §5).

Korean typesetting breaks lines between words (CSS `word-break: keep-all`), so that "주거래은행" is
never split "주거래은" / "행". WeasyPrint 70 does not know that value (it drops the declaration as
invalid) and Pango breaks Hangul between any two syllables, as UAX #14 allows. So the PDF templates
wrap their body in `{% keepwords %}…{% endkeepwords %}`, which puts U+2060 WORD JOINER between the
characters of every whitespace-separated word that holds Hangul. Pango honours the joiner (line break
class WJ) and draws it as nothing: no glyph goes into the PDF, so the extracted text is unchanged.

A word runs across inline tags (`<strong>신한은행</strong>을` is one word); block tags and `<br>`
end it. Headings are left alone: they become the PDF's bookmarks, which must not hold joiners, and
are too short to wrap. A word longer than `MAX_KEPT_LENGTH` characters is left breakable, so that
an unusually long name still wraps inside a narrow cell instead of overflowing it.
"""

from __future__ import annotations

import html
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WORD_JOINER = "\u2060"
MAX_KEPT_LENGTH = 16
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff]")
WORD = re.compile(r"[^ \t\n\r\f]+")  # HTML whitespace; a no-break space stays inside the word
# Inline tags a word runs across; every other tag (p, td, li, br, …) ends the word.
INLINE_TAGS = frozenset({"a", "b", "code", "em", "i", "small", "span", "strong", "sub", "sup", "u"})
# Elements left as they are: raw text, and headings, which WeasyPrint copies into the PDF's
# bookmarks (where joiners would stay); a heading is short and does not reach a line end.
UNTOUCHED_TAGS = frozenset(
    {"script", "style", "textarea", "title", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_MARKUP = re.compile(
    r"<!--.*?-->"  # a comment
    r"|<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
    r"|<![^>]*>",  # a doctype
    re.DOTALL,
)


def _joined_run(pieces: list[str]) -> list[str]:
    """Plain-text pieces of one inline run → the same pieces with word joiners inside Hangul words."""
    text = "".join(pieces)
    joints = set()
    for word in WORD.finditer(text):
        if len(word.group()) <= MAX_KEPT_LENGTH and HANGUL.search(word.group()):
            joints.update(range(word.start() + 1, word.end()))
    if not joints:
        return pieces
    out, start = [], 0
    for piece in pieces:
        chars = [WORD_JOINER + ch if start + i in joints else ch for i, ch in enumerate(piece)]
        out.append("".join(chars))
        start += len(piece)
    return out


def keep_words(html_fragment: str) -> SafeString:
    """Markup (already escaped) → the same markup with Hangul words joined against line breaks."""
    result: list[str] = []
    run: list[str] = []  # escaped text and inline tags of the current run, in order
    texts: list[int] = []  # indices in `run` of its text pieces

    def flush():
        plain = [html.unescape(run[i]) for i in texts]
        for i, before, after in zip(texts, plain, _joined_run(plain), strict=True):
            if after != before:
                run[i] = escape(after)
        result.extend(run)
        run.clear()
        texts.clear()

    position = 0
    while position < len(html_fragment):
        match = _MARKUP.search(html_fragment, position)
        end = match.start() if match else len(html_fragment)
        if end > position:
            texts.append(len(run))
            run.append(html_fragment[position:end])
        if not match:
            break
        name = (match.group("name") or "").lower()
        position = match.end()
        if name in INLINE_TAGS:
            run.append(match.group())
            continue
        flush()
        result.append(match.group())
        if name in UNTOUCHED_TAGS and not match.group("close"):
            closing = re.compile(rf"</{name}\b", re.IGNORECASE).search(html_fragment, position)
            stop = closing.start() if closing else len(html_fragment)
            result.append(html_fragment[position:stop])
            position = stop
    flush()
    return mark_safe("".join(result))  # tags as they were, every changed text re-escaped


class KeepWordsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return keep_words(self.nodelist.render(context))


@register.tag("keepwords")
def keepwords(parser, token):
    """`{% keepwords %}…{% endkeepwords %}`: no line break inside a Korean word in the block."""
    nodelist = parser.parse(("endkeepwords",))
    parser.delete_first_token()
    return KeepWordsNode(nodelist)
