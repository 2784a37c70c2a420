"""advisor's what-if dashboard: ``streamlit run app.py`` (or ``advisor dashboard``).

Thin on purpose: the page config, the sidebar and every page live in ``advisor.app`` and draw
only what advisor's functions return (see ``advisor/app/main.py``).
"""

from advisor.app.main import render_app

render_app()
