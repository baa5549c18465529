"""Riders' personal data: what is kept about them (inventory), deleting it on request (erasure), and nothing kept
longer than needed (retention)."""
