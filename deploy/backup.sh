#!/usr/bin/env bash
# Back up the tracker: the PostgreSQL database (pg_dump, custom format) and the uploaded files
# (MEDIA_ROOT) into one new folder. Usage: DATABASE_URL=… MEDIA_ROOT=… deploy/backup.sh /backups/2026-11-28
# With MEDIA_S3_BUCKET the files are in the bucket: back that up with the store's own tools.
set -euo pipefail

target=${1:?"用法：deploy/backup.sh <备份目录>（目录须不存在或为空）"}
: "${DATABASE_URL:?需要设置 DATABASE_URL（postgres://…）}"
if [ -e "$target" ] && [ -n "$(ls -A "$target")" ]; then
    echo "备份目录 $target 不是空的；为免覆盖已有备份，请换一个目录。" >&2
    exit 1
fi
mkdir -p "$target"

# One consistent snapshot of the database, whatever the app servers write meanwhile.
pg_dump --format=custom --file="$target/database.dump" --dbname="$DATABASE_URL"

# Files are only ever added under new names, so copying them after the dump misses nothing the
# dump refers to (a file uploaded in between is an extra, harmless).
if [ -z "${MEDIA_S3_BUCKET:-}" ]; then
    media=${MEDIA_ROOT:?需要设置 MEDIA_ROOT（上传文件目录）}
    mkdir -p "$media"
    tar --create --gzip --file="$target/media.tar.gz" --directory="$media" .
fi

(cd "$target" && sha256sum -- * > SHA256SUMS)
echo "已备份到 $target："
ls -l "$target"
