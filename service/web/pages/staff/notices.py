"""A staff page's notice line: a form answers with a redirect carrying `notice=<code>` (or `done=<code>`),
codes and never text in the URL, and the page shows the words its table gives that code."""

from __future__ import annotations

from collections.abc import Mapping

from litestar.params import FromQuery

NoticeCode = FromQuery[str | None]  # the code in the URL; an unknown one shows nothing
Notices = Mapping[str, tuple[str, str]]  # code -> (message, kind)


def notice_context(notices: Notices, code: str | None) -> dict[str, str | None]:
    """The page's notice line from the code in its URL: the words and their kind ("ok" a success line,
    "info" a panel, "error" a warning)."""
    message, kind = notices.get(code or "", (None, None))
    return {"notice": message, "notice_kind": kind}
