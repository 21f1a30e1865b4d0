"""What every browser test does: sign in through the login form, and check a page is no wider than
the screen (nothing scrolls sideways on a 390 px phone)."""

from __future__ import annotations

from typing import Any

from accord.demo.accounts import DEMO_ACCOUNTS

DEMO_PASSWORDS = {account.username: account.password for account in DEMO_ACCOUNTS}


def sign_in(page: Any, base: str, username: str, password: str | None = None) -> None:
    """Sign in as `username` (with the demo account's password unless one is given); lands on the desk."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or DEMO_PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def assert_fits_the_screen(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"
