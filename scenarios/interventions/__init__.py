"""The interventions of the experiment, one module each; importing this package registers them.

Each module defines a parameter dataclass and an :class:`~model.intervention.Intervention`
subclass with a ``name``, its ``params`` and an ``order``; defining the class registers it. The
model finds this package through the entry-point group ``kohtaanto.interventions``
(``pyproject.toml``). To add an intervention, add a module here and a scenario file in
``conf/scenario/`` that switches it on (see the README's recipes).
"""

import importlib
import pkgutil

for _info in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_info.name}")
