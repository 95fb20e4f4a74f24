"""Walking a camt.053 file entry by entry, in flat memory.

:class:`StatementWalker` checks the namespace on the root element, keeps
the element path of where the parser is, remembers the account and id of
the statement it is in, and hands out each ``Ntry`` element whole. Once
the reader is done with an entry, the walker removes it from the tree, so
a file of any length never sits in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final
from xml.etree.ElementTree import Element

from faircasso.domain.errors import InputFileError, UnsupportedFormatVersionError
from faircasso.formats import safexml
from faircasso.formats._xmlnode import Node, local_name, namespace_of

CAMT053_NAMESPACE: Final = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.{:02d}"
SUPPORTED_NAMESPACES: Final = tuple(CAMT053_NAMESPACE.format(n) for n in range(2, 9))
_FAMILY: Final = "urn:iso:std:iso:20022:tech:xsd:camt.053."
_INDEXED: Final = frozenset({"Stmt", "Ntry"})


@dataclass(slots=True)
class _Frame:
    """One open element: its name, path and how many of each child it had."""

    name: str
    path: str
    element: Element
    counts: dict[str, int] = field(default_factory=dict)

    def enter(self, element: Element) -> _Frame:
        name = local_name(element.tag)
        self.counts[name] = self.counts.get(name, 0) + 1
        label = f"{name}[{self.counts[name]}]" if name in _INDEXED else name
        return _Frame(name, f"{self.path}/{label}", element)


@dataclass(slots=True)
class Statement:
    """The statement being read: where it is, its id and its account."""

    path: str
    id: str | None = None
    iban: str = ""

    def position(self, ntry: Node) -> str:
        """Where an entry stands: the statement id and the entry's number."""
        return f"{self.id or self.path}#{ntry.path.rpartition('/')[2]}"


class StatementWalker:
    """Hands out a camt.053 file's entries with their statement."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.namespace = ""

    def entries(self, max_bytes: int) -> Iterator[tuple[Node, Statement]]:
        """Each ``Ntry`` of each ``Stmt``, as a :class:`Node`, in file order."""
        stack: list[_Frame] = []
        statement = Statement("")
        events = safexml.iterparse(self.file, ("start", "end"), max_bytes=max_bytes)
        for event, element in events:
            if event == "start":
                stack.append(self._open(stack, element))
                if stack[-1].name == "Stmt":
                    statement = Statement(stack[-1].path)
                continue

            closed = stack.pop()
            if stack and stack[-1].name == "Stmt":
                yield from self._statement_child(closed, statement)
                stack[-1].element.remove(element)
            elif closed.name == "Stmt" and stack:
                stack[-1].element.remove(element)

    def _open(self, stack: list[_Frame], element: Element) -> _Frame:
        if stack:
            return stack[-1].enter(element)
        self.namespace = self._check_root(element)
        return _Frame("Document", "/Document", element)

    def _statement_child(
        self, closed: _Frame, statement: Statement
    ) -> Iterator[tuple[Node, Statement]]:
        """Note the statement's id and account; hand out its entries."""
        node = Node(closed.element, closed.path, {"": self.namespace})
        if closed.name == "Id":
            statement.id = node.text()
        elif closed.name == "Acct":
            statement.iban = self._iban(node)
        elif closed.name == "Ntry":
            if not statement.iban:
                where = f"{statement.path}/Acct/Id/IBAN"
                expected = "the IBAN of the statement's account"
                raise InputFileError(self.file, where, "IBAN", None, expected)
            yield node, statement

    # Limitation: accounts known only by another id than an IBAN are refused.
    def _iban(self, account: Node) -> str:
        iban = account.text("Id", "IBAN")
        if iban is None:
            where = account.where("Id", "IBAN")
            expected = "the IBAN of the statement's account"
            raise InputFileError(self.file, where, "IBAN", None, expected)
        return iban.replace(" ", "").upper()

    def _check_root(self, root: Element) -> str:
        """The namespace of a supported camt.053 document, or an error."""
        namespace = namespace_of(root.tag)
        if namespace in SUPPORTED_NAMESPACES and local_name(root.tag) == "Document":
            return namespace
        if namespace.startswith(_FAMILY):
            raise UnsupportedFormatVersionError(
                self.file, f"the namespace {namespace}", SUPPORTED_NAMESPACES
            )
        raise InputFileError(
            self.file,
            f"/{local_name(root.tag)}",
            "xmlns",
            namespace or None,
            "a camt.053 Document in one of the namespaces "
            + ", ".join(SUPPORTED_NAMESPACES),
        )
