"""The Hydra configuration of ``kohtaanto``: installed as the package ``kohtaanto_conf``.

The YAML files here ship inside the wheel, so an installed ``kohtaanto`` finds its configuration
without the source checkout (``model/hydra_config.py``: ``CONF_DIR``).
"""
