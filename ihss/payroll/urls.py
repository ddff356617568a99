from django.urls import path

from ihss.payroll import deposit_views, run_views

app_name = "payroll"

urlpatterns = [
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
