"""Telegram front end (python-telegram-bot 22): relays riders' updates to Rasa's REST channel and renders replies.

Rasa's own Telegram channel drops photos and cannot check a webhook secret, so this is ours. It keeps no
conversation logic: that lives in Rasa and the nuanxin core package.
"""
