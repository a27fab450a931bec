"""Fakes of the services SoulSpot talks to: slskd, MusicBrainz, Cover Art Archive, LRCLIB.

They speak the real wire protocols, so the tests and the offline demo (`manage.py demo`) drive
SoulSpot's own client modules against them. This package ships with the product for that demo,
and stays a leaf: it imports no SoulSpot app and nothing from `tests`.
"""
