"""Alembic migrations of the provincial database (:func:`bakhong.province.db.migrate`)."""
