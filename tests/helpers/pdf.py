"""Minimal PDF documents built by hand (standard library only: also used by the
runtime-dependency check in .ci/, which runs without the test extras)."""


def pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(lines: list[str], *, info: dict[str, str] | None = None, lang: str = "") -> bytes:
    """A minimal valid one-page PDF: Helvetica text lines, an optional /Info dictionary
    (strings as UTF-16BE with BOM, as PDF writers store non-Latin text) and /Lang."""
    stream = " ".join(f"{pdf_string(line)} Tj T*" for line in lines)
    content = f"BT /F1 12 Tf 14 TL 72 720 Td {stream} ET".encode("cp1252")
    catalog = "<< /Type /Catalog /Pages 2 0 R" + (f" /Lang {pdf_string(lang)}" if lang else "")
    objects = [
        (catalog + " >>").encode(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    if info:
        entries = " ".join(
            f"/{key} <FEFF{value.encode('utf-16-be').hex().upper()}>" for key, value in info.items()
        )
        objects.append(f"<< {entries} >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    trailer += b" /Info 6 0 R >>" if info else b" >>"
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)
