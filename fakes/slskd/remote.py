"""Remote (peer-side) path helpers and Soulseek search-text matching."""

from __future__ import annotations


def guess_separator(path: str) -> str:
    """slskd's `GuessDirectorySeparator`: `/` if the path contains one, otherwise `\\`."""
    return "/" if "/" in path else "\\"


def directory_name(path: str) -> str:
    """The remote path without its last segment ("" for a file in the share root)."""
    sep = guess_separator(path)
    return path.rsplit(sep, 1)[0] if sep in path else ""


def base_name(path: str) -> str:
    """The last segment of a remote path."""
    return path.rsplit(guess_separator(path), 1)[-1]


def has_traversal(path: str) -> bool:
    """0.24+ enqueue validation: any `.` or `..` segment, with either separator, is refused."""
    return any(segment in {".", ".."} for segment in path.replace("\\", "/").split("/"))


class SearchQuery:
    """Soulseek query semantics: whitespace terms, 1-char terms dropped, `-term` excludes."""

    def __init__(self, text: str) -> None:
        terms = [term.lower() for term in text.split()]
        self.include = [t for t in terms if not t.startswith("-") and len(t) > 1]
        self.exclude = [t[1:] for t in terms if t.startswith("-") and len(t) > 2]

    @property
    def usable(self) -> bool:
        """A query needs one non-exclusion term (else slskd answers 400)."""
        return bool(self.include)

    def matches(self, remote_path: str) -> bool:
        """Every term appears in the full remote path, no excluded term does (case-insensitive)."""
        haystack = remote_path.lower()
        return all(t in haystack for t in self.include) and not any(
            t in haystack for t in self.exclude
        )
