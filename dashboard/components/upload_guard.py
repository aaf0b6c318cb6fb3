"""Say in the browser why a file over an upload's `max_size` is refused.

dcc.Upload drops a file over its max_size without a word. The guard, a clientside
callback run when the upload appears, listens on the document for the file input's
change and for a drop on the zone (the upload is loaded lazily, so listening on it
would miss it), and writes "<name> is <size>, over the limit of <limit> ..." where
the page shows the file's fate, before a byte is sent. Sizes are worded as
`dashboard.server.uploads.describe_size` words them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dash import Input, Output, clientside_callback

ComponentId = str | Mapping[str, Any]

SCRIPT = """
function (limit) {
    const config = CONFIG;
    const guards = window.trackerUploadGuards = window.trackerUploadGuards || {};
    if (!limit || guards[config.upload]) { return window.dash_clientside.no_update; }
    guards[config.upload] = true;
    const words = (size, unit, name) =>
        (size / unit).toFixed(1).replace(/\\.0$/, "") + " " + name;
    const describe = (size) => size < 1024
        ? size + (size === 1 ? " byte" : " bytes")
        : size < 1048576 ? words(size, 1024, "KB") : words(size, 1048576, "MB");
    const refuse = (event) => {
        const zone = event.target.closest && event.target.closest("#" + config.upload);
        if (!zone) { return; }
        const files = (event.dataTransfer || event.target).files || [];
        const big = Array.from(files).find((file) => file.size > limit);
        if (!big) { return; }
        const reason = config.tooLarge
            .replace("{size}", describe(big.size))
            .replace("{limit}", describe(limit));
        const set = window.dash_clientside.set_props;
        set(config.message, {[config.property]: big.name + " " + reason + "."});
        config.resets.forEach(([id, props]) => set(id, props));
    };
    document.addEventListener("change", refuse, true);
    document.addEventListener("drop", refuse, true);
    return window.dash_clientside.no_update;
}
"""


def size_guard_script(
    upload: str,
    message: tuple[ComponentId, str],
    too_large: str,
    resets: Sequence[tuple[ComponentId, dict[str, Any]]] = (),
) -> str:
    """The guard of `upload`: the refusal (`too_large`, with {size} and {limit}) goes
    to the `message` component's property; `resets` are props set beside it."""
    config = {
        "upload": upload,
        "message": message[0],
        "property": message[1],
        "tooLarge": too_large,
        "resets": [[component, props] for component, props in resets],
    }
    # The script is inlined in the page: keep "</script>" out of it whatever we say.
    return SCRIPT.replace("CONFIG", json.dumps(config).replace("</", "<\\/"))


def register_size_guard(
    upload: str,
    message: tuple[ComponentId, str],
    too_large: str,
    resets: Sequence[tuple[ComponentId, dict[str, Any]]] = (),
    *,
    dummy: tuple[str, str],
) -> None:
    """Register the guard of `upload`; it writes nothing to `dummy`, a property Dash
    needs as the callback's output."""
    clientside_callback(
        size_guard_script(upload, message, too_large, resets),
        Output(*dummy),
        Input(upload, "max_size"),
    )
