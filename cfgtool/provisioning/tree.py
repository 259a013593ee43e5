"""A provisioning tree by file name: its directories, its phones, each phone's files and model.

This is the one answer to "which files does a phone read, and which model is
it" that ``cfgtool validate``, ``cfgtool effective`` and ``cfgtool diff
--effective`` share: :func:`scan_tree` indexes a directory, :func:`phones`
lists its phones (each with its model and the files it downloads, in order),
:func:`resolve_model` says how a file's model is found, and
:func:`phone_files` finds one phone's files.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from cfgtool.catalog import Model, all_models_common_file, find_model
from cfgtool.directives import comment_model
from cfgtool.errors import CfgError
from cfgtool.filenames import FileName, basename, classify, require_mac
from cfgtool.inputs import expand_paths
from cfgtool.parser import load
from cfgtool.provisioning.models import model_for_common_file

VIEW_OPTION = "provisioning"  # LintContext.options key holding the FileView


class OptionsContext(Protocol):
    """What :func:`file_view` reads of a lint context."""

    @property
    def options(self) -> Mapping[str, Any]: ...


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
        prefix = with_separator(self.root)
        absolute = os.path.abspath(path)
        if not absolute.startswith(prefix) or len(absolute) == len(prefix):
            return None
        return absolute[len(prefix) :].replace(os.sep, "/")


@lru_cache(maxsize=64)
def with_separator(root: str) -> str:
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


def file_view(context: OptionsContext) -> FileView | None:
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


def resolve_model(
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
class TreePhone:
    """One phone of a tree: the MAC of a ``<mac>.cfg`` or ``<mac>-local.cfg`` file.

    ``directory`` is where its own files are (relative to the root), ``own``
    those files (MAC file first), ``commons`` the Common files it downloads
    before them, in order; all paths are relative to the root.
    """

    mac: str
    directory: str
    model: Model | None
    commons: tuple[str, ...]
    own: tuple[str, ...]

    @property
    def files(self) -> tuple[str, ...]:
        """Every file the phone downloads, in the order it applies them."""
        return (*self.commons, *self.own)


def tree_path(tree: ProvisioningTree, relative: str) -> str:
    """The filesystem path of a path relative to the tree's root."""
    return os.path.join(tree.root, *relative.split("/"))


def phone_model(tree: ProvisioningTree, own: Collection[str]) -> Model | None:
    """The model of a phone whose own files (MAC file first) are ``own``.

    As validate finds it (:func:`resolve_model`), then from a ``# cfgtool:
    model=`` comment in the MAC file.
    """
    anchor = next(iter(own))
    model, _ = resolve_model(tree, anchor, None)
    if model is None and classify(basename(anchor)).kind == "mac":
        named = comment_model(load(tree_path(tree, anchor)))
        model = find_model(named) if named else None
    return model


def common_files(tree: ProvisioningTree, directory: str, model: Model | None) -> tuple[str, ...]:
    """The Common files a phone of ``model`` served from ``directory`` downloads, in order.

    Those of the first place of :func:`common_search_directories` that has
    any: the all-models ``y000000000000.cfg`` first, then the model's own
    (only the all-models file when the model is unknown).
    """
    wanted = [all_models_common_file(), *([model.common_file] if model else [])]
    for place in common_search_directories(tree, tree.directory(directory)):
        here = tree.directory(place).commons
        prefix = f"{place}/" if place else ""
        found = tuple(prefix + name for name in wanted if name and name in here)
        if found:
            return found
    return ()


def fetched_by_phones(relative: str) -> bool:
    """Whether phones ever request this MAC file: they ask for ``<mac>.cfg`` in lower case,
    so ``0015651130F9.cfg`` is never fetched from a case-sensitive server (CFG301)."""
    name = basename(relative)
    return name == name.lower()


def phones(tree: ProvisioningTree) -> dict[tuple[str, str], TreePhone]:
    """The phones of ``tree`` by (directory, MAC), each with its model and the files it
    fetches (:func:`fetched_by_phones`: an upper-case MAC file name is never fetched)."""
    own: dict[tuple[str, str], list[str]] = {}
    for (mac, _kind), paths in tree.phones.items():
        for relative in filter(fetched_by_phones, paths):
            own.setdefault((relative.rpartition("/")[0], mac), []).append(relative)
    found: dict[tuple[str, str], TreePhone] = {}
    for (directory, mac), files in own.items():
        files.sort(key=lambda name: classify(basename(name)).kind == "mac-local")
        model = phone_model(tree, files)
        commons = common_files(tree, directory, model)
        found[(directory, mac)] = TreePhone(mac, directory, model, commons, tuple(files))
    return found


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
    files are those of :func:`common_files` for the MAC file's directory. The
    model is :func:`phone_model`'s. Raises :class:`CfgError` when there is no
    file for the phone or when two files claim it.
    """
    normalized = require_mac(mac)
    tree = scan_tree(root)
    own: dict[str, str] = {}
    ignored: list[str] = []
    for kind in ("mac", "mac-local"):
        every = tree.phones.get((normalized, kind), ())
        paths = tuple(filter(fetched_by_phones, every))
        ignored += [path for path in every if path not in paths]
        if len(paths) > 1:
            raise CfgError(
                f"{len(paths)} files for phone {normalized} in {os.fspath(root)}: "
                f"{', '.join(paths)}; name the files with --mac-file/--local"
            )
        if paths:
            own[kind] = paths[0]
    if not own:
        why = (
            f" ({', '.join(ignored)} is there, but phones request the name in lower case)"
            if ignored
            else ""
        )
        raise CfgError(
            f"no {normalized}.cfg or {normalized}-local.cfg under {os.fspath(root)}{why}"
        )
    model = phone_model(tree, own.values())
    anchor = own.get("mac") or own["mac-local"]
    commons = common_files(tree, anchor.rpartition("/")[0], model)

    def full(relative: str | None) -> str | None:
        return tree_path(tree, relative) if relative else None

    return PhoneFiles(
        normalized,
        tuple(tree_path(tree, c) for c in commons),
        full(own.get("mac")),
        full(own.get("mac-local")),
        model,
    )
