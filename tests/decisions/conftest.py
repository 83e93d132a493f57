"""Decision fixtures live in tests/conftest.py, shared with the reports and browser tests."""
