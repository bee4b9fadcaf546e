"""A large, realistic plan corpus generated from the real cleaned documents of an index.

Each generated document takes one real plan as its template (its heading skeleton, tables
and preamble stay), replaces about half of its body paragraphs with paragraphs of the same
part of another plan (发展基础/现状, 目标/思路, 任务, 保障 …), and then substitutes:

* **region names**: the plans' own regions (台山, 开平, 茂南, 江门, 茂名, 广东) become a region
  drawn from a list of real provinces, cities and counties/districts, consistently within
  the document (own region → the new region, parent city → its city, 广东 → its province);
* **years and periods**: every year 1995-2035 and every period name (十二五 … 十六五) is
  shifted to the document's new planning period (十三五, 十四五, 十五五 or a 实施方案's years);
* **figures**: every other number of two or more digits or with decimals (148家, 1.54%,
  358.52亿元) is scaled by a random factor 0.6-1.8 (same decimals; percentages kept ≤ 100).

The raw text then goes through planqa's own cleaning, outline and chunking (in
``bench/scale/run.py``). Every body line remembers the real chunk it came from, so each
generated chunk has a *source chunk* whose real embedding its derived vector starts from
(``bench/scale/vectors.py``).

    python bench/scale/generate.py --docs 3 --index index/   # print three generated documents
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from planqa.records import Chunk, Document  # noqa: E402

# (province, city, counties/districts): real names; the generator combines them.
REGIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("广东省", "广州市", ("从化区", "增城区", "花都区", "番禺区", "黄埔区", "南沙区")),
    ("广东省", "深圳市", ("龙岗区", "宝安区", "龙华区", "坪山区", "光明区")),
    ("广东省", "珠海市", ("斗门区", "金湾区", "香洲区")),
    ("广东省", "汕头市", ("潮阳区", "潮南区", "澄海区", "南澳县")),
    ("广东省", "佛山市", ("顺德区", "南海区", "三水区", "高明区", "禅城区")),
    ("广东省", "韶关市", ("乐昌市", "南雄市", "仁化县", "翁源县")),
    ("广东省", "湛江市", ("廉江市", "雷州市", "吴川市", "徐闻县", "遂溪县")),
    ("广东省", "肇庆市", ("四会市", "高要区", "广宁县", "怀集县")),
    ("广东省", "江门市", ("鹤山市", "恩平市", "新会区", "蓬江区", "江海区")),
    ("广东省", "茂名市", ("电白区", "高州市", "化州市", "信宜市")),
    ("广东省", "惠州市", ("博罗县", "惠东县", "龙门县", "惠阳区")),
    ("广东省", "梅州市", ("兴宁市", "五华县", "梅县区", "蕉岭县")),
    ("广东省", "汕尾市", ("陆丰市", "海丰县", "陆河县")),
    ("广东省", "河源市", ("紫金县", "龙川县", "和平县", "连平县")),
    ("广东省", "阳江市", ("阳春市", "阳西县", "阳东区")),
    ("广东省", "清远市", ("英德市", "连州市", "佛冈县", "清新区")),
    ("广东省", "东莞市", ()),
    ("广东省", "中山市", ()),
    ("广东省", "潮州市", ("饶平县", "潮安区")),
    ("广东省", "揭阳市", ("普宁市", "惠来县", "揭西县")),
    ("广东省", "云浮市", ("罗定市", "新兴县", "郁南县")),
    ("浙江省", "宁波市", ("慈溪市", "余姚市", "宁海县", "象山县")),
    ("浙江省", "温州市", ("瑞安市", "乐清市", "永嘉县", "苍南县")),
    ("浙江省", "绍兴市", ("诸暨市", "嵊州市", "新昌县")),
    ("浙江省", "金华市", ("义乌市", "东阳市", "永康市", "兰溪市")),
    ("浙江省", "嘉兴市", ("海宁市", "平湖市", "桐乡市", "嘉善县")),
    ("江苏省", "苏州市", ("昆山市", "常熟市", "张家港市", "太仓市")),
    ("江苏省", "无锡市", ("江阴市", "宜兴市")),
    ("江苏省", "南通市", ("海门区", "启东市", "如皋市", "海安市")),
    ("江苏省", "徐州市", ("邳州市", "新沂市", "沛县", "丰县")),
    ("福建省", "泉州市", ("晋江市", "石狮市", "南安市", "惠安县")),
    ("福建省", "福州市", ("福清市", "长乐区", "闽侯县")),
    ("福建省", "漳州市", ("龙海区", "漳浦县", "云霄县")),
    ("湖南省", "长沙市", ("浏阳市", "宁乡市", "长沙县")),
    ("湖南省", "株洲市", ("醴陵市", "攸县", "茶陵县")),
    ("湖南省", "岳阳市", ("汨罗市", "临湘市", "华容县")),
    ("四川省", "成都市", ("都江堰市", "彭州市", "邛崃市", "崇州市")),
    ("四川省", "绵阳市", ("江油市", "三台县", "安州区")),
    ("山东省", "潍坊市", ("寿光市", "诸城市", "青州市", "高密市")),
    ("山东省", "烟台市", ("龙口市", "莱州市", "招远市", "蓬莱区")),
    ("山东省", "青岛市", ("胶州市", "平度市", "莱西市")),
    ("河南省", "郑州市", ("巩义市", "新郑市", "登封市", "新密市")),
    ("河南省", "洛阳市", ("偃师区", "孟津区", "宜阳县")),
    ("湖北省", "襄阳市", ("枣阳市", "宜城市", "老河口市")),
    ("湖北省", "宜昌市", ("宜都市", "当阳市", "枝江市")),
    ("广西壮族自治区", "玉林市", ("北流市", "容县", "博白县")),
    ("广西壮族自治区", "柳州市", ("柳江区", "柳城县", "鹿寨县")),
    ("江西省", "赣州市", ("瑞金市", "龙南市", "赣县区", "南康区")),
    ("安徽省", "芜湖市", ("无为市", "南陵县", "湾沚区")),
    ("河北省", "保定市", ("涿州市", "定州市", "高碑店市", "安国市")),
]
PERIODS = ("十二五", "十三五", "十四五", "十五五", "十六五")
PERIOD_START = {name: 2011 + 5 * i for i, name in enumerate(PERIODS)}
TARGET_PERIODS = ("十三五", "十四五", "十四五", "十五五")  # weighted toward the current period
PLAN_SHARE = 0.8  # the rest are 实施方案 covering a few years

# Names of the source plans' regions, longest first, and what they stand for.
SOURCE_NAMES: list[tuple[str, str]] = [
    ("茂名市茂南区", "full"), ("台山市", "own"), ("开平市", "own"), ("茂南区", "own"),
    ("江门市", "city"), ("茂名市", "city"), ("广东省", "province"),
    ("台山", "own_stem"), ("开平", "own_stem"), ("茂南", "own_stem"), ("江门", "city_stem"),
    ("茂名", "city_stem"), ("广东", "province_stem"),
]
_SOURCE_RE = re.compile("|".join(re.escape(name) for name, _ in SOURCE_NAMES))
_SOURCE_ROLE = dict(SOURCE_NAMES)
_PERIOD_RE = re.compile("|".join(PERIODS))
_NUMBER_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(%?)(?![\d.])")
_LINE_START_MARKER = re.compile(r"^\s*[（(]?\d{1,2}[)）.、．]")
TOPICS = (("review", "基础|现状|总结|形势|回顾|成效"), ("goals", "思路|目标|要求|指导|蓝图|原则|定位"),
          ("tasks", "任务|导向|格局|举措|重点|工程|行动"), ("safeguards", "保障|实施|措施|组织"))


def _stem(name: str) -> str:
    """台山市 → 台山, 广西壮族自治区 → 广西; names of two characters keep their suffix."""
    for suffix in ("壮族自治区", "自治区", "省", "市", "区", "县"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def topic_of(heading: str) -> str:
    """The part of a plan a top-level heading opens (review, goals, tasks, safeguards, other)."""
    for topic, pattern in TOPICS:
        if re.search(pattern, heading):
            return topic
    return "other"


@dataclass
class Region:
    province: str
    city: str
    county: str | None

    @property
    def name(self) -> str:
        """As a document's region field: 茂名市茂南区-style for districts, else the place itself."""
        if self.county is None:
            return self.city
        return self.city + self.county if self.county.endswith("区") else self.county

    @property
    def own(self) -> str:
        return self.county or self.city

    @property
    def level(self) -> str:
        if self.county is None:
            return "地级市"
        return {"区": "区", "县": "县"}.get(self.county[-1], "县级市")

    def replacement(self, role: str) -> str:
        return {
            "full": self.name, "own": self.own, "own_stem": _stem(self.own), "city": self.city,
            "city_stem": _stem(self.city), "province": self.province, "province_stem": _stem(self.province),
        }[role]


