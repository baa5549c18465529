"""Vocational training: the catalogue of upcoming runs and enrollment with seats, waitlist, offers and reminders."""
