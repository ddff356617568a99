"""Payroll's records, one module per topic: wage rates, runs and paystubs, direct deposit."""

from ihss.payroll.models.deductions import ShareOfCost as ShareOfCost
from ihss.payroll.models.deductions import WithholdingElection as WithholdingElection
from ihss.payroll.models.rates import WageRate
from ihss.payroll.models.runs import Deduction, PayLine, Payment, PayrollRun, Paystub

__all__ = ["Deduction", "PayLine", "Payment", "PayrollRun", "Paystub", "WageRate"]
