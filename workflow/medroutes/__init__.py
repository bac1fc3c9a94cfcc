"""medroutes: the library behind the migrant-smuggling routes study pipeline.

Stages (one module each): intake -> clean -> harmonise -> compare -> figures.
Adapters (``medroutes.adapters``) are the only code that knows a source's native format.
"""

__version__ = "0.1.0"
