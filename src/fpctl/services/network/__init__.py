"""The freelancer side (SPEC §1.5-§1.6): the catalogue of freelancers and their services,
the account's network (saved, hired and viewed freelancers), and the lists members share."""
