"""The statistics pages with their charts pass axe and raise no CSP error
(server-rendered SVG, no inline style or script)."""

from .conftest import check_axe, sign_in

COORDINATOR = "coordination@demo.maillage.fr"


def test_public_statistics_page_with_charts_is_accessible(page, live_app):
    page.goto(live_app["base"] + "/statistiques/")
    assert page.locator("figure.maillage-chart svg[role=img]").count() >= 3
    assert not page.js_errors, page.js_errors
    check_axe(page)


def test_release_page_with_charts_is_accessible(page, live_app):
    sign_in(page, live_app, COORDINATOR)
    page.goto(live_app["base"] + "/statistiques/publications/")
    href = page.locator("main a[href*='/statistiques/publications/']").first.get_attribute("href")
    page.goto(live_app["base"] + href)
    assert page.locator("figure.maillage-chart svg[role=img]").count() >= 3
    assert not page.js_errors, page.js_errors
    check_axe(page)
