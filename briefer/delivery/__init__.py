"""Delivery: a written brief mailed to its readers (SPEC §9).

``settings`` reads the mail server and sender from the environment
(``BRIEFER_SMTP_URL`` and friends) and checks addresses, before anything is
rendered; ``message`` builds the mail (its subject, the HTML brief as the
body with the Markdown as its plain-text alternative, the PDF attached);
``smtp`` sends it with :mod:`smtplib` and turns every failure into one line
naming the server and its reply; ``deliver`` does the three for a recorded
brief and records each attempt in the manifest
(:mod:`briefer.series.deliveries`). The Atom feed of the series is
:mod:`briefer.series.feed`.
"""
