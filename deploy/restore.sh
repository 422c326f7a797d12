#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and an empty media folder.
# Usage: DATABASE_URL=… MEDIA_ROOT=… deploy/restore.sh /backups/2026-11-28
# It refuses to restore over existing data; to replace a database, drop and create it first.
set -euo pipefail

source=${1:?"用法：deploy/restore.sh <备份目录>"}
: "${DATABASE_URL:?需要设置 DATABASE_URL（postgres://…，须是新建的空库）}"
(cd "$source" && sha256sum --check --quiet SHA256SUMS) || {
    echo "备份文件校验失败（SHA256SUMS 不符），未恢复任何内容。" >&2
    exit 1
}

tables=$(psql --dbname="$DATABASE_URL" --tuples-only --no-align \
    --command="SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
    echo "目标数据库不是空库（已有 $tables 张表）；为免覆盖数据，未恢复任何内容。" >&2
    exit 1
fi
if [ -f "$source/media.tar.gz" ]; then
    media=${MEDIA_ROOT:?需要设置 MEDIA_ROOT（上传文件目录）}
    if [ -e "$media" ] && [ -n "$(ls -A "$media")" ]; then
        echo "上传文件目录 $media 不是空的；为免覆盖文件，未恢复任何内容。" >&2
        exit 1
    fi
fi

# All or nothing: one transaction, stopped at the first error.
pg_restore --no-owner --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$source/database.dump"
if [ -f "$source/media.tar.gz" ]; then
    mkdir -p "$media"
    tar --extract --gzip --file="$source/media.tar.gz" --directory="$media"
fi
echo "已从 $source 恢复。请执行 manage.py migrate（版本更新时）和 manage.py check_media 核对文件。"
