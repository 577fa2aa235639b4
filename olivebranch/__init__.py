"""olivebranch: can this cross-border energy or critical-minerals deal go ahead, and why?"""

__version__ = "0.1.0"
