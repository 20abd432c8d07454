"""parse_page: read the page text that follows the JSON in a page dump into a witness."""
from __future__ import annotations

import re
from typing import Any

from metaclean.record import Record, Witness
from metaclean.script import is_cjk_text

# "label: value" lines the aggregator's page shows, by label, and the input field they restate.
PAGE_LABELS = {
    "引用次数": "citationCount", "被引次数": "citationCount", "被引量": "citationCount",
    "作者": "authors", "期刊": "PeriodicalName", "来源": "PeriodicalName", "DOI": "doi",
    "关键词": "keywords_zh", "关键字": "keywords_zh", "发表时间": "publicationDate",
    "发布时间": "publicationDate", "出版日期": "publicationDate", "影响因子": "PeriodicalIF",
}
LABEL_LINE = re.compile(r"^\s*(" + "|".join(map(re.escape, PAGE_LABELS)) + r")\s*[:：]\s*(.*)$", re.I)
HEADINGS = frozenset({"摘要", "abstract", "summary", "中文摘要", "英文摘要", "原文", "译文", "详情"})
TITLE_MAX = 400  # a Latin line longer than this, or with several sentences, is an abstract


def _is_title_like(line: str) -> bool:
    return len(line) <= TITLE_MAX and line.count(". ") < 2


def read_page(text: str) -> dict[str, Any]:
    """Classify the lines of a page's text into record fields.

    The aggregator's page shows ``引用次数: N``, a ``摘要`` heading, the Chinese translation of
    the abstract, then the original title and abstract. Lines no rule recognises are kept, in
    order, under ``page_text``.

    >>> read_page("引用次数: 3\\n摘要\\nA Title\\nA long abstract. It goes on. And on.")
    {'citationCount': '3', 'title': 'A Title', 'abstract': 'A long abstract. It goes on. And on.'}
    """
    fields: dict[str, Any] = {}
    rest: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.lower().rstrip(":：") in HEADINGS:
            continue
        m = LABEL_LINE.match(line)
        if m and m.group(2):
            key = PAGE_LABELS.get(m.group(1)) or PAGE_LABELS.get(m.group(1).upper(), "page_text")
            if key not in fields:
                fields[key] = m.group(2).strip()
                continue
        if is_cjk_text(line):
            key = "AbstractTextCN" if line.startswith("摘要") or not _is_title_like(line) else "TitleCN"
        else:
            key = "title" if _is_title_like(line) and "title" not in fields and "abstract" not in fields else "abstract"
        if key in fields:
            rest.append(line)
        else:
            fields[key] = line
    if rest:
        fields["page_text"] = rest
    return fields


def parse_page(record: Record) -> Record:
    """Parse the page text after a page dump's JSON into a witness, and fill what the JSON lacks.

    Page dumps repeat the original title and abstract (which the JSON may only have in
    translation) and add the site's machine translation. The parsed page becomes the ``page``
    witness that restore_originals consults; empty fields are filled from it.

    >>> r = parse_page(Record({"title": "标题"}, page="引用次数: 3\\nThe Title"))
    >>> r.data["citationCount"], r.witness("page")["title"]
    ('3', 'The Title')
    """
    if not record.page:
        return record
    fields = read_page(record.page)
    data = dict(record.data)
    reasons = {}
    rest: dict[str, Any] = {}
    for key, value in fields.items():
        current = data.get(key)
        if current in (None, "", [], {}) and key in ("citationCount", "doi", "authors", "publicationDate",
                                                     "PeriodicalName", "PeriodicalIF", "abstract"):
            data[key] = value
            reasons[key] = "filled from the page text"
        elif current != value:
            rest[key] = value
    return record.with_data(data, reasons, page="", witnesses=(*record.witnesses, Witness("page", rest)))
