"""Tables in captured plan text, and the indicator records read from them.

Two captured forms are recognised:
- numbered tables: a cell "序号", the header cells, then rows that each start with the
  next row number (1, 2, 3 …) and have as many cells as the header. Cells stand one per
  line, either TAB-indented (Word conversions; a following line without TAB continues the
  cell) or as plain lines (web pages);
- TAB tables: a run of TAB-indented cell lines with rows separated by empty lines (what the
  .docx/.pdf/.html readers emit); the first row is the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from planqa.records import Indicator, Table

MAX_CELL_CHARS = 80
MAX_HEADER_CELLS = 20  # a 序号 line followed by more cells than this before "1" is no table header


@dataclass
class TableBlock:
    """A table found in the line stream, before offsets are known."""

    header: list[str]
    rows: list[list[str]]
    caption: str | None = None
    note: str | None = None


def _join_cell(parts: list[str]) -> str:
    return "".join(p.strip() for p in parts).replace("|", "｜")


def _iter_cells(lines: list[str], start: int) -> Iterator[tuple[str, int]]:
    """Cells from ``start`` on, as (text, index of the line after the cell), read lazily so a
    caller that stops early costs only what it read."""
    tab_mode = lines[start].startswith("\t")
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if tab_mode and not line.startswith("\t"):
            break
        if not tab_mode and (line.startswith("\t") or len(line.strip()) > MAX_CELL_CHARS):
            break
        parts = [line]
        index += 1
        while tab_mode and index < len(lines) and lines[index].strip() and not lines[index].startswith("\t"):
            parts.append(lines[index])  # a wrapped cell
            index += 1
        yield _join_cell(parts), index


def parse_numbered_table(lines: list[str], start: int) -> tuple[TableBlock, int] | None:
    """Parse a table whose first cell (``lines[start]``) is 序号. Returns (table, next index).

    The header is the cells before the first "1" (at most ``MAX_HEADER_CELLS``); rows follow
    while each starts with the next row number. Cells are read only as far as the table goes,
    so a document of many 序号 lines stays linear.
    """
    cells = _iter_cells(lines, start)
    header: list[str] = []
    for text, _ in cells:
        if text == "1":
            break
        header.append(text)
        if len(header) > MAX_HEADER_CELLS:
            return None
    else:
        return None
    ncols = len(header)
    if ncols < 2:
        return None
    rows: list[list[str]] = []
    row, end = ["1"], -1
    for text, after in cells:
        if not row and text != str(len(rows) + 1):
            break
        row.append(text)
        if len(row) == ncols:
            rows.append(row)
            row, end = [], after
    if not rows:
        return None
    return TableBlock(header, rows), end


def parse_tab_table(lines: list[str], start: int) -> tuple[TableBlock, int] | None:
    """Parse a run of TAB cells whose rows are separated by empty lines."""
    rows: list[list[str]] = []
    index = start
    while index < len(lines) and lines[index].startswith("\t"):
        row: list[str] = []
        while index < len(lines) and lines[index].startswith("\t"):
            parts = [lines[index]]
            index += 1
            while index < len(lines) and lines[index].strip() and not lines[index].startswith("\t"):
                parts.append(lines[index])
                index += 1
            row.append(_join_cell(parts))
        rows.append(row)
        if len(rows[0]) < 2:
            return None  # no header row: stop before reading the rest of the run
        while index < len(lines) and not lines[index].strip():
            index += 1
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    return TableBlock(rows[0], rows[1:]), index


def render_row(cells: list[str] | tuple[str, ...]) -> str:
    """How a table row reads in the cleaned text."""
    return " | ".join(cells)


# ---------------------------------------------------------------- indicator records

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_NAME_HEADERS = ("指标", "指标名称", "主要指标", "名称", "项目")
_UNIT_IN_NAME = re.compile(r"[（(]([^（()）]{1,6})[）)]\s*$")
NATURES = ("预期性", "约束性")


def _column(header: tuple[str, ...], *names: str) -> int | None:
    for i, cell in enumerate(header):
        if any(name in cell for name in names):
            return i
    return None


def nature_from(*texts: str | None) -> str | None:
    """预期性/约束性 if one of the texts says which (caption, note, cell)."""
    for text in texts:
        for nature in NATURES:
            if text and nature in text:
                return nature
    return None


def indicators_from_table(table: Table, table_index: int, period_years: tuple[int, int] | None) -> list[Indicator]:
    """Indicator records of a table whose header has an indicator column and year columns.

    The baseline is the latest year before the plan period, the target the latest year in it
    (e.g. for 十四五 2021–2025: 2020 baseline, 2025 target). Without a period the first and
    last year columns are used.
    """
    header = table.header
    name_col = _column(header, *_NAME_HEADERS)
    year_cols = [(i, int(m.group(1))) for i, cell in enumerate(header) if (m := _YEAR.search(cell))]
    if name_col is None or not year_cols:
        return []
    unit_col = _column(header, "单位")
    change_col = _column(header, "变化", "增长", "增幅", "累计")
    nature_col = _column(header, "属性", "性质")
    table_nature = nature_from(table.caption, table.note)
    records = []
    for row_no, (row, (start, end)) in enumerate(zip(table.rows, table.row_spans), start=1):
        name = row[name_col]
        unit = row[unit_col] if unit_col is not None else None
        if unit is None and (m := _UNIT_IN_NAME.search(name)):
            unit, name = m.group(1), name[: m.start()].strip()
        values = {str(header[i]): row[i] for i, _ in year_cols}
        baseline_col = target_col = None
        if period_years:
            before = [(i, y) for i, y in year_cols if y < period_years[0]]
            within = [(i, y) for i, y in year_cols if y >= period_years[0]]
            baseline_col = before[-1] if before else None
            target_col = within[-1] if within else None
        else:
            baseline_col, target_col = year_cols[0], year_cols[-1] if len(year_cols) > 1 else None
        records.append(
            Indicator(
                indicator=name,
                unit=unit or None,
                baseline_year=baseline_col[1] if baseline_col else None,
                baseline_value=row[baseline_col[0]] if baseline_col else None,
                target_year=target_col[1] if target_col else None,
                target_value=row[target_col[0]] if target_col else None,
                change=row[change_col] if change_col is not None else None,
                nature=nature_from(row[nature_col]) if nature_col is not None else table_nature,
                values=values,
                table_index=table_index,
                row=row_no,
                start=start,
                end=end,
            )
        )
    return records


def _with_unit(value: str, unit: str | None) -> str:
    """"148" + 家 → "148家"; a value that is not a number ("全省平均水平") stays as it is."""
    if unit and re.fullmatch(r"[\d.]+", value):
        return value + unit
    return value


def indicator_sentence(record: Indicator) -> str:
    """An indicator row read as a sentence: "高新技术企业：2020年148家，2025年目标200家（预期性）"."""
    empty = (None, "", "—", "--", "——", "-")
    parts = []
    if record.baseline_year and record.baseline_value not in empty:
        parts.append(f"{record.baseline_year}年{_with_unit(record.baseline_value, record.unit)}")
    if record.target_year and record.target_value not in empty:
        parts.append(f"{record.target_year}年目标{_with_unit(record.target_value, record.unit)}")
    if record.change not in empty:
        parts.append(str(record.change))
    text = f"{record.indicator}：" + "，".join(parts)
    return text + (f"（{record.nature}）" if record.nature else "")
