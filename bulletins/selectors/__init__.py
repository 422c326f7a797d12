"""Reads of the bulletins app: the draft built from projects' selectors."""
