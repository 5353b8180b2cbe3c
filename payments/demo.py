"""Demo data of the payments app, called by `manage.py seed_demo`."""


def create_demo_client() -> list[str]:
    """Create the demo kiosk API client; return lines describing its credentials."""
    return []  # filled in with the payment intake (issue 3)
