"""The planners' dashboard: the model behind it, and the real page in headless Chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from scenarios.apps.dashboard import DashboardModel, figure, headline, lever_params

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_dashboard_model_steps_with_its_reference():
    m = DashboardModel(scenario="kuntakokeilu", scale=0.02)
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


def test_sliders_come_from_the_declared_parameters():
    params = lever_params()
    assert params["scenario"]["type"] == "Select" and "kuntakokeilu" in params["scenario"]["values"]
    c = params["caseload"]
    assert c["type"] == "SliderFloat" and 5 <= c["min"] < c["value"] < c["max"] <= 1000
    assert "Lahti" in params["municipality"]["values"]
    r = params["subsidy_rate"]
    assert 0 <= r["min"] < r["max"] <= 1


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


def _chart(page) -> str:
    img = page.locator("img").last
    img.wait_for(timeout=60_000)
    return img.get_attribute("src") or ""


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium browser on this machine: install Debian's "
                    "chromium package (make test tries apt-get install chromium) to run it")
def test_dashboard_in_a_real_browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server, wait_until="networkidle", timeout=120_000)
            page.get_by_text("No month simulated yet").wait_for(timeout=120_000)
            before = _chart(page)
            step = page.get_by_role("button", name="Step")
            for _ in range(3):
                step.click()
                page.wait_for_timeout(700)
            page.get_by_text("unemployment rate").first.wait_for(timeout=60_000)
            after_steps = _chart(page)
            assert after_steps != before
            # move a slider (the model is rebuilt with the new lever), then step again
            slider = page.get_by_role("slider", name="Personal coaching: clients per coach")
            before_value = slider.get_attribute("aria-valuenow")
            slider.focus()
            for _ in range(10):
                page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(500)
            assert slider.get_attribute("aria-valuenow") != before_value
            page.wait_for_timeout(1500)
            step.click()
            page.wait_for_timeout(1500)
            step.click()
            page.wait_for_timeout(1500)
            assert _chart(page) != after_steps
            shot = Path(os.environ.get("KOHTAANTO_SCREENSHOT", "")) if os.environ.get(
                "KOHTAANTO_SCREENSHOT") else None
            if shot:
                page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
