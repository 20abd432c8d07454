"""Build a large, deterministic JSONL of aggregator-format records, damaged as the issues describe.

Each line is one record as the Chinese aggregator re-publishes a Semantic Scholar paper: an outer
record (machine-translated Chinese ``title`` on most, ``citationCount`` as a string, ``journal``
{name, volume, pages}, ``PeriodicalName``, ``ListUrlMain``, JCR/CAS fields, ...) with the original
record JSON-encoded again in ``resultStr``. The papers come from ``../shared/data/s2-papers.jsonl``
(772 clean records); every copy of a paper gets its own seeded mix of damage:

    mt_title         Chinese machine translation as the outer title (original inside resultStr)
    newline_title    "Revisiting\\n Classical ..." in the inner title
    doi_variant      "DOI: 10.3390/S23249731", "https://doi.org/...", "doi:..."
    dup_authors      an author repeated
    moji_title       UTF-8 read as Windows-1252 / Latin-1 (once or twice) in the inner title
    moji_authors     the same in author names (outer and inner)
    entities         &#8217; &amp; &quot; &mdash; (sometimes escaped twice)
    tandf_glue       ABSTRACT + abstract + KEYWORDS: + Disclosure statement + Notes1 ... + contributors
    jats             <jats:title>Abstract</jats:title><jats:p>...</jats:p>, <i>..</i> in titles
    invisibles       zero-width spaces, soft hyphens, a BOM
    whitespace       doubled spaces, a trailing newline
    cn_abstract      a Chinese AbstractTextCN
    no_resultstr     no inner copy (the outer record holds the original)
    double_encoded   resultStr JSON-encoded twice
    broken_resultstr resultStr cut short (kept verbatim by metaclean, with a warning)

plus, every 97th line, one of the real records of ``samples/input`` and the public corpus, as they
are. Copies after the first of a paper rotate its abstract's sentences, draw other authors and
add a short subtitle, so no two lines are the same text (a cache cannot make the benchmark easy).

    python benchmarks/make_corpus.py --size-mb 200            # -> benchmarks/out/big-200mb.jsonl
    python benchmarks/make_corpus.py --size-mb 20 -o x.jsonl

``records(kind, n)`` gives the records in memory for the per-pass measurements:
``kind`` is ``damaged`` (the mix above), ``aggregator_clean`` (the aggregator's format, no damage)
or ``s2`` (the raw Semantic Scholar records).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import orjson

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
S2_PAPERS = SHARED / "data" / "s2-papers.jsonl"
CORPUS = SHARED / "corpus" / "public"
SAMPLES = ROOT / "samples" / "input"
OUT = ROOT / "benchmarks" / "out"
SEED = 6  # the number

# Probability of each damage, per record (about the shares of the public corpus).
DAMAGE_RATES = {
    "mt_title": 0.75, "newline_title": 0.25, "doi_variant": 0.25, "dup_authors": 0.15,
    "moji_title": 0.12, "moji_authors": 0.12, "entities": 0.15, "tandf_glue": 0.15, "jats": 0.05,
    "invisibles": 0.05, "whitespace": 0.10, "cn_abstract": 0.10, "no_resultstr": 0.15,
    "double_encoded": 0.03, "broken_resultstr": 0.005,
}
REAL_EVERY = 97  # one real record (samples, public corpus) every this many lines

# Pieces of the aggregator's Chinese machine translations (from the public corpus, and a few more).
ZH_PIECES = (
    "人工智能", "机器学习", "深度学习", "数字时代的情商", "利用人工智能促进学生的内在发展", "遗传编程",
    "重新审视经典控制器设计与调优", "心脏病学中的人工智能技术", "教育中人工智能的发展", "系统文献综述",
    "用于数值天气和气候建模的机器学习", "综述", "对未来航空安全文化的影响", "基于注意力的图像描述生成",
    "使用编码器-解码器架构", "网络安全", "人机协作", "可解释的人工智能", "自然语言处理", "大型语言模型",
    "在医学中的应用", "一项随机对照试验", "神经网络", "图像识别", "强化学习", "知识图谱", "推荐系统",
    "教育技术", "高等教育", "伦理与治理", "气候变化", "公共卫生", "临床决策支持", "数据分析与可视化",
    "冰山意义建构", "批判性数据分析的过程模型", "对话式人工智能", "语言教育", "与人类教师的合作",
)
ZH_JOINERS = ("：", "中的", "与", "的", "：一项", "及其", "在", "对")
ZH_ABSTRACT_TAIL = ("。本文提出了一种新方法。", "。实验结果表明该方法有效。", "。最后讨论了局限性与未来工作。")
REGION_CATEGORIES = ("计算机科学", "工程技术", "医学", "教育学", "心理学", "管理学", "环境科学与生态学", "物理与天体物理")
JCR_NAMES = ("COMPUTER SCIENCE, ARTIFICIAL INTELLIGENCE", "EDUCATION & EDUCATIONAL RESEARCH", "HISTORY",
             "MEDICINE, GENERAL & INTERNAL", "ENGINEERING, ELECTRICAL & ELECTRONIC", "PSYCHOLOGY, MULTIDISCIPLINARY")
ACCENTED_NAMES = ("Łukasz Ledziński", "José García", "Jürgen Müller", "Zoë Ångström", "François Lefèvre",
                  "Çağla Öztürk", "Dvořák Šimon", "Renée Côté", "João Gonçalves", "Søren Kierkegård")
UNIVERSITIES = ("University of Łódź", "University of Brno", "Universidade de São Paulo", "ETH Zürich",
                "University of Leeds", "Université de Montréal")
DISCLOSURE = "Disclosure statementNo potential conflict of interest was reported by the author(s)."


def _mojibake(text: str, rng: random.Random) -> str:
    """UTF-8 bytes read as Windows-1252 (undefined bytes as Latin-1, as browsers do), Latin-1, or twice."""
    mode = rng.random()
    raw = text.encode("utf-8")
    if mode < 0.3:
        return raw.decode("latin-1")
    once = "".join(bytes((b,)).decode("cp1252", errors="ignore") or chr(b) for b in raw)
    if mode < 0.9:
        return once
    return "".join(bytes((b,)).decode("cp1252", errors="ignore") or chr(b) for b in once.encode("utf-8"))


def _non_ascii(text: str) -> str:
    """Make sure ``text`` has something for mojibake to damage: a curly quote, a dash or a no-break space."""
    if not text.isascii():
        return text
    if "'" in text:
        return text.replace("'", "\u2019", 1)
    if ": " in text:
        return text.replace(": ", " \u2014 ", 1)
    head, _, tail = text.rpartition(" ")
    return f"{head}\u00a0{tail}" if head else text


ENTITY_MAP = (("&", "&amp;"), ("\u2019", "&#8217;"), ("\u2018", "&#8216;"), ("\u2014", "&mdash;"),
              ("\u2013", "&#x2013;"), ('"', "&quot;"), ("'", "&#39;"), ("<", "&lt;"), (">", "&gt;"))


def _entities(text: str, rng: random.Random) -> str:
    for char, entity in ENTITY_MAP:
        text = text.replace(char, entity)
    if rng.random() < 0.2:
        text = text.replace("&", "&amp;")  # escaped twice
    return text


def _zh_title(rng: random.Random) -> str:
    parts = rng.sample(ZH_PIECES, rng.randint(2, 3))
    out = parts[0]
    for p in parts[1:]:
        out += rng.choice(ZH_JOINERS) + p
    return out


def _sentences(text: str) -> list[str]:
    parts = [p for p in text.split(". ") if p]
    return [p if p.endswith(".") else p + "." for p in parts]


class Builder:
    """Turns S2 papers into aggregator records, seeded per (paper, copy)."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.papers = [json.loads(line) for line in S2_PAPERS.read_text("utf-8").splitlines() if line.strip()]
        self.author_pool = sorted({a for p in self.papers for a in p.get("authors") or () if a})
        self.real = _real_records()

    # -- the aggregator's format --------------------------------------------------------------

    def base(self, i: int, copy: int, rng: random.Random) -> dict[str, Any]:
        """The aggregator's inner record for paper ``i`` (copy ``copy``), before damage."""
        p = self.papers[i]
        title, abstract = p["title"], p.get("abstract") or ""
        authors = list(p.get("authors") or ())
        if copy:
            words = [w.strip(".,;:()") for w in abstract.split() if len(w) > 5 and w.isalpha()]
            if len(words) >= 2:
                title = f"{title}: {' '.join(w.capitalize() for w in rng.sample(words, 2))}"
            sents = _sentences(abstract)
            if len(sents) > 1:
                k = copy % len(sents)
                abstract = " ".join(sents[k:] + sents[:k])
            authors = rng.sample(self.author_pool, max(1, min(len(authors), 8)))
        journal = p.get("journal") or {}
        doi = (p.get("externalIds") or {}).get("DOI") or f"10.9999/s2.{p['paperId'][:12]}"
        name = journal.get("name") or p.get("venue") or ""
        oa = p.get("openAccessPdf") or {}
        types = p.get("publicationTypes") or ["JournalArticle"]
        return {
            "title": title,
            "authors": ("; " if rng.random() < 0.8 else ", ").join(authors),
            "doi": doi.lower() if rng.random() < 0.7 else doi,
            "DOIUrl": None,
            "url": None,
            "abstract": abstract,
            "PeriodicalId": rng.randint(1, 60000),
            "journal": {"name": name, "volume": journal.get("volume", ""), "pages": journal.get("pages", "0")},
            "PeriodicalIF": round(rng.uniform(0.2, 12), 1),
            "publicationDate": p.get("publicationDate") or str(p.get("year") or ""),
            "publicationTypes": "Journal Article" if types[0] == "JournalArticle" else types[0],
            "fieldsOfStudy": ", ".join(p["fieldsOfStudy"]) if p.get("fieldsOfStudy") else None,
            "isOpenAccess": bool(p.get("isOpenAccess")),
            "openAccessPdf": oa.get("url") or "",
            "citationCount": str(p.get("citationCount") or 0),
            "resultStr": None,
            "platform": "Semanticscholar",
            "paperid": p["paperId"] if rng.random() < 0.3 else None,
            "PeriodicalName": name,
            "FirstCategoryId": str(rng.randint(1000, 1200)),
            "ListUrlMain": f"https://doi.org/{doi}",
            "RegionNum": rng.randint(1, 4),
            "RegionCategory": rng.choice(REGION_CATEGORIES),
            "ArticlePicture": [],
            "TitleCN": None,
            "AbstractTextCN": None,
            "PMCID": None,
            "EPubDate": "",
            "PubModel": "",
            "JCR": rng.choice(("Q1", "Q2", "Q3", "Q4")),
            "JCRName": rng.choice(JCR_NAMES),
            "Score": None,
            "Total": 0,
        }

    def _glue(self, rec: dict[str, Any], rng: random.Random) -> str:
        """The Taylor & Francis glued abstract: label, keywords, disclosure, notes, contributors."""
        keywords = [w.lower() for w in rng.sample(ZH_FREE_KEYWORDS, rng.randint(3, 5))]
        notes = []
        for n in range(1, rng.randint(2, 12)):
            other = self.papers[rng.randrange(len(self.papers))]
            who = rng.choice(self.author_pool)
            venue = (other.get("journal") or {}).get("name") or "ArXiv"
            a = rng.randint(1, 200)
            notes.append(f"{n} See {who}, \u2018{other['title']}\u2019, {venue}, {rng.randint(1, 60)}:"
                         f"{rng.randint(1, 4)} ({rng.randint(2015, 2024)}), pp. {a}\u2013{a + rng.randint(10, 200)}.")
        first = rec["authors"].split(";")[0].split(",")[0].strip()
        return (f"ABSTRACT{rec['abstract']}KEYWORDS: {''.join(keywords)} {DISCLOSURE}Notes{''.join(notes)}"
                f"Additional informationNotes on contributors{first}{first} is a researcher at the "
                f"{rng.choice(UNIVERSITIES)}. Their research articles have appeared in several journals.")

    def record(self, i: int, copy: int, damaged: bool = True) -> tuple[dict[str, Any], list[str]]:
        """Return (outer record, damages applied) for paper ``i``, copy ``copy``."""
        rng = random.Random((self.seed * 1_000_003 + i) * 7919 + copy)
        inner = self.base(i, copy, rng)
        if not damaged:
            outer = dict(inner)
            outer["resultStr"] = json.dumps(inner, ensure_ascii=False)
            return outer, []
        d = {name for name, rate in DAMAGE_RATES.items() if rng.random() < rate}
        if "dup_authors" in d:
            names = inner["authors"].split("; " if "; " in inner["authors"] else ", ")
            names.insert(rng.randint(1, len(names)), names[0])
            inner["authors"] = "; ".join(names)
        if "moji_authors" in d:
            names = inner["authors"].split("; " if "; " in inner["authors"] else ", ")
            if all(n.isascii() for n in names):
                names[rng.randrange(len(names))] = rng.choice(ACCENTED_NAMES)
            inner["authors"] = "; ".join(_mojibake(n, rng) if not n.isascii() else n for n in names)
        if "tandf_glue" in d and inner["abstract"]:
            inner["abstract"] = self._glue(inner, rng)
        if "jats" in d and inner["abstract"]:
            inner["abstract"] = f"<jats:title>Abstract</jats:title><jats:p>{inner['abstract']}</jats:p>"
            words = inner["title"].split(" ")
            k = rng.randrange(len(words))
            words[k] = f"<i>{words[k]}</i>"
            inner["title"] = " ".join(words)
        if "entities" in d:
            inner["abstract"] = _entities(inner["abstract"], rng)
            inner["journal"]["name"] = inner["PeriodicalName"] = _entities(inner["PeriodicalName"], rng)
        if "invisibles" in d:
            t = inner["title"]
            k = rng.randrange(max(1, len(t)))
            inner["title"] = "\ufeff" + t[:k] + "\u200b" + t[k:]
            inner["abstract"] = inner["abstract"].replace("tion", "ti\u00adon", 2)
        if "whitespace" in d:
            inner["abstract"] = inner["abstract"].replace(". ", ".  ", 3) + " \n"
        # The outer copy: what the aggregator shows; the inner: the original, with its own damage.
        outer = dict(inner, journal=dict(inner["journal"]))
        if "doi_variant" in d:
            doi = inner["doi"]
            outer["doi"] = rng.choice((f"DOI: {doi.upper()}", f"https://doi.org/{doi.upper()}", f"doi:{doi}",
                                       f"https://dx.doi.org/{doi}", f"{doi}."))
        if "newline_title" in d:
            words = inner["title"].split(" ")
            k = rng.randint(1, min(3, max(1, len(words) - 1)))
            inner["title"] = " ".join(words[:k]) + "\n " + " ".join(words[k:])
        if "moji_title" in d:
            inner["title"] = _mojibake(_non_ascii(inner["title"]), rng)
        if "cn_abstract" in d:
            outer["AbstractTextCN"] = _zh_title(rng) + rng.choice(ZH_ABSTRACT_TAIL) * rng.randint(1, 4)
        if "no_resultstr" in d:
            outer["title"], outer["abstract"], outer["authors"] = inner["title"], inner["abstract"], inner["authors"]
            return outer, sorted(d - {"mt_title", "double_encoded", "broken_resultstr"})
        if "mt_title" in d:
            outer["title"] = _zh_title(rng)
            if rng.random() < 0.3:
                outer["TitleCN"] = outer["title"]
        encoded = json.dumps(inner, ensure_ascii=False)
        if "double_encoded" in d:
            encoded = json.dumps(encoded, ensure_ascii=False)
        if "broken_resultstr" in d:
            encoded = encoded[: len(encoded) // 2]
        outer["resultStr"] = encoded
        return outer, sorted(d)

    def lines(self, size_bytes: int) -> Iterator[bytes]:
        """Yield JSONL lines until about ``size_bytes`` are out: papers in order, copy after copy."""
        written = n = 0
        while written < size_bytes:
            if self.real and n % REAL_EVERY == REAL_EVERY - 1:
                line = orjson.dumps(self.real[(n // REAL_EVERY) % len(self.real)]) + b"\n"
            else:
                copy, i = divmod(n, len(self.papers))
                line = orjson.dumps(self.record(i, copy)[0]) + b"\n"
            written += len(line)
            n += 1
            yield line


ZH_FREE_KEYWORDS = ("Safety culture", "Artificial intelligence", "Impact", "Aviation", "Machine learning",
                    "Education", "Ethics", "Governance", "Deep learning", "Climate", "Policy", "Health",
                    "Language models", "Visualization", "Collaboration", "Security")


def _real_records() -> list[dict[str, Any]]:
    """The aggregator records of samples/input and the public corpus (page dumps: their JSON part)."""
    out: list[dict[str, Any]] = []
    for folder in (SAMPLES, CORPUS):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name == "truth.json" or path.suffix not in (".json", ".jsonl", ".txt"):
                continue
            text = path.read_text("utf-8")
            if path.suffix == ".jsonl":
                out.extend(json.loads(line) for line in text.splitlines() if line.strip())
            else:
                value, _ = json.JSONDecoder().raw_decode(text.lstrip("\ufeff \n"))
                if isinstance(value, dict):
                    out.append(value)
    return out


def records(kind: str = "damaged", n: int = 2000, seed: int = SEED) -> list[dict[str, Any]]:
    """Return ``n`` records of one kind: ``damaged``, ``aggregator_clean`` or ``s2`` (raw S2 records)."""
    b = Builder(seed)
    if kind == "s2":
        return [dict(b.papers[k % len(b.papers)]) for k in range(n)]
    damaged = kind == "damaged"
    return [b.record(k % len(b.papers), k // len(b.papers), damaged)[0] for k in range(n)]


def build(size_mb: float, out: Path | None = None, seed: int = SEED) -> Path:
    """Write (or reuse, when it is already there for the same size and seed) the corpus; return its path."""
    out = out or OUT / f"big-{size_mb:g}mb-s{seed}.jsonl"
    stamp = out.with_suffix(".done")
    key = f"{size_mb} {seed} {Path(__file__).stat().st_mtime_ns}"
    if out.exists() and stamp.exists() and stamp.read_text() == key:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        for line in Builder(seed).lines(int(size_mb * 1e6)):
            f.write(line)
    stamp.write_text(key)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=200, help="size of the JSONL to write (default 200)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("-o", "--output", type=Path, help="default: benchmarks/out/big-<size>mb-s<seed>.jsonl")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    path = build(args.size_mb, args.output, args.seed)
    n = sum(1 for _ in path.open("rb"))
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB, {n} records, {time.perf_counter() - start:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
