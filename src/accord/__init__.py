"""Accord: the shared decision desk of a company's CIO and CISO."""

__version__ = "0.1.0"
