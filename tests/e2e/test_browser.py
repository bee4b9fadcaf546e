"""End to end: `streamlit run app.py` headless, opened in headless Chromium (Debian's chromium,
driven by Playwright), a question asked, the cited answer read off the page, a screenshot saved."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import app_screenshots as browser  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(browser.CHROMIUM).exists(), reason=f"no Chromium at {browser.CHROMIUM} "
                       "(scripts/test.sh installs Debian's chromium)"),
]


def test_ask_in_a_real_browser(two_plan_index, tmp_path):
    pytest.importorskip("playwright", reason="pip install playwright (requirements-dev.txt)")
    shot = tmp_path / "ask.png"
    with browser.running_app(two_plan_index, browser.free_port()) as url, browser.browser_page() as page:
        text = browser.ask(page, url, "台山农村科技特派员到2025年的目标人数是多少？")
        assert "500" in text and "[1]" in text and "在原文中查看" in text
        assert "台山市科技创新发展“十四五”规划" in text
        page.screenshot(path=str(shot), full_page=True)
        # the citation opens the source with the quoted span marked
        page.get_by_role("button", name="在原文中查看").first.click()
        page.get_by_text("引用位置").wait_for(timeout=60_000)
        assert "/viewer" in page.url and "doc=taishan-14fyp" in page.url
        frame = page.frame_locator("iframe").first
        assert "500" in frame.locator("#target").inner_text(timeout=30_000)
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_two_browser_sessions_at_once(two_plan_index):
    """Two sessions ask at the same time against one server (one model, one index in memory)."""
    pytest.importorskip("playwright", reason="pip install playwright (requirements-dev.txt)")
    from playwright.sync_api import sync_playwright

    questions = {"台山农村科技特派员到2025年的目标人数是多少？": "500",
                 "江门科技赋能百千万工程方案提出到2025年推动多少名科技特派员投身服务？": "800"}
    with browser.running_app(two_plan_index, browser.free_port()) as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS, headless=True)
        try:
            pages = [chromium.new_context().new_page() for _ in questions]
            for page, question in zip(pages, questions):
                page.goto(url + "/", wait_until="networkidle")
                page.get_by_label("问题", exact=True).fill(question)
            for page in pages:  # both submitted before either is answered
                page.get_by_role("button", name="提问").click()
            for page, expected in zip(pages, questions.values()):
                browser.wait_for_cited_answer(page, 180_000, expected)  # times out if it never shows
                assert expected in page.inner_text("body")
        finally:
            chromium.close()
