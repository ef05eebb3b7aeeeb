"""Tracker views: the site (startups' My page), the Wagtail admin (ministry and municipality staff), public results."""
