from django.urls import path

from ihss.training import views

app_name = "training"

urlpatterns = [
    path("catalog/", views.catalog_page, name="catalog"),
    path("courses/<int:pk>/", views.course_page, name="course"),
]
