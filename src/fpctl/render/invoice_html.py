"""One invoice (its view, ``services.views.invoice_view``) as a printable HTML document.

The document stands alone: inline CSS with an ``@media print`` block, no scripts, no
external resources, so it prints (or saves as PDF from a browser) the same anywhere. Every
piece of text from the store goes through ``_text``: control characters dropped
(``safe_text``) and HTML-escaped (``html.escape``), so a company called
``<script>…</script>`` prints as those characters and never runs.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from fpctl.domain.money import format_cents
from fpctl.render.safe import safe_text

SELLER = "Fiverr Pro"
KIND_TITLES = {"invoice": "Invoice", "credit": "Credit note"}

_STYLE = """
  * { box-sizing: border-box; }
  body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
         color: #222; background: #f4f4f4; margin: 0; padding: 32px; }
  main { max-width: 780px; margin: 0 auto; background: #fff; padding: 48px; }
  header { display: flex; justify-content: space-between; align-items: flex-start;
           border-bottom: 3px solid #1dbf73; padding-bottom: 16px; }
  .seller { font-size: 26px; font-weight: 700; margin: 0; }
  h1 { font-size: 22px; margin: 0; text-align: right; }
  dl.facts { display: grid; grid-template-columns: auto auto; gap: 2px 12px; margin: 8px 0 0; }
  dl.facts dt { color: #666; text-align: right; }
  dl.facts dd { margin: 0; }
  h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: #666;
       margin: 28px 0 6px; }
  address { font-style: normal; white-space: pre-line; }
  table { width: 100%; border-collapse: collapse; margin-top: 8px; }
  th, td { padding: 8px 6px; border-bottom: 1px solid #e5e5e5; text-align: left;
           vertical-align: top; }
  th { font-size: 12px; text-transform: uppercase; color: #666; }
  .amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  tfoot th, tfoot td { border-bottom: none; font-size: 16px; font-weight: 700; color: #222; }
  footer { margin-top: 40px; color: #888; font-size: 12px; }
  @media print {
    body { background: #fff; padding: 0; }
    main { max-width: none; padding: 0; }
    @page { margin: 18mm; }
  }
"""


def _text(value: Any) -> str:
    """Stored text made safe for HTML: no control characters, every markup character
    escaped (quotes too, so it is safe in attributes)."""
    return html.escape(safe_text(str(value)))


def _facts(invoice: Mapping[str, Any]) -> str:
    facts = [
        ("Number", invoice["number"]),
        ("Issued", str(invoice["issued_at"])[:10]),
        ("Account", invoice["account"]),
    ]
    if invoice.get("order_id") is not None:
        facts.append(("Order", invoice["order_id"]))
    rows = "".join(f"<dt>{_text(k)}</dt><dd>{_text(v)}</dd>" for k, v in facts)
    return f'<dl class="facts">{rows}</dl>'


def _billed_to(billed: Mapping[str, Any]) -> str:
    """The snapshot as an address block: name, company, address lines, country, tax ID,
    then the account it belongs to."""
    lines = [billed.get(key) for key in ("full_name", "company", "address", "country")]
    if billed.get("tax_id"):
        lines.append(f"Tax ID: {billed['tax_id']}")
    lines.append(f"Account: {billed.get('name') or ''} ({billed.get('account') or ''})")
    shown = "\n".join(_text(line) for line in lines if line)
    return f'<h2>Billed to</h2>\n<address class="billed-to">{shown}</address>'


def _lines(invoice: Mapping[str, Any]) -> str:
    total = format_cents(invoice["amount_cents"])
    label = "Total credited" if invoice["kind"] == "credit" else "Total"
    return (
        '<table class="lines">\n'
        '<thead><tr><th>Description</th><th class="amount">Amount</th></tr></thead>\n'
        f"<tbody><tr><td>{_text(invoice['description'])}</td>"
        f'<td class="amount">{total}</td></tr></tbody>\n'
        f'<tfoot><tr><th>{label}</th><td class="amount">{total}</td></tr></tfoot>\n'
        "</table>"
    )


def _settlement(invoice: Mapping[str, Any]) -> str:
    """How it was paid (or, for a credit note, where the money went back to)."""
    method = invoice.get("payment_method") or "payment method"
    parts = [
        ("Pro credits", invoice.get("credits_cents") or 0),
        ("Shared balance", invoice.get("balance_cents") or 0),
        (f"Payment method: {method}", invoice.get("method_cents") or 0),
    ]
    rows = "".join(
        f'<tr><td>{_text(name)}</td><td class="amount">{format_cents(cents)}</td></tr>'
        for name, cents in parts
        if cents
    )
    heading = "Refunded to" if invoice["kind"] == "credit" else "Paid with"
    return f'<h2>{heading}</h2>\n<table class="paid"><tbody>{rows}</tbody></table>'


def document(invoice: Mapping[str, Any]) -> str:
    """The whole HTML document for one invoice view."""
    kind = KIND_TITLES.get(invoice["kind"], "Invoice")
    title = f"{kind} {invoice['number']} — {SELLER}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_text(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<header>
<p class="seller">{_text(SELLER)}</p>
<div>
<h1>{_text(kind)}</h1>
{_facts(invoice)}
</div>
</header>
<section>
{_billed_to(invoice.get("billed_to") or {})}
</section>
<section>
{_lines(invoice)}
</section>
<section>
{_settlement(invoice)}
</section>
<footer>{_text(SELLER)} · {_text(invoice["number"])} · issued {_text(invoice["issued_at"])}
 · amounts in USD</footer>
</main>
</body>
</html>
"""
