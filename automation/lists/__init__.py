"""Wants from lists a user brings without a Spotify app: Exportify CSVs, other CSVs, pasted
"Artist - Title" lines. Each list becomes an imported library Playlist of monitored wants."""
