"""Provisioning trees as phones see them: models, effective configuration, URLs.

A Yealink phone fetches, from the directory its provisioning URL names, its
model's Common file ``y0000000000XX.cfg``, then its own ``<mac>.cfg``; the
settings made on the phone itself are kept in ``<mac>-local.cfg``, which
wins over both. Later values win over earlier ones.

- :func:`effective` merges those files the way the phone does (``cfgtool.effective``).
- :func:`scan_tree` indexes a provisioning directory by file name, and
  :func:`phone_files` finds the files one phone reads in it.
- :func:`expand_url` expands a provisioning URL for one phone (``cfgtool url``).
- :func:`validate_paths` runs every lint rule plus the model and tree rules
  (``cfgtool validate``) through the lint engine.

``$PN`` follows Yealink's auto-provisioning guide: the phone replaces it with
its ``static.auto_provision.url_wildcard.pn`` setting, whose default is the
product name without ``SIP-`` ("T42G" for a SIP-T42G, "T46G" for a SIP-T46G;
guide section "Obtaining the Provisioning Server Address", wildcard example).
Those names are data (``pn_names`` in ``schemas/models.json``); for models the
guide does not name, they are assumed to be the model name as listed.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from cfgtool.catalog import (
    Model,
    all_models_common_file,
    find_model,
    load_models,
    models_for_common_file,
)
from cfgtool.errors import CfgError, CfgValueError
from cfgtool.filenames import FileName, basename, classify, common_filename, normalize_mac
from cfgtool.nodes import Comment, Document, Entry

if TYPE_CHECKING:
    from cfgtool.diagnostics import Diagnostic
    from cfgtool.linting.config import ConfigResolver
    from cfgtool.linting.engine import FileResult
    from cfgtool.linting.rule import LintContext

__all__ = [
    "DirectorySummary",
    "FileView",
    "PhoneFiles",
    "ProvisioningTree",
    "RequestedFile",
    "Setting",
    "TreeDirectory",
    "Validation",
    "ValidationPlan",
    "comment_model",
    "effective",
    "expand_url",
    "file_view",
    "model_for_common_file",
    "model_of",
    "phone_files",
    "require_model",
    "scan_tree",
    "shared_model",
    "validate_paths",
]

NULL_VALUES = frozenset({"", "%NULL%"})
VIEW_OPTION = "provisioning"  # LintContext.options key holding the FileView

# --------------------------------------------------------------------------- models


def require_model(name: str) -> Model:
    """The model called ``name``; raises :class:`CfgError` naming the closest models."""
    model = find_model(name)
    if model is not None:
        return model
    from difflib import get_close_matches

    names = [m.name for m in load_models()]
    close = get_close_matches(name.upper(), names, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise CfgError(f"unknown phone model {name!r}{hint}; `cfgtool models` lists them")


def shared_model(models: Sequence[Model]) -> Model | None:
    """One model standing for all of ``models`` (which share a Common file), or None.

    T53/T53W or T58A/T58V share one Common file: checks then allow what any
    of them allows (the highest account count, every firmware prefix).
    """
    if not models:
        return None
    if len(models) == 1:
        return models[0]
    accounts = [m.accounts for m in models if m.accounts is not None]
    line_keys = [m.line_keys for m in models if m.line_keys is not None]
    return Model(
        name="/".join(m.name for m in models),
        aliases=(),
        hw_id=models[0].hw_id,
        common_file=models[0].common_file,
        accounts=max(accounts) if accounts else None,
        line_keys=max(line_keys) if line_keys else None,
        firmware_prefixes=tuple(sorted({p for m in models for p in m.firmware_prefixes})),
        source="shared",
        pn_names=tuple(name for m in models for name in m.pn_names),
    )


def model_for_common_file(name: str) -> Model | None:
    """The model whose Common file ``name`` is (letter case ignored), or None.

    None also for the all-models file ``y000000000000.cfg``: it is for every model.
    """
    parsed = classify(name)
    if parsed.hw_id is None:
        return None
    canonical = common_filename(parsed.hw_id)
    if canonical == all_models_common_file():
        return None
    return shared_model(models_for_common_file(canonical))


_MODEL_COMMENT = re.compile(r"cfgtool:\s*model\s*=\s*(.+?)\s*$")


def comment_model(doc: Document) -> str | None:
    """The model named by a ``# cfgtool: model=T46G`` comment in ``doc`` (the last one), or None."""
    found = None
    for item in doc.items:
        if type(item) is Comment and "model" in item.raw:
            match = _MODEL_COMMENT.search(item.raw)
            if match:
                found = match.group(1)
    return found


