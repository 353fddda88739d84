"""Rules of the deps analyzer (NW7xx), registered explicitly in `nodeward.registry`.

Each rule's Example / Use instead blocks are small projects (`title=` names the
file); tests/deps/test_rule_docs.py writes them to a folder and audits it
against the real GHSA records in ../shared/advisories.
"""

from __future__ import annotations

from nodeward.model import Confidence, Rule, Severity
from nodeward.ruledocs import make_docs

__all__ = [
    "EXPIRED_IGNORE",
    "INSTALL_SCRIPT",
    "LOCKFILE_OUT_OF_SYNC",
    "MALICIOUS_PACKAGE",
    "MISSING_INTEGRITY",
    "MISSING_LOCKFILE",
    "NON_REGISTRY_SOURCE",
    "RULES",
    "SCRIPTS_IN_CI",
    "UNPINNED_RANGE",
    "UNUSED_IGNORE",
    "VULNERABLE_DEPENDENCY",
]

_SECTION = "Dependency Management and NPM Security"
_A06 = ("A06:2021",)
_A08 = ("A08:2021",)


def _lock(pkgs: str, deps: str = '"lodash": "4.17.21"') -> str:
    return (
        "```json title=package.json\n"
        f'{{"name": "shop", "version": "1.0.0", "dependencies": {{{deps}}}}}\n'
        "```\n\n"
        "```json title=package-lock.json\n"
        "{\n"
        '  "name": "shop",\n'
        '  "lockfileVersion": 3,\n'
        '  "requires": true,\n'
        '  "packages": {\n'
        f'    "": {{"name": "shop", "version": "1.0.0", "dependencies": {{{deps}}}}},\n'
        f"{pkgs}\n"
        "  }\n"
        "}\n"
        "```"
    )


def _pkg(name: str, version: str, extra: str = "", integrity: bool = True) -> str:
    integ = ',\n      "integrity": "sha512-bm9kZXdhcmQtZG9jcy1leGFtcGxlLWludGVncml0eS12YWx1ZQ=="' if integrity else ""
    return (
        f'    "node_modules/{name}": {{\n'
        f'      "version": "{version}",\n'
        f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"{integ}{extra}\n'
        "    }"
    )


VULNERABLE_DEPENDENCY = Rule(
    id="NW701",
    name="vulnerable-dependency",
    summary="A locked package version is affected by a published advisory",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    cwe=(1395,),
    owasp=_A06,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what=(
            "Matches every package version in the project's lockfiles (npm, yarn classic and Berry, pnpm, bun) "
            "against advisory records (the offline database, OSV files, the OSV API or npm's bulk endpoint), "
            "one finding per package@version and advisory.  The severity is the advisory's; dev-only packages the "
            "application does not import drop one level.  Each finding lists every dependency path, the fixed "
            "versions, and whether `npm update` suffices or an override is needed."
        ),
        why=(
            "Known vulnerabilities in dependencies are the most exploited weakness of Node.js applications: the "
            "exploit is public and the vulnerable version is visible in the lockfile of every deployment."
        ),
        example=_lock(_pkg("lodash", "4.17.20"), '"lodash": "4.17.20"'),
        use_instead=_lock(_pkg("lodash", "4.17.21"), '"lodash": "^4.17.21"'),
        references=[
            "https://ossf.github.io/osv-schema/",
            "https://docs.npmjs.com/cli/commands/npm-audit",
            "https://cwe.mitre.org/data/definitions/1395.html",
        ],
    ),
)

MISSING_LOCKFILE = Rule(
    id="NW702",
    name="missing-lockfile",
    summary="package.json declares dependencies but no lockfile pins them",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(1357,),
    owasp=_A08,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what="Reports a package.json with dependencies and no package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml or bun.lock beside it or in an enclosing workspace root.",
        why=(
            "Without a lockfile every install resolves ranges afresh: builds are not reproducible, a compromised "
            "new release is picked up silently, and no audit can say which versions actually ship."
        ),
        example='```json title=package.json\n{"name": "api", "version": "1.0.0", "dependencies": {"express": "^4.21.2"}}\n```',
        use_instead=_lock(_pkg("express", "4.21.2"), '"express": "^4.21.2"'),
        references=["https://docs.npmjs.com/cli/configuring-npm/package-lock-json"],
    ),
)

