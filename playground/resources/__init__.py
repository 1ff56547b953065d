"""Files the app ships inside its package: the icon (PNG, SVG) and the desktop entry template.

Read them with `importlib.resources.files(__name__)`, never by a path beside the source: a
`pip install` or `pipx install` puts them here, and nothing outside the package comes along.
"""
