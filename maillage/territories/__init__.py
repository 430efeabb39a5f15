"""Territorial reference data (régions, départements, countries, languages).

Pure Python, no Django: import freely from models, forms, exports and scripts.
The SVG map lives in ``maillage.territories.map_svg`` (imported on demand so
that code needing only the reference lists does not pay for it).
"""

from .reference import *  # noqa: F403
from .reference import __all__  # noqa: F401
