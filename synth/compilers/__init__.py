"""Compilers of text that need only the core: templates and regular expressions."""
