from django.urls import path

from . import views

app_name = "challenges"

urlpatterns = [
    path("challenges.json", views.challenges_json, name="open_data_json"),
    path("challenges.csv", views.challenges_csv, name="open_data_csv"),
]
