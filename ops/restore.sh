#!/usr/bin/env bash
# `make restore BACKUP=file`: load a `make backup` dump into DATABASE_URL, replacing what is
# there (every table of the dump is dropped and created again), in one transaction: it all
# restores, or nothing changes.
set -euo pipefail
url="${DATABASE_URL:-}"
file="${1:-}"
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "make restore needs DATABASE_URL=postgres://..." >&2; exit 2 ;;
esac
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "make restore needs BACKUP=<a file made by make backup> (got '${file}')" >&2
  exit 2
fi
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$url" "$file"
database="${url##*/}"
echo "restored $file into database ${database%%\?*}"
