"""domain.files: the name a delivered file is stored and written under, and sizes."""

from __future__ import annotations

import pytest

from fpctl.domain.files import MiB, clean_name, size_text


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("report.pdf", "report.pdf"),
        ("../x", "x"),
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\me\\logo.png", "logo.png"),
        ("dir/", "file"),
        ("..", "file"),
        (".", "file"),
        ("   ", "file"),
        ("a\x00b.txt", "ab.txt"),
        ("\x1b]52;c;aGk=\x07x.txt", "]52;c;aGk=x.txt"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("trailing. . ", "trailing"),
        ("CON", "_CON"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ("com1", "_com1"),
        ("LPT9.txt", "_LPT9.txt"),
        ("console.txt", "console.txt"),
        (".gitignore", ".gitignore"),
        ("Cafe\u0301.txt", "Café.txt"),  # NFC: one é
    ],
)
def test_a_name_is_cleaned_to_one_file_in_the_folder(given: str, name: str) -> None:
    assert clean_name(given) == name


def test_a_long_name_is_cut_to_255_bytes_keeping_its_extension() -> None:
    cleaned = clean_name("é" * 300 + ".pdf")

    assert cleaned.endswith(".pdf")
    assert len(cleaned.encode()) <= 255
    assert cleaned.startswith("é" * 125)


def test_the_fallback_names_a_file_left_without_a_name() -> None:
    assert clean_name("/", fallback="file-7") == "file-7"


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 bytes"), (1, "1 byte"), (1023, "1,023 bytes"), (1536, "1.5 KiB"), (25 * MiB, "25 MiB")],
)
def test_sizes_are_written_as_the_limits_are(size: int, text: str) -> None:
    assert size_text(size) == text
