"""The one exception the command line and the notebooks turn into a sentence instead of a traceback."""


class UserError(Exception):
    """A mistake the user can fix (bad argument, missing or bad file); the message says how."""

    def _render_traceback_(self):
        """What IPython shows instead of a traceback: in a notebook too, the mistake is one sentence."""
        return [f"{type(self).__name__}: {self}"]
