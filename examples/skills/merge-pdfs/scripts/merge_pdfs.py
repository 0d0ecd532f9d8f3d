"""Merge PDFs listed in a file into one PDF (part of the merge-pdfs example skill).

Usage: python merge_pdfs.py --list files.txt --output merged.pdf
"""

import argparse
from pathlib import Path

from pypdf import PdfReader, PdfWriter


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", required=True, help="file with one PDF path per line")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    writer = PdfWriter()
    for line in Path(args.list).read_text().splitlines():
        if line.strip():
            for page in PdfReader(line.strip()).pages:
                writer.add_page(page)
    with open(args.output, "wb") as handle:
        writer.write(handle)


if __name__ == "__main__":
    main()
