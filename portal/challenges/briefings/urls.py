from django.urls import path

from . import views

app_name = "briefings"

urlpatterns = [
    path("briefings/<int:pk>/", views.session_detail, name="detail"),
    path("briefings/<int:pk>/register/", views.session_register, name="register"),
    path("briefings/<int:pk>/cancel-registration/", views.registration_cancel, name="cancel_registration"),
    path("briefings/<int:pk>/calendar.ics", views.session_ics, name="ics"),
    path("briefings/<int:pk>/slides/", views.session_slides, name="slides"),
    path("mypage/briefings/", views.my_sessions, name="mine"),
]
