"""The site in a real browser: the real dataset's site and a synthetic one of
100 actors, 100 claims and 50 sources, loaded from file:// in headless
Chromium at 1280 and 390 px wide. No page scrolls sideways or logs an error
to the console, every page has its title and a link to the method, the
first screen of the home page holds the disputed claims, and the filters
of the claims and the statement list show exactly the items they should
(computed here from the tables, not from the page) at 390 px, and are
shown at 1280.

Chromium is driven by selenium through the system's chromedriver (Debian:
apt-get install chromium chromium-driver; .ci/run installs them), with a
new empty profile, and nothing is downloaded: without Chromium or
chromedriver the test is skipped and says so. IL76_CHROMIUM and
IL76_CHROMEDRIVER name other binaries. A page that scrolls sideways or
logs an error is saved as a screenshot under the test's temporary folder.
The tests share one Chromium and the two built trees, so they run in one
xdist group (one worker builds the trees once)."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from il76_claims.model.project import Project, default_sources_dir
from il76_claims.publish import site

BROWSER = os.environ.get("IL76_CHROMIUM") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
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
# The filters are tried at the narrow width, where a form is likeliest to be
# hidden or covered; at the wide one it need only be shown.
NARROW = 390
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
# Entity pages of each kind checked in the browser besides every list: the
# largest ones, where a long name or list would first push the page wide.
LARGEST = 4


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    """The project folder of a copy of this repository's records, with its site built."""
    root = tmp_path_factory.mktemp("browser") / "project"
    for name in ("records", "schemas", "docs"):
        shutil.copytree(REPO / name, root / name)
    for name in ("dataset.yaml", "CHANGELOG.md"):
        shutil.copy(REPO / name, root / name)
    # The committed tables, to compare the filters with (test_build holds them fresh).
    shutil.copytree(REPO / "data", root / "data")
    project = Project(root=str(root), sources_dir=default_sources_dir(str(REPO)))
    assert site.build_site(project).check.ok
    return root


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """A synthetic project of 100 actors, 100 claims and 50 sources, with its site."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = tmp_path_factory.mktemp("synthetic") / "tree"
    synth.write_tree(str(root), 600, fixed={"actor": 100, "claim": 100, "source": 50})
    project = Project(root=str(root), sources_dir=None)
    assert site.build_site(project).check.ok
    from il76_claims.publish.build import build

    assert build(project).ok
    return root


@pytest.fixture(scope="module", params=["real", "synthetic"])
def any_tree(request) -> Path:
    return request.getfixturevalue(request.param)


def checked_pages(root: Path) -> list[str]:
    """Every list page, and the largest pages of each kind of entity."""
    paths = sorted((root / site.SITE_DIR).glob("*.html"))
    lists = [p.name for p in paths if not p.name.startswith(("claim-", "actor-", "source-"))]
    largest = []
    for stem in ("claim-", "actor-", "source-"):
        kind = sorted(
            (p for p in paths if p.name.startswith(stem)), key=lambda p: (-p.stat().st_size, p.name)
        )
        largest += [p.name for p in kind[:LARGEST]]
    return lists + largest


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


def screenshot(driver, shots: Path, name: str, width: int) -> Path:
    """The whole page (up to 5,000 px down) at width, saved for whoever reads a failure."""
    height = min(driver.execute_script("return document.documentElement.scrollHeight"), 5000)
    driver.set_window_size(width, height)
    path = shots / f"{name[:-5]}-{width}.png"
    driver.save_screenshot(str(path))
    return path


def page_problems(driver, name: str, width: int) -> list[str]:
    """What is wrong with the loaded page at width: a sideways scroll, a missing
    title or link to the method, a console error."""
    driver.set_window_size(width, 900)
    scroll, client, title, method = driver.execute_script(
        "var e = document.documentElement; return [e.scrollWidth, e.clientWidth,"
        " document.title, document.querySelectorAll('footer .method a').length]"
    )
    problems = [f"{name}: {scroll} px wide in a {client} px window"] if scroll > client else []
    if not title.strip() or not method:
        problems.append(f"{name}: no title, or no link to the method")
    return problems + [f"{name}: console: {e['message']}" for e in errors(driver)]


def test_no_page_scrolls_sideways_or_logs_an_error(driver, any_tree, shots):
    # Each page is loaded once and laid out again at each width.
    names = checked_pages(any_tree)
    assert len(names) > 20
    problems = []
    for name in names:
        driver.get_log("browser")
        driver.get((any_tree / site.SITE_DIR / name).as_uri())
        for width in WIDTHS:
            found = page_problems(driver, name, width)
            if found:
                found.append(
                    f"{name}: {screenshot(driver, shots, f'{any_tree.name}-{name}', width)}"
                )
            problems += found
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_first_screen_of_the_home_page_holds_the_disputed_claims(driver, any_tree, width):
    open_page(driver, any_tree, "index.html", width)
    top = driver.execute_script(
        "var h = document.querySelector('.dispute > li h3'); return h && h.getBoundingClientRect().bottom"
    )
    assert top is not None and 0 < top <= 900, top
    claims = {c["id"]: c for c in rows(any_tree, "claims")}
    first = driver.execute_script(
        "return document.querySelector('.dispute > li h3 a').getAttribute('href')"
    )[len("claim-") : -len(".html")]
    assert claims[first]["status"] == "disputed" or not any(
        c["status"] == "disputed" for c in claims.values()
    )
    assert errors(driver) == []


def rows(real: Path, table: str) -> list[dict]:
    with (real / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def visible(driver, selector: str, attribute: str) -> set[str]:
    """The attribute of each element the page shows (offsetParent is null
    for an element that is not rendered, or inside one that is not)."""
    script = "return Array.from(document.querySelectorAll(arguments[0])).filter(function (e) { return e.offsetParent !== null; }).map(function (e) { return e.getAttribute(arguments[1]); })"
    return set(driver.execute_script(script.replace("arguments[1]", repr(attribute)), selector))


def settled(driver, get, expected, within=False):
    """get()'s value once it equals expected (or, within, holds all of it),
    else its value after a generous wait: the page applies a filter in an
    event handler, and a reset only after its event, so the answer may take
    a moment."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    def done(_) -> bool:
        got = get()
        return expected <= got if within else got == expected

    try:
        WebDriverWait(driver, 30, poll_frequency=0.05).until(done)
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
    starts, ends = (
        ("" if p == "on_or_before" else d),
        ("" if p == "on_or_after" else end if p == "range" else d),
    )
    return (not ends or not first or ends >= first) and (not starts or not last or starts <= last)


