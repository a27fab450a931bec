"""Watched artists: keeping up with an artist's release groups on MusicBrainz.

`watches` adds, changes and removes watches; `checks` browses a watch's release groups on a
schedule and records new ones; `deciding` decides once what to do with each new one (skip,
wait for its date, or want the best edition); `discography` finds and wants the gaps in a
library artist's discography through the same path.
"""
