"""The Content-Security-Policy in a real browser (Debian's Chromium): the main pages, their charts and
htmx's swaps work under it and Chromium reports no violation; an injected inline script does not run."""

from __future__ import annotations

import pytest
from e2e_browser import sign_in

from accord.demo.accounts import create_demo_accounts
from accord.demo.incidents import build_incidents
from accord.demo.organisation import build_organisation
from accord.demo.patching import build_patching
from accord.demo.portfolio import build_portfolio
from accord.demo.posture import build_posture
from accord.demo.reviews import build_reviews
from accord.demo.risks import build_risks
from accord.demo.vulns import build_vulnerabilities

pytestmark = pytest.mark.e2e

# Every violation the page reports, kept on window before any page script runs.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def demo(transactional_db):
    context = create_demo_accounts()
    for builder in (build_organisation, build_risks, build_vulnerabilities, build_patching, build_portfolio,
                    build_posture, build_incidents, build_reviews):
        builder(context)
    return context


def _open(page, url: str, console: list[str]) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp") + [m for m in console if "Content Security Policy" in m]


def test_main_pages_and_htmx_work_under_the_policy(live_server, demo, chromium):
    from accord.risks.models import RiskScenario

    scenario = RiskScenario.objects.order_by("slug").first()
    pages = ["/", "/risks/", f"/risks/scenarios/{scenario.slug}/", "/risks/portfolio/", "/vulns/", "/patching/", "/patching/plans/",
             "/portfolio/", "/reviews/", "/incidents/", "/reports/", "/posture/", "/org/assets/"]
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, live_server.url, "ciso")
    for path in pages:
        assert _open(page, f"{live_server.url}{path}", console) == [], path

    # The portfolio page: its chart is an inline SVG, and the budget slider swaps the best set with htmx.
    assert _open(page, f"{live_server.url}/portfolio/", console) == []
    assert page.locator("main svg").count() >= 1
    before = page.locator("#best").inner_html()
    slider = page.locator("#budget-range")
    low = slider.get_attribute("min")
    with page.expect_response(lambda r: "/portfolio/best/" in r.url and r.status == 200):
        slider.fill(low)
    page.wait_for_function("(before) => document.querySelector('#best').innerHTML !== before", arg=before)
    assert page.locator("#budget-out").inner_text() == f"{int(float(low)):,}"  # behaviours.js, not an inline handler
    assert page.evaluate("window.__csp") == [] and not [m for m in console if "Content Security Policy" in m]


def test_an_injected_inline_script_is_blocked(live_server, demo, chromium):
    page = chromium.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, live_server.url, "ciso")
    page.evaluate("""() => {
      window.__ran = false;
      const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.append(s);
      const b = document.createElement('img'); b.setAttribute('onerror', 'window.__ran = true'); b.src = 'x:';
      document.body.append(b);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is False
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
