"""The notes panel, the All notes tab, the stand-in store of the first paint and the idle-time
upkeep of the real store.
"""
