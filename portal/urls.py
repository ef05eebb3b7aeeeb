"""URL map. Site pages are under i18n_patterns: Japanese at /…, English at /en/…; the admin and files are not."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal.accounts import views as accounts_views
from portal.core import views as core_views
from portal.programme.sitemaps import BilingualSitemap
from portal.tracker.views import evidence as tracker_evidence
from portal.tracker.views import public as tracker_public

handler404 = "portal.core.views.page_not_found"
handler500 = "portal.core.views.server_error"

urlpatterns = [
    # Wagtail's reports with formula-safe exports: before the admin's own URLs, which they shadow.
    path("admin/reports/", include("portal.core.admin_reports")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The language switch also remembers a signed-in user's choice; Django's view does the rest.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open-data/", include("portal.challenges.urls")),
    # One sitemap for both languages (each page's ja and en address with hreflang alternates).
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": BilingualSitemap}}, name="sitemap"),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += staticfiles_urlpatterns()
    # Images only: documents go through /documents/ (permission-checked), never straight from MEDIA_ROOT.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>(?:original_images|images)/.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += i18n_patterns(
    path("accounts/", include("portal.accounts.urls")),
    # The startup's own screens: My page, its profile, notifications, the public startup list (/mypage/, /startups/).
    path("", include("portal.startups.urls")),
    path("mypage/", include("portal.tracker.urls")),  # engagements and trips of a startup
    path(
        "", include("portal.challenges.briefings.urls")
    ),  # briefing sessions (説明会) and My briefing sessions
    path("results/", tracker_public.results, name="results"),
    path("evidence-review/<str:token>/", tracker_evidence.evidence_review, name="evidence_review"),
    path("privacy/", core_views.privacy_policy, name="privacy"),
    path("", include("portal.applications.urls")),
    path("", include("portal.conversations.urls")),  # questions on challenges, conversations
    path("geo/", include("portal.geo.urls")),  # local-government autocomplete (JSON)
    path("", include("portal.programme.urls")),  # news feeds under /news/feed/
    path("search/", include("portal.search.urls")),  # site search over SITE_SEARCH_MODELS
    path(
        "reports/", include("portal.reports.urls")
    ),  # PDFs (claim forms, summaries, challenge sheets), exports
    # Wagtail's page serving last: it matches everything else.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
