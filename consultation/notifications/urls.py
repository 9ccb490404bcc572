from django.urls import path

from consultation.notifications import views

app_name = "notifications"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<slug:kind>/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/check-your-email/", views.subscribe_sent, name="subscribe_sent"),
    path(
        "subscribe/confirm/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
]
