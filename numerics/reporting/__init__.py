"""Layer 5 of :mod:`numerics`: plots, Markdown tables and the assembly of docs pages."""