@dataclass
class Line:
    """One line of a source document: its text, kind and the real chunk row it lies in."""

    text: str
    kind: str  # heading, table, body
    topic: str
    source_row: int


@dataclass
class SourceDoc:
    document: Document
    lines: list[Line]
    years: tuple[int, int]


@dataclass
class GeneratedDoc:
    """Raw text (the input of cleaning) and metadata of one generated document."""

    doc_id: str
    title: str
    text: str
    region: str
    level: str
    period: str | None
    years: tuple[int, int]
    line_starts: list[int] = field(default_factory=list)  # offset of each line in ``text``
    line_rows: list[int] = field(default_factory=list)  # the real chunk row each line came from
    template_rows: tuple[int, int] = (0, 0)  # the template's real chunk rows (fallback source)

    def source_row(self, chunk: Chunk, cleaned_text: str, rng: random.Random) -> int:
        """The real chunk a generated chunk was made from: that of the line it starts in.

        Offsets are those of the raw text, valid when cleaning left the text unchanged (the
        generated text is already clean); otherwise a random chunk of the template."""
        if cleaned_text != self.text or not self.line_starts:
            return rng.randrange(*self.template_rows)
        return self.line_rows[max(0, bisect_right(self.line_starts, chunk.start) - 1)]


def _source_lines(document: Document, first_row: int, chunks: list[Chunk]) -> list[Line]:
    """Split a cleaned document into lines, each with kind, topic and containing chunk row."""
    starts = [c.start for c in chunks]
    heading_starts = {s.start: s for s in document.sections}
    table_spans = [(t.start, t.end) for t in document.tables]
    tops = sorted((s.start, topic_of(s.path[0])) for s in document.sections if s.level == 1)
    lines, pos = [], 0
    for text in document.text.split("\n"):
        start, pos = pos, pos + len(text) + 1
        if not text.strip():
            continue
        if start in heading_starts:
            kind = "heading"
        elif any(s <= start < e for s, e in table_spans):
            kind = "table"
        else:
            kind = "body"
        top = [topic for s, topic in tops if s <= start]
        chunk = max(0, bisect_right(starts, start) - 1)
        lines.append(Line(text, kind, top[-1] if top else "preamble", first_row + chunk))
    return lines


