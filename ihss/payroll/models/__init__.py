"""Payroll's records, one module per topic: wage rates, runs and paystubs, direct deposit."""

from ihss.payroll.models.deposits import DirectDeposit
from ihss.payroll.models.rates import WageRate

__all__ = ["DirectDeposit", "WageRate"]
