"""Profile pages, and two allauth MFA pages replaced by versions that keep `next`
(included before allauth's own URLs, at the same addresses and names)."""

from django.urls import path

from hub.accounts import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/complete/", views.profile_complete, name="profile_complete"),
    path("2fa/totp/activate/", views.activate_totp, name="mfa_activate_totp"),
    path("2fa/recovery-codes/", views.view_recovery_codes, name="mfa_view_recovery_codes"),
]
