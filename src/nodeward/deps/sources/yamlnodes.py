"""YAML loading that keeps the line of each second-level key (pnpm and yarn Berry).

`yaml.safe_load` alone drops positions; composing the node tree first (with the
C loader when available) gives both the data and the marks in one parse.
"""

from __future__ import annotations

from typing import Any

__all__ = ["YamlDocument", "load_yaml_documents"]



class YamlDocument:
    """One YAML document: `data` plus `line(section, key)` for keys of top-level mappings."""

    def __init__(self, data: Any, lines: dict[tuple[str, str], int]) -> None:
        self.data = data
        self._lines = lines

    def line(self, section: str, key: str) -> int:
        return self._lines.get((section, key), 1)


def load_yaml_documents(text: str) -> list[YamlDocument]:
    """Every document of the stream; raises yaml.YAMLError on bad input."""
    import yaml  # only projects with a pnpm or yarn Berry lockfile pay for it

    loader_class: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    docs: list[YamlDocument] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                break
            lines: dict[tuple[str, str], int] = {}
            if isinstance(node, yaml.MappingNode):
                for knode, vnode in node.value:
                    section = str(knode.value)
                    lines[("", section)] = knode.start_mark.line + 1
                    if isinstance(vnode, yaml.MappingNode):
                        for k2, _ in vnode.value:
                            lines[(section, str(k2.value))] = k2.start_mark.line + 1
            docs.append(YamlDocument(loader.construct_document(node), lines))
    finally:
        loader.dispose()
    return docs
