"""Briefs: pure composition of content and notes, and their PDF and Markdown renderers.

Importing this package imports nothing heavy; reportlab is loaded by ``fypdesk.export.pdf`` only.
"""
