from django.urls import path

from . import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SiteLoginView.as_view(), name="login"),
    path("logout/", views.SiteLogoutView.as_view(), name="logout"),
    path("after-login/", views.after_login, name="after_login"),
    path("login/unlock/", views.login_unlock_request, name="login_unlock_request"),
    path("login/unlock/<str:token>/", views.login_unlock, name="login_unlock"),
    path("account/", views.account, name="account"),
    path("account/two-factor/", two_factor_views.manage, name="two_factor"),
    path("account/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("account/two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path(
        "account/two-factor/recovery-codes/", two_factor_views.recovery_regenerate, name="two_factor_recovery"
    ),
    path("account/two-factor/off/", two_factor_views.disable, name="two_factor_disable"),
    path("account/email/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("verify/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
]
