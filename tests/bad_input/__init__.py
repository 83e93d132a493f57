"""Helpers for tests/test_bad_input.py: files that are not what they say, and a
fingerprint of everything a refused input must leave as it was."""
