"""The browser tests' log-in step: the site's own login form, filled in and sent as a user does."""

from tests import factories


def log_in(pg, email, password=factories.PASSWORD):
    """Log `email` in on the page `pg` (a Playwright page); returns once the page the form led to has loaded."""
    pg.goto("/accounts/login/")
    pg.locator("#id_username").fill(email)
    pg.locator("#id_password").fill(password)
    pg.locator("form button[type=submit]").last.click()
    pg.wait_for_load_state()
