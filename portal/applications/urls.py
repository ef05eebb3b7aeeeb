"""Site URLs (inside i18n_patterns): public startup profiles, a startup's applications, its profile and notifications."""

from django.urls import path

from .views import apply, profiles

app_name = "applications"

urlpatterns = [
    path("startups/", profiles.startup_list, name="startup_list"),
    path("startups/<slug:slug>/", profiles.startup_detail, name="startup_detail"),
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
    path("mypage/profile/", profiles.profile_edit, name="profile"),
    path("mypage/profile/track-record/", profiles.track_record_add, name="track_record_add"),
    path(
        "mypage/profile/track-record/<int:pk>/delete/",
        profiles.track_record_remove,
        name="track_record_remove",
    ),
    path("mypage/profile/team/", profiles.team_member_add, name="team_add"),
    path("mypage/profile/team/<int:pk>/delete/", profiles.team_member_remove, name="team_remove"),
    path("mypage/notifications/", profiles.notification_list, name="notifications"),
]
