#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a NEW, empty database and a new
# files directory, then check every published PDF and signed record.
#
#   scripts/restore.sh BACKUP_DIR NEW_DATABASE_URL NEW_MEDIA_ROOT
#
# The new database must exist and be empty (createdb NAME). Nothing is
# overwritten: the restore refuses a files directory that is not empty.
set -euo pipefail
backup_dir=${1:?usage: scripts/restore.sh BACKUP_DIR NEW_DATABASE_URL NEW_MEDIA_ROOT}
database_url=${2:?usage: scripts/restore.sh BACKUP_DIR NEW_DATABASE_URL NEW_MEDIA_ROOT}
media_root=${3:?usage: scripts/restore.sh BACKUP_DIR NEW_DATABASE_URL NEW_MEDIA_ROOT}
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}

(cd "$backup_dir" && sha256sum --check --quiet SHA256SUMS)
if [ -d "$media_root" ] && [ -n "$(ls -A "$media_root")" ]; then
  echo "$media_root is not empty: restore into a new directory" >&2
  exit 1
fi
pg_restore --no-owner --exit-on-error --dbname="$database_url" "$backup_dir/database.dump"
mkdir -p "$media_root"
tar -C "$media_root" -xzf "$backup_dir/media.tar.gz"
DATABASE_URL=$database_url MEDIA_ROOT=$media_root "$python" "$here/manage.py" verify_records
echo "Restored into $database_url and $media_root"
