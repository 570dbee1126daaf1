"""insertgen: print-ready, multilingual after-sales insert cards and manuals from a YAML catalog."""

__version__ = "0.1.0"
