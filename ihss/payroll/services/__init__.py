"""Payroll's workflows: each module keyword-only, typed, inside transaction.atomic."""
