"""Pure domain types and functions: no Qt, no SQLAlchemy, no reportlab."""
