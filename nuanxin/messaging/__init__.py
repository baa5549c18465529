"""Messages between the front ends and the assistant: the inbox (everything received, before it reaches Rasa),
the outbox (what the system sends on its own), their states, and the photos riders send."""
