"""The startup's own screens on the site, in one place: My page, the profile editing pages (profile, track
record, team), the public startup list and a startup's public page, and the notifications page.

Views, the forms and filter only these screens use, URLs (namespace ``startups``), templates under
``templates/startups/`` and My page's reads (``selectors.py``, the ``startups_tags`` sections).

The models stay where the lower layers need them: ``StartupProfile`` in ``portal.accounts`` and the profile's
contact, track record and team in ``portal.applications`` (with the services that write them), because
applications and matching read them to apply, check eligibility and score — an app up here would make those
lower layers import upwards. This app only shows them and calls those services. It sits above tracker,
conversations and reports (My page reads all of them) and below demo; the engagement, trip and meeting pages a
startup uses stay in the tracker (they are the tracker's objects) and My page links to them
(docs/architecture.md, "Where a newcomer looks").
"""
