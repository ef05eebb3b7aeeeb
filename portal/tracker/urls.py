"""Site URLs (under /mypage/, inside i18n_patterns) and the admin's (registered by wagtail_hooks)."""

from django.urls import path

from .views import admin, site

app_name = "tracker"

urlpatterns = [
    path("engagements/", site.engagement_list, name="engagements"),
    path("engagements/<int:pk>/", site.engagement_detail, name="engagement"),
    path("trips/", site.trip_list, name="trips"),
    path("trips/new/<int:engagement_pk>/", site.trip_new, name="trip_new"),
    path("trips/<int:pk>/", site.trip_detail, name="trip"),
    path("files/receipts/<int:pk>/", site.receipt_download, name="receipt"),
    path("files/reports/<int:pk>/", site.attachment_download, name="attachment"),
]

admin_urlpatterns = [
    path("", admin.engagement_list, name="engagements"),
    path("<int:pk>/", admin.engagement_detail, name="engagement"),
    path("outside-match/", admin.outside_match, name="outside_match"),
    path("travel/", admin.travel_list, name="travel"),
    path("travel/<int:pk>/", admin.travel_detail, name="travel_request"),
    path("budgets/", admin.budgets, name="budgets"),
    path("budgets/<int:year>/ledger/", admin.ledger, name="ledger"),
    path("adoptions/", admin.adoptions, name="adoptions"),
    path("dashboard/", admin.dashboard, name="dashboard"),
]
