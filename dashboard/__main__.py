"""Serve the dashboard: `python -m dashboard --host 127.0.0.1 --port 8050`."""

from __future__ import annotations

import argparse

from dashboard.app import create_app, read_gazetteer_in_background
from dashboard.server import auth


def main() -> None:
    """Parse the address and run the server over $DATABASE_URL."""
    parser = argparse.ArgumentParser(description="Serve the tracker dashboard.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    read_gazetteer_in_background()
    app = create_app(args.database_url)
    with app.server.app_context():
        auth.warn_if_no_accounts()
    app.run(host=args.host, port=args.port, debug=False)


if __name__ == "__main__":
    main()
