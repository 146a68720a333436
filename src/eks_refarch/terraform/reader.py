"""Read a Terraform root module statically: variables, locals and references, as far as known.

python-hcl2 parses each file into a syntax tree; this module evaluates the tree's
expressions the way Terraform would for the subset a root module like ours uses
(literals, templates, references, for expressions, conditionals, splats, dynamic blocks,
``count``/``for_each`` over static collections and a set of built-in functions). No
Terraform binary, no provider, no credentials.

What cannot be known without applying is of two kinds, kept apart:

- **computed by AWS** (ids, ARNs, DNS names, the OIDC issuer): a stable placeholder
  derived from the resource's address (see ``computed.py``), as the plan would show
  "known after apply";
- **not static** (a variable without a default, a module output, a function this reader
  does not evaluate): an ``Unknown`` carrying the expression and why, which the caller
  turns into an error naming it. It is never guessed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError

from eks_refarch.errors import Problem, UserInputError
from eks_refarch.i18n import Text, msg


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known statically: why, and the expression it came from."""

    reason: Text
    where: str = ""

    def at(self, where: str) -> Unknown:
        return self if self.where else Unknown(self.reason, where)

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else str(self.reason)


class Computed(str):
    """A value AWS assigns at apply time, stood in for by a stable placeholder."""


@dataclass(frozen=True)
class Source:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Declaration:
    """A ``resource`` or ``data`` block: its kind, type, name, body and where it is."""

    mode: str  # "resource" or "data"
    type: str
    name: str
    body: Tree[Token]
    source: Source

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


def _children(tree: Tree[Token]) -> list[Any]:
    """A node's children without the newlines and comments between them."""
    return [
        c
        for c in tree.children
        if not (isinstance(c, Tree) and c.data == "new_line_or_comment")
        and not (isinstance(c, Token) and c.type == "NL_OR_COMMENT")
    ]


def _trees(tree: Tree[Token]) -> list[Tree[Token]]:
    return [c for c in _children(tree) if isinstance(c, Tree)]


def _name(node: Any) -> str:
    """The text of an identifier, keyword or quoted label."""
    if isinstance(node, Token):
        return str(node)
    if node.data == "string":
        return "".join(str(p.children[0]) for p in _trees(node))
    return str(_children(node)[0]) if node.data != "identifier" else str(node.children[0])


def _line(tree: Tree[Token]) -> int:
    for token in tree.scan_values(lambda v: isinstance(v, Token)):
        if token.line is not None:
            return int(token.line)
    return 0


def text(tree: Any) -> str:
    """An expression's source text, rebuilt from its tokens, for messages."""
    if isinstance(tree, Token):
        return str(tree)
    parts = [str(t) for t in tree.scan_values(lambda v: isinstance(v, Token))]
    out = ""
    for part in parts:
        if part.strip() == "" or part.startswith("\n"):
            continue
        glue = part in {".", "[", "]", "(", ")", ",", "[*]", ".*"} or out.endswith(
            (".", "[", "(", "${", '"')
        )
        if part.startswith(('"', "}")) and out.endswith("${"):
            glue = True
        out += part if glue or not out else " " + part
    return out.replace(" }", "}").replace('" ', '"') if len(out) < 200 else out[:197] + "..."


