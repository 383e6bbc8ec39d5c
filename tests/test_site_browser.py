"""The site in a real browser: the real dataset's site, loaded from file://
in headless Chromium at 1280 and 390 px wide. No page scrolls sideways or
logs an error to the console, the stance matrix is on screen, and the
filters of the matrix and the statement list show exactly the items they
should (computed here from the tables, not from the page).

Chromium is driven by selenium through the system's chromedriver (Debian:
apt-get install chromium chromium-driver; .ci/run installs them), with a
new empty profile, and nothing is downloaded: without Chromium or
chromedriver the test is skipped and says so. IL76_CHROMIUM and
IL76_CHROMEDRIVER name other binaries. Screenshots are saved under the
test's temporary folder."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from il76_claims.model.project import Project, default_sources_dir
from il76_claims.publish import site

BROWSER = os.environ.get("IL76_CHROMIUM") or next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = os.environ.get("IL76_CHROMEDRIVER") or shutil.which("chromedriver")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (BROWSER and DRIVER),
        reason="the browser test needs Chromium and chromedriver, and this machine lacks "
        + " and ".join(n for n, p in (("Chromium", BROWSER), ("chromedriver", DRIVER)) if not p)
        + ": apt-get install chromium chromium-driver (.ci/run installs them)",
    ),
]
WIDTHS = (1280, 390)
# Chromium's command line for a closed machine: no sandbox (containers), no
# network of its own (its connections would be refused and logged), a new
# empty profile, scroll bars hidden so that widths are the page's own.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
SHOTS = ("index.html", "matrix.html", "statements.html", "timeline.html", "figures.html", "sources.html")


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    """The project folder of a copy of this repository's records, with its site built."""
    root = tmp_path_factory.mktemp("browser") / "project"
    for name in ("records", "schemas", "docs"):
        shutil.copytree(REPO / name, root / name)
    for name in ("dataset.yaml", "CHANGELOG.md"):
        shutil.copy(REPO / name, root / name)
    project = Project(root=str(root), sources_dir=default_sources_dir(str(REPO)))
    assert site.build_site(project).check.ok
    from il76_claims.publish.build import build

    assert build(project).ok  # the tables, to compare the filters with
    return root


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must never fetch a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(DRIVER), options=options)
    d.set_page_load_timeout(120)
    d.set_script_timeout(60)
    yield d
    d.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def open_page(driver, root: Path, name: str, width: int):
    driver.get_log("browser")  # earlier pages' messages; the caller reads this one's
    driver.set_window_size(width, 900)
    driver.get((root / site.SITE_DIR / name).as_uri())
    assert driver.execute_script("return window.innerWidth") == width


def errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def screenshot(driver, shots: Path, name: str, width: int):
    height = min(driver.execute_script("return document.documentElement.scrollHeight"), 5000)
    driver.set_window_size(width, height)
    driver.save_screenshot(str(shots / f"{name[:-5]}-{width}.png"))
    driver.set_window_size(width, 900)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_or_logs_an_error(driver, real, shots, width):
    names = sorted(p.name for p in (real / site.SITE_DIR).glob("*.html"))
    assert len(names) > 20
    problems = []
    for name in names:
        driver.set_window_size(width, 900)
        driver.get((real / site.SITE_DIR / name).as_uri())
        scroll, client = driver.execute_script("var e = document.documentElement; return [e.scrollWidth, e.clientWidth]")
        if scroll > client:
            problems.append(f"{name}: {scroll} px wide in a {client} px window")
        problems += [f"{name}: console: {e['message']}" for e in errors(driver)]
        if name in SHOTS or name == names[0]:
            screenshot(driver, shots, name, width)
    assert problems == []
    assert (shots / f"matrix-{width}.png").stat().st_size > 1000


@pytest.mark.parametrize("width", WIDTHS)
def test_the_matrix_is_on_screen(driver, real, width):
    from selenium.webdriver.common.by import By

    open_page(driver, real, "matrix.html", width)
    table = driver.find_element(By.ID, "matrix")
    assert table.is_displayed()
    cell = driver.find_element(By.CSS_SELECTOR, "#matrix a.stance")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", cell)
    # The element the reader would see at the stance's centre is the stance
    # itself (or a part of it): nothing covers it and it is not clipped away.
    hit = driver.execute_script(
        "var r = arguments[0].getBoundingClientRect(); var e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return arguments[0].contains(e) && r.width > 0 && r.height > 0",
        cell,
    )
    assert hit
    assert errors(driver) == []


