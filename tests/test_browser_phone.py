"""Every public page type on a 360 px phone, with and without JavaScript, in English and in
Norwegian: nothing is cut off.

One browser context per JavaScript setting and one page in each, reused for every address, so
the walk costs a page load per address rather than a browser per address.
"""

import pytest
from playwright.sync_api import Browser

from tests.test_browser_site import site_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
PAGE_TYPES = (
    "home", "rivalries", "rivalry", "head-to-head", "athlete", "race", "quote", "search",
)  # fmt: skip

# What a reader cannot see at this width: elements (with their text) that stick out of the
# viewport, scroll sideways inside a box, or clip content in a box that hides its overflow.
# Visually hidden text (the 1 px clipped boxes for screen readers) is meant to be unseen.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const hidden = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") return true;
      if (style.position === "absolute" && style.clip !== "auto") return true;
      if (node.classList.contains("visually-hidden")) return true;
    }
    return false;
  };
  const describe = (el) => `${el.tagName.toLowerCase()}.${el.className}: `
    + (el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 60);
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  }
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
    if (hidden(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const outside = (b) => b.left < -1 || b.right > width + 1;
    // The first box to stick out, not each of its ancestors and descendants again.
    const parent = el.parentElement;
    const parentOutside = parent && parent !== document.body && !hidden(parent)
      && outside(parent.getBoundingClientRect());
    if (outside(box) && !parentOutside) {
      const span = `${Math.round(box.left)}..${Math.round(box.right)}`;
      problems.push(`outside the viewport (${span}) ${describe(el)}`);
    }
    const style = getComputedStyle(el);
    const clips = ["auto", "scroll", "hidden"].includes(style.overflowX);
    if (clips && el.scrollWidth > el.clientWidth + 1) {
      const sizes = `${el.scrollWidth} > ${el.clientWidth}`;
      problems.push(`scrolled or clipped inside (${sizes}) ${describe(el)}`);
    }
  }
  return problems;
}"""


def test_every_page_type_fits_a_phone_with_and_without_javascript(
    browser: Browser, live_server, demo
):
    pages = {name: path for name, path in site_pages().items() if name in PAGE_TYPES}
    assert set(pages) == set(PAGE_TYPES)
    # Norwegian words run longer ("innbyrdes oppgjør"): the same walk under /nb/.
    pages |= {f"{name} (nb)": f"/nb{path}" for name, path in pages.items()}
    failures = []
    for javascript in (True, False):
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
        try:
            page = context.new_page()
            for name, path in pages.items():
                page.goto(live_server.url + path)
                cells = page.locator("main td, main th").count()
                if name.removesuffix(" (nb)") in ("head-to-head", "race", "athlete"):
                    assert cells > 0, f"{name} has no table to check"
                failures += [
                    f"{name} (JavaScript {'on' if javascript else 'off'}): {problem}"
                    for problem in page.evaluate(CUT_OFF)
                ]
        finally:
            context.close()
    assert not failures, "\n".join(failures)
