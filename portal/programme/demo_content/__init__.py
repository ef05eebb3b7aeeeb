"""Texts of the demo programme's pages, in Japanese and English, kept apart from the code that creates them."""
