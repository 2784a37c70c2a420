"""A real OpenAI-compatible streaming server whose engine steps follow a known law (test helper).

Run as a subprocess: ``python engine_server.py --mode ok --t0 6 --c-seq 0.08 ...``; it binds
127.0.0.1 on a random port and prints ``PORT <n>`` on stdout.

The engine is a miniature vLLM V1 scheduler: every step runs all decoding sequences plus prefill
chunks of waiting prompts under a token budget, and lasts exactly
``t0 + c_seq·B + c_kv·Σctx/1000 + c_pf·prefill_tokens`` ms on a virtual clock anchored to wall
time (so scheduling jitter of this process does not accumulate). A sequence whose prefill
completes emits its first token at the end of that step, then one token per step.

``--tokens-per-word k`` makes every prompt word count as k tokens (reported in ``usage``), so
long prompts cost little HTTP work in this process and the client must use the server's count.

Modes: ``ok``; ``fail_after=N`` (the connection is dropped after N tokens of every stream);
``stall_after=N`` (the stream goes silent after N tokens); ``error`` (HTTP 500 at once).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from queue import Queue


@dataclass
class Seq:
    prompt: int
    max_tokens: int
    out: Queue[float | None] = field(default_factory=Queue)
    prefilled: int = 0
    generated: int = 0


class Engine(threading.Thread):
    def __init__(self, t0: float, c_seq: float, c_kv: float, c_pf: float, budget: int) -> None:
        super().__init__(daemon=True)
        self.law = (t0, c_seq, c_kv, c_pf)
        self.budget = budget
        self.cv = threading.Condition()
        self.waiting: list[Seq] = []
        self.running: list[Seq] = []

    def submit(self, seq: Seq) -> None:
        with self.cv:
            self.waiting.append(seq)
            self.cv.notify()

    def run(self) -> None:
        t0, c_seq, c_kv, c_pf = self.law
        clock = time.perf_counter()
        while True:
            with self.cv:
                while not self.waiting and not self.running:
                    self.cv.wait()
                    clock = time.perf_counter()  # idle: the virtual clock restarts at wall time
                decodes = list(self.running)
                budget = self.budget - len(decodes)
                chunks: list[tuple[Seq, int]] = []
                for seq in list(self.waiting):
                    if budget <= 0:
                        break
                    take = min(budget, seq.prompt - seq.prefilled)
                    chunks.append((seq, take))
                    budget -= take
            ctx = sum(s.prompt + s.generated for s in decodes)
            prefill = sum(t for _, t in chunks)
            clock += (t0 + c_seq * len(decodes) + c_kv * ctx / 1000.0 + c_pf * prefill) / 1000.0
            delay = clock - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            with self.cv:
                for seq in decodes:
                    seq.generated += 1
                    seq.out.put(clock)
                    if seq.generated >= seq.max_tokens:
                        self.running.remove(seq)
                        seq.out.put(None)
                for seq, take in chunks:
                    seq.prefilled += take
                    if seq.prefilled >= seq.prompt:
                        self.waiting.remove(seq)
                        seq.generated = 1
                        seq.out.put(clock)
                        if seq.max_tokens > 1:
                            self.running.append(seq)
                        else:
                            seq.out.put(None)


def make_handler(engine: Engine, mode: str, tokens_per_word: int) -> type[BaseHTTPRequestHandler]:
    kind, _, arg = mode.partition("=")
    limit = int(arg) if arg else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: object) -> None:  # keep test output clean
            return

        def do_GET(self) -> None:
            body = b'{"version": "0.0-test"}' if self.path == "/version" else b"{}"
            self.send_response(200 if self.path == "/version" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def _event(self, obj: object) -> None:
            self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
            self.wfile.flush()

        def do_POST(self) -> None:
            req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if kind == "error":
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": {"message": "engine failure", "type": "server_error"}}')
                return
            words = sum(len(str(m.get("content", "")).split()) for m in req["messages"])
            prompt = words * tokens_per_word  # reported in usage; the client must use it
            seq = Seq(prompt=max(1, prompt), max_tokens=int(req.get("max_tokens") or 16))
            engine.submit(seq)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            base = {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": req["model"],
            }
            sent = 0
            while (stamp := seq.out.get()) is not None:
                del stamp
                if limit is not None and sent >= limit:
                    if kind == "fail_after":
                        self.wfile.flush()
                        self.connection.shutdown(2)  # drop the connection mid-stream
                        return
                    if kind == "stall_after":
                        time.sleep(3600)
                sent += 1
                delta = {"role": "assistant", "content": " w"} if sent == 1 else {"content": " w"}
                self._event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
            self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]})
            if (req.get("stream_options") or {}).get("include_usage"):
                usage = {
                    "prompt_tokens": seq.prompt,
                    "completion_tokens": sent,
                    "total_tokens": seq.prompt + sent,
                }
                self._event({**base, "choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="ok")
    ap.add_argument("--t0", type=float, default=6.0)
    ap.add_argument("--c-seq", type=float, default=0.08)
    ap.add_argument("--c-kv", type=float, default=0.1)
    ap.add_argument("--c-pf", type=float, default=0.004)
    ap.add_argument("--budget", type=int, default=8192)
    ap.add_argument("--tokens-per-word", type=int, default=1)
    a = ap.parse_args()
    engine = Engine(a.t0, a.c_seq, a.c_kv, a.c_pf, a.budget)
    engine.start()
    ThreadingHTTPServer.request_queue_size = 256  # a wave opens many connections at once
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(engine, a.mode, a.tokens_per_word))
    server.daemon_threads = True
    sys.stdout.write(f"PORT {server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
