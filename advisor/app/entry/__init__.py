"""Holds the script ``advisor dashboard`` hands to ``streamlit run``.

It sits in a folder of its own because Streamlit puts the script's folder on ``sys.path`` and
treats a ``pages/`` folder beside it as extra pages; here there is neither to collide with.
"""
