"""Site URLs (inside i18n_patterns): a startup's applications. (Its profile, the public startup list and the
notifications page are portal/startups/urls.py.)"""

from django.urls import path

from .views import apply

app_name = "applications"

urlpatterns = [
    path("applications/", apply.my_applications, name="mine"),
    path("applications/new/<int:challenge_id>/", apply.apply_start, name="apply"),
    path("applications/<int:pk>/", apply.detail, name="detail"),
    path("applications/<int:pk>/edit/", apply.edit, name="edit"),
    path("applications/<int:pk>/submit/", apply.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", apply.withdraw, name="withdraw"),
    path("applications/<int:pk>/preference/", apply.preference, name="preference"),
    path("applications/<int:pk>/attachments/", apply.attachment_upload, name="attachment_upload"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        apply.attachment_download,
        name="attachment_download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/delete/",
        apply.attachment_delete,
        name="attachment_delete",
    ),
]