class CorpusGenerator:
    """Generates documents from the real documents and chunks of an index (deterministic per seed)."""

    def __init__(self, documents: list[Document], chunks: list[Chunk], seed: int = 0, swap: float = 0.5):
        self.seed = seed
        self.swap = swap
        self.sources: list[SourceDoc] = []
        by_doc: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            by_doc.setdefault(chunk.doc_id, []).append(row)
        for document in sorted(documents, key=lambda d: d.doc_id):
            rows = by_doc.get(document.doc_id, [])
            if not rows:
                continue
            doc_chunks = [chunks[r] for r in rows]
            years = document.years or (PERIOD_START.get(document.period or "", 2021),) * 2
            self.sources.append(SourceDoc(document, _source_lines(document, rows[0], doc_chunks),
                                          (years[0], years[1])))
        if not self.sources:
            raise ValueError("no source documents with chunks")
        self.pool: dict[str, list[tuple[int, Line]]] = {}
        for index, source in enumerate(self.sources):
            for line in source.lines:
                if line.kind == "body" and len(line.text) >= 12:
                    self.pool.setdefault(line.topic, []).append((index, line))

    def generate(self, number: int) -> GeneratedDoc:
        """Document ``number`` (the same for the same seed and number)."""
        rng = random.Random(self.seed * 1_000_003 + number)
        template_index = rng.randrange(len(self.sources))
        template = self.sources[template_index]
        province, city, counties = rng.choice(REGIONS)
        county = rng.choice(counties) if counties and rng.random() < 0.75 else None
        region = Region(province, city, county)
        if rng.random() < PLAN_SHARE:
            period: str | None = rng.choice(TARGET_PERIODS)
            years = (PERIOD_START[period], PERIOD_START[period] + 4)
        else:
            period, start = None, rng.randrange(2016, 2027)
            years = (start, start + rng.choice((2, 3, 4)))
        lines_out: list[str] = []
        line_starts: list[int] = []
        line_rows: list[int] = []
        offset = 0
        for line in template.lines:
            source, chosen = template, line
            if line.kind == "body" and rng.random() < self.swap and self.pool.get(line.topic):
                source_index, chosen = rng.choice(self.pool[line.topic])
                source = self.sources[source_index]
            text = self._substitute(chosen.text, source, region, years, rng)
            lines_out.append(text)
            line_starts.append(offset)
            line_rows.append(chosen.source_row)
            offset += len(text) + 1
        kind = f"“{period}”规划" if period else f"实施方案（{years[0]}—{years[1]}年）"
        title = f"{region.own}科技创新{kind}"
        rows = [line.source_row for line in template.lines]
        return GeneratedDoc(
            doc_id=f"gen-{self.seed}-{number:06d}", title=title, text="\n".join(lines_out), region=region.name,
            level=region.level, period=period, years=years, line_starts=line_starts, line_rows=line_rows,
            template_rows=(min(rows), max(rows) + 1),
        )

    @staticmethod
    def _substitute(text: str, source: SourceDoc, region: Region, years: tuple[int, int], rng: random.Random) -> str:
        shift = years[0] - source.years[0]
        text = _SOURCE_RE.sub(lambda m: region.replacement(_SOURCE_ROLE[m.group()]), text)
        steps = round(shift / 5)
        if steps:
            def period_name(match: re.Match[str]) -> str:
                index = PERIODS.index(match.group()) + steps
                return PERIODS[index] if 0 <= index < len(PERIODS) else match.group()
            text = _PERIOD_RE.sub(period_name, text)
        skip_to = 0
        marker = _LINE_START_MARKER.match(text)
        if marker:
            skip_to = marker.end()

        def number(match: re.Match[str]) -> str:
            value, percent = match.group(1), match.group(2)
            if match.start() < skip_to:
                return match.group()
            if "." not in value and 1995 <= int(value) <= 2035:
                return str(int(value) + shift)
            if "." not in value and int(value) < 10:
                return match.group()
            scaled = float(value) * rng.uniform(0.6, 1.8)
            if percent:
                scaled = min(scaled, 99.9 if "." in value else 99)
            decimals = len(value.split(".")[1]) if "." in value else 0
            return f"{scaled:.{decimals}f}{percent}" if decimals else f"{max(10, round(scaled))}{percent}"

        return _NUMBER_RE.sub(number, text)


def main() -> int:
    parser = argparse.ArgumentParser(description="Print generated plan documents.")
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--docs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chars", type=int, default=1500, help="characters of each document to print")
    args = parser.parse_args()
    from planqa.index import Index

    index = Index.load(args.index)
    generator = CorpusGenerator(list(index.documents.values()), index.chunks, seed=args.seed)
    for number in range(args.docs):
        doc = generator.generate(number)
        print(f"=== {doc.doc_id} | {doc.title} | {doc.region} ({doc.level}) | {doc.period} {doc.years} | "
              f"{len(doc.text)} chars")
        print(doc.text[: args.chars])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