LOCKFILE_OUT_OF_SYNC = Rule(
    id="NW703",
    name="lockfile-out-of-sync",
    summary="package.json declares a range the lockfile does not satisfy, or a dependency it lacks",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(1357,),
    owasp=_A08,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what=(
            "Compares each declared dependency of the root and every workspace with what the lockfile locked: a missing entry, "
            "or a locked version outside the declared range. A version the project overrides on purpose is in sync: pnpm "
            "`overrides` (pnpm-lock.yaml's own `overrides:` section, `pnpm.overrides`, pnpm-workspace.yaml), yarn "
            "`resolutions` (read by yarn, pnpm and bun) and bun `overrides` are read first, each only for the package "
            "manager that honours it (a bare name, `name@selector` for an exact declared version, `**/name`, "
            "`{\"name\": {\".\": …}}`); a parent-scoped override (`debug>ms`, `debug/ms`) changes only the transitive "
            "copy and excuses nothing. npm refuses to override one of the root's own direct dependencies with another "
            "spec (EOVERRIDE), but applies the root's `overrides` to workspace packages' dependencies."
        ),
        why=(
            "`npm ci` refuses such a lockfile and `npm install` silently rewrites it, so what was audited and "
            "reviewed is not what gets installed."
        ),
        example=_lock(_pkg("lodash", "4.17.21"), '"lodash": "^4.17.21", "ms": "^2.1.3"'),
        use_instead=_lock(_pkg("lodash", "4.17.21") + ",\n" + _pkg("ms", "2.1.3"), '"lodash": "^4.17.21", "ms": "^2.1.3"'),
        references=["https://docs.npmjs.com/cli/commands/npm-ci"],
    ),
)

NON_REGISTRY_SOURCE = Rule(
    id="NW704",
    name="non-registry-dependency-source",
    summary="A dependency is installed from git, a tarball URL or a local path instead of the registry",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(829,),
    owasp=_A08,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what=(
            "Reports locked packages whose source is a git repository, an HTTP(S) tarball outside a registry, or a `file:` path, "
            "naming where each comes from and how it reaches the project, and saying whether it could still be checked for "
            "known vulnerabilities: nodeward matches it by the version the lockfile records from the package's own package.json "
            "(npm 7+, yarn, pnpm), and cannot when the lockfile records only a URL or commit (npm 6, bun) or the package is a local folder."
        ),
        why=(
            "Such packages bypass the registry's integrity metadata and immutability: a branch or URL can change under the same "
            "lockfile. Advisories describe registry releases; a commit or tarball that calls itself 1.3.0 may be a fork or a patch "
            "of the release, so NW701 matches on it carry medium confidence, and a package with no recorded version is not "
            "checked at all."
        ),
        example=_lock(
            '    "node_modules/left-pad": {\n      "version": "1.3.0",\n      "resolved": "git+ssh://git@github.com/left-pad/left-pad.git#5d3a1a2c6f0e1b9f4b1d2c3e4f5a6b7c8d9e0f1a"\n    }',
            '"left-pad": "github:left-pad/left-pad#v1.3.0"',
        ),
        use_instead=_lock(_pkg("left-pad", "1.3.0"), '"left-pad": "^1.3.0"'),
        references=["https://docs.npmjs.com/cli/configuring-npm/package-json#git-urls-as-dependencies"],
    ),
)

MISSING_INTEGRITY = Rule(
    id="NW705",
    name="missing-integrity",
    summary="A locked registry package has no integrity hash",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(353,),
    owasp=_A08,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what="Reports registry packages whose lockfile entry has no `integrity` (npm, yarn classic, pnpm, bun) or `checksum` (yarn Berry).",
        why="Without the hash the package manager cannot detect a tarball swapped on the registry, a mirror or in transit.",
        example=_lock(_pkg("lodash", "4.17.21", integrity=False), '"lodash": "^4.17.21"'),
        use_instead=_lock(_pkg("lodash", "4.17.21"), '"lodash": "^4.17.21"'),
        references=["https://docs.npmjs.com/cli/configuring-npm/package-lock-json#packages"],
    ),
)

INSTALL_SCRIPT = Rule(
    id="NW706",
    name="install-script-package",
    summary="A locked package runs an install script (inventory)",
    severity=Severity.INFO,
    confidence=Confidence.HIGH,
    cwe=(829,),
    owasp=_A08,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what="Lists locked packages that declare `preinstall`, `install` or `postinstall` scripts (`hasInstallScript`, pnpm `requiresBuild`, bun `trustedDependencies`).",
        why="Install scripts run arbitrary code on every developer machine and CI runner at install time; they are how most npm malware executes.",
        example=_lock(_pkg("bcrypt", "5.1.1", ',\n      "hasInstallScript": true'), '"bcrypt": "^5.1.1"'),
        use_instead=_lock(_pkg("bcryptjs", "2.4.3"), '"bcryptjs": "^2.4.3"'),
        references=["https://docs.npmjs.com/cli/using-npm/scripts#best-practices"],
    ),
)

UNPINNED_RANGE = Rule(
    id="NW707",
    name="unpinned-dependency-range",
    summary="package.json accepts any version (`*`, `latest`, `x` or an empty range)",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(1357,),
    owasp=_A08,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what=(
            "Reports dependencies declared as `*`, `x`, `latest`, `next` or `\"\"` in package.json. A `*`/`x`/`\"\"` range "
            "to a package of the same workspace is not reported when the workspace root is in the scan and its package "
            "manager links siblings (npm, yarn and bun `workspaces`; pnpm only with `linkWorkspacePackages`, since pnpm 9 "
            "resolves a plain range from the registry): the linked folder is the repository's own code. A member scanned "
            "without its root (a published tarball) is reported: whoever installs it gets any future release."
        ),
        why="Any future release, including a major rewrite or a hijacked version, is accepted the next time the lockfile is refreshed.",
        example=_lock(_pkg("lodash", "4.17.21"), '"lodash": "*"'),
        use_instead=_lock(_pkg("lodash", "4.17.21"), '"lodash": "^4.17.21"'),
        references=["https://docs.npmjs.com/cli/configuring-npm/package-json#dependencies"],
    ),
)

