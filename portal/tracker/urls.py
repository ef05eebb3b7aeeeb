"""Site URLs (under /mypage/, inside i18n_patterns) and the admin's (registered by wagtail_hooks)."""

from django.urls import path

from .views import admin, agreements, evidence, meetings_site, site

app_name = "tracker"

urlpatterns = [
    path("engagements/", site.engagement_list, name="engagements"),
    path("engagements/<int:pk>/", site.engagement_detail, name="engagement"),
    path("trips/", site.trip_list, name="trips"),
    path("trips/new/<int:engagement_pk>/", site.trip_new, name="trip_new"),
    path("trips/<int:pk>/", site.trip_detail, name="trip"),
    path("files/receipts/<int:pk>/", site.receipt_download, name="receipt"),
    path("files/reports/<int:pk>/", site.attachment_download, name="attachment"),
    path("files/reviews/<int:pk>/", evidence.review_statement_download, name="review_statement"),
    path("files/agreements/<int:pk>/", agreements.agreement_file_download, name="agreement_file"),
    path("meetings/", meetings_site.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", meetings_site.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/invitation.ics", meetings_site.meeting_ics, name="meeting_ics"),
]

admin_urlpatterns = [
    path("dashboard/", admin.dashboard, name="dashboard"),
]
