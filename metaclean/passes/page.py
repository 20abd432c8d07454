"""parse_page: read the page text that follows the JSON in a page dump into a witness."""
from __future__ import annotations

import re
from typing import Any

from metaclean.record import Record, Witness
from metaclean.script import is_cjk_text

# "label: value" lines the aggregator's page shows, by label (lowercase), and the input field
# they restate.
PAGE_LABELS = {
    "引用次数": "citationCount", "被引次数": "citationCount", "被引量": "citationCount",
    "作者": "authors", "期刊": "PeriodicalName", "来源": "PeriodicalName", "doi": "doi",
    "关键词": "keywords_zh", "关键字": "keywords_zh", "发表时间": "publicationDate",
    "发布时间": "publicationDate", "出版日期": "publicationDate", "影响因子": "PeriodicalIF",
    "卷": "volume", "期": "issue", "页码": "pages", "英文标题": "title", "中文标题": "TitleCN",
    "title": "title", "abstract": "abstract", "keywords": "keywords", "key words": "keywords",
    "authors": "authors", "author": "authors", "journal": "PeriodicalName", "source": "PeriodicalName",
    "published": "publicationDate", "publication date": "publicationDate", "cited by": "citationCount",
    "citations": "citationCount", "impact factor": "PeriodicalIF", "volume": "volume", "issue": "issue",
    "pages": "pages",
}
LABEL_LINE = re.compile(r"^\s*(" + "|".join(map(re.escape, PAGE_LABELS)) + r")\s*[:：]\s*(.*)$", re.I)
HEADINGS = frozenset({"摘要", "abstract", "summary", "中文摘要", "英文摘要", "原文", "译文", "详情"})
# The site's buttons and links: never a title or an abstract (kept under page_text all the same).
FURNITURE = frozenset({"下载pdf", "下载", "查看原文", "原文链接", "全文链接", "收藏", "分享", "引用", "导出",
                       "相关文献", "参考文献", "免费获取", "翻译", "download pdf", "view full text", "full text"})
# Fields the page may fill when the JSON has them empty (it restates them, with the original title).
FILLED = ("title", "citationCount", "doi", "authors", "publicationDate", "PeriodicalName", "PeriodicalIF",
          "abstract", "keywords", "volume", "issue", "pages")
TITLE_MAX = 400  # a Latin line longer than this, or with several sentences, is an abstract
ABSTRACT_MIN = 80  # a shorter Latin line after the title is an abstract only when it ends a sentence
SENTENCE_END = re.compile(r"[.!?。)]\s*$")


def _is_title_like(line: str) -> bool:
    return len(line) <= TITLE_MAX and line.count(". ") < 2


def _latin_key(line: str, fields: dict[str, Any], previous: str | None) -> str | None:
    """Return the field a Latin-script line belongs to, or None when no rule claims it."""
    if previous == "abstract":
        return "abstract"  # the abstract goes on, paragraph after paragraph
    if "abstract" in fields:
        return None
    if "title" not in fields and _is_title_like(line):
        return "title"
    if not _is_title_like(line) or len(line) >= ABSTRACT_MIN or SENTENCE_END.search(line):
        return "abstract"
    return None


def read_page(text: str) -> dict[str, Any]:
    """Classify the lines of a page's text into record fields.

    The aggregator's page shows ``引用次数: N``, a ``摘要`` heading, the Chinese translation of
    the abstract, then the original title and abstract (in one or several paragraphs, joined
    with newlines). ``label: value`` lines, Chinese or English, give their field. Lines no rule
    recognises (the site's buttons, a second title, text after the abstract) are kept, in order,
    under ``page_text``.

    >>> read_page("引用次数: 3\\n摘要\\nA Title\\nA long abstract. It goes on. And on.")
    {'citationCount': '3', 'title': 'A Title', 'abstract': 'A long abstract. It goes on. And on.'}
    >>> read_page("A Title\\nFirst paragraph.\\nSecond one.\\n下载PDF")
    {'title': 'A Title', 'abstract': 'First paragraph.\\nSecond one.', 'page_text': ['下载PDF']}
    """
    fields: dict[str, Any] = {}
    rest: list[str] = []
    previous: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.lower().rstrip(":：") in HEADINGS:
            previous = None
            continue
        key: str | None = None
        m = LABEL_LINE.match(line)
        if m and m.group(2).strip() and PAGE_LABELS[m.group(1).lower()] not in fields:
            key, line = PAGE_LABELS[m.group(1).lower()], m.group(2).strip()
        elif line.lower() in FURNITURE:
            key = None
        elif is_cjk_text(line):
            key = "AbstractTextCN" if line.startswith("摘要") or not _is_title_like(line) else "TitleCN"
        else:
            key = _latin_key(line, fields, previous)
        if key == "abstract" and previous == "abstract":
            fields["abstract"] += "\n" + line
        elif key is None or key in fields:
            rest.append(line)
            key = None
        else:
            fields[key] = line
        previous = key
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
        if current in (None, "", [], {}) and key in FILLED:
            data[key] = value
            reasons[key] = "filled from the page text"
        elif current != value:
            rest[key] = value
    return record.with_data(data, reasons, page="", witnesses=(*record.witnesses, Witness("page", rest)))
