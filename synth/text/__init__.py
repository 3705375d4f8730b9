"""Compilers of text that need only the kernel: templates and regular expressions."""
