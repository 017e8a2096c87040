"""The File menu commands that sit on top of the window: export a brief (its dialog and background
job) and the notes file commands (export, import, back up, restore).
"""
