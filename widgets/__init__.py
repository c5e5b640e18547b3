"""Phone-sized ipywidgets views over the simulators, Vietnamese first with English."""
