"""Payroll's workflows, one module per workflow, each keyword-only, typed, inside
transaction.atomic: runs (start, calculate, approve), stubs (assembling and writing a
batch of paystubs), issue (payments and the payment file), deposits (direct deposit)."""
