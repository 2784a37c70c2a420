"""Streamlit script of the installed dashboard (``advisor dashboard`` runs it)."""

from advisor.app.main import render_app

render_app()
