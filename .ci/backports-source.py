#!/usr/bin/env python3
"""Prints an apt source (deb822) for <codename>-backports, derived from the machine's own Debian
source: the same URIs, components and signing key as the stanza that carries the release itself,
so no mirror is named here and the machine keeps using the one it was set up with.

Usage: backports-source.py [SOURCES_FILE [CODENAME]]
  SOURCES_FILE defaults to /etc/apt/sources.list.d/debian.sources,
  CODENAME to VERSION_CODENAME from /etc/os-release.
Exit 1 with the reason when no stanza names the release.
"""

import sys
from pathlib import Path


def stanzas(text):
    """deb822 paragraphs as dicts; comments dropped, continuation lines joined."""
    result, current, last = [], {}, None
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                result.append(current)
            current, last = {}, None
        elif line[0] in " \t" and last is not None:
            current[last] += " " + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            last = key.strip().lower()
            current[last] = value.strip()
    if current:
        result.append(current)
    return result


def codename(os_release=Path("/etc/os-release")):
    for line in os_release.read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip().strip('"')
    raise SystemExit("backports-source: no VERSION_CODENAME in /etc/os-release")


def backports(text, release):
    for stanza in stanzas(text):
        if release in stanza.get("suites", "").split() and "uris" in stanza:
            lines = [f"Types: {stanza.get('types', 'deb')}",
                     f"URIs: {stanza['uris']}",
                     f"Suites: {release}-backports",
                     f"Components: {stanza.get('components', 'main')}"]
            if "signed-by" in stanza:
                lines.append(f"Signed-By: {stanza['signed-by']}")
            return "\n".join(lines) + "\n"
    return None


def main(argv):
    source = Path(argv[0]) if argv else Path("/etc/apt/sources.list.d/debian.sources")
    release = argv[1] if len(argv) > 1 else codename()
    if not source.is_file():
        print(f"backports-source: {source} not found: add {release}-backports to apt by hand",
              file=sys.stderr)
        return 1
    stanza = backports(source.read_text(), release)
    if stanza is None:
        print(f"backports-source: no stanza of {source} carries the suite {release}", file=sys.stderr)
        return 1
    sys.stdout.write(stanza)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
