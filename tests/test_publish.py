"""dedup.release.publish: local copies (verified, atomic), Hub uploads through a fake HfApi (offline), addresses."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dedup.release.publish as publish
from dedup.cli import app
from dedup.errors import ConfigError, OutputError, ReleaseError
from dedup.release.publish import (NO_TOKEN, UnverifiedRelease, parse_destination, publish_to_dir, publish_to_hub, release_version)
from dedup.release.package import package
from dedup.release.verify import verify

from conftest import copy_of

runner = CliRunner()


@pytest.fixture(scope="module")
def release(sample_build, tmp_path_factory) -> Path:
    out = copy_of(sample_build, tmp_path_factory.mktemp("publish") / "news-sample")
    package(out, name="news-sample", version="1.2.3")
    assert verify(out) == []
    return out


@pytest.fixture()
def tampered(release, tmp_path) -> Path:
    bad = tmp_path / "tampered"
    shutil.copytree(release, bad)
    with open(bad / "README.md", "a", encoding="utf-8") as f:
        f.write("\nedited after packaging\n")
    return bad


def siblings(dest: Path) -> list[str]:
    """Everything next to dest except dest itself (temporary folders must not be left behind)."""
    return sorted(p.name for p in dest.parent.iterdir() if p.name != dest.name)


# --- parse_destination -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("hf://datasets/my-org/news-sample", ("hub", "my-org/news-sample")),
    ("hf://datasets/user_1/data.v2/", ("hub", "user_1/data.v2")),
    ("out/release", ("dir", "out/release")),
    ("/tmp/x", ("dir", "/tmp/x")),
    ("./hf:/not-a-url", ("dir", "./hf:/not-a-url")),
])
def test_parse_destination(text, expected):
    assert parse_destination(text) == expected


@pytest.mark.parametrize("text", [
    "hf://my-org/news-sample", "hf://models/my-org/x", "hf://datasets/only-owner", "hf://datasets/a/b/c",
    "hf://datasets/a/../b", "hf://datasets//x", "hf://datasets/a/b c",
])
def test_bad_hub_address_says_how_to_write_it(text):
    with pytest.raises(ConfigError, match="hf://datasets/OWNER/NAME"):
        parse_destination(text)


def test_other_urls_are_object_stores():
    assert parse_destination("s3://bucket/releases/news/") == ("store", "s3://bucket/releases/news")
    assert parse_destination("gs://b/x") == ("store", "gs://b/x")


# --- object stores (fsspec) ------------------------------------------------------------------------


def _store_files(fs, root: str) -> dict[str, bytes]:
    return {p[len(root) + 1:]: fs.cat_file(p) for p in fs.find(root)}


def test_publish_to_store_uploads_every_file_and_checks_it(release):
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    url = publish.publish_to_store(release, "memory://releases/news-sample")
    files = _store_files(fs, "/releases/news-sample")
    assert files == {p.relative_to(release).as_posix(): p.read_bytes() for p in release.rglob("*") if p.is_file()}
    # a copy made back from the store verifies like the release
    back = Path(release.parent / "from-store")
    for rel, data in files.items():
        (back / rel).parent.mkdir(parents=True, exist_ok=True)
        (back / rel).write_bytes(data)
    assert url == "memory://releases/news-sample" and verify(back) == []
    fs.rm("/releases", recursive=True)


def test_publish_to_store_refuses_a_used_prefix_unless_overwrite(release):
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    fs.pipe("/used/old/stale.txt", b"from an older copy")
    with pytest.raises(OutputError, match="--overwrite"):
        publish.publish_to_store(release, "memory://used/old")
    publish.publish_to_store(release, "memory://used/old", overwrite=True)
    files = _store_files(fs, "/used/old")
    assert "stale.txt" not in files and "SHA256SUMS" in files
    fs.rm("/used", recursive=True)


def test_a_store_upload_that_does_not_read_back_leaves_no_checksums(release, monkeypatch):
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    real_put = type(fs).put_file

    def corrupting_put(self, lpath, rpath, **kw):
        real_put(self, lpath, rpath, **kw)
        if rpath.endswith("manifest.json"):
            self.pipe_file(rpath, b"{}")  # a storage fault: the object is not what was sent
    monkeypatch.setattr(type(fs), "put_file", corrupting_put)
    with pytest.raises(UnverifiedRelease, match="marked incomplete") as info:
        publish.publish_to_store(release, "memory://faulty/news")
    assert "manifest.json" in info.value.problems[0]
    assert not fs.exists("/faulty/news/SHA256SUMS")
    fs.rm("/faulty", recursive=True)


def test_publish_to_store_refuses_an_unverifiable_release(tampered):
    pytest.importorskip("fsspec")
    with pytest.raises(UnverifiedRelease):
        publish.publish_to_store(tampered, "memory://never/x")


def test_publish_to_an_unknown_protocol_says_what_to_do(release):
    pytest.importorskip("fsspec")
    with pytest.raises(ConfigError, match="fsspec URL"):
        publish.publish_to_store(release, "nosuchprotocol://bucket/x")


def test_cli_publish_to_s3(release, s3_endpoint):
    s3_endpoint.create_bucket(Bucket="datasets")
    result = runner.invoke(app, ["publish", str(release), "--to", "s3://datasets/news-sample/1.2.3"])
    assert result.exit_code == 0, result.output
    assert "read back and checked" in result.output
    keys = {o["Key"] for o in s3_endpoint.list_objects_v2(Bucket="datasets")["Contents"]}
    assert keys == {f"news-sample/1.2.3/{p.relative_to(release).as_posix()}" for p in release.rglob("*") if p.is_file()}
    result = runner.invoke(app, ["publish", str(release), "--to", "s3://datasets/news-sample/1.2.3"])
    assert result.exit_code == 2 and "--overwrite" in result.output


def test_release_version_from_manifest_then_changelog(release, tmp_path):
    assert release_version(release) == "1.2.3"
    only_log = tmp_path / "r"
    only_log.mkdir()
    shutil.copy(release / "CHANGELOG.md", only_log / "CHANGELOG.md")
    assert release_version(only_log) == "1.2.3"
    with pytest.raises(ReleaseError, match="no version"):
        release_version(tmp_path)


# --- local folder ----------------------------------------------------------------------------------


def test_publish_to_dir_copies_and_the_copy_verifies(release, tmp_path):
    dest = tmp_path / "pub" / "news-sample-1.2.3"
    assert publish_to_dir(release, dest) == dest
    assert verify(dest) == []
    assert sorted(p.relative_to(dest) for p in dest.rglob("*")) == \
        sorted(p.relative_to(release) for p in release.rglob("*"))
    assert not any((dest / p.relative_to(release)).is_symlink() for p in release.rglob("*"))
    assert siblings(dest) == []
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=dest, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_publish_to_empty_existing_dir(release, tmp_path):
    dest = tmp_path / "empty"
    dest.mkdir()
    publish_to_dir(release, dest)
    assert verify(dest) == []


def test_refuses_non_empty_dest_unless_overwrite(release, tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty.*--overwrite"):
        publish_to_dir(release, dest)
    assert [p.name for p in dest.iterdir()] == ["keep.txt"] and siblings(dest) == []
    with pytest.raises(OutputError, match="not dedup's output"):  # a folder of other files: never replaced
        publish_to_dir(release, dest, overwrite=True)
    assert [p.name for p in dest.iterdir()] == ["keep.txt"] and siblings(dest) == []
    (dest / "keep.txt").unlink()
    (dest / "run.json").write_text("{}")  # an earlier release's (its other files gone)
    (dest / "README.md").write_text("old")
    publish_to_dir(release, dest, overwrite=True)
    assert (dest / "README.md").read_text() != "old" and verify(dest) == []
    assert siblings(dest) == []


def test_refuses_a_file_as_dest_and_overlapping_folders(release, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        publish_to_dir(release, blocker)
    with pytest.raises(OutputError, match="overlaps"):
        publish_to_dir(release, release / "inside")
    with pytest.raises(OutputError, match="overlaps"):
        publish_to_dir(release, release.parent, overwrite=True)
    assert verify(release) == []


def test_refuses_an_unverifiable_release_before_copying(tampered, tmp_path):
    dest = tmp_path / "out"
    with pytest.raises(UnverifiedRelease) as info:
        publish_to_dir(tampered, dest)
    assert isinstance(info.value, ReleaseError) and info.value.exit_code == 3
    assert any("README.md" in p and "sha256" in p for p in info.value.problems)
    assert not dest.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tampered"]


def test_a_copy_that_does_not_verify_leaves_nothing(release, tmp_path, monkeypatch):
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "README.md").write_text("previous content")  # an earlier release's files
    (dest / "run.json").write_text("{}")
    calls = []

    def flaky_verify(folder):
        calls.append(Path(folder))
        return [] if len(calls) == 1 else ["data/x.parquet: sha256 differs"]

    monkeypatch.setattr(publish, "verify", flaky_verify)
    with pytest.raises(UnverifiedRelease, match="copy does not verify"):
        publish_to_dir(release, dest, overwrite=True)
    assert calls[0] == release and calls[1].parent == dest.resolve().parent and calls[1] != dest.resolve()
    assert sorted(p.name for p in dest.iterdir()) == ["README.md", "run.json"] and siblings(dest) == []
    assert (dest / "README.md").read_text() == "previous content"


def test_a_failed_copy_leaves_nothing(release, tmp_path, monkeypatch):
    dest = tmp_path / "dest"

    def half_copy(src, dst, **kw):
        Path(dst).mkdir()
        (Path(dst) / "README.md").write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish.shutil, "copytree", half_copy)
    with pytest.raises(OutputError, match="No space left"):
        publish_to_dir(release, dest)
    assert not dest.exists() and siblings(dest) == []


# --- Hugging Face Hub (a fake HfApi: no network) ---------------------------------------------------


class FakeApi:
    """Records the calls publish_to_hub makes; `fail` is raised by create_repo when set."""

    def __init__(self, fail: Exception | None = None, url="https://huggingface.co/datasets/my-org/news-sample"):
        self.calls: list[tuple[str, tuple, dict]] = []
        self.fail, self.url = fail, url

    def create_repo(self, *args, **kwargs):
        self.calls.append(("create_repo", args, kwargs))
        if self.fail:
            raise self.fail
        return self.url

    def upload_folder(self, *args, **kwargs):
        self.calls.append(("upload_folder", args, kwargs))
        return "commit"


@pytest.fixture()
def hub():
    return pytest.importorskip("huggingface_hub", reason="huggingface_hub is not installed (pip install huggingface_hub)")


@pytest.mark.parametrize("private", [False, True])
def test_publish_to_hub_calls(release, private):
    api = FakeApi()
    url = publish_to_hub(release, "my-org/news-sample", private=private, api=api)
    assert url == "https://huggingface.co/datasets/my-org/news-sample"
    assert api.calls == [
        ("create_repo", ("my-org/news-sample",), {"repo_type": "dataset", "private": private, "exist_ok": True}),
        ("upload_folder", (), {"folder_path": release, "repo_id": "my-org/news-sample", "repo_type": "dataset",
                               "commit_message": "dedup release 1.2.3"}),
    ]


def test_publish_to_hub_url_when_the_api_returns_none(release):
    assert publish_to_hub(release, "o/n", api=FakeApi(url=None)) == "https://huggingface.co/datasets/o/n"


def test_publish_to_hub_verifies_first(tampered):
    api = FakeApi()
    with pytest.raises(UnverifiedRelease):
        publish_to_hub(tampered, "my-org/news-sample", api=api)
    assert api.calls == []


def test_publish_to_hub_bad_repo_id(release):
    api = FakeApi()
    with pytest.raises(ConfigError, match="hf://datasets/OWNER/NAME"):
        publish_to_hub(release, "no-owner", api=api)
    assert api.calls == []


def test_no_token_up_front(release, hub, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(hub, "get_token", lambda: None)
    with pytest.raises(OutputError) as info:
        publish_to_hub(release, "my-org/news-sample")
    assert str(info.value) == NO_TOKEN


def test_token_from_env_goes_to_hfapi(release, hub, monkeypatch):
    seen = {}

    class Api(FakeApi):
        def __init__(self, token=None):
            super().__init__()
            seen["token"] = token

    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    monkeypatch.setattr(hub, "HfApi", Api)
    publish_to_hub(release, "my-org/news-sample")
    assert seen == {"token": "hf_test_token"}


def test_no_token_raised_by_huggingface_hub(release, hub):
    from huggingface_hub.errors import LocalTokenNotFoundError

    with pytest.raises(OutputError) as info:
        publish_to_hub(release, "my-org/news-sample", api=FakeApi(fail=LocalTokenNotFoundError("Token is required")))
    assert str(info.value) == NO_TOKEN


@pytest.mark.parametrize("make", [
    lambda: ConnectionError("[Errno 101] Network is unreachable"),
    lambda: __import__("requests").exceptions.ConnectionError("Max retries exceeded"),
    lambda: __import__("huggingface_hub.errors", fromlist=["x"]).OfflineModeIsEnabled("HF_HUB_OFFLINE=1"),
], ids=["builtin", "requests", "offline-mode"])
def test_connection_error_says_offline(release, hub, make):
    try:
        exc = make()
    except ImportError as missing:
        pytest.skip(f"not installed: {missing}")
    with pytest.raises(OutputError, match="cannot reach the Hugging Face Hub.*offline"):
        publish_to_hub(release, "my-org/news-sample", api=FakeApi(fail=exc))


def test_wrapped_connection_error_says_offline(release):
    try:
        try:
            raise OSError("getaddrinfo failed")
        except OSError as inner:
            raise ConnectionError("connect failed") from inner
    except ConnectionError as outer:
        wrapped = RuntimeError("request failed")
        wrapped.__cause__ = outer
    with pytest.raises(OutputError, match="offline"):
        publish_to_hub(release, "my-org/news-sample", api=FakeApi(fail=wrapped))


def test_other_hub_error_is_one_line(release):
    with pytest.raises(OutputError, match=r"^publishing to hf://datasets/my-org/news-sample failed \(ValueError: boom\)$"):
        publish_to_hub(release, "my-org/news-sample", api=FakeApi(fail=ValueError("boom\nsecond line")))


def test_hub_without_huggingface_hub_installed(release, monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # import raises ImportError
    with pytest.raises(OutputError, match="pip install huggingface_hub"):
        publish_to_hub(release, "my-org/news-sample")


# --- CLI -------------------------------------------------------------------------------------------


def test_cli_publish_to_dir(release, tmp_path):
    dest = tmp_path / "pub"
    result = runner.invoke(app, ["publish", str(release), "--to", str(dest)])
    assert result.exit_code == 0, result.output
    assert "copy verified" in result.output and verify(dest) == []
    result = runner.invoke(app, ["publish", str(release), "--to", str(dest)])
    assert result.exit_code == 2 and "--overwrite" in result.output
    result = runner.invoke(app, ["publish", str(release), "--to", str(dest), "--overwrite"])
    assert result.exit_code == 0, result.output


def test_cli_publish_unverifiable_is_exit_3(tampered, tmp_path):
    result = runner.invoke(app, ["publish", str(tampered), "--to", str(tmp_path / "pub")])
    assert result.exit_code == 3
    assert "does not verify" in result.output and "problem:" in result.output and "README.md" in result.output
    assert not (tmp_path / "pub").exists()


def test_cli_bad_address_and_option_misuse_are_exit_2(release, tmp_path):
    result = runner.invoke(app, ["publish", str(release), "--to", "hf://my-org/x"])
    assert result.exit_code == 2 and "hf://datasets/OWNER/NAME" in result.output
    result = runner.invoke(app, ["publish", str(release), "--to", str(tmp_path / "d"), "--private"])
    assert result.exit_code == 2 and "--private" in result.output
    result = runner.invoke(app, ["publish", str(release), "--to", "hf://datasets/o/n", "--overwrite"])
    assert result.exit_code == 2 and "--overwrite" in result.output


def test_cli_hub_without_token_is_exit_2(release, hub, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(hub, "get_token", lambda: None)
    result = runner.invoke(app, ["publish", str(release), "--to", "hf://datasets/my-org/news-sample"])
    assert result.exit_code == 2 and NO_TOKEN in " ".join(result.output.split())


def test_cli_hub_with_fake_api(release, hub, monkeypatch):
    api = FakeApi()
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    monkeypatch.setattr(hub, "HfApi", lambda token=None: api)
    result = runner.invoke(app, ["publish", str(release), "--to", "hf://datasets/my-org/news-sample", "--private"])
    assert result.exit_code == 0, result.output
    assert "https://huggingface.co/datasets/my-org/news-sample" in result.output
    assert api.calls[0][2]["private"] is True


def test_cli_publish_help():
    result = runner.invoke(app, ["publish", "--help"])
    assert result.exit_code == 0
    for option in ("--to", "--overwrite", "--private"):
        assert option in result.output
