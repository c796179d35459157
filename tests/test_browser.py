"""The web page in a real headless Chromium (Selenium), against a real `tracker serve` process.

The list shows the seed's deadline, filters narrow it, the detail page explains the date, marking
done changes the status and the feed, hostile document text shows as text, and the pages work on
phone and desktop widths. Screenshots go to tests/.artifacts/ (git-ignored) for a person to look
at. Skipped with a reason when Chromium, chromedriver or Selenium is missing; with CI=true that
is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CLI, ON_CI, ROOT
from tests.test_web_pages_support import (
    HOSTILE_SCRIPT,
    HOSTILE_TITLE_SCRIPT,
    SEED_ACTOR,
    SEED_EXPLANATION,
    SEED_UID_DOMAIN,
    TOKEN,
    ingest,
    only_id,
    page_server,
    write_hostile,
)

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / ".artifacts"
DESKTOP = (1280, 900)
PHONE = (390, 844)


def _missing(reason: str) -> None:
    if ON_CI:
        pytest.fail(reason + " (CI requires it)")
    pytest.skip(reason)


def _executables() -> tuple[str, str]:
    chromium = os.environ.get("TRACKER_TEST_CHROMIUM") or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
    )
    driver = os.environ.get("TRACKER_TEST_CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromium or not driver:
        _missing(
            "headless Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)"
        )
    return str(chromium), str(driver)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    chromium, driver = _executables()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    session = webdriver.Chrome(service=Service(driver), options=options)
    session.set_page_load_timeout(30)
    try:
        yield session
    finally:
        session.quit()


def screenshot(browser: Any, name: str, *, phone: bool = False) -> Path:
    """A full-page PNG at desktop or phone width (device emulation: viewport meta, touch, DPR 2)."""
    width, height = PHONE if phone else DESKTOP
    metrics = {"width": width, "height": height, "deviceScaleFactor": 2 if phone else 1, "mobile": phone}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    full = browser.execute_script("return document.documentElement.scrollHeight")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": min(full, 4000)})
    # Nothing may stick out sideways at this width (a page that needs horizontal scrolling fails).
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{'phone' if phone else 'desktop'}.png"
    browser.save_screenshot(str(path))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than the {width}px screen"
    return path


def both_widths(browser: Any, name: str) -> None:
    screenshot(browser, name)
    screenshot(browser, name, phone=True)


def click_and_wait(browser: Any, element: Any) -> None:
    """Click something that loads a new page, and wait until it has."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(old))


def sign_in(browser: Any, base: str) -> None:
    browser.get(f"{base}/login?token={TOKEN}")
    assert browser.current_url == f"{base}/", "sign-in should land on the list"


def rows(browser: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, "table.deadlines tbody th a")]


def console_errors(browser: Any) -> list[str]:
    """Console errors other than the favicon's 404 (CSP violations would show here)."""
    return [
        e["message"]
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE" and "favicon" not in e["message"]
    ]


def test_list_filters_and_explanation(sqlite_cli: CLI, seed: Path, tmp_path: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    cli = sqlite_cli
    ingest(cli, seed, write_hostile(tmp_path / "docs"))
    oid = only_id(cli, SEED_ACTOR)
    with page_server(cli) as server:
        base = server.base
        browser.get(f"{base}/")
        assert "Sign in" in browser.find_element(By.TAG_NAME, "h1").text  # 401 page
        browser.get_log("browser")  # drops the console's note of that 401
        sign_in(browser, base)
        assert browser.title == "Deadlines · Regulatory deadlines"
        table = browser.find_element(By.CSS_SELECTOR, "table.deadlines")
        assert table.find_element(By.TAG_NAME, "caption").text.startswith("Deadlines matching the filters")
        assert [h.get_attribute("scope") for h in table.find_elements(By.CSS_SELECTOR, "thead th")] == [
            "col"
        ] * 2
        assert len(rows(browser)) == 2
        seed_row = browser.find_element(By.XPATH, f"//tr[.//a[@href='/o/{oid}']]")
        assert "2026-11-30" in seed_row.text and "20 days" in seed_row.text
        assert "overdue" not in (seed_row.get_attribute("class") or "")
        late = browser.find_element(By.CSS_SELECTOR, "tr.overdue")
        assert "132 days overdue" in late.text
        # Every form control has a label; keyboard focus starts at the skip link and is visible.
        unlabeled = browser.execute_script(
            "return [...document.querySelectorAll('input:not([type=hidden]), select')]"
            ".filter(e => e.labels.length === 0).map(e => e.name)"
        )
        assert unlabeled == []
        both_widths(browser, "list")
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        focused = browser.switch_to.active_element
        assert focused.text == "Skip to content" and focused.is_displayed()
        assert focused.value_of_css_property("outline-style") != "none"

        # Filters: the URL carries them, so the view can be shared.
        browser.find_element(By.ID, "f-actor").send_keys("homeland")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
        assert "actor=homeland" in browser.current_url
        assert rows(browser) == [f"{SEED_ACTOR}: revise importer-of-record rules"]
        shared = browser.current_url
        browser.get(f"{base}/")
        browser.get(shared)
        assert (
            len(rows(browser)) == 1
            and browser.find_element(By.ID, "f-actor").get_attribute("value") == "homeland"
        )
        browser.get(f"{base}/?q=pwned")
        assert len(rows(browser)) == 1 and "Secretary of Commerce" in rows(browser)[0]
        browser.get(f"{base}/?due_after=2026-12-01")
        assert rows(browser) == [] and "No deadlines match" in browser.find_element(By.ID, "summary").text

        browser.get(f"{base}/")
        click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Month timeline"))
        months = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.month h2")]
        assert months == ["July 2026 (1)", "November 2026 (1)"]
        both_widths(browser, "timeline")

        browser.get(f"{base}/")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"a[href='/o/{oid}']"))
        assert browser.current_url == f"{base}/o/{oid}"
        steps = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ol.steps li")]
        assert steps[-1] == SEED_EXPLANATION and steps[0].startswith("Anchor:")
        quotes = browser.find_elements(By.CSS_SELECTOR, ".sources blockquote")
        assert quotes and all("180 days" in q.text for q in quotes)
        link = browser.find_element(By.CSS_SELECTOR, ".sources a")
        assert (
            link.get_attribute("href")
            == "https://wpnews.pro/news/u-s-customs-deploys-ai-in-import-enforcement"
        )
        both_widths(browser, "detail")
        assert console_errors(browser) == []


