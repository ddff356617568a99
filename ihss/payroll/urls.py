from django.urls import path

from ihss.payroll import pay_views

app_name = "payroll"

urlpatterns = [
    # --- A provider's pay (the provider; staff who answer their calls) ---
    path("", pay_views.mine, name="mine"),
    path("statement/", pay_views.statement, name="statement"),
    path("stubs/<int:pk>/", pay_views.stub, name="stub"),
    path("stubs/<int:pk>/paystub.pdf", pay_views.stub_pdf, name="stub-pdf"),
    path("timeline/<str:source>/<int:document_id>/", pay_views.timeline, name="timeline"),
    path("providers/<str:provider_number>/", pay_views.provider_pay, name="provider-pay"),
    path(
        "providers/<str:provider_number>/statement/",
        pay_views.provider_statement,
        name="provider-statement",
    ),
]