@dataclass
class Module:
    """One root module: its declarations, and the values its variables resolve to."""

    directory: Path
    variables: dict[str, Tree[Token] | None] = field(default_factory=dict)  # name -> default
    values: dict[str, Any] = field(default_factory=dict)  # name -> given value
    locals: dict[str, Tree[Token]] = field(default_factory=dict)
    declarations: dict[str, Declaration] = field(default_factory=dict)  # address -> decl
    providers: dict[str, Tree[Token]] = field(default_factory=dict)
    computed: Callable[[Instance], Mapping[str, Any]] = field(default=lambda _: {})
    _locals_done: dict[str, Any] = field(default_factory=dict)
    _evaluating: set[str] = field(default_factory=set)
    _instances: dict[str, Any] = field(default_factory=dict)

    # Declarations.

    def of_type(self, rtype: str, mode: str = "resource") -> list[Declaration]:
        return [d for d in self.declarations.values() if d.type == rtype and d.mode == mode]

    def instances(self, declaration: Declaration) -> list[Instance]:
        """Every instance of a declaration (one, or one per count index or for_each key).

        Raises ``Unresolved`` when count or for_each is not static: the instances cannot
        be told, so nothing about them can be.
        """
        found = self.collection(declaration)
        if isinstance(found, Unknown):
            raise Unresolved(found)
        if isinstance(found, Instance):
            return [found]
        return list(found.values()) if isinstance(found, dict) else list(found)

    def collection(self, declaration: Declaration) -> Any:
        """What ``aws_x.name`` refers to: an instance, a list (count) or a map (for_each)."""
        address = declaration.address
        if address in self._instances:
            return self._instances[address]
        body = Body(self, address, declaration.body, {})
        if body.has("for_each"):
            keys = body.get("for_each")
            if isinstance(keys, Unknown):
                result: Any = keys.at(f"{address}.for_each = {text(body.tree_of('for_each'))}")
            elif isinstance(keys, Mapping):
                result = {
                    k: Instance(
                        self, declaration, f'{address}["{k}"]', {"each": {"key": k, "value": v}}
                    )
                    for k, v in sorted(keys.items())
                }
            else:
                result = {
                    k: Instance(
                        self, declaration, f'{address}["{k}"]', {"each": {"key": k, "value": k}}
                    )
                    for k in sorted(set(map(str, keys)))
                }
        elif body.has("count"):
            count = body.get("count")
            if isinstance(count, Unknown):
                result = count.at(f"{address}.count = {text(body.tree_of('count'))}")
            else:
                result = [
                    Instance(self, declaration, f"{address}[{i}]", {"count": {"index": i}})
                    for i in range(int(count))
                ]
        else:
            result = Instance(self, declaration, address, {})
        self._instances[address] = result
        return result

    # Names.

    def variable(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name not in self.variables:
            return Unknown(msg("var.{name} is not declared", name=name))
        default = self.variables[name]
        if default is None:
            return Unknown(
                msg("var.{name} has no default and no value is given in a .tfvars file", name=name)
            )
        return Evaluator(self, {}).eval(default)

    def local(self, name: str) -> Any:
        if name in self._locals_done:
            return self._locals_done[name]
        if name not in self.locals:
            return Unknown(msg("local.{name} is not declared", name=name))
        if name in self._evaluating:
            return Unknown(msg("local.{name} refers to itself", name=name))
        self._evaluating.add(name)
        try:
            value = Evaluator(self, {}).eval(self.locals[name])
        finally:
            self._evaluating.discard(name)
        self._locals_done[name] = value
        return value

    def provider_attribute(self, name: str) -> Any:
        tree = self.providers.get("aws")
        if tree is None:
            return Unknown(
                msg('provider "aws" is not configured, so its {name} is not known', name=name)
            )
        return Body(self, 'provider "aws"', tree, {}).get(name)


class Unresolved(Exception):
    """Instances or values that cannot be told statically; carries the Unknown."""

    def __init__(self, unknown: Unknown) -> None:
        self.unknown = unknown
        super().__init__(str(unknown))


class Body:
    """A configuration body (a resource's, a nested block's), evaluated lazily in a scope."""

    def __init__(
        self, module: Module, address: str, tree: Tree[Token], scope: dict[str, Any]
    ) -> None:
        self.module = module
        self.address = address
        self.tree = tree
        self.scope = scope
        self._attributes: dict[str, Tree[Token]] = {}
        self._blocks: list[tuple[str, Tree[Token]]] = []
        for node in _trees(_body_of(tree)):
            if node.data == "attribute":
                name_node, *_, value = _children(node)
                self._attributes[_name(name_node)] = value
            elif node.data == "block":
                self._blocks.append((_name(_children(node)[0]), node))
        self._values: dict[str, Any] = {}

    def has(self, name: str) -> bool:
        return name in self._attributes

    def tree_of(self, name: str) -> Tree[Token]:
        return self._attributes[name]

    def get(self, name: str) -> Any:
        """An attribute's value, or None when it is not set."""
        if name not in self._values:
            tree = self._attributes.get(name)
            value = None if tree is None else Evaluator(self.module, self.scope).eval(tree)
            if isinstance(value, Unknown):
                value = value.at(f"{self.address}.{name} = {text(tree)}")
            self._values[name] = value
        return self._values[name]

    def blocks(self, kind: str) -> list[Body]:
        """The nested blocks of one type, dynamic blocks expanded."""
        found = []
        for block_type, node in self._blocks:
            labels = _labels(node)
            inner = f"{self.address}.{kind}"
            if block_type == kind:
                found.append(Body(self.module, inner, node, self.scope))
            elif block_type == "dynamic" and labels and labels[0] == kind:
                found.extend(self._dynamic(kind, node, inner))
        return found

    def _dynamic(self, kind: str, node: Tree[Token], address: str) -> list[Body]:
        spec = Body(self.module, address, node, self.scope)
        items = spec.get("for_each")
        if isinstance(items, Unknown):
            raise Unresolved(items)
        iterator = spec.get("iterator") if spec.has("iterator") else kind
        pairs = sorted(items.items()) if isinstance(items, Mapping) else list(enumerate(items))
        contents = [n for t, n in spec._blocks if t == "content"]
        return [
            Body(
                self.module, address, contents[0], {**self.scope, iterator: {"key": k, "value": v}}
            )
            for k, v in pairs
            if contents
        ]

    def block(self, kind: str) -> Body | None:
        found = self.blocks(kind)
        return found[0] if found else None


def _labels(node: Tree[Token]) -> list[str]:
    return [
        _name(c)
        for c in _children(node)[1:]
        if isinstance(c, Tree) and c.data in ("string", "identifier")
    ]


def _body_of(tree: Tree[Token]) -> Tree[Token]:
    if tree.data == "body":
        return tree
    return next(c for c in _trees(tree) if c.data == "body")


class Instance(Body):
    """One instance of a resource or data source: its arguments and computed attributes."""

    def __init__(
        self, module: Module, declaration: Declaration, address: str, scope: dict[str, Any]
    ) -> None:
        super().__init__(module, address, declaration.body, scope)
        self.declaration = declaration
        self.type = declaration.type
        self.key = scope.get("each", {}).get("key", scope.get("count", {}).get("index"))
        self._computed: Mapping[str, Any] | None = None

    @property
    def computed(self) -> Mapping[str, Any]:
        if self._computed is None:
            self._computed = self.module.computed(self)
        return self._computed

    def attribute(self, name: str) -> Any:
        """What a reference ``<address>.<name>`` reads: an argument, a block list or a
        computed attribute (merged into the block when both exist, as vpc_config is)."""
        if self.has(name):
            return self.get(name)
        blocks = self.blocks(name)
        extra = self.computed.get(name)
        if blocks:
            merged = []
            for index, body in enumerate(blocks):
                more = extra[index] if isinstance(extra, list) and index < len(extra) else {}
                merged.append(BlockValue(body, more))
            return merged
        if extra is not None:
            return extra
        # An attribute AWS computes that computed.py does not model: still a value known
        # after apply, distinct per resource, never None.
        return Computed(f"{self.address}.{name}")


class BlockValue:
    """A nested block as a value in an expression: its arguments, then computed extras."""

    def __init__(self, body: Body, extra: Mapping[str, Any]) -> None:
        self.body = body
        self.extra = extra

    def attribute(self, name: str) -> Any:
        if self.body.has(name):
            return self.body.get(name)
        nested = self.body.blocks(name)
        if nested:
            return [BlockValue(b, {}) for b in nested]
        return self.extra.get(name)


# Expressions.

ReferenceRoots = ("var", "local", "data", "each", "count", "path", "module", "terraform", "self")


class Evaluator:
    def __init__(self, module: Module, scope: Mapping[str, Any]) -> None:
        self.module = module
        self.scope = scope

    def eval(self, node: Any) -> Any:
        if isinstance(node, Token):
            return _token_value(node)
        kind = node.data
        kids = _children(node)
        if kind in ("expr_term", "object_elem_key"):
            inner = [k for k in kids if not (isinstance(k, Token) and k.type in ("LPAR", "RPAR"))]
            return self.eval(inner[0])
        if kind in ("int_lit", "float_lit", "literal_value"):
            return _token_value(kids[0])
        if kind == "string":
            return self._template(kids[1:-1])
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self._heredoc(str(kids[0]), trim=kind.endswith("trim"))
        if kind == "template_string":
            return Unknown(msg("template directives are not evaluated statically"))
        if kind == "tuple":
            return _combine([self.eval(k) for k in kids if isinstance(k, Tree)], list)
        if kind == "object":
            return self._object([k for k in kids if isinstance(k, Tree)])
        if kind == "identifier":
            return self._root(str(kids[0]))
        if kind == "get_attr_expr_term":
            return _get_attr(self.eval(kids[0]), _name(_children(kids[1])[-1]))
        if kind == "index_expr_term":
            return _index(self.eval(kids[0]), self._index_key(kids[1]))
        if kind in ("full_splat_expr_term", "attr_splat_expr_term"):
            return self._splat(self.eval(kids[0]), kids[1])
        if kind == "function_call":
            return self._call(kids)
        if kind == "conditional":
            exprs = [k for k in kids if isinstance(k, Tree)]
            test = self.eval(exprs[0])
            if isinstance(test, Unknown):
                return test
            return self.eval(exprs[1] if test else exprs[2])
        if kind == "binary_op":
            return self._binary(kids)
        if kind == "unary_op":
            operator, operand = str(kids[0]), self.eval(kids[1])
            if isinstance(operand, Unknown):
                return operand
            return -operand if operator == "-" else not operand
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self._for(kind, kids)
        return Unknown(msg("{kind} expressions are not evaluated statically", kind=kind))

    # Terms.

    def _root(self, name: str) -> Any:
        if name in self.scope:
            return self.scope[name]
        if name == "var":
            return _Namespace(self.module.variable)
        if name == "local":
            return _Namespace(self.module.local)
        if name == "data":
            return _Namespace(lambda t: _Namespace(lambda n: self._declared(f"data.{t}.{n}")))
        if name in ("module", "terraform", "path", "self", "each", "count"):
            return Unknown(msg("{name}.* is not read statically here", name=name))
        return _Namespace(lambda n: self._declared(f"{name}.{n}"))

    def _declared(self, address: str) -> Any:
        declaration = self.module.declarations.get(address)
        if declaration is None:
            return Unknown(msg("{address} is not declared in the module", address=address))
        return self.module.collection(declaration)

    def _template(self, parts: list[Any]) -> Any:
        out: list[str] = []
        for part in parts:
            inner = part.children[0] if isinstance(part, Tree) else part
            if isinstance(inner, Token):
                if inner.type == "ESCAPED_INTERPOLATION" or inner.type == "ESCAPED_DIRECTIVE":
                    out.append(str(inner)[1:])
                else:
                    out.append(_unescape(str(inner)))
                continue
            if inner.data != "interpolation":
                return Unknown(msg("template directives are not evaluated statically"))
            value = self.eval(_trees(inner)[0])
            if isinstance(value, Unknown):
                return value
            if len(parts) == 1:
                return value  # "${x}" keeps x's type, as Terraform does
            out.append(_to_string(value))
        return "".join(out)

    def _heredoc(self, raw: str, trim: bool) -> Any:
        lines = raw.split("\n")[1:-2]
        if trim:
            indent = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
            lines = [ln[indent:] for ln in lines]
        body = "\n".join(lines) + "\n"
        if "${" in body.replace("$${", ""):
            tree = hcl2.parses_to_tree("x = " + json.dumps(body) + "\n")
            return self.eval(_children(_trees(_trees(tree)[0])[0])[-1])
        return body.replace("$${", "${")

    def _object(self, elements: list[Tree[Token]]) -> Any:
        result: dict[str, Any] = {}
        for element in elements:
            key_node, *_, value_node = _children(element)
            key_inner = _children(key_node)[0]
            if isinstance(key_inner, Tree) and key_inner.data == "expr_term":
                term = _children(key_inner)[0]
                is_name = isinstance(term, Tree) and term.data == "identifier"
                key = str(_children(term)[0]) if is_name else self.eval(key_inner)
            else:
                key = _name(key_inner)
            if isinstance(key, Unknown):
                return key
            result[str(key)] = self.eval(value_node)
        return _combine_dict(result)

    def _index_key(self, node: Tree[Token]) -> Any:
        kids = _children(node)
        if node.data == "short_index":
            return int(str(kids[-1]))
        return self.eval(next(k for k in kids if isinstance(k, Tree)))

    def _splat(self, base: Any, node: Tree[Token]) -> Any:
        if isinstance(base, Unknown):
            return base
        items = base if isinstance(base, list) else [] if base is None else [base]
        steps = [k for k in _children(node) if isinstance(k, Tree)]
        out = []
        for item in items:
            value = item
            for step in steps:
                if step.data == "get_attr":
                    value = _get_attr(value, _name(_children(step)[-1]))
                else:
                    value = _index(value, self._index_key(step))
            out.append(value)
        return _combine(out, list)

    def _call(self, kids: list[Any]) -> Any:
        name = _name(kids[0])
        arguments = next((k for k in kids if isinstance(k, Tree) and k.data == "arguments"), None)
        args = [self.eval(a) for a in _trees(arguments)] if arguments is not None else []
        expand = arguments is not None and any(
            isinstance(t, Token) and t.type == "ELLIPSIS" for t in arguments.children
        )
        if expand and args and isinstance(args[-1], list):
            args = [*args[:-1], *args[-1]]
        unknown = next((a for a in args if isinstance(a, Unknown)), None)
        function = FUNCTIONS.get(name)
        if function is None:
            return Unknown(msg("the function {name}() is not evaluated statically", name=name))
        if unknown is not None and name not in ("try", "can", "jsonencode"):
            return unknown
        try:
            return function(*args)
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            return Unknown(msg("{name}() failed: {error}", name=name, error=str(exc)))

    def _binary(self, kids: list[Any]) -> Any:
        left = self.eval(kids[0])
        term = _children(kids[1])
        operator = str(_children(term[0])[0])
        right = self.eval(term[-1])
        if (operator == "&&" and left is False) or (operator == "||" and left is True):
            return left
        for side in (left, right):
            if isinstance(side, Unknown):
                return side
        return BINARY[operator](left, right)

    def _for(self, kind: str, kids: list[Any]) -> Any:
        trees = [k for k in kids if isinstance(k, Tree)]
        intro = trees[0]
        names = [str(_children(t)[0]) for t in _trees(intro) if t.data == "identifier"]
        collection = self.eval(_trees(intro)[-1])
        if isinstance(collection, Unknown):
            return collection
        condition = next((t for t in trees if t.data == "for_cond"), None)
        body = [t for t in trees[1:] if t.data != "for_cond"]
        grouped = any(isinstance(k, Token) and k.type == "ELLIPSIS" for k in kids)
        pairs = (
            sorted(collection.items())
            if isinstance(collection, Mapping)
            else list(enumerate(collection))
        )
        out_list: list[Any] = []
        out_map: dict[str, Any] = {}
        for key, value in pairs:
            scope = dict(self.scope)
            if len(names) == 2:
                scope[names[0]], scope[names[1]] = key, value
            else:
                scope[names[0]] = value
            inner = Evaluator(self.module, scope)
            if condition is not None:
                keep = inner.eval(_trees(condition)[0])
                if isinstance(keep, Unknown):
                    return keep
                if not keep:
                    continue
            if kind == "for_tuple_expr":
                out_list.append(inner.eval(body[0]))
                continue
            map_key = inner.eval(body[0])
            if isinstance(map_key, Unknown):
                return map_key
            map_value = inner.eval(body[1])
            if grouped:
                out_map.setdefault(str(map_key), []).append(map_value)
            else:
                out_map[str(map_key)] = map_value
        return _combine(out_list, list) if kind == "for_tuple_expr" else _combine_dict(out_map)


class _Namespace:
    """``var``, ``local``, ``aws_vpc``: looks its attribute up by name."""

    def __init__(self, lookup: Callable[[str], Any]) -> None:
        self.lookup = lookup

    def attribute(self, name: str) -> Any:
        return self.lookup(name)


def _token_value(token: Token) -> Any:
    raw = str(token)
    if token.type == "TRUE":
        return True
    if token.type == "FALSE":
        return False
    if token.type == "NULL":
        return None
    if token.type == "INT_LITERAL":
        return int(raw)
    if token.type == "FLOAT_LITERAL":
        return float(raw)
    return raw


def _unescape(raw: str) -> str:
    try:
        result: str = json.loads('"' + raw.replace("\t", "\\t") + '"')
    except json.JSONDecodeError:
        return raw
    return result


def _combine(values: list[Any], kind: type) -> Any:
    unknown = next((v for v in values if isinstance(v, Unknown)), None)
    return unknown if unknown is not None else kind(values)


def _combine_dict(values: dict[str, Any]) -> Any:
    unknown = next((v for v in values.values() if isinstance(v, Unknown)), None)
    return unknown if unknown is not None else values


def _get_attr(value: Any, name: str) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Mapping):
        if name in value:
            return value[name]
        return Unknown(msg("no attribute {name} in the object", name=repr(name)))
    if hasattr(value, "attribute"):
        return value.attribute(name)
    return Unknown(msg("cannot read .{name} of {kind}", name=name, kind=type(value).__name__))


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(key, Unknown):
        return key
    try:
        if isinstance(value, Mapping):
            return value[str(key)]
        return value[int(key)]
    except (KeyError, IndexError, ValueError, TypeError):
        return Unknown(msg("no element [{key}]", key=repr(key)))


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plain(value: Any) -> Any:
    """A value as JSON data: nested blocks and instances are not data."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Unknown):
        raise Unresolved(value)
    return value


def _jsonencode(value: Any) -> Any:
    try:
        return json.dumps(_plain(value), separators=(",", ":"), sort_keys=True)
    except Unresolved as exc:
        return exc.unknown


def _toset(values: Any) -> list[Any]:
    seen: list[Any] = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return sorted(seen, key=_to_string) if all(not isinstance(v, dict) for v in seen) else seen


def _one(values: Any) -> Any:
    if len(values) > 1:
        raise ValueError("one() got more than one element")
    return values[0] if values else None


def _lookup(mapping: Mapping[str, Any], key: str, *default: Any) -> Any:
    return mapping[key] if key in mapping or not default else default[0]


def _merge(*maps: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in maps:
        out.update(m)
    return out


def _flatten(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        out.extend(_flatten(v) if isinstance(v, list) else [v])
    return out


def _coalesce(*values: Any) -> Any:
    return next(v for v in values if v not in (None, ""))


def _format(spec: str, *values: Any) -> str:
    return (
        spec.replace("%%", "\0")
        .replace("%s", "{}")
        .replace("%d", "{}")
        .format(*map(_to_string, values))
        .replace("\0", "%")
    )


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "tostring": _to_string,
    "tonumber": lambda v: float(v) if "." in str(v) else int(v),
    "tobool": lambda v: v if isinstance(v, bool) else str(v) == "true",
    "tolist": list,
    "toset": _toset,
    "tomap": dict,
    "distinct": lambda v: list(dict.fromkeys(v)),
    "values": lambda m: [m[k] for k in sorted(m)],
    "keys": lambda m: sorted(m),
    "contains": lambda c, v: v in c,
    "concat": lambda *ls: [x for lst in ls for x in lst],
    "length": len,
    "jsonencode": _jsonencode,
    "jsondecode": json.loads,
    "lookup": _lookup,
    "merge": _merge,
    "flatten": _flatten,
    "format": _format,
    "join": lambda sep, items: sep.join(map(_to_string, items)),
    "split": lambda sep, s: s.split(sep),
    "one": _one,
    "coalesce": _coalesce,
    "element": lambda lst, i: lst[int(i) % len(lst)],
    "slice": lambda lst, a, b: lst[int(a) : int(b)],
    "replace": lambda s, a, b: s.replace(a, b),
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "trimsuffix": lambda s, x: s.removesuffix(x),
    "trimprefix": lambda s, x: s.removeprefix(x),
    "min": min,
    "max": max,
    "ceil": math.ceil,
    "floor": math.floor,
    "zipmap": lambda ks, vs: dict(zip(map(str, ks), vs, strict=True)),
    "try": lambda *vs: next((v for v in vs if not isinstance(v, Unknown)), vs[-1]),
    "can": lambda v: not isinstance(v, Unknown),
}

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
    "&&": lambda a, b: bool(a and b),
    "||": lambda a, b: bool(a or b),
}


# Loading.


def read_module(
    directory: Path, computed: Callable[[Instance], Mapping[str, Any]] | None = None
) -> Module:
    """Parse every ``*.tf`` file of a root module and the values of its ``.tfvars`` files.

    A directory that is missing or holds no ``.tf`` file, a file that does not parse and
    a block declared twice are reported as user errors naming the file and line.
    """
    if not directory.is_dir():
        raise UserInputError([_problem(directory, None, "a directory of Terraform files")])
    files = sorted(directory.glob("*.tf"))
    if not files:
        raise UserInputError(
            [_problem(directory, None, "at least one .tf file (a Terraform root module)")]
        )
    module = Module(directory, computed=computed or (lambda _: {}))
    for path in files:
        for node in _trees(_parse(path)):
            if node.data == "block":
                _declare(module, path, node)
    tfvars = [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]
    for path in tfvars:
        if path.is_file():
            for node in _trees(_parse(path)):
                if node.data == "attribute":
                    name_node, *_, value = _children(node)
                    module.values[_name(name_node)] = Evaluator(module, {}).eval(value)
    return module


def _parse(path: Path) -> Tree[Token]:
    try:
        tree = hcl2.parses_to_tree(path.read_text(encoding="utf-8"))
    except (LarkError, UnicodeDecodeError) as exc:
        line = getattr(exc, "line", None)
        raise UserInputError([_problem(path, line, f"valid HCL ({_first_line(exc)})")]) from None
    return _body_of(tree)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n")[0][:160]


def _problem(path: Path, line: int | None, expected: str) -> Problem:
    return Problem(path, line, (), f"expected {expected}")


def _declare(module: Module, path: Path, node: Tree[Token]) -> None:
    kids = _children(node)
    kind = _name(kids[0])
    labels = [
        _name(k) for k in kids[1:] if isinstance(k, Tree) and k.data in ("string", "identifier")
    ]
    source = Source(path.name, _line(node))
    if kind in ("resource", "data") and len(labels) == 2:
        declaration = Declaration(kind, labels[0], labels[1], node, source)
        if declaration.address in module.declarations:
            earlier = module.declarations[declaration.address].source
            raise UserInputError(
                [
                    Problem(
                        path,
                        source.line,
                        (),
                        f"{declaration.address} is declared twice (also at {earlier})",
                    )
                ]
            )
        module.declarations[declaration.address] = declaration
    elif kind == "variable" and labels:
        body = Body(module, f"var.{labels[0]}", node, {})
        module.variables[labels[0]] = body.tree_of("default") if body.has("default") else None
    elif kind == "locals":
        for attr in _trees(_body_of(node)):
            if attr.data == "attribute":
                name_node, *_, value = _children(attr)
                module.locals[_name(name_node)] = value
    elif kind == "provider" and labels:
        module.providers.setdefault(labels[0], node)


def evaluate(module: Module, expression: str) -> Any:
    """The value of one expression written as text, such as ``var.alb.ssl_policy``."""
    tree = _body_of(hcl2.parses_to_tree(f"x = {expression}\n"))
    return Evaluator(module, {}).eval(_children(_trees(tree)[0])[-1])
