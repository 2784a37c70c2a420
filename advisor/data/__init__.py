"""GENERATED package data (do not edit): built from ``pricing/`` by ``python pricing/build.py``."""
