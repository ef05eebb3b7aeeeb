"""Signals matching sends to the apps after it (the tracker listens; matching never imports them).

proposal_accepted
    Sent once, inside the transaction that accepts a match proposal (send it with `send_robust` only if the
    acceptance must survive a listener's failure; the tracker wants `send`, so the engagement opens with it).
    Keyword arguments:
      proposal     the accepted MatchProposal (or any object with a pk; used for the audit trail)
      challenge    the ChallengePage the match is for (its municipality is the engagement's municipality)
      startup      the startup Organisation
      application  the startup's Application for the challenge, or None when the startup was scouted
      actor        the ministry user who accepted the proposal
    The tracker's receiver calls `portal.tracker.services.engagement_open(source="proposal")`.
"""

from django.dispatch import Signal

proposal_accepted = Signal()
