"""The reading pane: one node of the briefing as a page of HTML."""
