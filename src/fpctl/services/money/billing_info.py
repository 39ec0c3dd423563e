"""Billing information (SPEC §1.8): the name, company, address, country and tax ID invoices
are made out to.

Set by the admin, billing managers and support (``billing.info_set``); only the fields given
change, an empty value clears one, and a change is audited with each changed field's before
and after. Invoices copy these fields when they are issued (``ledger.billed_to``), so changing
them never rewrites an issued invoice. The text is stored as typed (trimmed); every output
escapes it for where it goes (terminal, CSV, HTML).
"""

from __future__ import annotations

from fpctl.domain.permissions import Action
from fpctl.errors import InvalidInput
from fpctl.services.context import Context
from fpctl.store.tables import Account

SET = Action.BILLING_INFO_SET

#: The view's key for each field, and the ``Account`` column that holds it.
FIELDS = {
    "full_name": "billing_full_name",
    "company": "billing_company",
    "address": "billing_address",
    "country": "billing_country",
    "tax_id": "billing_tax_id",
}
#: An address may run over several lines; the others are one line each.
MAX_LENGTHS = {"address": 500}
MAX_LENGTH = 200
OPTIONS = "--full-name, --company, --address, --country or --tax-id"


def details(account: Account) -> dict[str, str | None]:
    """The account's billing information, by view key (None: not set)."""
    return {key: getattr(account, column) for key, column in FIELDS.items()}


def _cleaned(key: str, value: str) -> str | None:
    """Trimmed text, or None for an empty value (which clears the field)."""
    text = value.strip()
    limit = MAX_LENGTHS.get(key, MAX_LENGTH)
    if len(text) > limit:
        label = key.replace("_", " ")
        raise InvalidInput(f"the billing {label} is longer than {limit} characters")
    return text or None


def set_info(ctx: Context, **values: str | None) -> tuple[Account, str | None]:
    """Change the fields given (None: leave as is; empty: clear). Returns the account and
    why nothing changed, if nothing did (then nothing is audited)."""
    ctx.require(SET)
    given = {key: value for key, value in values.items() if value is not None}
    unknown = set(given) - set(FIELDS)
    if unknown:
        raise ValueError(f"not billing fields: {sorted(unknown)}")
    if not given:
        raise InvalidInput("nothing to change", hint=f"give {OPTIONS}")
    account = ctx.the_account
    before = details(account)
    after = {key: _cleaned(key, value) for key, value in given.items()}
    changes = {key: (before[key], value) for key, value in after.items() if before[key] != value}
    for key, (_, value) in changes.items():
        setattr(account, FIELDS[key], value)
    if changes:
        ctx.session.add(account)
        ctx.record_on_account(
            account,
            action=SET,
            changes=changes,
        )
    return account, None if changes else (
        f"{account.slug} already has this billing information: nothing changed"
    )
