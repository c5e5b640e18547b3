"""Results reach the province: signed packages from the workshops, one provincial server.

The laptop side: :mod:`.collect` reads a workshop into a :class:`~.package.Payload`
(pseudonyms from :mod:`.pseudonym`), :mod:`.identity` keeps the workshop's signing key and
registration, :mod:`.package` seals it, :mod:`.client` posts it over pinned TLS (or it is
written to a file). The province's side: :mod:`.schema` and the Alembic migrations in
``migrations/``, :mod:`.workshops` (registration, tokens, revocation), :mod:`.ingest`
(checks, the audit trail, the current state, with :mod:`.merge` counting each resident
once), :mod:`.figures` and :mod:`.views` (the officials' report over PostgreSQL),
:mod:`.charts`, :mod:`.server` (tornado) and :mod:`.dashboard` (Voila).
"""
