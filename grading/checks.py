"""The name the hidden tests of workshops built before December 2026 import.

nbgrader keeps each graded cell's source in the gradebook when a lesson is released,
so those workshops' cells still say ``from bakhong.grading.checks import
lesson_evidence``. New lessons call :func:`bakhong.grading.hidden_tests.task_done`.
"""

from .hidden_tests import EVIDENCE_FILE, KEY_ENV, WORKSHOP_ENV, lesson_evidence

__all__ = ["EVIDENCE_FILE", "KEY_ENV", "WORKSHOP_ENV", "lesson_evidence"]
