"""Committed geo data (CSV) and the script that builds it; see README.md here."""
