"""Signals applications sends to the apps after it (matching listens; applications never imports it).

startup_profile_changed
    Sent after the transaction that changed a startup's profile (its fields, themes or track record) has committed,
    by the profile services (services/profile.py). Keyword arguments:
      organisation_id   the startup Organisation's id
    Matching's receiver queues the task that recomputes the profile's text embedding (matching/receivers.py).

info_requested
    Sent inside the transaction of services.application_request_more_info, after the application's state changed.
    Keyword arguments:
      application   the Application (state "more information requested")
      actor         the staff member who asked
      message       what they asked, as the startup will read it
    The conversations app's receiver posts it as a message in the application's thread (conversations/receivers.py).
"""

from django.dispatch import Signal

startup_profile_changed = Signal()
info_requested = Signal()
