"""Site URLs (inside i18n_patterns) of the startup's own screens. The paths are the ones users bookmarked before
these screens moved here; only the names changed (namespace ``startups``)."""

from django.urls import path

from .views import mypage, notifications, profiles

app_name = "startups"

urlpatterns = [
    path("mypage/", mypage.mypage, name="mypage"),
    path("mypage/profile/", profiles.profile_edit, name="profile"),
    path("mypage/profile/track-record/", profiles.track_record_add, name="track_record_add"),
    path(
        "mypage/profile/track-record/<int:pk>/delete/",
        profiles.track_record_remove,
        name="track_record_remove",
    ),
    path("mypage/profile/team/", profiles.team_member_add, name="team_add"),
    path("mypage/profile/team/<int:pk>/delete/", profiles.team_member_remove, name="team_remove"),
    path("mypage/notifications/", notifications.notification_list, name="notifications"),
    path("startups/", profiles.startup_list, name="startup_list"),
    path("startups/<slug:slug>/", profiles.startup_detail, name="startup_detail"),
]