def set_date(driver, name: str, value: str):
    # A date field's typed form depends on the locale; set its value as a script would.
    driver.execute_script(
        "var el = document.querySelector('#statement-filter [name=' + arguments[0] + ']'); el.value = arguments[1]; el.dispatchEvent(new Event('input', {bubbles: true}));",
        name,
        value,
    )


def filter_form(driver, root: Path, page: str, form_id: str):
    """The page's filter form, found shown at both widths and left at the narrow one."""
    from selenium.webdriver.common.by import By

    open_page(driver, root, page, WIDTHS[0])
    form = driver.find_element(By.ID, form_id)
    assert form.is_displayed()
    driver.set_window_size(NARROW, 900)
    assert form.is_displayed()
    return form


def test_the_statement_filters_show_exactly_the_matching_statements(driver, any_tree):
    real = any_tree
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    form = filter_form(driver, real, "statements.html", "statement-filter")
    on_page = shown(driver)  # the first page of the list, which is all of it for the real dataset
    statements = [s for s in rows(real, "statements") if s["id"] in on_page]
    positions = [p for p in rows(real, "claim_positions") if p["statement_id"] in on_page]
    assert len(statements) == len(on_page) > 1
    speaker = max(
        sorted({s["speaker_id"] for s in statements}),
        key=lambda a: sum(s["speaker_id"] == a for s in statements),
    )
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
    assert driver.find_element(By.ID, "statement-count").text.endswith(
        f"of {len(statements)} statements shown"
    )
    assert errors(driver) == []


def shown_claims(driver) -> set[str]:
    return {i[len("claim-") :] for i in visible(driver, ".filterable > li", "id")}


def test_the_claim_filters_show_exactly_the_claims_of_a_party_a_country_and_a_status(
    driver, any_tree
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    form = filter_form(driver, any_tree, "claims.html", "claim-filter")
    on_page = shown_claims(driver)
    claims = [c for c in rows(any_tree, "claims") if c["id"] in on_page]
    sides = [r for r in rows(any_tree, "claim_actors") if r["claim_id"] in on_page]
    actors = {a["id"]: a for a in rows(any_tree, "actors")}
    assert len(claims) == len(on_page) > 1
    party = max(
        sorted({r["actor_id"] for r in sides}), key=lambda a: sum(r["actor_id"] == a for r in sides)
    )
    Select(form.find_element(By.NAME, "party")).select_by_value(party)
    expected = {r["claim_id"] for r in sides if r["actor_id"] == party}
    assert settled(driver, lambda: shown_claims(driver), expected) == expected
    Select(form.find_element(By.NAME, "party")).select_by_value("")
    country = actors[party]["country"]
    Select(form.find_element(By.NAME, "country")).select_by_value(country)
    expected = {r["claim_id"] for r in sides if actors[r["actor_id"]]["country"] == country}
    assert settled(driver, lambda: shown_claims(driver), expected) == expected
    form.find_element(By.CSS_SELECTOR, "button[type=reset]").click()
    Select(form.find_element(By.NAME, "status")).select_by_value(claims[0]["status"])
    expected = {c["id"] for c in claims if c["status"] == claims[0]["status"]}
    assert settled(driver, lambda: shown_claims(driver), expected) == expected
    form.find_element(By.CSS_SELECTOR, "button[type=reset]").click()
    word = claims[0]["proposition"].split()[-1].strip(".").lower()
    driver.find_element(By.NAME, "q").send_keys(word)
    expected = {c["id"] for c in claims if word in c["proposition"].lower()}
    assert expected <= settled(driver, lambda: shown_claims(driver), expected, within=True)
    assert errors(driver) == []


def test_a_wide_page_without_a_method_link_and_with_an_error_is_reported(driver, tmp_path):
    page = tmp_path / "wide.html"
    page.write_text(
        "<!doctype html><title>Wide</title><body style='margin:0'><div style='width:2000px'>x</div>"
        "<script>console.error('broken')</script>",
        encoding="utf-8",
    )
    driver.get_log("browser")
    driver.get(page.as_uri())
    found = page_problems(driver, "wide.html", 390)
    assert found[:2] == [
        "wide.html: 2000 px wide in a 390 px window",
        "wide.html: no title, or no link to the method",
    ]
    assert len(found) == 3 and "broken" in found[2]
