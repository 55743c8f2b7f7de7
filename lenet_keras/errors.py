"""The exceptions the command line and the notebooks turn into a sentence instead of a traceback."""


class UserError(Exception):
    """A mistake the user can fix (bad argument, missing or bad file); the message says how."""

    def _render_traceback_(self):
        """What IPython shows instead of a traceback: in a notebook too, the mistake is one sentence."""
        return [f"{type(self).__name__}: {self}"]


class BackendError(UserError):
    """An unknown backend or device, or one chosen too late."""


def missing_model_file(path):
    """The one sentence for a model file that is not there."""
    return UserError(f"The model file {path} does not exist: train one first "
                     "(python -m lenet_keras train) or check the path.")
