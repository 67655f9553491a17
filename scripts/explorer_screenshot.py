#!/usr/bin/env python3
"""Re-makes docs/images/explorer.png: the explorer on its default town (136,500
people, 20 volunteer organisers, two years, 5 replicates) against the same
plus 200 paid organisers (B, model.organisers.count = 200), in headless
Chromium (the browser test's helpers, tests/python). Run after a results
version changes (docs/versions.md, "How a results version is re-derived"):

    /usr/bin/python3 scripts/explorer_screenshot.py [OUT.png]

About a minute on two cores. The other explorer images come from the browser
test (ctest -R python.test_explore_browser writes build/artifacts/)."""
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "tests", "python"))
os.environ.setdefault("GROUNDSWELL", os.path.join(root, "build", "groundswell"))
from cdp import Browser  # noqa: E402
from explore_server import ExploreServer  # noqa: E402


def set_in_panel(b, key, value):
    b.evaluate(f"(() => {{ const input = document.querySelector('#parameters .param[data-key=\"{key}\"] input');"
               f" input.value = {value!r}; input.dispatchEvent(new Event('change')); return true; }})()")


def run(b):
    b.evaluate("document.getElementById('run').click(), true")
    b.wait_for("window.explorer.state.status === 'done' || window.explorer.state.status === 'error'", timeout=600)
    if b.evaluate("window.explorer.state.status") != "done":
        sys.exit(f"explorer_screenshot: the run failed: {b.evaluate('window.explorer.state.error')}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "docs", "images", "explorer.png")
    server = ExploreServer()
    browser = Browser()
    try:
        browser.navigate(server.url)
        browser.wait_for("window.explorer && window.explorer.state.status === 'idle'", timeout=60)
        browser.evaluate("window.explorer.setCompare(true), true")
        browser.evaluate("document.querySelector('.arm-tab[data-arm=\"b\"]').click(), true")
        set_in_panel(browser, "model.organisers.count", "200")
        run(browser)
        browser.screenshot(out)
        a = browser.evaluate("document.getElementById('final-participation').dataset.value")
        b = browser.evaluate("document.getElementById('final-participation-b').dataset.value")
        print(f"wrote {out}: final participation A {float(a):.4f}, B {float(b):.4f}")
    finally:
        browser.close()
        server.stop()


if __name__ == "__main__":
    main()
