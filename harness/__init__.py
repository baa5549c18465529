"""Test, evaluation and benchmark harness (never imported by runtime code)."""
