"""Vertaisbotti's domain: peer networks, people, polls, meetings, materials and the ports they need.

Nothing here imports an SDK (botbuilder, msgraph, SQLAlchemy): adapters live in `bot/`, `graph/`, `store/`.
"""
