"""What the root help says of each top-level command: the first paragraph of its help.

``fpctl --help`` lists every command with its summary; importing each command's module to
read it cost a third of the root help's time (the modules register every subcommand with
its options and examples). The summaries are kept here instead, and
tests/test_startup.py fails when one differs from its command's own help, or when the
root help built from them differs from the one the whole CLI prints.
"""

from __future__ import annotations

SUMMARIES = {
    "account": "Pro accounts: sign-up, details.",
    "team": "Members and invitations.",
    "role": "Member roles.",
    "policy": "Approval and purchase-limit policies.",
    "approvals": "Requests waiting for approval.",
    "audit": "The audit trail.",
    "auth": "Permissions.",
    "order": "Orders: place, follow, deliver, accept, cancel, refund.",
    "offer": "Custom offers: freelancers send them, members accept them as orders.",
    "project": "Projects: every member's my-project, public and private projects.",
    "inbox": "Conversations with freelancers: the inbox, reading and sending messages.",
    "notifications": (
        "Your notifications: approvals to give, new orders, mentions, deliveries, messages."
    ),
    "billing": (
        "Billing: balance, billing information, deposits, invoices, the ledger, payment methods."
    ),
    "subscription": "The Advanced plan, and the switch to the regular marketplace.",
    "rewards": "Rewards: tier, points, history and redemptions.",
    "freelancer": "The freelancer catalogue: freelancers and their services.",
    "network": "The freelancer network: saved, hired and viewed freelancers, and lists.",
    "db": "The store: path, upgrade, backup, restore, copy, check.",
    "demo": "Demo data.",
    "tick": "Settle everything due now: expiries, auto-accepts, auto-completes, renewals.",
    "batch": "Run many commands in one transaction: all of them, or none.",
    "shell": "Run fpctl commands one per line in one process; `use` sets options for the rest.",
    "completion": (
        "Print the completion script for SHELL. TAB completes commands, options and values\n"
        "from the store: emails, slugs, order, approval, invitation, project and list ids (with\n"
        "what each is, in zsh and fish), usernames and statuses; file names only for a FILE."
    ),
}
