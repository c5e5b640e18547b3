"""Sandboxed simulators of the real services, pure Python, no UI.

Every simulator takes a :class:`~bakhong.simulators.store.Store`, a clock and a
random source (see :mod:`bakhong.simulators.clock`), so a flow is reproducible in
tests and resumes after a reload: state lives in the store, never in the kernel.
Nothing here imports widgets, IPython, nbgrader, Voila or grading code.
"""
