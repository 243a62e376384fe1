"""The distribution's version, in one place (``apiclient.__version__``, the User-Agent)."""

__version__ = "0.1.0"
