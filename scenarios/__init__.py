"""What users run.

``interventions`` holds the policies, one module each; ``campaigns`` the runs of many models
(compare, trial, collect); ``apps`` the command line and the dashboard.
"""
