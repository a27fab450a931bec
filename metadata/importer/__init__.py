"""The import pipeline: downloaded or existing files verified, tagged, named and moved into the
library without ever losing one.

Entry points: `pipeline.import_file` (one downloaded file: the download engine calls it and
records the returned outcome on its own job) and `adopt` (a folder the user already has). Both
run `pipeline.prepare` — verify, `identify` (folders only), `enrich` (MusicBrainz via `merge`,
cover art, lyrics), the destination (`library.naming.scheme`), `conflicts`, `describe` (the
tags), `placement` (a tagged private copy) — and then `landing` (journal in `ImportItem`, safe
move, `library_records`, `gaps`). `fillin` completes later what the providers could not give at
import time. Renaming the library to a changed naming scheme is `library.naming.renamer`'s work.
Other callers use `metadata.services`, not these modules.
"""
