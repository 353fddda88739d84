"""Which files a scan looks at, and why it skipped the others.

The walk honours every `.gitignore` on the way down (a real gitignore matcher,
`pathspec`), skips dependency and VCS folders, never leaves the scan root
through a symlink, and survives symlink loops.  Every skip is reported with its
reason so "clean" never silently means "not looked at".
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from nodeward.config import Config
from nodeward.model import Skipped
from nodeward.sast.parse import Lang, language_for

__all__ = ["Project", "ProjectFile", "content_skip_reason", "discover", "generated_bundle_reason", "normalise_newlines"]

SKIP_DIRS = {"node_modules": "dependency folder", "bower_components": "dependency folder", ".git": "version control data", ".hg": "version control data", ".svn": "version control data"}
MINIFIED_AVG_LINE = 500
_BUNDLE_EXTS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".css")
_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class ProjectFile:
    path: str
    """POSIX path relative to the scan root."""
    abspath: str
    size: int
    lang: Lang | None
    """Grammar when the file is JS/TS source, else None (still scanned for secrets)."""


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    files: tuple[ProjectFile, ...]
    skipped: tuple[Skipped, ...]
    config: Config

    @property
    def sources(self) -> tuple[ProjectFile, ...]:
        return tuple(f for f in self.files if f.lang is not None)


_LONE_CR = re.compile(rb"\r(?!\n)")


def normalise_newlines(data: bytes) -> bytes:
    """A lone CR (classic Mac line endings) ends a line in JavaScript, but tree-sitter and
    every `count(b"\\n")` only count LF, so a CR-only file was one long line 1 and each
    finding sat on line 1 at a far-away column. Each lone CR becomes LF: the same length, so
    byte offsets and columns stay valid. CRLF files are returned unchanged."""
    if b"\r" not in data or data.count(b"\r") == data.count(b"\r\n"):
        return data
    return _LONE_CR.sub(b"\n", data)


def content_skip_reason(path: str, data: bytes) -> str | None:
    """Why a file's bytes should not be analysed as text source, or None.

    Shared by every analyzer that reads contents so they skip the same files
    for the same reasons.
    """
    if b"\x00" in data[:_SNIFF]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # a BOM, and the NULs of UTF-16's wide ASCII
            return "UTF-16 text: not scanned (save it as UTF-8)"
        return "binary file"
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith((".min.js", ".min.mjs", ".min.cjs")):
        return "minified bundle (*.min.js)"
    if name.endswith(".map"):
        return "source map"
    if name.endswith((".sarif", ".json", ".html")) and _is_own_report(data):
        return "a nodeward report (its own output)"
    # Only code and stylesheets come minified; a long-lined JSON config or .env still holds
    # secrets worth reading.
    if len(data) > 4096 and name.endswith(_BUNDLE_EXTS):
        lines = data.count(b"\n") + 1
        if len(data) / lines > MINIFIED_AVG_LINE:
            return f"minified bundle (average line length over {MINIFIED_AVG_LINE} characters)"
    return None


_JSON_REPORT_END = re.compile(rb'"tool": \{\n    "name": "nodeward",\n    "version": "[^"\n]*"\n  \}\n\}\s*\Z')


def _is_own_report(data: bytes) -> bool:
    """A report nodeward wrote (`-o nodeward.sarif` inside the project): re-scanning it found
    "secrets" in the rule help's examples and in quoted code, a dozen high findings per run."""
    head = data[:400].lstrip()
    if head.startswith(b'{\n  "$schema": "https://json.schemastore.org/sarif'):
        return b'"name": "nodeward"' in data  # the driver, after the results
    if head.startswith(b"{"):  # the JSON report: its last key, exactly as jsonfmt writes it
        return b'"schema_version": 1,' in data and _JSON_REPORT_END.search(data[-200:]) is not None
    return head.startswith(b"<!doctype html>") and (b"<title>nodeward report</title>" in data[:2000] or b"<title>nodeward routes: " in data[:2000])


