"""The front doors: the ``kohtaanto`` command line, its Hydra apps and the dashboard page.

``cli`` dispatches ``kohtaanto <command>``; ``common`` is what every command shares (logging, the
output directory, worker checks, the message for bad settings, ``run.json`` and ``configs/``);
``run``, ``campaigns`` and ``analyses`` are the Hydra apps; ``dashboard`` is the Solara page.
"""
