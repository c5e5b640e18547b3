"""Phone-sized ipywidgets views over the simulators, Vietnamese first with English.

- :mod:`.i18n`: ``translator(lang)`` ("vi", "en", "pseudo") and ``error_text(err, tr)``.
- :mod:`.phone`: the phone frame, the «MÔ PHỎNG» badge, buttons and inputs, ``on_click``.
- :mod:`.consent`: ``consent_screen(on_accept, tr)``, the first screen.
- :mod:`.appview`: ``AppView``, what every app's view shares (named controls, one screen).
- :mod:`.vneid_app`: ``vneid_app(sim, persona, tr)`` and ``vneid_factory`` (screens in
  :mod:`.vneid_screens`).
- :mod:`.bank_app`: ``bank_app(sim, tr)`` and ``bank_factory`` (screens in :mod:`.bank_screens`).
- :mod:`.portal_app`: ``portal_app(sim, tr)`` and ``portal_factory`` (screens in
  :mod:`.portal_screens`, :mod:`.portal_form_screens`, :mod:`.portal_dossier_screens`).
- :mod:`.course`: ``course_screen(desk, app_factory, lang=..., on_submit=...)`` (a learner's desk:
  :class:`bakhong.simulators.desk.Desk`).
- :mod:`.entry`: ``lesson_app(lesson)``, the one call a lesson notebook makes.

Every ``bk-*`` CSS class is listed in ``docs/css-classes.md``.
"""
