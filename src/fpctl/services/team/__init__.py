"""The team (SPEC §1.1-§1.4): accounts and sign-up, members and roles (one admin, email
ownership, deactivate, remove, leave), invitations and their approval, the policies an
admin sets, and projects (each member's my-project, public and private ones)."""