def model_of(doc: Document, context: LintContext) -> Model | None:
    """The phone model ``doc`` is for: ``context.model`` (validate sets it from
    ``--model``, the Common file name, the Common file next to the file or the
    directory name), else the file's own Common file name, else its
    ``# cfgtool: model=`` comment."""
    if context.model is not None:
        return context.model
    name = context.filename or (basename(context.path) if context.path else None)
    if name and classify(name).is_common:
        model = model_for_common_file(name)
        if model is not None:
            return model
    named = comment_model(doc)
    return find_model(named) if named else None


# --------------------------------------------------------------------------- effective

Source: TypeAlias = "Document | str | os.PathLike[str]"


@dataclass(frozen=True, slots=True)
class Setting:
    """The value a phone ends up with for one key, and the file and line that set it."""

    value: str
    file: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "file": self.file, "line": self.line}


def _document(source: Source, role: str) -> Document:
    if isinstance(source, Document):
        if source.filename is None:
            return Document(source.items, bom=source.bom, filename=role)
        return source
    from cfgtool.parser import load

    return load(source)


def effective(
    common: Source | Sequence[Source] | None,
    mac: Source | None,
    local: Source | None = None,
) -> dict[str, Setting]:
    """What a phone ends up with: the Common file(s), then its MAC file, then MAC-local.

    Each argument is a parsed :class:`~cfgtool.nodes.Document` or a path;
    ``common`` may also be a list (the all-models ``y000000000000.cfg`` first,
    then the model's own) or None, as may ``mac``. The last value of a key
    wins, within a file and across files, as on the phone. Keys keep the
    order in which they first appear. Values are not masked.

        >>> from cfgtool.parser import loads
        >>> common = loads("lang.gui = English\\n", filename="y000000000028.cfg")
        >>> phone = loads("#!version:1.0.0.1\\nlang.gui = German\\n", filename="0015651130f9.cfg")
        >>> effective(common, phone)["lang.gui"]
        Setting(value='German', file='0015651130f9.cfg', line=2)
    """
    commons: Sequence[Source]
    if common is None:
        commons = ()
    elif isinstance(common, (Document, str, os.PathLike)):
        commons = (common,)
    else:
        commons = tuple(common)
    layers = [_document(source, "<common>") for source in commons]
    if mac is not None:
        layers.append(_document(mac, "<mac>"))
    if local is not None:
        layers.append(_document(local, "<local>"))
    settings: dict[str, Setting] = {}
    for doc in layers:
        name = doc.filename or ""
        for item in doc.items:
            if type(item) is Entry:
                settings[item.key] = Setting(item.value, name, item.line)
    return settings


# --------------------------------------------------------------------------- trees


@dataclass(frozen=True)
class TreeDirectory:
    """One directory of a provisioning tree: its cfg files, and the model its name gives.

    ``relative`` is ``""`` for the root; ``pn_model`` is set when the directory
    is named after a model (the ``$PN`` layout, ``T46G/0015651130f9.cfg``).
    ``commons`` are its Common files (any letter case) and ``common_models``
    the distinct models of the model-specific ones.
    """

    relative: str
    pn_model: Model | None
    names: frozenset[str] = frozenset()
    commons: tuple[str, ...] = ()
    common_models: tuple[Model, ...] = ()

    @classmethod
    def build(cls, relative: str, pn_model: Model | None, names: Iterable[str]) -> TreeDirectory:
        names = frozenset(names)
        commons = tuple(sorted(name for name in names if classify(name).is_common))
        models: dict[str, Model] = {}
        for name in commons:
            model = model_for_common_file(name)
            if model is not None:
                models.setdefault(model.name, model)
        return cls(relative, pn_model, names, commons, tuple(models.values()))