SCRIPTS_IN_CI = Rule(
    id="NW708",
    name="install-scripts-enabled-in-ci",
    summary="CI installs dependencies with lifecycle scripts enabled (no `ignore-scripts`)",
    severity=Severity.INFO,
    confidence=Confidence.MEDIUM,
    cwe=(829,),
    owasp=_A08,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what="Reports CI configuration (GitHub Actions, GitLab CI, CircleCI, Azure Pipelines, Bitbucket, Jenkinsfile) that runs `npm ci`/`npm install`/`yarn`/`pnpm install` without `--ignore-scripts` while the project's .npmrc does not set `ignore-scripts=true`. bun, pnpm 10 (or an `onlyBuiltDependencies` allow-list) and Yarn with `enableScripts: false` already skip dependency scripts and are not reported.",
        why="CI runners hold deployment secrets; a malicious install script in any transitive dependency runs with them.",
        example="```yaml title=.github/workflows/ci.yml\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm test\n```",
        use_instead="```yaml title=.github/workflows/ci.yml\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci --ignore-scripts\n      - run: npm test\n```",
        references=["https://docs.npmjs.com/cli/using-npm/config#ignore-scripts"],
    ),
)

MALICIOUS_PACKAGE = Rule(
    id="NW709",
    name="malicious-package",
    summary="A locked package version is known malware (CWE-506 / MAL- advisory)",
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    cwe=(506,),
    owasp=_A08,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what="Reports locked versions named by a malware advisory (OSV `MAL-` ids, GHSA records with CWE-506). Always critical, never hidden by `--min-severity`, and always fails the run.",
        why="The package was published to steal credentials or run code on install; a machine that installed it must be treated as compromised.",
        example=_lock(_pkg("ua-parser-js", "0.7.29"), '"ua-parser-js": "0.7.29"'),
        use_instead=_lock(_pkg("ua-parser-js", "0.7.30"), '"ua-parser-js": "^0.7.30"'),
        references=["https://github.com/advisories/GHSA-pjwm-rvh2-c87w", "https://cwe.mitre.org/data/definitions/506.html"],
    ),
)

_IGNORE_LOCK = _lock(_pkg("lodash", "4.17.20"), '"lodash": "4.17.20"')

EXPIRED_IGNORE = Rule(
    id="NW710",
    name="expired-dependency-ignore",
    summary="A dependency-advisory ignore in the config has expired and no longer applies",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    cwe=(),
    owasp=_A06,
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what="Reports `[[deps.ignore]]` entries whose `expires` date has passed; the advisory they covered is reported again.",
        why="Risk acceptance is temporary by design; a silent permanent ignore is how a known vulnerability ships for years.",
        example=_IGNORE_LOCK
        + '\n\n```toml title=.nodeward.toml\n[[deps.ignore]]\nid = "GHSA-35jh-r3h4-6jhm"\nreason = "template not user-controlled"\nexpires = "2020-01-01"\n```',
        use_instead=_IGNORE_LOCK
        + '\n\n```toml title=.nodeward.toml\n[[deps.ignore]]\nid = "GHSA-35jh-r3h4-6jhm"\nreason = "template not user-controlled"\nexpires = "2999-01-01"\n```',
        references=["https://github.com/pypa/pip-audit/issues/676"],
    ),
)

UNUSED_IGNORE = Rule(
    id="NW711",
    name="unused-dependency-ignore",
    summary="A dependency-advisory ignore in the config matches no finding",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    cwe=(),
    owasp=(),
    guide_section=_SECTION,
    family="deps",
    docs=make_docs(
        what="Reports `[[deps.ignore]]` entries (not expired) that matched no advisory finding in this run.",
        why="A stale ignore silently covers the next, unrelated finding with the same id or package.",
        example=_lock(_pkg("lodash", "4.17.21"), '"lodash": "^4.17.21"')
        + '\n\n```toml title=.nodeward.toml\n[[deps.ignore]]\nid = "GHSA-35jh-r3h4-6jhm"\nreason = "template not user-controlled"\nexpires = "2999-01-01"\n```',
        use_instead=_lock(_pkg("lodash", "4.17.21"), '"lodash": "^4.17.21"'),
        references=["https://docs.astral.sh/ruff/rules/unused-noqa/"],
    ),
)

RULES: tuple[Rule, ...] = (
    VULNERABLE_DEPENDENCY,
    MISSING_LOCKFILE,
    LOCKFILE_OUT_OF_SYNC,
    NON_REGISTRY_SOURCE,
    MISSING_INTEGRITY,
    INSTALL_SCRIPT,
    UNPINNED_RANGE,
    SCRIPTS_IN_CI,
    MALICIOUS_PACKAGE,
    EXPIRED_IGNORE,
    UNUSED_IGNORE,
)
