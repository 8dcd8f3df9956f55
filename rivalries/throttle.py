"""Editors' login throttling (django-axes), fitted to guessing from many addresses.

Axes counts failed logins per (username, client address) and locks that pair after
``AXES_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME``. This handler adds three wider
limits, each over the same cool-off window, so that spreading the guesses does not help:

- ``LOGIN_USERNAME_FAILURE_LIMIT`` failures for one username from all addresses together (four
  addresses guessing one editor's password); higher than the pair's limit, as it locks that
  editor out everywhere;
- ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address over all usernames;
- ``LOGIN_USERNAMES_PER_ADDRESS`` distinct usernames failed from one address (spraying).

A successful login clears only its own (username, address) count (axes' reset follows
``AXES_LOCKOUT_PARAMETERS``, which names the pair): another address's failures stand.
The client address comes from rivalries/clients.py (``AXES_CLIENT_IP_CALLABLE``).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class ThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The pair's failures, or more when a wider limit is reached: each wider count is
        scaled to the pair's limit, so axes' one comparison (``>= AXES_FAILURE_LIMIT``) locks
        at whichever limit is reached first."""
        pair = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        recent = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        from_address = recent.filter(ip_address=address)
        wider = [
            (_failures(recent.filter(username=username)), settings.LOGIN_USERNAME_FAILURE_LIMIT),
            (_failures(from_address), settings.LOGIN_ADDRESS_FAILURE_LIMIT),
            (
                from_address.values("username").distinct().count(),
                settings.LOGIN_USERNAMES_PER_ADDRESS,
            ),
        ]
        return max([pair, *(count * limit // cap for count, cap in wider)])


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
