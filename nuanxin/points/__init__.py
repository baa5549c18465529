"""Points (通积通兑): the ledger that is the only balance, and redeeming rewards with one-time codes."""
