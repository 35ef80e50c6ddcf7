"""Helpers several emulators share (not framework behaviour): timestamps in the form the services return.
Importable as `helpers` once common/ is on sys.path, as every emulator.py puts it."""

import datetime


def iso_millis(moment):
    """UTC with milliseconds, e.g. 2024-05-01T12:30:00.000Z (Airtable, Webflow, Wix). A naive moment is
    taken as UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def now_iso_millis():
    """The current time as iso_millis."""
    return iso_millis(datetime.datetime.now(datetime.timezone.utc))
