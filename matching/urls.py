"""Admin URLs of the matching screens (registered under /admin/matching/ by wagtail_hooks)."""

from django.urls import path

from . import views

admin_urlpatterns = [
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/compare/", views.run_compare, name="compare"),
    path("runs/<int:pk>/challenges/<int:challenge_pk>/", views.run_challenge, name="challenge"),
]
