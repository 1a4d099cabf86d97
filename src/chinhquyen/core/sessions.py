"""Session keys (placeholder)."""

SESSION_STARTED_KEY = "cq_session_started"
SESSION_LAST_SEEN_KEY = "cq_session_last_seen"
