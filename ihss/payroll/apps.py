from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "ihss.payroll"
    label = "payroll"
    verbose_name = "Payroll"
