"""Phone-sized ipywidgets views over the simulators, Vietnamese first with English.

- :mod:`.i18n`: ``translator(lang)`` ("vi", "en", "pseudo") and ``error_text(err, tr)``.
- :mod:`.phone`: the phone frame, the «MÔ PHỎNG» badge, buttons and inputs, ``on_click``.
- :mod:`.consent`: ``consent_screen(on_accept, tr)``, the first screen.
- :mod:`.vneid_app`: ``vneid_app(sim, persona, tr)`` and ``vneid_factory`` (screens in
  :mod:`.vneid_screens`).
- :mod:`.course`: ``course_screen(sandbox, learner_id, app_factory, lang=..., on_submit=...)``.
- :mod:`.entry`: ``lesson_app(lesson)``, the one call a lesson notebook makes.

Every ``bk-*`` CSS class is listed in ``docs/css-classes.md``.
"""
