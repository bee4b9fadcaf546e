"""Word .docx reader: body paragraphs and tables in document order, with the structure Word shows.

python-docx opens the package (and gives the styles, numbering and core-properties parts); the
body is then walked directly over its XML, because ``Paragraph.text`` only sees ``w:r`` and
``w:hyperlink`` children and so misses text inside simple fields, tracked insertions, smart tags
and inline content controls. What the walk does:

- headings: a paragraph is a heading when its outline level (``w:outlineLvl`` on the paragraph
  or anywhere up its style's ``basedOn`` chain) is 0-8, or, without an outline level, when a
  style name in the chain means a heading ("Heading 2", "标题 1", "章标题", "一级条标题"...; not
  captions such as "表标题" nor "无标题" numbered-paragraph styles). A style's explicit outline
  level 9 ("body text") wins over its name;
- automatic numbers: a paragraph whose numbering (``w:numPr`` directly or via its style) renders
  a number gets that number in front of its text as Word shows it ("1 范围", "5.1 …", "a) …",
  "附录A …"), computed from numbering.xml (lvlText, start, restarts, lvlOverride, numFmt).
  A number the author also typed by hand is not doubled. An empty numbered paragraph (the GB/T
  term-entry form "3.1" above the term) lends its number to the next paragraph;
- bold: a short paragraph that is entirely bold is a heading hint; a bold lead-in run followed
  by plain text stays one paragraph (counted in the notes);
- line breaks (``w:br``): a break after a sentence end or before a heading marker starts a new
  line; a break inside a sentence is joined. Full-width indentation, no-break and other
  special spaces are normalised;
- dropped and recorded in ``removed``: the table of contents (TOC field, "toc N"/"目录 N" styles,
  a "Table of Contents" content control, ``_Toc`` hyperlinks; rule ``docx_table_of_contents``),
  template placeholders ("单击或点击此处输入文字", "Choose an item"; ``docx_placeholder``) and
  hidden text (``docx_hidden_text``);
- tables: a layout table (every row holds at most one non-empty cell, e.g. cover pages) becomes
  plain lines; a real table becomes TAB-cell lines with merged cells repeated across their span
  (``gridSpan``/``vMerge``) so that all rows have the same number of cells;
- ``properties``: the core properties (title, author, created, ...) as strings, for the metadata
  layer to weigh; ``title`` is set only from a Title-styled paragraph of the body.

Headers and footers are not body text and are not read (a note says how much text they hold).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from planqa.errors import IngestError, MissingDependencyError
from planqa.ingest.readers.base import RawDocument
from planqa.ingest.readers.txt import finish_lines, join_fragments, table_to_lines

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGIC = b"PK"
_INVALID = "not a valid .docx (damaged or truncated)"
_ENCRYPTED = "encrypted or legacy .doc file; save it as an unprotected .docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


_P, _R, _T, _TBL, _TR, _TC, _SDT = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc"), _w("sdt")
_VAL = _w("val")
_FALLBACK = f"{{{MC_NS}}}Fallback"
_MATH_T = f"{{{M_NS}}}t"
# Containers whose children are runs (or more containers) shown as part of the paragraph.
_RUN_CONTAINERS = {_w(t) for t in ("hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple",
                                   "dir", "bdo")}
_SKIPPED_CONTAINERS = {_w(t) for t in ("del", "moveFrom", "pPr", "rPr")}

_MAX_LEVEL = 9
_HEADING_NAME_RE = re.compile(r"heading\s*\d|^h[1-6]$|标题|^title$|^subtitle$|^副标题$", re.IGNORECASE)
# Style names that contain 标题 but are captions, TOC titles or "numbered, without title" styles.
_NOT_HEADING_NAME_RE = re.compile(r"无标题|[表图]标题|题注|caption|toc|目录|标号|char$", re.IGNORECASE)
_TITLE_NAMES = {"title", "标题"}  # "标题" alone is the Chinese name of Word's built-in Title style
_TOC_STYLE_RE = re.compile(r"^(toc|目录|table of contents)\s*\d*$|^toc heading$|^目录标题$", re.IGNORECASE)
_TOC_TITLE_RE = re.compile(r"^(目录|目次|contents|table of contents)$", re.IGNORECASE)
_PLACEHOLDER_RE = re.compile(
    r"^(?:(?:单击|点击|轻触)(?:或(?:单击|点击|轻触))?(?:此处|这里).{0,30}"
    r"|(?:click|tap)(?: or (?:click|tap))? here to .{0,60}"
    r"|choose an (?:item|option|building block)\.?|enter (?:a )?(?:date|text)\.?"
    r"|选择一项。?|输入日期。?|请选择.{0,10})$", re.IGNORECASE)
_SENTENCE_END = "。！？；：!?;:…"
_CLOSERS = "”’\"'）)】」』》"
_HEADING_MARKER_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇两\d]+[章节条部分篇编]|[一二三四五六七八九十]+[、．.]"
    r"|[（(][一二三四五六七八九十]+[）)]|\d+(?:\.\d+)*[、．.](?!\d)|[（(]\d+[）)]|[①-⑳]|附件\s*\d*[：:]?$)")
_SENTENCE_RE = re.compile(r"[。！？；!?;]")
_MAX_BOLD_HEADING_CHARS = 60
_MAX_BOLD_SHARE = 0.5  # when most paragraphs are bold, bold marks nothing
_MAX_STYLE_HEADING_CHARS = 200
_MAX_LETTER_SPACED_CHARS = 30
_NUM_LABEL_GLUE = "、，,．.。）)】」：:"
_SPACES_RE = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f]+")
_ZERO_WIDTH_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# --------------------------------------------------------------------------- small helpers


def _on(element: Any) -> bool:
    """An OOXML on/off property: present means on unless w:val says 0/false/off."""
    if element is None:
        return False
    return (element.get(_VAL) or "true").lower() not in ("0", "false", "off", "none")


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _normalise_spaces(text: str) -> str:
    """No-break, en/em and other special spaces to one ASCII space; zero-width characters out."""
    return _SPACES_RE.sub(" ", _ZERO_WIDTH_RE.sub("", text.replace("\t", " ")))


def _strip_line(text: str) -> str:
    """A line without leading/trailing (full-width) spaces: "\u3000\u3000现在，…" -> "现在，…"."""
    return text.strip(" \u3000\t")


def collapse_letter_spacing(line: str) -> str:
    """Join a letter-spaced head of a short line: "前　　言" -> "前言", "附　录　A …" -> "附录A …"."""
    if len(line) > _MAX_LETTER_SPACED_CHARS:
        return line
    tokens = line.replace("\u3000", " ").split()
    run = 0
    while run < len(tokens) and len(tokens[run]) == 1 and (_HAN_RE.match(tokens[run]) or run > 0):
        run += 1
    if run < 2:
        return line
    head = "".join(tokens[:run])
    return " ".join([head, *tokens[run:]])


def han_count(text: str) -> int:
    """Number of CJK ideographs in ``text``."""
    return len(_HAN_RE.findall(text))


# --------------------------------------------------------------------------- number formats

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _chinese(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一, 105 -> 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    parts: list[str] = []
    values = [(1000, units[2]), (100, units[1]), (10, units[0]), (1, "")]
    zero = False
    for value, unit in values:
        d = n // value % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append(digits[0])
            zero = False
        if not (value == 10 and d == 1 and not parts and digits is _CN_DIGITS):
            parts.append(digits[d])
        parts.append(unit)
    return "".join(parts)


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (Word repeats the letter)."""
    if n <= 0:
        return ""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = ""
    for value, sym in _ROMAN:
        while n >= value:
            out += sym
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (unknown formats fall back to decimal)."""
    fmt = fmt or "decimal"
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "koreanCounting", "taiwaneseCountingThousand", "japaneseLegal"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "koreanDigital"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    return str(n)


# --------------------------------------------------------------------------- styles


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline: int | None
    num_id: str | None
    ilvl: int | None
    bold: bool | None


def _read_styles(styles_root: Any) -> tuple[dict[str, _Style], str | None, bool]:
    """Paragraph and character styles by id, the default paragraph style id, document-default bold."""
    styles: dict[str, _Style] = {}
    default_para: str | None = None
    if styles_root is None:
        return styles, None, False
    for st in styles_root.iter(_w("style")):
        sid = st.get(_w("styleId"))
        if not sid:
            continue
        name_el = st.find(_w("name"))
        based = st.find(_w("basedOn"))
        ppr = st.find(_w("pPr"))
        outline = num_id = ilvl = None
        if ppr is not None:
            lvl = ppr.find(_w("outlineLvl"))
            outline = _int(lvl.get(_VAL)) if lvl is not None else None
            numpr = ppr.find(_w("numPr"))
            if numpr is not None:
                nid, il = numpr.find(_w("numId")), numpr.find(_w("ilvl"))
                num_id = nid.get(_VAL) if nid is not None else None
                ilvl = _int(il.get(_VAL)) if il is not None else None
        rpr = st.find(_w("rPr"))
        bold = None
        if rpr is not None and rpr.find(_w("b")) is not None:
            bold = _on(rpr.find(_w("b")))
        styles[sid] = _Style((name_el.get(_VAL) if name_el is not None else sid) or sid,
                             based.get(_VAL) if based is not None else None, outline, num_id, ilvl, bold)
        if st.get(_w("type")) == "paragraph" and (st.get(_w("default")) or "").lower() in ("1", "true", "on"):
            default_para = sid
    doc_bold = False
    defaults = styles_root.find(_w("docDefaults"))
    if defaults is not None:
        b = defaults.find(f"{_w('rPrDefault')}/{_w('rPr')}/{_w('b')}")
        doc_bold = _on(b) if b is not None else False
    return styles, default_para, doc_bold


class _StyleBook:
    """Resolves inherited properties along ``basedOn`` chains (cycle-safe)."""

    def __init__(self, styles_root: Any):
        self.styles, self.default_para, self.doc_bold = _read_styles(styles_root)

    def chain(self, style_id: str | None) -> list[_Style]:
        out: list[_Style] = []
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            out.append(style)
            style_id = style.based_on
        return out

    def bold(self, style_id: str | None) -> bool | None:
        for style in self.chain(style_id):
            if style.bold is not None:
                return style.bold
        return None


# --------------------------------------------------------------------------- numbering


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False
    restart: int | None = None
    suffix: str = "tab"
    style: str | None = None


def _read_level(lvl: Any) -> _Level:
    def val(tag: str) -> str | None:
        el = lvl.find(_w(tag))
        return el.get(_VAL) if el is not None else None

    text_el = lvl.find(_w("lvlText"))
    return _Level(start=_int(val("start"), 1) or 0, fmt=val("numFmt") or "decimal",
                  text=(text_el.get(_VAL) or "") if text_el is not None else "",
                  legal=_on(lvl.find(_w("isLgl"))), restart=_int(val("lvlRestart")),
                  suffix=val("suff") or "tab", style=val("pStyle"))


class _Numbering:
    """numbering.xml: renders the label of each numbered paragraph, in document order."""

    def __init__(self, root: Any, styles: _StyleBook):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNum id -> numbering style id (numStyleLink)
        self.nums: dict[str, tuple[str, dict[int, tuple[int | None, _Level | None]]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        self.styles = styles
        if root is None:
            return
        for absn in root.iter(_w("abstractNum")):
            aid = absn.get(_w("abstractNumId")) or ""
            self.abstract[aid] = {_int(lvl.get(_w("ilvl")), 0) or 0: _read_level(lvl) for lvl in absn.iter(_w("lvl"))}
            link = absn.find(_w("numStyleLink"))
            if link is not None and link.get(_VAL):
                self.style_links[aid] = link.get(_VAL)
        for num in root.iter(_w("num")):
            nid = num.get(_w("numId")) or ""
            aid_el = num.find(_w("abstractNumId"))
            if aid_el is None:
                continue
            overrides: dict[int, tuple[int | None, _Level | None]] = {}
            for ov in num.iter(_w("lvlOverride")):
                so = ov.find(_w("startOverride"))
                lvl = ov.find(_w("lvl"))
                overrides[_int(ov.get(_w("ilvl")), 0) or 0] = (
                    _int(so.get(_VAL)) if so is not None else None, _read_level(lvl) if lvl is not None else None)
            self.nums[nid] = (aid_el.get(_VAL) or "", overrides)

    def _abstract_id(self, num_id: str) -> str | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        aid = entry[0]
        link = self.style_links.get(aid)
        if link:  # the list's definition lives with the numbering style's own num
            for style in self.styles.chain(link):
                if style.num_id and style.num_id in self.nums and self.nums[style.num_id][0] != aid:
                    return self.nums[style.num_id][0]
        return aid

    def _level(self, num_id: str, aid: str, ilvl: int) -> _Level:
        override = self.nums[num_id][1].get(ilvl)
        if override is not None and override[1] is not None:
            return override[1]
        return self.abstract.get(aid, {}).get(ilvl) or _Level()

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        """The level a style-linked list gives a paragraph style (lvl/pStyle), else 0."""
        aid = self._abstract_id(num_id)
        for ilvl, level in self.abstract.get(aid or "", {}).items():
            if style_id and level.style == style_id:
                return ilvl
        return 0

    def label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance the list counter and return (label, suffix), or None for a bullet or no list."""
        aid = self._abstract_id(num_id)
        if aid is None or aid not in self.abstract:
            return None
        ilvl = max(0, min(ilvl, _MAX_LEVEL - 1))
        counters = self.counters.setdefault(aid, [None] * _MAX_LEVEL)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, (start, _) in self.nums[num_id][1].items():
                if start is not None and 0 <= lvl < _MAX_LEVEL:
                    counters[lvl] = start - 1
                    for deeper in range(lvl + 1, _MAX_LEVEL):
                        counters[deeper] = None
        level = self._level(num_id, aid, ilvl)
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, _MAX_LEVEL):
            restart = self._level(num_id, aid, deeper).restart
            if restart is None or (restart != 0 and ilvl + 1 <= restart):
                counters[deeper] = None
        if level.fmt == "bullet":
            return None

        def render(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            if not 0 <= k < _MAX_LEVEL:
                return ""
            ref = self._level(num_id, aid, k)
            value = counters[k] if counters[k] is not None else ref.start
            fmt = "decimal" if (level.legal and k != ilvl and ref.fmt != "none") else ref.fmt
            return format_number(value or 0, fmt)

        text = _normalise_spaces(re.sub(r"%([1-9])", render, level.text))
        spaced = text[-1:] in (" ", "\u3000")  # "%1\u3000": the gap is part of the number
        # "附\u3000录\u3000A" is letter-spaced for print; as text it is "附录A".
        text = re.sub(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=\S)", "", text.strip(" \u3000"))
        if not text or all(unicodedata.category(ch).startswith(("S", "C", "Co")) for ch in text):
            return None  # a picture bullet or a symbol-font glyph
        return text, ("space" if spaced else level.suffix)


def _with_label(label: str, suffix: str, text: str) -> str:
    """Put a rendered list number in front of a paragraph, unless the author typed it already."""
    # NFKC: a typed "（一）" or "１．" is the same number as a rendered "(一)" or "1."
    compact_label = unicodedata.normalize("NFKC", re.sub(r"\s+", "", label))
    compact_text = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))
    if compact_text.startswith(compact_label):
        rest = compact_text[len(compact_label):]
        if not (rest[:1].isdigit() or (compact_label[-1:].isdigit() and rest[:1] in ".．")):
            return text  # "6.1.2差异项…" already carries its number
    if not text:
        return label
    glue = "" if label[-1] in _NUM_LABEL_GLUE or suffix == "nothing" else " "
    return f"{label}{glue}{text}"