@dataclass(frozen=True)
class ProvisioningTree:
    """A provisioning directory indexed by file name (contents are not read).

    ``root`` is the directory as given; ``checks`` is False for the directory of
    a file named on the command line, which is only used to find its model.
    ``phones`` maps ``(mac, kind)`` (kind ``mac`` or ``mac-local``) to the
    relative paths of the files for that phone, sorted.
    """

    root: str
    directories: Mapping[str, TreeDirectory]
    phones: Mapping[tuple[str, str], tuple[str, ...]]
    checks: bool = True

    def directory(self, relative: str) -> TreeDirectory:
        found = self.directories.get(relative)
        if found is None:
            return TreeDirectory(relative, _directory_model(self.root, relative))
        return found

    def relative(self, path: str) -> str | None:
        """``path`` relative to the root (``/``-separated), or None when it is outside."""
        prefix = _with_separator(self.root)
        absolute = os.path.abspath(path)
        if not absolute.startswith(prefix) or len(absolute) == len(prefix):
            return None
        return absolute[len(prefix) :].replace(os.sep, "/")


@lru_cache(maxsize=64)
def _with_separator(root: str) -> str:
    """The absolute form of ``root`` ending in one separator (cached: called per file)."""
    return os.path.join(os.path.abspath(root), "")


def _directory_model(root: str, relative: str) -> Model | None:
    name = basename(relative) if relative else basename(os.path.abspath(root))
    return find_model(name) if name else None


def scan_tree(
    root: str | os.PathLike[str],
    files: Iterable[str] | None = None,
    *,
    checks: bool = True,
) -> ProvisioningTree:
    """Index the cfg files of a provisioning directory by name.

    ``files`` are paths under ``root`` (e.g. what :func:`cfgtool.inputs.expand_paths`
    found, so ``exclude`` applies); None lists ``*.cfg`` under ``root``.
    """
    root_text = os.fspath(root)
    if files is None:
        from cfgtool.inputs import expand_paths

        files = [item.path for item in expand_paths([root_text])]
    by_directory: dict[str, set[str]] = {}
    phones: dict[tuple[str, str], list[str]] = {}
    tree = ProvisioningTree(root_text, {}, {}, checks)
    for path in files:
        if not path.lower().endswith(".cfg"):
            continue  # templates and other inputs are not served to phones
        relative = tree.relative(path)
        if relative is None:
            continue
        directory, _, name = relative.rpartition("/")
        by_directory.setdefault(directory, set()).add(name)
        parsed = classify(name)
        if parsed.mac is not None:
            phones.setdefault((parsed.mac, parsed.kind), []).append(relative)
    directories = {
        relative: TreeDirectory.build(relative, _directory_model(root_text, relative), names)
        for relative, names in sorted(by_directory.items())
    }
    ordered = {key: tuple(sorted(paths, key=_canonical_first)) for key, paths in phones.items()}
    return ProvisioningTree(root_text, directories, ordered, checks)


def _canonical_first(relative: str) -> tuple[bool, str]:
    """Sort key: correctly named (lowercase) files first, then by path."""
    name = basename(relative)
    return (name != name.lower(), relative)


@dataclass(frozen=True)
class FileView:
    """What validate knows about one file from its tree: where it is and how its model was found.

    ``model_source`` says how :attr:`LintContext.model` was found (``--model``,
    ``the Common file name``…), or is empty when it was not; ``name`` is what
    the file name says (:func:`cfgtool.filenames.classify`).
    """

    tree: ProvisioningTree
    relative: str
    model_source: str = ""
    server_url: str | None = None
    name: FileName = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", classify(basename(self.relative)))

    @property
    def directory(self) -> TreeDirectory:
        return self.tree.directory(self.relative.rpartition("/")[0])


def file_view(context: LintContext) -> FileView | None:
    """The :class:`FileView` validate attached to ``context``, or None (plain lint)."""
    view = context.options.get(VIEW_OPTION)
    return view if isinstance(view, FileView) else None


