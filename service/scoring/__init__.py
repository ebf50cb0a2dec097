"""The scoring use case the route, the job runner and the CLI share (``handle_scorer``)."""
