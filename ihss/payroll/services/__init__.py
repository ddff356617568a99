"""Payroll's workflows, one module per workflow: runs (start, calculate, approve), stubs
(assembling and writing a batch of paystubs), issue (payments and the payment file)."""
