"""Helpers shared by the tests: ordinary modules, imported by tests and fixtures alike.

``workflow``: claims through the real services; ``api``: partner keys and desk tokens;
``network``: the loopback rule; ``text``: hostile strings.
"""
