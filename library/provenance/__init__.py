"""The metadata engine's core: every source's value per field, the chosen one, conflicts.

`fields` says which fields exist and how each is read from and written to the catalogue;
`engine` records offers and settles each field by authority; `edits` holds the user's actions
(manual edits, resolving conflicts); `retag` brings files in line after a value changed.
"""
