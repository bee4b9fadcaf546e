"""Start the app headless, drive it in headless Chromium and save screenshots to docs/screenshots/.

    python scripts/app_screenshots.py [--index DIR] [--out docs/screenshots] [--port 8599]

Needs Debian's chromium (/usr/bin/chromium), a CJK font (fonts-wqy-microhei) and the PyPI
package playwright (its own browsers are not downloaded; it drives the system Chromium).
The end-to-end test (tests/e2e/test_browser.py) uses the same functions.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PLANQA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ASK_QUESTION = "开平市到2025年高新技术企业目标是多少？"
PRECEDENT_QUERY = "科技特派员 服务乡村"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(index_dir: Path, port: int, env: dict[str, str] | None = None,
                timeout: float = 180) -> Iterator[str]:
    """``streamlit run app.py`` headless on ``port``; yields the base URL once it answers."""
    environment = {**os.environ, "PLANQA_INDEX": str(index_dir), **(env or {})}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(cmd, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
                raise RuntimeError(f"the app did not start on {url}:\n{output[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def browser_page(width: int = 1440, height: int = 1000) -> Iterator[object]:
    """A Playwright page in the system's headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            yield page
        finally:
            browser.close()


def ask(page, url: str, question: str = ASK_QUESTION, timeout_ms: int = 180_000) -> str:
    """Open the ask page, ask ``question``, wait for the cited answer; returns the page text."""
    page.goto(url + "/", wait_until="networkidle")
    page.get_by_label("问题", exact=True).fill(question)
    page.get_by_role("button", name="提问").click()
    wait_for_cited_answer(page, timeout_ms)
    return page.inner_text("body")


def wait_for_cited_answer(page, timeout_ms: int = 180_000, expected: str = "") -> None:
    """Wait until the answer, its [n] links and the citation cards are all drawn: the 引用 heading
    can be on screen a moment before the HTML blocks around it (answer, quotes) are."""
    page.get_by_text("引用（").first.wait_for(timeout=timeout_ms)
    page.wait_for_function(
        """expected => { const text = document.body.innerText;
                         return text.includes("[1]") && text.includes("在原文中查看") && text.includes(expected); }""",
        arg=expected, timeout=60_000)


def precedents(page, url: str, query: str = PRECEDENT_QUERY, timeout_ms: int = 120_000) -> str:
    page.goto(url + "/search", wait_until="networkidle")
    page.get_by_label("检索内容", exact=True).fill(query)
    page.get_by_text("各地做法对比", exact=True).click()
    page.get_by_role("button", name="检索", exact=True).click()
    page.get_by_text("条结果（各地做法对比）").wait_for(timeout=timeout_ms)
    page.wait_for_timeout(800)
    return page.inner_text("body")


def indicators(page, url: str, timeout_ms: int = 60_000) -> str:
    page.goto(url + "/indicators", wait_until="networkidle")
    page.get_by_text("同一指标的各规划对比").wait_for(timeout=timeout_ms)
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=timeout_ms)
    page.wait_for_timeout(1500)
    return page.inner_text("body")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("PLANQA_INDEX") or ROOT / "index"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with running_app(args.index, args.port or free_port()) as url, browser_page() as page:
        ask(page, url)
        page.screenshot(path=str(args.out / "ask.png"), full_page=True)
        precedents(page, url)
        page.screenshot(path=str(args.out / "precedents.png"), full_page=True)
        indicators(page, url)
        page.locator("[data-testid='stVegaLiteChart']").first.scroll_into_view_if_needed()
        page.screenshot(path=str(args.out / "indicators.png"), full_page=True)
        page.goto(url + "/viewer?doc=kaiping-14fyp&start=4751&end=4793", wait_until="networkidle")
        page.get_by_text("引用位置").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(args.out / "viewer.png"), full_page=True)
    print("screenshots in", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
