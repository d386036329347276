"""Entry module for ``solara run`` (``kohtaanto dashboard`` starts it): the planners' page."""

from scenarios.apps.dashboard import make_page

page = make_page()
