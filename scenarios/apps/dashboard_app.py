"""Entry module for ``solara run`` (``kohtaanto dashboard`` starts it): the planners' page.

It ships inside the package, so an installed ``kohtaanto`` serves the page from any directory.
"""

from scenarios.apps.dashboard import make_page

Page = make_page()
