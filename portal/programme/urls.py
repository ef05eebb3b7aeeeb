"""News feeds, served before Wagtail's pages (inside i18n_patterns: /news/feed/… and /en/news/feed/…)."""

from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("news/feed/rss/", views.news_rss, name="news_rss"),
    path("news/feed/atom/", views.news_atom, name="news_atom"),
]
