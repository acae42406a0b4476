"""Literature sources as saved queries: PubMed E-utilities, OpenAlex, HAL (no Django import).

Each connector yields pages of normalised records (the same dicts the file parsers give)
through one :class:`~.http.Fetcher` that spaces requests (rate limit), retries HTTP 429 and
5xx with backoff, and raises :class:`~.http.ConnectorError` — a code and parameters, no
sentence — when an answer is not what the API documents.
"""

from .http import ConnectorError, Fetcher, Page

__all__ = ["SLEEP", "TRANSPORT", "ConnectorError", "Fetcher", "Page"]

# The tests replace these: recorded answers instead of the network, and no real waiting.
TRANSPORT = None
SLEEP = None
