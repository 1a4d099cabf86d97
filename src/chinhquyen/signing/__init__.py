"""Digital signatures (issue 6): keys and certificates, PAdES signing the Decree 30 way,
validation reports kept as evidence, XML signatures for edXML. Public API: `services` (PDF),
`xml` (edXML); see docs/signing.md."""
