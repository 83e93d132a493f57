#!/usr/bin/env bash
# Back up PCC Grants: the PostgreSQL database (pg_dump, custom format) and the
# private files (published PDFs, attachments, scans, agreement documents).
#
#   scripts/backup.sh BACKUP_DIR
#
# Reads DATABASE_URL (postgres://...) and MEDIA_ROOT from the environment, as the
# application does. Writes BACKUP_DIR/database.dump, BACKUP_DIR/media.tar.gz and
# BACKUP_DIR/SHA256SUMS.
set -euo pipefail
backup_dir=${1:?usage: scripts/backup.sh BACKUP_DIR}
: "${DATABASE_URL:?set DATABASE_URL to the postgres:// URL of the database}"
: "${MEDIA_ROOT:?set MEDIA_ROOT to the directory of uploaded and published files}"

mkdir -p "$backup_dir"
pg_dump --format=custom --no-owner --file="$backup_dir/database.dump" "$DATABASE_URL"
tar -C "$MEDIA_ROOT" -czf "$backup_dir/media.tar.gz" .
(cd "$backup_dir" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "Backed up to $backup_dir"
