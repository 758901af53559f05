"""``docket key init|show``: the protection key that seals testimonies' protected witness fields."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from docket import config
from docket.protect.keys import ProtectionError, create_key_file, default_key_file, load_keyring

key_app = typer.Typer(help="The protection key that seals witnesses' names and contacts.", no_args_is_help=True)
out = Console(soft_wrap=True)  # paths and key ids are copied from here: never folded
err = Console(stderr=True)


def _data_dir(ctx: typer.Context) -> Path:
    return config.resolve_data_dir((ctx.obj or {}).get("data_dir"))


@key_app.command("init")
def key_init(
    ctx: typer.Context,
    key_file: Annotated[Path | None, typer.Option("--key-file", help="Where to write it (default: $DOCKET_KEY_FILE, else <data dir>.key beside the data dir).")] = None,
) -> None:
    """Create a new random protection key in a file only its owner can read (never overwrites one)."""
    path = key_file or default_key_file(_data_dir(ctx))
    try:
        keyring = create_key_file(path)
    except (ProtectionError, OSError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    out.print(f"protection key {keyring.key_id} written to {escape(str(path))} (mode 0600)")
    if key_file is not None and key_file != default_key_file(_data_dir(ctx)):
        out.print(f"docket finds it there with DOCKET_KEY_FILE={escape(str(path))}")
    out.print("Keep a copy somewhere safe and apart from the data: without it the protected fields and the "
              "sealed originals cannot be read, and docket will not open the store.")


@key_app.command("show")
def key_show(ctx: typer.Context) -> None:
    """Where docket finds the key, its fingerprint, and whether it opens this store's protected data."""
    from docket.store import Store

    data_dir = _data_dir(ctx)
    try:
        keyring = load_keyring(data_dir)
        out.print(f"key: {keyring.key_id} from {escape(keyring.source)}" if keyring else
                  f"no key: none in $DOCKET_PROTECTION_KEY or {escape(str(default_key_file(data_dir)))}")
        store = Store.open(data_dir, (ctx.obj or {}).get("database_url"))
    except ProtectionError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    from docket.protect.records import recorded_key_id

    with store.read() as conn:
        recorded = recorded_key_id(conn)
    store.close()
    out.print(f"store: protected data sealed with key {recorded}" if recorded else "store: no protected data yet")
