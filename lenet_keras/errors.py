"""The one exception the command line turns into a sentence instead of a traceback."""


class UserError(Exception):
    """A mistake the user can fix (bad argument, missing or bad file); the message says how."""
