"""The main window: its layout of panes, its actions and shortcuts, and the back/forward history."""
