"""The terminal chat that `make run` opens: a front end like the Telegram bot, for a newcomer at a keyboard.

It talks to Rasa's REST channel as every front end does; buttons are shown as numbered options, locations and
photos are typed as commands (/位置, /照片) and sent in the same form as a Telegram pin or photo.
"""
