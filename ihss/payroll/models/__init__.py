"""Payroll's records, one module per topic: wage rates, runs and paystubs, withholding
elections and share of cost, direct deposit."""

from ihss.payroll.models.deductions import ShareOfCost, WithholdingElection
from ihss.payroll.models.deposits import DirectDeposit
from ihss.payroll.models.rates import WageRate
from ihss.payroll.models.runs import (
    Deduction,
    PayLine,
    Payment,
    PayrollRun,
    Paystub,
    ShareOfCostPaid,
)

__all__ = [
    "Deduction",
    "DirectDeposit",
    "PayLine",
    "Payment",
    "PayrollRun",
    "Paystub",
    "ShareOfCost",
    "ShareOfCostPaid",
    "WageRate",
    "WithholdingElection",
]
