"""The kernel: ``Gen``, combinators, primitives, seeding and errors."""
