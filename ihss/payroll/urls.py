from django.urls import path

from ihss.payroll import deposit_views, election_views, pay_views, run_views

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
    path("withholding/", election_views.withholding, name="withholding"),
    # --- Direct deposit (providers) ---
    path("direct-deposit/", deposit_views.deposits_page, name="deposits"),
    path("direct-deposit/change/", deposit_views.deposit_change, name="deposit-change"),
    path("direct-deposit/cancel/", deposit_views.deposit_cancel, name="deposit-cancel"),
    # --- Payroll runs (state administrators) ---
    path("runs/", run_views.run_list, name="runs"),
    path("runs/<int:pk>/", run_views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", run_views.run_progress, name="run-progress"),
    path("runs/<int:pk>/resume/", run_views.run_resume, name="run-resume"),
    path("runs/<int:pk>/approve/", run_views.run_approve, name="run-approve"),
    path("runs/<int:pk>/issue/", run_views.run_issue, name="run-issue"),
    path("runs/<int:pk>/payment-file/", run_views.run_payment_file, name="run-payment-file"),
    path("runs/<int:pk>/check-register/", run_views.run_check_register, name="run-checks"),
]
