"""File discovery: gitignore, dependency folders, symlinks, size and content skips."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nodeward.config import Config
from nodeward.project import content_skip_reason, discover


def _paths(project) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.path for f in project.files]


def test_gitignore_nested_and_negation(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("dist/\n*.log\n!keep.log\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / ".gitignore").write_text("generated.js\n")
    (tmp_path / "src" / "app.js").write_text("x")
    (tmp_path / "src" / "generated.js").write_text("x")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "bundle.js").write_text("x")
    (tmp_path / "a.log").write_text("x")
    (tmp_path / "keep.log").write_text("x")
    project = discover(tmp_path, Config())
    assert _paths(project) == [".gitignore", "keep.log", "src/.gitignore", "src/app.js"]


def test_dependency_folders_skipped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "node_modules" / "lodash").mkdir(parents=True)
    (tmp_path / "node_modules" / "lodash" / "index.js").write_text("x")
    (tmp_path / "index.js").write_text("x")
    project = discover(tmp_path, Config())
    assert _paths(project) == ["index.js"]
    assert [(s.path, s.reason.split(" (")[0]) for s in project.skipped] == [("node_modules/", "dependency folder")]
    with_nm = discover(tmp_path, Config(include_node_modules=True))
    assert "node_modules/lodash/index.js" in _paths(with_nm)


def test_symlink_outside_root_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.js").write_text("x")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "a.js").write_text("x")
    project = discover(root, Config())
    assert _paths(project) == ["a.js"]
    assert ("link", "symlink pointing outside the scan root") in [(s.path, s.reason) for s in project.skipped]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.js").write_text("x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    project = discover(tmp_path, Config())
    assert _paths(project) == ["a/x.js"]
    assert any(s.reason == "symlink loop" for s in project.skipped)


def test_large_and_minified_files(tmp_path: Path) -> None:
    (tmp_path / "big.js").write_bytes(b"a" * 2048)
    (tmp_path / "vendor.min.js").write_text("x")
    project = discover(tmp_path, Config(max_file_size=1024))
    reasons = {s.path: s.reason for s in project.skipped}
    assert reasons == {
        "big.js": "larger than 1 KB (raise max_file_size to scan it)",
        "vendor.min.js": "minified bundle (*.min.js)",
    }
    assert _paths(project) == []


def test_exclude_globs(tmp_path: Path) -> None:
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "a.spec.js").write_text("x")
    (tmp_path / "b.js").write_text("x")
    project = discover(tmp_path, Config(exclude=("test/",)))
    assert _paths(project) == ["b.js"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.js", b"\x7fELF\x00\x00\x01", "binary file"),
        ("a.min.js", b"var a=1;", "minified bundle (*.min.js)"),
        ("a.js", (b"x" * 600 + b"\n") * 10, "minified bundle (average line length over 500 characters)"),
        ("a.js", b"const a = 1;\n" * 400, None),
        ("a.js.map", b"{}", "source map"),
    ],
)
def test_content_skip_reason(name: str, data: bytes, reason: str | None) -> None:
    assert content_skip_reason(name, data) == reason


def test_unreadable_directory_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read every directory")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        project = discover(tmp_path, Config())
        assert any(s.path.startswith("locked") for s in project.skipped)
    finally:
        locked.chmod(0o755)


def test_gitignore_of_enclosing_repository_applies_to_a_subfolder_scan(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.env\nservice/build/\n")
    service = tmp_path / "service"
    (service / "build").mkdir(parents=True)
    (service / "build" / "out.js").write_text("x")
    (service / "local.env").write_text("X=1")
    (service / "app.js").write_text("x")
    assert _paths(discover(service, Config())) == ["app.js"]


def test_gitignore_above_a_non_repository_is_not_applied(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.js\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "app.js").write_text("x")
    assert _paths(discover(sub, Config())) == ["app.js"]


def test_long_lines_only_mark_code_as_minified() -> None:
    long_json = b'{"apiKey": "' + b"a" * 6000 + b'"}'
    assert content_skip_reason("config/keys.json", long_json) is None
    assert content_skip_reason(".env", b"K=" + b"b" * 6000) is None
    assert content_skip_reason("dist/app.js", b"var a=1;" * 1000) is not None


def test_explicitly_scanned_folder_that_the_repository_ignores_is_scanned(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("vendor/\n")
    vendor = tmp_path / "vendor" / "lib"
    vendor.mkdir(parents=True)
    (vendor / "a.js").write_text("x")
    assert _paths(discover(vendor, Config())) == ["a.js"]
