"""Rasa pipeline components of our own (referenced by module path from config.yml)."""
