"""Walking an XML element while keeping the path that led to it.

Every error about an XML file names the element it is about, as a path
such as ``/Document/BkToCstmrStmt/Stmt[1]/Ntry[4]/Amt``. A :class:`Node`
carries that path along as the readers step from element to element.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from xml.etree.ElementTree import Element


def local_name(tag: str) -> str:
    """``Ntry`` for ``{urn:...}Ntry``."""
    return tag.rpartition("}")[2]


def namespace_of(tag: str) -> str:
    """``urn:...`` for ``{urn:...}Ntry``; empty without a namespace."""
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


@dataclass(frozen=True, slots=True)
class Node:
    """An element, the path to it, and the namespaces its names use.

    Names are written ``prefix:Local`` (``cbc:ID``) or ``Local`` for the
    default namespace, whose prefix in ``namespaces`` is the empty string.
    """

    element: Element
    path: str
    namespaces: Mapping[str, str]

    def _tag(self, name: str) -> str:
        prefix, _, local = name.rpartition(":")
        return f"{{{self.namespaces[prefix]}}}{local}"

    def where(self, *names: str) -> str:
        """The path of a descendant, whether or not it is there."""
        return "/".join((self.path, *names))

    def child(self, *names: str) -> Node | None:
        """The first element down the chain of ``names``, if there is one."""
        node: Node = self
        for name in names:
            found = node.element.find(node._tag(name))
            if found is None:
                return None
            node = Node(found, f"{node.path}/{name}", self.namespaces)
        return node

    def children(self, name: str) -> Iterator[Node]:
        """Every child called ``name``, each with its position in the path."""
        for index, found in enumerate(self.element.iterfind(self._tag(name)), 1):
            yield Node(found, f"{self.path}/{name}[{index}]", self.namespaces)

    def text(self, *names: str) -> str | None:
        """The stripped text down the chain of ``names``; None if empty."""
        node = self.child(*names) if names else self
        if node is None or node.element.text is None:
            return None
        return node.element.text.strip() or None

    def first_text(self, *paths: tuple[str, ...]) -> str | None:
        """The text of the first of ``paths`` that has one."""
        for names in paths:
            found = self.text(*names)
            if found is not None:
                return found
        return None
