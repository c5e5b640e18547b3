"""bakhong: a course kit for the "3 không" digital skills.

The package's parts, one direction of imports:

- ``bakhong.simulators``: sandboxed services over one store (no UI).
- ``bakhong.widgets``: phone-sized ipywidgets views over the simulators.
- ``bakhong.lessons``: the nbgrader source notebooks, kept as jupytext text.
- ``bakhong.grading``: a layer over nbgrader's API and gradebook.
- ``bakhong.cli`` and ``bakhong.serving``: the front door (commands, Voila).
"""

__version__ = "0.1.0"
