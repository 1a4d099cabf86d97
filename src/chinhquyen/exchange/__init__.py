"""Document exchange between agencies (issue 7): edXML packages, the outbox and inbox, transports.

Public entry points for other apps are in `exchange.services` (queue a package, report a status,
request a recall) and `exchange.registry` (register the handler that receives incoming packages).
`exchange` never imports `documents` (DESIGN.md): the office registers itself here.
"""
