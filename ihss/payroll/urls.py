from django.urls import path  # noqa: F401

app_name = "payroll"

urlpatterns: list = []  # type: ignore[type-arg]
