"""The working group's synthesis: turning feedback items into evidence.

So far it holds `suggest`, the local theme-suggestion engine (pure Python over plain data,
no Django models), which the codebook and coding workspace call.
"""