# --------------------------------------------------------------------------- the body walk


@dataclass
class _Para:
    """One paragraph as collected from its runs."""

    pieces: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold); "\n" for a break
    toc: list[str] = field(default_factory=list)
    placeholder: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    boxes: list[Any] = field(default_factory=list)  # w:txbxContent elements
    has_form_field: bool = False


@dataclass
class _Field:
    instr: str = ""
    in_result: bool = False

    @property
    def kind(self) -> str:
        return (self.instr.strip().split() or [""])[0].upper()


class _Walker:
    """Walks the document body in order, keeping list counters and field state across paragraphs."""

    def __init__(self, styles: _StyleBook, numbering: _Numbering):
        self.styles = styles
        self.numbering = numbering
        self.fields: list[_Field] = []
        self.lines: list[str] = []
        self.headings: list[str] = []
        self.removed: list[tuple[str, str]] = []
        self.title: str | None = None
        self.tables = 0
        self.layout_tables = 0
        self.bold_lead_ins = 0
        self.bold_candidates: list[str] = []
        self.paragraphs = 0
        self.bold_paragraphs = 0
        self.labels = 0
        self.pending_label: tuple[str, str] | None = None
        self.pending_heading = False

    # ------------------------------------------------------------------ fields and runs

    def _in_toc(self) -> bool:
        return any(f.kind == "TOC" and f.in_result for f in self.fields)

    def _run_bold(self, run: Any, para_style: str | None) -> bool:
        rpr = run.find(_w("rPr"))
        if rpr is not None:
            b = rpr.find(_w("b"))
            if b is not None:
                return _on(b)
            rstyle = rpr.find(_w("rStyle"))
            if rstyle is not None:
                bold = self.styles.bold(rstyle.get(_VAL))
                if bold is not None:
                    return bold
        bold = self.styles.bold(para_style)
        return self.styles.doc_bold if bold is None else bold

    def _run(self, run: Any, para: _Para, style_id: str | None, toc: bool, placeholder: bool) -> None:
        rpr = run.find(_w("rPr"))
        hidden = rpr is not None and _on(rpr.find(_w("vanish")))
        bold = self._run_bold(run, style_id)
        for child in run:
            tag = child.tag
            if tag == _w("fldChar"):
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    self.fields.append(_Field())
                elif kind == "separate" and self.fields:
                    self.fields[-1].in_result = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if tag == _w("instrText"):
                if self.fields and not self.fields[-1].in_result:
                    self.fields[-1].instr += child.text or ""
                    if self.fields[-1].kind.startswith("FORM"):
                        para.has_form_field = True
                continue
            if tag in (_w("drawing"), _w("pict"), f"{{{MC_NS}}}AlternateContent", _w("object")):
                para.boxes.extend(b for b in child.iter(_w("txbxContent"))
                                  if not any(a.tag == _FALLBACK for a in b.iterancestors()))
                continue
            text = ""
            if tag == _T:
                text = child.text or ""
            elif tag in (_w("tab"), _w("ptab")):
                text = " "
            elif tag in (_w("br"), _w("cr")):
                text = "" if child.get(_w("type")) in ("page", "column") else "\n"
            elif tag == _w("noBreakHyphen"):
                text = "-"
            elif tag == _w("sym"):
                code = child.get(_w("char")) or ""
                try:  # Symbol-font private-use glyphs (F0xx) are pictures, not text
                    value = int(code, 16)
                    text = "" if 0xE000 <= value <= 0xF8FF else chr(value)
                except ValueError:
                    text = ""
            if not text:
                continue
            # Text in a field's instruction part is kept as text: hiding it would lose text silently
            # in a file whose field is never closed.
            if toc or self._in_toc():
                para.toc.append(text)
            elif placeholder:
                para.placeholder.append(text)
            elif hidden:
                para.hidden.append(text)
            else:
                para.pieces.append((text, bold))

    def _inline(self, element: Any, para: _Para, style_id: str | None, toc: bool = False,
                placeholder: bool = False) -> None:
        for child in element:
            tag = child.tag
            if tag == _R:
                self._run(child, para, style_id, toc, placeholder)
            elif tag == _MATH_T:
                para.pieces.append((child.text or "", False))
            elif tag == _w("hyperlink"):
                anchor = child.get(_w("anchor")) or ""
                self._inline(child, para, style_id, toc or anchor.startswith("_Toc"), placeholder)
            elif tag == _w("fldSimple"):
                kind = ((child.get(_w("instr")) or "").strip().split() or [""])[0].upper()
                para.has_form_field = para.has_form_field or kind.startswith("FORM")
                self._inline(child, para, style_id, toc or kind == "TOC", placeholder)
            elif tag == _SDT:
                is_toc, is_placeholder = _sdt_kind(child)
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self._inline(content, para, style_id, toc or is_toc, placeholder or is_placeholder)
            elif tag in _RUN_CONTAINERS or tag == f"{{{MC_NS}}}AlternateContent" or tag == f"{{{MC_NS}}}Choice":
                self._inline(child, para, style_id, toc, placeholder)
            elif tag in _SKIPPED_CONTAINERS or tag == _FALLBACK:
                continue
            elif tag.startswith(f"{{{M_NS}}}"):
                self._inline(child, para, style_id, toc, placeholder)

    # ------------------------------------------------------------------ paragraph properties

    def _style_id(self, p: Any) -> str | None:
        ppr = p.find(_w("pPr"))
        ps = ppr.find(_w("pStyle")) if ppr is not None else None
        return ps.get(_VAL) if ps is not None else self.styles.default_para

    def _outline_level(self, p: Any, style_id: str | None) -> int | None:
        ppr = p.find(_w("pPr"))
        lvl = ppr.find(_w("outlineLvl")) if ppr is not None else None
        if lvl is not None:
            return _int(lvl.get(_VAL))
        for style in self.styles.chain(style_id):
            if style.outline is not None:
                return style.outline
        return None

    def _numpr(self, p: Any, style_id: str | None) -> tuple[str, int] | None:
        ppr = p.find(_w("pPr"))
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        num_id: str | None = None
        ilvl: int | None = None
        if numpr is not None:
            nid, il = numpr.find(_w("numId")), numpr.find(_w("ilvl"))
            num_id = nid.get(_VAL) if nid is not None else None
            ilvl = _int(il.get(_VAL)) if il is not None else None
        for style in self.styles.chain(style_id):
            if num_id is None and style.num_id is not None:
                num_id = style.num_id
            if ilvl is None and style.ilvl is not None and num_id == style.num_id:
                ilvl = style.ilvl
        if num_id is None or num_id == "0":
            return None
        if ilvl is None:
            ilvl = self.numbering.level_for_style(num_id, style_id)
        return num_id, ilvl

    def _heading_kind(self, p: Any, style_id: str | None) -> tuple[bool, bool, bool]:
        """(is heading, is title, is TOC entry) from outline levels and style names."""
        chain = self.styles.chain(style_id)
        names = [s.name.strip().casefold() for s in chain]
        if names and _TOC_STYLE_RE.match(names[0]):
            return False, False, True
        if any(n in _TITLE_NAMES for n in names):
            return True, True, False
        level = self._outline_level(p, style_id)
        if level is not None:
            return 0 <= level < _MAX_LEVEL, False, False
        for name in names:
            if _HEADING_NAME_RE.search(name) and not _NOT_HEADING_NAME_RE.search(name):
                return True, False, False
        return False, False, False

    # ------------------------------------------------------------------ blocks

    def blocks(self, parent: Any, toc: bool = False) -> None:
        for child in parent:
            tag = child.tag
            if tag == _P:
                self.paragraph(child, toc)
            elif tag == _TBL:
                self.table(child)
            elif tag == _SDT:
                is_toc, is_placeholder = _sdt_kind(child)
                content = child.find(_w("sdtContent"))
                if content is None:
                    continue
                if is_placeholder:
                    text = _plain_text(content)
                    if text.strip():
                        self.removed.append(("docx_placeholder", text.strip()))
                    continue
                self.blocks(content, toc or is_toc)
            elif tag in (_w("customXml"), _w("ins"), _w("moveTo")):
                self.blocks(child, toc)
            elif tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    self.blocks(choice, toc)

    def _collect(self, p: Any, toc: bool) -> tuple[_Para, str | None]:
        style_id = self._style_id(p)
        para = _Para()
        self._inline(p, para, style_id, toc=toc)
        return para, style_id

    def paragraph(self, p: Any, toc: bool = False) -> None:
        para, style_id = self._collect(p, toc)
        is_heading, is_title, is_toc_style = self._heading_kind(p, style_id)
        numpr = self._numpr(p, style_id)
        label = self.numbering.label(*numpr) if numpr else None
        if para.hidden:
            self.removed.append(("docx_hidden_text", "".join(para.hidden)))
        raw = "".join(t for t, _ in para.pieces)
        if is_toc_style and raw.strip():
            para.toc.append(raw)
            para.pieces = []
            raw = ""
        if para.toc:
            self._drop_toc_title()
            self.removed.append(("docx_table_of_contents", _normalise_spaces("".join(para.toc)).strip()))
        if para.placeholder:
            self.removed.append(("docx_placeholder", "".join(para.placeholder).strip()))
        text_pieces = para.pieces
        plain = _normalise_spaces(raw).strip(" \u3000\n")
        if plain and _PLACEHOLDER_RE.match(plain):
            self.removed.append(("docx_placeholder", plain))
            text_pieces, plain = [], ""
        if not plain:
            if label and not para.toc:
                self.pending_label = label  # "3.1" above a term: the number belongs to the next paragraph
                self.pending_heading = is_heading
            self._boxes(para)
            return
        if label is None and self.pending_label is not None and numpr is None:
            label, is_heading = self.pending_label, is_heading or self.pending_heading
        self.pending_label, self.pending_heading = None, False
        self.paragraphs += 1
        bold_chars = sum(len(t.strip()) for t, b in text_pieces if b)
        all_chars = sum(len(t.strip()) for t, _ in text_pieces)
        fully_bold = bold_chars == all_chars > 0
        if fully_bold:
            self.bold_paragraphs += 1
        lines = self._split_breaks(text_pieces, join_all=is_heading or is_title)
        if label:
            self.labels += 1
            lines[0] = _with_label(label[0], label[1], lines[0])
        if is_heading or is_title or fully_bold:
            lines = [collapse_letter_spacing(line) for line in lines]
        for line in lines:
            self.lines.append(line)
        if is_title:
            self.title = self.title or lines[0]
            self.headings.append(lines[0])
        elif is_heading and len(lines[0]) <= _MAX_STYLE_HEADING_CHARS:
            self.headings.append(lines[0])
        elif fully_bold and len(lines) == 1 and _is_short_heading(lines[0]):
            self.bold_candidates.append(lines[0])
        elif not fully_bold and text_pieces and text_pieces[0][1] and bold_chars:
            self.bold_lead_ins += 1
        self._boxes(para)

    def _boxes(self, para: _Para) -> None:
        for box in para.boxes:  # text boxes: their paragraphs as lines of their own
            self.blocks(box)

    def _drop_toc_title(self) -> None:
        """The "目　录" line right before the first TOC entry belongs to the TOC."""
        if self.lines and _TOC_TITLE_RE.match(re.sub(r"\s+", "", self.lines[-1])):
            title = self.lines.pop()
            if self.headings and self.headings[-1] == title:
                self.headings.pop()
            self.removed.append(("docx_table_of_contents", title))

    @staticmethod
    def _split_breaks(pieces: list[tuple[str, bool]], join_all: bool) -> list[str]:
        """Paragraph text as lines: a break after a sentence end or before a heading marker is kept."""
        raw = _normalise_spaces("".join(t for t, _ in pieces))
        parts = [_strip_line(part) for part in raw.split("\n")]
        lines: list[str] = []
        for part in parts:
            if not part:
                continue
            if not lines:
                lines.append(part)
                continue
            prev = lines[-1].rstrip(_CLOSERS) or lines[-1]
            if not join_all and (prev[-1] in _SENTENCE_END or _HEADING_MARKER_RE.match(part)):
                lines.append(part)
            else:
                lines[-1] = join_fragments(lines[-1], part)
        return [re.sub(r" {2,}", " ", line) for line in lines] or [""]

    # ------------------------------------------------------------------ tables

    def _cell_text(self, tc: Any) -> str:
        """A cell's paragraphs (nested tables included) joined on one line, numbers rendered."""
        out = ""
        for p in tc.iter(_P):
            para, style_id = self._collect(p, False)
            numpr = self._numpr(p, style_id)
            label = self.numbering.label(*numpr) if numpr else None
            if para.toc:
                self.removed.append(("docx_table_of_contents", "".join(para.toc).strip()))
            if para.placeholder:
                self.removed.append(("docx_placeholder", "".join(para.placeholder).strip()))
            if para.hidden:
                self.removed.append(("docx_hidden_text", "".join(para.hidden)))
            text = " ".join(self._split_breaks(para.pieces, join_all=True)).strip()
            if text and _PLACEHOLDER_RE.match(text):
                self.removed.append(("docx_placeholder", text))
                text = ""
            if text and label:
                text = _with_label(label[0], label[1], text)
            out = join_fragments(out, text)
        return out

    def table(self, tbl: Any) -> None:
        rows = list(_iter_rows(tbl))
        if _is_layout_table(rows):
            self.layout_tables += 1
            for tr in rows:  # cover pages and frames: the cells' paragraphs as plain lines
                for tc in _iter_cells(tr):
                    self.blocks(tc)
            return
        grid: list[list[str]] = []
        for tr in rows:
            row: list[str] = []
            trpr = tr.find(_w("trPr"))
            before = after = 0
            if trpr is not None:
                gb, ga = trpr.find(_w("gridBefore")), trpr.find(_w("gridAfter"))
                before = _int(gb.get(_VAL), 0) if gb is not None else 0
                after = _int(ga.get(_VAL), 0) if ga is not None else 0
            row.extend([""] * (before or 0))
            for tc in _iter_cells(tr):
                tcpr = tc.find(_w("tcPr"))
                span, vmerge = 1, None
                if tcpr is not None:
                    gs, vm = tcpr.find(_w("gridSpan")), tcpr.find(_w("vMerge"))
                    span = max(1, _int(gs.get(_VAL), 1) if gs is not None else 1)
                    if vm is not None:
                        vmerge = vm.get(_VAL) or "continue"
                col = len(row)
                if vmerge == "continue" and grid and col < len(grid[-1]):
                    text = grid[-1][col]  # a vertically merged cell repeats the cell above
                else:
                    text = self._cell_text(tc)
                row.extend([text] * span)
            row.extend([""] * (after or 0))
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        grid = [r + [""] * (width - len(r)) for r in grid]
        block = table_to_lines(grid)
        if block:
            self.tables += 1
            self.lines.extend(block)


