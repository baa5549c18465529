"""The staff console's core: accounts and roles, sign-in with lock-out, the audit log. The web pages (console/)
are an adapter over these functions."""