def rows(real: Path, table: str) -> list[dict]:
    with (real / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def visible(driver, selector: str, attribute: str) -> set[str]:
    """The attribute of each element the page shows (offsetParent is null
    for an element that is not rendered, or inside one that is not)."""
    script = "return Array.from(document.querySelectorAll(arguments[0])).filter(function (e) { return e.offsetParent !== null; }).map(function (e) { return e.getAttribute(arguments[1]); })"
    return set(driver.execute_script(script.replace("arguments[1]", repr(attribute)), selector))


def settled(driver, get, expected):
    """get()'s value once it equals expected, else its value after a
    generous wait: the page applies a filter in an event handler, and a reset
    only after its event, so the answer may take a moment."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, 30, poll_frequency=0.05).until(lambda _: get() == expected)
    except TimeoutException:
        pass
    return get()


def shown(driver) -> set[str]:
    """Ids of the statements the list shows."""
    return {i[3:] for i in visible(driver, "#statement-list > li", "id")}


def possible(s: dict, first: str, last: str) -> bool:
    """Whether a statement may have been made between first and last, from
    its date and precision: the filter's rule, written again from the codebook."""
    p, d, end = s["date_precision"], s["date"], s["date_end"] or s["date"]
    starts, ends = ("" if p == "on_or_before" else d), ("" if p == "on_or_after" else end if p == "range" else d)
    return (not ends or not first or ends >= first) and (not starts or not last or starts <= last)


def set_date(driver, name: str, value: str):
    # A date field's typed form depends on the locale; set its value as a script would.
    driver.execute_script(
        "var el = document.querySelector('#statement-filter [name=' + arguments[0] + ']'); el.value = arguments[1]; el.dispatchEvent(new Event('input', {bubbles: true}));", name, value
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_statement_filters_show_exactly_the_matching_statements(driver, real, width):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(driver, real, "statements.html", width)
    on_page = shown(driver)  # the first page of the list, which is all of it for the real dataset
    statements = [s for s in rows(real, "statements") if s["id"] in on_page]
    positions = [p for p in rows(real, "claim_positions") if p["statement_id"] in on_page]
    form = driver.find_element(By.ID, "statement-filter")
    assert form.is_displayed() and len(statements) == len(on_page) > 1
    speaker = max(sorted({s["speaker_id"] for s in statements}), key=lambda a: sum(s["speaker_id"] == a for s in statements))
    Select(form.find_element(By.NAME, "speaker")).select_by_value(speaker)
    expected = {s["id"] for s in statements if s["speaker_id"] == speaker}
    assert settled(driver, lambda: shown(driver), expected) == expected
    kind = sorted({s["kind"] for s in statements if s["speaker_id"] == speaker})[0]
    Select(form.find_element(By.NAME, "kind")).select_by_value(kind)
    expected = {s["id"] for s in statements if s["speaker_id"] == speaker and s["kind"] == kind}
    assert settled(driver, lambda: shown(driver), expected) == expected != set()
    form.find_element(By.CSS_SELECTOR, "button[type=reset]").click()
    expected = {s["id"] for s in statements}
    assert settled(driver, lambda: shown(driver), expected) == expected
    claim = positions[0]["claim_id"]
    Select(form.find_element(By.NAME, "claim")).select_by_value(claim)
    expected = {p["statement_id"] for p in positions if p["claim_id"] == claim}
    assert settled(driver, lambda: shown(driver), expected) == expected
    Select(form.find_element(By.NAME, "claim")).select_by_value("")
    day = min(s["date"] for s in statements)
    for first, last in ((day, day), ("", day), (day, "")):
        set_date(driver, "from", first)
        set_date(driver, "to", last)
        expected = {s["id"] for s in statements if possible(s, first, last)}
        assert settled(driver, lambda: shown(driver), expected) == expected, (first, last)
    assert driver.find_element(By.ID, "statement-count").text.endswith(f"of {len(statements)} statements shown")
    assert errors(driver) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_matrix_filters_show_one_topic_and_one_actor_type(driver, real, width):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(driver, real, "matrix.html", width)
    on_page = {h[len("claim-") : -len(".html")] for h in visible(driver, "#matrix th.claim a", "href")}
    claims, actors = [c for c in rows(real, "claims") if c["id"] in on_page], {a["id"]: a for a in rows(real, "actors")}
    positions = {f"{p['claim_id']}/{p['position']}" for p in rows(real, "claim_positions") if p["claim_id"] in on_page}
    assert visible(driver, "#matrix a.stance", "data-position") == positions
    columns = {h[len("actor-") : -len(".html")] for h in visible(driver, "#matrix th.actor a", "href")}
    form = driver.find_element(By.ID, "matrix-filter")
    topic = claims[0]["topic"]
    Select(form.find_element(By.NAME, "topic")).select_by_value(topic)
    expected = {f"claim-{c['id']}.html" for c in claims if c["topic"] == topic}
    assert settled(driver, lambda: visible(driver, "#matrix th.claim a", "href"), expected) == expected
    Select(form.find_element(By.NAME, "topic")).select_by_value("")
    kind = actors[sorted(columns)[0]]["actor_type"]
    Select(form.find_element(By.NAME, "actor_type")).select_by_value(kind)
    expected = {f"actor-{a}.html" for a in columns if actors[a]["actor_type"] == kind}
    assert settled(driver, lambda: visible(driver, "#matrix th.actor a", "href"), expected) == expected
    form.find_element(By.CSS_SELECTOR, "button[type=reset]").click()
    assert settled(driver, lambda: visible(driver, "#matrix a.stance", "data-position"), positions) == positions
    assert errors(driver) == []