def common_search_directories(tree: ProvisioningTree, directory: TreeDirectory) -> list[str]:
    """Where a phone served from ``directory`` finds its Common file.

    The directory itself; outside the ``$PN`` layout also the tree root, as
    deployments keep one set of Common files at the top.
    """
    places = [directory.relative]
    if directory.relative and directory.pn_model is None:
        places.append("")
    return places


def _resolve_model(
    tree: ProvisioningTree, relative: str, explicit: Model | None
) -> tuple[Model | None, str]:
    """The model of a file from its name and place (the comment comes later, from the file)."""
    if explicit is not None:
        return explicit, "--model"
    directory = tree.directory(relative.rpartition("/")[0])
    name = classify(basename(relative))
    if name.is_common:
        model = model_for_common_file(name.name)
        if model is not None:
            return model, f"the Common file name {name.name}"
    else:
        for place in common_search_directories(tree, directory):
            models = tree.directory(place).common_models
            if len(models) == 1:
                where = f"{place}/" if place else "the tree root"
                return models[0], f"the Common file in {where}"
            if models:
                break
    if directory.pn_model is not None:
        label = directory.relative or basename(os.path.abspath(tree.root))
        return directory.pn_model, f"the directory name {label}/"
    return None, ""


@dataclass(frozen=True)
class ValidationPlan:
    """Everything validate adds to each file's lint context (picklable for the process pool)."""

    trees: tuple[ProvisioningTree, ...]
    model: Model | None = None
    server_url: str | None = None
    # (tree index, directory, Common file name or "") -> the model and how it was found
    _models: dict[tuple[int, str, str], tuple[Model | None, str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def tree_for(self, path: str) -> tuple[ProvisioningTree, str] | None:
        """The innermost tree holding ``path``, with the path relative to it."""
        best: tuple[ProvisioningTree, str] | None = None
        for tree in self.trees:
            relative = tree.relative(path)
            if relative is not None and (best is None or len(relative) < len(best[1])):
                best = (tree, relative)
        return best

    def context_for(self, context: LintContext) -> LintContext:
        """``context`` with the file's model and :class:`FileView` (the engine's context hook)."""
        found = self.tree_for(context.path) if context.path else None
        if found is None:
            return replace(context, model=self.model) if self.model else context
        tree, relative = found
        directory, _, name = relative.rpartition("/")
        key = (id(tree), directory, name if classify(name).is_common else "")
        resolved = self._models.get(key)
        if resolved is None:
            resolved = self._models[key] = _resolve_model(tree, relative, self.model)
        model, source = resolved
        view = FileView(tree, relative, source, self.server_url)
        return replace(context, model=model, options={**context.options, VIEW_OPTION: view})


# --------------------------------------------------------------------------- phones


@dataclass(frozen=True)
class PhoneFiles:
    """The files one phone reads from a tree, in the order it applies them."""

    mac: str
    commons: tuple[str, ...]
    mac_file: str | None
    local_file: str | None
    model: Model | None

    @property
    def files(self) -> tuple[str, ...]:
        return (*self.commons, *(p for p in (self.mac_file, self.local_file) if p))


def phone_files(root: str | os.PathLike[str], mac: str) -> PhoneFiles:
    """Find the Common, MAC and MAC-local files a phone reads in the tree at ``root``.

    The MAC and MAC-local files are searched anywhere in the tree; the Common
    files are those of the MAC file's directory (or the root, outside the
    ``$PN`` layout): the all-models ``y000000000000.cfg`` first, then the
    model's own. The model is found as validate finds it (the MAC file's
    ``# cfgtool: model=`` comment last). Raises :class:`CfgError` when there is
    no file for the phone or when two files claim it.
    """
    normalized = normalize_mac(mac)
    if normalized is None:
        raise CfgValueError(f"{mac!r} is not a MAC address; write 12 hex digits, e.g. 0015651130f9")
    tree = scan_tree(root)
    own: dict[str, str] = {}
    for kind in ("mac", "mac-local"):
        paths = tree.phones.get((normalized, kind), ())
        if len(paths) > 1:
            raise CfgError(
                f"{len(paths)} files for phone {normalized} in {os.fspath(root)}: "
                f"{', '.join(paths)}; name the files with --mac-file/--local"
            )
        if paths:
            own[kind] = paths[0]
    if not own:
        raise CfgError(f"no {normalized}.cfg or {normalized}-local.cfg under {os.fspath(root)}")
    anchor = own.get("mac") or own["mac-local"]
    model, _ = _resolve_model(tree, anchor, None)
    if model is None and "mac" in own:
        from cfgtool.parser import load

        named = comment_model(load(os.path.join(os.fspath(root), *own["mac"].split("/"))))
        model = find_model(named) if named else None
    directory = tree.directory(anchor.rpartition("/")[0])
    commons: list[str] = []
    for place in common_search_directories(tree, directory):
        here = tree.directory(place)
        generic = [n for n in here.commons if n == all_models_common_file()]
        specific = [n for n in here.commons if model is not None and n == model.common_file]
        prefix = f"{place}/" if place else ""
        commons = [prefix + name for name in (*generic, *specific)]
        if commons:
            break

    def full(relative: str | None) -> str | None:
        return os.path.join(os.fspath(root), *relative.split("/")) if relative else None

    return PhoneFiles(
        normalized,
        tuple(p for p in (full(c) for c in commons) if p),
        full(own.get("mac")),
        full(own.get("mac-local")),
        model,
    )


# --------------------------------------------------------------------------- URLs


@dataclass(frozen=True, slots=True)
class RequestedFile:
    """One file a phone requests: ``kind`` is ``common``, ``mac`` or ``file`` (a file URL)."""

    kind: Literal["common", "mac", "file"]
    url: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "url": self.url}


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")


def pn_name(model: Model, spelling: str | None = None) -> str:
    """What ``$PN`` becomes on ``model``: the ``pn_names`` entry like ``spelling``, else the first.

    ``--model T23G`` gives ``T23G``; a model without data gives its name.
    """
    from cfgtool.catalog import model_match_key

    if spelling:
        for name in model.pn_names:
            if model_match_key(name) == model_match_key(spelling):
                return name
    return model.pn_names[0] if model.pn_names else model.name


def expand_url(
    url: str, model: Model, mac: str, *, pn: str | None = None, model_spelling: str | None = None
) -> list[RequestedFile]:
    """The files a phone of ``model`` with ``mac`` requests for provisioning URL ``url``.

    ``$PN`` becomes the model's directory name (``pn`` overrides it, as the
    phone's ``static.auto_provision.url_wildcard.pn`` does), ``$MAC`` the MAC in
    lower case. A URL that names a directory (ends in ``/``, or its last
    segment has no file extension) yields the Common file and then
    ``<mac>.cfg`` inside it, the order of the guide; a URL naming a file is
    assumed to be fetched as it is (the guide documents only the directory
    form). Firmware with boot files (80 and later) first asks for
    ``<mac>.boot``/``y000000000000.boot``, which are not listed. A URL
    without a scheme is fetched with TFTP, as phones do.

        >>> from cfgtool.catalog import find_model
        >>> for f in expand_url("tftp://10.0.0.1/$PN/", find_model("T42G"), "00156543EC97"):
        ...     print(f.url)
        tftp://10.0.0.1/T42G/y000000000029.cfg
        tftp://10.0.0.1/T42G/00156543ec97.cfg
    """
    normalized = normalize_mac(mac)
    if normalized is None:
        raise CfgValueError(f"{mac!r} is not a MAC address; write 12 hex digits, e.g. 0015651130f9")
    text = url.strip()
    if not text:
        raise CfgValueError("the provisioning URL is empty")
    scheme = _SCHEME.match(text)
    if scheme is None:
        text = "tftp://" + text
    elif scheme.group(1).lower() not in ("tftp", "ftp", "http", "https"):
        raise CfgValueError(
            f"{scheme.group(1)!r} is not a scheme phones provision from; "
            "use tftp://, ftp://, http:// or https://"
        )
    expanded = text.replace("$PN", pn or pn_name(model, model_spelling)).replace("$MAC", normalized)
    stray = re.search(r"\$[A-Za-z_]\w*", expanded)
    if stray:
        raise CfgValueError(f"{stray.group()} is not a wildcard phones expand; use $PN or $MAC")
    head, query = _split_query(expanded)
    after_host = head.split("://", 1)[1]
    path = after_host.partition("/")[2]
    last = path.rpartition("/")[2]
    if last and "." in last:
        return [RequestedFile("file", expanded)]
    base = head if head.endswith("/") else head + "/"
    requested: list[RequestedFile] = []
    if model.common_file:
        requested.append(RequestedFile("common", base + model.common_file + query))
    requested.append(RequestedFile("mac", base + normalized + ".cfg" + query))
    return requested


def _split_query(url: str) -> tuple[str, str]:
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
    return (url, "") if cut < 0 else (url[:cut], url[cut:])


# --------------------------------------------------------------------------- tree checks

# Settings that name a resource file the phone downloads (without `static.`),
# and what to call it in messages.
RESOURCE_KEYS: dict[str, str] = {
    "firmware.url": "firmware",
    "ringtone.url": "ring tone",
    "auto_dst.url": "DST rules file (AutoDST.xml)",
    "dialplan_replace_rule.url": "dial plan (dialplan.xml)",
    "dialplan_dialnow.url": "dial-now rules (dialnow.xml)",
    "gui_lang.url": "language pack",
    "wui_lang.url": "language pack",
    "wui_lang_note.url": "language pack",
    "local_contact.data.url": "contact file (contact.xml)",
    "lcd_logo.url": "logo",
    "wallpaper_upload.url": "wallpaper",
}
RINGTONE_URL_KEY = "ringtone.url"
_HOST_LIKE = re.compile(
    r"(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:]+\]|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]+)"
    r"(?::\d+)?"
)


def resource_kind(key: str) -> str | None:
    """What resource file ``key`` downloads (``firmware``, ``ring tone``…), or None."""
    return RESOURCE_KEYS.get(key.removeprefix("static."))


def tree_target(view: FileView, value: str) -> str | None:
    """The tree path (relative to the root) a resource URL points to, or None when it
    points outside the tree: an absolute URL not under ``--server-url``, a bare
    host, a value with wildcards, or a path that leaves the tree."""
    from urllib.parse import unquote

    text = value.strip()
    if text in NULL_VALUES or "$" in text:
        return None
    text, _ = _split_query(text)
    if "://" in text:
        if view.server_url is None:
            return None
        under = _under_server(text, view.server_url)
        if under is None:
            return None
        base, rest = "", under
    elif text.startswith("/"):
        base, rest = "", text.lstrip("/")
    else:
        first = text.partition("/")[0]
        if "/" in text and _HOST_LIKE.fullmatch(first):
            return None  # "10.0.0.5/fw.rom": a host, fetched with TFTP from elsewhere
        base, rest = view.relative.rpartition("/")[0], text
    if not rest or rest.endswith("/"):
        return None
    target = posixpath.normpath(posixpath.join(base, unquote(rest)))
    if target in (".", "..") or target.startswith("../"):
        return None
    return target


def _under_server(url: str, server_url: str) -> str | None:
    """The part of ``url`` below ``server_url`` (scheme and host compared case-insensitively).

    A ``server_url`` ending in ``/$PN`` stands for the root of the ``$PN`` directories.
    """
    # The DHCP option 66 value itself may be given: tftp://host/$PN names the tree root.
    server = re.sub(r"/\$PN/?$", "/", server_url.strip())
    if _SCHEME.match(server) is None:
        server = "tftp://" + server
    scheme_u, _, rest_u = url.partition("://")
    scheme_s, _, rest_s = server.partition("://")
    host_u, _, path_u = rest_u.partition("/")
    host_s, _, path_s = rest_s.partition("/")
    if scheme_u.lower() != scheme_s.lower() or host_u.lower() != host_s.lower():
        return None
    prefix = path_s.strip("/")
    if not prefix:
        return path_u
    if path_u == prefix or not path_u.startswith(prefix + "/"):
        return None
    return path_u[len(prefix) + 1 :]


def tree_file(view: FileView, relative: str) -> str:
    """The filesystem path of a tree-relative path."""
    return os.path.join(view.tree.root, *relative.split("/"))


# --------------------------------------------------------------------------- validate


@dataclass(frozen=True)
class DirectorySummary:
    """One row of validate's per-directory table."""

    directory: str
    model: str | None
    common_files: tuple[str, ...]
    phones: int
    errors: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "model": self.model,
            "common_files": list(self.common_files),
            "phones": self.phones,
            "errors": self.errors,
        }


