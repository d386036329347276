"""The planners' dashboard: the model behind it, and the real page in headless Chromium."""

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest

from scenarios.apps.dashboard import DashboardModel, figure, headline
from scenarios.apps.sandbox import (
    effect_table,
    lever_groups,
    run_sandbox,
    with_levers,
)
from scenarios.campaigns.effects import effect_over_time

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_dashboard_model_steps_with_its_reference():
    m = DashboardModel(scenario="kuntakokeilu", levers={"scenario.coaching.caseload": 60.0},
                       scale=0.02)
    assert m.config.scenario.coaching.caseload == 60.0
    assert m.reference.config.scenario.services == m.config.scenario.services
    for _ in range(4):
        m.step()
    assert m.t == m.reference.t == 4
    a, b = headline(m), headline(m.reference)
    assert a["ur"].shape == (4, 5) and np.isfinite(a["ur_region"]).all()
    # the same seed: identical before the experiment starts (2021-03)
    np.testing.assert_array_equal(a["structural"], b["structural"])
    assert len(figure(m).axes) == 4
    lahti = headline(m, "Lahti")
    assert lahti["structural"][-1] < a["structural"][-1]  # a part of the region
    np.testing.assert_array_equal(lahti["ur"], a["ur"])  # the rates stay by municipality


def test_the_sandbox_offers_the_declared_levers_of_the_scenario():
    groups = lever_groups("kuntakokeilu")
    paths = {p.path for ps in groups.values() for p in ps}
    assert "Personal coaching" in groups and "Public employment service" in groups
    assert {"scenario.coaching.caseload", "scenario.services.caseload"} <= paths
    assert not any("eligibility" in x for x in paths)
    assert "scenario.coaching.caseload" not in {p.path for ps in lever_groups("te_office").values()
                                                 for p in ps}
    # only the levers moved from the scenario's values go into the comparison
    s = with_levers("kuntakokeilu", {"scenario.coaching.caseload": 145.0,
                                     "scenario.strong_start.capacity": 900.0})
    assert s.levers == (("scenario.strong_start.capacity", 900.0),)
    assert "'compare.overrides.kuntakokeilu={scenario.strong_start.capacity:900}'" in s.command()


def test_the_command_on_the_page_gives_the_page_s_effect_table(tmp_path):
    s = with_levers("coaching_intensity", {"scenario.coaching.caseload": 40.0},
                    scale=0.03, replications=2, end="2021-12")
    record = run_sandbox(s, tmp_path / "page", workers=2)
    argv = shlex.split(s.command())
    assert argv[:2] == ["kohtaanto", "compare"]
    r = subprocess.run([sys.executable, "-m", "scenarios.apps.cli", *argv[1:],
                        f"hydra.run.dir={tmp_path / 'cli'}"], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    cli = pd.read_parquet(tmp_path / "cli" / "effects.parquet")
    pd.testing.assert_frame_equal(record["effects"].reset_index(drop=True), cli)
    table = effect_table(cli, "coaching_intensity")
    assert set(table.outcome) >= {"structurally unemployed (persons)", "unemployment rate"}
    undecided = table[(table.low < 0) & (table.high > 0) & (table.note == "")]
    assert undecided.empty  # every interval spanning zero says so in words
    over = effect_over_time(record["results"], "te_office", "coaching_intensity",
                            "structural_unemployment")
    assert len(over) == 48 and (over.low <= over.effect).all() and (over.effect <= over.high).all()
    assert (over[over.month < "2021-03"].effect == 0).all()  # common random numbers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("dash") / "server.log"
    proc = subprocess.Popen([sys.executable, "-m", "scenarios.apps.cli", "dashboard", "--port", str(port),
                             "--host", "127.0.0.1"], stdout=log.open("w"),
                            stderr=subprocess.STDOUT, cwd=tmp_path_factory.getbasetemp())
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(url, timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard did not start: " + log.read_text()[-2000:])
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        # stopping the command stops the server (no orphaned solara process)
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=2)


def _structural(page) -> str:
    """The table's first cell of the effect on structural unemployment (experiment window)."""
    row = page.get_by_role("row").filter(has_text="structurally unemployed (persons)").first
    row.wait_for(timeout=120_000)
    return row.locator("td").nth(2).inner_text()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium browser on this machine: install Debian's "
                    "chromium package (make test tries apt-get install chromium) to run it")
def test_dashboard_in_a_real_browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(server, wait_until="networkidle", timeout=120_000)
            page.get_by_text("Choose a scenario").wait_for(timeout=120_000)
            run = page.get_by_role("button", name="Run")
            t0 = time.monotonic()
            run.click()
            page.get_by_text("Reproduce it").wait_for(timeout=180_000)
            first_seconds = time.monotonic() - t0
            first = _structural(page)
            assert first.startswith(("-", "+")) and "[" in first
            assert page.get_by_text("compare.scale=0.5").first.is_visible()
            # move a lever: personal coaching's caseload down by ten steps of 5
            slider = page.locator(".v-card").filter(has_text="Personal coaching").get_by_role(
                "slider").first
            before = slider.get_attribute("aria-valuenow")
            slider.focus()
            for _ in range(10):
                page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(500)
            assert float(slider.get_attribute("aria-valuenow")) == float(before) - 50
            page.get_by_text("caseload: 95 clients per coach").wait_for(timeout=10_000)
            run.click()
            page.get_by_text("Running:").wait_for(timeout=30_000)
            # the page answers while the comparison runs: the step-by-step tab steps a month
            page.get_by_role("tab", name="Step by step").click()
            t1 = time.monotonic()
            page.get_by_role("button", name="Step a month").click()
            page.get_by_text("differences here include sampling noise").wait_for(timeout=20_000)
            answered_at = time.monotonic()
            answered = answered_at - t1
            page.get_by_role("tab", name="Policy sandbox").click()
            page.get_by_text("Running:").wait_for(state="detached", timeout=180_000)
            done_at = time.monotonic()
            page.get_by_text("compare.overrides.kuntakokeilu").first.wait_for(timeout=30_000)
            second = _structural(page)
            assert second != first  # the numbers follow the lever
            # the step was answered well before the comparison finished
            assert answered < 15 and answered_at < done_at - 1
            shot = os.environ.get("KOHTAANTO_SCREENSHOT")
            if shot:
                page.screenshot(path=shot, full_page=True)
            print(f"first Run {first_seconds:.1f} s; step answered in {answered:.1f} s")
        finally:
            browser.close()
