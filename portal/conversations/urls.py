"""Site URLs (inside i18n_patterns): questions on challenges, conversations, the e-mail preference."""

from django.urls import path

from .views import site

app_name = "conversations"

urlpatterns = [
    path("challenges/<int:challenge_id>/questions/ask/", site.ask, name="ask"),
    path("challenges/<int:challenge_id>/follow/", site.follow, name="follow"),
    path("mypage/messages/", site.thread_list, name="threads"),
    path("mypage/messages/settings/", site.preferences, name="preferences"),
    path("mypage/messages/<int:thread_pk>/files/<int:pk>/", site.attachment, name="attachment"),
    path("applications/<int:pk>/messages/", site.application_thread, name="application_thread"),
    path("mypage/engagements/<int:pk>/messages/", site.engagement_thread, name="engagement_thread"),
]
