"""Search results as Markdown and CSV, each row with its citation (document, section, offsets)."""

from __future__ import annotations

import csv
import io
from typing import Any, Sequence

from planqa.app.render import citation_label

CSV_COLUMNS = ("rank", "score", "doc_id", "title", "region", "period", "section", "start", "end", "citation", "text")


def _row(hit: Any) -> dict[str, Any]:
    data = hit.to_dict() if hasattr(hit, "to_dict") else dict(hit)
    data["citation"] = citation_label(data["title"], data.get("section", ""), data["start"], data["end"])
    return data


def hits_to_csv(hits: Sequence[Any]) -> str:
    """CSV (UTF-8 with BOM, so Excel opens Chinese text correctly) of the hits."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for hit in hits:
        writer.writerow(_row(hit))
    return "\ufeff" + out.getvalue()


def hits_to_markdown(query: str, hits: Sequence[Any], grouped: bool = False) -> str:
    """A Markdown list of the hits (grouped under document headings if ``grouped``), quotes as blockquotes."""
    lines = [f"# 检索：{query}", "", f"共 {len(hits)} 条结果。", ""]
    current = None
    for hit in map(_row, hits):
        if grouped and hit["doc_id"] != current:
            current = hit["doc_id"]
            lines += [f"## 《{hit['title']}》（{' · '.join(p for p in (hit.get('region'), hit.get('period')) if p)}）", ""]
        lines.append(f"{hit['rank']}. {hit['citation']}")
        lines += ["", *("   > " + line for line in hit["text"].splitlines()), ""]
    return "\n".join(lines)
