"""Agents of the region: people, firms, coaches, educators, municipalities and migration."""
