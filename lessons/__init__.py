"""The lessons: nbgrader source notebooks kept as jupytext ``py:percent`` text.

Each file here is a notebook, not a module: it imports the package and wires a
widget, and its hidden test cells only ``assert`` on the learner's evidence.
"""
