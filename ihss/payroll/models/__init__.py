"""Payroll's records, one module per topic: wage rates, runs and paystubs, direct deposit."""

from ihss.payroll.models.deductions import ShareOfCost as ShareOfCost
from ihss.payroll.models.deductions import WithholdingElection as WithholdingElection
from ihss.payroll.models.rates import WageRate

__all__ = ["WageRate"]
