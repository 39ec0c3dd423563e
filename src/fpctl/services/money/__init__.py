"""Money (SPEC §1.7-§1.9): the ledger and invoices, paying and refunding orders, payment
methods, deposits and billing reads, billing information, the subscription and the switch to
the regular marketplace, and the rewards program. Amounts are integer cents throughout."""
