"""Builders of the paper's parts, one module per part, each returning document sections."""
