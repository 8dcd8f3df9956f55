#!/usr/bin/env bash
# `make backup [BACKUP=file]`: a pg_dump of DATABASE_URL in PostgreSQL's custom format.
# The dump is written beside its final name and renamed when complete, so a backup file that
# exists is a whole one. Prints the file's name.
set -euo pipefail
url="${DATABASE_URL:-}"
case "$url" in
  postgres://* | postgresql://*) ;;
  *)
    echo "make backup needs DATABASE_URL=postgres://... (the SQLite default is one file: copy db.sqlite3)" >&2
    exit 2
    ;;
esac
file="${1:-backups/rivalries-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$file")"
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" --dbname="$url"
mv "$file.partial" "$file"
echo "$file"
