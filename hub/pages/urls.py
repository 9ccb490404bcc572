from django.urls import path, re_path

from hub.pages import views

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    re_path(r"^assets/(?P<path>[\w-]+(?:/[\w-]+)*\.\w+)$", views.nhsuk_asset, name="nhsuk_asset"),
]
