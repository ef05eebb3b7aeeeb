from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("local-governments/", views.local_government_autocomplete, name="local_government_autocomplete"),
]
