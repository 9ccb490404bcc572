"""The working group's synthesis: turning many responses into evidence (campaign grouping
first; the codebook, coding, suggestions and dashboards join it)."""
