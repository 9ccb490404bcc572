from django.urls import path

from hub.accounts import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/complete/", views.profile_complete, name="profile_complete"),
]
