"""The reviews pages in Chromium, on the demo's reviews: nothing wider than the screen at 390 px, and a
project owner answers the reviewer's question in place (htmx swaps the review's panel) so its clock runs
again."""

from __future__ import annotations

import pytest
from e2e_browser import assert_fits_the_screen, sign_in

from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.reviews.models import Review, ReviewState


@pytest.fixture
def demo_reviews(transactional_db):
    context = create_demo_accounts()
    build_organisation(context)
    build_reviews(context)
    return context


def test_every_reviews_page_fits_the_screen(live_server, demo_reviews, chromium, tmp_path):
    waiting = Review.objects.get(state=ReviewState.WAITING)
    pages = ["/reviews/", "/reviews/projects/", f"/reviews/projects/{waiting.project.slug}/", f"/reviews/{waiting.pk}/",
             "/reviews/sla/", f"/reviews/projects/{waiting.project.slug}/edit/", "/reviews/projects/import/"]
    for username in ("analyst", "owner", "cio"):
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            sign_in(page, live_server.url, username)
            for path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status in (200, 403), (username, path)
                assert_fits_the_screen(page)
                name = path.strip("/").replace("/", "-") or "home"
                page.screenshot(path=str(tmp_path / f"{username}-{width}-{name}.png"), full_page=True)
            page.close()


def test_the_owner_answers_in_place_and_the_clock_runs_again(live_server, demo_reviews, chromium):
    waiting = Review.objects.get(state=ReviewState.WAITING)
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "owner")
    page.goto(f"{live_server.url}/reviews/{waiting.pk}/")
    assert "paused" in page.locator("#clock").inner_text()
    page.fill("#step-answer textarea[name=answer]", "Diagram on the wiki; the pen test covers login and claims.")
    page.click("#step-answer button[type=submit]")
    page.locator("#review-panel .messages").wait_for()
    assert "the clock runs again" in page.locator("#review-panel").inner_text()
    assert "paused" not in page.locator("#clock").inner_text()
    assert page.url.endswith(f"/reviews/{waiting.pk}/")  # swapped in place, no reload
    waiting.refresh_from_db()
    assert waiting.state == ReviewState.IN_REVIEW
    assert_fits_the_screen(page)
