"""Rasa action server: thin adapters from Rasa's tracker to the nuanxin core package.

Core calls touch the database, so they run in a worker thread (`asyncio.to_thread`) and never block the action
server's event loop.
"""
