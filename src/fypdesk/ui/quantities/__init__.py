"""The Targets and Figures tables: the model, its filter proxy and the view with its controls."""
