"""Regulatory deadline tracker: finds dated duties in government texts and keeps them on a calendar."""

__version__ = "0.1.0"
