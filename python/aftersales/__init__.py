"""aftersales: the rules of e-commerce after-sales service.

Load a policy document once, then ask its business calendars questions::

    import datetime as dt
    import aftersales

    policy = aftersales.Policy.from_file("examples/policies/cn-marketplace.json")
    service = policy.calendar("cn-service")
    start = dt.datetime(2026, 11, 11, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    due = service.add(start, dt.timedelta(hours=2))

Datetimes must be aware; results are aware UTC datetimes. See docs/python.md.
"""

from aftersales._core import (
    Calendar,
    Error,
    InputError,
    NotFoundError,
    Policy,
    PolicyError,
    RangeError,
    __version__,
    format_duration,
    format_instant,
    log_level,
    parse_duration,
    parse_instant,
    set_log_handler,
    set_log_level,
)

__all__ = [
    "Calendar",
    "Error",
    "InputError",
    "NotFoundError",
    "Policy",
    "PolicyError",
    "RangeError",
    "__version__",
    "format_duration",
    "format_instant",
    "log_level",
    "parse_duration",
    "parse_instant",
    "set_log_handler",
    "set_log_level",
]
