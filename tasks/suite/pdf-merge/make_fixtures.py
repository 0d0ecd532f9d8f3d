"""Writes the pdf-merge fixtures (small, uncompressed, byte-for-byte deterministic PDFs) with the
standard library only. Run from anywhere: `python3 tasks/suite/pdf-merge/make_fixtures.py`.

Each page shows one line of text, "<document title> - page <n> of <total>", which the grader
reads back to check the page order of merged.pdf.
"""

from __future__ import annotations

from pathlib import Path

DOCS = {  # file name -> (title, page count)
    "01-intro.pdf": ("Intro", 2),
    "02-methods.pdf": ("Methods", 3),
    "10-appendix.pdf": ("Appendix", 1),
}
README = "Quarterly report parts. Merge the PDFs in name order.\n"


def make_pdf(title: str, pages: int) -> bytes:
    """A minimal PDF 1.4: catalog, page tree, one Helvetica font, one content stream a page."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i in range(pages):
        text = f"{title} - page {i + 1} of {pages}"
        stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
                       .encode())
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
                       + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


def fixtures() -> dict[str, bytes]:
    files = {f"input/{name}": make_pdf(title, n) for name, (title, n) in DOCS.items()}
    files["input/README.txt"] = README.encode()
    return files


def main() -> None:
    root = Path(__file__).resolve().parent / "fixtures"
    for rel, data in fixtures().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
