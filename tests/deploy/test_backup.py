"""The documented backup and restore (deploy/backup.sh, deploy/restore.sh): the demo installation
dumped and restored into a fresh database and an empty media folder shows identical figures and
serves identical photos; the scripts refuse to overwrite anything."""

import json
import sys

import pytest

from tests.deploy.servers import ROOT, manage, run


def script(name, *args, site, check=True):
    return run([str(ROOT / "deploy" / name), *map(str, args)], env=site.env(), check=check)


def figures(site):
    # Development settings: the test client in there speaks plain HTTP.
    shown = run(
        [sys.executable, "-m", "tests.deploy.figures"],
        env=site.env(DJANGO_ENV="development", ALLOWED_HOSTS="testserver"),
    )
    return json.loads(shown.stdout)


def media_tree(site):
    return {str(path.relative_to(site.media)): path.read_bytes() for path in site.media.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def source(make_site):
    return make_site()


@pytest.fixture(scope="module")
def backup(source, tmp_path_factory):
    folder = tmp_path_factory.mktemp("backups") / "2026-11-28"
    script("backup.sh", folder, site=source)
    return folder


def test_the_round_trip_restores_identical_figures_and_files(source, backup, make_site):
    assert sorted(path.name for path in backup.iterdir()) == ["SHA256SUMS", "database.dump", "media.tar.gz"]
    restored = make_site(empty=True)
    done = script("restore.sh", backup, site=restored)
    assert "已从" in done.stdout

    expected = figures(source)
    assert expected["photos"] and expected["overview"]["city"]["done"] == "411,700.00"
    assert figures(restored) == expected
    assert restored.row_counts() == source.row_counts()
    assert media_tree(restored) == media_tree(source) != {}
    assert "文件齐全" in manage("check_media", env=restored.env()).stdout
    manage("migrate", "--check", env=restored.env())  # nothing left to apply: the schema came back whole


def test_a_restore_never_overwrites_a_database_or_files(source, backup, make_site):
    counts = source.row_counts()
    refused = script("restore.sh", backup, site=source, check=False)
    assert refused.returncode == 1 and "目标数据库不是空库" in refused.stderr
    assert source.row_counts() == counts

    empty = make_site(empty=True)
    empty.media.mkdir(parents=True)
    (empty.media / "already-here.jpg").write_bytes(b"keep me")
    refused = script("restore.sh", backup, site=empty, check=False)
    assert refused.returncode == 1 and "上传文件目录" in refused.stderr
    assert empty.row_counts() == {} and (empty.media / "already-here.jpg").read_bytes() == b"keep me"


def test_a_damaged_backup_is_refused_before_anything_is_written(backup, make_site, tmp_path):
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for path in backup.iterdir():
        (damaged / path.name).write_bytes(path.read_bytes())
    dump = damaged / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-100])
    target = make_site(empty=True)
    refused = script("restore.sh", damaged, site=target, check=False)
    assert refused.returncode == 1 and "备份文件校验失败" in refused.stderr
    assert target.row_counts() == {} and not target.media.exists()


def test_a_backup_never_overwrites_an_earlier_one(source, backup):
    before = {path.name: path.read_bytes() for path in backup.iterdir()}
    refused = script("backup.sh", backup, site=source, check=False)
    assert refused.returncode == 1 and "不是空的" in refused.stderr
    assert {path.name: path.read_bytes() for path in backup.iterdir()} == before
