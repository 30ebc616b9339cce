from django.urls import path

from . import views

urlpatterns = [
    path("none", views.none),
    path("fragment", views.fragment),
    path("page", views.page),
]