_BUILD_DIRS = frozenset({"dist", "build", "built", "assets", "static", "public", "out", ".next", ".nuxt", ".output", ".svelte-kit", "_next", "bundles", "chunks"})
_HEX_HASHED = re.compile(r"[.-][0-9a-f]{8,}(?:\.chunk)?\.(?:m?js|cjs)$")
_TOKEN_HASHED = re.compile(r"-([A-Za-z0-9_-]{8})(?:\.chunk)?\.(?:m?js|cjs)$")
_NOT_A_WORD = re.compile(r"[A-Z0-9_-]")
_WEBPACK_HEAD = re.compile(rb"(?m)^/\*{6}/|(?:self|window|this|globalThis)(?:\.|\[[\"'])webpack(?:Chunk|Jsonp)")
"""The bootstrap's `/******/` line prefix, or a chunk pushing itself onto the runtime's array."""
_BROWSERIFY_HEAD = re.compile(rb"""(?:["']function["']\s*==\s*typeof\s+require|typeof\s+require\s*==\s*["']function["'])\s*&&\s*require""")
"""Browserify's module prelude (`var c="function"==typeof require&&require`), also inside its
standalone UMD wrapper; it throws `MODULE_NOT_FOUND` a few bytes later."""


def generated_bundle_reason(path: str, data: bytes) -> str | None:
    """Why a JS file is a bundler's output rather than source, or None.

    Webpack output starts with its runtime (`/******/` bootstrap lines, a `webpackChunk` or
    `webpackJsonp` push), browserify output with its module prelude; Vite, Rollup, Ember CLI and webpack's long-term caching name files by
    content hash (`index-B4jZ8hyg.js`, `vendor-97e91ff8dd14.js`, `main.3f2a1b9c.js`), which in a
    build folder (`dist/`, `built/`, `assets/` ...) marks generated code.  Code rules on such
    files report the bundled libraries' idioms (one Ghost release: 88 of 208 findings), which
    the team cannot fix there and the dependency audit already covers; the engine still runs
    the secret detectors on them, since a key compiled into a shipped bundle is a real leak."""
    head = data[:512]
    if (b"/******/" in head or b"webpack" in head) and _WEBPACK_HEAD.search(head):
        return "generated bundle (webpack output)"
    prelude = data[:1024]
    if b"MODULE_NOT_FOUND" in prelude and _BROWSERIFY_HEAD.search(prelude):
        return "generated bundle (browserify output)"
    folders, _, name = path.rpartition("/")
    if not _BUILD_DIRS.intersection(part.lower() for part in folders.split("/")):
        return None
    if _HEX_HASHED.search(name):
        return "generated bundle (content-hashed file in a build folder)"
    token = _TOKEN_HASHED.search(name)
    if token is not None and _NOT_A_WORD.search(token.group(1)):
        return "generated bundle (content-hashed file in a build folder)"
    return None


def _load_gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    path = directory / ".gitignore"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def discover(root: Path, config: Config) -> Project:
    """Walk `root` (a directory or a single file) and classify every file."""
    root = root.resolve()
    files: list[ProjectFile] = []
    skipped: list[Skipped] = []
    excludes = pathspec.GitIgnoreSpec.from_lines(config.exclude)
    if root.is_file():
        st = root.stat()
        files.append(ProjectFile(root.name, str(root), st.st_size, language_for(root.name)))
        return Project(root.parent, tuple(files), (), config)

    for rel, abspath, st in _walk(root, config, excludes, skipped):
        if st.st_size > config.max_file_size:
            skipped.append(Skipped(rel, f"larger than {_human_size(config.max_file_size)} (raise max_file_size to scan it)"))
            continue
        lang = language_for(rel)
        if lang is not None and rel.lower().endswith((".min.js", ".min.mjs", ".min.cjs")):
            skipped.append(Skipped(rel, "minified bundle (*.min.js)"))
            continue
        files.append(ProjectFile(rel, abspath, st.st_size, lang))
    files.sort(key=lambda f: f.path)
    skipped.sort(key=lambda s: s.path)
    return Project(root, tuple(files), tuple(skipped), config)


