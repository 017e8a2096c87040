"""Search as you type across content and notes: the popup and its results model."""
