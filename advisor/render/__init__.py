"""Rendering of analysis results for people (terminal) and programs (JSON); computes nothing."""