def _iter_children(parent: Any, tag: str) -> Iterator[Any]:
    """The ``tag`` children of a table or row, looking inside content controls and custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _w("customXml")):
            content = child.find(_w("sdtContent")) if child.tag == _SDT else child
            if content is not None:
                yield from _iter_children(content, tag)


def _iter_rows(tbl: Any) -> Iterator[Any]:
    return _iter_children(tbl, _TR)


def _iter_cells(tr: Any) -> Iterator[Any]:
    return _iter_children(tr, _TC)


def _plain_text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(_T))


def _is_layout_table(rows: list[Any]) -> bool:
    """A table used for page layout: every row holds at most one cell with text."""
    if not rows:
        return True
    for tr in rows:
        filled = sum(1 for tc in _iter_cells(tr) if _plain_text(tc).strip(" \u3000\u2002\u2003\u00a0"))
        if filled > 1:
            return False
    return True


def _sdt_kind(sdt: Any) -> tuple[bool, bool]:
    """(is a table of contents, shows its placeholder text) for a content control."""
    pr = sdt.find(_w("sdtPr"))
    if pr is None:
        return False, False
    gallery = pr.find(f"{_w('docPartObj')}/{_w('docPartGallery')}")
    is_toc = gallery is not None and "table of contents" in (gallery.get(_VAL) or "").lower()
    return is_toc, pr.find(_w("showingPlcHdr")) is not None


def _is_short_heading(line: str) -> bool:
    """A bold line that can be a heading: short, Chinese, not a sentence (no sentence end at all)."""
    return (len(line) <= _MAX_BOLD_HEADING_CHARS and han_count(line) >= 2 and not _SENTENCE_RE.search(line)
            and line[-1] not in "：:，,")


# --------------------------------------------------------------------------- package level


def _check_magic(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not head:
        raise IngestError(path, "file is empty")
    if head.startswith(OLE_MAGIC):
        raise IngestError(path, _ENCRYPTED)
    if not head.startswith(ZIP_MAGIC):
        raise IngestError(path, _INVALID)


def _core_properties(document: Any) -> dict[str, str]:
    """Core properties as non-empty strings (dates in ISO form)."""
    out: dict[str, str] = {}
    try:
        core = document.core_properties
    except Exception:  # a damaged docProps/core.xml must not stop the body from being read
        log.debug("core properties unreadable", exc_info=True)
        return out
    for key in ("title", "author", "created", "modified", "last_modified_by", "subject", "keywords",
                "category", "comments"):
        try:
            value = getattr(core, key)
        except Exception:
            continue
        if value is None:
            continue
        text = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
        if text:
            out[key] = text
    return out


def _part_root(document: Any, attr: str) -> Any:
    try:
        return getattr(document.part, attr).element
    except Exception:  # no such part (python-docx raises NotImplementedError/KeyError)
        return None


def _header_footer_chars(document: Any) -> int:
    """Characters of text in the header and footer parts (not read as body text)."""
    total = 0
    try:
        for rel in document.part.rels.values():
            if rel.is_external or not rel.reltype.endswith(("/header", "/footer")):
                continue
            total += len(_plain_text(rel.target_part.element).strip())
    except Exception:
        log.debug("header/footer parts unreadable", exc_info=True)
    return total


class DocxReader:
    """Reads .docx files: python-docx for the package, its XML for the body."""

    suffixes: tuple[str, ...] = (".docx",)

    def read(self, path: Path) -> RawDocument:
        """Read paragraphs and tables in order; raises ``IngestError`` for damaged or encrypted files."""
        try:
            import docx
        except ImportError:
            raise MissingDependencyError("python-docx", "Reading .docx files") from None
        path = Path(path)
        _check_magic(path)
        try:
            document = docx.Document(str(path))
            return self._extract(path, document)
        except IngestError:
            raise
        except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml XMLSyntaxError, ValueError...
            log.debug("%s: python-docx failed", path, exc_info=True)
            detail = "" if type(exc).__name__ in ("PackageNotFoundError", "BadZipFile") else f": {type(exc).__name__}: {exc}"
            raise IngestError(path, _INVALID + detail) from exc

    def _extract(self, path: Path, document: Any) -> RawDocument:
        styles = _StyleBook(_part_root(document, "_styles_part"))
        numbering = _Numbering(_part_root(document, "numbering_part"), styles)
        walker = _Walker(styles, numbering)
        body = document.element.body
        walker.blocks(body)
        headings = list(walker.headings)
        notes: list[str] = []
        if walker.bold_candidates:
            if walker.paragraphs and walker.bold_paragraphs / walker.paragraphs > _MAX_BOLD_SHARE:
                notes.append("most paragraphs are bold: bold not used as a heading hint")
            else:
                headings.extend(h for h in walker.bold_candidates if h not in headings)
                notes.append(f"{len(walker.bold_candidates)} bold-only paragraph(s) as heading hints")
        if walker.bold_lead_ins:
            notes.append(f"{walker.bold_lead_ins} paragraph(s) start with a bold lead-in (kept in the paragraph)")
        if walker.labels:
            notes.append(f"{walker.labels} automatic number(s) from numbering.xml put before their paragraphs")
        if walker.tables:
            notes.append(f"{walker.tables} table(s) converted to TAB-cell lines")
        if walker.layout_tables:
            notes.append(f"{walker.layout_tables} layout table(s) read as plain lines")
        hf = _header_footer_chars(document)
        if hf:
            notes.append(f"header/footer text not read as body text ({hf} characters)")
        text = finish_lines(walker.lines)
        if not text.strip():
            raise IngestError(path, "the document contains no text" + (
                " (only a table of contents or placeholders)" if walker.removed else ""))
        warnings: list[str] = []
        source_chars = len(re.sub(r"\s", "", _plain_text(body)))
        kept_chars = len(re.sub(r"\s", "", text))
        if source_chars and kept_chars < 0.5 * source_chars:
            warnings.append(f"only {kept_chars} of {source_chars} characters of the Word body were kept as text "
                            f"(the rest is a table of contents, placeholders or hidden text)")
        properties = _core_properties(document)
        return RawDocument(path=path, text=text, format="docx", encoding=None, headings=headings,
                           title=walker.title, notes=notes, removed=walker.removed, warnings=warnings,
                           properties=properties)
