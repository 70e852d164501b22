"""Execute a Jupyter notebook headless with nbclient, reporting each cell as it runs.

Driven by execute_notebook.ts (the notebook toolkit of `deno task tutorial`):

    python3 execute_notebook.py NOTEBOOK EXECUTED_PATH CELL_TIMEOUT_S [KERNEL]

It writes progress events to stdout, one per line, as EVENT_PREFIX followed by a JSON object
(cell-start, cell-done, stream, late-output, and failure when a cell raised), stops at the first
failing cell, and writes the (partly) executed notebook to EXECUTED_PATH in any case. Exit status
0 when every cell ran, 1 when one failed, 2 on a usage error. The kernel runs with the notebook's
folder as its working directory.

Besides reporting progress, it works around the Deno kernel's unordered, lossy IOPub publishing
(Deno 2.9; see lib/display/_jupyter_api.ts). Measured under CPU load:

- the kernel can publish a cell's "idle" status before that cell's last outputs: the
  execute_result of a cell value (even a 4-byte one; 1 cell in 6 at load 5, ~10 ms late) and
  sometimes a display_data sent just before the cell ended. nbclient stops listening at "idle"
  and ignores them, so the output is lost from the executed notebook;
- it publishes with a non-blocking send (zeromq-rs PUB: try_send, then one flush attempt with a
  no-op waker), so a large output is partly queued and only pushed out with the next message,
  and a message sent while more than 128 KiB are queued is silently dropped (display outputs of
  about 8 MB or more never arrive).

The driver therefore

- attaches any output whose parent is an earlier cell's request to that cell, whenever it
  arrives (and still reports late printed text as a stream event);
- after each cell, sends kernel_info requests until one's "idle" status comes back (each request
  makes the kernel send messages, which pushes out what it still queues for the cell), then keeps
  listening until IOPub has been quiet for 0.1 s (about 0.1 s per cell);
- drops the empty text/plain execute_result a figure leaves when it sent itself as display_data
  (its cell value carries nothing else).
"""

import json
import os
import sys
import time
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async
from nbformat.v4 import output_from_msg

# Keep in step with EVENT_PREFIX in execute_notebook.ts.
EVENT_PREFIX = "@@notebook-event "
LATE_TYPES = ("execute_result", "display_data", "stream", "error")


def emit(**event):
    """Write one progress event line to stdout."""
    sys.stdout.write(EVENT_PREFIX + json.dumps(event) + "\n")
    sys.stdout.flush()


def code_cell_indices(nb):
    """Indices (among all cells) of the notebook's code cells, in order."""
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def is_placeholder(output):
    """True for the empty text/plain execute_result a figure cell leaves behind."""
    return output.get("output_type") == "execute_result" and dict(
        output.get("data", {})
    ) == {"text/plain": ""}


def drop_placeholders(nb):
    """Remove placeholder execute_results (see is_placeholder) from every code cell."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not is_placeholder(o)]


class Client(NotebookClient):
    """An nbclient NotebookClient that keeps late outputs and flushes IOPub after each cell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells_by_request = {}

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "stream":
            emit(type="stream", text=msg["content"].get("text", ""))
        return super().output(outs, msg, display_id, cell_index)

    def late_output(self, msg):
        """Attach an output that arrived after its cell's "idle" status to that cell."""
        entry = self.cells_by_request.get(msg["parent_header"].get("msg_id"))
        if entry is None or msg["msg_type"] not in LATE_TYPES:
            return
        cell, cell_index = entry
        cell.outputs.append(output_from_msg(msg))
        emit(type="late-output", cellIndex=cell_index, msgType=msg["msg_type"])
        if msg["msg_type"] == "stream":
            emit(type="stream", text=msg["content"].get("text", ""))

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self.cells_by_request[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self.late_output(msg)

    async def flush_iopub(self, attempts=10, wait_s=2.0, grace_s=0.1):
        """Make the kernel push out what it still queues; True once a kernel_info went idle."""
        for _ in range(attempts):
            request = self.kc.kernel_info()
            deadline = time.monotonic() + wait_s
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
                except Empty:
                    break
                if msg["parent_header"].get("msg_id") == request:
                    if (
                        msg["msg_type"] == "status"
                        and msg["content"]["execution_state"] == "idle"
                    ):
                        await self.linger(grace_s)
                        return True
                else:
                    self.late_output(msg)
        return False

    async def linger(self, quiet_s):
        """Keep attaching late outputs until the IOPub channel has been quiet for quiet_s."""
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=quiet_s))
            except Empty:
                return
            self.late_output(msg)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            if cell.cell_type == "code" and cell.source.strip():
                try:
                    if not await self.flush_iopub():
                        emit(
                            type="stream",
                            text="warning: the kernel did not answer the IOPub flush "
                            "after cell %d\n" % cell_index,
                        )
                except Exception:
                    pass


def execute(src, dst, timeout, kernel="deno"):
    """Execute the notebook at src, write it to dst; return the failure (a dict) or None."""
    nb = nbformat.read(src, as_version=4)
    code_idx = code_cell_indices(nb)
    started = {}
    failure = {}

    def number(cell_index):
        return code_idx.index(cell_index) + 1 if cell_index in code_idx else -1

    def on_start(cell, cell_index, **_):
        if cell_index not in code_idx:
            return
        started[cell_index] = time.time()
        emit(
            type="cell-start",
            cellIndex=cell_index,
            codeCellNumber=number(cell_index),
            codeCells=len(code_idx),
        )

    def on_done(cell, cell_index, **_):
        if cell_index not in code_idx:
            return
        emit(
            type="cell-done",
            cellIndex=cell_index,
            codeCellNumber=number(cell_index),
            seconds=time.time() - started.get(cell_index, time.time()),
        )

    def on_error(cell, cell_index, execute_reply, **_):
        content = execute_reply.get("content", {})
        failure.update(
            cellIndex=cell_index,
            codeCellNumber=number(cell_index),
            ename=content.get("ename", "Error"),
            evalue=content.get("evalue", ""),
            source="\n".join(cell.source.splitlines()[:6]),
        )

    client = Client(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
        on_cell_start=on_start,
        on_cell_executed=on_done,
        on_cell_error=on_error,
    )
    try:
        client.execute()
    except CellExecutionError as e:
        if not failure:
            failure.update(
                cellIndex=-1,
                codeCellNumber=-1,
                ename="CellExecutionError",
                evalue=str(e)[:2000],
                source="",
            )
    except Exception as e:  # a dead kernel, a timeout: report it like a failing cell
        failure.update(
            cellIndex=-1,
            codeCellNumber=-1,
            ename=type(e).__name__,
            evalue=str(e)[:2000],
            source="",
        )
    drop_placeholders(nb)
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    nbformat.write(nb, dst)
    return failure or None


def main(argv):
    if len(argv) not in (4, 5):
        sys.stderr.write(
            "usage: execute_notebook.py NOTEBOOK EXECUTED_PATH CELL_TIMEOUT_S [KERNEL]\n"
        )
        return 2
    failure = execute(argv[1], argv[2], int(argv[3]), *argv[4:])
    if failure:
        emit(type="failure", **failure)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
