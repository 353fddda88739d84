"""The dependency audit: lockfiles -> graph -> advisories -> NW7xx findings, plus the SBOM.

Entry points: `analyzer.analyze_project` (used by `scan`), `analyzer.audit_project`
(used by `nodeward deps`, which also needs the parsed lockfiles for CycloneDX).
"""
