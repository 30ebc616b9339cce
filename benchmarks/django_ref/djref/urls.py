from django.urls import path

from . import views

urlpatterns = [
    path("none", views.none),
    path("fragment", views.fragment),
    path("page", views.page),
    path("cheap/none", views.cheap_none),
    path("cheap/fragment", views.cheap_fragment),
    path("cheap/page", views.cheap_page),
]
