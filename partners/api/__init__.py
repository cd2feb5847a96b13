"""The partner API (``/api/v1/``) and the desk API (``/api/v1/desk/``); see DESIGN.md.

Interfaces only: views parse input with serializers, call ``claims.services``,
``claims.workflow``, ``sources.services`` or a selector, and shape the output.
"""