def test_marking_done_changes_status_and_feed(sqlite_cli: CLI, seed: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    cli = sqlite_cli
    ingest(cli, seed)
    oid = only_id(cli, SEED_ACTOR)
    uid = f"UID:{oid}@{SEED_UID_DOMAIN}".encode()
    with page_server(cli) as server:
        base = server.base
        sign_in(browser, base)
        click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Calendar feeds"))
        browser.find_element(By.ID, "n-name").send_keys("Open duties")
        Select(browser.find_element(By.ID, "n-status")).select_by_value("open")
        click_and_wait(browser, browser.find_element(By.XPATH, "//button[text()='Create feed']"))
        url = browser.find_element(By.ID, "feed-url").get_attribute("value")
        assert re.fullmatch(rf"{re.escape(base)}/feeds/[A-Za-z0-9_-]{{43}}\.ics", url)
        webcal = browser.find_element(By.PARTIAL_LINK_TEXT, "Apple Calendar").get_attribute("href")
        assert webcal == "webcal://" + url.split("://", 1)[1]
        google = browser.find_element(By.PARTIAL_LINK_TEXT, "Google Calendar").get_attribute("href")
        assert google.startswith("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F")
        copy = browser.find_element(By.CSS_SELECTOR, "button[data-copy]")
        assert copy.is_displayed()  # the script ran (CSP allows it) and revealed the button
        browser.execute_cdp_cmd(
            "Browser.grantPermissions",
            {"origin": base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
        )
        copy.click()
        status = browser.find_element(By.ID, "copy-status")
        WebDriverWait(browser, 10).until(lambda _: status.text)
        assert status.text == "Copied to the clipboard."
        copied = browser.execute_async_script("navigator.clipboard.readText().then(arguments[0])")
        assert copied == url
        both_widths(browser, "feeds-created")

        with httpx.Client(trust_env=False, timeout=10) as http:
            assert uid in http.get(url).content

            browser.get(f"{base}/o/{oid}")
            assert browser.find_element(By.ID, "status").text == "open"
            browser.find_element(By.ID, "done-reason").send_keys("rules published")
            click_and_wait(browser, browser.find_element(By.XPATH, "//button[text()='Mark done']"))
            assert browser.current_url == f"{base}/o/{oid}?changed=done"
            assert browser.find_element(By.CSS_SELECTOR, ".notice").text == "Marked done."
            assert browser.find_element(By.ID, "status").text == "done"
            history = browser.find_element(By.CSS_SELECTOR, "table.history tbody").text
            assert "web status status: open → done rules published" in history
            assert uid not in http.get(url).content  # an open-duties feed drops it

            click_and_wait(browser, browser.find_element(By.XPATH, "//button[text()='Reopen']"))
            assert browser.find_element(By.ID, "status").text == "open"
            assert uid in http.get(url).content
        assert console_errors(browser) == []


def test_hostile_document_text_shows_as_text(sqlite_cli: CLI, tmp_path: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    cli = sqlite_cli
    ingest(cli, write_hostile(tmp_path / "docs"))
    oid = only_id(cli, "Secretary of Commerce")
    with page_server(cli) as server:
        sign_in(browser, server.base)
        for path in ("/", "/?view=timeline", f"/o/{oid}"):
            browser.get(server.base + path)
            assert HOSTILE_SCRIPT in browser.find_element(By.TAG_NAME, "main").text, path
            assert browser.execute_script("return typeof window.__pwned") == "undefined", path
            scripts = browser.execute_script("return [...document.scripts].map(s => s.getAttribute('src'))")
            assert len(scripts) == 1 and scripts[0].startswith("/static/app.js?v="), path
            assert browser.find_elements(By.CSS_SELECTOR, "main img") == [], path
            hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.TAG_NAME, "a")]
            assert not any(h.lower().startswith("javascript:") for h in hrefs), path
        assert HOSTILE_SCRIPT in browser.find_element(By.TAG_NAME, "h1").text
        assert HOSTILE_TITLE_SCRIPT in browser.find_element(By.CSS_SELECTOR, ".source-title").text
        assert HOSTILE_SCRIPT in browser.title
        both_widths(browser, "hostile")
        assert console_errors(browser) == []
