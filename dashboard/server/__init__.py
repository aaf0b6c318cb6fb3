"""Flask concerns, not Dash: log-in, the login throttle, uploads, the export route, the
callback request guard."""
