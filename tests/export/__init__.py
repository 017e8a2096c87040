"""Tests of brief composition, rendering and the export command."""
