"""Campaigns: many model runs and what is read off them.

``runner`` runs jobs in worker processes and keeps each result as a file; ``compare`` compares
scenarios over paired replications; ``trial`` runs a virtual randomised trial of one
intervention; ``collect`` gathers a sweep; ``report`` writes the comparison's report.
"""
