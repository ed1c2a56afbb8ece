"""Reading the server's HTML forms the way a browser without JavaScript would."""

from __future__ import annotations

import re

from service import i18n


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


SWITCH_LABEL = re.compile(r'<li lang="zh-CN">.*?</li>', re.S)  # the switch names Chinese in Chinese
# what people typed, as the merchant link shows it: the facts, and the consumer masked (张*（138****5678）)
# and the registry's public business data the form offers for the merchant's name (<datalist>)
TYPED_AS_SHOWN = re.compile(
    r'<p class="description">.*?</p>|<dd>\w\*（[\d*]+）</dd>|<datalist.*?</datalist>', re.S
)


def leftovers(html: str, typed: list[str]) -> list[str]:
    """The Chinese an English page still shows, with some context, outside the allowed spots."""
    text = TYPED_AS_SHOWN.sub("", SWITCH_LABEL.sub("", html))
    for value in sorted(typed, key=len, reverse=True):  # what the consumer or a clerk typed stays as typed
        text = text.replace(value, "")
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in re.finditer(r"[^\x00-\u2fff]+", text)
            if any(i18n.is_cjk(ch) for ch in m.group())]  # fmt: skip