def _walk(
    root: Path,
    config: Config,
    excludes: pathspec.GitIgnoreSpec,
    skipped: list[Skipped],
) -> Iterator[tuple[str, str, os.stat_result]]:
    """Depth-first walk yielding (relative posix path, absolute path, stat) of regular files."""
    seen_dirs: set[tuple[int, int]] = set()
    root_real = os.path.realpath(root)
    # Each stack entry: directory path, its relative prefix, and the gitignore specs in force
    # (see `_Spec`), starting with those of the enclosing repository's folders above the root.
    stack: list[tuple[str, str, tuple[_Spec, ...]]] = [(str(root), "", _ancestor_specs(root))]
    while stack:
        directory, prefix, specs = stack.pop()
        try:
            st_dir = os.stat(directory)
        except OSError as e:
            skipped.append(Skipped(prefix or ".", f"unreadable directory: {e.strerror}"))
            continue
        key = (st_dir.st_dev, st_dir.st_ino)
        if key in seen_dirs:
            skipped.append(Skipped(prefix, "symlink loop"))
            continue
        seen_dirs.add(key)
        spec = _load_gitignore(Path(directory))
        if spec is not None:
            specs = (*specs, (prefix, "", spec))
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name, reverse=True)
        except OSError as e:
            skipped.append(Skipped(prefix or ".", f"unreadable directory: {e.strerror}"))
            continue
        for entry in entries:
            rel = f"{prefix}{entry.name}"
            try:
                is_link = entry.is_symlink()
                st = entry.stat(follow_symlinks=True)
            except OSError:
                skipped.append(Skipped(rel, "broken symlink" if is_link else "unreadable"))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if is_link:
                real = os.path.realpath(entry.path)
                if real != root_real and not real.startswith(root_real + os.sep):
                    skipped.append(Skipped(rel, "symlink pointing outside the scan root"))
                    continue
            if is_dir:
                reason = SKIP_DIRS.get(entry.name)
                if reason == "dependency folder" and config.include_node_modules:
                    reason = None
                if reason is not None:
                    if entry.name != ".git":
                        skipped.append(Skipped(rel + "/", f"{reason} (use --include-node-modules)" if "dependency" in reason else reason))
                    continue
                if _ignored(rel + "/", specs) or excludes.match_file(rel + "/"):
                    continue
                stack.append((entry.path, rel + "/", specs))
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            if _ignored(rel, specs):
                continue
            if excludes.match_file(rel):
                skipped.append(Skipped(rel, "excluded by configuration"))
                continue
            yield rel, entry.path, st


def _human_size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


_Spec = tuple[str, str, pathspec.GitIgnoreSpec]
"""(prefix of the scan-relative paths it applies to, path of the scan root as seen from the
.gitignore's folder when that folder is above the root, the patterns)."""


def _ancestor_specs(root: Path) -> tuple[_Spec, ...]:
    """`.gitignore` files of the folders between the repository top and the scan root.

    Scanning a subfolder must honour what git honours there; outside a git work tree, a
    stray `.gitignore` above the root is not ours to apply.
    """
    chain: list[Path] = []
    for folder in root.parents:
        chain.append(folder)
        if (folder / ".git").exists():
            break
    else:
        return ()
    if (root / ".git").exists():
        return ()
    out: list[_Spec] = []
    for folder in reversed(chain):
        spec = _load_gitignore(folder)
        if spec is not None:
            out.append(("", root.relative_to(folder).as_posix() + "/", spec))
    if _ignored("", tuple(out)):
        # The user asked for this folder although the repository ignores it (a build output,
        # a vendored tree, a benchmark corpus): scan it rather than report nothing.
        return ()
    return tuple(out)


def _ignored(rel: str, specs: tuple[_Spec, ...]) -> bool:
    """Git semantics: the deepest .gitignore that has an opinion wins (negation included)."""
    verdict = False
    for anchor, base, spec in specs:
        sub = base + rel[len(anchor):]
        result = spec.check_file(sub)
        if result.include is not None:
            verdict = bool(result.include)
    return verdict
