"""Entry module for ``solara run`` (``kohtaanto dashboard`` starts it): the planners' page."""

from model.dashboard import make_page

page = make_page()
