from django.urls import path

from ihss.payroll import deposit_views

app_name = "payroll"

urlpatterns: list = [  # type: ignore[type-arg]
    path("direct-deposit/", deposit_views.deposits_page, name="deposits"),
    path("direct-deposit/change/", deposit_views.deposit_change, name="deposit-change"),
    path("direct-deposit/cancel/", deposit_views.deposit_cancel, name="deposit-cancel"),
]
