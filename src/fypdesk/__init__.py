"""fypdesk: an offline reader for China's industrial Five-Year Plans."""

__version__ = "0.1.0"
