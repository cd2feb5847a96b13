"""URL converters of the APIs (registered once, on import)."""

from django.urls import register_converter


class IdConverter:
    """A database id: 1–18 digits, so every match fits a 64-bit integer column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
