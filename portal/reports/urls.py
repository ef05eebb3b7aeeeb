"""Site URLs (inside i18n_patterns, under /reports/) and the admin's (registered by wagtail_hooks under /admin/reports/)."""

from django.urls import path

from .exports import DATASETS
from .views import admin, site

app_name = "reports"

urlpatterns = [
    path("trips/<int:pk>/claim.pdf", site.claim_form_pdf, name="claim_form"),
    path("engagements/<int:pk>/summary.pdf", site.engagement_summary_pdf, name="engagement_summary"),
    path("challenges/<int:pk>/sheet.pdf", site.challenge_sheet_pdf, name="challenge_sheet"),
    path("evidence/<int:pk>/pack.pdf", site.evidence_pack_pdf, name="evidence_pack"),
    path("applications/<int:pk>/application.pdf", site.application_pdf, name="application"),
    path("proposals/<int:pk>/sheet.pdf", site.proposal_sheet_pdf, name="proposal_sheet"),
    path("exports/<slug:dataset>.<slug:fmt>", site.my_export, name="export"),
]


def _admin_report_urls():
    urls = []
    for name in DATASETS:
        index_view, results_view = admin.report_view(name)
        urls += [
            path(f"exports/{name}/", index_view, name=name),
            path(f"exports/{name}/results/", results_view, name=f"{name}_results"),
        ]
    return urls


admin_urlpatterns = [
    path("", admin.index, name="index"),
    path("annual/<int:year>/", admin.annual_report, name="annual"),
    path("annual/files/<int:pk>/", admin.annual_file, name="annual_file"),
    path("annual/files/<int:pk>/download/", admin.download, name="download"),
    *_admin_report_urls(),
]
