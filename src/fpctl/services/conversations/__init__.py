"""Conversations between an account and a freelancer (issue 14, item 1): one per account
and freelancer, opened by the first message or the first order (``threads``); sending a
message (``messages``); each reader's inbox, unread counts and reading a conversation
(``inbox``). The rules and the choices made are in docs/conversations.md."""
