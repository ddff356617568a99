"""Payroll's rules, one topic per module, pure functions over plain values: pay (rates,
overtime, late-hours adjustments), withholding, share of cost."""
