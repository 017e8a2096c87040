"""The plan navigator: the outline of the briefing as a lazily filled tree, with note and star
badges.
"""
