"""Career Pathways services: registering for classes (registrations.py)."""
