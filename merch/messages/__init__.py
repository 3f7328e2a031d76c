"""Every sentence a user reads, in one place, one module per kind of message.

- ``reasons``: why a checklist item failed, or why an answer was refused (pure).
- ``refusals``: why a whole request was refused, and the ``Refused`` exception that
  services raise to say so (pure).
- ``localized``: the two above in the current request's language, for pages and the API.

The pure modules take plain ``gettext``/``ngettext`` functions, so the same text serves
pages, the API and the command line. Page labels live in the templates and forms.
"""
