"""The working group's synthesis: turning feedback items into evidence. So far it holds
two engines over plain data (no Django models) that the workspace calls: `campaigns`
(grouping identical and near-identical responses) and `suggest` (local theme suggestions).
"""