@dataclass
class Validation:
    """The outcome of :func:`validate_paths`: per-file results and per-directory rows."""

    results: list[FileResult]
    directories: list[DirectorySummary] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for result in self.results for d in result.diagnostics]


def validate_paths(
    paths: Sequence[str],
    *,
    model: str | None = None,
    server_url: str | None = None,
    resolver: ConfigResolver | None = None,
    jobs: int = 0,
    stdin_filename: str | None = None,
    stdin_data: Any = None,
) -> Validation:
    """Validate files and provisioning trees: every lint rule plus the model and tree rules.

    A directory is checked as a provisioning tree (missing Common files,
    duplicate phones, orphan MAC-local files, missing resource files); a file
    is checked on its own, its model found from ``model`` (``--model``), its
    Common file name, the Common file next to it, its directory name, or a
    ``# cfgtool: model=`` comment, in that order. Configuration, suppressions
    and the process pool are the lint engine's. Raises :class:`CfgError` for
    an unknown model, a missing path or a bad configuration.
    """
    from cfgtool.inputs import STDIN, expand_paths
    from cfgtool.linting.config import ConfigResolver
    from cfgtool.linting.engine import LintOptions, lint_files

    explicit = require_model(model) if model else None
    resolver = resolver or ConfigResolver()
    items = expand_paths(paths, is_excluded=resolver.is_excluded, stdin_filename=stdin_filename)
    trees: list[ProvisioningTree] = []
    for path in dict.fromkeys(paths):
        if path != STDIN and os.path.isdir(path):
            inside = [item.path for item in items if not item.stdin]
            prefix = _with_separator(path)
            trees.append(
                scan_tree(path, [p for p in inside if os.path.abspath(p).startswith(prefix)])
            )
    loose = {
        os.path.dirname(item.name_for_rules or "") or os.curdir
        for item in items
        if item.name_for_rules and not any(t.relative(item.name_for_rules) for t in trees)
    }
    for directory in sorted(loose):
        trees.append(scan_tree(directory, _common_files_in(directory), checks=False))
    plan = ValidationPlan(tuple(trees), explicit, server_url)
    options = LintOptions(scopes=("lint", "model"), context_hook=plan.context_for)
    results = lint_files(items, resolver.for_input, options, jobs=jobs, stdin_data=stdin_data)
    return Validation(results, _summaries(plan, results))


