"""Our own node of the document axis (issue 7): agency directory, HMAC-authenticated connectors,
store-and-forward mailboxes, attachments stored once by content hash, a SHA-256-chained
evidence log. Depends on `core` only, so it runs inside a deployment or alone
(`chinhquyen hub serve`, settings `chinhquyen.config.hub_settings`)."""
