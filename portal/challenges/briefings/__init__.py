"""Briefing sessions (説明会): a round or one challenge announces an online or on-site briefing with a capacity;
startups register (one seat per organisation) and download an .ics; staff record attendance and attach the slides
and the recording afterwards. See docs/briefings.md."""
