"""What every screen area shares: settings, dialogs, theme, fonts, item roles, the plan chooser."""
