"""The user's Spotify library as a want source: playlists, Liked Songs, saved albums, follows.

`sync` lists the playlists and reads what changed, one task per source so workers share the
work; `gate` runs every Spotify task under the rate-limit rules (never sleep in a worker: a
Retry-After reschedules, a QUOTA_EXCEEDED pauses until the next day); `facts` turns Spotify's
shapes into catalogue facts; `status` is what the page and the API show.
"""