def _common_files_in(directory: str) -> list[str]:
    """The Common files of ``directory``: all a file named on its own needs for its model."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return [
        os.path.join(directory, name)
        for name in names
        if name[:1] in ("y", "Y") and classify(name).is_common
    ]


def _summaries(plan: ValidationPlan, results: Sequence[FileResult]) -> list[DirectorySummary]:
    errors: dict[tuple[int, str], int] = {}
    for result in results:
        found = plan.tree_for(result.path)
        if found is None:
            continue
        tree, relative = found
        key = (id(tree), relative.rpartition("/")[0])
        count = sum(1 for d in result.diagnostics if d.severity == "error")
        errors[key] = errors.get(key, 0) + count + (1 if result.error else 0)
    rows: list[DirectorySummary] = []
    for tree in plan.trees:
        if not tree.checks:
            continue
        phones: dict[str, set[str]] = {}
        for (mac, _), paths in tree.phones.items():
            for path in paths:
                phones.setdefault(path.rpartition("/")[0], set()).add(mac)
        for relative, directory in tree.directories.items():
            models = directory.common_models
            model = plan.model or directory.pn_model or (models[0] if len(models) == 1 else None)
            label = os.path.join(tree.root, *relative.split("/")) if relative else tree.root
            rows.append(
                DirectorySummary(
                    label,
                    model.name if model else ("mixed" if len(models) > 1 else None),
                    directory.commons,
                    len(phones.get(relative, ())),
                    errors.get((id(tree), relative), 0),
                )
            )
    return rows
