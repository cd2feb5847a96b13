"""Strings that try to break out of wherever they are rendered."""

# Closes a <script>, opens one, opens a comment, an inline handler, both quotes, a bare &:
# whatever page, feed or JSON-LD block shows it must show it as text.
HOSTILE = "</script><script>alert(1)</script><!-- <img src=x onerror=alert(1)> \"q\" 'a' & b"
