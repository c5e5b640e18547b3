"""Grading: a layer over nbgrader's own API and gradebook, not a rewrite of it."""
