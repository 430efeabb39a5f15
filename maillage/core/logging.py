import logging


class ScrubPersonalDataFilter(logging.Filter):
    """Drop the request object from log records.

    Django attaches the request to error records and the default formatter of
    some handlers prints its POST data, which may hold a victim's identity.
    Messages themselves are written by us and never carry identity (see
    docs/security.md); the exception text of a DecryptionError holds none.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        return True
